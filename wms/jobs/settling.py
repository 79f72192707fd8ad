"""Turn a round's outcomes into settlements of its outbox rows.

Per stock key: any transient failure → retry every row of the key (after backoff with jitter,
parked after the last attempt); else a permanent failure → park with the marketplace's reason;
else an offer that had to wait (account paused, leased elsewhere, per-item cooldown) → release
the rows until the earliest moment it can go; else → done (and the key's version is reported,
so that older pending rows of the key are marked done without being sent).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from wms.db.models import OutboxStatus
from wms.jobs.lanes import Outcome, Status
from wms.jobs.writes import Outcome as WriteOutcome
from wms.jobs.writes import Result as WriteResult
from wms.services import webhooks
from wms.services.sync import outbox
from wms.services.sync.outbox import ClaimedRow, Settlement
from wms.services.sync.plan import BUSY_RECHECK, KeyPlan, Plan

Backoff = Callable[[ClaimedRow], float]
WAITING = frozenset({Status.BUSY, Status.PAUSED})


@dataclass
class RoundStats:
    """What one round did."""

    claimed: int = 0
    pushed: int = 0
    confirmed: int = 0
    failed: int = 0
    done: int = 0
    superseded: int = 0
    parked: int = 0
    retried: int = 0
    released: int = 0
    webhooks: int = 0
    written: int = 0  # marketplace writes done (Kaspi status, claim answers)

    @property
    def idle(self) -> bool:
        """Nothing was due."""
        return self.claimed == 0


def stock(
    plan: Plan,
    rows: Sequence[ClaimedRow],
    outcomes: list[Outcome],
    now: datetime,
    max_attempts: int,
    backoff: Backoff,
) -> tuple[list[Settlement], dict[str, int]]:
    """Settlements of the stock rows, and {key: version} of the keys fully delivered."""
    by_key: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_key[outcome.item.key].append(outcome)
    rows_by_key: dict[str, list[ClaimedRow]] = defaultdict(list)
    for row in rows:
        rows_by_key[row.key].append(row)
    settlements: list[Settlement] = []
    delivered: dict[str, int] = {}
    for key, key_rows in rows_by_key.items():
        key_plan = plan.keys.get(key) or KeyPlan(key, 0, 0)
        # A row newer than the total we read (a lagging read) waits for the next round.
        newer = [r for r in key_rows if r.version > key_plan.version]
        settlements += [outbox.release(r, now) for r in newer]
        current = [r for r in key_rows if r.version <= key_plan.version]
        result = _key(key_plan, by_key[key], current, now, max_attempts, backoff)
        settlements += result
        if current and all(s.status is OutboxStatus.DONE for s in result):
            delivered[key] = key_plan.version
    return settlements, delivered


def _key(
    plan: KeyPlan,
    outcomes: list[Outcome],
    rows: list[ClaimedRow],
    now: datetime,
    max_attempts: int,
    backoff: Backoff,
) -> list[Settlement]:
    failed = [o for o in outcomes if o.status is Status.TRANSIENT]
    broken = [o for o in outcomes if o.status is Status.PERMANENT]
    if failed:
        error = errors(failed + broken)
        later = max((o.retry_after or 0.0 for o in failed), default=0.0)
        return [
            outbox.retry_or_park(r, error, max(backoff(r), later), now, max_attempts) for r in rows
        ]
    if broken:
        return [outbox.park(r, errors(broken)) for r in rows]
    waits = [o.until or now + BUSY_RECHECK for o in outcomes if o.status in WAITING]
    if plan.wait_until is not None:
        waits.append(plan.wait_until)
    if waits:
        note = next((o.error for o in outcomes if o.status is Status.PAUSED), plan.wait_note)
        return [outbox.release(r, min(waits), note) for r in rows]
    return [outbox.done(r) for r in rows]


def hooks(
    results: list[tuple[ClaimedRow, webhooks.Result]],
    now: datetime,
    max_attempts: int,
    backoff: Backoff,
    stats: RoundStats,
) -> list[Settlement]:
    """Settlements of the webhook rows."""
    out = []
    for row, result in results:
        if result.outcome in (webhooks.Outcome.DELIVERED, webhooks.Outcome.NOTHING_TO_SEND):
            stats.webhooks += result.outcome is webhooks.Outcome.DELIVERED
            out.append(outbox.done(row))
        elif result.outcome is webhooks.Outcome.PERMANENT:
            out.append(outbox.park(row, result.error or "refused"))
        else:
            wait = max(backoff(row), result.retry_after or 0.0)
            out.append(outbox.retry_or_park(row, result.error or "failed", wait, now, max_attempts))
    return out


def writes(
    results: list[tuple[ClaimedRow, WriteResult]],
    now: datetime,
    max_attempts: int,
    backoff: Backoff,
    stats: RoundStats,
) -> list[Settlement]:
    """Settlements of the marketplace-write rows."""
    out = []
    for row, result in results:
        if result.outcome is WriteOutcome.DONE:
            stats.written += 1
            out.append(outbox.done(row))
        elif result.outcome is WriteOutcome.PARK:
            out.append(outbox.park(row, result.note or "refused"))
        elif result.outcome is WriteOutcome.WAIT:
            until = now + timedelta(seconds=result.retry_after or 0.0)
            out.append(outbox.release(row, until, result.note or None))
        else:
            wait = max(backoff(row), result.retry_after or 0.0)
            out.append(outbox.retry_or_park(row, result.note or "failed", wait, now, max_attempts))
    return out


def delivered_answers(results: list[tuple[ClaimedRow, WriteResult]]) -> dict[int, str]:
    """Claim id → what the marketplace said, for the claim answers delivered this round."""
    return {
        int(row.payload["claim_id"]): result.note
        for row, result in results
        if result.outcome is WriteOutcome.DONE
        and row.topic == "claim.answer"
        and row.payload.get("claim_id")
    }


def errors(outcomes: list[Outcome], limit: int = 3) -> str:
    """The distinct error texts of some outcomes, for `last_error`."""
    texts = list(dict.fromkeys(o.error or o.status.value for o in outcomes))
    more = f" (+{len(texts) - limit} more)" if len(texts) > limit else ""
    return "; ".join(texts[:limit]) + more


def count(settlements: list[Settlement], outcomes: list[Outcome], stats: RoundStats) -> None:
    """Add a round's settlements and push outcomes to its stats."""
    sent = (Status.OK, Status.TRANSIENT, Status.PERMANENT)
    stats.pushed += sum(o.status in sent for o in outcomes)
    stats.confirmed += sum(o.status is Status.OK for o in outcomes)
    stats.failed += sum(o.status in (Status.TRANSIENT, Status.PERMANENT) for o in outcomes)
    for s in settlements:
        if s.status is OutboxStatus.DONE:
            stats.done += 1
        elif s.status is OutboxStatus.PARKED:
            stats.parked += 1
        elif s.attempts > s.row.attempts:
            stats.retried += 1
        else:
            stats.released += 1
