"""Errors raised by the domain and services."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: Mapping[str, tuple[str, str, str]] = {
    "unit.illegal_transition": (
        "Единица в состоянии «{state}»: действие «{action}» невозможно",
        "Unit is {state}: cannot {action}",
        "Бірлік «{state}» күйінде: «{action}» әрекеті мүмкін емес",
    ),
    "unit.not_found": (
        "Единица {lpn} не найдена",
        "Unit {lpn} not found",
        "{lpn} бірлігі табылмады",
    ),
    "unit.not_in_warehouse": (
        "Единица {lpn} уже не на складе ({state})",
        "Unit {lpn} is no longer in the warehouse ({state})",
        "{lpn} бірлігі қоймада жоқ ({state})",
    ),
    "order.illegal_transition": (
        "Возврат в состоянии «{state}»: действие «{action}» невозможно",
        "Return is {state}: cannot {action}",
        "Қайтару «{state}» күйінде: «{action}» мүмкін емес",
    ),
    "order.cancel_with_units": (
        "Нельзя отменить: уже принято единиц: {units}",
        "Cannot cancel: {units} unit(s) already received",
        "Бас тарту мүмкін емес: {units} бірлік қабылданған",
    ),
    "order.close_empty": (
        "Нельзя закрыть пустую приёмку. Сканируйте товар или CMD:CANCEL",
        "Cannot close an empty receipt. Scan a product or CMD:CANCEL",
        "Бос қабылдауды жабу мүмкін емес. Тауарды сканерлеңіз немесе CMD:CANCEL",
    ),
    "order.not_found": (
        "Возврат {order} не найден",
        "Return {order} not found",
        "{order} қайтаруы табылмады",
    ),
    "order.closed": (
        "Возврат {number} уже закрыт",
        "Return {number} is closed",
        "{number} қайтаруы жабық",
    ),
    "order.external_id_taken": (
        "Возврат {external_id} уже зарегистрирован другим продавцом",
        "Return {external_id} is registered to another merchant",
        "{external_id} қайтаруы басқа сатушыда тіркелген",
    ),
    "order.line_quantity": (
        "Количество по строке {sku} должно быть больше нуля",
        "Quantity of line {sku} must be positive",
        "{sku} жолының саны нөлден көп болуы керек",
    ),
    "merchant.not_found": (
        "Продавец {merchant} не найден",
        "Merchant {merchant} not found",
        "{merchant} сатушысы табылмады",
    ),
    "product.not_found": (
        "Товар {sku} не найден",
        "Product {sku} not found",
        "{sku} тауары табылмады",
    ),
    "product.unknown_barcode": (
        "Штрихкод {gtin} не найден в каталоге",
        "Barcode {gtin} is not in the catalogue",
        "{gtin} штрихкоды каталогта жоқ",
    ),
    "product.ambiguous_merchant": (
        "Штрихкод {gtin} есть у нескольких продавцов: сканируйте код заказа",
        "Barcode {gtin} belongs to several merchants: scan the order code",
        "{gtin} штрихкоды бірнеше сатушыда бар: тапсырыс кодын сканерлеңіз",
    ),
    "grading.not_allowed": (
        "Оценка «{grade}» не разрешена для этого товара",
        "Grade {grade} is not allowed for this product",
        "Бұл тауарға «{grade}» бағасы рұқсат етілмеген",
    ),
    "grading.refused": (
        "Оценка «{grade}» невозможна: {checks}. Предлагается: {suggested}",
        "Grade {grade} refused: {checks}. Suggested: {suggested}",
        "«{grade}» бағасы мүмкін емес: {checks}. Ұсыныс: {suggested}",
    ),
    "rules.unknown_keys": (
        "Неизвестные ключи правил: {keys}",
        "Unknown rule keys: {keys}",
        "Белгісіз ереже кілттері: {keys}",
    ),
    "rules.invalid": ("Неверное правило: {error}", "Invalid rule: {error}", "Қате ереже: {error}"),
    "bin.not_found": ("Ячейка {bin} не найдена", "Bin {bin} not found", "{bin} ұяшығы табылмады"),
    "putaway.wrong_zone": (
        "Ячейка {bin} в зоне «{zone}», нужна зона «{needed}»",
        "Bin {bin} is in zone {zone}; this unit goes to {needed}",
        "{bin} ұяшығы «{zone}» аймағында, «{needed}» аймағы керек",
    ),
    "putaway.same_bin": (
        "Единица уже в ячейке {bin}",
        "The unit is already in bin {bin}",
        "Бірлік {bin} ұяшығында тұр",
    ),
    "stock.insufficient": (
        "Недостаточно товара (нужно {quantity})",
        "Not enough stock (needs {quantity})",
        "Тауар жеткіліксіз ({quantity} керек)",
    ),
    "stock.insufficient_in_bin": (
        "В ячейке {bin} недостаточно товара (нужно {quantity})",
        "Not enough stock in bin {bin} (needs {quantity})",
        "{bin} ұяшығында тауар жеткіліксіз ({quantity} керек)",
    ),
    "stock.bin_required": ("Укажите ячейку", "A bin is required", "Ұяшықты көрсетіңіз"),
    "stock.reservation_moves_no_goods": (
        "Резерв не перемещает товар",
        "A reservation does not move goods",
        "Резерв тауарды жылжытпайды",
    ),
    "stock.quantity_positive": (
        "Количество должно быть больше нуля",
        "Quantity must be positive",
        "Саны нөлден көп болуы керек",
    ),
    "stock.quantity_non_negative": (
        "Количество не может быть отрицательным",
        "Quantity cannot be negative",
        "Саны теріс бола алмайды",
    ),
    "stock.same_bin": ("Ячейки совпадают", "Source and target bin are the same", "Ұяшықтар бірдей"),
    "stock.adjust_below_units": (
        "В ячейке {bin} числится единиц с LPN: {units}; сначала переместите их",
        "Bin {bin} holds {units} unit(s) with LPNs; move them first",
        "{bin} ұяшығында LPN бар {units} бірлік; алдымен оларды жылжытыңыз",
    ),
    "receipt.marking_required": (
        "Товар {sku} маркирован: сканируйте код маркировки (DataMatrix) или CMD:NO-MARKING",
        "{sku} is marked: scan its marking code (DataMatrix) or CMD:NO-MARKING",
        "{sku} таңбаланған: таңбалау кодын (DataMatrix) немесе CMD:NO-MARKING сканерлеңіз",
    ),
    "receipt.marking_duplicate": (
        "Этот код маркировки уже на складе (единица {lpn})",
        "This marking code is already in the warehouse (unit {lpn})",
        "Бұл таңбалау коды қоймада бар ({lpn} бірлігі)",
    ),
    "receipt.offline_lpn_invalid": ("Неверный LPN {lpn}", "Invalid LPN {lpn}", "Қате LPN {lpn}"),
    "receipt.offline_lpn_foreign": (
        "LPN {lpn} не из блока этой станции",
        "LPN {lpn} is not from this station's block",
        "{lpn} LPN осы станцияның блогынан емес",
    ),
    "receipt.offline_lpn_used": (
        "LPN {lpn} уже использован",
        "LPN {lpn} is already used",
        "{lpn} LPN қолданылған",
    ),
    "receipt.void_closed": (
        "Приёмка закрыта: {lpn} нельзя удалить",
        "Receipt is closed: {lpn} cannot be removed",
        "Қабылдау жабық: {lpn} жою мүмкін емес",
    ),
    "station.required": ("Нужна станция", "A station is required", "Станция керек"),
    "station.block_size": (
        "Размер блока вне диапазона: {size}",
        "Block size out of range: {size}",
        "Блок өлшемі шектен тыс: {size}",
    ),
}
