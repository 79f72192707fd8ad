"""Operator display: plain log lines when piped, a full-screen `rich` view on a terminal."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Protocol

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from stations.bigtext import big_lines
from stations.messages import MESSAGES, say

# Colours by result; "offline" is the station's own yellow-ish state while it queues.
COLOURS = {
    "ok": "green",
    "error": "red",
    "action_required": "yellow",
    "offline": "dark_orange",
    "idle": "blue",
}


@dataclass(frozen=True)
class Screen:
    """Everything the operator sees, as one immutable snapshot."""

    role: str
    language: str
    result: str = "idle"
    prompt: str = ""
    operator: str | None = None
    step: str | None = None
    work: str | None = None
    warnings: tuple[str, ...] = ()
    notice: str | None = None
    online: bool = False
    queued: int = 0
    scanner: str = "connecting"
    printer: str = "not_ready"
    printer_detail: str = ""
    labels_waiting: int = 0
    lpns_left: int | None = None
    last_code: str | None = None
    at: datetime = field(default_factory=datetime.now)


class View(Protocol):
    """Where the station shows things; `sound` is set when a scan was answered."""

    def show(self, screen: Screen, sound: str | None) -> None:
        """Redraw (and beep for `sound`)."""
        ...

    def close(self) -> None:
        """Give the terminal back."""
        ...


class LogView:
    """One line per answered scan, and one per status change (for journald, pipes, tests)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream if stream is not None else sys.stdout
        self._status: tuple[object, ...] | None = None
        self._prompt = ""
        self._lock = threading.Lock()

    def show(self, screen: Screen, sound: str | None) -> None:
        """Print what changed."""
        # The queue length itself is in the answers; its draining to zero is worth a line.
        status = (screen.online, screen.queued == 0, screen.scanner, screen.printer, screen.notice)
        lines = []
        # A new prompt without a sound (the first one at start) is still what the operator reads.
        if sound is not None or (screen.prompt and screen.prompt != self._prompt):
            lines.append(f"{screen.result:<15} {screen.prompt}")
            self._prompt = screen.prompt
        if status != self._status:
            state = "online" if screen.online else "OFFLINE"
            lines.append(
                f"{'status':<15} {state} queued={screen.queued} scanner={screen.scanner} "
                f"printer={screen.printer} {screen.notice or ''}".rstrip()
            )
            self._status = status
        with self._lock:
            for line in lines:
                self._stream.write(f"{screen.at:%H:%M:%S} {line}\n")
            self._stream.flush()

    def close(self) -> None:
        """Nothing to release."""


class RichView:
    """Full-screen view: huge prompt coloured by result, operator, work item, device status."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console()
        self._live = Live(console=self.console, screen=True, auto_refresh=False)
        self._live.start()
        self._lock = threading.Lock()

    def show(self, screen: Screen, sound: str | None) -> None:
        """Redraw; ring the terminal bell for errors (twice) and for attention (once)."""
        with self._lock:
            self._live.update(render(screen, self.console.size), refresh=True)
            if sound == "error":
                self.console.bell()
                self.console.bell()
            elif sound == "attention":
                self.console.bell()

    def close(self) -> None:
        """Leave the alternate screen."""
        self._live.stop()


def render(screen: Screen, size: tuple[int, int] = (100, 30)) -> RenderableType:
    """The whole screen as one rich renderable (pure: used by the view and by tests)."""
    width, height = size
    colour = COLOURS.get(screen.result, "blue")
    parts: list[RenderableType] = [_header(screen)]
    if not screen.online or screen.queued:
        parts.append(_offline_banner(screen))
    prompt_rows = max(3, height - 10 - (2 if len(parts) > 1 else 0))
    parts.append(
        Panel(
            _prompt(screen.prompt, width - 4, prompt_rows, colour),
            style=f"on {colour}",
            height=prompt_rows + 2,
        )
    )
    parts.append(_footer(screen))
    return Group(*parts)


def _prompt(text: str, columns: int, rows: int, colour: str) -> Text:
    style = f"bold white on {colour}"
    lines = big_lines(text, columns, rows) if text else None
    if lines is None:
        return Text(text, style=style, justify="center")
    lines = [""] * ((rows - len(lines)) // 2) + lines  # centred vertically too
    return Text("\n".join(lines), style=style, no_wrap=True, overflow="crop", justify="center")


def _header(screen: Screen) -> Table:
    table = Table.grid(expand=True)
    table.add_column(ratio=2)
    table.add_column(ratio=2)
    table.add_column(ratio=1, justify="right")
    operator = screen.operator or "—"
    role = _word(f"role_{screen.role}", screen.language, screen.role.upper())
    table.add_row(
        Text(f"{role}  {operator}", style="bold"),
        Text(f"{screen.work or ''}  {screen.step or ''}".strip()),
        Text(f"{screen.at:%H:%M:%S}"),
    )
    return table


def _offline_banner(screen: Screen) -> Text:
    lang = screen.language
    if screen.online:
        sync, online = say("banner_sync", lang), say("banner_online", lang)
        text = f" {sync} — {screen.queued} " if screen.queued else f" {online} "
        return Text(text, style="bold black on yellow", justify="center")
    offline = say("banner_offline", lang)
    return Text(f" {offline} — {screen.queued} ", style="bold white on red", justify="center")


def _word(key: str, language: str, fallback: str) -> str:
    """The operator's word for a state or role; the raw value only if we have none."""
    return say(key, language) if key in MESSAGES else fallback


def _footer(screen: Screen) -> Table:
    table = Table.grid(expand=True, padding=(0, 2))
    table.add_column()
    table.add_column(justify="right")
    lang = screen.language
    scanner_state = _word(f"scanner_{screen.scanner}", lang, screen.scanner)
    scanner_text = f"{say('footer_scanner', lang)}: {scanner_state}"
    scanner = Text(scanner_text, style=_device_style(screen.scanner == "ok"))
    # The ~HS detail is English: the operator gets the state in words (the log keeps the detail).
    printer_state = _word(f"printer_{screen.printer}", lang, screen.printer)
    printer_text = f"{say('footer_printer', lang)}: {printer_state}"
    if screen.labels_waiting:
        printer_text += f" ({say('footer_waiting', lang, n=screen.labels_waiting)})"
    printer = Text(printer_text, style=_device_style(screen.printer == "ok"))
    left = screen.lpns_left
    lpns = say("footer_lpns_left", lang, n=left) if left is not None else ""
    table.add_row(Text.assemble(scanner, "   ", printer), Text(lpns))
    for line in (*screen.warnings, screen.notice or ""):
        if line:
            table.add_row(Text(line, style="bold yellow"), Text(""))
    if screen.last_code:
        shown = screen.last_code.replace("\x1d", "<GS>")
        last = say("footer_last_scan", lang)
        table.add_row(Text(f"{last}: {shown}", style="dim"), Text(""))
    return table


def _device_style(ok: bool) -> str:
    return "green" if ok else "bold red"


def make_view(stream: IO[str] | None = None) -> View:
    """Full-screen view on a terminal, plain lines otherwise."""
    stream = stream if stream is not None else sys.stdout
    if stream.isatty():
        return RichView(Console(file=stream))
    return LogView(stream)
