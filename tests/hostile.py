"""Broken, hostile and odd workbooks (坏文件样例): what arrives by e-mail, USB stick and shared drive.

Each `build_<case>(folder)` writes one file into `folder` and returns its path; CASES in
tests/test_hostile.py says what perfxlsx must answer for each. Most start from the bundled sample
(湘西州政府办 2022) and break it the way files really break — renamed formats, cut-off downloads,
passwords, zip and XML bombs, a million rows, formulas without results, #DIV/0!, hidden sheets.

To look at them (or try them in Excel/WPS):  python tests/hostile.py 坏文件样例/
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import sys
import zipfile
from functools import partial
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import openpyxl

from tests import messy
from tests.messy import BASIC, IE, SAMPLE, cells_of, label_cell, open_sample, put

MB = 1024 * 1024
WORKBOOK_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


# ---- helpers -----------------------------------------------------------------------------------
def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


def rezip(
    source: bytes,
    replace: dict[str, bytes | None] | None = None,
    add: dict[str, bytes] | None = None,
    stored: tuple[str, ...] = (),
) -> bytes:
    """The zip `source` with members replaced (None: removed) and added, as a new zip's bytes."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = replace.get(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
        for name, data in add.items():
            new.writestr(name, data, zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def member(source: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        return archive.read(name).decode("utf-8")


def sheet_xml(rows: int, cols: int = 1, dimension: str | None = "auto", extra: str = "") -> bytes:
    """A worksheet part with `rows` × `cols` numbers, written directly (openpyxl would take seconds)."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, cols + 1)]
    head = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    if dimension == "auto":
        dimension = f"A1:{letters[-1]}{rows}"
    if dimension:
        head += f'<dimension ref="{dimension}"/>'
    body = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{col}{r}"><v>{r * 7 + i}</v></c>' for i, col in enumerate(letters))
        + "</row>"
        for r in range(1, rows + 1)
    )
    return (head + "<sheetData>" + body + "</sheetData>" + extra + "</worksheet>").encode()


def one_sheet_workbook(sheet: bytes) -> bytes:
    """A minimal valid workbook (one sheet named 数据) around the worksheet XML `sheet`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
            f'xml"/><Override PartName="/xl/workbook.xml" ContentType="{WORKBOOK_CT}"/><Override PartName="/xl/'
            'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def saved(folder: Path, name: str, data: bytes) -> Path:
    path = Path(folder) / name
    path.write_bytes(data)
    return path


def saved_workbook(folder: Path, name: str, workbook) -> Path:
    path = Path(folder) / name
    workbook.save(path)
    return path


def patched(folder: Path, name: str, workbook, sheet: str, pattern: str, replacement: str) -> Path:
    """Save `workbook`, then rewrite one cell's XML in `sheet` (what openpyxl cannot write)."""
    path = saved_workbook(folder, name, workbook)
    messy.patch_cell(path, workbook.sheetnames.index(sheet), pattern, replacement)
    return path


def xls_bytes(
    workbook, errors: dict[tuple[str, str], str] | None = None, formula_errors: dict[tuple[str, str], str] | None = None
) -> bytes:
    """The values and merged ranges of an openpyxl workbook as an Excel 97-2003 .xls (xlwt). `errors`
    {(sheet, cell): "#N/A"} are cells holding an error value; `formula_errors` formulas (=1/0) whose
    saved result is that error, as Excel saves one (xlwt saves no result: it is patched in)."""
    import re as _re
    import struct

    import xlwt
    from openpyxl.utils.cell import coordinate_to_tuple

    errors, formula_errors = errors or {}, formula_errors or {}
    codes = {
        "#NULL!": 0x00,
        "#DIV/0!": 0x07,
        "#VALUE!": 0x0F,
        "#REF!": 0x17,
        "#NAME?": 0x1D,
        "#NUM!": 0x24,
        "#N/A": 0x2A,
    }
    special = {(sheet, *coordinate_to_tuple(cell)) for sheet, cell in [*errors, *formula_errors]}
    book = xlwt.Workbook(encoding="utf-8")
    for ws in workbook.worksheets:
        sheet = book.add_sheet(ws.title, cell_overwrite_ok=True)
        covered = set()
        for m in ws.merged_cells.ranges:
            sheet.write_merge(
                m.min_row - 1,
                m.max_row - 1,
                m.min_col - 1,
                m.max_col - 1,
                _xls_value(ws.cell(m.min_row, m.min_col).value),
            )
            covered |= {(r, c) for r in range(m.min_row, m.max_row + 1) for c in range(m.min_col, m.max_col + 1)}
        for row in ws.iter_rows():
            for cell in row:
                if (
                    cell.value is not None
                    and (cell.row, cell.column) not in covered
                    and (ws.title, cell.row, cell.column) not in special
                ):
                    sheet.write(cell.row - 1, cell.column - 1, _xls_value(cell.value))
        for (title, ref), code in errors.items():
            if title == ws.title:
                r, c = coordinate_to_tuple(ref)
                sheet.row(r - 1).set_cell_error(c - 1, codes[code])  # (xlwt's own names map #N/A wrongly)
        for title, ref in formula_errors:
            if title == ws.title:
                r, c = coordinate_to_tuple(ref)
                sheet.write(r - 1, c - 1, xlwt.Formula("1/0"))
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    for (title, ref), code in formula_errors.items():  # FORMULA record: row, col, xf, then the 8-byte result
        r, c = coordinate_to_tuple(ref)
        pattern = _re.compile(
            b"\x06\x00..("
            + _re.escape(struct.pack("<HH", r - 1, c - 1))
            + b"..)"
            + _re.escape(struct.pack("<Q", 0xFFFF000000000003)),
            _re.DOTALL,
        )
        data, n = pattern.subn(
            lambda m, code=code: m.group(0)[:10] + bytes([2, 0, codes[code], 0, 0, 0, 0xFF, 0xFF]), data
        )
        assert n == 1, (title, ref, n)
    return data


def _xls_value(value):
    return "" if value is None else value


def zeros_member(archive: zipfile.ZipFile, name: str, size: int) -> None:
    """A member of `size` zero bytes, streamed (compressed ~1000:1, never held in memory)."""
    with archive.open(name, "w", force_zip64=True) as handle:
        chunk = bytes(MB)
        for _ in range(size // MB):
            handle.write(chunk)


def with_zeros(folder: Path, name: str, size: int) -> Path:
    path = saved(folder, name, sample_bytes())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        zeros_member(archive, "xl/media/image1.bin", size)
    return path


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    + "]>"
)


# ---- formats -----------------------------------------------------------------------------------
def build_xlsx_sample(folder: Path) -> Path:
    """The sample as it ships (the control case: everything works)."""
    return saved(folder, "样例.xlsx", sample_bytes())


def build_xlsm_macro(folder: Path) -> Path:
    """A macro-enabled workbook (.xlsm) with a VBA project: read, the macros never run nor kept."""
    data = sample_bytes()
    types = (
        member(data, "[Content_Types].xml")
        .replace(WORKBOOK_CT, MACRO_CT)
        .replace(
            '<Default Extension="xml"',
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject" /><Default Extension="xml"',
        )
    )
    rels = member(data, "xl/_rels/workbook.xml.rels").replace(
        "</Relationships>",
        '<Relationship Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
        'Target="vbaProject.bin" Id="rIdVBA" /></Relationships>',
    )
    vba = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b'Attribute VB_Name = "Module1"\nSub Auto_Open()\nShell "calc"\nEnd Sub\n'
    )
    return saved(
        folder,
        "带宏.xlsm",
        rezip(
            data,
            {"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode()},
            {"xl/vbaProject.bin": vba},
        ),
    )


def build_xls_legacy(folder: Path) -> Path:
    """The sample saved as Excel 97-2003 (.xls): values and merged ranges (xlwt keeps no styles here)."""
    return saved(folder, "旧版.xls", xls_bytes(open_sample()))


def build_xls_renamed(folder: Path) -> Path:
    """An .xls (or a WPS .et, the same container) renamed to .xlsx."""
    return saved(folder, "改了扩展名的xls.xlsx", xls_bytes(open_sample()))


def build_et_file(folder: Path) -> Path:
    """A WPS 表格 .et file (BIFF in an OLE2 container, as WPS writes it)."""
    return saved(folder, "WPS表格.et", xls_bytes(open_sample()))


def build_ods_renamed(folder: Path) -> Path:
    """An OpenDocument spreadsheet (.ods) renamed to .xlsx."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
            'opendocument:xmlns:office:1.0"><office:body><office:spreadsheet/></office:body>'
            "</office:document-content>",
            zipfile.ZIP_DEFLATED,
        )
        z.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
            zipfile.ZIP_DEFLATED,
        )
    return saved(folder, "其实是ods.xlsx", out.getvalue())


def build_csv_renamed(folder: Path) -> Path:
    """The 基础数据表 exported as CSV (UTF-8 with BOM, as Excel writes it) and renamed to .xlsx."""
    ws = open_sample()[BASIC]
    lines = [",".join("" if v is None else str(v) for v in row) for row in ws.iter_rows(values_only=True)]
    return saved(folder, "其实是csv.xlsx", ("\ufeff" + "\r\n".join(lines)).encode("utf-8"))


def build_docx_renamed(folder: Path) -> Path:
    """A Word document (.docx) renamed to .xlsx."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
            '2006/main"><w:body><w:p><w:r><w:t>自评报告</w:t></w:r></w:p></w:body></w:document>',
        )
    return saved(folder, "其实是Word.xlsx", out.getvalue())


def build_pdf_renamed(folder: Path) -> Path:
    """A PDF (the printed form, scanned back) renamed to .xlsx."""
    return saved(
        folder, "其实是PDF.xlsx", b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
    )


def build_html_export(folder: Path) -> Path:
    """A web page saved as .xls — what many finance systems export (GB18030 text)."""
    html = (
        '<html><head><meta http-equiv=Content-Type content="text/html; charset=gb2312"></head><body>'
        "<table><tr><td>编制数</td><td>146</td></tr></table></body></html>"
    )
    return saved(folder, "系统导出.xls", html.encode("gb18030"))


def build_xml2003(folder: Path) -> Path:
    """An Excel 2003 XML spreadsheet saved with a .xls name."""
    xml = (
        '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:'
        'office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="基础数据表">'
        '<Table><Row><Cell><Data ss:Type="String">编制数</Data></Cell></Row></Table></Worksheet></Workbook>'
    )
    return saved(folder, "XML表格.xls", xml.encode("utf-8"))


def build_xlsb_renamed(folder: Path) -> Path:
    """An Excel binary workbook (.xlsb) renamed to .xlsx."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return saved(folder, "其实是xlsb.xlsx", out.getvalue())


def build_plain_zip(folder: Path) -> Path:
    """A zip archive of the sample (a clerk zipped it for e-mail) renamed to .xlsx."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("湘西州政府办_2022_基础数据表.xlsx", sample_bytes())
    return saved(folder, "压缩包.xlsx", out.getvalue())


def build_empty_file(folder: Path) -> Path:
    """A 0-byte file (a failed download)."""
    return saved(folder, "空文件.xlsx", b"")


def build_encrypted(folder: Path) -> Path:
    """The sample with an opening password (Excel's agile encryption, via msoffcrypto-tool)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(sample_bytes())).encrypt("123456", out)
    return saved(folder, "加密.xlsx", out.getvalue())


# ---- damaged and hostile -----------------------------------------------------------------------
def build_not_a_zip(folder: Path) -> Path:
    """Binary noise with an .xlsx name."""
    noise = bytes((i * 197 + 13) % 256 for i in range(4096))
    return saved(folder, "乱码.xlsx", noise)


def build_truncated(folder: Path) -> Path:
    """The sample cut off at half its size (an interrupted download)."""
    data = sample_bytes()
    return saved(folder, "下载中断.xlsx", data[: len(data) // 2])


def build_truncated_tail(folder: Path) -> Path:
    """The sample missing its last 10 bytes (the zip directory's end)."""
    return saved(folder, "少了结尾.xlsx", sample_bytes()[:-10])


def build_corrupt_member(folder: Path) -> Path:
    """A zip whose directory is intact but one sheet's compressed data is overwritten (bad sector)."""
    data = bytearray(sample_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 20, start + min(info.compress_size, 400), 7):
        data[i] ^= 0x5A
    return saved(folder, "内容损坏.xlsx", bytes(data))


def build_zip_bomb(folder: Path) -> Path:
    """The sample with a 300 MB member of zeros (~300 KB on disk): refused from the zip directory."""
    return with_zeros(folder, "压缩炸弹.xlsx", 300 * MB)


def build_ratio_bomb(folder: Path) -> Path:
    """The sample with a 60 MB member of zeros: under the total limit, but ~1000:1."""
    return with_zeros(folder, "高压缩比.xlsx", 60 * MB)


def build_many_members(folder: Path) -> Path:
    """The sample with 10,001 extra empty members."""
    return saved(folder, "成员过多.xlsx", rezip(sample_bytes(), add={f"xl/media/x{i}.bin": b"" for i in range(10_001)}))


def build_laughs_sheet(folder: Path) -> Path:
    """Billion laughs: an entity-expansion bomb in the first sheet's XML."""
    data = sample_bytes()
    sheet = member(data, "xl/worksheets/sheet1.xml").replace("<v>146</v>", "<v>&lol9;</v>", 1)
    return saved(folder, "实体炸弹_工作表.xlsx", rezip(data, {"xl/worksheets/sheet1.xml": (LAUGHS + sheet).encode()}))


def build_laughs_strings(folder: Path) -> Path:
    """Billion laughs in a shared-strings part the workbook really uses."""
    data = sample_bytes()
    types = member(data, "[Content_Types].xml").replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml" /></Types>',
    )
    rels = member(data, "xl/_rels/workbook.xml.rels").replace(
        "</Relationships>",
        '<Relationship Type="http://schemas.'
        "openxmlformats.org/officeDocument/2006/relationships/"
        'sharedStrings" Target="sharedStrings.xml" Id="rIdS" />'
        "</Relationships>",
    )
    strings = (
        LAUGHS + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
    )
    return saved(
        folder,
        "实体炸弹_共享字符串.xlsx",
        rezip(
            data,
            {"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode()},
            {"xl/sharedStrings.xml": strings.encode()},
        ),
    )


def build_laughs_late(folder: Path) -> Path:
    """Billion laughs after a 100 KB comment, beyond the quick pre-scan: the XML parser (defusedxml) refuses it."""
    data = sample_bytes()
    sheet = member(data, "xl/worksheets/sheet1.xml").replace("<v>146</v>", "<v>&lol9;</v>", 1)
    late = LAUGHS.replace('<?xml version="1.0"?>', '<?xml version="1.0"?><!--' + "x" * 100_000 + "-->")
    return saved(folder, "实体炸弹_靠后.xlsx", rezip(data, {"xl/worksheets/sheet1.xml": (late + sheet).encode()}))


def build_million_rows(folder: Path) -> Path:
    """One cell at row 1,000,000 (the sheet's dimension says so): refused before any cell is loaded."""
    extra = '<row r="1000000"><c r="A1000000"><v>1</v></c></row>'
    xml = sheet_xml(3, 2, dimension="A1:B1000000").replace(b"</sheetData>", extra.encode() + b"</sheetData>")
    return saved(folder, "百万行.xlsx", one_sheet_workbook(xml))


def build_rows_200k(folder: Path) -> Path:
    """200,000 filled rows (a pasted ledger) with an honest dimension: refused before loading."""
    return saved(folder, "二十万行.xlsx", one_sheet_workbook(sheet_xml(200_000)))


def build_rows_no_dimension(folder: Path) -> Path:
    """70,000 filled rows and no <dimension>: loaded (within the size limit), then refused by rows."""
    return saved(folder, "七万行无尺寸.xlsx", one_sheet_workbook(sheet_xml(70_000, dimension=None)))


def build_stray_far_cell(folder: Path) -> Path:
    """The sample with a stray number at row 1,000,000 of 基础数据表 and its dimension left as it was."""
    data = sample_bytes()
    sheet = member(data, "xl/worksheets/sheet1.xml").replace(
        "</sheetData>", '<row r="1000000"><c r="F1000000" t="n"><v>1</v></c></row></sheetData>'
    )
    return saved(folder, "远处一格.xlsx", rezip(data, {"xl/worksheets/sheet1.xml": sheet.encode()}))


def build_wide_columns(folder: Path) -> Path:
    """A cell in column 2,000 of 基础数据表."""
    wb = open_sample()
    wb[BASIC].cell(row=5, column=2000, value="备注")
    return saved_workbook(folder, "超宽.xlsx", wb)


def build_wide_dimension(folder: Path) -> Path:
    """Ten rows whose dimension says they reach column AMK (1,025 columns): refused before loading."""
    return saved(folder, "超宽尺寸.xlsx", one_sheet_workbook(sheet_xml(10, 2, dimension="A1:AMK10")))


def build_tall_four_columns(folder: Path) -> Path:
    """A used range A1:D100000 (four columns): its rows and its columns are both reported as they are."""
    return saved(folder, "十万行四列.xlsx", one_sheet_workbook(sheet_xml(3, 4, dimension="A1:D100000")))


def build_huge_merge(folder: Path) -> Path:
    """A merged range A1:XFD1048576 (openpyxl would make 17 billion cells of it)."""
    data = sample_bytes()
    sheet = member(data, "xl/worksheets/sheet1.xml").replace(
        '<mergeCells count="34">', '<mergeCells count="35"><mergeCell ref="A40:XFD1048576" />'
    )
    return saved(folder, "巨大合并.xlsx", rezip(data, {"xl/worksheets/sheet1.xml": sheet.encode()}))


def build_merge_area(folder: Path) -> Path:
    """Merged ranges within the row/column limits but covering 20 million cells."""
    data = sample_bytes()
    sheet = member(data, "xl/worksheets/sheet1.xml").replace(
        '<mergeCells count="34">', '<mergeCells count="35"><mergeCell ref="H40:ALL20000" />'
    )
    return saved(folder, "合并过多.xlsx", rezip(data, {"xl/worksheets/sheet1.xml": sheet.encode()}))


def build_big_sheet_xml(folder: Path) -> Path:
    """A sheet part of ~24 MB (many small numbers, an understated dimension): refused by its size."""
    return saved(folder, "工作表过大.xlsx", one_sheet_workbook(sheet_xml(60_000, 16, dimension="A1:P10")))


def build_empty_workbook(folder: Path) -> Path:
    """A new, empty workbook (one blank sheet)."""
    return saved_workbook(folder, "空工作簿.xlsx", openpyxl.Workbook())


def build_no_sheets(folder: Path) -> Path:
    """A workbook part with no sheets at all."""
    data = one_sheet_workbook(sheet_xml(1))
    book = member(data, "xl/workbook.xml").replace('<sheet name="数据" sheetId="1" r:id="rId1"/>', "")
    return saved(
        folder, "没有工作表.xlsx", rezip(data, {"xl/workbook.xml": book.encode(), "xl/worksheets/sheet1.xml": None})
    )


def build_unrelated_workbook(folder: Path) -> Path:
    """Someone else's workbook: a staff list, none of the forms."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人员名单"
    ws.append(["姓名", "科室", "电话"])
    ws.append(["张三", "办公室", "0743-1234567"])
    return saved_workbook(folder, "无关表格.xlsx", wb)


# ---- odd content ----------------------------------------------------------------------------------
def _formula_cells(wb) -> dict[str, tuple[str, str, str]]:
    """{key: (sheet, cell, formula)} — formulas a clerk types, each giving the sample's own value."""
    where = cells_of(wb)

    def at(key):
        return where[key][1]

    ie_rows = [cell for key, (_, cell) in where.items() if re.fullmatch(r"ie\.income\.\d+\.total", key)]
    return {
        "basic.funds.sangong.final": (
            BASIC,
            at("basic.funds.sangong.final"),
            "="
            + "+".join(at(f"basic.funds.{k}.final") for k in ("car_purchase", "car_running", "abroad", "reception")),
        ),
        "ie.income.1.total": (
            IE,
            at("ie.income.1.total"),
            f"=SUM({at('ie.income.1.carryover')}:{at('ie.income.1.other')})",
        ),
        "ie.income.summary.total": (IE, at("ie.income.summary.total"), f"=ROUND(SUM({','.join(ie_rows)}), 2)"),
        "basic.funds.project.final": (
            BASIC,
            at("basic.funds.project.final"),
            f"='{IE}'!{at('ie.spending.summary.project')}",
        ),
        "basic.funds.public.budget": (BASIC, at("basic.funds.public.budget"), "=(5250.2)/2*1"),
        "basic.funds.procurement.final": (BASIC, at("basic.funds.procurement.final"), f"=-(-345.78)+{IE}!Z99"),
    }


def build_formulas_uncached(folder: Path) -> Path:
    """Formulas saved without results (openpyxl, some web exports): SUM, + - * /, ROUND, other sheets."""
    wb = open_sample()
    for sheet, cell, formula in _formula_cells(wb).values():
        wb[sheet][cell] = formula
    return saved_workbook(folder, "公式无缓存.xlsx", wb)


def build_formula_cached(folder: Path) -> Path:
    """A formula perfxlsx does not work out (SUMPRODUCT) but saved with its result, as Excel saves: the result is used."""
    wb = open_sample()
    sheet, cell = cells_of(wb)["basic.funds.sangong.final"]
    return patched(
        folder,
        "公式有缓存.xlsx",
        wb,
        sheet,
        rf'(<c r="{cell}"[^>]*?) t="n"(>)<v>([^<]*)</v>',
        r"\1\2<f>SUMPRODUCT(F9:F12)</f><v>\3</v>",
    )


def build_error_values(folder: Path) -> Path:
    """Cached error values as Excel saves them (t="e"): #REF! and #N/A in input cells."""
    wb = open_sample()
    where = cells_of(wb)
    sheet, cell = where["basic.funds.reception.final"]
    path = patched(
        folder, "错误值.xlsx", wb, sheet, rf'(<c r="{cell}"[^>]*?) t="n"(>)<v>[^<]*</v>', r'\1 t="e"\2<v>#REF!</v>'
    )
    sheet, cell = where["ie.income.2.fiscal"]
    messy.patch_cell(
        path, wb.sheetnames.index(sheet), rf'(<c r="{cell}"[^>]*?) t="n"(>)<v>[^<]*</v>', r'\1 t="e"\2<v>#N/A</v>'
    )
    return path


def build_xls_error_values(folder: Path) -> Path:
    """error_values as an old .xls: #REF! as a formula's saved result, #N/A held by the cell itself."""
    wb = open_sample()
    where = cells_of(wb)
    return saved(
        folder,
        "错误值.xls",
        xls_bytes(
            wb,
            errors={where["ie.income.2.fiscal"]: "#N/A"},
            formula_errors={where["basic.funds.reception.final"]: "#REF!"},
        ),
    )


def build_units_in_text(folder: Path) -> Path:
    """Amounts typed with units: `1105.73万元`, `1.293317亿` (= 12933.17 万元), `855,100元`."""
    wb = open_sample()
    where = cells_of(wb)
    put(wb, where, "basic.funds.public.final", "1105.73万元")
    put(wb, where, "ie.assets.summary.total", "1.293317亿")
    put(wb, where, "basic.funds.car_purchase.final", "855,100元")
    return saved_workbook(folder, "带单位.xlsx", wb)


def build_hidden_sheet(folder: Path) -> Path:
    """项目1 hidden (its data still counts)."""
    wb = open_sample()
    wb["项目1"].sheet_state = "hidden"
    return saved_workbook(folder, "隐藏工作表.xlsx", wb)


def build_hidden_rows(folder: Path) -> Path:
    """The 公务接待 row of 基础数据表 hidden."""
    wb = open_sample()
    row = label_cell(wb[BASIC], "3、公务接待").row
    wb[BASIC].row_dimensions[row].hidden = True
    return saved_workbook(folder, "隐藏行.xlsx", wb)


def build_duplicate_sheet(folder: Path) -> Path:
    """基础数据表 copied (Excel's “移动或复制…建立副本”): two sheets claim to be the same form."""
    wb = open_sample()
    copy = wb.copy_worksheet(wb[BASIC])
    copy.title = "基础数据表 (2)"
    return saved_workbook(folder, "重复的表.xlsx", wb)


def build_missing_section(folder: Path) -> Path:
    """The 固定资产 table deleted from 收支情况 (see tests/messy.py, case 10b)."""
    return messy.build_missing_section(Path(folder) / "缺少一节.xlsx")


INJECTED = {"institution": "=2+3机构", "indicator": "@SUM(1,2)", "actual": "-5%", "sheet": "+基础数据表"}


def build_formula_injection(folder: Path) -> Path:
    """Text that starts like a formula (=, +, -, @), typed as text: an institution, an indicator, a sheet name."""
    wb = open_sample()
    ie = wb[IE]
    for row in ie.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and re.sub(r"\s", "", cell.value) in ("1、州政府办本级", "州政府办本级"):
                cell.value = INJECTED["institution"]
                cell.data_type = "s"
    project = wb["项目1"]
    head = label_cell(project, "三级指标")
    name, target, actual = (project.cell(head.row + 1, head.column + i) for i in range(3))
    name.value, target.value, actual.value = INJECTED["indicator"], "≥95%", "-5%"
    name.data_type = actual.data_type = "s"
    wb[BASIC].title = INJECTED["sheet"]
    return saved_workbook(folder, "像公式的文字.xlsx", wb)


# ---- names ---------------------------------------------------------------------------------------
LONG_OK = "湘西自治州人民政府办公室" * 5  # 60 characters: the output name still fits
LONG_TOO = "湘西自治州人民政府办公室" * 6 + "二〇二二年度整体支出"  # 82 characters: its output name is not


def build_spaces_name(folder: Path) -> Path:
    """Chinese, spaces and brackets in the name."""
    return saved(folder, "湘西州 政府办 （2022） 基础数据表 v2.xlsx", sample_bytes())


def build_long_name(folder: Path) -> Path:
    """A 60-character Chinese name (180 bytes)."""
    return saved(folder, f"{LONG_OK}.xlsx", sample_bytes())


def build_longest_name(folder: Path) -> Path:
    """A name near the longest Linux allows (82 Chinese characters, 251 of 255 bytes): `<name>_已填.xlsx`
    would be 258 bytes. (A 200-character Chinese name cannot exist on Linux at all: 600 bytes.)"""
    return saved(folder, f"{LONG_TOO}.xlsx", sample_bytes())


def build_fifo(folder: Path) -> Path:
    """A named pipe called .xlsx (opening it would wait forever for a writer)."""
    path = Path(folder) / "管道.xlsx"
    os.mkfifo(path)
    return path


def build_folder_named_xlsx(folder: Path) -> Path:
    """A folder whose name ends in .xlsx."""
    path = Path(folder) / "文件夹.xlsx"
    path.mkdir()
    (path / "说明.txt").write_text("这是一个文件夹", encoding="utf-8")
    return path


#: Cases that are the sample with one cell typed otherwise: case → (file name, field key, what is typed).
ONE_CELL = {
    # a VLOOKUP without a saved result in 公务接待 本年决算: reported at the cell, not guessed
    "formula_unsupported": ("公式不支持.xlsx", "basic.funds.reception.final", '=VLOOKUP("公务接待",A1:F30,6,FALSE)'),
    # a formula dividing by zero, without a saved result, in 出国经费 本年决算
    "formula_div0": ("公式除零.xlsx", "basic.funds.abroad.final", "=1/0"),
    # #DIV/0! pasted as text into 公用经费 本年决算
    "typed_error_text": ("错误值文本.xlsx", "basic.funds.public.final", "#DIV/0!"),
    # a date where an amount belongs (the cell was formatted as a date)
    "date_in_amount": ("金额是日期.xlsx", "basic.funds.reception.final", dt.datetime(2022, 12, 31)),
    # TRUE where an amount belongs
    "bool_in_amount": ("金额是逻辑值.xlsx", "basic.funds.car_running.final", True),
    # `约22` where 公务接待 本年决算 belongs: an approximate number is reported, never guessed
    "approx_text": ("约数.xlsx", "basic.funds.reception.final", "约22"),
}


def build_one_cell(case: str, folder: Path) -> Path:
    """The sample with the one cell of ONE_CELL[case] typed otherwise."""
    name, key, value = ONE_CELL[case]
    wb = open_sample()
    put(wb, cells_of(wb), key, value)
    return saved_workbook(folder, name, wb)


BUILDERS = {
    name[len("build_") :]: fn
    for name, fn in sorted(globals().items())
    if name.startswith("build_") and name != "build_one_cell" and callable(fn)
}
BUILDERS.update({case: partial(build_one_cell, case) for case in ONE_CELL})
BUILDERS = dict(sorted(BUILDERS.items()))


def build_all(folder: Path) -> dict[str, Path]:
    """Write every case into `folder` (emptied of earlier ones); {case: path}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, build in BUILDERS.items():
        sub = folder / name
        if sub.exists():
            shutil.rmtree(sub)
        sub.mkdir()
        out[name] = build(sub)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("用法：python tests/hostile.py 输出文件夹")
    for name, made in build_all(Path(sys.argv[1])).items():
        print(f"{name}\t{made}")
