"""Operator display: log lines when piped, the full-screen rich view, huge prompt text."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime

from rich.console import Console

from stations import messages
from stations.bigtext import big_lines
from stations.printers import PrinterState
from stations.ui import LogView, RichView, Screen, make_view, render

AT = datetime(2025, 3, 1, 9, 30, 5)


def screen(**changes: object) -> Screen:
    base = Screen(role="receipt", language="ru", online=True, scanner="ok", printer="ok", at=AT)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def text_of(renderable: object, width: int = 100, height: int = 30) -> str:
    console = Console(file=io.StringIO(), width=width, height=height, record=True)
    console.print(renderable)
    return console.export_text()


def test_log_view_prints_one_line_per_answer_and_per_status_change() -> None:
    out = io.StringIO()
    view = LogView(out)
    view.show(screen(result="ok", prompt="Сканируйте заказ"), "ok")
    view.show(screen(result="ok", prompt="Следующий товар"), "ok")
    view.show(screen(online=False, queued=2), None)
    view.show(screen(online=False, queued=2), None)  # nothing new: no line
    assert out.getvalue().splitlines() == [
        "09:30:05 ok              Сканируйте заказ",
        "09:30:05 status          online queued=0 scanner=ok printer=ok",
        "09:30:05 ok              Следующий товар",
        "09:30:05 status          OFFLINE queued=2 scanner=ok printer=ok",
    ]


def test_piped_output_gets_the_log_view() -> None:
    assert isinstance(make_view(io.StringIO()), LogView)


def test_screen_shows_operator_work_offline_banner_and_devices() -> None:
    shown = text_of(
        render(
            screen(
                result="offline",
                prompt="Нет связи с сервером. Скан сохранён, в очереди: 3",
                operator="Айгерим OP-0001",
                work="Возврат: KSP-1",
                online=False,
                queued=3,
                printer="paper_out",
                printer_detail="paper out",
                labels_waiting=1,
                lpns_left=197,
                last_code="0104690257528523\x1d91EE06",
            ),
            (100, 30),
        )
    )
    assert "ПРИЁМКА  Айгерим OP-0001" in shown
    assert "Возврат: KSP-1" in shown
    assert "НЕТ СВЯЗИ — 3" in shown
    assert "Сканер: подключён" in shown
    assert "Принтер: нет бумаги (ждёт: 1)" in shown
    assert "Резерв LPN: 197" in shown
    assert "Последний скан: 0104690257528523<GS>91EE06" in shown
    assert "Нет связи" in shown  # too long for huge letters at 100 columns: plain text


def test_the_screen_speaks_the_stations_language_not_internal_words() -> None:
    kazakh = screen(language="kk", role="putaway", online=True, queued=2, lpns_left=5)
    shown = text_of(render(kazakh, (100, 30)))
    for word in ("ОРНАЛАСТЫРУ", "ЖІБЕРУ — 2", "Сканер: қосулы", "Принтер: дайын", "LPN резерві: 5"):
        assert word in shown, word
    for internal in ("putaway", "PUTAWAY", "SYNC", "scanner:", "printer:", "LPN left"):
        assert internal not in shown, internal


def test_short_prompts_on_a_wide_screen_are_drawn_huge() -> None:
    shown = text_of(render(screen(result="ok", prompt="Сканируйте"), (160, 40)), 160, 40)
    assert "█" in shown
    assert "Сканируйте" not in shown


def test_big_lines_fit_the_box_or_give_up() -> None:
    lines = big_lines("Сканируйте товар", 120, 30)
    assert lines is not None
    assert max(len(line) for line in lines) <= 120
    assert len(lines) <= 30
    assert big_lines("Сканируйте товар", 120, 30) != big_lines("Қайта басу", 120, 30)
    assert big_lines("Сканируйте товар", 20, 5) is None


def test_rich_view_rings_the_bell_on_error() -> None:
    out = io.StringIO()
    view = RichView(Console(file=out, force_terminal=True, width=100, height=30))
    view.show(screen(result="ok", prompt="ok"), "ok")
    assert "\a" not in out.getvalue()
    view.show(screen(result="error", prompt="Неизвестный заказ"), "error")
    view.close()
    assert out.getvalue().count("\a") == 2
    assert "Неизвестный заказ" in out.getvalue()


def test_every_message_speaks_every_language_and_every_printer_problem_has_words() -> None:
    for key, texts in messages.MESSAGES.items():
        assert set(texts) == set(messages.LANGUAGES), key
    for state in PrinterState:
        if state is not PrinterState.OK:
            assert messages.say(f"printer_{state.value}", "kk")
