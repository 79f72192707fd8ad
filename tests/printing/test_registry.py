"""The printers registry (CLI and service), print queues, and the ZPL the server queues."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from labels import layouts
from labels.spec import LabelSpec
from stations.printers.render import render_label
from stations.printers.tcp import TcpZplPrinter
from tests.conftest import Station
from wms.cli import cli
from wms.db.models import Printer, PrintJob
from wms.db.session import Database
from wms.domain.errors import Conflict, InvalidInput
from wms.domain.printing import JobState
from wms.services import printers
from wms.services.demo import PRODUCTS, ean13
from wms.services.uow import SYSTEM, UnitOfWork, execute

HEADPHONES = next(ean13(base) for _m, sku, *_x, base in PRODUCTS if sku == "ALT-HP-01")


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Invoke `wms …` against a fresh, migrated SQLite database."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("WMS_DATABASE__URL", url)
    monkeypatch.setenv("WMS_SERVER__SECRET_KEY", "cli-test-secret")
    monkeypatch.delenv("WMS_CONFIG", raising=False)
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.output

    invoke.engine = lambda: sa.create_engine(url)  # type: ignore[attr-defined]
    assert invoke("db", "upgrade")[0] == 0
    return invoke


def test_printer_add_list_remove_from_the_command_line(run: Any) -> None:
    code, out = run("printer", "add", "zebra-1", "--uri", "tcp://10.0.0.21:9100")
    assert code == 0, out
    assert "ZEBRA-1 tcp://10.0.0.21:9100 203 dpi, code PRN-ZEBRA-1" in out
    code, out = run(
        "printer",
        "add",
        "OFFICE",
        "--uri",
        "cups://Office_A4",
        "--dpi",
        "300",
        "--label",
        "100x150",
    )
    assert code == 0, out
    code, out = run("printer", "list")
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["OFFICE", "cups://Office_A4"]
    assert "100x150" in lines[0]
    assert "300 dpi" in lines[0]
    assert lines[1].split()[:2] == ["ZEBRA-1", "tcp://10.0.0.21:9100"]
    assert "unknown" in lines[1]
    assert "queued 0" in lines[1]
    assert run("printer", "remove", "zebra-1")[0] == 0
    with run.engine().connect() as conn:
        assert conn.execute(sa.select(Printer.name)).scalars().all() == ["OFFICE"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Z 1", "--uri", "tcp://h:9100"], "printer name"),
        (["Z1", "--uri", "http://h"], "tcp://HOST:PORT or cups://QUEUE"),
        (["Z1", "--uri", "tcp://h:9100", "--label", "58"], "label size"),
        (["Z1", "--uri", "tcp://h:9100", "--dpi", "250"], "250"),
    ],
)
def test_bad_printer_setup_is_refused_and_changes_nothing(
    run: Any, args: list[str], message: str
) -> None:
    code, out = run("printer", "add", *args)
    assert code != 0
    assert message in out
    with run.engine().connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(Printer)).scalar() == 0


def test_the_printer_label_renders_from_the_command_line(run: Any, tmp_path: Path) -> None:
    out_file = tmp_path / "printer.zpl"
    code, out = run(
        "labels", "render", "printer", "--format", "zpl",
        "--data", '{"name": "ZEBRA-1", "where": "Приёмка"}', "-o", str(out_file),
    )  # fmt: skip
    assert code == 0, out
    assert "^FD>:PRN-ZEBRA-1^FS" in out_file.read_text()


def _add(db: Database, name: str = "ZEBRA-1") -> Printer:
    return execute(db, printers.add_printer, SYSTEM, name, "tcp://127.0.0.1:9")


def test_jobs_queue_in_order_and_a_printer_with_work_cannot_be_removed(database: Database) -> None:
    printer = _add(database)
    with pytest.raises(Conflict):
        _add(database, "zebra-1")
    specs = [layouts.badge(name=f"N{i}", badge_code=f"OP-{i:04d}") for i in range(3)]
    with UnitOfWork(database) as uow:
        loaded = uow.session.get(Printer, printer.id)
        assert loaded is not None
        jobs = printers.enqueue(uow, loaded, specs, requested_by="test")
        uow.commit()
        assert [j.id for j in jobs] == sorted(j.id for j in jobs)
    with database.reading() as session:
        (row,) = printers.list_printers(session)
        assert (row.name, row.queued, row.possible_duplicates) == ("ZEBRA-1", 3, 0)
        queued = session.execute(sa.select(PrintJob).order_by(PrintJob.id)).scalars().all()
        assert [j.state for j in queued] == [JobState.QUEUED] * 3
        assert [j.title for j in queued] == ["badge", "badge", "badge"]
    with pytest.raises(Conflict), UnitOfWork(database) as uow:
        printers.remove_printer(uow, SYSTEM, printers.printer_by_name(uow.session, "prn-zebra-1"))
    with pytest.raises(InvalidInput):
        execute(database, printers.add_printer, SYSTEM, "X", "tcp://h", label="1x1")


def test_server_queues_the_bytes_wms_station_would_send_for_the_same_scan(
    station: Callable[[str], Station], app: Any
) -> None:
    receipt = station("receipt")
    receipt.ok("OP-0001")
    receipt.ok("CMD:BLIND")
    answer = receipt.ok(HEADPHONES)
    (label,) = answer["print"]
    spec = LabelSpec.from_dict(label)
    db = app.extensions["wms"].db
    for dpi in (203, 300):
        printer = execute(db, printers.add_printer, SYSTEM, f"Z{dpi}", "tcp://h:9100", dpi=dpi)
        with UnitOfWork(db) as uow:
            loaded = uow.session.get(Printer, printer.id)
            assert loaded is not None
            (job,) = printers.enqueue(uow, loaded, [spec])
            server_bytes = job.payload
            uow.commit()
        station_bytes = render_label(spec, TcpZplPrinter("127.0.0.1", dpi=dpi))
        assert server_bytes == station_bytes
        assert label["fields"]["lpn"].encode() in server_bytes


def test_retention_deletes_old_printed_jobs_and_keeps_waiting_ones(database: Database) -> None:
    from datetime import timedelta

    from wms.services import retention

    printer = _add(database)
    specs = [layouts.badge(name=f"N{i}", badge_code=f"OP-{i:04d}") for i in range(3)]
    with UnitOfWork(database) as uow:
        loaded = uow.session.get(Printer, printer.id)
        assert loaded is not None
        old, waiting, recent = printers.enqueue(uow, loaded, specs)
        old.state = recent.state = JobState.PRINTED
        old.created_at = waiting.created_at = uow.now() - timedelta(days=15)
        uow.commit()
    with UnitOfWork(database) as uow:
        trimmed = retention.trim(uow, database.settings.retention, 0)
        uow.commit()
    assert trimmed.printed_jobs == 1
    with database.reading() as session:
        left = session.execute(sa.select(PrintJob.state).order_by(PrintJob.id)).scalars().all()
    assert left == [JobState.QUEUED, JobState.PRINTED]
