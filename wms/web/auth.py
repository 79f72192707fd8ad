"""Who is calling: station and integration bearer tokens, dashboard logins; route access rules.

Every view carries an `Access` (attribute `wms_access`); a test walks the URL map and checks
that each one refuses anonymous and wrong-role callers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import g, request, session
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from wms.db.base import utcnow
from wms.db.models import StationRole, UserRole
from wms.services import accounts
from wms.services.cache import TtlCache
from wms.services.uow import Actor
from wms.web.context import run, wms

F = TypeVar("F", bound=Callable[..., Any])

STATION, INTEGRATION, USER = "station", "integration", "user"
STAFF_ROLES = frozenset({UserRole.SUPERVISOR, UserRole.ADMIN})
ALL_USER_ROLES = frozenset(UserRole)


class AuthError(Exception):
    """Authentication (401) or authorisation (403) failed."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Access:
    """Who may call a route: kinds of principal and, for dashboard users, their roles."""

    kinds: frozenset[str]
    user_roles: frozenset[UserRole] = ALL_USER_ROLES
    station_roles: frozenset[StationRole] = frozenset(StationRole)
    public: bool = False


PUBLIC = Access(frozenset(), public=True)


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    kind: str
    actor: Actor
    station_id: int | None = None
    station_role: StationRole | None = None
    user_id: int | None = None
    user_role: UserRole | None = None
    language: str = "ru"

    @property
    def merchant_id(self) -> int | None:
        """The merchant the caller is limited to (None = all merchants)."""
        return self.actor.merchant_id


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


# Every station request carries its token; looking it up once per few seconds instead of per
# request halves the database work of a scan. A revoked token stops working within the TTL.
TOKEN_CACHE_SECONDS = 5.0
_principals: TtlCache[Principal] = TtlCache(TOKEN_CACHE_SECONDS)


def _token_principal(token: str) -> Principal | None:
    key = (wms().db.uid, accounts.hash_token(token))
    return _principals.get_or_load(key, lambda: _load_token_principal(token))


def _load_token_principal(token: str) -> Principal | None:
    with wms().db.reading() as db:
        if token.startswith("st_"):
            station = accounts.station_by_token(db, token)
            if station is None:
                return None
            actor = Actor(station.name, kind=STATION, station_id=station.id)
            return Principal(STATION, actor, station.id, station.role, language=station.language)
        if token.startswith("it_"):
            client = accounts.integration_by_token(db, token)
            if client is None:
                return None
            actor = Actor(
                f"integration:{client.name}", kind=INTEGRATION, merchant_id=client.merchant_id
            )
            return Principal(INTEGRATION, actor)
    return None


def session_user() -> Principal | None:
    """The dashboard user logged in with the session cookie, if any."""
    session_id = session.get("sid")
    if not isinstance(session_id, str):
        return None
    with wms().db.reading() as db:
        user = accounts.user_of_session(db, session_id, utcnow())
        if user is None:
            return None
        actor = Actor(
            user.login,
            kind=USER,
            user_id=user.id,
            merchant_id=user.merchant_id,
            role=user.role.value,
        )
        language = user.language or wms().settings.i18n.default_language
        return Principal(USER, actor, user_id=user.id, user_role=user.role, language=language)


def authenticate(access: Access) -> Principal | None:
    """Identify the caller and check the route's access rule (AuthError otherwise)."""
    if access.public:
        return None
    token = _bearer()
    principal = _token_principal(token) if token else None
    if token and principal is None:
        raise AuthError(401, "unauthenticated", "invalid or revoked token")
    if principal is None and USER in access.kinds:
        principal = session_user()
        if principal is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            _check_csrf()
    if principal is None:
        raise AuthError(401, "unauthenticated", "authentication required")
    if principal.kind not in access.kinds:
        raise AuthError(403, "forbidden", f"{principal.kind} credentials may not call this")
    if principal.user_role is not None and principal.user_role not in access.user_roles:
        raise AuthError(403, "forbidden", f"role {principal.user_role.value} may not do this")
    if principal.station_role is not None and principal.station_role not in access.station_roles:
        raise AuthError(
            403, "forbidden", f"a {principal.station_role.value} station may not do this"
        )
    g.principal = principal
    return principal


def _check_csrf() -> None:
    # Cookie-authenticated writes must carry the CSRF token (header or form field).
    token = request.headers.get("X-CSRFToken") or request.form.get("csrf_token")
    try:
        validate_csrf(token)
    except ValidationError:
        raise AuthError(403, "csrf_failed", "missing or invalid CSRF token") from None


def protect(access: Access) -> Callable[[F], F]:
    """Mark a view with its access rule and enforce it before the view runs."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def view(*args: Any, **kwargs: Any) -> Any:
            authenticate(access)
            return fn(*args, **kwargs)

        view.wms_access = access  # type: ignore[attr-defined]
        return view  # type: ignore[return-value]

    return decorate


def current() -> Principal:
    """The principal of the current request (after `protect`)."""
    principal: Principal | None = g.get("principal")
    if principal is None:
        raise AuthError(401, "unauthenticated", "authentication required")
    return principal


def login_session(session_id: str) -> None:
    """Bind a dashboard login to the cookie: only the random session id, nothing of the user."""
    session.clear()
    session["sid"] = session_id
    session.permanent = True


def logout_session() -> None:
    """End the dashboard session on the server (a copied cookie stops working) and forget it."""
    session_id = session.get("sid")
    if isinstance(session_id, str):
        run(accounts.close_session, session_id)
    session.clear()
