"""Painting a form sheet (表样绘制): merged cells, thin borders, 宋体, wrapped text, A4 print setup.

Only presentation lives here; what goes in the cells is the family modules' business.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

FONT = "宋体"
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

MONEY = "#,##0.00"  # 万元, two decimals
PERCENT = "0.00%"
SCORE = "0.00"

#: style → (font size, bold, horizontal, vertical, bordered)
STYLES = {
    "title": (16, True, "center", "center", False),
    "subtitle": (11, False, "center", "center", False),
    "note": (10, False, "left", "center", False),
    "note_right": (10, False, "right", "center", False),
    "head": (10, True, "center", "center", True),
    "cell": (10, False, "center", "center", True),
    "label": (10, False, "left", "center", True),
    "num": (10, False, "right", "center", True),
    "text": (10, False, "left", "top", True),
}


class Paper:
    """One worksheet being painted; columns are 1-based numbers."""

    def __init__(self, ws: Worksheet, widths: Sequence[float]):
        self.ws = ws
        self.columns = len(widths)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width

    def put(
        self,
        row: int,
        col: int,
        value: object,
        *,
        to: int | None = None,
        down: int | None = None,
        style: str = "cell",
        fmt: str | None = None,
    ) -> str:
        """Write `value` at (row, col), merged to column `to` and row `down`; return the cell's address."""
        last_col, last_row = to or col, down or row
        ws = self.ws
        if (last_col, last_row) != (col, row):
            ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)
        cell = ws.cell(row=row, column=col, value=_excel(value))
        size, bold, horizontal, vertical, bordered = STYLES[style]
        cell.font = Font(name=FONT, size=size, bold=bold)
        cell.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True)
        if fmt:
            cell.number_format = fmt
        if bordered:
            for r in range(row, last_row + 1):
                for c in range(col, last_col + 1):
                    ws.cell(row=r, column=c).border = BORDER
        return cell.coordinate

    def finish(self, last_row: int, landscape: bool = False) -> None:
        """Row heights that show wrapped text, print area, A4 one page wide."""
        ws = self.ws
        fit_row_heights(ws)
        ws.print_area = f"A1:{get_column_letter(self.columns)}{last_row}"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5


def _excel(value: object) -> Any:
    """A Decimal as the float a spreadsheet stores (its repr keeps the decimal digits); others as they are."""
    return float(value) if isinstance(value, Decimal) else value


def _text_width(text: str) -> float:
    """Width in column units at 10 pt: a CJK character about 1.8, others one."""
    return sum(1.8 if ord(ch) > 0x2E80 else 1 for ch in text)


def fit_row_heights(ws: Worksheet, points_per_line: float = 13.5) -> None:
    """Give each row the height its wrapped text needs in its (merged) width; Excel does not for merges."""
    widths = {c: ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1)}
    merged = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            rng = merged.get((cell.row, cell.column))
            first, last = (rng.min_col, rng.max_col) if rng else (cell.column, cell.column)
            rows = rng.max_row - rng.min_row + 1 if rng else 1
            width = max(sum(widths.get(c, 8.43) for c in range(first, last + 1)) - 1, 1)
            size = (cell.font.sz or 10) / 10
            lines = sum(max(1, -(-int(_text_width(part) * size) // int(width))) for part in cell.value.split("\n"))
            needed = (lines * points_per_line * size + 5) / rows
            for r in range(cell.row, cell.row + rows):
                if needed > (ws.row_dimensions[r].height or 15):
                    ws.row_dimensions[r].height = round(needed, 1)
