"""Stock and unit invariants of DESIGN 3.3, checked against the database after every scenario."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from wms.db.models import Bin, StockLedgerEntry, StockLevel, StockTotal, Unit, Zone
from wms.db.session import Database
from wms.domain.stock import SELLABLE_ZONES, LedgerEntry, ledger_violations, stock_zone
from wms.domain.units import UnitState


def violations(db: Database) -> list[str]:
    """Every broken invariant, as text (empty when all hold)."""
    problems: list[str] = []
    with db.reading() as s:
        zone_of = dict(
            s.execute(sa.select(Bin.id, Zone.kind).join(Zone, Zone.id == Bin.zone_id)).all()
        )
        rows = s.execute(
            sa.select(
                StockLedgerEntry.merchant_id,
                StockLedgerEntry.product_id,
                StockLedgerEntry.channel,
                StockLedgerEntry.bin_id,
                StockLedgerEntry.quantity,
                StockLedgerEntry.reserved_delta,
            )
        ).all()
        levels = {
            (lv.merchant_id, lv.product_id, lv.channel, lv.bin_id): lv.quantity
            for lv in s.execute(sa.select(StockLevel)).scalars()
        }
        entries = [LedgerEntry((m, p, c, b), q) for m, p, c, b, q, _r in rows if b is not None]
        problems += ledger_violations(entries, levels)
        on_hand: dict[tuple[int, int, str], int] = defaultdict(int)
        reserved: dict[tuple[int, int, str], int] = defaultdict(int)
        for m, p, c, b, q, r in rows:
            if b is not None and zone_of[b] in SELLABLE_ZONES:
                on_hand[(m, p, c)] += q
            reserved[(m, p, c)] += r
        totals = {
            (t.merchant_id, t.product_id, t.channel): t
            for t in s.execute(sa.select(StockTotal)).scalars()
        }
        for key in set(on_hand) | set(reserved) | set(totals):
            total = totals.get(key)
            got = (total.on_hand, total.reserved) if total else (0, 0)
            if got != (on_hand[key], reserved[key]):
                problems.append(
                    f"total {key}: {got} but ledger says {(on_hand[key], reserved[key])}"
                )
            if total is not None and not 0 <= total.reserved <= total.on_hand:
                problems.append(
                    f"total {key}: reserved {total.reserved} outside 0..{total.on_hand}"
                )
        per_bin: dict[tuple[int, int, str, int], int] = defaultdict(int)
        for unit in s.execute(sa.select(Unit).where(Unit.state == UnitState.IN_STOCK)).scalars():
            if unit.bin_id is None or unit.channel is None:
                problems.append(f"{unit.lpn}: in stock without bin or channel")
                continue
            if zone_of[unit.bin_id] is not stock_zone(unit.channel):
                problems.append(f"{unit.lpn}: {unit.channel} unit in a {zone_of[unit.bin_id]} bin")
            per_bin[(unit.merchant_id, unit.product_id, unit.channel, unit.bin_id)] += 1
        for key, count in per_bin.items():
            if levels.get(key, 0) < count:
                problems.append(
                    f"{key}: {count} units in stock but the level is {levels.get(key, 0)}"
                )
    return problems


def assert_invariants(db: Database) -> None:
    """Fail with every broken invariant listed."""
    problems = violations(db)
    assert not problems, "\n".join(problems)
