"""Video clips of opened parcels, recorded at the receipt station and attached to return orders."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wms.db.base import Base, CreatedAt


class Clip(CreatedAt, Base):
    """One recording from the order code to `CMD:CLOSE`, stored on disk (evidence for claims)."""

    __tablename__ = "clips"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The station's own id of the clip: a retried upload finds the row instead of adding one.
    client_id: Mapped[str] = mapped_column(sa.String(64))
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"))
    return_order_id: Mapped[int] = mapped_column(sa.ForeignKey("return_orders.id"), index=True)
    #: Copied from the order for merchant scoping (None while a blind return has no merchant).
    merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchants.id"))
    operator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("operators.id"))
    #: The code scanned to open the receipt (burnt into the picture too).
    order_code: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    duration_ms: Mapped[int]
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Relative to `[clips] dir`.
    path: Mapped[str] = mapped_column(sa.String(300))
    content_type: Mapped[str] = mapped_column(sa.String(50))
    #: Kept past retention (evidence of an open claim).
    hold: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        sa.UniqueConstraint("station_id", "client_id"),
        sa.Index("ix_clips_created_at", "created_at"),
    )
