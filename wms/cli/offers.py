"""`wms offers import|list`: marketplace offers per SKU and channel."""

from __future__ import annotations

import json
from pathlib import Path

import click

from wms.cli.admin import CLI_ACTOR
from wms.cli.common import domain_errors
from wms.cli.sync import MARKETPLACES, opened, progress_bar
from wms.db.session import Database
from wms.domain.returns import Marketplace
from wms.services import offers
from wms.services.offers import OfferInput, UpsertResult
from wms.services.uow import execute


@click.group("offers")
def offers_group() -> None:
    """Offers: SKUs listed on Kaspi, Wildberries and Ozon."""


@offers_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only validate the file.")
@domain_errors
def import_cmd(path: Path, dry_run: bool) -> None:
    """Create or update offers from a CSV file; a bad line imports nothing.

    \b
    Columns: merchant, sku, marketplace, account, channel, marketplace_sku, warehouse_ref,
    and optionally marketplace_item_id, price, active. marketplace_sku / warehouse_ref are
    Kaspi SKU / storeId, Wildberries chrtId / warehouseId, Ozon offer_id / warehouse_id.
    An empty price is derived (resale = main × (1 − the merchant's resale discount)).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text") from None
    with opened() as db:
        with db.reading() as session:
            items, lines = offers.load_csv(session, CLI_ACTOR, text)
        if dry_run:
            click.echo(f"{len(items)} offers are valid; nothing imported (--dry-run)")
            return
        result = _upsert(db, items, lines)
    click.echo(
        f"imported {len(items)} offers: {result.created} new, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )


def _upsert(db: Database, items: list[OfferInput], lines: list[int]) -> UpsertResult:
    with progress_bar() as bar:
        task = bar.add_task("offers", total=len(items))
        return execute(
            db,
            offers.upsert,
            CLI_ACTOR,
            items,
            lines=lines,
            progress=lambda n: bar.advance(task, n),
        )


@offers_group.command("list")
@click.option("--merchant", help="Merchant code.")
@click.option("--marketplace", type=MARKETPLACES)
@click.option("--sku", help="Our SKU.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_cmd(merchant: str | None, marketplace: str | None, sku: str | None, as_json: bool) -> None:
    """List offers with their effective price, WMS stock and what the marketplace was told."""
    rows, cursor = [], None
    with opened() as db, db.reading() as session:
        while True:
            page, cursor = offers.list_offers(
                session,
                CLI_ACTOR,
                merchant=merchant,
                marketplace=Marketplace(marketplace) if marketplace else None,
                sku=sku,
                limit=500,
                cursor=cursor,
            )
            rows += page
            if cursor is None:
                break
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    for row in rows:
        click.echo(
            f"{row['merchant']:<10} {row['sku']:<14} {row['channel']:<6} {row['marketplace']:<11} "
            f"{row['marketplace_sku']}@{row['warehouse_ref']}  price {row['effective_price']}  "
            f"WMS {row['available']}  told {row['pushed_quantity']}"
        )
