"""The dashboard (wms/services/dashboard.py, wms/web/ui)."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: Mapping[str, tuple[str, str, str]] = {
    "exception.not_found": (
        "Исключение {id} не найдено",
        "Exception {id} not found",
        "{id} ерекшелігі табылмады",
    ),
    "exception.already_resolved": (
        "Исключение {id} уже закрыто",
        "Exception {id} is already resolved",
        "{id} ерекшелігі әлдеқашан жабылған",
    ),
    "exception.note_required": (
        "Напишите, что сделано",
        "Write down what was done",
        "Не істелгенін жазыңыз",
    ),
    "exception.note_too_long": (
        "Комментарий длиннее {max} символов",
        "The note is longer than {max} characters",
        "Түсініктеме {max} таңбадан ұзын",
    ),
    "export.too_many": (
        "Больше {max} строк: сузьте фильтры для выгрузки",
        "More than {max} rows: narrow the filters to export",
        "{max} жолдан көп: экспорт үшін сүзгілерді тарылтыңыз",
    ),
    "order_counts.negative": (
        "Число заказов не может быть отрицательным: {value}",
        "The number of orders cannot be negative: {value}",
        "Тапсырыс саны теріс бола алмайды: {value}",
    ),
    "photo.not_found": (
        "Фото {photo} не найдено",
        "Photo {photo} not found",
        "{photo} фотосы табылмады",
    ),
    "user.language": (
        "Неизвестный язык: {language}",
        "Unknown language: {language}",
        "Белгісіз тіл: {language}",
    ),
    "user.not_found": (
        "Пользователь {user} не найден",
        "User {user} not found",
        "{user} пайдаланушысы табылмады",
    ),
}
