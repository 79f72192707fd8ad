"""Every string of the pages is translated into Russian and Kazakh, and the compiled catalogues
are up to date with the .po files (update them with the commands in translations/README)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
TRANSLATIONS = ROOT / "wms" / "web" / "ui" / "translations"
PLACEHOLDER = re.compile(r"%\([a-z]+\)[sd]|%%")


def source_messages() -> set[str]:
    """Every msgid in the pages' Python modules and templates."""
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found: set[str] = set()
    for subdir, method in (("wms/web/ui", "python"), ("wms/web/templates/ui", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / subdir, method_map=[(pattern, method)], keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_page_string_is_translated(language: str) -> None:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id: m.string for m in catalog if m.id and m.string}
    missing = sorted(source_messages() - set(translated))
    assert not missing, f"untranslated in {language}: {missing}"
    for msgid, text in translated.items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(str(text))), msgid


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_compiled_catalogues_match_the_po_files(language: str) -> None:
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    with (folder / "messages.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for message in catalog:
        if message.id and message.string:
            assert compiled.gettext(message.id) == message.string, message.id


def test_the_source_scan_finds_the_strings() -> None:
    assert {
        "Floor",
        "Kaspi quality returns, last 30 days",
        "awaiting decision",
    } <= source_messages()
