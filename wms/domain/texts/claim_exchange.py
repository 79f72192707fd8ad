"""Marketplace exchange of claims: answers to WB claims and Ozon return requests, Kaspi write-backs."""

from __future__ import annotations

from collections.abc import Mapping

MESSAGES: Mapping[str, tuple[str, str, str]] = {
    "claim_exchange.wrong_claim": (
        "Ответ относится к другой заявке, не к {claim}",
        "The answer belongs to another claim, not {claim}",
        "Жауап {claim} өтінішіне емес, басқа өтінішке қатысты",
    ),
    "claim_exchange.closed": (
        "Маркетплейс больше не принимает ответ на заявку {claim}",
        "The marketplace no longer takes an answer to claim {claim}",
        "Маркетплейс {claim} өтініші бойынша жауапты енді қабылдамайды",
    ),
    "claim_exchange.action_not_allowed": (
        "Действие {action} недоступно для этой заявки; доступны: {allowed}",
        "Action {action} is not allowed for this claim; allowed: {allowed}",
        "{action} әрекеті бұл өтінішке қолжетімсіз; қолжетімдісі: {allowed}",
    ),
    "claim_exchange.comment_required": (
        "Для действия {action} нужен комментарий",
        "Action {action} needs a comment",
        "{action} әрекеті үшін түсініктеме қажет",
    ),
    "claim_exchange.comment_not_taken": (
        "Действие {action} не принимает комментарий",
        "Action {action} takes no comment",
        "{action} әрекеті түсініктеме қабылдамайды",
    ),
    "claim_exchange.comment_length": (
        "Комментарий от {low} до {high} символов, сейчас {length}",
        "The comment must be {low} to {high} characters, it has {length}",
        "Түсініктеме {low}–{high} таңба болуы керек, қазір {length}",
    ),
    "claim_exchange.wb_fields": (
        "Wildberries не принимает сумму или причину отказа в ответе на заявку",
        "Wildberries takes no amount or rejection reason in a claim answer",
        "Wildberries өтінішке жауапта соманы не бас тарту себебін қабылдамайды",
    ),
    "claim_exchange.reason_required": (
        "Выберите причину отказа из списка Ozon: {allowed}",
        "Choose one of Ozon's rejection reasons: {allowed}",
        "Ozon тізімінен бас тарту себебін таңдаңыз: {allowed}",
    ),
    "claim_exchange.reason_not_taken": (
        "Причина отказа указывается только при отказе, не для действия {action}",
        "A rejection reason goes only with a rejection, not with action {action}",
        "Бас тарту себебі тек бас тартқанда көрсетіледі, {action} әрекетінде емес",
    ),
    "claim_exchange.amount_required": (
        "Укажите сумму компенсации больше нуля",
        "Give a compensation amount above zero",
        "Нөлден үлкен өтемақы сомасын көрсетіңіз",
    ),
    "claim_exchange.amount_too_high": (
        "Компенсация {amount} больше цены товара {price}",
        "Compensation {amount} is more than the item's price {price}",
        "{amount} өтемақысы тауар бағасынан ({price}) көп",
    ),
    "claim_exchange.amount_not_taken": (
        "Сумма компенсации указывается только для компенсации, не для действия {action}",
        "A compensation amount goes only with compensation, not with action {action}",
        "Өтемақы сомасы тек өтемақы әрекетінде көрсетіледі, {action} әрекетінде емес",
    ),
}
