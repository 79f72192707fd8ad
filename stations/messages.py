"""Prompts the station says by itself (offline, printer, token) in ru, en and kk."""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("ru", "en", "kk")

MESSAGES: Mapping[str, Mapping[str, str]] = {
    "offline_queued": {
        "ru": "Нет связи с сервером. Скан сохранён, в очереди: {queued}",
        "en": "Server offline. Scan saved, queued: {queued}",
        "kk": "Сервермен байланыс жоқ. Скан сақталды, кезекте: {queued}",
    },
    "offline_unit": {
        "ru": "Офлайн: наклейте этикетку {lpn}. В очереди: {queued}",
        "en": "Offline: stick label {lpn} on the unit. Queued: {queued}",
        "kk": "Офлайн: {lpn} затбелгісін жабыстырыңыз. Кезекте: {queued}",
    },
    "offline_no_lpn": {
        "ru": "Офлайн и нет резерва LPN: отложите товар, скан сохранён ({queued})",
        "en": "Offline and no reserved LPNs left: set the unit aside, scan saved ({queued})",
        "kk": "Офлайн, LPN резерві жоқ: тауарды бөлек қойыңыз, скан сақталды ({queued})",
    },
    "offline_reprint": {
        "ru": "Офлайн: последняя этикетка напечатана повторно",
        "en": "Offline: last label printed again",
        "kk": "Офлайн: соңғы затбелгі қайта басылды",
    },
    "offline_label_title": {
        "ru": "Офлайн-приёмка",
        "en": "Offline receipt",
        "kk": "Офлайн қабылдау",
    },
    "syncing": {
        "ru": "Отправка сохранённых сканов: {queued}",
        "en": "Sending saved scans: {queued}",
        "kk": "Сақталған скандар жіберілуде: {queued}",
    },
    "replay_failed": {
        "ru": "Скан {code} не принят сервером: {error}. Передано супервайзеру",
        "en": "Scan {code} refused by the server: {error}. Sent to the supervisor",
        "kk": "{code} сканын сервер қабылдамады: {error}. Супервайзерге жіберілді",
    },
    "lpn_mismatch": {
        "ru": "Замените этикетку {offline} на {lpn} (напечатана). Передано супервайзеру",
        "en": "Replace label {offline} with {lpn} (just printed). Sent to the supervisor",
        "kk": "{offline} затбелгісін {lpn} затбелгісіне ауыстырыңыз (басылды). "
        "Супервайзерге жіберілді",
    },
    "lpn_void": {
        "ru": "Снимите этикетку {offline}: сервер не создал единицу ({answer}). "
        "Передано супервайзеру",
        "en": "Remove label {offline}: the server made no unit ({answer}). Sent to the supervisor",
        "kk": "{offline} затбелгісін алыңыз: сервер бірлік жасамады ({answer}). "
        "Супервайзерге жіберілді",
    },
    "rejected": {
        "ru": "Сервер отклонил скан: {error}",
        "en": "The server refused the scan: {error}",
        "kk": "Сервер сканды қабылдамады: {error}",
    },
    "token_refused": {
        "ru": "Станция не авторизована (токен). Позовите администратора",
        "en": "Station not authorised (token). Call an administrator",
        "kk": "Станция авторизацияланбаған (токен). Әкімшіні шақырыңыз",
    },
    "printer_waiting": {
        "ru": "Принтер: {detail}. Этикеток ждёт: {pending}",
        "en": "Printer: {detail}. Labels waiting: {pending}",
        "kk": "Принтер: {detail}. Күтудегі затбелгілер: {pending}",
    },
    # Printer states in the operator's words (the ~HS detail is English, for logs).
    "printer_paper_out": {"ru": "нет бумаги", "en": "out of paper", "kk": "қағаз жоқ"},
    "printer_ribbon_out": {"ru": "нет риббона", "en": "out of ribbon", "kk": "риббон жоқ"},
    "printer_head_open": {
        "ru": "открыта печатающая головка",
        "en": "print head open",
        "kk": "басып шығару басы ашық",
    },
    "printer_paused": {"ru": "на паузе", "en": "paused", "kk": "үзілісте"},
    "printer_not_ready": {"ru": "не готов", "en": "not ready", "kk": "дайын емес"},
    "printer_offline": {"ru": "нет связи", "en": "unreachable", "kk": "байланыс жоқ"},
    "label_failed": {
        "ru": "Этикетку не удалось подготовить: {error}",
        "en": "Could not prepare the label: {error}",
        "kk": "Затбелгіні дайындау мүмкін болмады: {error}",
    },
    "internal_error": {
        "ru": "Ошибка станции: {error}. Отсканируйте ещё раз",
        "en": "Station error: {error}. Scan again",
        "kk": "Станция қатесі: {error}. Қайта сканерлеңіз",
    },
    "camera_failed": {
        "ru": "Камера не записывает ({error}). Продолжайте сканировать и сообщите супервайзеру",
        "en": "The camera is not recording ({error}). Keep scanning and call a supervisor",
        "kk": "Камера жазбайды ({error}). Сканерлеуді жалғастырып, супервайзерге хабарлаңыз",
    },
    "ready": {
        "ru": "Сканируйте",
        "en": "Scan",
        "kk": "Сканерлеңіз",
    },
    # The full-screen view's own words (header, banner, footer).
    "role_receipt": {"ru": "ПРИЁМКА", "en": "RECEIPT", "kk": "ҚАБЫЛДАУ"},
    "role_inspection": {"ru": "ОСМОТР", "en": "INSPECTION", "kk": "ТЕКСЕРУ"},
    "role_repair": {"ru": "РЕМОНТ", "en": "REPAIR", "kk": "ЖӨНДЕУ"},
    "role_repack": {"ru": "ПЕРЕУПАКОВКА", "en": "REPACK", "kk": "ҚАЙТА ҚАПТАУ"},
    "role_putaway": {"ru": "РАЗМЕЩЕНИЕ", "en": "PUTAWAY", "kk": "ОРНАЛАСТЫРУ"},
    "role_universal": {"ru": "УНИВЕРСАЛЬНАЯ", "en": "UNIVERSAL", "kk": "ӘМБЕБАП"},
    "work_return_order": {"ru": "Возврат", "en": "Return", "kk": "Қайтару"},
    "work_unit": {"ru": "Единица", "en": "Unit", "kk": "Бірлік"},
    "banner_offline": {"ru": "НЕТ СВЯЗИ", "en": "OFFLINE", "kk": "БАЙЛАНЫС ЖОҚ"},
    "banner_sync": {"ru": "ОТПРАВКА", "en": "SENDING", "kk": "ЖІБЕРУ"},
    "banner_online": {"ru": "НА СВЯЗИ", "en": "ONLINE", "kk": "БАЙЛАНЫС БАР"},
    "footer_scanner": {"ru": "Сканер", "en": "Scanner", "kk": "Сканер"},
    "footer_printer": {"ru": "Принтер", "en": "Printer", "kk": "Принтер"},
    "footer_waiting": {"ru": "ждёт: {n}", "en": "waiting: {n}", "kk": "күтуде: {n}"},
    "footer_lpns_left": {"ru": "Резерв LPN: {n}", "en": "LPNs left: {n}", "kk": "LPN резерві: {n}"},
    "footer_last_scan": {"ru": "Последний скан", "en": "Last scan", "kk": "Соңғы скан"},
    "scanner_ok": {"ru": "подключён", "en": "connected", "kk": "қосулы"},
    "scanner_connecting": {"ru": "подключение…", "en": "connecting…", "kk": "қосылуда…"},
    "scanner_disconnected": {"ru": "отключён", "en": "disconnected", "kk": "ажыратылған"},
    "scanner_closed": {"ru": "ввод закрыт", "en": "input closed", "kk": "енгізу жабық"},
    "printer_ok": {"ru": "готов", "en": "ready", "kk": "дайын"},
    "start": {
        "ru": "Отсканируйте свой бейдж, чтобы начать",
        "en": "Scan your badge to start",
        "kk": "Бастау үшін бейджіңізді сканерлеңіз",
    },
    "scan_too_long": {
        "ru": "Скан слишком длинный (больше {limit} символов) и не принят. "
        "Сканируйте ещё раз по одному коду",
        "en": "Scan too long (over {limit} characters), not accepted. Scan one code again",
        "kk": "Скан тым ұзын ({limit} таңбадан артық), қабылданбады. Бір кодты қайта сканерлеңіз",
    },
    # Start-up failures: the station refuses to start rather than lose labels silently.
    "printer_dir_missing": {
        "ru": "Папка принтера {path} не существует. Создайте её или исправьте --printer",
        "en": "Printer folder {path} does not exist. Create it or fix --printer",
        "kk": "{path} принтер қалтасы жоқ. Оны жасаңыз немесе --printer түзетіңіз",
    },
    "printer_dir_unwritable": {
        "ru": "В папку принтера {path} нельзя писать. Проверьте права доступа",
        "en": "Printer folder {path} is not writable. Check its permissions",
        "kk": "{path} принтер қалтасына жазу мүмкін емес. Қол жеткізу құқықтарын тексеріңіз",
    },
    "printer_device_missing": {
        "ru": "Устройство принтера {path} не найдено. Проверьте кабель и --printer",
        "en": "Printer device {path} not found. Check the cable and --printer",
        "kk": "{path} принтер құрылғысы табылмады. Кабельді және --printer тексеріңіз",
    },
    "journal_in_use": {
        "ru": "Журнал {path} уже занят другой станцией. Укажите свой --journal",
        "en": "Journal {path} is already used by another station. Give this one its own --journal",
        "kk": "{path} журналын басқа станция пайдаланып жатыр. Өз --journal жолын көрсетіңіз",
    },
}


def say(key: str, language: str, **params: object) -> str:
    """One message in one language (Russian if the language is unknown)."""
    texts = MESSAGES[key]
    return texts.get(language, texts["ru"]).format(**params)


def all_languages(key: str, **params: object) -> dict[str, str]:
    """A message in every language, shaped like the server's `prompt`."""
    return {language: say(key, language, **params) for language in LANGUAGES}
