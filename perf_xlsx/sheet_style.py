"""Styling and print setup of the sheets perfxlsx adds (生成表格式与打印设置): 审核结果, 计算过程.

Clerks print these sheets, check them and stamp them, so they are laid out for paper:

- A4 landscape, one page wide and as many pages tall as needed (fitToWidth 1, fitToHeight 0); both sheets
  are landscape because their columns of text (formulas with the values put in) need the width;
- the title and header rows repeated on every page, and a footer “第 1 页，共 3 页”;
- 9 pt 宋体 printed at full size: the columns add up to no more than the page's printable width (see
  `page_chars`), so fitting the sheet to the page never shrinks the text;
- text wrapped, and each row as tall as its text (`fit_rows`): neither Excel nor LibreOffice grows the rows
  of a file it opens, so a row left at the default height would show one line of a long formula.

Everything here works on an AddedSheet (added_sheet.py), the data package/sheet_xml.py writes out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from .added_sheet import FONT, AddedSheet, Look
from .derive import rounded
from .layout import NUMBER_FORMATS, YUAN
from .text_layout import LINE_PT, OTHER_PX, ROW_PADDING_PT, wrapped_lines

#: The size of all text below the title (pt); printed at full size, never shrunk to fit.
FONT_SIZE = 9
#: Excel's tallest row (pt).
MAX_ROW_HEIGHT = 409.0

#: Page footer: 第 1 页，共 3 页 (&P: this page, &N: number of pages).
FOOTER = "第 &P 页，共 &N 页"
#: Margins in inches: narrow at the sides (7.6 mm, within what every printer prints) to leave room for the text.
MARGINS = {"left": 0.3, "right": 0.3, "top": 0.5, "bottom": 0.6, "header": 0.25, "footer": 0.25}
#: A4 in inches (portrait width, height).
A4 = (210 / 25.4, 297 / 25.4)
#: The widest character a column width may count in (px): a column `w` characters wide is `w × this + 5` px
#: wide, the character being the digit of the workbook's default font — 7 px for Calibri/等线 11, 8 px for
#: 宋体 12. Sizing for 8 px keeps the columns within the page whatever the default font of the workbook.
CHAR_PX = 8
_PX_PER_INCH = 96


def page_chars(columns: int, orientation: str = "landscape") -> int:
    """How many characters of column width fit across an A4 page between the margins, for `columns` columns."""
    width = A4[1] if orientation == "landscape" else A4[0]
    px = (width - MARGINS["left"] - MARGINS["right"]) * _PX_PER_INCH - 5 * columns
    return int(px // CHAR_PX)


# ---- values ------------------------------------------------------------------------------------------
#: 允许误差 keeps its exact value (half a unit of the last place: 0.005, 0.015): shown with up to 4 decimals.
TOLERANCE_FORMAT = "#,##0.00##"
_CENT = Decimal("0.01")


def number(value, type_: str = "amount", scale: Decimal = Decimal(1), exact: bool = False) -> tuple[object, str]:
    """A value as a cell of an added sheet holds it, and its number format (the forms' own, NUMBER_FORMATS):
    amounts in the unit of the sheet they are on (÷ scale: 元 on a 元 sheet) rounded to 2 decimals (`exact`:
    unrounded, up to 4 shown), rates as fractions rounded to 0.01 %, scores to 2 decimals, counts whole;
    text (a grade, a list of values) as it is."""
    if value is None or isinstance(value, str):
        return value, "General"
    value = Decimal(value)
    if type_ in ("amount", "area"):
        value = value / scale if type_ == "amount" else value
        if exact:
            return float(value), TOLERANCE_FORMAT
        return float(value.quantize(_CENT, ROUND_HALF_UP)), NUMBER_FORMATS[type_]
    if type_ in ("rate", "score"):
        return float(rounded(value, type_)), NUMBER_FORMATS[type_]
    if type_ == "count" and value == value.to_integral_value():
        return int(value), NUMBER_FORMATS["count"]
    return float(value), "General"


def unit_name(type_: str, scale: Decimal = Decimal(1)) -> str:
    """The 单位 of a row's values: 万元 or 元 (the unit of the sheet the amount is on), ㎡, 分; a rate shows its %."""
    if type_ == "amount":
        return "元" if scale == YUAN else "万元"
    return {"area": "㎡", "score": "分"}.get(type_, "")


def shown_width(value, number_format: str) -> int:
    """Characters a number takes as its format shows it (numbers never wrap: too narrow a column shows ###)."""
    if not isinstance(value, int | float):
        return 0
    if number_format.endswith("%"):
        text = f"{value * 100:.2f}%"
    elif number_format == TOLERANCE_FORMAT:
        text = f"{value:,.4f}"
    elif number_format.startswith("#,##0"):
        text = f"{value:,.2f}"
    elif number_format == "0.00":
        text = f"{value:.2f}"
    else:
        text = str(value)
    return len(text)


def put_number(
    sheet: AddedSheet,
    row: int,
    col: int,
    value,
    type_: str = "amount",
    scale: Decimal = Decimal(1),
    exact: bool = False,
) -> None:
    """Write `value` into a cell as `number` gives it, with its number format."""
    shown, fmt = number(value, type_, scale, exact)
    sheet.put(row, col, shown)
    if fmt != "General":
        sheet.formats[(row, col)] = fmt
    else:
        sheet.formats.pop((row, col), None)


# ---- sizes -------------------------------------------------------------------------------------------
#: East Asian widths that take two columns: wide, full-width, and ambiguous (“”、×…, which CJK fonts draw wide).
_WIDE = ("W", "F", "A")
#: The blocks where every character is wide (CJK punctuation, kana, ideographs, Hangul, private use,
#: full-width forms): counted by one pattern; any other character outside ASCII is looked up by itself.
WIDE_BLOCKS = re.compile(
    "[\u2e5e-\u303e\u3040-\u4dbf\u4e00-\ua4cf\uabfa-\ud7af\ue000-\ufaff\uff01-\uff60\uffe0-\uffe6]"
)

_NOT_ASCII = re.compile("[^\x00-\x7f]")


def text_width(text: str) -> int:
    """Display width of text in characters: a CJK character (and the punctuation CJK fonts draw as wide as
    one, “”、×…) counts 2, any other 1."""
    if text.isascii():
        return len(text)
    rest = WIDE_BLOCKS.sub("", text)
    width = len(text) + len(text) - len(rest)
    if not rest.isascii():
        width += sum(1 for ch in _NOT_ASCII.findall(rest) if unicodedata.east_asian_width(ch) in _WIDE)
    return width


def lines(value, width: float, size: float = FONT_SIZE) -> int:
    """Lines a value takes wrapped in a column `width` characters wide, in text of `size` pt, as LibreOffice
    lays it out (text_layout.wrapped_lines; the column is as wide as with the narrowest default font, so the
    count is never short)."""
    if value is None or isinstance(value, int | float):
        return 1
    return wrapped_lines(str(value), width * OTHER_PX + 5, size)


def row_height(count: int, size: float = FONT_SIZE) -> float:
    """Points for `count` lines of text of `size` pt (text_layout's line height and padding)."""
    return min(MAX_ROW_HEIGHT, round(count * LINE_PT * size / 10 + ROW_PADDING_PT, 2))


def fit_rows(sheet: AddedSheet, first_row: int) -> None:
    """Each row from `first_row` on as tall as its tallest cell's wrapped text (all 9 pt)."""
    widths = _widths(sheet)
    rows: dict[int, int] = {}
    for (r, c), value in sheet.values.items():
        if r >= first_row:
            rows[r] = max(rows.get(r, 1), lines(value, widths[c - 1]))
    for r in range(first_row, sheet.max_row + 1):
        sheet.heights[r] = row_height(rows.get(r, 1))


def _widths(sheet: AddedSheet) -> list[float]:
    """Every column's width up to the last one used (8.43: a column of no set width)."""
    return [sheet.widths[c - 1] if c <= len(sheet.widths) else 8.43 for c in range(1, sheet.max_col + 1)]


def fit_title(sheet: AddedSheet, text: str, size: float) -> None:
    """Row 1: the title across all the columns, as tall as its text of `size` pt."""
    sheet.heights[1] = row_height(lines(text, sum(_widths(sheet)), size), size)


def widen_for_numbers(
    sheet: AddedSheet, widths: Sequence[float], number_columns: list[int], give: int, first_row: int
) -> list[float]:
    """Widths with each column of numbers (1-based) wide enough for its widest number, the room taken from
    column `give` (a column of wrapping text), so the total stays within the page."""
    widths = list(widths)
    for col in number_columns:
        need = max(
            (
                shown_width(value, sheet.formats.get((r, c), "General")) + 1
                for (r, c), value in sheet.values.items()
                if c == col and r >= first_row
            ),
            default=0,
        )
        extra = max(0, need - widths[col - 1])
        widths[col - 1] += extra
        widths[give - 1] = max(12, widths[give - 1] - extra)
    return widths


# ---- look and print ----------------------------------------------------------------------------------
#: The header row: bold and centred; the body: wrapped and top-aligned; all bordered, 9 pt 宋体.
HEADER_LOOK = Look(size=FONT_SIZE, bold=True, horizontal="center", vertical="center")
BODY_LOOK = Look(size=FONT_SIZE)


def style_table(sheet: AddedSheet, header_row: int = 2) -> None:
    """Every cell of the table from `header_row` to the last row and column, empty ones too (for the
    borders): the header row HEADER_LOOK, the rest BODY_LOOK."""
    columns = range(1, sheet.max_col + 1)
    looks = sheet.looks
    for r in range(header_row, sheet.max_row + 1):
        look = HEADER_LOOK if r == header_row else BODY_LOOK
        looks.update({(r, c): look for c in columns})


def print_setup(sheet: AddedSheet, orientation: str = "landscape", title_rows: tuple[int, int] = (1, 2)) -> None:
    """A4, one page wide and as many tall as needed, title rows on every page (and frozen), page footer."""
    sheet.orientation = orientation
    sheet.title_rows = title_rows
    sheet.footer = f'&C&"{FONT},Regular"&{FONT_SIZE}{FOOTER}'
