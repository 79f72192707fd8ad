"""Billing: rate cards, invoice runs, invoices (operator, supervisor and merchant texts)."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: Mapping[str, tuple[str, str, str]] = {
    "invoice.illegal_transition": (
        "Счёт в состоянии «{state}»: действие «{action}» невозможно",
        "Invoice is {state}: cannot {action}",
        "Шот «{state}» күйінде: «{action}» әрекеті мүмкін емес",
    ),
    "invoice.not_found": (
        "Счёт {invoice} не найден",
        "Invoice {invoice} not found",
        "{invoice} шоты табылмады",
    ),
    "invoice.credit_too_large": (
        "Сумма кредит-ноты {amount} больше остатка счёта {left}",
        "Credit note {amount} exceeds what is left on the invoice ({left})",
        "Кредиттік нота сомасы {amount} шоттың қалдығынан {left} көп",
    ),
    "invoice.output_format": (
        "Файл счёта должен оканчиваться на .pdf или .xlsx: {path}",
        "The invoice file must end in .pdf or .xlsx: {path}",
        "Шот файлы .pdf немесе .xlsx болуы керек: {path}",
    ),
    "billing.period_format": (
        "Период указывается как ГГГГ-ММ: {period}",
        "A period looks like YYYY-MM: {period}",
        "Кезең ЖЖЖЖ-АА түрінде көрсетіледі: {period}",
    ),
    "billing.merchant_unknown": (
        "Продавец {merchant} не найден",
        "Merchant {merchant} not found",
        "{merchant} сатушысы табылмады",
    ),
    "billing.rates_refused": (
        "Тарифы не загружены: ошибок в строках — {count}, ничего не изменено",
        "Rate card refused: {count} bad lines, nothing imported",
        "Тарифтер жүктелмеді: қате жолдар саны — {count}, ештеңе өзгерген жоқ",
    ),
    "billing.rate_columns": (
        "В файле нет столбцов: {columns}",
        "The file lacks columns: {columns}",
        "Файлда бағандар жоқ: {columns}",
    ),
    "billing.rate_unknown_service": (
        "Строка {line}: неизвестная услуга «{service}»",
        "Line {line}: unknown service “{service}”",
        "{line}-жол: белгісіз қызмет «{service}»",
    ),
    "billing.rate_unknown_merchant": (
        "Строка {line}: неизвестный продавец {merchant}",
        "Line {line}: unknown merchant {merchant}",
        "{line}-жол: белгісіз сатушы {merchant}",
    ),
    "billing.rate_missing": (
        "Строка {line}: не заполнено поле {field}",
        "Line {line}: {field} is required",
        "{line}-жол: {field} өрісі толтырылмаған",
    ),
    "billing.rate_bad_number": (
        "Строка {line}: в поле {field} не число: {value}",
        "Line {line}: {field} is not a number: {value}",
        "{line}-жол: {field} өрісіндегі мән сан емес: {value}",
    ),
    "billing.rate_negative": (
        "Строка {line}: отрицательное значение в поле {field}: {value}",
        "Line {line}: {field} is negative: {value}",
        "{line}-жол: {field} өрісінде теріс мән: {value}",
    ),
    "billing.rate_bad_date": (
        "Строка {line}: в поле {field} не дата ГГГГ-ММ-ДД: {value}",
        "Line {line}: {field} is not a YYYY-MM-DD date: {value}",
        "{line}-жол: {field} өрісіндегі мән ЖЖЖЖ-АА-КК күні емес: {value}",
    ),
    "billing.rate_dates_reversed": (
        "Строка {line}: дата окончания {valid_to} раньше даты начала {valid_from}",
        "Line {line}: valid_to {valid_to} is before valid_from {valid_from}",
        "{line}-жол: аяқталу күні {valid_to} басталу күнінен {valid_from} ерте",
    ),
    "billing.rate_min_max": (
        "Строка {line}: минимум {min} больше максимума {max}",
        "Line {line}: minimum {min} is above maximum {max}",
        "{line}-жол: ең аз сома {min} ең көп сомадан {max} артық",
    ),
    "billing.rate_percent_service": (
        "Строка {line}: процент допустим только для обработки претензий",
        "Line {line}: a percentage applies only to claim handling",
        "{line}-жол: пайыз тек талаптарды өңдеуге қолданылады",
    ),
    "billing.rate_overlap": (
        "Строка {line}: период действия пересекается с {other}",
        "Line {line}: validity overlaps {other}",
        "{line}-жол: әрекет ету кезеңі {other} кезеңімен қиылысады",
    ),
}

#: Service names on invoices and pages: service → (ru, en, kk).
SERVICE_NAMES: Mapping[str, tuple[str, str, str]] = {
    "receipt_order": (
        "Приёмка возврата (заказ)",
        "Receipt per order",
        "Қайтаруды қабылдау (тапсырыс)",
    ),
    "receipt_unit": ("Приёмка единицы", "Receipt per unit", "Бірлікті қабылдау"),
    "inspection_unit": ("Инспекция единицы", "Inspection per unit", "Бірлікті тексеру"),
    "repair_unit": ("Ремонт (за единицу)", "Repair per unit", "Жөндеу (бірлік үшін)"),
    "repair_hour": ("Ремонт (за час)", "Repair per hour", "Жөндеу (сағат үшін)"),
    "repack": ("Переупаковка", "Repack", "Қайта қаптау"),
    "putaway": ("Размещение", "Putaway", "Орналастыру"),
    "photo": ("Фото", "Photo", "Фото"),
    "video_clip": ("Видеоролик", "Video clip", "Бейнеролик"),
    "label": ("Этикетка", "Label", "Жапсырма"),
    "storage_unit_day": ("Хранение (единица-день)", "Storage per unit-day", "Сақтау (бірлік-күн)"),
    "storage_bin_day": ("Хранение (ячейка-день)", "Storage per bin-day", "Сақтау (ұяшық-күн)"),
    "disposal": ("Утилизация", "Disposal", "Кәдеге жарату"),
    "return_to_merchant": ("Возврат продавцу", "Return to merchant", "Сатушыға қайтару"),
    "claim_handling": ("Ведение претензии", "Claim handling", "Талапты жүргізу"),
}

#: Invoice states and actions: value → (ru, en, kk).
INVOICE_TERMS: Mapping[str, tuple[str, str, str]] = {
    "draft": ("черновик", "draft", "жоба"),
    "final": ("выставлен", "final", "шығарылды"),
    "paid": ("оплачен", "paid", "төленді"),
    "cancelled": ("отменён", "cancelled", "болдырылмады"),
    "recalculate": ("пересчитать", "recalculate", "қайта есептеу"),
    "finalise": ("выставить", "finalise", "шығару"),
    "pay": ("отметить оплату", "pay", "төлемді белгілеу"),
    "cancel": ("отменить", "cancel", "болдырмау"),
    "credit": ("выпустить кредит-ноту", "credit", "кредиттік нота шығару"),
}

#: Words on the invoice document: key → (ru, en, kk).
DOCUMENT_WORDS: Mapping[str, tuple[str, str, str]] = {
    "invoice": ("Счёт на оплату", "Invoice", "Төлем шоты"),
    "credit_note": ("Кредит-нота", "Credit note", "Кредиттік нота"),
    "draft": ("ЧЕРНОВИК", "DRAFT", "ЖОБА"),
    "merchant": ("Продавец", "Merchant", "Сатушы"),
    "period": ("Период", "Period", "Кезең"),
    "service": ("Услуга", "Service", "Қызмет"),
    "qualifier": ("Категория / зона", "Category / zone", "Санат / аймақ"),
    "quantity": ("Кол-во", "Quantity", "Саны"),
    "price": ("Цена, тенге", "Price, tenge", "Бағасы, теңге"),
    "net": ("Сумма без НДС", "Net", "ҚҚС-сыз сома"),
    "vat": ("НДС", "VAT", "ҚҚС"),
    "gross": ("Итого", "Total", "Барлығы"),
    "total": ("Итого к оплате", "Total due", "Төлеуге барлығы"),
    "events": ("События", "Events", "Оқиғалар"),
    "event": ("Событие", "Event", "Оқиға"),
    "day": ("Дата", "Date", "Күні"),
    "reference": ("Ссылка", "Reference", "Сілтеме"),
    "currency": ("тенге", "tenge", "теңге"),
}
