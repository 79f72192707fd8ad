"""Messages shown to operators and API clients, in Russian, English and Kazakh."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wms.domain.texts import MESSAGES, TERMS

LANGS = ("ru", "en", "kk")
# Every message key → (ru, en, kk); the catalogue lives in `wms.domain.texts`, one module per area.
M: Mapping[str, tuple[str, str, str]] = MESSAGES

__all__ = ["LANGS", "M", "TERMS", "render", "term"]


def _translate(value: Any, index: int) -> Any:
    if isinstance(value, str) and value in TERMS:
        return TERMS[value][index]
    if isinstance(value, dict) and set(value) == set(LANGS):
        return value[LANGS[index]]
    return value


def render(key: str, /, **params: Any) -> dict[str, str]:
    """Render message `key` in every language; unknown keys render as the key itself."""
    templates = M.get(key)
    if templates is None:
        return dict.fromkeys(LANGS, key)
    out = {}
    for index, lang in enumerate(LANGS):
        values = {name: _translate(value, index) for name, value in params.items()}
        try:
            out[lang] = templates[index].format(**values)
        except (KeyError, IndexError):
            out[lang] = templates[index]
    return out


def term(value: str) -> dict[str, str]:
    """A vocabulary term in every language (the value itself when unknown)."""
    names = TERMS.get(value, (value, value, value))
    return dict(zip(LANGS, names, strict=True))
