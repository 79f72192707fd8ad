"""Use cases behind the dashboard: order counts, floor exceptions, logins and language."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import (
    ExceptionStatus,
    FloorException,
    LoginAttempt,
    Merchant,
    MerchantOrderCount,
    User,
)
from wms.db.session import serialize_on
from wms.domain.errors import Conflict, InvalidInput, NotFound
from wms.domain.returns import Marketplace
from wms.services import accounts
from wms.services.uow import Actor, UnitOfWork

LANGUAGES = ("ru", "en", "kk")
RATE_WINDOW = timedelta(minutes=1)
MAX_NOTE = 2000


def record_order_count(
    uow: UnitOfWork,
    merchant_id: int,
    marketplace: Marketplace | str,
    day: date,
    completed_orders: int,
    *,
    source: str = "import",
) -> MerchantOrderCount:
    """Store how many orders a merchant completed on a marketplace on a day (replaces the figure).

    The marketplace sync calls this with counts from the orders API; the quality-returns rate
    divides by the sum over 30 days.
    """
    if completed_orders < 0:
        raise InvalidInput("order_counts.negative", value=completed_orders)
    if uow.session.get(Merchant, merchant_id) is None:
        raise NotFound("merchant.not_found", merchant=str(merchant_id))
    market = Marketplace(marketplace)
    row = uow.session.execute(
        sa.select(MerchantOrderCount).where(
            MerchantOrderCount.merchant_id == merchant_id,
            MerchantOrderCount.marketplace == market,
            MerchantOrderCount.day == day,
        )
    ).scalar_one_or_none()
    if row is None:
        row = MerchantOrderCount(merchant_id=merchant_id, marketplace=market, day=day)
        uow.session.add(row)
    row.completed_orders = completed_orders
    row.source = source[:40]
    row.updated_at = uow.now()
    uow.session.flush()
    return row


def resolve_exception(
    uow: UnitOfWork, actor: Actor, exception_id: int, note: str
) -> FloorException:
    """Close a floor exception with a note saying what was done."""
    note = note.strip()
    if not note:
        raise InvalidInput("exception.note_required")
    if len(note) > MAX_NOTE:
        raise InvalidInput("exception.note_too_long", max=MAX_NOTE)
    item = uow.session.execute(
        sa.select(FloorException).where(FloorException.id == exception_id).with_for_update()
    ).scalar_one_or_none()
    if item is None or not actor.may_access(item.merchant_id):
        raise NotFound("exception.not_found", id=str(exception_id))
    if item.status is ExceptionStatus.RESOLVED:
        raise Conflict("exception.already_resolved", id=str(exception_id))
    item.status = ExceptionStatus.RESOLVED
    item.resolved_at = uow.now()
    item.resolved_by = actor.name
    item.resolution = note
    uow.audit(
        "floor_exception",
        item.id,
        "resolve",
        actor,
        from_state="open",
        to_state="resolved",
        note=note,
    )
    return item


def recent_failures(session: Session, login: str, now: datetime) -> int:
    """Failed logins for this login name within the last minute."""
    return int(
        session.execute(
            sa.select(sa.func.count()).where(
                LoginAttempt.login == login.lower(), LoginAttempt.failed_at > now - RATE_WINDOW
            )
        ).scalar_one()
    )


def record_failed_login(uow: UnitOfWork, login: str, remote_addr: str | None) -> None:
    """Remember a failed login (older rows of the same name are dropped)."""
    now = uow.now()
    key = login.lower()[:100]
    uow.session.execute(
        sa.delete(LoginAttempt).where(
            LoginAttempt.login == key, LoginAttempt.failed_at < now - 10 * RATE_WINDOW
        )
    )
    uow.session.add(LoginAttempt(login=key, failed_at=now, remote_addr=(remote_addr or "")[:64]))


def login(
    uow: UnitOfWork,
    login_name: str,
    password: str,
    *,
    limit_per_minute: int,
    remote_addr: str | None,
) -> tuple[User | None, bool]:
    """Check a dashboard login under the rate limit: (the user or None, whether it was throttled).

    A throttled attempt does not even verify the password, so guessing gets nowhere.
    """
    # Attempts on one login name queue up here, so fifty at once verify exactly the limit.
    serialize_on(uow.session, "login", login_name.lower())
    if recent_failures(uow.session, login_name, uow.now()) >= limit_per_minute:
        return None, True
    user = accounts.authenticate_user(uow.session, login_name, password)
    if user is None:
        record_failed_login(uow, login_name, remote_addr)
        return None, False
    user.last_login_at = uow.now()
    if accounts.needs_rehash(user.password_hash):
        user.password_hash = accounts.hash_password(password)
    uow.audit("user", user.id, "login", Actor(user.login, kind="user", user_id=user.id))
    return user, False


def set_language(uow: UnitOfWork, user_id: int, language: str) -> User:
    """Remember a dashboard user's interface language."""
    if language not in LANGUAGES:
        raise InvalidInput("user.language", language=language)
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound("user.not_found", user=str(user_id))
    user.language = language
    return user
