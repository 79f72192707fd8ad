"""Every message key the code uses exists in ru, en and kk."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wms.domain import prompts

ROOT = Path(__file__).resolve().parents[2] / "wms"
# Keys passed as the first argument to a DomainError subclass or a scan reply helper.
KEY_USE = re.compile(
    r"\b(?:DomainError|IllegalTransition|NotFound|InvalidInput|GradeRefused|WrongZone|"
    r"DuplicateMarkingCode|InsufficientStock|Conflict|ok|attention|error|render)\(\s*\"([a-z_]+\.[a-z_]+)\""
)


def used_keys() -> set[str]:
    keys = set()
    for path in ROOT.rglob("*.py"):
        keys |= set(KEY_USE.findall(path.read_text(encoding="utf-8")))
    return keys


def test_the_scan_finds_the_keys() -> None:
    assert {"unit.illegal_transition", "receipt.closed", "putaway.wrong_zone"} <= used_keys()


@pytest.mark.parametrize("key", sorted(used_keys()))
def test_every_used_key_has_three_languages(key: str) -> None:
    assert key in prompts.M, f"message {key} is used but not in the catalogue (wms/domain/texts)"
    ru, en, kk = prompts.M[key]
    assert ru
    assert en
    assert kk


def test_parameters_are_translated_per_language() -> None:
    text = prompts.render(
        "putaway.wrong_zone", bin="BIN-M-01", zone="stock_main", needed="stock_resale"
    )
    assert "main stock" in text["en"]
    assert "resale stock" in text["en"]
    assert "основной" in text["ru"]
    unknown = prompts.render("scan.unknown_code", problem="bad_check_digit")
    assert unknown["ru"] == "Код не распознан (неверная контрольная цифра)"
    assert "ресейл" in text["kk"]
