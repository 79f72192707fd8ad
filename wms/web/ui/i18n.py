"""Languages of the pages (ru by default, en, kk): Flask-Babel, names of domain values, formats."""

from __future__ import annotations

import functools
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale
from flask import Flask, g, session
from flask_babel import Babel, gettext, lazy_gettext

from wms.domain.kpi import WAREHOUSE_TZ
from wms.web.context import wms

LANGUAGES = ("ru", "en", "kk")
LANGUAGE_NAMES = {"ru": "Русский", "en": "English", "kk": "Қазақша"}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
_ = lazy_gettext


def current_language() -> str:
    """The language of this request: the user's choice, then the session's, then the default."""
    principal, known = g.get("principal"), g.get("_language")
    if known is not None and principal is not None:
        return str(known)
    language = _choose_language()
    if principal is not None:  # settled once the caller is known
        g._language = language
    return language


def _choose_language() -> str:
    principal = g.get("principal")
    if principal is not None and principal.user_id is not None and principal.language in LANGUAGES:
        return str(principal.language)
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return wms().settings.i18n.default_language


def init_babel(app: Flask | Any) -> None:
    """Install Flask-Babel with our catalogues, the warehouse time zone and the filters."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Almaty")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "ru")
    if "babel" not in app.extensions:
        Babel(app, locale_selector=current_language)
    app.jinja_env.filters.update(
        term=term,
        dt=dt,
        day=day,
        duration=duration,
        money=money,
        num=num,
        pct=pct,
        percent=percent,
        hours=hours,
    )
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, LANGUAGE_NAMES=LANGUAGE_NAMES)


# --- names of the domain's values -----------------------------------------------------------

GENERAL: dict[str, Any] = {
    # unit and order states
    "received": _("received"),
    "awaiting_repack": _("awaiting repack"),
    "awaiting_putaway": _("awaiting putaway"),
    "in_stock": _("in stock"),
    "in_repair": _("in repair"),
    "awaiting_decision": _("awaiting decision"),
    "claimed": _("claim open"),
    "claim_settled": _("claim settled"),
    "disposed": _("disposed"),
    "returned_to_merchant": _("returned to merchant"),
    "shipped": _("shipped"),
    "voided": _("voided"),
    "expected": _("expected"),
    "receiving": _("receiving"),
    "completed": _("completed"),
    "cancelled": _("cancelled"),
    # stages
    "inspection": _("inspection"),
    "repair": _("repair"),
    "repack": _("repack"),
    "putaway": _("putaway"),
    "decision": _("decision"),
    "claim": _("claim"),
    "total": _("receipt → done"),
    # return types
    "customer_return": _("customer return"),
    "cancelled_in_delivery": _("cancelled in delivery"),
    "not_picked_up": _("not picked up"),
    "claim_return": _("claim return"),
    # marketplaces
    "kaspi": "Kaspi",
    "wildberries": "Wildberries",
    "ozon": "Ozon",
    "other": _("other"),
    # grades, conditions, channels
    "resellable": _("resellable"),
    "non_returnable": _("non-returnable"),
    "resellable_new": _("resellable, new"),
    "resellable_used": _("resellable, used"),
    "new": _("new"),
    "used": _("used"),
    "main": _("main"),
    "resale": _("resale"),
    # zones
    "stock_main": _("main stock"),
    "stock_resale": _("resale stock"),
    "hold": _("hold"),
    "disposal": _("disposal"),
    "return_to_merchant": _("return to merchant"),
    # decisions and dispositions
    "dispose": _("dispose"),
    "restock_main": _("back to main stock"),
    "repack_restock": _("repack, then stock"),
    "await_decision": _("awaiting decision"),
    # checklist
    "packaging_damaged": _("packaging damaged"),
    "seals_broken": _("seals or tags missing"),
    "incomplete": _("incomplete"),
    "documents_missing": _("documents missing"),
    "signs_of_use": _("signs of use"),
    "not_working": _("not working"),
    "wrong_item": _("wrong item"),
    "marking_mismatch": _("marking code mismatch"),
    # floor exceptions
    "replay_failed": _("offline scan failed on replay"),
    "unknown_barcode": _("unknown barcode"),
    "missing_line": _("missing line"),
    "extra_line": _("extra line"),
    "marking_duplicate": _("duplicate marking code"),
    "open": _("open"),
    "resolved": _("resolved"),
    # quality levels
    "excellent": _("excellent"),
    "warn": _("warning"),
    "alarm": _("alarm"),
    "not_counted": _("not counted"),
    # station roles
    "receipt": _("receipt"),
    "universal": _("universal"),
    # outbox and ledger
    "pending": _("pending"),
    "done": _("done"),
    "parked": _("parked"),
    "return_putaway": _("return put away"),
    "inbound": _("inbound"),
    "outbound": _("outbound"),
    "reservation": _("reservation"),
    "release": _("release"),
    "move": _("move"),
    "adjustment": _("adjustment"),
    # roles
    "supervisor": _("supervisor"),
    "admin": _("administrator"),
    "merchant": _("merchant"),
}
REASONS: dict[str, Any] = {
    "not_as_described": _("not as described"),
    "wrong_item": _("wrong item sent"),
    "defective": _("defective"),
    "counterfeit": _("counterfeit"),
    "changed_mind": _("changed mind"),
    "damaged_in_transit": _("damaged in transit"),
    "cancelled": _("cancellation"),
    "not_picked_up": _("not picked up"),
    "other": _("other"),
}
DECISIONS: dict[str, Any] = {
    "dispose": _("dispose"),
    "return_to_merchant": _("return to merchant"),
    "resale": _("sell as resale"),
    "repair": _("send to repair"),
    "claim": _("claim against the marketplace"),
}
ACTIONS: dict[str, Any] = {
    "receive": _("received at the dock"),
    "announce": _("announced"),
    "start_receipt": _("receipt started"),
    "open_blind": _("blind receipt opened"),
    "open_unannounced": _("unannounced receipt opened"),
    "add_unit": _("unit added"),
    "close": _("receipt closed"),
    "complete": _("completed"),
    "cancel": _("cancelled"),
    "describe": _("reason or type set"),
    "grade_restock": _("graded: back to stock"),
    "grade_repack": _("graded: to repack"),
    "grade_repair": _("graded: to repair"),
    "grade_non_returnable": _("graded: non-returnable"),
    "repair_done": _("repaired"),
    "repair_failed": _("repair failed"),
    "repack": _("repacked"),
    "putaway": _("put away"),
    "move": _("moved"),
    "place": _("placed in a bin"),
    "ship": _("shipped"),
    "decide_dispose": _("decided: dispose"),
    "decide_return_to_merchant": _("decided: return to merchant"),
    "decide_resale": _("decided: resale"),
    "decide_repair": _("decided: repair"),
    "decide_claim": _("decided: claim"),
    "claim_compensated": _("claim compensated"),
    "claim_rejected": _("claim rejected"),
    "void": _("voided"),
    "photo": _("photo added"),
    "clip": _("video recorded"),
    "clips_hold": _("clips held as evidence"),
    "clips_release": _("clips released"),
}
PRINTER_STATES = {
    "ok": _("ready"),
    "paper_out": _("paper out"),
    "ribbon_out": _("ribbon out"),
    "head_open": _("print head open"),
    "paused": _("paused"),
    "not_ready": _("not ready"),
    "offline": _("offline"),
    "unknown": _("not checked yet"),
}
PRINT_JOB_STATES = {
    "queued": _("in the queue"),
    "sending": _("sending"),
    "printed": _("printed"),
    "cancelled": _("cancelled"),
}
GROUPS = {
    "reason": REASONS,
    "decision": DECISIONS,
    "action": ACTIONS,
    "printer": PRINTER_STATES,
    "print_job": PRINT_JOB_STATES,
}


def term(value: Any, group: str = "") -> str:
    """The name of a state, reason, zone … in the current language (the value if unknown)."""
    if value is None:
        return "—"
    key = getattr(value, "value", value)
    cache: dict[tuple[str, Any], str] = g.setdefault("_terms", {})  # one language per request
    name = cache.get((group, key))
    if name is None:
        found = GROUPS.get(group, {}).get(key) or GENERAL.get(key)
        name = cache[(group, key)] = str(found) if found is not None else str(key)
    return name


# --- formats --------------------------------------------------------------------------------


def dt(value: datetime | None) -> str:
    """Date and time in the warehouse's time zone (the same digits in every language)."""
    return "—" if value is None else value.astimezone(WAREHOUSE_TZ).strftime("%d.%m.%Y %H:%M")


def day(value: Any) -> str:
    """A date."""
    if value is None:
        return "—"
    return value.strftime("%d.%m.%Y") if hasattr(value, "strftime") else str(value)


def duration(seconds: float | None) -> str:
    """A duration people read at a glance: 25 s, 45 min, 3 h 20 min, 2 d 4 h."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return str(gettext("%(s)d s", s=int(seconds)))
    minutes = int(seconds // 60)
    if minutes < 60:
        return str(gettext("%(m)d min", m=minutes))
    hours_, minutes = divmod(minutes, 60)
    if hours_ < 48:
        return str(gettext("%(h)d h %(m)d min", h=hours_, m=minutes))
    days, hours_ = divmod(hours_, 24)
    return str(gettext("%(d)d d %(h)d h", d=days, h=hours_))


@functools.lru_cache(maxsize=8)
def _separators(language: str) -> tuple[str, str]:
    symbols = Locale.parse(language).number_symbols["latn"]
    return str(symbols["group"]), str(symbols["decimal"])


def _number(value: Decimal | float | int, decimals: int, *, trim: bool = False) -> str:
    # Babel's separators, Python's formatting: pages print thousands of numbers.
    group, point = _separators(current_language())
    text = f"{value:,.{decimals}f}"
    if trim and decimals:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", point).replace("\0", group)


def hours(seconds: float | None) -> str:
    """Seconds as hours with one decimal."""
    return "—" if seconds is None else _number(seconds / 3600, 1)


def money(value: Decimal | float | int | None) -> str:
    """An amount in tenge."""
    return "—" if value is None else f"{_number(value, 0)} ₸"


def num(value: int | float | None) -> str:
    """A number with the language's grouping."""
    if value is None:
        return "—"
    return _number(value, 0) if isinstance(value, int) else _number(value, 2, trim=True)


def pct(fraction: float | None) -> str:
    """A fraction as a percentage."""
    return "—" if fraction is None else f"{_number(fraction * 100, 1)} %"


def percent(value: Decimal | float | None) -> str:
    """A value that already is a percentage."""
    return "—" if value is None else f"{_number(value, 2)} %"
