"""工作簿目录 (workbook.xml): the sheets it lists and their sheet-local defined names, edited as text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import parts as P
from . import xmltext as X
from .parts import Package, Unsupported

OFFICE_DOCUMENT = P.RT + "/officeDocument"
WORKSHEET_TYPE = P.RT + "/worksheet"
STYLES_TYPE = P.RT + "/styles"
CALC_CHAIN_TYPE = P.RT + "/calcChain"
HYPERLINK_TYPE = P.RT + "/hyperlink"
VBA_TYPE = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
MACRO_SHEET_TYPES = ("/xlMacrosheet", "/xlIntlMacrosheet")
WORKBOOK_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
VBA_CT = "application/vnd.ms-office.vbaProject"
#: What the schema puts after <definedNames> in a workbook.
AFTER_NAMES = (
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)
_RID = re.compile(r"\s[\w.\-]+:id\s*=\s*(\"[^\"]*\"|'[^']*')")


@dataclass
class SheetEntry:
    """A sheet as workbook.xml lists it (工作表目录项)."""

    name: str
    rid: str
    part: str | None  # None: its relationship points nowhere


def sheet_entries(pkg: Package, workbook: str) -> list[SheetEntry]:
    """The sheets of workbook.xml's <sheets>, in order, with the part each one is."""
    text = pkg.text(workbook)
    sheets = X.child(text, X.root(text), "sheets")
    targets = {r.id: r.part for r in P.relationships(pkg, workbook)}
    entries = []
    for element in X.children(text, sheets) if sheets is not None and not sheets.empty else []:
        tag = element.tag(text)
        match = _RID.search(tag)
        rid = X.unescape(match.group(1)[1:-1]) if match else ""
        part = targets.get(rid)
        entries.append(SheetEntry(X.attr(tag, "name") or "", rid, pkg.find(part) if part else None))
    return entries


def list_sheet(pkg: Package, workbook: str, name: str, rid: str) -> None:
    """A <sheet> entry at the end of <sheets>, with the next sheetId."""
    text = pkg.text(workbook)
    top = X.root(text)
    sheets = X.child(text, top, "sheets")
    if sheets is None:
        raise Unsupported("workbook.xml 没有 sheets")
    ids = [int(X.attr(e.tag(text), "sheetId") or 0) for e in X.children(text, sheets)] if not sheets.empty else []
    prefix = X.namespace_prefix(top.tag(text), X.REL_NS)
    rel = f'{prefix}id="{rid}"' if prefix else f'xmlns:r="{X.REL_NS}" r:id="{rid}"'
    new = (
        f'<{top.prefix}sheet name="{X.escape(name, True)}" sheetId="{max(ids, default=0) + 1}" state="visible" {rel} />'
    )
    text, sheets = X.expanded(text, sheets)
    pkg.write(workbook, text[: sheets.close_start] + new + text[sheets.close_start :])


def set_local_names(pkg: Package, workbook: str, local: int, names: list[str]) -> None:
    """Sheet `local`'s built-in names (_xlnm.*: print titles, print area, filter) become `names` (XML of
    <definedName> elements written without a prefix, for another sheet index)."""
    text = pkg.text(workbook)
    top = X.root(text)
    element = X.child(text, top, "definedNames")
    edits: list[tuple[int, int, str]] = []
    if element is not None and not element.empty:
        for name in X.children(text, element):
            tag = name.tag(text)
            if X.attr(tag, "localSheetId") == str(local) and (X.attr(tag, "name") or "").startswith("_xlnm."):
                edits.append((name.start, name.end, ""))
    added = ""
    for xml in names:
        cut = xml.index(">") + 1
        added += X.with_prefix(X.set_attr(xml[:cut], "localSheetId", str(local)) + xml[cut:], top.prefix)
    if added and element is None:
        at = X.insert_before(text, top, AFTER_NAMES)
        edits.append((at, at, f"<{top.prefix}definedNames>{added}</{top.prefix}definedNames>"))
    elif added and element is not None and element.empty:
        opened = re.sub(r"\s*/>$", ">", element.tag(text))
        edits.append((element.start, element.end, f"{opened}{added}</{top.prefix}definedNames>"))
    elif added and element is not None:
        edits.append((element.close_start, element.close_start, added))
    if edits:
        pkg.write(workbook, X.splice(text, edits))
