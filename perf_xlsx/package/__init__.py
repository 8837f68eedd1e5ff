"""工作簿包修补 (workbook package patching): the output workbook is the input's package, the cells filled
and the sheets added — nothing else changes.

An openpyxl load and save rewrites every part it understands and drops the rest: images, charts,
data-validation extension lists, WPS/Excel extension parts, custom XML. So an .xlsx/.xlsm is completed
here as a zip of parts instead (see book.py): the parts not touched are copied byte for byte; the
sheets written to, styles.xml, workbook.xml (+ .rels, [Content_Types].xml) are patched by splicing text
(xmltext.py), never re-serialised; 审核结果 and 计算过程 are described as data (added_sheet.AddedSheet) and
written as sheet XML (sheet_xml.py), their looks appended to styles.xml.

Review marks (审核标注): the input's official sheets get no fill colours by default, since a coloured
cell prints; a flagged cell gets a comment (批注) with the messages instead, which Excel, WPS and
LibreOffice show on screen and do not print, and every row of 审核结果 links to its cell. `--mark`
(api.fill(mark=True)) also colours the flagged cells, by severity.

Public: WorkbookPackage (open bytes, write_cells, colour_cells, add_comments, add_sheet, to_bytes),
CellWrite, Unsupported (a package this module does not patch; the caller gives it an openpyxl save of
the workbook instead, see completing.py).
"""

from __future__ import annotations

from .book import WorkbookPackage
from .cells import CellWrite
from .parts import Unsupported

__all__ = ["CellWrite", "Unsupported", "WorkbookPackage"]
