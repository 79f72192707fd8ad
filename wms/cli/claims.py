"""`wms claims list|show|act|pack`: claim cases from the command line."""

from __future__ import annotations

import json

import click

from wms.cli.common import domain_errors, settings
from wms.db.base import utcnow
from wms.db.session import open_database
from wms.domain.claims import ClaimAction, ClaimState
from wms.services.uow import Actor, UnitOfWork

CLI_ACTOR = Actor("cli", kind="user", role="admin")
MARKETPLACE_CHOICES = click.Choice(["kaspi", "wildberries", "ozon", "carrier"])


@click.group("claims")
def claims_group() -> None:
    """Claim cases against marketplaces, buyers and carriers."""


@claims_group.command("list")
@click.option("--marketplace", type=MARKETPLACE_CHOICES, help="Only this marketplace.")
@click.option("--state", type=click.Choice([s.value for s in ClaimState]), help="Only this state.")
@click.option("--overdue", is_flag=True, help="Only claims past their deadline.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_cmd(
    marketplace: str | None, state: str | None, overdue: bool, limit: int, as_json: bool
) -> None:
    """Claims with marketplace, state, merchant, return number, amounts (₸) and due date."""
    from wms.services.claims_views import ClaimFilter, queue

    db = open_database(settings())
    try:
        with db.reading() as session:
            rows = queue(
                session,
                CLI_ACTOR,
                ClaimFilter(marketplace=marketplace, state=state, overdue=overdue, limit=limit),
                utcnow(),
            )
    finally:
        db.dispose()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no claims")
        return
    click.echo(
        f"{'number':<11} {'marketplace':<11} {'state':<18} {'merchant':<10} {'return':<11} "
        f"{'claimed':>11} {'recovered':>11}  due"
    )
    for r in rows:
        flag = " OVERDUE" if r["overdue"] else ""
        click.echo(
            f"{r['number']:<11} {r['marketplace'] or 'carrier':<11} {r['state']:<18} "
            f"{r['merchant']:<10} {r['return_number'] or '—':<11} {r['claimed']:>11} "
            f"{r['recovered']:>11}  {(r['due_at'] or '—')[:16]}{flag}"
        )


@claims_group.command("show")
@click.argument("ref")
@domain_errors
def show_cmd(ref: str) -> None:
    """One claim (id or number) with lines, evidence and timeline, as JSON."""
    from wms.services.claims import find_claim
    from wms.services.claims_views import detail

    db = open_database(settings())
    try:
        with db.reading() as session:
            view = detail(session, find_claim(session, ref, CLI_ACTOR), utcnow())
    finally:
        db.dispose()
    click.echo(json.dumps(view, ensure_ascii=False, indent=2))


@claims_group.command("act")
@click.argument("ref")
@click.argument("action", type=click.Choice([a.value for a in ClaimAction]))
@click.option("--note", help="Why (kept in the timeline).")
@domain_errors
def act_cmd(ref: str, action: str, note: str | None) -> None:
    """Move a claim through its life cycle (submit, review, approve, reject, settle …)."""
    from wms.services import claims as claim_service

    cfg = settings()
    db = open_database(cfg)
    try:
        with UnitOfWork(db, settings=cfg) as uow:
            found = claim_service.find_claim(uow.session, ref, CLI_ACTOR, lock=True)
            claim = claim_service.act(uow, CLI_ACTOR, found, ClaimAction(action), note=note)
            uow.commit()
            click.echo(f"{claim.number}: {claim.state.value}")
    finally:
        db.dispose()


@claims_group.command("pack")
@click.argument("ref")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), required=True, help="PDF file to write."
)
@click.option("--zip", "zip_path", type=click.Path(dir_okay=False), help="Also write the ZIP.")
@domain_errors
def pack_cmd(ref: str, output: str, zip_path: str | None) -> None:
    """Write a claim's evidence pack (frozen at submit; a preview for a draft)."""
    from pathlib import Path

    from wms.services import claims_pack
    from wms.services.claims import find_claim

    cfg = settings()
    photo_dir = Path(cfg.storage.photo_dir)
    db = open_database(cfg)
    try:
        with db.reading() as session:
            claim = find_claim(session, ref, CLI_ACTOR)
            stored = claims_pack.frozen(photo_dir, claim)
            if stored is None:
                pack = claims_pack.build(session, claim, photo_dir, utcnow())
                stored = pack.pdf, pack.zip
    finally:
        db.dispose()
    Path(output).write_bytes(stored[0])
    if zip_path:
        Path(zip_path).write_bytes(stored[1])
    state = "frozen" if claim.pack_sha256 else "preview"
    click.echo(f"{claim.number}: {output} ({state}, {len(stored[0])} bytes)")


def _add_import() -> None:
    # `wms claims import` lives in its own module (marketplace exchange, issue 9 part B).
    from wms.cli.claims_import import import_cmd

    claims_group.add_command(import_cmd)


_add_import()
