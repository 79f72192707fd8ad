"""The printers registry and its print queues: add, list, remove printers; queue labels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from labels.pdf import render_pdf
from labels.spec import LabelSpec
from labels.zebra import zpl_payload
from wms.db.models import Printer, PrintJob, Station
from wms.db.session import Database
from wms.domain import printing
from wms.domain.errors import Conflict, InvalidInput, NotFound
from wms.domain.printing import JobState, PrinterSetupError
from wms.services.uow import Actor, UnitOfWork

OPEN_STATES = (JobState.QUEUED, JobState.SENDING)


def add_printer(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    uri: str,
    *,
    dpi: int = 203,
    label: str = "58x40",
) -> Printer:
    """Register a printer; PrinterSetupError details go into the InvalidInput message."""
    try:
        clean = printing.normalise_name(name)
        address = printing.parse_uri(uri)
        width, height = printing.parse_label_size(label)
        printing.check_dpi(dpi)
    except PrinterSetupError as exc:
        raise InvalidInput("print.printer_setup", problem=str(exc)) from None
    if uow.session.execute(sa.select(Printer.id).where(Printer.name == clean)).first():
        raise Conflict("print.printer_exists", name=clean)
    printer = Printer(
        name=clean,
        uri=address.uri,
        dpi=dpi,
        label_width_mm=width,
        label_height_mm=height,
        created_at=uow.now(),
    )
    uow.session.add(printer)
    uow.session.flush()
    uow.audit("printer", printer.id, "create", actor, name=clean, uri=address.uri)
    return printer


def printer_by_name(session: Session, name: str) -> Printer:
    """The printer called `name` (case-insensitive, `PRN-` prefix allowed); NotFound otherwise."""
    clean = name.strip().upper().removeprefix(printing.PRINTER_CODE_PREFIX)
    printer = session.execute(sa.select(Printer).where(Printer.name == clean)).scalar_one_or_none()
    if printer is None:
        raise NotFound("print.printer_unknown", name=clean)
    return printer


def remove_printer(uow: UnitOfWork, actor: Actor, printer: Printer) -> None:
    """Remove a printer with an empty queue; stations assigned to it go back to local printing."""
    waiting = queue_length(uow.session, printer.id)
    if waiting:
        raise Conflict("print.printer_busy", name=printer.name, count=waiting)
    uow.session.execute(
        sa.update(Station).where(Station.printer_id == printer.id).values(printer_id=None)
    )
    uow.session.execute(sa.delete(PrintJob).where(PrintJob.printer_id == printer.id))
    uow.audit("printer", printer.id, "remove", actor, name=printer.name)
    uow.session.delete(printer)
    uow.session.flush()


def queue_length(session: Session, printer_id: int) -> int:
    """Jobs of the printer not printed yet."""
    count = session.execute(
        sa.select(sa.func.count())
        .select_from(PrintJob)
        .where(PrintJob.printer_id == printer_id, PrintJob.state.in_(OPEN_STATES))
    ).scalar_one()
    return int(count)


@dataclass(frozen=True)
class PrinterRow:
    """One printer as the floor page and `wms printer list` show it."""

    id: int
    name: str
    uri: str
    dpi: int
    label: str
    state: str
    state_detail: str | None
    last_error: str | None
    checked_at: datetime | None
    queued: int
    possible_duplicates: int
    odometer: int | None


def list_printers(session: Session) -> list[PrinterRow]:
    """Every printer with its queue length and possible duplicates (one query)."""
    open_jobs = sa.func.count(PrintJob.id).filter(PrintJob.state.in_(OPEN_STATES))
    duplicates = sa.func.count(PrintJob.id).filter(PrintJob.possible_duplicate.is_(True))
    rows = session.execute(
        sa.select(Printer, open_jobs, duplicates)
        .outerjoin(PrintJob, PrintJob.printer_id == Printer.id)
        .group_by(Printer.id)
        .order_by(Printer.name)
    ).all()
    return [
        PrinterRow(
            p.id,
            p.name,
            p.uri,
            p.dpi,
            f"{p.label_width_mm}x{p.label_height_mm}",
            p.state,
            p.state_detail,
            p.last_error,
            p.checked_at,
            int(queued),
            int(dups),
            p.odometer,
        )
        for p, queued, dups in rows
    ]


def render_for(printer: Printer, spec: LabelSpec) -> bytes:
    """The bytes this printer takes for `spec`: ZPL at its dpi (raw TCP) or PDF (CUPS)."""
    if printer.uri.startswith("tcp://"):
        return zpl_payload(spec, printer.dpi)
    return render_pdf(spec)


def _title(spec: LabelSpec) -> str:
    key = spec.fields.get("lpn") or spec.fields.get("order_code") or spec.fields.get("bin") or ""
    return f"{spec.kind.value} {key}".strip()


def enqueue(
    uow: UnitOfWork,
    printer: Printer,
    specs: Iterable[LabelSpec],
    *,
    station_id: int | None = None,
    requested_by: str | None = None,
    reprint: bool = False,
) -> Sequence[PrintJob]:
    """Queue labels on a printer, rendered now; they print in this order after earlier ones."""
    jobs = [
        PrintJob(
            printer_id=printer.id,
            state=JobState.QUEUED,
            title=_title(spec)[:200],
            kind=spec.kind.value,
            lpn=spec.fields.get("lpn"),
            payload=render_for(printer, spec),
            station_id=station_id,
            requested_by=requested_by,
            reprint=reprint,
            created_at=uow.now(),
        )
        for spec in specs
    ]
    uow.session.add_all(jobs)
    uow.session.flush()  # ids are the queue order
    return jobs


def list_printers_state(db: Database, name: str) -> str | None:
    """One printer's recorded state (tools and tests)."""
    with db.reading() as session:
        row = session.execute(sa.select(Printer.state).where(Printer.name == name)).first()
    return row[0] if row else None


def assign_station(
    uow: UnitOfWork, actor: Actor, station: Station, printer: Printer | None
) -> None:
    """Send a station's labels to a server printer, or (None) back to the station itself."""
    station.printer_id = printer.id if printer else None
    uow.audit("station", station.id, "printer", actor, printer=printer.name if printer else None)
    uow.session.flush()


def printer_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every printer, for the pages' "print on" forms."""
    rows = session.execute(sa.select(Printer.id, Printer.name).order_by(Printer.name)).all()
    return [(int(pid), str(name)) for pid, name in rows]


@dataclass(frozen=True)
class FlaggedJob:
    """A label that may have printed twice (its worker died while sending it)."""

    id: int
    printer: str
    title: str
    lpn: str | None
    created_at: datetime
    printed_at: datetime | None


def possible_duplicates(session: Session, limit: int = 20) -> list[FlaggedJob]:
    """The latest jobs flagged as possible duplicates, newest first."""
    rows = session.execute(
        sa.select(PrintJob, Printer.name)
        .join(Printer, Printer.id == PrintJob.printer_id)
        .where(PrintJob.possible_duplicate.is_(True))
        .order_by(PrintJob.id.desc())
        .limit(limit)
    ).all()
    return [
        FlaggedJob(job.id, name, job.title, job.lpn, job.created_at, job.printed_at)
        for job, name in rows
    ]


def reprint(uow: UnitOfWork, actor: Actor, printer_id: int, specs: Sequence[LabelSpec]) -> Printer:
    """Queue labels a supervisor asked for again (unit or return page)."""
    printer = uow.session.get(Printer, printer_id)
    if printer is None:
        raise NotFound("print.printer_unknown", name=str(printer_id))
    jobs = enqueue(uow, printer, specs, requested_by=actor.name, reprint=True)
    uow.audit("printer", printer.id, "reprint", actor, titles=[j.title for j in jobs])
    return printer


@dataclass(frozen=True)
class JobRow:
    """A print job as the station page lists it."""

    id: int
    printer: str
    title: str
    state: str
    attempts: int
    possible_duplicate: bool
    reprint: bool
    created_at: datetime
    printed_at: datetime | None


def station_jobs(session: Session, station_id: int, limit: int = 30) -> list[JobRow]:
    """A station's latest print jobs, newest first."""
    rows = session.execute(
        sa.select(PrintJob, Printer.name)
        .join(Printer, Printer.id == PrintJob.printer_id)
        .where(PrintJob.station_id == station_id)
        .order_by(PrintJob.id.desc())
        .limit(limit)
    ).all()
    return [
        JobRow(
            j.id,
            name,
            j.title,
            j.state.value,
            j.attempts,
            j.possible_duplicate,
            j.reprint,
            j.created_at,
            j.printed_at,
        )  # fmt: skip
        for j, name in rows
    ]


def duplicate_checked(uow: UnitOfWork, actor: Actor, job_id: int) -> None:
    """A supervisor looked at a possibly doubled label: the flag goes, the audit keeps it."""
    job = uow.session.get(PrintJob, job_id)
    if job is None or not job.possible_duplicate:
        raise NotFound("print.job_unknown", job=str(job_id))
    job.possible_duplicate = False
    uow.audit("print_job", job.id, "duplicate_checked", actor, title=job.title, lpn=job.lpn)
    uow.session.flush()
