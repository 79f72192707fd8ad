"""Sync state per marketplace account: pauses after account errors, import cursors."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wms.db.base import Base, utcnow


class SyncAccount(Base):
    """What the sync worker and the returns import remember about one marketplace account."""

    __tablename__ = "sync_accounts"

    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("marketplace_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    #: Set after an account-level error (bad token, ban): no pushes until then, rows wait.
    paused_until: Mapped[datetime | None]
    pause_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Consecutive pauses; each one lasts longer (capped).
    pauses: Mapped[int] = mapped_column(default=0)
    last_push_at: Mapped[datetime | None]
    #: End of the last successful returns import window; the next import starts before it.
    returns_synced_at: Mapped[datetime | None]
    orders_counted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
