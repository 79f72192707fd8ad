"""`wms station|operator|user|integration add`: who may use the warehouse."""

from __future__ import annotations

import getpass
import sys

import click

from wms.cli.common import database, domain_errors
from wms.db.models import StationRole, UserRole
from wms.services import accounts
from wms.services.uow import Actor, execute

CLI_ACTOR = Actor("cli", kind="system")


@click.group("station")
def station_group() -> None:
    """Scanning stations."""


@station_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([r.value for r in StationRole]))
@click.option("--language", default="ru", type=click.Choice(["ru", "en", "kk"]))
@domain_errors
def station_add(name: str, role: str, language: str) -> None:
    """Register a station and print its token (shown only once)."""
    _station, token = execute(
        database(), accounts.create_station, CLI_ACTOR, name, StationRole(role), language
    )
    click.echo(token)


@station_group.command("rotate-token")
@click.argument("name")
@domain_errors
def station_rotate(name: str) -> None:
    """Give a station a new token; the old one stops working."""
    click.echo(execute(database(), accounts.rotate_station_token, CLI_ACTOR, name))


@click.group("operator")
def operator_group() -> None:
    """Operators on the floor."""


@operator_group.command("add")
@click.argument("name")
@click.option("--badge", required=True, help="badge code, e.g. OP-0042")
@domain_errors
def operator_add(name: str, badge: str) -> None:
    """Register an operator with a badge code."""
    operator = execute(database(), accounts.create_operator, CLI_ACTOR, name, badge)
    click.echo(f"operator {operator.name} badge {operator.badge}")


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat: "):
            raise click.ClickException("passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


@click.group("user")
def user_group() -> None:
    """Dashboard logins."""


@user_group.command("add")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice([r.value for r in UserRole]))
@click.option("--merchant", help="merchant code (required for the merchant role)")
@domain_errors
def user_add(login: str, role: str, merchant: str | None) -> None:
    """Create a login; the password is read from standard input."""
    password = _read_password()
    user = execute(
        database(), accounts.create_user, CLI_ACTOR, login, UserRole(role), password, merchant
    )
    click.echo(f"user {user.login} ({user.role.value}) created")


@user_group.command("password")
@click.argument("login")
@domain_errors
def user_password(login: str) -> None:
    """Set a new password (read from standard input); every session of the user ends."""
    password = _read_password()
    execute(database(), accounts.set_password, CLI_ACTOR, login, password)
    click.echo(f"password of {login} changed; its sessions ended")


@user_group.command("disable")
@click.argument("login")
@domain_errors
def user_disable(login: str) -> None:
    """Disable a login; its sessions end at once."""
    execute(database(), accounts.set_active, CLI_ACTOR, login, False)
    click.echo(f"user {login} disabled")


@user_group.command("enable")
@click.argument("login")
@domain_errors
def user_enable(login: str) -> None:
    """Enable a disabled login again."""
    execute(database(), accounts.set_active, CLI_ACTOR, login, True)
    click.echo(f"user {login} enabled")


@click.group("integration")
def integration_group() -> None:
    """Systems that call the integration API."""


@integration_group.command("add")
@click.argument("name")
@click.option("--merchant", help="limit the client to one merchant")
@domain_errors
def integration_add(name: str, merchant: str | None) -> None:
    """Register an integration client and print its token (shown only once)."""
    _client, token = execute(
        database(), accounts.create_integration_client, CLI_ACTOR, name, merchant
    )
    click.echo(token)
