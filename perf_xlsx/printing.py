"""Printing the forms (打印设置): A4, one page wide, and pages that break between blocks, never inside one.

Spreadsheets print a sheet at one scale for all its pages: with "fit to 1 page wide" it is the printable
width over the sheet's width. A form then fits on one page when its rows, at that scale, are no taller
than the printable height; shrinking further to make it fit is allowed down to the scale at which the
body text is still `min_font` points (9 pt: 小五, the smallest size official forms print). Otherwise the
sheet prints on as many pages as it needs, and manual page breaks are set so that each page ends at
the end of a block (a table with its title and header rows, a group of indicator rows): no table is
split away from its header, and the header rows repeat on every page (print titles).

Sizes are estimated as Excel and LibreOffice lay them out: a column of width w (in characters of the
default font, Calibri 11 → 7 px) is w·7+5 pixels, 0.75 pt each; a row without a height is 15 pt.
Neither program grows rows of a written file, so the heights the template sets are the heights printed.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break, RowBreak

A4 = (595.0, 842.0)  # points, portrait
INCH = 72.0
#: Margins in inches: left/right, top, bottom (room for the page footer), header/footer distance.
MARGINS = {"side": 0.4, "top": 0.4, "bottom": 0.55, "header": 0.2, "footer": 0.2}
PAGE_FOOTER = "第 &P 页，共 &N 页"
DEFAULT_ROW = 15.0
#: Spreadsheets lay a column out a little wider than w·7+5 px (LibreOffice with Carlito, Calibri's metric twin,
#: by about 1%): the width is taken 3% larger, so that a sheet planned one page wide never spills a column.
WIDTH_SAFETY = 1.03


@dataclass(frozen=True)
class Plan:
    """How a sheet prints: its scale, whether it is forced onto one page, and the rows after which a new
    page begins."""

    scale: float
    one_page: bool
    breaks: tuple[int, ...]


def printable(orientation: str) -> tuple[float, float]:
    """Printable width and height of an A4 page in points, inside MARGINS."""
    width, height = A4 if orientation != "landscape" else (A4[1], A4[0])
    return (
        width - 2 * MARGINS["side"] * INCH,
        height - (MARGINS["top"] + MARGINS["bottom"]) * INCH,
    )


def column_points(width: float | None) -> float:
    """A column's width in points (Excel's character width → pixels → points)."""
    return ((width if width is not None else 8.43) * 7 + 5) * 0.75


def sheet_width(ws, columns: int) -> float:
    return sum(column_points(ws.column_dimensions[get_column_letter(c)].width) for c in range(1, columns + 1))


def row_height(ws, row: int) -> float:
    return ws.row_dimensions[row].height or DEFAULT_ROW


def plan(
    ws,
    columns: int,
    last_row: int,
    orientation: str,
    blocks: list[tuple[int, int]],
    title_rows: int,
    font_size: float,
    min_font: float = 9.0,
    one_page: bool = False,
) -> Plan:
    """The print plan of rows 1..last_row: one page when `one_page` is wanted and the text stays ≥ min_font;
    otherwise page breaks between `blocks` (row ranges kept together), the first `title_rows` repeated."""
    page_width, page_height = printable(orientation)
    scale = min(1.0, page_width / (sheet_width(ws, columns) * WIDTH_SAFETY))
    heights = {r: row_height(ws, r) for r in range(1, last_row + 1)}
    total = sum(heights.values())
    if one_page:
        fit = min(scale, page_height / total)
        if fit * font_size >= min_font:
            return Plan(fit, True, ())
    usable = page_height / scale
    repeated = sum(heights[r] for r in range(1, title_rows + 1))
    breaks: list[int] = []
    used = 0.0
    starts = {first: last for first, last in blocks}
    r = 1
    while r <= last_row:
        last = starts.get(r, r)
        size = sum(heights[x] for x in range(r, last + 1))
        room = usable - (repeated if breaks else 0)
        if used and used + size > room:
            breaks.append(r - 1)
            used = repeated
        used += size
        r = last + 1
    return Plan(scale, False, tuple(breaks))


def apply(ws, layout_orientation: str, last_column: int, last_row: int, title_rows: int, p: Plan) -> None:
    """Write a plan into the sheet's page setup: A4; fitted to one page, or at the plan's scale (one page
    wide) with its manual breaks; print area, print titles, centred, and the footer 第 N 页，共 M 页."""
    ws.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    ws.print_title_rows = f"1:{title_rows}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = layout_orientation
    if p.one_page:
        ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:  # a fixed scale: Excel and LibreOffice ignore manual page breaks on a sheet fitted to pages
        ws.page_setup.scale = max(10, int(p.scale * 100))
        ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = MARGINS["side"]
    ws.page_margins.top, ws.page_margins.bottom = MARGINS["top"], MARGINS["bottom"]
    ws.page_margins.header, ws.page_margins.footer = MARGINS["header"], MARGINS["footer"]
    ws.oddFooter.center.text = PAGE_FOOTER
    ws.oddFooter.center.size = 9
    ws.row_breaks = RowBreak()
    for row in p.breaks:
        ws.row_breaks.append(Break(id=row))
