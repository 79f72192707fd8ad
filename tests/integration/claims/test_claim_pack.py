"""Evidence pack: PDF text-extractable (return number, SHA-256 of every photo), ZIP, frozen."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from PIL import Image

from tests.integration.claims.conftest import SUPERVISOR, claim_row
from tests.integration.test_scan_flows import CASE, HEADPHONES, inspect, receive
from wms.cli import cli
from wms.db.models import Claim, Photo, ReturnOrder
from wms.domain import claims as claims_domain
from wms.domain.claims import ClaimAction
from wms.services import claims as claim_service
from wms.services import claims_pack, photos
from wms.services.uow import UnitOfWork


def jpeg(seed: int) -> bytes:
    image = Image.new("RGB", (640, 480), (seed * 40 % 256, 90, 160))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def swapped(station: Any, database: Any, settings: Any) -> dict[str, Any]:
    """A swapped item found at inspection with two photos: the proposed claim and the files."""
    lpn = receive(station("receipt"), "512345678", HEADPHONES, CASE, CASE)[0]
    photo_dir = Path(settings.storage.photo_dir)
    with UnitOfWork(database) as uow:
        for seed in (1, 2):
            photos.add_photo(uow, SUPERVISOR, lpn, jpeg(seed), photo_dir=photo_dir, max_bytes=10**6)
        uow.commit()
    inspect(station("inspection"), lpn, ["WRONG-ITEM"], "GRADE-NON-RETURNABLE")
    with database.reading() as s:
        claim_id = s.execute(sa.select(Claim.id)).scalar_one()
        hashes = s.execute(sa.select(Photo.sha256).order_by(Photo.id)).scalars().all()
        number = s.execute(
            sa.select(ReturnOrder.number).where(ReturnOrder.order_code == "512345678")
        ).scalar_one()
    return {"claim_id": claim_id, "hashes": hashes, "return_number": number, "lpn": lpn}


def test_pack_pdf_names_the_return_and_every_hash_and_freezes_at_submit(
    swapped: dict[str, Any], database: Any, settings: Any, tmp_path: Path
) -> None:
    photo_dir = Path(settings.storage.photo_dir)
    with database.reading() as s:
        claim = s.get(Claim, swapped["claim_id"])
        assert claim is not None
        pack = claims_pack.build(s, claim, photo_dir, claim.created_at)
    text = pdf_text(pack.pdf, tmp_path)
    assert swapped["return_number"] in text
    assert swapped["lpn"] in text
    assert "подмена товара / тауар ауыстырылған" in text  # Cyrillic and Kazakh letters survive
    for digest in swapped["hashes"]:
        assert digest in text
    with zipfile.ZipFile(io.BytesIO(pack.zip)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        for entry in manifest["originals"]:
            assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]
    assert sorted(e["sha256"] for e in manifest["originals"]) == sorted(swapped["hashes"])

    with UnitOfWork(database) as uow:
        claim = claim_service.get_claim(uow.session, swapped["claim_id"], SUPERVISOR)
        claim_service.act(uow, SUPERVISOR, claim, ClaimAction.SUBMIT)
        uow.commit()
    submitted = claim_row(database, swapped["claim_id"])
    assert submitted.pack_sha256 is not None
    frozen = claims_pack.frozen(photo_dir, submitted)
    assert frozen is not None
    assert hashlib.sha256(frozen[0]).hexdigest() == submitted.pack_sha256
    assert "submit" in pdf_text(frozen[0], tmp_path)  # the timeline ends with the submit

    # Later actions do not touch the frozen pack.
    with UnitOfWork(database) as uow:
        claim = claim_service.get_claim(uow.session, swapped["claim_id"], SUPERVISOR)
        claim_service.act(uow, SUPERVISOR, claim, ClaimAction.REJECT)
        uow.commit()
    assert claims_pack.frozen(photo_dir, claim_row(database, swapped["claim_id"])) == frozen


def test_wms_claims_pack_writes_the_pdf_and_zip(
    swapped: dict[str, Any], settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WMS_DATABASE__URL", settings.database.url)
    monkeypatch.setenv("WMS_STORAGE__PHOTO_DIR", settings.storage.photo_dir)
    monkeypatch.delenv("WMS_CONFIG", raising=False)
    out, archive = tmp_path / "claim.pdf", tmp_path / "claim.zip"
    result = CliRunner().invoke(
        cli,
        ["claims", "pack", str(swapped["claim_id"]), "-o", str(out), "--zip", str(archive)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "preview" in result.output
    text = pdf_text(out.read_bytes(), tmp_path)
    assert swapped["return_number"] in text
    assert all(h in text for h in swapped["hashes"])
    assert zipfile.ZipFile(archive).namelist()[-1] == "manifest.json"


def test_the_opening_clip_is_evidence_kept_past_retention(
    station: Any, database: Any, settings: Any, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from wms.db.models import Clip
    from wms.db.models import Station as StationRow
    from wms.services.claims_views import detail

    receive(station("receipt"), "512345678", HEADPHONES)  # the cases never came: a claim
    now = datetime.now(UTC)
    with UnitOfWork(database) as uow:
        order_id = uow.session.execute(
            sa.select(ReturnOrder.id).where(ReturnOrder.order_code == "512345678")
        ).scalar_one()
        station_id = uow.session.execute(sa.select(StationRow.id).limit(1)).scalar_one()
        clip = Clip(
            client_id="clip-1",
            station_id=station_id,
            return_order_id=order_id,
            order_code="512345678",
            started_at=now,
            ended_at=now,
            duration_ms=41_000,
            size=123_456,
            sha256="ab" * 32,
            path="x/clip-1.mp4",
            content_type="video/mp4",
            created_at=now,
        )
        uow.session.add(clip)
        claim = uow.session.execute(sa.select(Claim)).scalar_one()
        claim_service.act(uow, SUPERVISOR, claim, ClaimAction.CANCEL)
        uow.commit()
    # A new claim about the same return holds its clip.
    with UnitOfWork(database) as uow:
        order = uow.session.get(ReturnOrder, order_id)
        merchant = order.merchant
        opened = claim_service.open_claim(
            uow,
            SUPERVISOR,
            merchant,
            [claim_service.LineSpec(claimed_tiyn=100_000, sku="ALT-PC-03")],
            reason=claims_domain.ClaimReason.NOT_DELIVERED,
            order=order,
        )
        uow.commit()
        claim_id = opened.id
    with database.reading() as s:
        assert s.execute(sa.select(Clip.hold)).scalar_one() is True
        claim = s.get(Claim, claim_id)
        view = detail(s, claim, now)
        pack = claims_pack.build(s, claim, Path(settings.storage.photo_dir), now)
    assert [c["sha256"] for c in view["evidence"]["clips"]] == ["ab" * 32]
    assert "ab" * 32 in pdf_text(pack.pdf, tmp_path)
