"""The barcode classifier: a table of real-shaped scans, edge cases and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wms.domain.barcodes import (
    MAX_LENGTH,
    Classified,
    CodeKind,
    classify,
    ean_check_digit,
    is_unique_code,
)
from wms.domain.commands import COMMANDS
from wms.domain.keyboard_layouts import Layout, to_us, type_through

GS = "\x1d"
K = CodeKind

# Честный ЗНАК shoes: GTIN, 13-char serial, GS, 91 key, GS, 92 + 44-char crypto tail.
SHOES_GTIN = "04690257528523"
SHOES_SERIAL = "k3LInNbH_oG0Q"
CRYPTO_44 = "dGhpcyBpcyBub3QgYSByZWFsIGNyeXB0byB0YWlsIQ=="
SHOES = f"01{SHOES_GTIN}21{SHOES_SERIAL}{GS}91EE06{GS}92{CRYPTO_44}"
SHOES_KI = f"01{SHOES_GTIN}21{SHOES_SERIAL}"
# Dairy: 6-char serial and the short crypto tail 93.
DAIRY = f"010465007519253521Qm&2s%{GS}93dGVz"
# Tobacco block: 7-char serial, MRP (8005), short crypto.
TOBACCO_BLOCK = f"010460620308662721-q3Nf<Y{GS}8005012345{GS}93ab12"
# Tobacco pack: 29 characters, GTIN + serial + MRP + check, no AIs and no GS.
TOBACCO_PACK = "04606203086627q3Nf<Y1AAAAmx9/"
# GS1-128 with expiry (17) and batch (10).
GS1_128 = "01046070097802831726123110LOT42A"
GS1_128_BATCH_FIRST = f"010460700978028310LOT42A{GS}17261231"


def test_fixtures_have_the_real_lengths() -> None:
    assert len(CRYPTO_44) == 44
    assert len(TOBACCO_PACK) == 29


# (raw, symbology, kind, value, extra expected fields)
TABLE: list[tuple[str, str | None, CodeKind, str, dict[str, str | None]]] = [
    # EAN / UPC / GTIN
    ("4006381333931", None, K.PRODUCT, "04006381333931", {"gtin": "04006381333931"}),
    ("4607009780283", "]E0", K.PRODUCT, "04607009780283", {"symbology": "]E0"}),
    ("4006381333932", None, K.UNKNOWN, "4006381333932", {"problem": "bad_check_digit"}),
    ("96385074", "]E4", K.PRODUCT, "00000096385074", {"gtin": "00000096385074"}),
    ("96385075", None, K.UNKNOWN, "96385075", {"problem": "bad_check_digit"}),
    ("036000291452", None, K.PRODUCT, "00036000291452", {"gtin": "00036000291452"}),
    ("10614141000415", "]I1", K.PRODUCT, "10614141000415", {"gtin": "10614141000415"}),
    ("10614141000416", None, K.UNKNOWN, "10614141000416", {"problem": "bad_check_digit"}),
    # Marking codes (GS1 DataMatrix)
    (
        SHOES,
        "]d2",
        K.MARKING_CODE,
        SHOES_GTIN,
        {"serial": SHOES_SERIAL, "identification_code": SHOES_KI, "symbology": "]d2"},
    ),
    (SHOES, None, K.MARKING_CODE, SHOES_GTIN, {"serial": SHOES_SERIAL, "symbology": None}),
    ("]d2" + SHOES, None, K.MARKING_CODE, SHOES_GTIN, {"symbology": "]d2"}),
    (
        DAIRY,
        "]d2",
        K.MARKING_CODE,
        "04650075192535",
        {"serial": "Qm&2s%", "identification_code": "010465007519253521Qm&2s%"},
    ),
    (TOBACCO_BLOCK, "]d2", K.MARKING_CODE, "04606203086627", {"serial": "-q3Nf<Y"}),
    (TOBACCO_PACK, "]d1", K.UNKNOWN, TOBACCO_PACK, {"problem": "unrecognised"}),
    (TOBACCO_PACK, None, K.UNKNOWN, TOBACCO_PACK, {"problem": "unrecognised", "gtin": None}),
    # GS dropped by the scanner: never silently mis-split
    (
        SHOES.replace(GS, ""),
        "]d2",
        K.UNKNOWN,
        SHOES.replace(GS, "")[:64],
        {"problem": "gs1_invalid"},
    ),
    (DAIRY.replace(GS, ""), "]d2", K.UNKNOWN, DAIRY.replace(GS, ""), {"problem": "gs1_invalid"}),
    (DAIRY.replace(GS, ""), None, K.UNKNOWN, DAIRY.replace(GS, ""), {"problem": "gs1_invalid"}),
    (
        "010460700978028310LOT4221SER1",
        "]C1",
        K.UNKNOWN,
        "010460700978028310LOT4221SER1",
        {"problem": "gs1_invalid"},
    ),
    # A КИ alone (01 + 21, nothing that could hide behind a lost GS) is unambiguous.
    (SHOES_KI, "]d2", K.MARKING_CODE, SHOES_GTIN, {"serial": SHOES_SERIAL}),
    # GS1-128 / other GS1 element strings with a GTIN
    ("]C1" + GS1_128, None, K.GS1, "04607009780283", {"serial": None, "symbology": "]C1"}),
    (GS1_128_BATCH_FIRST, "]C1", K.GS1, "04607009780283", {"identification_code": None}),
    (GS1_128, None, K.GS1, "04607009780283", {}),
    (GS + GS1_128, None, K.GS1, "04607009780283", {}),  # leading GS = FNC1 without AIM id
    ("010460700978028417261231", "]C1", K.UNKNOWN, "010460700978028417261231", {}),
    ("01046070097802831726133110A", "]C1", K.UNKNOWN, "01046070097802831726133110A", {}),
    ("4607009780283", "]C1", K.UNKNOWN, "4607009780283", {"problem": "gs1_invalid"}),
    ("00046070097802831", "]C1", K.UNKNOWN, "00046070097802831", {"problem": "gs1_invalid"}),
    ("00146070090000000128", "]C1", K.UNKNOWN, "00146070090000000128", {"problem": "unrecognised"}),
    # Our own labels
    ("CMD:CLOSE", "]C0", K.COMMAND, "CLOSE", {}),
    ("cmd:grade-resellable", None, K.COMMAND, "GRADE-RESELLABLE", {}),
    ("CMD:NOPE", None, K.UNKNOWN, "CMD:NOPE", {"problem": "unknown_command"}),
    ("CMD:", None, K.UNKNOWN, "CMD:", {"problem": "unknown_command"}),
    ("OP-0001", None, K.BADGE, "OP-0001", {}),
    ("op-a7", None, K.BADGE, "OP-A7", {}),
    ("OP-" + "1" * 21, None, K.UNKNOWN, "OP-" + "1" * 21, {"problem": "unrecognised"}),
    ("LPN0000000123", "]C0", K.LPN, "LPN0000000123", {}),
    ("lpn0000000123", None, K.LPN, "LPN0000000123", {"layout_fixed": None}),
    ("LPN000000012", None, K.UNKNOWN, "LPN000000012", {"problem": "unrecognised"}),
    ("LPN00000001234", None, K.UNKNOWN, "LPN00000001234", {"problem": "unrecognised"}),
    ("BIN-A-01-02", None, K.BIN, "BIN-A-01-02", {}),
    ("bin-stock-main-7", None, K.BIN, "BIN-STOCK-MAIN-7", {}),
    ("BIN-", None, K.UNKNOWN, "BIN-", {"problem": "unrecognised"}),
    # Cyrillic keyboard layouts: ru
    ("ДЗТ0000000123", None, K.LPN, "LPN0000000123", {"layout_fixed": "ru"}),
    ("дзт0000000123", None, K.LPN, "LPN0000000123", {"layout_fixed": "ru"}),
    ("ЩЗ-0001", None, K.BADGE, "OP-0001", {"layout_fixed": "ru"}),
    ("СЬВЖСДЩЫУ", None, K.COMMAND, "CLOSE", {"layout_fixed": "ru"}),
    ("сьвжсдщыу", None, K.COMMAND, "CLOSE", {"layout_fixed": "ru"}),  # Caps Lock: ж, not Ж
    ("ИШТ-Ф-01", None, K.BIN, "BIN-A-01", {"layout_fixed": "ru"}),
    ("ъУ04006381333931", None, K.PRODUCT, "04006381333931", {"symbology": "]E0"}),
    # Cyrillic keyboard layouts: kk (the digit row types Kazakh letters)
    ('ДЗТқққққққ"әі', None, K.LPN, "LPN0000000123", {"layout_fixed": "kk"}),
    ('дзтҚҚҚҚҚҚҚ"ӘІ', None, K.LPN, "LPN0000000123", {"layout_fixed": "kk"}),  # Caps Lock
    ('ЩЗөқққ"', None, K.BADGE, "OP-0001", {"layout_fixed": "kk"}),
    ('ИШТөФөқ"', None, K.BIN, "BIN-A-01", {"layout_fixed": "kk"}),
    ('ң,қ"әіңғ,.үұі', None, K.PRODUCT, "04601234567893", {"layout_fixed": "kk"}),
    (",.,.,.,.", None, K.PRODUCT, "00000067676767", {"layout_fixed": "kk"}),  # only 6 and 7
    ('ғ"әіңғ,.ұ', None, K.ORDER_CODE, "512345679", {"marketplace": "kaspi"}),
    # Marketplace order / return codes
    ("512345678", None, K.ORDER_CODE, "512345678", {"marketplace": "kaspi"}),
    ("5123456789", None, K.ORDER_CODE, "5123456789", {"marketplace": "kaspi"}),
    ("12345678-0001-1", None, K.ORDER_CODE, "12345678-0001-1", {"marketplace": "ozon"}),
    ("87621408-0010", None, K.ORDER_CODE, "87621408-0010", {"marketplace": "ozon"}),
    ("WB-5346346", None, K.ORDER_CODE, "WB-5346346", {"marketplace": "wildberries"}),
    ("!uKEtQZVx", "]C0", K.ORDER_CODE, "!uKEtQZVx", {"marketplace": "wildberries"}),
    ("*Ab12CdE", None, K.ORDER_CODE, "*Ab12CdE", {"marketplace": "wildberries"}),
    ("12345678", None, K.UNKNOWN, "12345678", {"problem": "bad_check_digit"}),
    ("12345678901", None, K.UNKNOWN, "12345678901", {"problem": "unrecognised"}),
    # Garbage and noise
    ("hello world", None, K.UNKNOWN, "hello world", {"problem": "unrecognised"}),
    ("привет", None, K.UNKNOWN, "привет", {"problem": "unrecognised", "layout_fixed": None}),
    ("\x00\x01\xff\x7f", None, K.UNKNOWN, "\x00\x01\xff\x7f", {"problem": "control_chars"}),
    ("LPN0000000123\rX", None, K.UNKNOWN, "LPN0000000123\rX", {"problem": "control_chars"}),
    ("LPN\t0000000123", None, K.UNKNOWN, "LPN\t0000000123", {"problem": "control_chars"}),
    ("4006381333931\x85", None, K.UNKNOWN, "4006381333931\x85", {"problem": "control_chars"}),
    ("", None, K.UNKNOWN, "", {"problem": "empty"}),
    ("\r\n", None, K.UNKNOWN, "\r\n", {"problem": "empty"}),
    ("   ", None, K.UNKNOWN, "   ", {"problem": "empty"}),
    ("]d2", None, K.UNKNOWN, "]d2", {"problem": "empty", "symbology": "]d2"}),
    (GS, None, K.UNKNOWN, GS, {"problem": "empty"}),
    (GS + " " + GS, "]d2", K.UNKNOWN, GS + " " + GS, {"problem": "empty"}),
    ("٤٠٠٦٣٨١٣٣٣٩٣١", None, K.UNKNOWN, "٤٠٠٦٣٨١٣٣٣٩٣١", {"problem": "unrecognised"}),
    ("ＬＰＮ0000000123", None, K.UNKNOWN, "ＬＰＮ0000000123", {"problem": "unrecognised"}),
    # AIM prefix inside raw, CR/LF suffix
    ("]E04006381333931", None, K.PRODUCT, "04006381333931", {"symbology": "]E0"}),
    ("]C0LPN0000000123\r\n", None, K.LPN, "LPN0000000123", {"symbology": "]C0"}),
    ("]C0LPN0000000123", "]C1", K.LPN, "LPN0000000123", {"symbology": "]C1"}),
    ("LPN0000000123]C0", None, K.UNKNOWN, "LPN0000000123]C0", {"problem": "unrecognised"}),
    ("x]E04006381333931", None, K.UNKNOWN, "x]E04006381333931", {"problem": "unrecognised"}),
]


@pytest.mark.parametrize(("raw", "symbology", "kind", "value", "extra"), TABLE)
def test_classify_table(
    raw: str,
    symbology: str | None,
    kind: CodeKind,
    value: str,
    extra: dict[str, str | None],
) -> None:
    c = classify(raw, symbology)
    assert (c.kind, c.value) == (kind, value)
    assert c.raw == raw
    for field, expected in extra.items():
        assert getattr(c, field) == expected, field
    if kind is K.UNKNOWN:
        assert c.problem is not None
        assert (c.gtin, c.serial, c.identification_code) == (None, None, None)
    else:
        assert c.problem is None


def test_marking_code_keeps_raw_with_separators_and_derives_ki() -> None:
    c = classify(SHOES + "\r\n", "]d2")
    assert c.raw == SHOES + "\r\n"
    assert c.raw.count(GS) == 2
    assert c.gtin == SHOES_GTIN
    assert c.identification_code == SHOES_KI
    assert len(c.identification_code) == 31


def test_trailing_gs_is_kept_in_raw_and_ignored_for_parsing() -> None:
    c = classify(DAIRY + GS, "]d2")
    assert c.kind is K.MARKING_CODE
    assert c.raw.endswith(GS)


def test_gs1_message_with_bad_gtin_check_digit_names_it() -> None:
    c = classify("010460700978028417261231", "]C1")
    assert (c.kind, c.problem) == (K.UNKNOWN, "bad_check_digit")


def test_gs1_message_with_impossible_date_is_invalid() -> None:
    c = classify("01046070097802831726133110A", "]C1")
    assert (c.kind, c.problem) == (K.UNKNOWN, "gs1_invalid")


def test_length_limit_is_exact() -> None:
    at_limit = "A" * MAX_LENGTH
    assert classify(at_limit).problem == "unrecognised"
    assert classify(at_limit + "A").problem == "too_long"


def test_ten_kilobytes_are_refused_and_value_is_truncated() -> None:
    raw = "0104690257528523" + "7" * 10_240
    c = classify(raw, "]d2")
    assert (c.kind, c.problem) == (K.UNKNOWN, "too_long")
    assert c.raw == raw
    assert c.value == raw[:64]


def test_unknown_value_is_truncated_to_64_characters() -> None:
    raw = "Z" * 200
    assert classify(raw).value == "Z" * 64


def test_every_catalogued_command_classifies() -> None:
    for command in COMMANDS:
        c = classify(command.barcode)
        assert (c.kind, c.value) == (K.COMMAND, command.code)
        typed = classify(type_through(command.barcode, Layout.RU))
        assert (typed.kind, typed.value, typed.layout_fixed) == (K.COMMAND, command.code, "ru")


def test_caps_lock_lower_case_is_only_accepted_for_our_own_labels() -> None:
    assert classify("wb-5346346").kind is K.UNKNOWN
    assert classify("!UKeTqZvX").value == "!UKeTqZvX"  # case-sensitive: kept as scanned


@pytest.mark.parametrize(
    ("kind", "unique"),
    [
        (K.LPN, True),
        (K.MARKING_CODE, True),
        (K.COMMAND, True),
        (K.BADGE, True),
        (K.BIN, True),
        (K.PRODUCT, False),
        (K.GS1, False),
        (K.ORDER_CODE, False),
        (K.UNKNOWN, False),
    ],
)
def test_is_unique_code(kind: CodeKind, unique: bool) -> None:
    assert is_unique_code(Classified(kind, "x", "x")) is unique


def test_unique_codes_from_real_scans() -> None:
    assert is_unique_code(classify("LPN0000000123"))
    assert is_unique_code(classify(SHOES))
    assert not is_unique_code(classify("4006381333931"))


@pytest.mark.parametrize(
    ("payload", "check"),
    [
        ("400638133393", 1),
        ("590123412345", 7),
        ("9638507", 4),
        ("03600029145", 2),
        ("1061414100041", 5),
    ],
)
def test_ean_check_digit(payload: str, check: int) -> None:
    assert ean_check_digit(payload) == check


@pytest.mark.parametrize("bad", ["", "12a4", "١٢٣", " 123"])
def test_ean_check_digit_refuses_non_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="digits"):
        ean_check_digit(bad)


def test_ru_table_is_the_verified_reference_table() -> None:
    us = "`qwertyuiop[]asdfghjkl;'zxcvbnm,./~QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>?@#$^&|"
    ru = 'ёйцукенгшщзхъфывапролджэячсмитьбю.ЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ,"№;:?/'
    assert type_through(us, Layout.RU) == ru
    assert to_us(ru, Layout.RU) == us


def test_kk_digit_row_carries_kazakh_letters() -> None:
    assert type_through("1234567890-=", Layout.KK) == '"әіңғ,.үұқөһ'
    assert type_through("!@#$%^&*()_+", Layout.KK) == "!ӘІҢҒ;:ҮҰҚӨҺ"
    assert type_through("/?|", Layout.KK) == "№?/"


# --- properties -----------------------------------------------------------------------------

SCAN_ALPHABET = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Z", "Cc"))


@settings(max_examples=400)
@given(raw=st.text(SCAN_ALPHABET, max_size=80), symbology=st.sampled_from([None, "]d2", "]C1"]))
def test_classify_never_raises_and_keeps_raw(raw: str, symbology: str | None) -> None:
    c = classify(raw, symbology)
    assert c.raw == raw
    assert isinstance(c.kind, CodeKind)
    assert (c.problem is not None) == (c.kind is K.UNKNOWN)


GS1_TAIL = st.text(st.sampled_from("0123456789ABCxyz!%&'*+-./:;<=>?_" + GS), max_size=60)


@settings(max_examples=300)
@given(gtin_digits=st.text("0123456789", min_size=14, max_size=14), tail=GS1_TAIL)
def test_gs1_shaped_input_never_raises(gtin_digits: str, tail: str) -> None:
    raw = "01" + gtin_digits + tail
    for symbology in (None, "]d2"):
        c = classify(raw, symbology)
        assert c.raw == raw
        if c.kind in (K.MARKING_CODE, K.GS1):
            assert c.gtin == gtin_digits
            assert int(c.gtin[-1]) == ean_check_digit(c.gtin[:-1])


@given(payload=st.text("0123456789", min_size=12, max_size=12))
def test_any_valid_ean13_is_a_product(payload: str) -> None:
    code = payload + str(ean_check_digit(payload))
    c = classify(code)
    assert (c.kind, c.gtin, c.value) == (K.PRODUCT, "0" + code, "0" + code)
    wrong = payload + str((ean_check_digit(payload) + 1) % 10)
    assert classify(wrong).problem == "bad_check_digit"


ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
OWN_LABELS = st.one_of(
    st.text("0123456789", min_size=10, max_size=10).map(lambda d: "LPN" + d),
    st.text(ALNUM, min_size=1, max_size=20).map(lambda s: "OP-" + s),
    st.text(ALNUM + "-", min_size=1, max_size=30).map(lambda s: "BIN-" + s),
)


@given(code=OWN_LABELS)
def test_own_labels_typed_through_ru_come_back(code: str) -> None:
    original = classify(code)
    assert original.kind in (K.LPN, K.BADGE, K.BIN)
    typed = type_through(code, Layout.RU)
    assert typed != code
    for scanned in (typed, typed.swapcase()):  # and with Caps Lock on
        c = classify(scanned)
        assert (c.kind, c.value, c.layout_fixed, c.raw) == (
            original.kind,
            code,
            "ru",
            scanned,
        )


@given(code=OWN_LABELS)
def test_own_labels_typed_through_kk_come_back(code: str) -> None:
    original = classify(code)
    typed = type_through(code, Layout.KK)
    for scanned in (typed, typed.swapcase()):
        c = classify(scanned)
        assert (c.kind, c.value) == (original.kind, code)
        assert c.layout_fixed in ("ru", "kk")  # letters-only labels look the same in both


CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


@st.composite
def marking_codes(draw: st.DrawFn) -> tuple[str, str, str]:
    """A marking code with GS separators, its GTIN-14 and its serial."""
    payload = draw(st.text("0123456789", min_size=13, max_size=13))
    gtin = payload + str(ean_check_digit(payload))
    serial = draw(st.text(CSET82, min_size=draw(st.sampled_from([6, 7, 13])), max_size=13))
    short = draw(st.booleans())
    if short:
        tail = "93" + draw(st.text(BASE64, min_size=4, max_size=4))
    else:
        key = draw(st.text(BASE64[:62], min_size=4, max_size=4))
        tail = "91" + key + GS + "92" + draw(st.text(BASE64, min_size=44, max_size=44))
    return f"01{gtin}21{serial}{GS}{tail}", gtin, serial


@settings(max_examples=300)
@given(code=marking_codes())
def test_marking_codes_parse_and_lost_separators_never_mis_split(
    code: tuple[str, str, str],
) -> None:
    raw, gtin, serial = code
    c = classify(raw, "]d2")
    assert (c.kind, c.gtin, c.serial) == (K.MARKING_CODE, gtin, serial)
    assert c.identification_code == "01" + gtin + "21" + serial
    for symbology in ("]d2", None):
        lost = classify(raw.replace(GS, ""), symbology)
        assert lost.kind is K.UNKNOWN
        assert lost.problem == "gs1_invalid"
