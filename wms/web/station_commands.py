"""Buttons for the commands valid at a browser station's next step, in the station's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wms.domain.commands import COMMAND_PREFIX, COMMANDS
from wms.domain.station_session import StationRole, Step, valid_commands

_CAPTIONS = {command.code: command for command in COMMANDS}


def command_buttons(
    context: Mapping[str, Any], role: StationRole, language: str
) -> list[dict[str, str]]:
    """Buttons for the commands valid at the next step, captioned in the station's language.

    The scan answer's `context["commands"]` wins when the server sends it; otherwise the list
    comes from the session table for the step the answer names.
    """
    codes = context.get("commands")
    if not isinstance(codes, list):
        try:
            step = Step(str(context.get("step") or Step.IDLE))
        except ValueError:
            step = Step.IDLE
        logged_in = bool(context.get("operator"))
        codes = [c.code for c in valid_commands(step, role, logged_in=logged_in)]
    buttons = []
    for raw in codes:
        code = str(raw).removeprefix(COMMAND_PREFIX)
        command = _CAPTIONS.get(code)
        caption = getattr(command, language) if command else code
        buttons.append({"code": COMMAND_PREFIX + code, "label": caption, "group": _group(command)})
    return buttons


def _group(command: Any) -> str:
    return str(command.group) if command is not None else "general"
