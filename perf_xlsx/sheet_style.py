"""Styling of the sheets perfxlsx adds (生成表格式): 审核结果, 计算过程.

Setting a font or border on a cell makes openpyxl hash and index a style object every time; styling
one prototype cell per look and copying its style index is the same result, many times faster.
"""

from __future__ import annotations

from copy import copy

from openpyxl.styles import Alignment, Border, Font, Side

from .template import FONT

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _as_text(cell) -> None:
    """Text copied from an input that starts like a formula (=, +, -, @) stays text."""
    if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"


def style_table(ws, header_row: int = 2) -> None:
    """Header row bold and centred, body rows wrapped and top-aligned, all bordered; 9 pt 宋体."""
    looks = {}

    def look(cell, header: bool):
        if header not in looks:
            cell.font = Font(name=FONT, size=9, bold=header)
            cell.border = BORDER
            cell.alignment = (
                Alignment(horizontal="center", vertical="center", wrap_text=True)
                if header
                else Alignment(vertical="top", wrap_text=True)
            )
            looks[header] = cell._style
        else:
            cell._style = copy(looks[header])

    for row in ws.iter_rows(min_row=header_row):
        for cell in row:
            _as_text(cell)
            look(cell, cell.row == header_row)


def print_landscape(ws, title_rows: str = "1:2") -> None:
    """A4 landscape, one page wide, title rows repeated, header frozen."""
    ws.print_title_rows = title_rows
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.freeze_panes = "A3"
