"""Rich inputs (带附加内容的工作簿): the sample as it comes back from a bureau that worked on it in Excel or WPS.

`build_rich(path)` copies the bundled sample with xlsxwriter (values, formats, merges, widths, heights,
print setup: an Excel-like package with shared strings and relative part names) and adds what an
openpyxl load and save would lose or mangle:
- a PNG seal (公章) on 整体支出绩效自评表 and a chart beside the form (one drawing part, a media part,
  a chart part);
- data validation on 基础数据表, among it an x14 list in the sheet's <extLst> (what Excel writes for a
  list on another sheet), under an mc:Ignorable root as Excel writes it;
- conditional formatting, a defined name, cell comments (one on a cell perfxlsx flags, one on a label);
- a WPS-style docProps/custom.xml (KSOProductBuildVer) and a customXml item with its properties part.

Used by tests/test_package.py. To look at it:  python -m tests.rich_inputs 富样例.xlsx
"""

from __future__ import annotations

import io
import re
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import openpyxl
import xlsxwriter
from openpyxl.utils import range_boundaries

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "湘西州政府办_2022_基础数据表.xlsx"
BASIC, IE, FORM = "基础数据表", "收支情况", "整体支出绩效自评表"

#: Cells the builder comments on: a cell perfxlsx flags (a 尾差 of 收支情况) and a label nobody flags.
FLAGGED_COMMENT = (IE, "G17", "此处结余含代管资金（财务科 王）")
LABEL_COMMENT = (BASIC, "A1", "表样由财政局下发，请勿改动格式")
DEFINED_NAME = ("三公经费决算", f"={BASIC}!$F$7")
WPS_BUILD = "2052-11.1.0.11294"
X14_URI = "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"
#: The x14 data validation spliced into 基础数据表 (a list on another sheet, as Excel 2010+ writes it).
X14_VALIDATION = (
    f'<extLst><ext uri="{X14_URI}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    f"<x14:formula1><xm:f>{IE}!$A$5:$A$10</xm:f></x14:formula1><xm:sqref>B30</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext></extLst>"
)
MC_ROOT = (
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr"'
    ' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'
    ' xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" xr:uid="{5A2C1B7E-0000-4000-8000-000000000001}"'
)
CUSTOM_XML = {
    "customXml/item1.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n<b:Sources SelectedStyle="\\APASixthEditionOfficeOnline.xsl" '
        'StyleName="APA" Version="6" xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography" '
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"></b:Sources>\r\n'
    ),
    "customXml/itemProps1.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\r\n<ds:datastoreItem ds:itemID="{0A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs>'
        '<ds:schemaRef ds:uri="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"/></ds:schemaRefs>'
        "</ds:datastoreItem>\r\n"
    ),
    "customXml/_rels/item1.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps" '
        'Target="itemProps1.xml"/></Relationships>'
    ),
}


def seal_png(size: int = 96) -> bytes:
    """A red ring with a dot, as a PNG (written by hand: no imaging library needed)."""
    rows = []
    centre, outer, inner = (size - 1) / 2, size / 2 - 2, size / 2 - 9
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            d = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
            on = inner <= d <= outer or d <= size / 10
            row += bytes([200, 16, 16, 230]) if on else bytes([255, 255, 255, 0])
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _format_of(cell) -> dict:
    """xlsxwriter format properties of an openpyxl cell (font, fill, borders, alignment, number format)."""
    spec: dict = {}
    font = cell.font
    if font is not None:
        spec |= {"font_name": font.name or "Calibri", "font_size": font.sz or 11, "bold": bool(font.b)}
    fill = cell.fill
    if fill is not None and fill.fill_type == "solid" and fill.fgColor.type == "rgb":
        spec |= {"pattern": 1, "bg_color": "#" + fill.fgColor.rgb[-6:]}
    for side in ("left", "right", "top", "bottom"):
        if getattr(cell.border, side).style == "thin":
            spec[side] = 1
    align = cell.alignment
    if align.horizontal in ("left", "center", "right"):
        spec["align"] = align.horizontal
    if align.vertical in ("top", "center", "bottom"):
        spec["valign"] = "vcenter" if align.vertical == "center" else align.vertical
    if align.wrap_text:
        spec["text_wrap"] = True
    if cell.number_format != "General":
        spec["num_format"] = cell.number_format
    return spec


def _copy(source: Path, target: Path, extras) -> None:
    """The workbook `source` rewritten by xlsxwriter; `extras(workbook, sheets)` adds to it before closing."""
    original = openpyxl.load_workbook(source)
    book = xlsxwriter.Workbook(str(target), {"strings_to_formulas": False, "strings_to_urls": False})
    formats: dict[tuple, object] = {}

    def fmt(cell):
        spec = _format_of(cell)
        key = tuple(sorted(spec.items()))
        if key not in formats:
            formats[key] = book.add_format(spec)
        return formats[key]

    sheets = {}
    for ws in original.worksheets:
        out = book.add_worksheet(ws.title)
        sheets[ws.title] = out
        merged = {}
        for rng in ws.merged_cells.ranges:
            merged[(rng.min_row, rng.min_col)] = rng
        covered = {(r, c) for rng in ws.merged_cells.ranges for r, c in rng.cells} - set(merged)
        for row in ws.iter_rows():
            for cell in row:
                if (cell.row, cell.column) in covered:
                    continue
                rng = merged.get((cell.row, cell.column))
                value = cell.value
                if rng is not None:
                    r1, c1, r2, c2 = rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1
                    out.merge_range(r1, c1, r2, c2, "", fmt(cell))
                    if value is not None:
                        out.write(r1, c1, value, fmt(cell))
                elif value is None:
                    out.write_blank(cell.row - 1, cell.column - 1, None, fmt(cell))
                else:
                    out.write(cell.row - 1, cell.column - 1, value, fmt(cell))
        for letter, dim in ws.column_dimensions.items():
            if dim.width:
                index = openpyxl.utils.column_index_from_string(letter) - 1
                out.set_column(index, index, dim.width)
        for number, dim in ws.row_dimensions.items():
            if dim.height:
                out.set_row(number - 1, dim.height)
        setup = ws.page_setup
        out.set_paper(9)
        (out.set_landscape if setup.orientation == "landscape" else out.set_portrait)()
        out.fit_to_pages(1, int(setup.fitToHeight or 0))
        margins = ws.page_margins
        out.set_margins(margins.left, margins.right, margins.top, margins.bottom)
        out.set_footer(ws.oddFooter.center.text and "&C" + ws.oddFooter.center.text, {"margin": margins.footer})
        out.center_horizontally()
        out.repeat_rows(0, 1)
        if ws.print_area:
            c1, r1, c2, r2 = range_boundaries(ws.print_area.split("!")[-1].replace("$", ""))
            out.print_area(r1 - 1, c1 - 1, r2 - 1, c2 - 1)
        if ws.row_breaks and ws.row_breaks.brk:
            out.set_h_pagebreaks([b.id for b in ws.row_breaks.brk])
    extras(book, sheets)
    book.close()


def _rich_extras(book, sheets) -> None:
    form, basic = sheets[FORM], sheets[BASIC]
    form.insert_image("E24", "seal.png", {"image_data": io.BytesIO(seal_png()), "x_offset": 120, "y_offset": 2})
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "三公经费",
            "categories": f"='{BASIC}'!$D$6:$F$6",
            "values": f"='{BASIC}'!$D$7:$F$7",
        }
    )
    chart.set_title({"name": "三公经费（万元）"})
    form.insert_chart("K3", chart)
    basic.data_validation(
        "D7:F29", {"validate": "decimal", "criteria": ">=", "value": 0, "error_message": "金额不能为负"}
    )
    basic.conditional_format(
        "D7:F29", {"type": "cell", "criteria": "<", "value": 0, "format": book.add_format({"font_color": "#C00000"})}
    )
    book.define_name(*DEFINED_NAME)
    for sheet, cell, text in (FLAGGED_COMMENT, LABEL_COMMENT):
        sheets[sheet].write_comment(cell, text, {"author": "财政局"})
    book.set_custom_property("KSOProductBuildVer", WPS_BUILD)


def _sheet_part(data: bytes, name: str) -> str:
    """The part of sheet `name` (xlsxwriter names them in order: sheet1.xml …)."""
    book = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml").decode()
    names = re.findall(r'<sheet name="([^"]+)"', book)
    return f"xl/worksheets/sheet{names.index(name) + 1}.xml"


def _patched(data: bytes) -> bytes:
    """What xlsxwriter cannot write: the x14 validation under an mc:Ignorable root, and a customXml item."""
    source = zipfile.ZipFile(io.BytesIO(data))
    basic = _sheet_part(data, BASIC)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == basic:
                text = content.decode()
                text = re.sub(r"(<worksheet [^>]*?)>", lambda m: m.group(1) + MC_ROOT + ">", text, count=1)
                text = re.sub(r'(<row r="\d+")', r'\1 x14ac:dyDescent="0.25"', text)
                content = text.replace("</worksheet>", X14_VALIDATION + "</worksheet>").encode()
            elif info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml" '
                    b'Target="../customXml/item1.xml"/></Relationships>',
                )
            elif info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/customXml/itemProps1.xml" '
                    b'ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/></Types>',
                )
            target.writestr(info, content)
        for name, text in CUSTOM_XML.items():
            target.writestr(name, text.encode())
    return out.getvalue()


def build_rich(path: Path) -> Path:
    """The sample with an image, a chart, x14 data validation, conditional formatting, a defined name,
    comments and extension parts (see the module docstring)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.stem + ".xlsxwriter.xlsx")
    _copy(SAMPLE, scratch, _rich_extras)
    path.write_bytes(_patched(scratch.read_bytes()))
    scratch.unlink()
    return path


if __name__ == "__main__":
    print(build_rich(Path(sys.argv[1] if len(sys.argv) > 1 else "富样例.xlsx")))
