"""`wms claims import`: buyer claims of Wildberries and Ozon become claim cases (idempotent)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from wms.cli.common import settings
from wms.cli.sync import progress_bar
from wms.db.session import open_database
from wms.domain.returns import Marketplace
from wms.services.crypto import SecretBox

CLAIM_MARKETPLACES = click.Choice(["wildberries", "ozon"])


@click.command("import")
@click.option("--marketplace", type=CLAIM_MARKETPLACES, help="Only this marketplace.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_cmd(marketplace: str | None, as_json: bool) -> None:
    """Import open and archived buyer claims into claim cases; follow Ozon's compensation."""
    from wms.services.claims_exchange import record_claims, track_ozon_compensation
    from wms.services.claims_import import import_claims

    cfg = settings()
    db = open_database(cfg)
    box = SecretBox(cfg)
    try:
        with progress_bar() as bar:
            task = bar.add_task("claims", total=None)
            reports = import_claims(
                db,
                cfg,
                box,
                record_claims,
                marketplace=Marketplace(marketplace) if marketplace else None,
                progress=lambda _account, n: bar.advance(task, n),
            )
        compensation = (
            track_ozon_compensation(db, cfg, box) if marketplace in (None, "ozon") else []
        )
    finally:
        db.dispose()
    if as_json:
        data = {
            "accounts": [asdict(r) for r in reports],
            "compensation": [asdict(c) for c in compensation],
        }
        click.echo(json.dumps(data, default=str, ensure_ascii=False, indent=2))
    else:
        for r in reports:
            click.echo(
                f"{r.account} ({r.marketplace}): {r.seen} seen, {r.created} new, "
                f"{r.updated} updated"
            )
            for error in r.errors:
                click.echo(f"  error: {error}")
        for c in compensation:
            if c.checked or c.errors:
                click.echo(f"{c.account} (ozon): {c.checked} returns checked, {c.settled} settled")
            for error in c.errors:
                click.echo(f"  error: {error}")
    if any(r.errors for r in reports) or any(c.errors for c in compensation):
        raise SystemExit(1)
