"""Station command barcodes (`CMD:…`), printed on the command sheet with ru/en/kk captions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wms.domain.grading import Check, GradeChoice
from wms.domain.returns import ReturnReason, ReturnType

COMMAND_PREFIX = "CMD:"


class CommandGroup(StrEnum):
    """Sections of the command sheet."""

    GENERAL = "general"
    RECEIPT = "receipt"
    CHECKLIST = "checklist"
    GRADE = "grade"
    REPAIR_REPACK = "repair_repack"
    REASON = "reason"
    TYPE = "type"


@dataclass(frozen=True)
class Command:
    """One command barcode: the code printed, its group and captions."""

    code: str  # without the prefix, e.g. "CLOSE"
    group: CommandGroup
    ru: str
    en: str
    kk: str

    @property
    def barcode(self) -> str:
        """What the barcode encodes, e.g. `CMD:CLOSE`."""
        return COMMAND_PREFIX + self.code


G = CommandGroup
COMMANDS: tuple[Command, ...] = (
    Command("CANCEL", G.GENERAL, "Отменить шаг", "Cancel step", "Қадамнан бас тарту"),
    Command("REPRINT", G.GENERAL, "Повторить печать", "Reprint label", "Қайта басып шығару"),
    Command("LOGOUT", G.GENERAL, "Выйти", "Log out", "Шығу"),
    Command("BLIND", G.RECEIPT, "Возврат без заявки", "Blind return", "Өтінімсіз қайтару"),
    Command("CLOSE", G.RECEIPT, "Закрыть приёмку", "Close receipt", "Қабылдауды жабу"),
    Command(
        "UNDO", G.RECEIPT, "Удалить последнюю единицу", "Remove last unit", "Соңғы бірлікті жою"
    ),
    Command(
        "CONFIRM",
        G.RECEIPT,
        "Подтвердить единицу сверх заявки",
        "Confirm a unit over the announced quantity",
        "Өтінімнен тыс бірлікті растау",
    ),
    Command("NO-MARKING", G.RECEIPT, "Нет кода маркировки", "No marking code", "Таңбалау коды жоқ"),
    Command(
        "PKG-DAMAGED", G.CHECKLIST, "Упаковка повреждена", "Packaging damaged", "Қаптама бүлінген"
    ),
    Command("NO-TAGS", G.CHECKLIST, "Нет пломб/бирок", "Seals or tags missing", "Пломба/белгі жоқ"),
    Command("INCOMPLETE", G.CHECKLIST, "Некомплект", "Incomplete set", "Толық емес жинақ"),
    Command("NO-DOCS", G.CHECKLIST, "Нет документов", "Documents missing", "Құжаттар жоқ"),
    Command("USED", G.CHECKLIST, "Следы использования", "Signs of use", "Қолданылған іздері"),
    Command("NOT-WORKING", G.CHECKLIST, "Не работает", "Not working", "Жұмыс істемейді"),
    Command("WRONG-ITEM", G.CHECKLIST, "Не тот товар", "Not the item ordered", "Басқа тауар"),
    Command(
        "MARKING-MISMATCH",
        G.CHECKLIST,
        "Код маркировки не совпадает",
        "Marking code mismatch",
        "Таңбалау коды сәйкес емес",
    ),
    Command(
        "GRADE-RESELLABLE",
        G.GRADE,
        "Годен: новый",
        "Resellable: new",
        "Сатуға жарамды: жаңа",
    ),
    Command(
        "GRADE-RESELLABLE-USED",
        G.GRADE,
        "Годен: ресейл",
        "Resellable: used (resale)",
        "Сатуға жарамды: қолданылған",
    ),
    Command("GRADE-REPAIR", G.GRADE, "В ремонт", "Repair", "Жөндеуге"),
    Command(
        "GRADE-NON-RETURNABLE",
        G.GRADE,
        "Невозвратный",
        "Non-returnable",
        "Қайтарылмайтын",
    ),
    Command("REPAIR-DONE", G.REPAIR_REPACK, "Ремонт выполнен", "Repair done", "Жөндеу аяқталды"),
    Command(
        "REPAIR-FAILED", G.REPAIR_REPACK, "Ремонт невозможен", "Repair failed", "Жөндеу мүмкін емес"
    ),
    Command("REPACKED", G.REPAIR_REPACK, "Переупаковано", "Repacked", "Қайта қапталды"),
    Command(
        "REASON-NOT-AS-DESCRIBED",
        G.REASON,
        "Не соответствует описанию",
        "Not as described",
        "Сипаттамаға сәйкес емес",
    ),
    Command(
        "REASON-WRONG-ITEM", G.REASON, "Прислали не то", "Wrong item sent", "Басқа тауар келді"
    ),
    Command("REASON-DEFECTIVE", G.REASON, "Брак", "Defective", "Ақаулы"),
    Command("REASON-COUNTERFEIT", G.REASON, "Подделка", "Counterfeit", "Жалған"),
    Command("REASON-CHANGED-MIND", G.REASON, "Передумал", "Changed mind", "Ойынан айнып қалды"),
    Command(
        "REASON-DAMAGED-IN-TRANSIT",
        G.REASON,
        "Повреждён при доставке",
        "Damaged in transit",
        "Жеткізу кезінде бүлінген",
    ),
    Command("REASON-OTHER", G.REASON, "Другая причина", "Other reason", "Басқа себеп"),
    Command(
        "TYPE-CUSTOMER-RETURN",
        G.TYPE,
        "Возврат покупателя",
        "Customer return",
        "Сатып алушының қайтаруы",
    ),
    Command(
        "TYPE-CANCELLED-IN-DELIVERY",
        G.TYPE,
        "Отмена при доставке",
        "Cancelled in delivery",
        "Жеткізу кезінде бас тартылды",
    ),
    Command("TYPE-NOT-PICKED-UP", G.TYPE, "Не выкуплен", "Not picked up", "Алынбаған"),
    Command("TYPE-CLAIM-RETURN", G.TYPE, "Возврат по претензии", "Claim return", "Талап бойынша"),
)
COMMANDS_BY_CODE = {c.code: c for c in COMMANDS}

CHECK_COMMANDS = {
    "PKG-DAMAGED": Check.PACKAGING_DAMAGED,
    "NO-TAGS": Check.SEALS_BROKEN,
    "INCOMPLETE": Check.INCOMPLETE,
    "NO-DOCS": Check.DOCUMENTS_MISSING,
    "USED": Check.SIGNS_OF_USE,
    "NOT-WORKING": Check.NOT_WORKING,
    "WRONG-ITEM": Check.WRONG_ITEM,
    "MARKING-MISMATCH": Check.MARKING_MISMATCH,
}
GRADE_COMMANDS = {
    "GRADE-RESELLABLE": GradeChoice.RESELLABLE_NEW,
    "GRADE-RESELLABLE-USED": GradeChoice.RESELLABLE_USED,
    "GRADE-REPAIR": GradeChoice.REPAIR,
    "GRADE-NON-RETURNABLE": GradeChoice.NON_RETURNABLE,
}
REASON_COMMANDS = {
    f"REASON-{r.value.upper().replace('_', '-')}": r
    for r in ReturnReason
    if r not in (ReturnReason.CANCELLED, ReturnReason.NOT_PICKED_UP)
}
TYPE_COMMANDS = {f"TYPE-{t.value.upper().replace('_', '-')}": t for t in ReturnType}


def parse_command(text: str) -> Command | None:
    """The command a `CMD:…` string names, or None when it is not a known command."""
    if not text.startswith(COMMAND_PREFIX):
        return None
    return COMMANDS_BY_CODE.get(text[len(COMMAND_PREFIX) :])
