"""Many stock changes, fast: the rows `wms.services.stock.book` writes, written in bulk.

The acceptance runs need ten thousand changes in seconds; the stock service costs a few
milliseconds per change in Python, which would spend the whole test budget on setup. This
writer produces exactly what `book` produces — a ledger row, the level and total moved, the
total's version increased by one, and a `stock.changed` outbox row with the absolute available
quantity — so the worker cannot tell the difference; `tests.invariants` checks the result.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from wms.db.base import utcnow
from wms.db.models import OutboxMessage, StockLedgerEntry, StockLevel, StockTotal
from wms.db.session import Database
from wms.domain import stock as stock_rules
from wms.domain.stock import Channel, LedgerKind
from wms.services.stock import STOCK_TOPIC
from wms.services.sync.outbox import dialect_insert, stock_key
from wms.services.uow import UnitOfWork, execute


@dataclass
class _Key:
    on_hand: int = 0
    reserved: int = 0
    version: int = 0


class StockWriter:
    """Applies random changes to the main channel of a merchant's products, in batches."""

    def __init__(self, db: Database, merchant_id: int, bin_id: int, seed: int) -> None:
        self.db, self.merchant_id, self.bin_id = db, merchant_id, bin_id
        self.rng = random.Random(seed)
        self.keys: dict[int, _Key] = {}

    def run(
        self,
        products: list[int],
        count: int,
        *,
        grow_only: bool,
        batch: int = 200,
        pause: float = 0.0,
    ) -> None:
        """`count` changes on random products, `batch` per transaction, `pause` s between."""
        for start in range(0, count, batch):
            picks = [self.rng.choice(products) for _ in range(min(batch, count - start))]
            execute(self.db, self._apply, picks, grow_only)
            time.sleep(pause)

    def _apply(self, uow: UnitOfWork, picks: list[int], grow_only: bool) -> None:
        now = utcnow()
        ledger, outbox, touched = [], [], {}
        for product in picks:
            key = self.keys.setdefault(product, _Key())
            kind, qty, reserved = self._change(key, grow_only)
            key.on_hand += qty
            key.reserved += reserved
            key.version += 1
            touched[product] = key
            ledger.append(
                {
                    "merchant_id": self.merchant_id,
                    "product_id": product,
                    "channel": Channel.MAIN,
                    "bin_id": self.bin_id if qty else None,
                    "kind": kind,
                    "quantity": qty,
                    "reserved_delta": reserved,
                    "reference": "bulk",
                    "actor": "test",
                    "created_at": now,
                }
            )
            outbox.append(
                {
                    "topic": STOCK_TOPIC,
                    "key": stock_key(self.merchant_id, product, Channel.MAIN),
                    "payload": {
                        "merchant_id": self.merchant_id,
                        "product_id": product,
                        "channel": "main",
                        "on_hand": key.on_hand,
                        "reserved": key.reserved,
                        "available": stock_rules.available(key.on_hand, key.reserved),
                        "version": key.version,
                    },
                    "status": "pending",
                    "attempts": 0,
                    "created_at": now,
                    "available_at": now,
                }
            )
        self._upsert(uow, touched, now)
        uow.session.execute(StockLedgerEntry.__table__.insert(), ledger)
        uow.session.execute(OutboxMessage.__table__.insert(), outbox)

    def _change(self, key: _Key, grow_only: bool) -> tuple[LedgerKind, int, int]:
        roll = self.rng.random()
        if grow_only or roll < 0.6 or key.on_hand == key.reserved:
            return LedgerKind.INBOUND, self.rng.randint(1, 3), 0
        if roll < 0.8 or key.reserved == 0:
            return LedgerKind.RESERVATION, 0, 1
        return LedgerKind.RELEASE, 0, -1

    def _upsert(self, uow: UnitOfWork, touched: dict[int, _Key], now: object) -> None:
        insert = dialect_insert(uow.session)
        totals = insert(StockTotal)
        totals = totals.on_conflict_do_update(
            index_elements=["merchant_id", "product_id", "channel"],
            set_={
                "on_hand": totals.excluded.on_hand,
                "reserved": totals.excluded.reserved,
                "version": totals.excluded.version,
                "updated_at": totals.excluded.updated_at,
            },
        )
        uow.session.execute(
            totals,
            [
                {
                    "merchant_id": self.merchant_id,
                    "product_id": p,
                    "channel": Channel.MAIN,
                    "on_hand": k.on_hand,
                    "reserved": k.reserved,
                    "version": k.version,
                    "updated_at": now,
                }
                for p, k in touched.items()
            ],
        )
        levels = insert(StockLevel)
        levels = levels.on_conflict_do_update(
            index_elements=["merchant_id", "product_id", "channel", "bin_id"],
            set_={"quantity": levels.excluded.quantity, "updated_at": levels.excluded.updated_at},
        )
        uow.session.execute(
            levels,
            [
                {
                    "merchant_id": self.merchant_id,
                    "product_id": p,
                    "channel": Channel.MAIN,
                    "bin_id": self.bin_id,
                    "quantity": k.on_hand,
                    "updated_at": now,
                }
                for p, k in touched.items()
            ],
        )
