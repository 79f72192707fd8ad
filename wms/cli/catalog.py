"""`wms merchant|product|bin add` and `wms decisions apply-defaults`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click

from wms.cli.admin import CLI_ACTOR
from wms.cli.common import database, domain_errors, settings
from wms.domain.stock import ZoneKind
from wms.services import accounts, catalog, workflow
from wms.services.uow import UnitOfWork, execute


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"not a number: {value}") from None


@click.group("merchant")
def merchant_group() -> None:
    """Merchants (sellers)."""


@merchant_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--resale-discount", default=7, type=click.IntRange(0, 99), show_default=True)
@click.option("--handling-fee", default="0", help="fee per returned unit")
@domain_errors
def merchant_add(code: str, name: str, resale_discount: int, handling_fee: str) -> None:
    """Register a merchant."""
    execute(
        database(),
        catalog.create_merchant,
        CLI_ACTOR,
        code,
        name,
        resale_discount_percent=resale_discount,
        handling_fee=_decimal(handling_fee),
    )
    click.echo(f"merchant {code} created")


@click.group("product")
def product_group() -> None:
    """Products (SKUs)."""


def _add_product(
    uow: UnitOfWork,
    merchant: str,
    sku: str,
    title: str,
    barcodes: tuple[str, ...],
    category: str,
    price: Decimal,
    marked: bool,
) -> None:
    merchant_id = accounts.merchant_by_code(uow.session, merchant).id
    catalog.add_product(
        uow,
        CLI_ACTOR,
        merchant_id,
        sku,
        title,
        barcodes_=barcodes,
        category=category,
        price=price,
        marked=marked,
    )


@product_group.command("add")
@click.option("--merchant", required=True)
@click.option("--sku", required=True)
@click.option("--title", required=True)
@click.option("--barcode", "barcodes", multiple=True, help="EAN-13/EAN-8/UPC-A/GTIN-14")
@click.option("--category", default="general", show_default=True)
@click.option("--price", default="0")
@click.option("--marked", is_flag=True, help="carries a marking code (Честный ЗНАК / ISMET)")
@domain_errors
def product_add(
    merchant: str,
    sku: str,
    title: str,
    barcodes: tuple[str, ...],
    category: str,
    price: str,
    marked: bool,
) -> None:
    """Add a product with its barcodes."""
    execute(
        database(), _add_product, merchant, sku, title, barcodes, category, _decimal(price), marked
    )
    click.echo(f"product {sku} created")


@click.group("bin")
def bin_group() -> None:
    """Bins (labelled places in zones)."""


def _add_bin(uow: UnitOfWork, code: str, zone: ZoneKind) -> None:
    cfg = settings().warehouse
    warehouse = catalog.ensure_warehouse(uow, cfg.code, cfg.name)
    zone_row = catalog.ensure_zone(uow, warehouse, zone, zone.value)
    catalog.add_bin(uow, CLI_ACTOR, zone_row, code)


@bin_group.command("add")
@click.argument("code")
@click.option("--zone", required=True, type=click.Choice([z.value for z in ZoneKind]))
@domain_errors
def bin_add(code: str, zone: str) -> None:
    """Create a bin (`BIN-…`) in a zone."""
    execute(database(), _add_bin, code, ZoneKind(zone))
    click.echo(f"bin {code} in {zone}")


@click.group("decisions")
def decisions_group() -> None:
    """Decisions on non-returnable units."""


@decisions_group.command("apply-defaults")
def apply_defaults() -> None:
    """Apply merchants' default decisions to units whose decision SLA has passed."""
    decided = execute(database(), workflow.apply_default_decisions)
    click.echo(f"{len(decided)} unit(s) decided by default")
