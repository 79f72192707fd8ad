"""Scheduled jobs and alarms (issue 12)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str, str]] = {
    "job.not_found": (
        "Задание {job} не найдено",
        "Job {job} not found",
        "{job} тапсырмасы табылмады",
    ),
    "job.running": (
        "Задание {job} уже выполняется ({worker})",
        "Job {job} is already running ({worker})",
        "{job} тапсырмасы қазір орындалып жатыр ({worker})",
    ),
    "alarm.kaspi_feed_stale": (
        "Kaspi не забирал прайс-лист {account} с {since}",
        "Kaspi has not fetched the price list of {account} since {since}",
        "Kaspi {account} баға тізімін {since} бері алмады",
    ),
}
