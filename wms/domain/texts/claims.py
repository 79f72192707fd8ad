"""Claim cases (issue 9): messages and the names of states, actions, reasons and remedies."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: dict[str, tuple[str, str, str]] = {
    "claim.illegal_transition": (
        "Претензия в состоянии «{state}»: действие «{action}» невозможно",
        "Claim is {state}: cannot {action}",
        "Талап «{state}» күйінде: «{action}» әрекеті мүмкін емес",
    ),
    "claim.not_found": (
        "Претензия {claim} не найдена",
        "Claim {claim} not found",
        "{claim} талабы табылмады",
    ),
    "claim.line_not_found": (
        "В претензии нет строки {line}",
        "The claim has no line {line}",
        "Талапта {line} жолы жоқ",
    ),
    "claim.line_closed": (
        "Строка {line} претензии уже закрыта",
        "Line {line} of the claim is already closed",
        "Талаптың {line} жолы жабылып қойған",
    ),
    "claim.no_lines": (
        "В претензии нет ни одной строки",
        "The claim has no lines",
        "Талапта бірде-бір жол жоқ",
    ),
    "claim.qty_invalid": (
        "Количество должно быть не меньше 1 (указано {qty})",
        "Quantity must be at least 1 (got {qty})",
        "Саны кемінде 1 болуы керек ({qty} берілді)",
    ),
    "claim.split_qty": (
        "Отделить можно от 1 до {line_qty} − 1 шт. (указано {qty})",
        "You can split off 1 to {line_qty} − 1 pieces (got {qty})",
        "1-ден {line_qty} − 1 данаға дейін бөлуге болады ({qty} берілді)",
    ),
    "claim.amount_negative": (
        "Сумма должна быть положительной",
        "The amount must be positive",
        "Сома оң болуы керек",
    ),
    "claim.amount_invalid": (
        "Сумма «{amount}» не распознана: укажите тенге, например 1250.50",
        "Amount “{amount}” not understood: give tenge, e.g. 1250.50",
        "«{amount}» сомасы танылмады: теңгемен жазыңыз, мысалы 1250.50",
    ),
    "claim.amount_above_claimed": (
        "Сумма {amount} ₸ больше заявленной по строке ({claimed} ₸)",
        "Amount {amount} ₸ is more than the line's claimed amount ({claimed} ₸)",
        "{amount} ₸ сомасы жолда талап етілген сомадан ({claimed} ₸) көп",
    ),
    "claim.partial_needs_part": (
        "Частичное одобрение: сумма должна быть больше нуля и меньше {claimed} ₸",
        "Partial approval: the amount must be above zero and below {claimed} ₸",
        "Ішінара мақұлдау: сома нөлден көп және {claimed} ₸-ден аз болуы керек",
    ),
    "claim.settle_nothing": (
        "Нечего закрывать с возмещением: ничего не предложено и не получено",
        "Nothing to settle: no amount was offered or recovered",
        "Өтеммен жабатын ештеңе жоқ: сома ұсынылмаған да, алынбаған да",
    ),
    "claim.action_not_allowed": (
        "Маркетплейс не принимает ответ «{action}» по этой претензии (можно: {allowed})",
        "The marketplace does not accept the answer “{action}” for this claim (allowed: {allowed})",
        "Маркетплейс бұл талап бойынша «{action}» жауабын қабылдамайды (болады: {allowed})",
    ),
    "claim.comment_length": (
        "Комментарий должен быть от {min} до {max} символов (сейчас {length})",
        "The comment must be {min} to {max} characters long (now {length})",
        "Түсініктеме {min}–{max} таңбадан тұруы керек (қазір {length})",
    ),
    "claim.not_marketplace": (
        "Претензия не связана с маркетплейсом: ответ отправлять некуда",
        "The claim is not linked to a marketplace: there is nowhere to send an answer",
        "Талап маркетплейспен байланыспаған: жауапты жіберетін жер жоқ",
    ),
    "claim.unit_taken": (
        "Единица {lpn} уже есть в открытой претензии {claim}",
        "Unit {lpn} is already in open claim {claim}",
        "{lpn} бірлігі {claim} ашық талабында бар",
    ),
    "claim.merchant_mismatch": (
        "Единица {lpn} принадлежит другому продавцу",
        "Unit {lpn} belongs to another merchant",
        "{lpn} бірлігі басқа сатушыға тиесілі",
    ),
    "claim.pack_frozen": (
        "Пакет доказательств претензии {claim} зафиксирован при подаче",
        "The evidence pack of claim {claim} was frozen when it was submitted",
        "{claim} талабының дәлелдер пакеті беру кезінде бекітілді",
    ),
    "claim.pack_tampered": (
        "Файл пакета доказательств претензии {claim} изменён после подачи",
        "The evidence pack file of claim {claim} changed after it was submitted",
        "{claim} талабының дәлелдер пакеті файлы берілгеннен кейін өзгертілген",
    ),
    "claim.reminder": (
        "Претензия {claim}: срок {due}",
        "Claim {claim}: due {due}",
        "{claim} талабы: мерзімі {due}",
    ),
}

#: Names of claim states, actions, reasons and remedies (passed to messages as {ru, en, kk}).
CLAIM_TERMS: Mapping[str, tuple[str, str, str]] = {
    # states
    "draft": ("черновик", "draft", "жоба"),
    "submitted": ("подана", "submitted", "берілді"),
    "under_review": ("на рассмотрении", "under review", "қаралуда"),
    "approved": ("одобрена", "approved", "мақұлданды"),
    "partially_approved": ("одобрена частично", "partially approved", "ішінара мақұлданды"),
    "rejected": ("отклонена", "rejected", "қабылданбады"),
    "escalated": ("в арбитраже", "escalated", "арбитражда"),
    "settled": ("возмещена", "settled", "өтелді"),
    "closed": ("закрыта", "closed", "жабылды"),
    "cancelled": ("отменена", "cancelled", "болдырылмады"),
    # actions
    "submit": ("подать", "submit", "беру"),
    "review": ("принять к рассмотрению", "start review", "қарауға алу"),
    "approve": ("одобрить", "approve", "мақұлдау"),
    "approve_partially": ("одобрить частично", "approve partially", "ішінара мақұлдау"),
    "reject": ("отклонить", "reject", "қабылдамау"),
    "escalate": ("передать в арбитраж", "escalate", "арбитражға беру"),
    "settle": ("закрыть с возмещением", "settle", "өтеммен жабу"),
    "close": ("закрыть", "close", "жабу"),
    "reopen": ("открыть заново", "reopen", "қайта ашу"),
    "cancel": ("отменить", "cancel", "болдырмау"),
    "split": ("разделить строку", "split a line", "жолды бөлу"),
    "record_recovery": ("записать поступление", "record money received", "түскен соманы жазу"),
    "close_line": ("закрыть строку", "close a line", "жолды жабу"),
    # timeline entries
    "open": ("открыта", "opened", "ашылды"),
    "answer": ("ответ маркетплейсу", "answer to the marketplace", "маркетплейске жауап"),
    "external_update": (
        "обновление с маркетплейса",
        "update from the marketplace",
        "маркетплейстен жаңарту",
    ),
    "reminded": ("напоминание продавцу", "merchant reminded", "сатушыға еске салу"),
    # reasons
    "swapped_item": ("подмена товара", "swapped item", "тауар ауыстырылған"),
    "foreign_marking": ("чужой код маркировки", "foreign marking code", "бөгде таңбалау коды"),
    "damaged_in_transit": (
        "повреждён при доставке",
        "damaged in transit",
        "жеткізу кезінде бүлінген",
    ),
    "missing_parts": ("некомплект", "missing parts", "толық емес жинақ"),
    "counterfeit": ("подделка", "counterfeit", "жалған тауар"),
    "not_delivered": ("не доставлен", "never arrived", "жеткізілмеді"),
    "buyer_claim": ("претензия покупателя", "buyer's claim", "сатып алушының талабы"),
    "other": ("другое", "other", "басқа"),
    # remedies
    "refund": ("возмещение", "refund / compensation", "өтем"),
    "compensation_no_return": (
        "компенсация без возврата",
        "compensation without return",
        "қайтарусыз өтем",
    ),
    "replacement": ("замена", "replacement", "ауыстыру"),
    "settlement": ("соглашение о сумме", "agreed settlement", "келісілген сома"),
    "goods_back": ("вернуть товар", "goods back to us", "тауарды қайтару"),
    # counterparties and origins
    "marketplace": ("маркетплейс", "marketplace", "маркетплейс"),
    "buyer": ("покупатель", "buyer", "сатып алушы"),
    "carrier": ("перевозчик", "carrier", "тасымалдаушы"),
    "manual": ("вручную", "by hand", "қолмен"),
    "inspection": ("по итогам проверки", "from inspection", "тексеру бойынша"),
    "receipt_shortage": (
        "недостача при приёмке",
        "shortage at receipt",
        "қабылдаудағы жетіспеушілік",
    ),
    "imported": ("из маркетплейса", "imported", "маркетплейстен"),
}


def claim_term(value: str) -> dict[str, str]:
    """A claim vocabulary word in every language (the value itself when unknown)."""
    ru, en, kk = CLAIM_TERMS.get(value, (value, value, value))
    return {"ru": ru, "en": en, "kk": kk}
