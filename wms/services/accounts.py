"""Stations, operators, dashboard users and integration clients; tokens and passwords."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import QueryableAttribute, Session

from wms.db.models import (
    IntegrationClient,
    Merchant,
    Operator,
    Station,
    StationRole,
    User,
    UserRole,
    UserSession,
)
from wms.domain.errors import Conflict, InvalidInput, NotFound
from wms.services.uow import Actor, UnitOfWork
from wms.settings import SecuritySettings

_hasher = PasswordHasher()
_dummy_hash: str | None = None
BADGE_RE = re.compile(r"^OP-[A-Z0-9]{1,20}$")
LOGIN_RE = re.compile(r"^[A-Za-z0-9_.@-]{3,100}$")
MIN_PASSWORD = 8


def configure_passwords(security: SecuritySettings) -> None:
    """Use the configured argon2id cost for new hashes (verification reads the hash's own)."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(
        time_cost=security.argon2_time_cost,
        memory_cost=security.argon2_memory_kib,
        parallelism=security.argon2_parallelism,
    )
    _dummy_hash = None


def new_token(prefix: str) -> str:
    """A fresh random API token (shown once, stored only as a hash)."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    """SHA-256 of a token: tokens are long random strings, so a fast hash is enough."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("user.password_short")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches (constant-time inside argon2)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash uses outdated parameters."""
    return _hasher.check_needs_rehash(password_hash)


def _unique(session: Session, column: QueryableAttribute[str], value: str, what: str) -> None:
    if session.execute(sa.select(column).where(column == value)).first() is not None:
        raise Conflict("account.exists", what=what, value=value)


def create_station(
    uow: UnitOfWork, actor: Actor, name: str, role: StationRole, language: str = "ru"
) -> tuple[Station, str]:
    """Register a station; returns it with its token (shown once)."""
    if not name.strip() or len(name) > 100:
        raise InvalidInput("station.name")
    if language not in ("ru", "en", "kk"):
        raise InvalidInput("station.language", language=language)
    _unique(uow.session, Station.name, name, "station")
    token = new_token("st")
    station = Station(
        name=name, role=role, token_hash=hash_token(token), language=language, created_at=uow.now()
    )
    uow.session.add(station)
    uow.session.flush()
    uow.audit("station", station.id, "create", actor, name=name, role=role.value)
    return station, token


def rotate_station_token(uow: UnitOfWork, actor: Actor, name: str) -> str:
    """Give a station a new token; the old one stops working."""
    station = uow.session.execute(
        sa.select(Station).where(Station.name == name)
    ).scalar_one_or_none()
    if station is None:
        raise NotFound("station.not_found", station=name)
    token = new_token("st")
    station.token_hash = hash_token(token)
    uow.audit("station", station.id, "rotate_token", actor)
    return token


def create_operator(uow: UnitOfWork, actor: Actor, name: str, badge: str) -> Operator:
    """Register an operator and their badge code (`OP-…`)."""
    if not BADGE_RE.match(badge):
        raise InvalidInput("operator.badge_format", badge=badge)
    if not name.strip():
        raise InvalidInput("operator.name")
    _unique(uow.session, Operator.badge, badge, "badge")
    operator = Operator(name=name.strip(), badge=badge, created_at=uow.now())
    uow.session.add(operator)
    uow.session.flush()
    uow.audit("operator", operator.id, "create", actor, badge=badge)
    return operator


def create_user(
    uow: UnitOfWork,
    actor: Actor,
    login: str,
    role: UserRole,
    password: str,
    merchant_code: str | None = None,
) -> User:
    """Create a dashboard login; merchant logins are scoped to one merchant."""
    if not LOGIN_RE.match(login):
        raise InvalidInput("user.login_format")
    merchant_id = None
    if role is UserRole.MERCHANT:
        if not merchant_code:
            raise InvalidInput("user.merchant_required")
        merchant_id = merchant_by_code(uow.session, merchant_code).id
    elif merchant_code:
        raise InvalidInput("user.merchant_only_for_merchant_role")
    _unique(uow.session, User.login, login, "login")
    user = User(
        login=login,
        password_hash=hash_password(password),
        role=role,
        merchant_id=merchant_id,
        created_at=uow.now(),
    )
    uow.session.add(user)
    uow.session.flush()
    uow.audit("user", user.id, "create", actor, login=login, role=role.value)
    return user


def create_integration_client(
    uow: UnitOfWork, actor: Actor, name: str, merchant_code: str | None = None
) -> tuple[IntegrationClient, str]:
    """Register a system that calls the integration API; returns it with its token."""
    _unique(uow.session, IntegrationClient.name, name, "integration client")
    merchant_id = merchant_by_code(uow.session, merchant_code).id if merchant_code else None
    token = new_token("it")
    client = IntegrationClient(
        name=name, token_hash=hash_token(token), merchant_id=merchant_id, created_at=uow.now()
    )
    uow.session.add(client)
    uow.session.flush()
    uow.audit("integration_client", client.id, "create", actor, name=name)
    return client, token


def merchant_by_code(session: Session, code: str) -> Merchant:
    """The merchant with this code."""
    merchant = session.execute(
        sa.select(Merchant).where(Merchant.code == code)
    ).scalar_one_or_none()
    if merchant is None:
        raise NotFound("merchant.not_found", merchant=code)
    return merchant


def station_by_token(session: Session, token: str) -> Station | None:
    """The active station owning this token."""
    station = session.execute(
        sa.select(Station).where(Station.token_hash == hash_token(token))
    ).scalar_one_or_none()
    return station if station is not None and station.active else None


def integration_by_token(session: Session, token: str) -> IntegrationClient | None:
    """The active integration client owning this token."""
    client = session.execute(
        sa.select(IntegrationClient).where(IntegrationClient.token_hash == hash_token(token))
    ).scalar_one_or_none()
    return client if client is not None and client.active else None


def authenticate_user(session: Session, login: str, password: str) -> User | None:
    """The active user with this login and password."""
    user = session.execute(sa.select(User).where(User.login == login)).scalar_one_or_none()
    if user is None:
        # Spend the same time as a real check so logins cannot be probed by timing.
        verify_password(_dummy(), password)
        return None
    if not user.active or not verify_password(user.password_hash, password):
        return None
    return user


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("timing-equaliser")
    return _dummy_hash


# -- dashboard sessions (server-side: revocable at once) ----------------------------------------


SESSION_LIFETIME = timedelta(hours=12)


def open_session(uow: UnitOfWork, user_id: int) -> str:
    """Start a dashboard session; returns the random id the cookie carries (stored hashed)."""
    session_id = secrets.token_urlsafe(32)
    now = uow.now()
    uow.session.execute(  # the user's expired sessions go with the next login
        sa.delete(UserSession).where(
            UserSession.user_id == user_id, UserSession.created_at < now - SESSION_LIFETIME
        )
    )
    uow.session.add(UserSession(id_hash=hash_token(session_id), user_id=user_id, created_at=now))
    return session_id


def user_of_session(session: Session, session_id: str, now: datetime) -> User | None:
    """The active user of a live session, else None (logged out, expired, revoked, disabled)."""
    user = session.execute(
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.id_hash == hash_token(session_id),
            UserSession.created_at > now - SESSION_LIFETIME,
        )
    ).scalar_one_or_none()
    return user if user is not None and user.active else None


def close_session(uow: UnitOfWork, session_id: str) -> None:
    """End one session (logout): a copy of its cookie opens nothing afterwards."""
    uow.session.execute(sa.delete(UserSession).where(UserSession.id_hash == hash_token(session_id)))


def _user(session: Session, login: str) -> User:
    user = session.execute(sa.select(User).where(User.login == login)).scalar_one_or_none()
    if user is None:
        raise NotFound("user.not_found", user=login)
    return user


def set_password(uow: UnitOfWork, actor: Actor, login: str, password: str) -> User:
    """Change a user's password and end every session the user has."""
    user = _user(uow.session, login)
    user.password_hash = hash_password(password)
    uow.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    uow.audit("user", user.id, "password", actor)
    return user


def set_active(uow: UnitOfWork, actor: Actor, login: str, active: bool) -> User:
    """Enable or disable a login; disabling ends every session at once."""
    user = _user(uow.session, login)
    user.active = active
    if not active:
        uow.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    uow.audit("user", user.id, "enable" if active else "disable", actor)
    return user
