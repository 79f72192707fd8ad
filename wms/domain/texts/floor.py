"""The floor as operators live it (issue 10): receipt that knows what to expect, next steps."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: Mapping[str, tuple[str, str, str]] = {
    "receipt.already_received": (
        "Заказ {code} уже принят {when}: возврат {number}, станция {station}, принял(а) {who}. "
        "Новый возврат не открыт",
        "Order {code} was received already on {when}: return {number}, station {station}, "
        "by {who}. Nothing was opened",
        "{code} тапсырысы {when} қабылданған: {number} қайтаруы, {station} станциясы, "
        "қабылдаған: {who}. Жаңа қайтару ашылмады",
    ),
    "receipt.already_open": (
        "Возврат {number} уже открыт. {next}",
        "Return {number} is open already. {next}",
        "{number} қайтаруы ашық тұр. {next}",
    ),
    "receipt.empty_cancelled": (
        "Пустой возврат {number} ({code}) отменён.",
        "Empty return {number} ({code}) cancelled.",
        "Бос {number} ({code}) қайтаруы болдырылмады.",
    ),
    "receipt.other_merchant": (
        "{title} ({sku}) — товар продавца «{merchant}», а этот возврат — продавца "
        "«{order_merchant}». Отложите товар и примите его отдельным возвратом (CMD:BLIND)",
        "{title} ({sku}) belongs to merchant “{merchant}”, this return to “{order_merchant}”. "
        "Set it aside and receive it as a separate return (CMD:BLIND)",
        "{title} ({sku}) — «{merchant}» сатушысының тауары, ал бұл қайтару — «{order_merchant}» "
        "сатушысынікі. Тауарды бөлек қойып, жеке қайтару ретінде қабылдаңыз (CMD:BLIND)",
    ),
    "receipt.nothing_announced": (
        "состав не объявлен",
        "no lines announced",
        "құрамы хабарланбаған",
    ),
    "receipt.more_lines": (
        "и ещё строк: {count}",
        "and {count} more line(s)",
        "тағы {count} жол",
    ),
    "receipt.still_expected": (
        "Ещё ожидается: {lines}",
        "Still expected: {lines}",
        "Әлі күтілуде: {lines}",
    ),
    "receipt.all_in": (
        "Всё по заявке принято: сканируйте CMD:CLOSE",
        "Everything announced is in: scan CMD:CLOSE",
        "Өтінімдегінің бәрі қабылданды: CMD:CLOSE сканерлеңіз",
    ),
    "receipt.unit_counted": (
        "{lpn}: {title} — {scanned} из {expected}. {next}",
        "{lpn}: {title} — {scanned} of {expected}. {next}",
        "{lpn}: {title} — {expected} ішінен {scanned}. {next}",
    ),
    "receipt.over_announced": (
        "Сверх заявленного количества: {title} — по заявке {expected} шт., уже принято {scanned}. "
        "Если товар действительно в посылке, сканируйте CMD:CONFIRM; если нет — CMD:CANCEL",
        "Over the announced quantity: {title} — {expected} announced, {scanned} received already. "
        "If it really is in the parcel, scan CMD:CONFIRM; if not, CMD:CANCEL",
        "Хабарланған саннан артық: {title} — өтінім бойынша {expected} дана, қабылданғаны {scanned}. "
        "Тауар шынымен сәлемдемеде болса, CMD:CONFIRM сканерлеңіз; болмаса — CMD:CANCEL",
    ),
    "receipt.extra_taken": (
        "{lpn} ({title}) принят сверх заявки",
        "{lpn} ({title}) received over the announced quantity",
        "{lpn} ({title}) өтінімнен тыс қабылданды",
    ),
    "putaway.suggest_bin": (
        "{lpn}: сканируйте ячейку зоны «{zone}». Предлагается ячейка {bin}",
        "{lpn}: scan a bin in {zone}. Suggested: {bin}",
        "{lpn}: «{zone}» аймағының ұяшығын сканерлеңіз. Ұсынылатын ұяшық: {bin}",
    ),
    "putaway.where_now": (
        "{lpn} сейчас в ячейке {bin}. Чтобы переместить, сканируйте ячейку зоны «{zone}»",
        "{lpn} is in bin {bin} now. To move it, scan a bin in {zone}",
        "{lpn} қазір {bin} ұяшығында. Жылжыту үшін «{zone}» аймағының ұяшығын сканерлеңіз",
    ),
    "receipt.extra_dropped": (
        "Лишняя единица {sku} не принята: отложите её. {next}",
        "The extra unit of {sku} was not received: set it aside. {next}",
        "Артық {sku} бірлігі қабылданбады: оны бөлек қойыңыз. {next}",
    ),
}
