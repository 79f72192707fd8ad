"""Messages shown to operators and API clients, in Russian, English and Kazakh."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGS = ("ru", "en", "kk")

# Vocabulary: parameter values that are names of states, zones, grades … are translated too.
TERMS: Mapping[str, tuple[str, str, str]] = {
    "received": ("принят", "received", "қабылданды"),
    "awaiting_repack": ("ждёт переупаковки", "awaiting repack", "қайта қаптауды күтуде"),
    "awaiting_putaway": ("ждёт размещения", "awaiting putaway", "орналастыруды күтуде"),
    "in_stock": ("на складе", "in stock", "қоймада"),
    "in_repair": ("в ремонте", "in repair", "жөндеуде"),
    "awaiting_decision": ("ждёт решения", "awaiting decision", "шешімді күтуде"),
    "claimed": ("претензия", "claimed", "талап қойылды"),
    "claim_settled": ("претензия закрыта", "claim settled", "талап жабылды"),
    "disposed": ("утилизирован", "disposed", "кәдеге жаратылды"),
    "returned_to_merchant": ("возвращён продавцу", "returned to merchant", "сатушыға қайтарылды"),
    "shipped": ("отгружен", "shipped", "жөнелтілді"),
    "voided": ("аннулирован", "voided", "жойылды"),
    "expected": ("ожидается", "expected", "күтілуде"),
    "receiving": ("приёмка", "receiving", "қабылдау"),
    "completed": ("завершён", "completed", "аяқталды"),
    "cancelled": ("отменён", "cancelled", "болдырылмады"),
    "inspection": ("инспекция", "inspection", "тексеру"),
    "repair": ("ремонт", "repair", "жөндеу"),
    "repack": ("переупаковка", "repack", "қайта қаптау"),
    "stock_main": ("основной склад", "main stock", "негізгі қойма"),
    "stock_resale": ("ресейл", "resale stock", "ресейл"),
    "hold": ("карантин", "hold", "ұстау аймағы"),
    "disposal": ("утилизация", "disposal", "кәдеге жарату"),
    "return_to_merchant": ("возврат продавцу", "return to merchant", "сатушыға қайтару"),
    "resellable_new": ("годен, новый", "resellable, new", "жарамды, жаңа"),
    "resellable_used": ("годен, ресейл", "resellable, used", "жарамды, қолданылған"),
    "non_returnable": ("невозвратный", "non-returnable", "қайтарылмайтын"),
    "packaging_damaged": ("упаковка повреждена", "packaging damaged", "қаптама бүлінген"),
    "seals_broken": ("нет пломб/бирок", "seals or tags missing", "пломба/белгі жоқ"),
    "incomplete": ("некомплект", "incomplete", "толық емес"),
    "documents_missing": ("нет документов", "documents missing", "құжаттар жоқ"),
    "signs_of_use": ("следы использования", "signs of use", "қолданылған іздері"),
    "not_working": ("не работает", "not working", "жұмыс істемейді"),
    "wrong_item": ("не тот товар", "wrong item", "басқа тауар"),
    "marking_mismatch": (
        "код маркировки не совпадает",
        "marking code mismatch",
        "таңба сәйкес емес",
    ),
    "customer_return": ("возврат покупателя", "customer return", "сатып алушының қайтаруы"),
    "cancelled_in_delivery": (
        "отмена при доставке",
        "cancelled in delivery",
        "жеткізу кезінде бас тарту",
    ),
    "not_picked_up": ("не выкуплен", "not picked up", "алынбаған"),
    "claim_return": ("возврат по претензии", "claim return", "талап бойынша қайтару"),
    "not_as_described": (
        "не соответствует описанию",
        "not as described",
        "сипаттамаға сәйкес емес",
    ),
    "defective": ("брак", "defective", "ақаулы"),
    "counterfeit": ("подделка", "counterfeit", "жалған"),
    "changed_mind": ("передумал", "changed mind", "ойынан айнып қалды"),
    "damaged_in_transit": (
        "повреждён при доставке",
        "damaged in transit",
        "жеткізу кезінде бүлінген",
    ),
    "other": ("другое", "other", "басқа"),
    "kaspi": ("Kaspi", "Kaspi", "Kaspi"),
    "wildberries": ("Wildberries", "Wildberries", "Wildberries"),
    "ozon": ("Ozon", "Ozon", "Ozon"),
    "receipt": ("приёмка", "receipt", "қабылдау"),
    # Why a code was not recognised (wms.domain.barcodes problems).
    "empty": ("пустой скан", "empty scan", "бос сканерлеу"),
    "too_long": ("слишком длинный", "too long", "тым ұзын"),
    "control_chars": ("помехи в данных", "control characters", "деректерде кедергі"),
    "bad_check_digit": ("неверная контрольная цифра", "bad check digit", "бақылау саны қате"),
    "gs1_invalid": (
        "код маркировки не читается, сканер теряет разделители GS",
        "marking code unreadable, the scanner drops GS separators",
        "таңба коды оқылмайды, сканер GS бөлгіштерін жоғалтады",
    ),
    "unknown_command": ("неизвестная команда", "unknown command", "белгісіз команда"),
    "unrecognised": ("неизвестный формат", "unknown format", "белгісіз пішім"),
    "putaway": ("размещение", "putaway", "орналастыру"),
    "universal": ("универсальная", "universal", "әмбебап"),
}

M: Mapping[str, tuple[str, str, str]] = {
    # --- errors raised by the domain and services -------------------------------------------
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
    # --- administration and uploads --------------------------------------------------------
    "account.exists": (
        "Уже существует: {what} {value}",
        "Already exists: {what} {value}",
        "Бұрыннан бар: {what} {value}",
    ),
    "bin.code_format": (
        "Код ячейки должен быть вида BIN-A-01 (латиница, цифры, дефисы): {bin}",
        "A bin code looks like BIN-A-01 (Latin letters, digits, dashes): {bin}",
        "Ұяшық коды BIN-A-01 түрінде болуы керек: {bin}",
    ),
    "idempotency.key_reused": (
        "Ключ идемпотентности {key} уже использован для другого запроса",
        "Idempotency key {key} was already used for a different request",
        "{key} идемпотенттілік кілті басқа сұрауға қолданылған",
    ),
    "merchant.code_format": (
        "Код продавца: латиница, цифры, - и _ (до 40 символов): {code}",
        "Merchant code: Latin letters, digits, - and _ (up to 40): {code}",
        "Сатушы коды: латын әріптері, сандар, - және _ : {code}",
    ),
    "merchant.discount_range": (
        "Скидка ресейла от 0 до 99 %: {value}",
        "Resale discount must be 0–99 %: {value}",
        "Ресейл жеңілдігі 0–99 %: {value}",
    ),
    "operator.badge_format": (
        "Бейдж должен быть вида OP-0001: {badge}",
        "A badge looks like OP-0001: {badge}",
        "Бейдж OP-0001 түрінде болуы керек: {badge}",
    ),
    "operator.name": (
        "Укажите имя оператора",
        "The operator needs a name",
        "Оператордың атын көрсетіңіз",
    ),
    "photo.empty": ("Пустой файл", "The file is empty", "Файл бос"),
    "photo.too_large": ("Фото слишком большое", "The photo is too large", "Фото тым үлкен"),
    "photo.type": (
        "Формат {format} не поддерживается: JPEG, PNG или WebP",
        "Format {format} is not accepted: JPEG, PNG or WebP",
        "{format} пішімі қабылданбайды: JPEG, PNG немесе WebP",
    ),
    "photo.unreadable": (
        "Файл не является изображением",
        "The file is not a readable image",
        "Файл сурет емес",
    ),
    "product.barcode_invalid": (
        "Штрихкод {barcode} не EAN/UPC/GTIN с верной контрольной цифрой",
        "Barcode {barcode} is not an EAN/UPC/GTIN with a valid check digit",
        "{barcode} штрихкоды дұрыс EAN/UPC/GTIN емес",
    ),
    "product.fields": (
        "У товара нужны SKU (до 64) и название: {sku}",
        "A product needs a SKU (up to 64) and a title: {sku}",
        "Тауарға SKU және атау керек: {sku}",
    ),
    "product.price": (
        "Цена не может быть отрицательной: {sku}",
        "The price cannot be negative: {sku}",
        "Баға теріс бола алмайды: {sku}",
    ),
    "receipt.in_progress": (
        "Идёт приёмка {number}: сначала CMD:CLOSE",
        "Receipt {number} is open: CMD:CLOSE it first",
        "{number} қабылдауы ашық: алдымен CMD:CLOSE",
    ),
    "station.language": (
        "Язык станции: ru, en или kk ({language})",
        "Station language must be ru, en or kk ({language})",
        "Станция тілі: ru, en немесе kk ({language})",
    ),
    "station.name": (
        "Имя станции: 1–100 символов",
        "A station name has 1–100 characters",
        "Станция атауы: 1–100 таңба",
    ),
    "station.not_found": (
        "Станция {station} не найдена",
        "Station {station} not found",
        "{station} станциясы табылмады",
    ),
    "user.login_format": (
        "Логин: 3–100 символов из латиницы, цифр и . _ @ -",
        "A login has 3–100 Latin letters, digits or . _ @ -",
        "Логин: 3–100 латын әріпі, сан немесе . _ @ -",
    ),
    "user.merchant_only_for_merchant_role": (
        "Продавца указывают только для роли merchant",
        "Only merchant logins are tied to a merchant",
        "Сатушы тек merchant рөліне көрсетіледі",
    ),
    "user.merchant_required": (
        "Для роли merchant укажите продавца",
        "A merchant login needs --merchant",
        "merchant рөліне сатушыны көрсетіңіз",
    ),
    "user.password_short": (
        "Пароль не короче 8 символов",
        "The password needs at least 8 characters",
        "Құпиясөз кемінде 8 таңба",
    ),
    # --- scan protocol ------------------------------------------------------------------------
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
        "Здесь это не сканируют ({what}). {next}",
        "That does not belong here ({what}). {next}",
        "Мұнда мұны сканерлемейді ({what}). {next}",
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
        "Возврат {number} ({code}): сканируйте товары",
        "Return {number} ({code}): scan the products",
        "{number} қайтаруы ({code}): тауарларды сканерлеңіз",
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
        "Возврат {number} закрыт: {units} ед. Нет: {missing}. Лишние: {extra}",
        "Return {number} closed: {units} unit(s). Missing: {missing}. Extra: {extra}",
        "{number} қайтаруы жабылды: {units} бірлік. Жоқ: {missing}. Артық: {extra}",
    ),
    "receipt.undone": ("Единица {lpn} удалена", "Unit {lpn} removed", "{lpn} бірлігі жойылды"),
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
        "{lpn}: {title}. Отметьте дефекты и оценку. Предлагается: {suggested}",
        "{lpn}: {title}. Tick problems, then grade. Suggested: {suggested}",
        "{lpn}: {title}. Ақауларды белгілеп, баға қойыңыз. Ұсыныс: {suggested}",
    ),
    "inspection.check_on": (
        "Отмечено: {check}. Предлагается: {suggested}",
        "Ticked: {check}. Suggested: {suggested}",
        "Белгіленді: {check}. Ұсыныс: {suggested}",
    ),
    "inspection.check_off": (
        "Снято: {check}. Предлагается: {suggested}",
        "Unticked: {check}. Suggested: {suggested}",
        "Алынды: {check}. Ұсыныс: {suggested}",
    ),
    "inspection.graded": (
        "{lpn}: {grade} → {zone}",
        "{lpn}: {grade} → {zone}",
        "{lpn}: {grade} → {zone}",
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
        "{lpn} размещён в {bin}",
        "{lpn} put away in {bin}",
        "{lpn} {bin} ұяшығына орналастырылды",
    ),
    "putaway.moved": (
        "{lpn} перемещён в {bin}",
        "{lpn} moved to {bin}",
        "{lpn} {bin} ұяшығына жылжытылды",
    ),
    "unit.wrong_station": (
        "{lpn} {state}: это не для этой станции",
        "{lpn} is {state}: not for this station",
        "{lpn} {state}: бұл станцияға емес",
    ),
    # --- dashboard (wms/services/dashboard.py, wms/web/ui) ------------------------------------
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


def _translate(value: Any, index: int) -> Any:
    if isinstance(value, str) and value in TERMS:
        return TERMS[value][index]
    if isinstance(value, dict) and set(value) == set(LANGS):
        return value[LANGS[index]]
    return value


def render(key: str, /, **params: Any) -> dict[str, str]:
    """Render message `key` in every language; unknown keys render as the key itself."""
    templates = M.get(key)
    if templates is None:
        return dict.fromkeys(LANGS, key)
    out = {}
    for index, lang in enumerate(LANGS):
        values = {name: _translate(value, index) for name, value in params.items()}
        try:
            out[lang] = templates[index].format(**values)
        except (KeyError, IndexError):
            out[lang] = templates[index]
    return out


def term(value: str) -> dict[str, str]:
    """A vocabulary term in every language (the value itself when unknown)."""
    names = TERMS.get(value, (value, value, value))
    return dict(zip(LANGS, names, strict=True))
