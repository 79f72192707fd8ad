"""Every word operators and supervisors read exists in ru, en and kk, and no English leaks into
the Russian or Kazakh texts (issue 10: exception texts, categories, roles, zones, code kinds)."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest

from wms.db.models import UserRole
from wms.domain.barcodes import CodeKind
from wms.domain.commands import COMMANDS
from wms.domain.grading import Check, GradeChoice
from wms.domain.orders import ReturnOrderState
from wms.domain.returns import ReturnReason, ReturnType
from wms.domain.station_session import StationRole
from wms.domain.stock import ZoneKind
from wms.domain.texts import MESSAGES, TERMS
from wms.domain.units import UnitState
from wms.services.demo import PRODUCTS
from wms.services.floor_exceptions import KINDS

VOCABULARIES: dict[str, list[str]] = {
    enum.__name__: [member.value for member in enum]
    for enum in (
        CodeKind,
        ZoneKind,
        StationRole,
        UserRole,
        UnitState,
        ReturnOrderState,
        GradeChoice,
        Check,
        ReturnType,
        ReturnReason,
    )
    if issubclass(enum, StrEnum)
}
VOCABULARIES["exception kinds"] = list(KINDS)
VOCABULARIES["categories"] = sorted({category for _m, _s, _t, category, *_x in PRODUCTS})

# Names and codes that are the same in every language (marketplaces, formats, barcode kinds).
SAME_EVERYWHERE = {
    "LPN", "CMD", "USB-COM", "DataMatrix", "Kaspi", "Wildberries", "Ozon", "GS1", "EAN", "UPC",
    "GTIN", "SKU", "JPEG", "PNG", "WebP", "Samovar", "Qulaq", "Pro", "BIN-A-", "OP-", "GS",
    "Enter", "PDF", "pdf", "xlsx", "XLSX", "CSV", "csv", "ZPL", "NUL", "JSON", "UTF-",
}  # fmt: skip
CODE_LIKE = re.compile(
    r"\{[a-z_]+\}|CMD:[A-Z-]+|--[a-z-]+(?: [a-z_]+)?|https?://\S+|(?<!\w)/[a-z][\w/-]*|application/json"
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z-]{2,}")


def english_in(text: str) -> list[str]:
    """Latin words left in a Russian or Kazakh text once codes and placeholders are removed."""
    words = LATIN_WORD.findall(CODE_LIKE.sub(" ", text))
    return [word for word in words if word not in SAME_EVERYWHERE]


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_every_value_has_a_name_in_three_languages(vocabulary: str) -> None:
    missing = [v for v in VOCABULARIES[vocabulary] if v not in TERMS]
    assert not missing, f"{vocabulary}: no ru/en/kk name for {missing} (wms/domain/texts/terms.py)"
    for value in VOCABULARIES[vocabulary]:
        ru, en, kk = TERMS[value]
        assert ru, value
        assert en, value
        assert kk, value


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_no_english_leaks_into_russian_or_kazakh(language: str) -> None:
    index = {"ru": 0, "kk": 2}[language]
    texts = {f"message {k}": v[index] for k, v in MESSAGES.items()}
    texts |= {f"term {k}": v[index] for k, v in TERMS.items()}
    texts |= {f"command {c.code}": getattr(c, language) for c in COMMANDS}
    leaks = {where: words for where, text in texts.items() if (words := english_in(text))}
    assert not leaks


def test_the_leak_check_catches_english() -> None:
    assert english_in("Здесь это не сканируют (bin)") == ["bin"]
    assert english_in("Сканируйте CMD:CLOSE, {lpn} и LPN") == []


def test_every_message_has_three_languages() -> None:
    short = [key for key, texts in MESSAGES.items() if len(texts) != 3 or not all(texts)]
    assert not short


@pytest.mark.parametrize(
    "vocabulary",
    ["ZoneKind", "StationRole", "UserRole", "UnitState", "ReturnOrderState", "exception kinds"],
)
def test_the_dashboard_names_them_too(vocabulary: str) -> None:
    from wms.web.ui.i18n import GENERAL

    missing = [v for v in VOCABULARIES[vocabulary] if v not in GENERAL]
    assert not missing, f"{vocabulary}: no dashboard name (wms/web/ui/i18n.py) for {missing}"


def test_the_dashboard_names_the_categories() -> None:
    from wms.web.ui.i18n import CATEGORIES

    assert set(VOCABULARIES["categories"]) <= set(CATEGORIES)
