"""Data Matrix ECC 200 encoder (ASCII encodation, square symbols), exact about FNC1.

Why our own: marking codes must come back from the scanner byte for byte. With FNC1 in first
position and every GS (0x1D) written as FNC1 the symbol carries exactly the scanned string, the
same mapping the ZPL renderer sends to the printer (`_1`). Library writers re-derive the GS1
separators from an AI table instead (and refuse codes with a bad check digit), and
reportlab's widget knows neither FNC1 nor sizes other than 44x44. ISO/IEC 16022 Annex F gives
the placement; the tests decode every size with zxing-cpp.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from labels.spec import LabelSpecError

GS = "\x1d"
FNC1 = 232
PAD = 129
UPPER_SHIFT = 235
MAX_LENGTH = 400


@dataclass(frozen=True)
class _Size:
    side: int  # modules per side, finder patterns included
    data: int  # data codewords
    ecc: int  # error correction codewords (all blocks)
    regions: int  # data regions per side
    blocks: int  # interleaved Reed-Solomon blocks


# ISO/IEC 16022 table 7, square symbols only (printers and scanners handle them best).
_SIZES = tuple(
    _Size(*row)
    for row in (
        (10, 3, 5, 1, 1),
        (12, 5, 7, 1, 1),
        (14, 8, 10, 1, 1),
        (16, 12, 12, 1, 1),
        (18, 18, 14, 1, 1),
        (20, 22, 18, 1, 1),
        (22, 30, 20, 1, 1),
        (24, 36, 24, 1, 1),
        (26, 44, 28, 1, 1),
        (32, 62, 36, 2, 1),
        (36, 86, 42, 2, 1),
        (40, 114, 48, 2, 1),
        (44, 144, 56, 2, 1),
        (48, 174, 68, 2, 1),
        (52, 204, 84, 2, 2),
        (64, 280, 112, 4, 2),
        (72, 368, 144, 4, 4),
        (80, 456, 192, 4, 4),
        (88, 576, 224, 4, 4),
        (96, 696, 272, 4, 4),
        (104, 816, 336, 4, 6),
        (120, 1050, 408, 6, 6),
        (132, 1304, 496, 6, 8),
        (144, 1558, 620, 6, 10),
    )
)

Matrix = tuple[tuple[bool, ...], ...]


def check(data: str) -> str:
    """Return `data` if every renderer can print it as a Data Matrix (printable ASCII and GS)."""
    if not data or len(data) > MAX_LENGTH:
        raise LabelSpecError(f"Data Matrix data must be 1..{MAX_LENGTH} characters")
    # `^ ~` would end the ZPL field; marking codes (GS1 CSET 82) never contain them.
    bad = sorted({c for c in data if c != GS and (not " " <= c <= "~" or c in "^~")})
    if bad:
        raise LabelSpecError(f"Data Matrix data has characters we do not print: {bad!r}")
    return data


def encode(data: str, *, gs1: bool = True) -> Matrix:
    """Module matrix (True = dark, row 0 at the top) for `data`, GS1 mode by default."""
    codewords = ascii_codewords(data, gs1=gs1)
    size = symbol_size(len(codewords))
    stream = _with_ecc(_padded(codewords, size.data), size)
    return _symbol(_place(stream, size), size)


@lru_cache(maxsize=64)  # layout and rendering both ask for the same code
def symbol_side(data: str, *, gs1: bool = True) -> int:
    """Modules per side of the symbol `encode` would produce, without building it."""
    return symbol_size(len(ascii_codewords(check(data), gs1=gs1))).side


def ascii_codewords(data: str, *, gs1: bool) -> list[int]:
    """ASCII encodation: digit pairs packed, GS as FNC1 in GS1 mode, bytes above 127 shifted."""
    out = [FNC1] if gs1 else []
    i = 0
    while i < len(data):
        char = data[i]
        if char.isascii() and char.isdigit() and data[i + 1 : i + 2].isdigit():
            out.append(130 + int(data[i : i + 2]))
            i += 2
            continue
        code = ord(char)
        if gs1 and char == GS:
            out.append(FNC1)
        elif code < 128:
            out.append(code + 1)
        elif code < 256:
            out += [UPPER_SHIFT, code - 127]
        else:
            raise LabelSpecError(f"Data Matrix data must be 8-bit, got {char!r}")
        i += 1
    return out


def symbol_size(codewords: int) -> _Size:
    """The smallest square symbol that holds this many data codewords."""
    for size in _SIZES:
        if size.data >= codewords:
            return size
    raise LabelSpecError(f"too much data for a Data Matrix: {codewords} codewords")


def _padded(codewords: list[int], capacity: int) -> list[int]:
    out = list(codewords)
    if len(out) < capacity:
        out.append(PAD)
    while len(out) < capacity:
        # The 253-state randomising algorithm keeps long pad runs from forming patterns.
        pseudo = (149 * (len(out) + 1)) % 253 + 1
        value = PAD + pseudo
        out.append(value - 254 if value > 254 else value)
    return out


@cache
def _gf_tables() -> tuple[tuple[int, ...], tuple[int, ...]]:
    exp, log = [0] * 512, [0] * 256
    value = 1
    for power in range(255):
        exp[power] = value
        log[value] = power
        value <<= 1
        if value & 0x100:
            value ^= 0x12D  # the Data Matrix field polynomial x^8+x^5+x^3+x^2+1
    for power in range(255, 512):
        exp[power] = exp[power - 255]
    return tuple(exp), tuple(log)


def _gf_mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    exp, log = _gf_tables()
    return exp[log[a] + log[b]]


@cache
def _generator(degree: int) -> tuple[int, ...]:
    exp, _ = _gf_tables()
    poly = [1]
    for root in range(1, degree + 1):
        nxt = [0] * (len(poly) + 1)
        for i, coef in enumerate(poly):
            nxt[i] ^= coef
            nxt[i + 1] ^= _gf_mul(coef, exp[root])
        poly = nxt
    return tuple(poly[1:])


def _reed_solomon(data: Sequence[int], degree: int) -> list[int]:
    exp, log = _gf_tables()
    gen_logs = [log[coef] for coef in _generator(degree)]  # no zero coefficients
    rem = [0] * degree
    for value in data:
        factor = value ^ rem[0]
        rem = rem[1:] + [0]
        if factor:
            shift = log[factor]
            for i, gen_log in enumerate(gen_logs):
                rem[i] ^= exp[shift + gen_log]
    return rem


def _with_ecc(data: list[int], size: _Size) -> list[int]:
    blocks, per_block = size.blocks, size.ecc // size.blocks
    ecc = [0] * size.ecc
    for block in range(blocks):
        for k, value in enumerate(_reed_solomon(data[block::blocks], per_block)):
            ecc[block + k * blocks] = value
    return data + ecc


def _place(stream: list[int], size: _Size) -> list[list[bool]]:
    """ISO/IEC 16022 Annex F: lay codeword bits out in the mapping matrix (no finders)."""
    n = size.side - 2 * size.regions
    grid: list[list[bool | None]] = [[None] * n for _ in range(n)]

    def module(row: int, col: int, word: int, bit: int) -> None:
        if row < 0:
            row, col = row + n, col + 4 - ((n + 4) % 8)
        if col < 0:
            col, row = col + n, row + 4 - ((n + 4) % 8)
        value = stream[word] if word < len(stream) else 0
        grid[row][col] = bool(value & (0x80 >> (bit - 1)))

    def shape(word: int, cells: Sequence[tuple[int, int]]) -> None:
        for bit, (row, col) in enumerate(cells, start=1):
            module(row, col, word, bit)

    def utah(row: int, col: int, word: int) -> None:
        shape(
            word,
            [
                (row - 2, col - 2), (row - 2, col - 1), (row - 1, col - 2), (row - 1, col - 1),
                (row - 1, col), (row, col - 2), (row, col - 1), (row, col),
            ],
        )  # fmt: skip

    last = n - 1
    corners = {
        1: [(last, 0), (last, 1), (last, 2), (0, n - 2), (0, last), (1, last), (2, last),
            (3, last)],
        2: [(n - 3, 0), (n - 2, 0), (last, 0), (0, n - 4), (0, n - 3), (0, n - 2), (0, last),
            (1, last)],
        3: [(n - 3, 0), (n - 2, 0), (last, 0), (0, n - 2), (0, last), (1, last), (2, last),
            (3, last)],
        4: [(last, 0), (last, last), (0, n - 3), (0, n - 2), (0, last), (1, n - 3), (1, n - 2),
            (1, last)],
    }  # fmt: skip

    word, row, col = 0, 4, 0
    while row < n or col < n:
        corner = _corner_at(row, col, n)
        if corner:
            shape(word, corners[corner])
            word += 1
        while row >= 0 and col < n:  # sweep up and to the right
            if row < n and col >= 0 and grid[row][col] is None:
                utah(row, col, word)
                word += 1
            row, col = row - 2, col + 2
        row, col = row + 1, col + 3
        while row < n and col >= 0:  # sweep down and to the left
            if row >= 0 and col < n and grid[row][col] is None:
                utah(row, col, word)
                word += 1
            row, col = row + 2, col - 2
        row, col = row + 3, col + 1
    if grid[n - 1][n - 1] is None:  # the fixed pattern of sizes with a spare corner
        grid[n - 1][n - 1] = grid[n - 2][n - 2] = True
        grid[n - 1][n - 2] = grid[n - 2][n - 1] = False
    return [[bool(cell) for cell in line] for line in grid]


def _corner_at(row: int, col: int, n: int) -> int:
    if row == n and col == 0:
        return 1
    if row == n - 2 and col == 0 and n % 4:
        return 2
    if row == n - 2 and col == 0 and n % 8 == 4:
        return 3
    if row == n + 4 and col == 2 and n % 8 == 0:
        return 4
    return 0


def _symbol(mapping: list[list[bool]], size: _Size) -> Matrix:
    """Split the mapping matrix into data regions and frame each with its finder pattern."""
    inner = (size.side - 2 * size.regions) // size.regions
    step = inner + 2
    rows: list[tuple[bool, ...]] = []
    for y in range(size.side):
        region_row, r = divmod(y, step)
        line: list[bool] = []
        for x in range(size.side):
            region_col, c = divmod(x, step)
            if r == step - 1 or c == 0:  # solid L: bottom row and left column
                line.append(True)
            elif r == 0:  # clock track along the top
                line.append(c % 2 == 0)
            elif c == step - 1:  # clock track down the right
                line.append(r % 2 == 1)
            else:
                line.append(mapping[region_row * inner + r - 1][region_col * inner + c - 1])
        rows.append(tuple(line))
    return tuple(rows)
