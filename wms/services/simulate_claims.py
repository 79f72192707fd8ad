"""Claims for the simulated history: every state of the life cycle, and imported WB claims.

The simulation's inspections and receipts already propose claims (swaps, foreign codes,
shortages); this walks them along the life cycle with the same services a supervisor uses,
each step at a plausible time after the claim was opened, so the queue, the KPIs and the
deadlines have something real to show.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from wms.db.models import Claim, MarketplaceAccount
from wms.db.session import Database
from wms.domain.claims import ClaimAction, ClaimState
from wms.domain.returns import Marketplace
from wms.services import claims as claim_service
from wms.services.claims_intake import ImportedClaim, ImportedLine, import_marketplace_claim
from wms.services.uow import Actor, UnitOfWork

A = ClaimAction
SUPERVISOR = Actor("supervisor", kind="user", role="supervisor")
#: The actions that take a draft to each state (partial approvals offer about half).
PATHS: dict[ClaimState, tuple[ClaimAction, ...]] = {
    ClaimState.DRAFT: (),
    ClaimState.CANCELLED: (A.CANCEL,),
    ClaimState.SUBMITTED: (A.SUBMIT,),
    ClaimState.UNDER_REVIEW: (A.SUBMIT, A.REVIEW),
    ClaimState.APPROVED: (A.SUBMIT, A.REVIEW, A.APPROVE),
    ClaimState.PARTIALLY_APPROVED: (A.SUBMIT, A.APPROVE_PARTIALLY),
    ClaimState.REJECTED: (A.SUBMIT, A.REVIEW, A.REJECT),
    ClaimState.ESCALATED: (A.SUBMIT, A.REJECT, A.ESCALATE),
    ClaimState.SETTLED: (A.SUBMIT, A.REVIEW, A.APPROVE, A.SETTLE),
    ClaimState.CLOSED: (A.SUBMIT, A.REJECT, A.CLOSE),
}
# Most claims end settled or closed; the rest are spread over the other states.
WEIGHTS = {ClaimState.SETTLED: 8, ClaimState.CLOSED: 4, ClaimState.PARTIALLY_APPROVED: 2}


def walk(db: Database, now: datetime, rng: random.Random) -> dict[str, int]:
    """Move the proposed drafts so that every state holds claims; import two WB claims."""
    with db.reading() as session:
        drafts = session.execute(
            sa.select(Claim.id, Claim.created_at)
            .where(Claim.state == ClaimState.DRAFT)
            .order_by(Claim.id)
        ).all()
    states = list(PATHS)
    counts: dict[str, int] = {}
    for n, (claim_id, opened) in enumerate(drafts):
        # The first claims cover every state once; then by weight.
        target = states[n] if n < len(states) else _pick(rng, states)
        when = opened
        for action in PATHS[target]:
            when = min(when + timedelta(hours=rng.uniform(6, 96)), now)
            _step(db, claim_id, action, when)
        counts[target.value] = counts.get(target.value, 0) + 1
    counts["imported"] = _import_wb(db, now)
    return counts


def _pick(rng: random.Random, states: list[ClaimState]) -> ClaimState:
    return rng.choices(states, weights=[WEIGHTS.get(s, 1) for s in states])[0]


def _step(db: Database, claim_id: int, action: ClaimAction, when: datetime) -> None:
    with UnitOfWork(db, clock=lambda: when) as uow:
        claim = claim_service.get_claim(uow.session, claim_id, SUPERVISOR)
        offers = None
        if action is A.APPROVE_PARTIALLY:
            offers = claim_service.spread(claim, max(claim.claimed_tiyn // 2, 1))
        claim_service.act(uow, SUPERVISOR, claim, action, offers=offers)
        uow.commit()


def _import_wb(db: Database, now: datetime) -> int:
    """Two open buyer claims on the first Wildberries account (one due soon, one overdue)."""
    with UnitOfWork(db, clock=lambda: now) as uow:
        account = uow.session.execute(
            sa.select(MarketplaceAccount)
            .where(MarketplaceAccount.marketplace == Marketplace.WILDBERRIES)
            .order_by(MarketplaceAccount.id)
            .limit(1)
        ).scalar_one_or_none()
        if account is None:
            return 0
        for n, (hours, text) in enumerate(
            [(30, "Наушники не включаются после зарядки"), (-3, "Пришёл не тот цвет корпуса")]
        ):
            import_marketplace_claim(
                uow,
                SUPERVISOR,
                account,
                ImportedClaim(
                    external_id=f"demo-wb-claim-{n + 1}",
                    external_status="0",
                    actions=["autorefund1", "approve1", "reject1", "rejectcustom"],
                    lines=[ImportedLine(sku="ALT-HP-01", claimed_tiyn=1_599_000)],
                    answer_due_at=now + timedelta(hours=hours),
                    media=[f"https://photos.wbstatic.net/claims/demo-{n + 1}.webp"],
                    description=text,
                ),
            )
        uow.commit()
    return 2
