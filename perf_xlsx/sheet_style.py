"""Styling and print setup of the sheets perfxlsx adds (生成表格式与打印设置): 审核结果, 计算过程.

Clerks print these sheets, check them and stamp them, so they are laid out for paper:

- A4 landscape, one page wide and as many pages tall as needed (fitToWidth 1, fitToHeight 0); both sheets
  are landscape because their columns of text (formulas with the values put in) need the width;
- the title and header rows repeated on every page, and a footer “第 1 页，共 3 页”;
- 9 pt 宋体 printed at full size: the columns add up to no more than the page's printable width (see
  `page_chars`), so fitting the sheet to the page never shrinks the text;
- text wrapped, and each row as tall as its text (`fit_rows`): neither Excel nor LibreOffice grows the rows
  of a file it opens, so a row left at the default height would show one line of a long formula.

Setting a font or border on a cell makes openpyxl hash and index a style object every time; styling
one prototype cell per look and copying its style index is the same result, many times faster.

Everything here works on a worksheet alone (print setup, print titles, margins and footer live on it), so
the sheets can be built in any openpyxl workbook and carried into the output.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from copy import copy
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .derive import rounded
from .layout import NUMBER_FORMATS, YUAN
from .template import FONT

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

#: The size of all text below the title (pt); printed at full size, never shrunk to fit.
FONT_SIZE = 9
#: Height of one line of wrapped text per pt of font size (宋体 and the CJK fonts standing in for it: 1.3 em),
#: and the padding of a row above and below its text (pt).
LINE_SPACING = 1.3
ROW_PADDING = 3.0
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


def put_number(cell, value, type_: str = "amount", scale: Decimal = Decimal(1), exact: bool = False) -> None:
    """Write `value` into `cell` as `number` gives it (after style_table, which sets every cell's look)."""
    cell.value, fmt = number(value, type_, scale, exact)
    if fmt != "General":
        cell.number_format = fmt


# ---- sizes -------------------------------------------------------------------------------------------
def text_width(text: str) -> int:
    """Display width of text in characters: a CJK character (and the punctuation CJK fonts draw as wide as
    one, “”、×…) counts 2, any other 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1 for ch in text)


def lines(value, width: float, size: float = FONT_SIZE) -> int:
    """Lines a value takes wrapped in a column `width` characters wide, in text of `size` pt."""
    if value is None or isinstance(value, int | float):
        return 1
    scale = size / FONT_SIZE  # the width counts characters of 9 pt text
    return sum(max(1, math.ceil(text_width(part) * scale / max(width, 1))) for part in str(value).split("\n"))


def row_height(count: int, size: float = FONT_SIZE) -> float:
    """Points for `count` lines of text of `size` pt."""
    return min(MAX_ROW_HEIGHT, round(count * size * LINE_SPACING + ROW_PADDING, 2))


def fit_rows(ws, first_row: int) -> None:
    """Each row from `first_row` on as tall as its tallest cell's wrapped text (all 9 pt)."""
    widths = [
        ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1)
    ]  # 8.43: a column of no set width
    for r, row in enumerate(ws.iter_rows(min_row=first_row, values_only=True), start=first_row):
        ws.row_dimensions[r].height = row_height(max(lines(v, w) for v, w in zip(row, widths, strict=False)))


def fit_title(ws, text: str, size: float) -> None:
    """Row 1: the title across all the columns, as tall as its text of `size` pt."""
    total = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1))
    ws.row_dimensions[1].height = row_height(lines(text, total, size), size)


def set_widths(ws, widths: Sequence[float]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def widen_for_numbers(ws, widths: Sequence[float], number_columns: list[int], give: int, first_row: int) -> list[float]:
    """Widths with each column of numbers (1-based) wide enough for its widest number, the room taken from
    column `give` (a column of wrapping text), so the total stays within the page."""
    widths = list(widths)
    for col in number_columns:
        need = max(
            (
                shown_width(c.value, c.number_format) + 1
                for (c,) in ws.iter_rows(min_row=first_row, min_col=col, max_col=col)
            ),
            default=0,
        )
        extra = max(0, need - widths[col - 1])
        widths[col - 1] += extra
        widths[give - 1] = max(12, widths[give - 1] - extra)
    return widths


# ---- look and print ----------------------------------------------------------------------------------
def _as_text(cell) -> None:
    """Text copied from an input that starts like a formula (=, +, -, @) stays text."""
    if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"


def style_table(ws, header_row: int = 2) -> None:
    """Header row bold and centred, body rows wrapped and top-aligned, all bordered; 9 pt 宋体.
    Each cell keeps its number format."""
    looks = {}

    def look(cell, header: bool):
        if header not in looks:
            cell.font = Font(name=FONT, size=FONT_SIZE, bold=header)
            cell.border = BORDER
            cell.alignment = (
                Alignment(horizontal="center", vertical="center", wrap_text=True)
                if header
                else Alignment(vertical="top", wrap_text=True)
            )
            looks[header] = cell._style
        else:
            number_format = cell._style.numFmtId if cell.has_style else 0
            cell._style = copy(looks[header])
            cell._style.numFmtId = number_format

    for row in ws.iter_rows(min_row=header_row):
        for cell in row:
            _as_text(cell)
            look(cell, cell.row == header_row)


def print_setup(ws, orientation: str = "landscape", title_rows: str = "1:2") -> None:
    """A4, one page wide and as many tall as needed, title rows on every page, page footer, header frozen."""
    ws.print_title_rows = title_rows
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)
    footer = ws.oddFooter.center
    footer.text, footer.font, footer.size = FOOTER, f"{FONT},Regular", FONT_SIZE
    ws.freeze_panes = f"A{int(title_rows.split(':')[1]) + 1}"
