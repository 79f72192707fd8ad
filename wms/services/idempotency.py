"""Integration calls with an `Idempotency-Key`: the first answer is stored with the change."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from wms.db.models import IdempotencyRecord
from wms.db.session import Database
from wms.domain.errors import Conflict
from wms.services.uow import UnitOfWork


def request_hash(payload: Any) -> str:
    """A stable hash of a request body."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def run_once(
    db: Database,
    client: str,
    key: str | None,
    body_hash: str,
    op: Callable[[UnitOfWork], tuple[dict[str, Any], int]],
) -> tuple[dict[str, Any], int]:
    """Run `op` once per (client, key); a repeat returns the stored answer, a different body 409."""
    with UnitOfWork(db) as uow:
        if key:
            record = uow.session.execute(
                sa.select(IdempotencyRecord).where(
                    IdempotencyRecord.client == client, IdempotencyRecord.key == key
                )
            ).scalar_one_or_none()
            if record is not None:
                if record.request_hash != body_hash:
                    raise Conflict("idempotency.key_reused", key=key)
                return dict(record.response), record.status_code
        response, status = op(uow)
        if key:
            uow.session.add(
                IdempotencyRecord(
                    client=client,
                    key=key,
                    request_hash=body_hash,
                    status_code=status,
                    response=response,
                    created_at=uow.now(),
                )
            )
        uow.commit()
        return response, status
