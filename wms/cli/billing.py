"""`wms billing`: rate card import, invoice runs, listing, finalising and printing invoices."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import click
import sqlalchemy as sa

from wms.cli.admin import CLI_ACTOR
from wms.cli.common import database, domain_errors
from wms.db.models import Invoice, Merchant
from wms.domain import prompts
from wms.domain.billing import Period
from wms.domain.billing_rates import RatesRefused
from wms.domain.errors import InvalidInput, NotFound
from wms.services import billing, invoicing
from wms.services.uow import UnitOfWork


@click.group("billing")
def billing_group() -> None:
    """3PL billing: rate cards, invoice runs, invoices."""


@billing_group.group("rates")
def rates_group() -> None:
    """The rate card."""


@rates_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@domain_errors
def rates_import(path: Path) -> None:
    """Import rate lines from CSV (all or nothing; every bad line is named)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        columns = list(reader.fieldnames or [])
    with UnitOfWork(database()) as uow:
        try:
            count = billing.import_rates(uow, CLI_ACTOR, rows, columns)
        except RatesRefused as refused:
            for key, params in refused.problems:
                click.echo(prompts.render(key, **params)["en"], err=True)
            raise click.ClickException(str(refused)) from None
        uow.commit()
    click.echo(f"{count} rate lines imported from {path.name}")


def _merchant(uow: UnitOfWork, code: str | None) -> Merchant | None:
    if code is None:
        return None
    merchant = uow.session.scalar(sa.select(Merchant).where(Merchant.code == code))
    if merchant is None:
        raise NotFound("billing.merchant_unknown", merchant=code)
    return merchant


@billing_group.command("run")
@click.option("--period", required=True, help="month to bill, YYYY-MM")
@click.option("--merchant", help="merchant code (default: every active merchant)")
@click.option("--json", "as_json", is_flag=True, help="print the results as JSON")
@domain_errors
def run_cmd(period: str, merchant: str | None, as_json: bool) -> None:
    """Create or recalculate draft invoices for a month (final invoices are left as they are)."""
    month = Period.parse(period)
    with UnitOfWork(database()) as uow:
        results = invoicing.run(uow, CLI_ACTOR, month, _merchant(uow, merchant))
        uow.commit()
    if as_json:
        click.echo(json.dumps([_result_json(r) for r in results], ensure_ascii=False))
        return
    for r in results:
        note = "recalculated" if r.recalculated else f"{r.state.value}, unchanged"
        extra = f", {r.unpriced} events without a rate" if r.unpriced else ""
        click.echo(f"{r.merchant} {month}: invoice {r.invoice_id} {r.total} KZT ({note}){extra}")


def _result_json(r: invoicing.RunResult) -> dict[str, object]:
    return {
        "merchant": r.merchant,
        "invoice_id": r.invoice_id,
        "state": r.state.value,
        "total": str(r.total),
        "events": r.events,
        "unpriced": r.unpriced,
        "recalculated": r.recalculated,
    }


@billing_group.command("list")
@click.option("--merchant", help="merchant code")
@click.option("--period", help="YYYY-MM")
@click.option("--json", "as_json", is_flag=True, help="print as JSON")
@domain_errors
def list_cmd(merchant: str | None, period: str | None, as_json: bool) -> None:
    """Invoices and credit notes: id, number, merchant, period, state, total."""
    with UnitOfWork(database()) as uow:
        query = (
            sa.select(Invoice, Merchant.code)
            .join(Merchant, Merchant.id == Invoice.merchant_id)
            .order_by(Invoice.id)
        )
        if merchant:
            query = query.where(Merchant.code == merchant)
        if period:
            query = query.where(Invoice.period == str(Period.parse(period)))
        rows = [_invoice_json(inv, code) for inv, code in uow.session.execute(query)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(
            f"{row['id']:>6}  {row['number'] or '-':<12} {row['merchant']:<14} {row['period']}  "
            f"{row['kind']:<11} {row['state']:<9} {row['total']:>14}"
        )


def _invoice_json(invoice: Invoice, code: str) -> dict[str, object]:
    return {
        "id": invoice.id,
        "number": invoice.number,
        "kind": invoice.kind.value,
        "merchant": code,
        "period": invoice.period,
        "state": invoice.state.value,
        "net": str(invoice.net),
        "vat": str(invoice.vat),
        "total": str(invoice.total),
        "credit_of": invoice.credit_of_id,
    }


@billing_group.command("finalise")
@click.argument("invoice_id", type=int)
@domain_errors
def finalise_cmd(invoice_id: int) -> None:
    """Freeze a draft invoice and number it."""
    with UnitOfWork(database()) as uow:
        invoice = invoicing.finalise(uow, CLI_ACTOR, invoicing.get(uow.session, invoice_id))
        number, total = invoice.number, invoice.total
        uow.commit()
    click.echo(f"invoice {invoice_id} is final: {number}, {total} KZT")


@billing_group.command("pay")
@click.argument("invoice_id", type=int)
@domain_errors
def pay_cmd(invoice_id: int) -> None:
    """Mark a final invoice paid."""
    with UnitOfWork(database()) as uow:
        invoicing.pay(uow, CLI_ACTOR, invoicing.get(uow.session, invoice_id))
        uow.commit()
    click.echo(f"invoice {invoice_id} is paid")


@billing_group.command("cancel")
@click.argument("invoice_id", type=int)
@click.option("--reason", default="", help="why (printed on the credit note)")
@domain_errors
def cancel_cmd(invoice_id: int, reason: str) -> None:
    """Cancel a draft, or a final invoice with a full credit note."""
    with UnitOfWork(database()) as uow:
        note = invoicing.cancel(uow, CLI_ACTOR, invoicing.get(uow.session, invoice_id), reason)
        number = note.number if note is not None else None
        uow.commit()
    click.echo(f"invoice {invoice_id} cancelled" + (f", credit note {number}" if number else ""))


@billing_group.command("credit")
@click.argument("invoice_id", type=int)
@click.option("--line", "lines", type=int, multiple=True, help="line position (default: all)")
@click.option("--reason", required=True)
@domain_errors
def credit_cmd(invoice_id: int, lines: tuple[int, ...], reason: str) -> None:
    """Issue a credit note against lines of a final invoice."""
    with UnitOfWork(database()) as uow:
        invoice = invoicing.get(uow.session, invoice_id)
        note = invoicing.credit(uow, CLI_ACTOR, invoice, reason, list(lines) or None)
        number, total = note.number, note.total
        uow.commit()
    click.echo(f"credit note {number}: {total} KZT")


@billing_group.command("invoice")
@click.argument("invoice_id", type=int)
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["ru", "kk", "en"]), default="ru", show_default=True)
@domain_errors
def invoice_cmd(invoice_id: int, output: Path, lang: str) -> None:
    """Write an invoice as PDF or as XLSX with every event behind each line."""
    from wms.services import invoice_documents as documents

    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise InvalidInput("invoice.output_format", path=str(output))
    with UnitOfWork(database()) as uow:
        invoice = invoicing.get(uow.session, invoice_id)
        # Written next to the target and renamed: a failed export leaves no half file behind.
        partial = output.with_name(output.name + ".part")
        with partial.open("wb") as handle:
            if suffix == ".pdf":
                handle.write(documents.render_pdf(uow.session, invoice, lang))
            else:
                documents.write_xlsx(uow.session, invoice, handle, lang)
        partial.replace(output)
    click.echo(f"invoice {invoice_id} written to {output}")
