"""`wms clips`: list a return order's clips, purge clips past retention."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from wms.cli.common import settings
from wms.db.session import open_database


@click.group("clips")
def clips_group() -> None:
    """Video clips of opened parcels."""


@clips_group.command("purge")
@click.option("--days", type=click.IntRange(min=1), help="Override [clips] retention_days.")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def purge_cmd(days: int | None, dry_run: bool) -> None:
    """Delete clips older than the retention period (held ones stay), rows and files."""
    from wms.services.clips import purge

    cfg = settings()
    keep = days or cfg.clips.retention_days
    db = open_database(cfg)
    try:
        done = purge(db, Path(cfg.clips.dir), keep, dry_run=dry_run)
    finally:
        db.dispose()
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"{verb} {done.rows} clips older than {keep} days ({done.bytes / 1e6:.1f} MB)")


@clips_group.command("list")
@click.argument("order")
def list_cmd(order: str) -> None:
    """The clips of a return order (number RO-… or marketplace order code): file and SHA-256."""
    from wms.db.models import ReturnOrder
    from wms.services.clips import evidence_clips

    cfg = settings()
    db = open_database(cfg)
    try:
        with db.reading() as session:
            found = session.execute(
                sa.select(ReturnOrder.id, ReturnOrder.number)
                .where(sa.or_(ReturnOrder.number == order, ReturnOrder.order_code == order))
                .order_by(ReturnOrder.id)
            ).all()
            if not found:
                raise click.ClickException(f"no return order {order}")
            for order_id, number in found:
                for c in evidence_clips(session, Path(cfg.clips.dir), order_id):
                    click.echo(
                        f"{number}\t{c.started_at:%Y-%m-%d %H:%M:%S}\t{c.duration_ms / 1000:.1f}s"
                        f"\t{c.size}\t{c.sha256}\t{c.path}"
                    )
    finally:
        db.dispose()
