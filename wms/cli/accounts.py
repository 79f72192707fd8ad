"""`wms account add|list|feed-url|webhook`: marketplace accounts, the Kaspi feed URL, webhooks."""

from __future__ import annotations

import json
import sys

import click

from wms.cli.admin import CLI_ACTOR
from wms.cli.common import domain_errors, settings
from wms.cli.sync import MARKETPLACES, opened
from wms.domain.returns import Marketplace
from wms.services import accounts_marketplace as accounts
from wms.services import webhooks
from wms.services.crypto import SecretBox
from wms.services.uow import execute


@click.group("account")
def account_group() -> None:
    """Merchants' marketplace accounts."""


def _settings(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r}: use KEY=VALUE", param_hint="--setting")
        out[key] = value
    return out


@account_group.command("add")
@click.argument("merchant")
@click.argument("marketplace", type=MARKETPLACES)
@click.argument("name")
@click.option(
    "--setting",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="Non-secret setting, e.g. merchant_id=30453464 (Kaspi), base_url=… (a sandbox).",
)
@domain_errors
def add_cmd(merchant: str, marketplace: str, name: str, pairs: tuple[str, ...]) -> None:
    """Add an account; its credentials come as a JSON object on stdin and are stored encrypted.

    \b
    Kaspi:        {"token": "…"}              (and --setting merchant_id=…)
    Wildberries:  {"token": "…"}
    Ozon:         {"client_id": "…", "api_key": "…"}
    """
    text = sys.stdin.read()
    try:
        credentials = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"credentials on stdin are not JSON: {exc.msg}") from None
    if not isinstance(credentials, dict):
        raise click.ClickException("credentials on stdin must be a JSON object")
    cfg = settings()
    with opened() as db:
        account = execute(
            db,
            accounts.create_account,
            CLI_ACTOR,
            SecretBox(cfg),
            merchant,
            Marketplace(marketplace),
            name,
            credentials,
            _settings(pairs),
        )
    click.echo(f"account {account.id}: {merchant} {marketplace} {name!r}")


@account_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_cmd(as_json: bool) -> None:
    """List marketplace accounts (without secrets)."""
    with opened() as db, db.reading() as session:
        rows = accounts.list_accounts(session)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        state = "" if row["active"] else "  (inactive)"
        click.echo(
            f"{row['id']:>4}  {row['merchant']:<12} {row['marketplace']:<12} {row['name']}{state}"
        )


@account_group.command("feed-url")
@click.argument("account")
@domain_errors
def feed_url_cmd(account: str) -> None:
    """Print a new secret Kaspi price-list URL for ACCOUNT (id or MERCHANT:NAME).

    The previous URL stops working: paste the new one into the Kaspi cabinet
    (Товары → Загрузить прайс-лист → Автоматическая загрузка).
    """
    with opened() as db:
        _account, token = execute(db, accounts.rotate_feed_token, CLI_ACTOR, account)
    click.echo(accounts.feed_url(settings().server.public_url, token))


@account_group.command("webhook")
@click.argument("merchant")
@click.argument("url", required=False)
@click.option("--clear", is_flag=True, help="Stop sending webhooks to this merchant.")
@domain_errors
def webhook_cmd(merchant: str, url: str | None, clear: bool) -> None:
    """Send MERCHANT's notifications to URL, signed with a new secret (printed once)."""
    if bool(url) == clear:
        raise click.UsageError("give a URL or --clear")
    cfg = settings()
    with opened() as db:
        secret = execute(
            db, webhooks.configure, CLI_ACTOR, SecretBox(cfg), merchant, None if clear else url
        )
    if secret is None:
        click.echo(f"webhooks of {merchant} turned off")
    else:
        click.echo(f"webhooks of {merchant} go to {url}")
        click.echo(f"signing secret (shown once): {secret}")
