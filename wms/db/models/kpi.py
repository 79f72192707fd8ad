"""KPI rollups: per closed warehouse-local day, what the KPI and reasons pages add up.

Rows are rebuilt a day at a time by the `kpi_rollup` job (`wms.services.kpi_rollup`); a day
counts as rolled up only once its row in `kpi_rolled_days` exists, and the pages read the
direct queries for every day that is not (today, or a day not rolled up yet).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wms.db.base import Base
from wms.db.models.returns import Unit


class KpiRolledDay(Base):
    """A day whose rollup rows are complete, and when they were computed."""

    __tablename__ = "kpi_rolled_days"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    computed_at: Mapped[datetime]
    #: The rows cover [day start, through): the day's end once it is closed, the time of the
    #: rollup for today (the pages read the rest directly).
    through: Mapped[datetime]


class KpiCount(Base):
    """A counter of one merchant and day (units received, put away by channel, orders …)."""

    __tablename__ = "kpi_counts"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    merchant_id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    n: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2), default=Decimal(0))


class KpiReasonCount(Base):
    """Units received on a day, per merchant, product and the customer's reason."""

    __tablename__ = "kpi_reason_counts"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    product_id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    merchant_id: Mapped[int]
    n: Mapped[int]

    __table_args__ = (
        sa.Index("ix_kpi_reason_counts_merchant_day", "merchant_id", "day"),
        sa.Index("ix_kpi_reason_counts_product_day", "product_id", "day"),
    )


class KpiReasonDim(Base):
    """The same units summed coarser for the unfiltered pages: per merchant and reason, per
    category and reason, per product (reason "")."""

    __tablename__ = "kpi_reason_dims"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    #: merchant | category | product
    dim: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    n: Mapped[int]

    __table_args__ = (sa.Index("ix_kpi_reason_dims_dim_day", "dim", "day"),)


class KpiDuration(Base):
    """One duration (a stay in a stage, receipt → done, putaway → on sale) of a day."""

    __tablename__ = "kpi_durations"

    # BIGINT on PostgreSQL (a year is millions of rows); SQLite's rowid is 64-bit anyway.
    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True
    )
    metric: Mapped[str] = mapped_column(sa.String(24))
    day: Mapped[date] = mapped_column(sa.Date)
    merchant_id: Mapped[int]
    bucket: Mapped[int] = mapped_column(sa.SmallInteger)
    seconds: Mapped[float] = mapped_column(sa.Float)

    __table_args__ = (
        sa.Index("ix_kpi_durations_metric_bucket_day", "metric", "bucket", "day", "seconds"),
        sa.Index("ix_kpi_durations_merchant_day", "merchant_id", "day"),
        sa.Index("ix_kpi_durations_day", "day"),
    )


class KpiDurationBucket(Base):
    """How many durations of a metric and day fall into each bucket (all merchants)."""

    __tablename__ = "kpi_duration_buckets"

    metric: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    bucket: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    n: Mapped[int]


# The rollup job finds the days whose reintegration changed since its last run.
sa.Index("ix_units_reintegrated_at", Unit.reintegrated_at)
