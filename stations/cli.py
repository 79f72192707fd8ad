"""`wms-station`: run a station, diagnose a scanner, test a printer."""

from __future__ import annotations

import logging
import signal
import sys
import time
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from stations.settings import Role, StationSettings, StationSettingsError, load_station_settings

if TYPE_CHECKING:
    from stations.printers import Printer

log = logging.getLogger("stations")

config_option = click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML file with [station] [scanner] [printer] (default: $WMS_CONFIG).",
)
scanner_option = click.option(
    "--scanner", help="serial://DEVICE?baudrate=N | /dev/tty… | loop:// | socket://H:P | stdin | "
    "evdev:/dev/input/eventN",
)  # fmt: skip
printer_option = click.option(
    "--printer", help="tcp://HOST:9100 | serial://DEVICE | dir:///path[?format=pdf] | cups:QUEUE"
)


def load(config: Path | None, **sections: dict[str, Any]) -> StationSettings:
    """Settings from file and env with the given flags on top; a usage error if invalid."""
    try:
        return load_station_settings(config, overrides=sections)
    except StationSettingsError as exc:
        raise click.UsageError(str(exc)) from exc


@click.group()
def main() -> None:
    """Returns WMS station program: scanner, printer and offline journal for one workplace."""


@main.command()
@click.option("--server", help="WMS server URL, e.g. http://wms.local:8000")
@click.option("--token", help="This station's API token (better: WMS_STATION__TOKEN).")
@scanner_option
@printer_option
@click.option("--role", type=click.Choice([r.value for r in Role]), help="Used while offline.")
@click.option("--language", type=click.Choice(["ru", "en", "kk"]))
@click.option(
    "--journal",
    type=click.Path(dir_okay=False),
    help="SQLite journal path (default: var/station-<token digest>.sqlite, one per station).",
)
@click.option("--dpi", type=click.Choice(["203", "300", "600"]))
@click.option(
    "--camera", help="Record each opened parcel: /dev/videoN | rtsp://… | lavfi:testsrc (test)."
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where log lines go (default: next to the journal, .log).",
)
@click.option("--log-stderr", is_flag=True, help="Send log lines to stderr instead of a file.")
@config_option
def run(
    server: str | None,
    token: str | None,
    scanner: str | None,
    printer: str | None,
    role: str | None,
    language: str | None,
    journal: str | None,
    dpi: str | None,
    camera: str | None,
    log_file: Path | None,
    log_stderr: bool,
    config: Path | None,
) -> None:
    """Run the station until Ctrl+C or SIGTERM."""
    settings = load(
        config,
        station={
            "server_url": server,
            "token": token,
            "role": role,
            "language": language,
            "journal_path": journal,
        },
        scanner={"url": scanner},
        printer={"url": printer, "dpi": int(dpi) if dpi else None},
        camera={"source": camera},
    )
    if not settings.station.token:
        raise click.UsageError("no station token: pass --token or set WMS_STATION__TOKEN")
    from stations.client import IncompatibleServer, Unauthorized
    from stations.loop import Station

    journal_file = settings.station.journal_file()
    _preflight(settings, journal_file)
    _configure_logging(None if log_stderr else log_file or journal_file.with_suffix(".log"))
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        station = Station.from_settings(settings)
    except ValueError as exc:  # a scanner or printer URL that cannot be opened
        raise click.UsageError(str(exc)) from exc
    try:
        station.connect()
        station.start()
        station.run()
    except (Unauthorized, IncompatibleServer) as exc:
        raise click.ClickException(f"{settings.station.server_url}: {exc}") from exc
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        station.stop()
        station.view.close()
        station.client.close()
        station.journal.close()


@main.command("scan-echo")
@scanner_option
@click.option("--server", help="Also ask this server how it classifies each code.")
@click.option("--token", help="Station token for --server.")
@click.option("--count", type=int, default=0, help="Stop after this many scans (0 = never).")
@click.option(
    "--timeout", type=float, default=0.0, help="Stop after this many seconds (0 = never)."
)
@config_option
def scan_echo(
    scanner: str | None,
    server: str | None,
    token: str | None,
    count: int,
    timeout: float,
    config: Path | None,
) -> None:
    """Show what a scanner sends: bytes as hex and text, AIM id, and the server's verdict."""
    settings = load(
        config, scanner={"url": scanner}, station={"server_url": server, "token": token}
    )
    from stations.codes import is_product_code, is_unique_code
    from stations.scanners import open_scanner

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    try:
        reader = open_scanner(settings.scanner.url, settings.scanner)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    client = _client(settings) if server else None
    click.echo(f"reading {reader.description} (Ctrl+C to stop)")
    seen, state, until = 0, None, time.monotonic() + timeout if timeout else None
    try:
        while (not count or seen < count) and (until is None or time.monotonic() < until):
            scan = reader.read(0.2)
            if reader.state != state:
                state = reader.state
                click.echo(f"scanner: {state.value}")
            if scan is None:
                continue
            seen += 1
            click.echo(f"hex:    {scan.raw.hex(' ')}")
            click.echo(f"text:   {scan.code.replace(chr(0x1D), '<GS>')}")
            click.echo(f"aim:    {scan.symbology or 'none (enable AIM ids on the scanner)'}")
            click.echo(f"unique: {is_unique_code(scan.code)}  product: "
                       f"{is_product_code(scan.code, scan.symbology)}")  # fmt: skip
            if client is not None:
                click.echo(f"server: {_classify(client, scan.code, scan.symbology)}")
    except KeyboardInterrupt:
        pass
    finally:
        reader.close()
        if client is not None:
            client.close()


@main.command("test-print")
@printer_option
@click.option("--dpi", type=click.Choice(["203", "300", "600"]))
@click.option(
    "--wait", type=float, default=0.0, help="Seconds to wait for the printer to be ready."
)
@config_option
def test_print(printer: str | None, dpi: str | None, wait: float, config: Path | None) -> None:
    """Print a test label (Cyrillic and Kazakh text, LPN barcode) and report the status."""
    settings = load(config, printer={"url": printer, "dpi": int(dpi) if dpi else None})
    from labels.layouts import unit_label
    from stations.printers import PrintQueue
    from stations.printers.render import RenderError

    device = _printer(settings)
    queue = PrintQueue(device)
    label = unit_label(
        lpn="LPN0000000000", sku="TEST-001", title="Тест печати · Қазақша ҚҒҮҰӨҺІ · Test",
        grade="A", next_zone="inspection", received_on=date.today().isoformat(),
    )  # fmt: skip
    try:
        queue.submit(label)
    except RenderError as exc:
        raise click.ClickException(str(exc)) from exc
    deadline = time.monotonic() + wait
    while not (done := queue.work_once()) and time.monotonic() < deadline:
        time.sleep(0.5)
    status = queue.status
    click.echo(f"printer {device.description} ({device.language}, {device.dpi} dpi): "
               f"{status.state.value} {status.detail}")  # fmt: skip
    if status.labels_remaining is not None:
        click.echo(f"labels remaining in batch: {status.labels_remaining}")
    if not done:
        raise click.ClickException("test label NOT printed: the printer is not ready")
    click.echo("test label sent")


@main.command("install-font")
@printer_option
@config_option
def install_font(printer: str | None, config: Path | None) -> None:
    """Store DejaVu Sans on a ZPL printer (E:DEJAVU.TTF) so Cyrillic and Kazakh text prints."""
    settings = load(config, printer={"url": printer})
    from stations.printers import PrinterError
    from stations.printers.fonts import font_download

    device = _printer(settings)
    if device.language != "zpl":
        raise click.UsageError(f"{device.description} takes PDF; fonts are embedded there")
    try:
        device.print(font_download())
    except PrinterError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"font sent to {device.description}")


def _printer(settings: StationSettings) -> Printer:
    from stations.printers import open_printer

    try:
        return open_printer(settings.printer.url, settings.printer)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


def _client(settings: StationSettings) -> Any:
    from stations.client import StationClient

    s = settings.station
    return StationClient(s.server_url, s.token, timeout=s.request_timeout_seconds)


def _classify(client: Any, code: str, symbology: str | None) -> str:
    from stations.client import RequestRejected, ServerUnreachable

    try:
        verdict = client.classify(code, symbology)
    except (ServerUnreachable, RequestRejected) as exc:
        return f"({exc})"
    return ", ".join(f"{k}={v}" for k, v in verdict.items() if v not in (None, "", []))


class StartRefused(click.ClickException):
    """The station cannot start; the message is in the station's language (no English prefix)."""

    def show(self, file: Any = None) -> None:
        """Print the message alone on stderr."""
        click.echo(self.format_message(), err=True)


def _preflight(settings: StationSettings, journal_file: Path) -> None:
    """Refuse to start with a printer that is not there or a journal another station holds."""
    from stations import messages
    from stations.printers import printer_missing

    language = settings.station.language
    if (missing := printer_missing(settings.printer.url)) is not None:
        key, path = missing
        raise StartRefused(messages.say(key, language, path=path))
    if not _lock_journal(journal_file):
        raise StartRefused(messages.say("journal_in_use", language, path=journal_file))


_held_locks: list[Any] = []  # open lock files live as long as the process


def _lock_journal(journal_file: Path) -> bool:
    """Hold an exclusive lock beside the journal; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the per-station default path still holds
        return True
    journal_file.parent.mkdir(parents=True, exist_ok=True)
    handle = open(journal_file.with_suffix(".lock"), "a")  # noqa: SIM115 (held until exit)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return False
    _held_locks.append(handle)
    return True


def _configure_logging(log_file: Path | None) -> None:
    # The screen is the operator's: log lines go to a file unless --log-stderr asks otherwise.
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(log_file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
