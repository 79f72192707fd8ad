"""Integration calls with an `Idempotency-Key`: the first answer is stored with the change."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from wms.db.models import IdempotencyRecord
from wms.db.session import Database, serialize_on
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
    """Run `op` once per (client, key); a repeat returns the stored answer, a different body 409.

    Concurrent twins queue on the key, so the first runs `op` and the others get its stored
    answer. A twin that still collides with the first on a unique key (the same `external_id`
    without an Idempotency-Key) is rolled back and run once more: it then finds what the first
    committed, and answers like a repeat instead of a 500.
    """
    try:
        return _run_once(db, client, key, body_hash, op)
    except IntegrityError:
        return _run_once(db, client, key, body_hash, op)


def _run_once(
    db: Database,
    client: str,
    key: str | None,
    body_hash: str,
    op: Callable[[UnitOfWork], tuple[dict[str, Any], int]],
) -> tuple[dict[str, Any], int]:
    with UnitOfWork(db) as uow:
        if key:
            serialize_on(uow.session, "idempotency", f"{client}\n{key}")
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
