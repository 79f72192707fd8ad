"""A video clip of an opened parcel bills the merchant once, however often it is sent."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from tests.integration.test_clips import mp4, open_receipt, put, settings  # noqa: F401
from wms.db.models import BillableEvent, ReturnOrder
from wms.domain.billing import Service


def test_a_clip_bills_once(station: Any, client: Any, database: Any, mp4: bytes) -> None:  # noqa: F811
    receipt, start = open_receipt(station)
    clip_id = str(uuid.uuid4())
    assert put(client, receipt.token, clip_id, mp4, start).status_code == 201
    assert put(client, receipt.token, clip_id, mp4, start).status_code == 200
    with database.reading() as s:
        (event,) = s.scalars(
            sa.select(BillableEvent).where(BillableEvent.service == Service.VIDEO_CLIP)
        ).all()
        order = s.scalar(sa.select(ReturnOrder).where(ReturnOrder.number == event.ref))
        assert order is not None
        assert event.merchant_id == order.merchant_id
