"""新增工作表的 XML (an added sheet written as sheet XML): an AddedSheet as a worksheet part.

The cells are written with inline strings (the input's sharedStrings.xml is left alone) and with the style
index `xf_of(look, number_format)` gives: StyleSheet.look_xf appends each look to the input's styles.xml
once. The elements follow the order of the schema (CT_Worksheet); the print titles and the filter range
are sheet-local defined names, given back as XML for workbook_xml.set_local_names.
"""

from __future__ import annotations

from collections.abc import Callable

from ..added_sheet import AddedSheet, Look
from ..sheet_style import MARGINS
from . import xmltext as X

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A4_PAPER = 9


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def ref(row: int, col: int, absolute: bool = False) -> str:
    mark = "$" if absolute else ""
    return f"{mark}{column_letter(col)}{mark}{row}"


def _number(value: float | int) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _cell(at: str, value: object, style: int) -> str:
    at = f'r="{at}"' + (f' s="{style}"' if style else "")
    if value is None or value == "":  # an empty text is an empty cell, as Excel keeps it
        return f"<c {at}/>"
    if isinstance(value, int | float):
        return f"<c {at}><v>{_number(value)}</v></c>"
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'<c {at} t="inlineStr"><is><t{space}>{X.escape(text)}</t></is></c>'


def sheet_xml(sheet: AddedSheet, xf_of: Callable[[Look | None, str], int]) -> str:
    """The worksheet part of `sheet`; `xf_of(look, number_format)` is the cell format index (0: none)."""
    last_row, last_col = max(sheet.max_row, 1), max(sheet.max_col, 1)
    out = [f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">']
    out.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
    out.append(f'<dimension ref="A1:{ref(last_row, last_col)}"/>')
    if sheet.title_rows:
        below = ref(sheet.title_rows[1] + 1, 1)
        out.append(
            '<sheetViews><sheetView workbookViewId="0">'
            f'<pane ySplit="{sheet.title_rows[1]}" topLeftCell="{below}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="{below}" sqref="{below}"/></sheetView></sheetViews>'
        )
    else:
        out.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
    out.append('<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>')
    if sheet.widths:
        out.append("<cols>")
        out += [
            f'<col min="{c}" max="{c}" width="{_number(w)}" customWidth="1"/>'
            for c, w in enumerate(sheet.widths, start=1)
        ]
        out.append("</cols>")
    out.append("<sheetData>")
    cells: dict[int, list[int]] = {}
    for r, c in set(sheet.values) | set(sheet.looks):
        cells.setdefault(r, []).append(c)
    letters = [""] + [column_letter(c) for c in range(1, last_col + 1)]
    styles: dict[tuple[int, str], int] = {}  # by the look's identity: a few looks serve every cell
    for r in sorted(set(cells) | set(sheet.heights)):
        height = sheet.heights.get(r)
        out.append(f'<row r="{r}"' + (f' ht="{_number(height)}" customHeight="1">' if height else ">"))
        for c in sorted(cells.get(r, ())):
            look, number_format = sheet.looks.get((r, c)), sheet.formats.get((r, c), "General")
            key = (id(look), number_format)
            if key not in styles:
                styles[key] = xf_of(look, number_format)
            out.append(_cell(f"{letters[c]}{r}", sheet.values.get((r, c)), styles[key]))
        out.append("</row>")
    out.append("</sheetData>")
    if sheet.auto_filter:
        r1, c1, r2, c2 = sheet.auto_filter
        out.append(f'<autoFilter ref="{ref(r1, c1)}:{ref(r2, c2)}"/>')
    if sheet.merges:
        out.append(f'<mergeCells count="{len(sheet.merges)}">')
        out += [f'<mergeCell ref="{ref(r1, c1)}:{ref(r2, c2)}"/>' for r1, c1, r2, c2 in sheet.merges]
        out.append("</mergeCells>")
    if sheet.links:
        out.append("<hyperlinks>")
        out += [
            f'<hyperlink ref="{ref(r, c)}" location="{X.escape(place, True)}"/>'
            for (r, c), place in sorted(sheet.links.items())
        ]
        out.append("</hyperlinks>")
    margins = " ".join(f'{side}="{_number(inches)}"' for side, inches in MARGINS.items())
    out.append(f"<pageMargins {margins}/>")
    out.append(f'<pageSetup paperSize="{A4_PAPER}" orientation="{sheet.orientation}" fitToWidth="1" fitToHeight="0"/>')
    if sheet.footer:
        out.append(f"<headerFooter><oddFooter>{X.escape(sheet.footer)}</oddFooter></headerFooter>")
    out.append("</worksheet>")
    return "".join(out)


def local_names(sheet: AddedSheet) -> list[str]:
    """The sheet-local defined names (XML, without localSheetId): print titles, and the filter's range."""
    quoted = "'" + sheet.name.replace("'", "''") + "'"
    names = []
    if sheet.auto_filter:
        r1, c1, r2, c2 = sheet.auto_filter
        place = f"{quoted}!{ref(r1, c1, True)}:{ref(r2, c2, True)}"
        names.append(f'<definedName name="_xlnm._FilterDatabase" hidden="1">{X.escape(place)}</definedName>')
    if sheet.title_rows:
        first, last = sheet.title_rows
        names.append(f'<definedName name="_xlnm.Print_Titles">{X.escape(f"{quoted}!${first}:${last}")}</definedName>')
    return names
