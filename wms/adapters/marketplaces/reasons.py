"""Map a marketplace's free-text return reason to our `ReturnReason` (Russian and English)."""

from __future__ import annotations

from wms.domain.returns import ReturnReason

# Checked in order: the first rule with a matching fragment wins, so specific phrases
# ("не соответствует описанию") come before generic ones ("не подош").
_RULES: tuple[tuple[ReturnReason, tuple[str, ...]], ...] = (
    (ReturnReason.NOT_PICKED_UP, ("не забрал", "не выкуп", "невыкуп", "not picked", "unclaimed")),
    (ReturnReason.COUNTERFEIT, ("подделк", "контрафакт", "неоригинал", "counterfeit", "fake")),
    (
        ReturnReason.WRONG_ITEM,
        ("не тот товар", "другой товар", "пересорт", "не то ", "wrong item", "swapped"),
    ),
    (
        ReturnReason.NOT_AS_DESCRIBED,
        ("не соответствует", "не совпадает", "отличается", "not as described", "описани"),
    ),
    (
        ReturnReason.DAMAGED_IN_TRANSIT,
        ("поврежден при доставке", "повреждена упаковка", "damaged in transit", "разбит"),
    ),
    (
        ReturnReason.DEFECTIVE,
        ("брак", "не работает", "сломан", "дефект", "неисправ", "defect", "broken", "faulty"),
    ),
    (ReturnReason.CANCELLED, ("отмен", "cancel")),
    (
        ReturnReason.CHANGED_MIND,
        ("передумал", "не подош", "не понрав", "размер", "changed mind", "does not fit"),
    ),
)


def classify_reason(text: str | None, default: ReturnReason = ReturnReason.OTHER) -> ReturnReason:
    """Pick the reason whose keywords occur in `text`, else `default`."""
    if not text:
        return default
    lowered = " ".join(text.lower().replace("ё", "е").split()) + " "
    for reason, fragments in _RULES:
        if any(fragment in lowered for fragment in fragments):
            return reason
    return default
