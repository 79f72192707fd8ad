"""What the operator sees, hears and gets printed: the screen state, prompts and label jobs."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from labels.spec import LabelSpec, LabelSpecError
from stations import messages
from stations.client import ScanResponse
from stations.printers import PrinterStatus, PrintQueue
from stations.printers.render import RenderError
from stations.ui import Screen, View

log = logging.getLogger(__name__)


class Feedback:
    """Holds the current Screen (thread-safe), shows it, and turns label specs into print jobs."""

    def __init__(self, view: View, prints: PrintQueue, screen: Screen) -> None:
        self.view = view
        self.prints = prints
        self.screen = screen
        self._lock = threading.Lock()

    @property
    def language(self) -> str:
        """The language prompts are shown in."""
        return self.screen.language

    def update(self, *, show: bool = False, **changes: Any) -> None:
        """Change some fields of the screen (and redraw without a sound when `show`)."""
        with self._lock:
            self.screen = dataclasses.replace(self.screen, at=datetime.now(), **changes)
            screen = self.screen
        if show:
            self.view.show(screen, None)

    def tell(self, result: str, prompt: str, sound: str, **changes: Any) -> None:
        """Answer a scan: a prompt coloured by result, with a sound."""
        self.update(result=result, prompt=prompt, **changes)
        self.view.show(self.screen, sound)

    def say(self, key: str, **params: object) -> str:
        """One of the station's own messages in the screen language."""
        return messages.say(key, self.language, **params)

    def present(self, response: ScanResponse, queued: int) -> None:
        """Show the server's answer and print the labels it asked for."""
        problems = self.print_all(response.print)
        context = response.context
        step = context.get("step")
        self.tell(
            response.result,
            response.text(self.language),
            response.sound,
            queued=queued,
            operator=operator_name(context.get("operator")),
            step=str(step) if step else None,
            work=work_item(context, self.language),
            warnings=tuple(self.localised(w) for w in context.get("warnings") or ())
            + tuple(problems),
        )

    def localised(self, text: Any) -> str:
        """A server text: plain, or `{ru, en, kk}` like prompts (shown in the screen language)."""
        if isinstance(text, Mapping):
            chosen = text.get(self.language) or text.get("ru") or text.get("en")
            return str(chosen or "")
        return str(text)

    def print_all(self, specs: Sequence[Mapping[str, Any]]) -> list[str]:
        """Queue every label of a server answer; return problems to show the operator."""
        problems = []
        for raw in specs:
            try:
                spec = LabelSpec.from_dict(raw)
            except LabelSpecError as exc:
                log.error("server sent a bad label spec: %s", exc)
                problems.append(self.say("label_failed", error=exc))
                continue
            if (problem := self.print(spec)) is not None:
                problems.append(problem)
        return problems

    def print(self, spec: LabelSpec) -> str | None:
        """Render and queue one label; a problem text for the operator if it cannot be."""
        try:
            self.prints.submit(spec)
        except RenderError as exc:
            log.error("%s", exc)
            return self.say("label_failed", error=exc)
        return None

    def printer_changed(self, status: PrinterStatus, pending: int) -> None:
        """Print-queue listener: tell the operator when labels wait for a printer not ready."""
        before = (self.screen.printer, self.screen.labels_waiting)
        notice = None
        if not status.ready and pending:
            detail = self.say(f"printer_{status.state.value}")
            notice = self.say("printer_waiting", detail=detail, pending=pending)
        self.update(
            printer=status.state.value,
            printer_detail="" if status.ready else status.detail,
            labels_waiting=pending,
            notice=notice,
        )
        # The queue reports on every retry; redraw and beep only when something changed.
        if before != (status.state.value, pending):
            self.view.show(self.screen, "attention" if notice else None)


def operator_name(operator: Any) -> str | None:
    """`name badge` of the logged-in operator from a scan context."""
    if isinstance(operator, Mapping):
        return " ".join(str(operator[k]) for k in ("name", "badge") if operator.get(k)) or None
    return None


def work_item(context: Mapping[str, Any], language: str = "ru") -> str | None:
    """A short label for what is being worked on (return order or unit), in the operator's words."""
    for key in ("return_order", "unit"):
        item = context.get(key)
        if isinstance(item, Mapping):
            for field in ("code", "order_code", "lpn", "id"):
                if item.get(field):
                    return f"{messages.say('work_' + key, language)}: {item[field]}"
    return None


def unit_lpn(context: Mapping[str, Any]) -> str | None:
    """The LPN of the unit the server's answer is about, if any."""
    unit = context.get("unit")
    lpn = unit.get("lpn") if isinstance(unit, Mapping) else None
    return str(lpn) if lpn else None
