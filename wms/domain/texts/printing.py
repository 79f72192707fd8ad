"""Server printers, print jobs and printing at stations (issue 15)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str, str]] = {
    "print.job_illegal": (
        "С заданием печати в состоянии «{state}» так нельзя",
        "Not possible for a print job in state {state}",
        "«{state}» күйіндегі басып шығару тапсырмасымен бұлай болмайды",
    ),
    "print.printer_exists": (
        "Принтер {name} уже есть",
        "Printer {name} already exists",
        "{name} принтері бар",
    ),
    "print.printer_unknown": (
        "Принтер {name} не найден",
        "Printer {name} not found",
        "{name} принтері табылмады",
    ),
    "print.printer_busy": (
        "У принтера {name} есть задания в очереди ({count}); удалить нельзя",
        "Printer {name} has {count} jobs queued; it cannot be removed",
        "{name} принтерінің кезекте {count} тапсырмасы бар; жоюға болмайды",
    ),
    "print.printer_setup": (
        "Неверная настройка принтера: {problem}",
        "Bad printer setup: {problem}",
        "Принтер баптауы қате: {problem}",
    ),
    "print.assigned": (
        "Этикетки этой станции печатает принтер {name}",
        "This station now prints on printer {name}",
        "Бұл станцияның затбелгілерін {name} принтері басады",
    ),
    "print.queued": (
        "Отправлено на принтер {name}: {count}",
        "Sent to printer {name}: {count}",
        "{name} принтеріне жіберілді: {count}",
    ),
    "print.reprint_queued": (
        "Повторная печать отправлена на принтер {name}",
        "Reprint sent to printer {name}",
        "Қайта басу {name} принтеріне жіберілді",
    ),
    "print.no_printer": (
        "Станция печатает сама: выберите принтер, чтобы печатать с сервера",
        "This station prints locally: choose a printer to print from the server",
        "Станция өзі басып шығарады: серверден басу үшін принтер таңдаңыз",
    ),
    "print.job_unknown": (
        "Задание печати {job} не найдено или уже проверено",
        "Print job {job} not found or already checked",
        "{job} басып шығару тапсырмасы табылмады немесе тексерілген",
    ),
    "print.possible_duplicate": (
        "Возможно, этикетка {title} напечатана дважды — проверьте у принтера {name}",
        "Label {title} may have printed twice — check at printer {name}",
        "{title} затбелгісі екі рет басылған болуы мүмкін — {name} принтерінен тексеріңіз",
    ),
}
