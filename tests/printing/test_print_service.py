"""The worker's print service against fake Zebras on real sockets, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from labels import layouts
from labels.spec import LabelSpec
from stations.printers.queue import PrintQueue
from stations.printers.tcp import TcpZplPrinter
from tests.stations.fakes import FakeZebra
from tests.support import free_port
from wms.db.models import Printer, PrintJob
from wms.db.session import Database
from wms.domain.printing import JobState
from wms.jobs.printing import PrintService
from wms.services import print_queue, printers
from wms.services.uow import SYSTEM, UnitOfWork, execute
from wms.settings import PrintingSettings

FAST = PrintingSettings(
    poll_seconds=0.05, lease_seconds=5, status_timeout_seconds=0.5, retry_seconds=0.1
)


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def lpn(i: int) -> str:
    return f"LPN{i:010d}"


def unit(i: int) -> LabelSpec:
    return layouts.unit_label(
        lpn=lpn(i), sku="SKU-1", title="Наушники", order_code="598213774", received_on="2026-12-03"
    )


@pytest.fixture
def zebras() -> Iterator[Callable[[], FakeZebra]]:
    made: list[FakeZebra] = []

    def make() -> FakeZebra:
        made.append(FakeZebra())
        return made[-1]

    yield make
    for zebra in made:
        zebra.close()


class Running:
    """A print service on its own thread (what `wms worker` runs)."""

    def __init__(self, db: Database, name: str = "w1") -> None:
        self.service = PrintService(db, FAST, name=name)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.service.run, args=(self.stopping,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(10)


@pytest.fixture
def service(database: Database) -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def start(name: str = "w1") -> Running:
        started.append(Running(database, name))
        return started[-1]

    yield start
    for running in started:
        running.stop()


def add(db: Database, zebra: FakeZebra, name: str = "ZEBRA-1") -> Printer:
    return execute(db, printers.add_printer, SYSTEM, name, zebra.url)


def queue(db: Database, printer: Printer, specs: list[LabelSpec]) -> list[int]:
    with UnitOfWork(db) as uow:
        loaded = uow.session.get(Printer, printer.id)
        assert loaded is not None
        ids = [j.id for j in printers.enqueue(uow, loaded, specs)]
        uow.commit()
    return ids


def jobs(db: Database) -> list[PrintJob]:
    with db.reading() as session:
        return list(session.execute(sa.select(PrintJob).order_by(PrintJob.id)).scalars())


def lpns_in(received: list[bytes]) -> list[str]:
    found = []
    for job in received:
        for i in range(100):
            if f">:{lpn(i)}".encode() in job or f"^FD{lpn(i)}^FS".encode() in job:
                found.append(lpn(i))
                break
    return found


def test_labels_print_in_order_with_a_status_check_before_each(
    database: Database, zebras: Callable[[], FakeZebra], service: Callable[..., Running]
) -> None:
    zebra = zebras()
    printer = add(database, zebra)
    queue(database, printer, [unit(i) for i in range(10)])
    service()
    received = zebra.wait_jobs(10)
    assert lpns_in(received) == [lpn(i) for i in range(10)]
    assert zebra.status_queries >= 10
    wait_for(lambda: all(j.state is JobState.PRINTED for j in jobs(database)))
    assert [j.attempts for j in jobs(database)] == [1] * 10
    assert not any(j.possible_duplicate for j in jobs(database))


def test_the_server_sends_the_bytes_wms_station_sends(
    database: Database, zebras: Callable[[], FakeZebra], service: Callable[..., Running]
) -> None:
    from_station, from_server = zebras(), zebras()
    spec = unit(7)
    station_queue = PrintQueue(TcpZplPrinter("127.0.0.1", from_station.port, dpi=203))
    station_queue.submit(spec)
    assert station_queue.work_once()
    queue(database, add(database, from_server), [spec])
    service()
    assert from_server.wait_jobs(1) == from_station.wait_jobs(1)
    assert len(from_server.jobs[0]) > 200


def test_paper_out_holds_that_printer_only_and_every_label_prints_once_after(
    database: Database, zebras: Callable[[], FakeZebra], service: Callable[..., Running]
) -> None:
    empty, busy = zebras(), zebras()
    empty.state.paper_out = True
    first = add(database, empty, "EMPTY")
    second = add(database, busy, "BUSY")
    queue(database, first, [unit(i) for i in range(3)])
    queue(database, second, [unit(i) for i in range(10, 13)])
    service()
    assert lpns_in(busy.wait_jobs(3)) == [lpn(10), lpn(11), lpn(12)]

    def read_rows() -> dict[str, printers.PrinterRow]:
        with database.reading() as session:
            return {r.name: r for r in printers.list_printers(session)}

    wait_for(lambda: read_rows()["BUSY"].queued == 0)
    rows = read_rows()
    assert (rows["EMPTY"].state, rows["EMPTY"].queued) == ("paper_out", 3)
    assert (rows["BUSY"].state, rows["BUSY"].queued) == ("ok", 0)
    assert empty.jobs == []
    empty.state.paper_out = False
    assert lpns_in(empty.wait_jobs(3)) == [lpn(0), lpn(1), lpn(2)]
    wait_for(lambda: all(j.state is JobState.PRINTED for j in jobs(database)))
    time.sleep(0.3)
    assert len(empty.jobs) == 3


def test_connection_refused_keeps_the_job_and_shows_the_error(
    database: Database, zebras: Callable[[], FakeZebra], service: Callable[..., Running]
) -> None:
    nobody = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    printer = execute(database, printers.add_printer, SYSTEM, "ZEBRA-1", nobody)
    queue(database, printer, [unit(1)])
    service()
    wait_for(lambda: printers.list_printers_state(database, "ZEBRA-1") == "offline")
    with database.reading() as session:
        (row,) = printers.list_printers(session)
    assert (row.queued, row.state) == (1, "offline")
    assert row.last_error is not None
    assert "cannot connect" in row.last_error
    (job,) = jobs(database)
    assert (job.state, job.attempts) == (JobState.QUEUED, 0)


def _left_in_flight(db: Database, printer: Printer, odometer_before: int | None) -> None:
    """What a worker that died between `sending` and `printed` leaves behind."""
    with UnitOfWork(db) as uow:
        lane = print_queue.take_lease(uow, printer.id, "dead-worker", 0.01)
        assert lane is not None
        job = print_queue.next_job(uow, printer.id)
        assert job is not None
        assert print_queue.mark_sending(uow, printer.id, "dead-worker", job, odometer_before)
        uow.commit()


@pytest.mark.parametrize("printed_before_death", [True, False])
def test_the_odometer_settles_a_dead_workers_job(
    database: Database,
    zebras: Callable[[], FakeZebra],
    service: Callable[..., Running],
    printed_before_death: bool,
) -> None:
    zebra = zebras()
    zebra.state.answers_odometer = True
    zebra.printed_inches = 100.0
    printer = add(database, zebra)
    queue(database, printer, [unit(1), unit(2)])
    _left_in_flight(database, printer, odometer_before=100)
    if printed_before_death:
        TcpZplPrinter("127.0.0.1", zebra.port).print(jobs(database)[0].payload)
    time.sleep(0.05)  # the dead worker's lease runs out
    service()
    wait_for(lambda: all(j.state is JobState.PRINTED for j in jobs(database)))
    assert lpns_in(zebra.jobs) == [lpn(1), lpn(2)]  # printed exactly once either way
    assert not any(j.possible_duplicate for j in jobs(database))


def test_without_an_odometer_the_in_flight_job_is_resent_and_flagged(
    database: Database, zebras: Callable[[], FakeZebra], service: Callable[..., Running]
) -> None:
    zebra = zebras()
    printer = add(database, zebra)
    queue(database, printer, [unit(1), unit(2)])
    _left_in_flight(database, printer, odometer_before=None)
    TcpZplPrinter("127.0.0.1", zebra.port).print(jobs(database)[0].payload)
    time.sleep(0.05)
    service()
    wait_for(lambda: all(j.state is JobState.PRINTED for j in jobs(database)))
    assert lpns_in(zebra.jobs) == [lpn(1), lpn(1), lpn(2)]
    assert [j.possible_duplicate for j in jobs(database)] == [True, False]
    with database.reading() as session:
        (row,) = printers.list_printers(session)
    assert row.possible_duplicates == 1


def test_a_leased_printer_is_fed_by_one_worker_only(
    database: Database, zebras: Callable[[], FakeZebra], service: Callable[..., Running]
) -> None:
    zebra = zebras()
    printer = add(database, zebra)
    queue(database, printer, [unit(i) for i in range(8)])
    service("w1")
    service("w2")
    received = zebra.wait_jobs(8)
    wait_for(lambda: all(j.state is JobState.PRINTED for j in jobs(database)))
    time.sleep(0.3)
    assert lpns_in(zebra.jobs) == [lpn(i) for i in range(8)]
    assert len(received) == 8
