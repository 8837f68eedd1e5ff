"""The clerk's own content (经办人自己的内容): workbooks carrying what issue 16 found lost or replaced.

- `with_clerk_sheets`: sheets of the clerk's named 审核结果 and 计算过程, one referred to by a formula on
  基础数据表 (as .xlsx, or as .xls through hostile.xls_bytes);
- `with_external_link`: a formula on 基础数据表 referring to another workbook (`=[1]Sheet1!A1`, cached 22),
  with its externalLink part, the part's .rels, workbook.xml's <externalReferences> and the content type;
- `utf16_styles`: a package the patcher leaves to openpyxl (styles.xml in UTF-16: XML allows it);
- `strict`: a package saved as Strict Open XML (ISO 29500 strict namespaces), as Excel's
  "Strict Open XML 电子表格" writes it.

To look at them:  python -m tests.clerk_content 文件夹
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import openpyxl

from tests.hostile import member, rezip, xls_bytes

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "湘西州政府办_2022_基础数据表.xlsx"
BASIC = "基础数据表"
#: The clerk's sheets: (name, cell, value), and the formula on 基础数据表 that refers to one of them.
CLERK_SHEETS = (("审核结果", "B2", 22), ("计算过程", "C3", 7))
CLERK_TITLES = {"审核结果": "科长审核意见", "计算过程": "本科室的测算"}
CLERK_FORMULA = (BASIC, "H3", "=审核结果!B2*2")
#: The cell of 基础数据表 that refers to another workbook, its formula and its cached value.
LINK_CELL, LINK_FORMULA, LINK_VALUE = "H3", "[1]Sheet1!A1", "22"
LINK_PART = "xl/externalLinks/externalLink1.xml"
LINK_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def clerk_workbook() -> openpyxl.Workbook:
    """The sample with the clerk's 审核结果 and 计算过程 sheets, and a formula referring to 审核结果."""
    wb = openpyxl.load_workbook(SAMPLE)
    for name, cell, value in CLERK_SHEETS:
        ws = wb.create_sheet(name)
        ws["A1"] = CLERK_TITLES[name]
        ws[cell] = value
    sheet, cell, formula = CLERK_FORMULA
    wb[sheet][cell] = formula
    return wb


def with_clerk_sheets(folder: Path, legacy: bool = False) -> Path:
    """自制.xlsx (or 自制.xls: values only, as .xls files come) with the clerk's sheets."""
    folder.mkdir(parents=True, exist_ok=True)
    wb = clerk_workbook()
    if legacy:
        path = folder / "自制.xls"
        path.write_bytes(xls_bytes(wb))
        return path
    path = folder / "自制.xlsx"
    wb.save(path)
    return path


def external_link(data: bytes) -> bytes:
    """The package `data` with 基础数据表!H3 = [1]Sheet1!A1 (cached 22), linked to 其他单位.xlsx."""
    sheet = member(data, "xl/worksheets/sheet1.xml")
    sheet = sheet.replace('<dimension ref="A1:F31" />', '<dimension ref="A1:H31" />')
    sheet, n = re.subn(
        r'(<row r="3"[^>]*>.*?)(</row>)',
        rf'\1<c r="{LINK_CELL}"><f>{LINK_FORMULA}</f><v>{LINK_VALUE}</v></c>\2',
        sheet,
        count=1,
    )
    assert n == 1
    book = member(data, "xl/workbook.xml").replace(
        "</sheets>", '</sheets><externalReferences><externalReference r:id="rId99" /></externalReferences>'
    )
    rels = member(data, "xl/_rels/workbook.xml.rels").replace(
        "</Relationships>",
        f'<Relationship Type="{RT}/externalLink" Target="externalLinks/externalLink1.xml" Id="rId99" /></Relationships>',
    )
    types = member(data, "[Content_Types].xml").replace(
        "</Types>", f'<Override PartName="/{LINK_PART}" ContentType="{LINK_CT}" /></Types>'
    )
    link = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{RT}"><externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
        '<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>22</v></cell></row></sheetData>'
        "</sheetDataSet></externalBook></externalLink>"
    )
    link_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RT}/externalLinkPath" Target="其他单位.xlsx" TargetMode="External"/>'
        "</Relationships>"
    )
    return rezip(
        data,
        {
            "xl/worksheets/sheet1.xml": sheet.encode(),
            "xl/workbook.xml": book.encode(),
            "xl/_rels/workbook.xml.rels": rels.encode(),
            "[Content_Types].xml": types.encode(),
        },
        {LINK_PART: link.encode(), "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels.encode()},
    )


def utf16_styles(data: bytes) -> bytes:
    """The package `data` with styles.xml in UTF-16: the patcher splices UTF-8 only, so openpyxl saves it."""
    styles = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", member(data, "xl/styles.xml"))
    encoded = '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16") + styles.encode("utf-16")[2:]
    return rezip(data, {"xl/styles.xml": encoded})


#: Transitional namespace → its ISO 29500 strict counterpart (what Excel's "Strict Open XML" save writes).
STRICT = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties": (
        "http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties"
    ),
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
        "http://purl.oclc.org/ooxml/officeDocument/relationships"
    ),
    "http://schemas.openxmlformats.org/drawingml/2006/main": "http://purl.oclc.org/ooxml/drawingml/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": (
        "http://purl.oclc.org/ooxml/officeDocument/extendedProperties"
    ),
}


def strict(data: bytes) -> bytes:
    """The package `data` in strict namespaces: every XML part and .rels (relationship types too; the
    package's own relationship and content-type namespaces are the same in both)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith((".xml", ".rels")):
                text = content.decode("utf-8")
                for old, new in STRICT.items():
                    text = text.replace(old, new)
                text = re.sub(r"(<workbook\b)", r'\1 conformance="strict"', text, count=1)
                content = text.encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def saved(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


if __name__ == "__main__":
    where = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    sample = SAMPLE.read_bytes()
    print(with_clerk_sheets(where), with_clerk_sheets(where, legacy=True))
    print(saved(where, "外部链接.xlsx", external_link(sample)))
    print(saved(where, "严格格式.xlsx", strict(sample)))
