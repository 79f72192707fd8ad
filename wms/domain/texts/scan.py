"""The scan protocol: what stations show operators."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: Mapping[str, tuple[str, str, str]] = {
    "scan.login_first": ("Сканируйте свой бейдж", "Scan your badge", "Бейджіңізді сканерлеңіз"),
    "scan.logged_in": (
        "Здравствуйте, {name}. {next}",
        "Hello, {name}. {next}",
        "Сәлеметсіз бе, {name}. {next}",
    ),
    "scan.logged_out": ("Вы вышли", "Logged out", "Сіз шықтыңыз"),
    "scan.badge_unknown": (
        "Бейдж {badge} не зарегистрирован",
        "Badge {badge} is not registered",
        "{badge} бейджі тіркелмеген",
    ),
    "scan.cancelled": ("Шаг отменён. {next}", "Step cancelled. {next}", "Қадам тоқтатылды. {next}"),
    "scan.reprinted": ("Этикетка напечатана повторно", "Label reprinted", "Жапсырма қайта басылды"),
    "scan.nothing_to_reprint": (
        "Нечего печатать повторно",
        "Nothing to reprint",
        "Қайта басатын ештеңе жоқ",
    ),
    "scan.unknown_code": (
        "Код не распознан ({problem})",
        "Code not recognised ({problem})",
        "Код танылмады ({problem})",
    ),
    "scan.layout_warning": (
        "Сканер печатает в русской раскладке: переключите его в режим USB-COM",
        "The scanner types through a Cyrillic keyboard layout: switch it to USB-COM mode",
        "Сканер кириллица орналасуымен жазады: оны USB-COM режиміне ауыстырыңыз",
    ),
    "scan.not_here": (
        "Сейчас здесь не ждут: {what}. {next}",
        "Not expected here now: {what}. {next}",
        "Мұнда қазір күтілмейді: {what}. {next}",
    ),
    "scan.duplicate": (
        "Повторное сканирование пропущено",
        "Repeated scan ignored",
        "Қайталанған сканерлеу өткізілді",
    ),
    "receipt.scan_order": (
        "Сканируйте код заказа или возврата (или CMD:BLIND)",
        "Scan the order or return code (or CMD:BLIND)",
        "Тапсырыс немесе қайтару кодын сканерлеңіз (немесе CMD:BLIND)",
    ),
    "receipt.opened": (
        "Возврат {number} ({code}). Ожидается: {lines}. Сканируйте товары",
        "Return {number} ({code}). Expected: {lines}. Scan the products",
        "{number} қайтаруы ({code}). Күтілуде: {lines}. Тауарларды сканерлеңіз",
    ),
    "receipt.unannounced": (
        "Заказ {code} не ожидался: создан возврат {number}. Сканируйте товары",
        "Order {code} was not announced: return {number} created. Scan the products",
        "{code} тапсырысы күтілмеген: {number} қайтаруы ашылды. Тауарларды сканерлеңіз",
    ),
    "receipt.blind_opened": (
        "Возврат без заявки {number}: сканируйте товары",
        "Blind return {number}: scan the products",
        "Өтінімсіз қайтару {number}: тауарларды сканерлеңіз",
    ),
    "receipt.unit_added": (
        "{lpn}: {title}. Принято: {count}",
        "{lpn}: {title}. Received: {count}",
        "{lpn}: {title}. Қабылданды: {count}",
    ),
    "receipt.closed": (
        "Возврат {number} закрыт: {units} ед. Нет: {missing}. Лишние: {extra}. {next}",
        "Return {number} closed: {units} unit(s). Missing: {missing}. Extra: {extra}. {next}",
        "{number} қайтаруы жабылды: {units} бірлік. Жоқ: {missing}. Артық: {extra}. {next}",
    ),
    "receipt.undone": (
        "Единица {lpn} ({title}) удалена: снимите с товара этикетку {lpn}. {next}",
        "Unit {lpn} ({title}) removed: peel label {lpn} off the item. {next}",
        "{lpn} ({title}) бірлігі жойылды: тауардан {lpn} жапсырмасын алып тастаңыз. {next}",
    ),
    "receipt.nothing_to_undo": ("Удалять нечего", "Nothing to remove", "Жоятын ештеңе жоқ"),
    "receipt.described": ("Записано: {value}", "Recorded: {value}", "Жазылды: {value}"),
    "receipt.abandoned": (
        "Приёмка {number} отменена",
        "Receipt {number} abandoned",
        "{number} қабылдауы тоқтатылды",
    ),
    "receipt.scan_product": (
        "Сканируйте товар или CMD:CLOSE",
        "Scan a product or CMD:CLOSE",
        "Тауарды немесе CMD:CLOSE сканерлеңіз",
    ),
    "receipt.no_marking_needed": (
        "Отметка «нет маркировки» — сканируйте товар",
        "No marking code: now scan the product",
        "Таңба жоқ: енді тауарды сканерлеңіз",
    ),
    "lpn.scan": (
        "Сканируйте LPN единицы",
        "Scan the unit's LPN",
        "Бірліктің LPN кодын сканерлеңіз",
    ),
    "inspection.started": (
        "{lpn}: {title}. Отметьте дефекты ({checks}), затем оценку ({grades}). "
        "Предлагается: {suggested} — {command}",
        "{lpn}: {title}. Tick problems ({checks}), then grade ({grades}). "
        "Suggested: {suggested} — {command}",
        "{lpn}: {title}. Ақауларды белгілеңіз ({checks}), содан кейін баға қойыңыз ({grades}). "
        "Ұсыныс: {suggested} — {command}",
    ),
    "inspection.check_on": (
        "Отмечено: {check}. Предлагается: {suggested} — {command}",
        "Ticked: {check}. Suggested: {suggested} — {command}",
        "Белгіленді: {check}. Ұсыныс: {suggested} — {command}",
    ),
    "inspection.check_off": (
        "Снято: {check}. Предлагается: {suggested} — {command}",
        "Unticked: {check}. Suggested: {suggested} — {command}",
        "Алынды: {check}. Ұсыныс: {suggested} — {command}",
    ),
    "inspection.graded": (
        "{lpn}: «{grade}». Отнесите в зону «{zone}». {next}",
        "{lpn}: “{grade}”. Take it to {zone}. {next}",
        "{lpn}: «{grade}». «{zone}» аймағына апарыңыз. {next}",
    ),
    "work.started": (
        "{lpn}: {title}. {next}",
        "{lpn}: {title}. {next}",
        "{lpn}: {title}. {next}",
    ),
    "repair.next": (
        "CMD:REPAIR-DONE или CMD:REPAIR-FAILED",
        "CMD:REPAIR-DONE or CMD:REPAIR-FAILED",
        "CMD:REPAIR-DONE немесе CMD:REPAIR-FAILED",
    ),
    "repair.done": (
        "{lpn}: отремонтирован → {zone}",
        "{lpn}: repaired → {zone}",
        "{lpn}: жөнделді → {zone}",
    ),
    "repair.failed": (
        "{lpn}: ремонт невозможен → {zone}",
        "{lpn}: repair failed → {zone}",
        "{lpn}: жөндеу мүмкін емес → {zone}",
    ),
    "repack.next": (
        "Переупакуйте и сканируйте CMD:REPACKED",
        "Repack, then scan CMD:REPACKED",
        "Қайта қаптап, CMD:REPACKED сканерлеңіз",
    ),
    "repack.done": (
        "{lpn}: переупакован → {zone}",
        "{lpn}: repacked → {zone}",
        "{lpn}: қайта қапталды → {zone}",
    ),
    "putaway.scan_bin": (
        "{lpn}: сканируйте ячейку зоны «{zone}»",
        "{lpn}: scan a bin in {zone}",
        "{lpn}: «{zone}» аймағының ұяшығын сканерлеңіз",
    ),
    "putaway.done": (
        "{lpn} размещён в ячейку {bin}. {next}",
        "{lpn} put away in {bin}. {next}",
        "{lpn} {bin} ұяшығына орналастырылды. {next}",
    ),
    "putaway.moved": (
        "{lpn} перемещён: теперь в ячейке {bin} (зона «{zone}»). {next}",
        "{lpn} moved: now in bin {bin} ({zone}). {next}",
        "{lpn} жылжытылды: енді {bin} ұяшығында («{zone}» аймағы). {next}",
    ),
    "unit.wrong_station": (
        "{lpn} {state}: это не для этой станции",
        "{lpn} is {state}: not for this station",
        "{lpn} {state}: бұл станцияға емес",
    ),
}
