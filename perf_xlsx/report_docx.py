"""写出自评报告 (report .docx): a Draft as a Word document, A4, 宋体/黑体, tables with grid lines.

python-docx builds it in memory; the zip is then written again with every entry stamped with the time of
the run (clock.zip_time) and the document's properties pinned to it, so the same input with
SOURCE_DATE_EPOCH set gives the same bytes. The file is written atomically (outfile.write_atomically).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from . import clock
from .outfile import build_failed, write_atomically
from .paths import OUTPUT_SUFFIX
from .report_draft import Block, Draft

#: 自评报告文件名后缀: `<文件名>_自评报告.docx`.
REPORT_SUFFIX = "_自评报告"
BODY_FONT, HEADING_FONT = "宋体", "黑体"
#: kind → (font, size in pt, bold, centred)
LOOKS = {
    "cover_title": (HEADING_FONT, 22, True, True),
    "title": (HEADING_FONT, 18, True, True),
    "cover": (BODY_FONT, 14, False, False),
    "notice": (HEADING_FONT, 14, True, False),
    "note": (BODY_FONT, 10.5, False, False),
    "heading": (HEADING_FONT, 14, True, False),
    "subheading": (HEADING_FONT, 12, True, False),
    "paragraph": (BODY_FONT, 12, False, False),
    "placeholder": (BODY_FONT, 12, False, False),
    "unit": (BODY_FONT, 10.5, False, False),
}
TABLE_SIZE = 9


def report_name(output_name: str) -> str:
    """`a_已填.xlsx` → `a_自评报告.docx`: named as the completed workbook is (paths.output_names)."""
    return Path(output_name).stem.removesuffix(OUTPUT_SUFFIX) + REPORT_SUFFIX + ".docx"


def _font(run, font: str, size: float, bold: bool = False) -> None:
    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)


def _paragraph(doc, block: Block) -> None:
    font, size, bold, centred = LOOKS[block.kind]
    for line in block.text.split("\n") if block.kind != "title" else [block.text]:
        p = doc.add_paragraph()
        if centred:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "unit":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif block.kind in ("paragraph", "placeholder"):
            p.paragraph_format.first_line_indent = Pt(size * 2)
        p.paragraph_format.space_after = Pt(12 if block.kind == "title" else 4)
        if block.kind == "cover_title":
            p.paragraph_format.space_before = Pt(36 if len(doc.paragraphs) > 1 else 120)
            p.paragraph_format.space_after = Pt(24)
        elif block.kind == "cover":
            p.paragraph_format.left_indent = Cm(3)
            p.paragraph_format.space_after = Pt(14)
        run = p.add_run(line)
        _font(run, font, size, bold)
        if block.kind == "notice":
            run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _table(doc, block: Block) -> None:
    width = max(len(row) for row in block.rows)
    table = doc.add_table(rows=len(block.rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(block.rows):
        cells = table.rows[r].cells
        if len(row) < width:  # the last cell spans to the right edge
            cells[len(row) - 1].merge(cells[width - 1])
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            paragraph = cell.paragraphs[0]
            numeric = r >= block.header and c > 0 and block.unit and _is_number(text)
            if numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(paragraph.add_run(text), BODY_FONT, TABLE_SIZE, bold=r < block.header)
    doc.add_paragraph()


def _is_number(text: str) -> bool:
    return text.replace(",", "").replace(".", "").lstrip("-").isdigit()


def document(draft: Draft):
    """The python-docx Document of a draft."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    for block in draft.blocks:
        if block.kind == "page_break":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif block.kind == "table":
            _table(doc, block)
        else:
            _paragraph(doc, block)
    props = doc.core_properties
    t = clock.run_time()
    props.created = props.modified = t
    props.last_printed = t
    props.author = props.last_modified_by = draft.unit or ""
    props.title = f"{draft.unit or ''}{draft.year or ''}年度部门整体支出绩效自评报告"
    props.revision = 1
    return doc


def docx_bytes(draft: Draft) -> bytes:
    """The .docx of a draft, every zip entry stamped with the time of the run (same input, same bytes)."""
    raw = io.BytesIO()
    document(draft).save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=clock.zip_time())
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


def write_draft(draft: Draft, path: Path) -> Path:
    """Write the draft to `path` atomically (原子写出); an OutputNotWritable in Chinese when it cannot be."""
    path = Path(path)
    try:
        data = docx_bytes(draft)
    except Exception as exc:  # a bug building the document: nothing written, said in Chinese
        raise build_failed(path, exc) from exc
    write_atomically(data, path)
    return path
