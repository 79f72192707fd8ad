"""`wms sandbox kaspi|wildberries|ozon`: run a local marketplace emulator until Ctrl-C."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_PORTS = {"kaspi": 8101, "wildberries": 8102, "ozon": 8103}  # match config.example.toml
FAULTS = ("429", "500", "502", "503", "timeout", "drop")


def _common(name: str) -> Callable[[F], F]:
    """Options every sandbox takes."""

    def decorate(command: F) -> F:
        options = [
            click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind."),
            click.option(
                "--port", type=int, default=DEFAULT_PORTS[name], show_default=True, help="TCP port."
            ),
            click.option(
                "--fail-rate",
                type=click.FloatRange(0.0, 1.0),
                default=0.0,
                show_default=True,
                help="Share of API requests answered with a fault (429, 5xx, timeout, drop).",
            ),
            click.option(
                "--faults",
                default=",".join(FAULTS),
                show_default=True,
                help="Comma-separated fault kinds --fail-rate picks from.",
            ),
            click.option("--fault-seed", type=int, default=None, help="Make faults repeatable."),
            click.option(
                "--latency",
                "latency_ms",
                type=click.FloatRange(min=0),
                default=0.0,
                show_default=True,
                help="Milliseconds added to every API request.",
            ),
            click.option(
                "--time-scale",
                type=click.FloatRange(min=0.001),
                default=1.0,
                show_default=True,
                help="Run the clock of limits and windows K times faster.",
            ),
            click.option(
                "--timeout-sleep",
                type=click.FloatRange(min=0),
                default=35.0,
                show_default=True,
                help="Seconds a 'timeout' fault holds the request.",
            ),
            click.option(
                "--seed",
                "seed_file",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                default=None,
                help="JSON or YAML file with accounts/merchants, offers, orders, claims, returns.",
            ),
            click.option("--verbose", is_flag=True, help="Log every request."),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


@click.group("sandbox")
def sandbox_cmd() -> None:
    """Run a local emulator of a marketplace API (limits, error bodies, faults)."""


@sandbox_cmd.command("kaspi")
@_common("kaspi")
@click.option("--feed-url", default=None, help="Our XML price list URL the poller fetches.")
@click.option(
    "--poll-interval",
    type=float,
    default=3600.0,
    show_default=True,
    help="Sandbox seconds between feed fetches (scaled by --time-scale; 0 = only on request).",
)
def kaspi(feed_url: str | None, poll_interval: float, **common: Any) -> None:
    """Kaspi.kz: orders API (JSON:API) and the price-list poller."""
    from wms.sandbox.kaspi import KaspiSandbox

    sandbox = KaspiSandbox(_options(common), feed_url=feed_url, poll_interval=poll_interval)
    _serve(sandbox, after_start=sandbox.poller.start, on_stop=sandbox.poller.stop)


@sandbox_cmd.command("wildberries")
@_common("wildberries")
@click.option(
    "--strict-contract",
    is_flag=True,
    help="Refuse undeclared or missing field names with 400 (WB itself answers 204 and ignores).",
)
@click.option(
    "--spec-dir",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Folder with the WB OpenAPI files (default: WMS_WB_SPEC_DIR, shared copy, packaged copy).",
)
def wildberries(strict_contract: bool, spec_dir: str | None, **common: Any) -> None:
    """Wildberries: seller-warehouse stocks and buyer claims."""
    from wms.sandbox.wildberries import WildberriesSandbox

    sandbox = WildberriesSandbox(
        _options(common), spec_dir=spec_dir, strict_contract=strict_contract
    )
    _serve(sandbox)


@sandbox_cmd.command("ozon")
@_common("ozon")
def ozon(**common: Any) -> None:
    """Ozon: FBS stocks with per-item results, stock read-back, returns list."""
    from wms.sandbox.ozon import OzonSandbox

    _serve(OzonSandbox(_options(common)))


def _options(common: dict[str, Any]) -> Any:
    from wms.sandbox.core import SandboxOptions

    kinds = tuple(k.strip() for k in str(common.pop("faults")).split(",") if k.strip())
    unknown = sorted(set(kinds) - set(FAULTS))
    if unknown:
        raise click.BadParameter(f"unknown fault kinds {unknown}", param_hint="--faults")
    seed_file = common.pop("seed_file")
    verbose = common.pop("verbose")
    return SandboxOptions(
        **common, fault_kinds=kinds, quiet=not verbose, seed=_read_seed(seed_file)
    )


def _read_seed(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in {".yaml", ".yml"}:
        import yaml

        data = yaml.safe_load(text)
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise click.BadParameter(f"{path}: not JSON: {exc}", param_hint="--seed") from None
    if not isinstance(data, dict):
        raise click.BadParameter(f"{path}: the seed must be an object", param_hint="--seed")
    return data


def _serve(
    sandbox: Any,
    *,
    after_start: Callable[[], None] | None = None,
    on_stop: Callable[[], None] | None = None,
) -> None:
    from wms.sandbox.server import serve_until_stopped, start_server

    try:
        handle = start_server(sandbox)
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {sandbox.options.host}:{sandbox.options.port}: {exc}"
        ) from None
    if after_start:
        after_start()
    if on_stop:
        handle.background.append(on_stop)
    options = sandbox.options
    click.echo(
        f"time scale ×{options.time_scale}, fail rate {options.fail_rate}, "
        f"latency {options.latency_ms} ms; inspect {handle.url}/_sandbox/stock"
    )
    serve_until_stopped(handle, announce=click.echo)


def run_module(name: str) -> None:
    """Entry point of `python -m wms.sandbox.<name> [options]`."""
    sandbox_cmd.main(args=[name, *sys.argv[1:]], prog_name=f"python -m wms.sandbox.{name}")


if __name__ == "__main__":
    sandbox_cmd()
