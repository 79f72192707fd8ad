"""Handheld login: a station barcode (or the token) opens a browser station session, rate-limited.

Failed attempts are counted per client address in the same table as dashboard logins
(`dashboard.recent_failures`), so one mechanism limits every login form.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from wms.db.models import Station
from wms.domain.errors import NotFound
from wms.domain.station_login import code_matches, login_code, parse_login_code
from wms.services import accounts, dashboard
from wms.services.uow import Actor, UnitOfWork


@dataclass(frozen=True)
class PageLogin:
    """A browser station session to open: the station and the key that keeps it valid."""

    station_id: int
    key: str  # "login:<epoch>" for a login code, the token hash's tail for a token


def session_key(station: Station, *, by_code: bool) -> str:
    """What the browser session remembers: changes when the code is revoked or the token rotated."""
    return f"login:{station.login_epoch}" if by_code else station.token_hash[-16:]


def key_still_valid(station: Station, key: str) -> bool:
    """Whether a browser session opened with `key` may go on."""
    by_code = key.startswith("login:")
    return station.active and key == session_key(station, by_code=by_code)


def log_in(
    uow: UnitOfWork, scanned: str, *, secret: str, limit_per_minute: int, remote_addr: str | None
) -> tuple[PageLogin | None, bool]:
    """Check a scanned login code or a typed token: (the session to open or None, throttled)."""
    attempt_key = f"station-page:{remote_addr or '-'}"
    if dashboard.recent_failures(uow.session, attempt_key, uow.now()) >= limit_per_minute:
        return None, True
    station, by_code = _station_for(uow, scanned.strip(), secret)
    if station is None:
        dashboard.record_failed_login(uow, attempt_key, remote_addr)
        return None, False
    how = "login_code" if by_code else "token"
    uow.audit("station", station.id, "page_login", Actor(station.name, kind="station"), via=how)
    return PageLogin(station.id, session_key(station, by_code=by_code)), False


def _station_for(uow: UnitOfWork, scanned: str, secret: str) -> tuple[Station | None, bool]:
    parsed = parse_login_code(scanned)
    if parsed is None:
        return accounts.station_by_token(uow.session, scanned), False
    station_id, code = parsed
    station = uow.session.get(Station, station_id)
    if station is None or not station.active:
        return None, True
    return (station if code_matches(secret, station.id, station.login_epoch, code) else None), True


def current_code(station: Station, secret: str) -> str:
    """The login code of a station as it is now."""
    return login_code(secret, station.id, station.login_epoch)


def station_named(uow: UnitOfWork, name: str) -> Station:
    """An active station by name (NotFound otherwise)."""
    station = uow.session.execute(
        sa.select(Station).where(Station.name == name)
    ).scalar_one_or_none()
    if station is None or not station.active:
        raise NotFound("station.not_found", station=name)
    return station


def revoke_code(uow: UnitOfWork, actor: Actor, station_id: int) -> Station:
    """Give the station a new login code: the printed one and its browser sessions stop working."""
    station = uow.session.get(Station, station_id)
    if station is None:
        raise NotFound("station.not_found", station=str(station_id))
    station.login_epoch += 1
    uow.audit("station", station.id, "revoke_login_code", actor, epoch=station.login_epoch)
    return station
