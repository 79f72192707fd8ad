"""Administration, catalogue and uploads."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: Mapping[str, tuple[str, str, str]] = {
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
        "Продавца указывают только для роли «продавец» (--role merchant)",
        "Only merchant logins are tied to a merchant",
        "Сатушы тек «сатушы» рөліне көрсетіледі (--role merchant)",
    ),
    "user.merchant_required": (
        "Для роли «продавец» укажите продавца (--merchant)",
        "A merchant login needs --merchant",
        "«Сатушы» рөлі үшін сатушыны көрсетіңіз (--merchant)",
    ),
    "user.password_short": (
        "Пароль не короче 8 символов",
        "The password needs at least 8 characters",
        "Құпиясөз кемінде 8 таңба",
    ),
}
