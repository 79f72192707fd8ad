"""The browser station (handheld) page's own words; prompts come from the scan answers."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: Mapping[str, tuple[str, str, str]] = {
    "handheld.title": ("Станция", "Station", "Станция"),
    "handheld.printer": ("Принтер", "Printer", "Принтер"),
    "handheld.local_print": (
        "печать с этого устройства (PDF)",
        "print from this device (PDF)",
        "осы құрылғыдан басу (PDF)",
    ),
    "handheld.token": (
        "Отсканируйте штрихкод входа станции (или введите токен)",
        "Scan the station login barcode (or type the token)",
        "Станцияның кіру штрихкодын сканерлеңіз (немесе токенді енгізіңіз)",
    ),
    "handheld.enter": ("Войти", "Log in", "Кіру"),
    "handheld.logout": ("Выйти", "Log out", "Шығу"),
    "handheld.operator": ("Оператор", "Operator", "Оператор"),
    "handheld.work": ("В работе", "Working on", "Жұмыста"),
    "handheld.labels": ("Этикетки", "Labels", "Затбелгілер"),
    "handheld.commands": ("Команды", "Commands", "Командалар"),
    "handheld.ready": ("Сканируйте", "Scan", "Сканерлеңіз"),
    "handheld.bad_token": (
        "Неверный или отозванный код входа станции",
        "Wrong or revoked station login code",
        "Станцияның кіру коды қате немесе кері қайтарылған",
    ),
    "handheld.throttled": (
        "Слишком много неудачных попыток. Подождите минуту",
        "Too many failed attempts. Wait a minute",
        "Сәтсіз әрекеттер тым көп. Бір минут күтіңіз",
    ),
    "handheld.offline": (
        "Нет связи с сервером. Сканы сохраняются на устройстве, в очереди: {queued}",
        "No connection. Scans are kept on this device, queued: {queued}",
        "Сервермен байланыс жоқ. Скандар құрылғыда сақталады, кезекте: {queued}",
    ),
    "handheld.offline_unit": (
        "Офлайн: наклейте этикетку {lpn}. В очереди: {queued}",
        "Offline: stick label {lpn} on the unit. Queued: {queued}",
        "Офлайн: {lpn} затбелгісін жабыстырыңыз. Кезекте: {queued}",
    ),
    "handheld.offline_no_lpn": (
        "Офлайн и нет резерва LPN: отложите товар, скан сохранён ({queued})",
        "Offline and no reserved LPNs left: set the unit aside, scan saved ({queued})",
        "Офлайн, LPN резерві жоқ: тауарды бөлек қойыңыз, скан сақталды ({queued})",
    ),
    "handheld.offline_label_title": ("Офлайн-приёмка", "Offline receipt", "Офлайн қабылдау"),
    "handheld.syncing": (
        "Отправка сохранённых сканов: {queued}",
        "Sending saved scans: {queued}",
        "Сақталған скандар жіберілуде: {queued}",
    ),
    "handheld.replay_failed": (
        "Скан {code} не принят сервером: {error}. Передано супервайзеру",
        "Scan {code} refused by the server: {error}. Sent to the supervisor",
        "{code} сканын сервер қабылдамады: {error}. Супервайзерге жіберілді",
    ),
    "handheld.login_code_scanned": (
        "Это штрихкод входа станции: он не отправляется как скан",
        "This is the station login barcode: it is not sent as a scan",
        "Бұл станцияның кіру штрихкоды: ол скан ретінде жіберілмейді",
    ),
    "handheld.camera": ("Сканировать камерой", "Scan with the camera", "Камерамен сканерлеу"),
    "handheld.camera_stop": ("Закрыть камеру", "Close the camera", "Камераны жабу"),
    "handheld.hint": (
        "Сканер вводит код в эту страницу; после каждого кода — Enter.",
        "The scanner types each code into this page, followed by Enter.",
        "Сканер кодты осы бетке енгізеді, әр кодтан кейін Enter.",
    ),
    "handheld.login_label": (
        "Вход станции {station}",
        "Station login {station}",
        "{station} станциясына кіру",
    ),
    "handheld.login_help": (
        "Отсканируйте этот код ручным терминалом на странице входа /station. "
        "Новый код отменяет старый и завершает открытые сессии.",
        "Scan this code with the handheld on the /station login page. "
        "A new code revokes the old one and ends its open sessions.",
        "Бұл кодты /station кіру бетінде қол терминалымен сканерлеңіз. "
        "Жаңа код ескісін жояды және ашық сессияларды аяқтайды.",
    ),
    "handheld.login_new": (
        "Новый код входа (старый перестанет работать)",
        "New login code (the old one stops working)",
        "Жаңа кіру коды (ескісі жұмыс істемейді)",
    ),
}
