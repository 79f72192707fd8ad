"""Refusals at the web edge: requests that never reach a service (issue 11)."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: Mapping[str, tuple[str, str, str]] = {
    "edge.nul_character": (
        "Запрос содержит недопустимый символ NUL (U+0000) в поле «{field}»",
        "The request holds a NUL character (U+0000) in “{field}”, which is not allowed",
        "Сұраныстың «{field}» өрісінде рұқсат етілмеген NUL (U+0000) таңбасы бар",
    ),
    "edge.invalid_json": (
        "Тело запроса не является корректным JSON в UTF-8",
        "The request body is not valid JSON in UTF-8",
        "Сұраныс денесі UTF-8 кодтауындағы дұрыс JSON емес",
    ),
    "edge.json_too_deep": (
        "JSON вложен слишком глубоко (не более {depth} уровней)",
        "The JSON is nested too deeply (at most {depth} levels)",
        "JSON тым терең салынған (ең көбі {depth} деңгей)",
    ),
    "edge.json_media_type": (
        "Отправьте тело запроса как application/json",
        "Send the request body as application/json",
        "Сұраныс денесін application/json ретінде жіберіңіз",
    ),
    "scan.event_reused": (
        "Событие {event_id} уже записано с другим кодом; повтор должен нести тот же код",
        "Event {event_id} was already recorded with another code; a retry must carry the same code",
        "{event_id} оқиғасы басқа кодпен жазылған; қайталау сол кодты алып жүруі керек",
    ),
}
