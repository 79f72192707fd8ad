"""Warehouses, zones by purpose, and the labelled bins inside them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.db.base import Base, enum_type
from wms.domain.stock import ZoneKind


class Warehouse(Base):
    """A building."""

    __tablename__ = "warehouses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))


class Zone(Base):
    """An area of a warehouse with one purpose."""

    __tablename__ = "zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(sa.ForeignKey("warehouses.id"))
    code: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[ZoneKind] = mapped_column(enum_type(ZoneKind, "zone_kind"))
    name: Mapped[str] = mapped_column(sa.String(200))

    __table_args__ = (sa.UniqueConstraint("warehouse_id", "code"),)


class Bin(Base):
    """A labelled place inside a zone; `code` is what its barcode encodes (`BIN-…`)."""

    __tablename__ = "bins"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(sa.ForeignKey("zones.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    zone: Mapped[Zone] = relationship(lazy="select", viewonly=True)
