"""Video clips of opened parcels (issue 10): upload answers and the dashboard."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str, str]] = {
    "clip.too_large": (
        "Видео больше {mb} МБ",
        "The clip is larger than {mb} MB",
        "Бейне {mb} МБ-тан үлкен",
    ),
    "clip.empty": ("Пустой файл видео", "The clip file is empty", "Бейне файлы бос"),
    "clip.type": (
        "Это не видео MP4",
        "This is not an MP4 video",
        "Бұл MP4 бейнесі емес",
    ),
    "clip.unreadable": (
        "Видео не дописано или повреждено",
        "The clip is unfinished or damaged",
        "Бейне аяқталмаған немесе бүлінген",
    ),
    "clip.damaged": (
        "Видео пришло не полностью (контрольная сумма не совпала)",
        "The clip arrived incomplete (checksum mismatch)",
        "Бейне толық келмеді (бақылау сомасы сәйкес емес)",
    ),
    "clip.times": (
        "Конец записи раньше её начала",
        "The recording ends before it starts",
        "Жазба басталғанға дейін аяқталған",
    ),
    "clip.start_unknown": (
        "Скан {event}, открывший приёмку, ещё не дошёл до сервера: отправьте видео позже",
        "The scan {event} that opened the receipt has not reached the server yet: send later",
        "Қабылдауды ашқан {event} сканы серверге әлі жеткен жоқ: бейнені кейін жіберіңіз",
    ),
    "clip.order_not_found": (
        "Не найден возвратный ордер для видео ({code})",
        "No return order found for the clip ({code})",
        "Бейнеге арналған қайтару ордері табылмады ({code})",
    ),
    "clip.conflict": (
        "Видео {clip} уже загружено с другим содержимым",
        "Clip {clip} was already uploaded with different content",
        "{clip} бейнесі басқа мазмұнмен жүктеліп қойған",
    ),
    "clip.not_found": (
        "Видео {clip} не найдено",
        "Clip {clip} not found",
        "{clip} бейнесі табылмады",
    ),
}
