"""工作簿包修补 (the workbook package, patched): the editor the rest of perf_xlsx calls.

WorkbookPackage opens an .xlsx/.xlsm's bytes and takes cell writes, review colours, comments and whole
sheets (added_sheet.AddedSheet); to_bytes() gives the output package. Every part not named below is the
input's, byte for byte, in the input's order:
- the sheet parts whose cells are written, coloured or commented (and their .rels, comments and VML);
- styles.xml, when a cell needs a new format or sheets are added;
- workbook.xml, its .rels and [Content_Types].xml, when sheets are added or replaced;
- the added parts (new sheets, comments, drawings); parts only a replaced sheet used are dropped.
A macro-enabled workbook becomes a plain one (the VBA project is dropped, as before).
"""

from __future__ import annotations

import io
import zipfile

from .. import clock
from ..added_sheet import AddedSheet
from . import parts as P
from . import workbook_xml as W
from .cells import CellWrite, Worksheet
from .comments import add_comments, has_comments
from .parts import Package, Unsupported
from .sheet_xml import local_names, sheet_xml
from .styles import StyleSheet


class WorkbookPackage:
    """An .xlsx/.xlsm package being completed (待修补的工作簿包)."""

    def __init__(self, data: bytes):
        self.pkg = pkg = Package(data)
        main = next((r for r in P.relationships(pkg, "") if r.type == W.OFFICE_DOCUMENT and r.part), None)
        found = pkg.find(main.part) if main is not None and main.part else None
        if found is None:
            raise Unsupported("找不到 workbook.xml")
        self.workbook = found
        self.before = P.reachable(pkg)
        rels = P.relationships(pkg, found)
        if any(r.type.endswith(W.MACRO_SHEET_TYPES) for r in rels):
            raise Unsupported("含有宏表（Excel 4.0 宏）")
        styles = next((pkg.find(r.part) for r in rels if r.type == W.STYLES_TYPE and r.part), None)
        if styles is None:
            raise Unsupported("没有 styles.xml")
        self.styles_part = styles
        self.styles = StyleSheet(pkg.text(styles))
        self.sheets = W.sheet_entries(pkg, found)
        self._open: dict[str, Worksheet] = {}

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def _sheet(self, name: str) -> tuple[str, Worksheet]:
        entry = next((s for s in self.sheets if s.name == name), None)
        if entry is None or entry.part is None:
            raise Unsupported(f"找不到工作表“{name}”的部件")
        if entry.part not in self._open:
            self._open[entry.part] = Worksheet(self.pkg.text(entry.part))
        return entry.part, self._open[entry.part]

    # ---- edits -----------------------------------------------------------------------------------
    def write_cells(self, sheet: str, writes: list[CellWrite]) -> list[bool]:
        """Write cells of `sheet` (单元格写入); for each write, whether it was made (a formula cell, or a
        cell inside overlapping merged ranges, is left as it was)."""
        _, ws = self._sheet(sheet)
        targets = [ws.target(w.ref) for w in writes]
        written = ws.edit({t: w for t, w in zip(targets, writes) if t is not None}, {}, self.styles)
        return [t is not None and t in written for t in targets]

    def colour_cells(self, sheet: str, fills: dict[str, str]) -> None:
        """Give cells of `sheet` a solid fill (审核标注, `--mark`): ref → RGB such as "FFC7CE"."""
        _, ws = self._sheet(sheet)
        resolved = {t: rgb for ref, rgb in fills.items() if (t := ws.target(ref)) is not None}
        ws.edit({}, resolved, self.styles)

    def add_comments(self, sheet: str, notes: dict[str, str], author: str = "perfxlsx") -> None:
        """Attach comments (批注) to cells of `sheet`: ref → text; text for a cell that already has a
        comment is appended to it."""
        entry = next((s for s in self.sheets if s.name == sheet), None)
        if not notes and (entry is None or entry.part is None or not has_comments(self.pkg, entry.part)):
            return  # nothing to add, no earlier comments to renew
        part, ws = self._sheet(sheet)
        resolved: dict[tuple[int, int], str] = {}
        for ref, note in notes.items():
            cell = ws.target(ref)
            if cell is not None:
                resolved[cell] = f"{resolved[cell]}\n{note}" if cell in resolved else note
        add_comments(self.pkg, part, ws, resolved, author)

    def add_sheet(self, sheet: AddedSheet) -> None:
        """Add a sheet perfxlsx builds (新增工作表, sheet_xml.py) at the end, or in place of a sheet of the same
        name (an earlier output's 审核结果/计算过程), with its looks appended to styles.xml, its print titles
        and filter range."""
        self._add_sheet(sheet.name, sheet_xml(sheet, self.styles.look_xf), None, local_names(sheet))

    def _add_sheet(self, name: str, xml: str, rels: bytes | None, names: list[str]) -> None:
        pkg = self.pkg
        local = next((i for i, s in enumerate(self.sheets) if s.name == name), None)
        old = self.sheets[local].part if local is not None else None
        same_part = old is not None and P.content_type(pkg, old) == W.WORKSHEET_CT
        part = old if same_part and old is not None else pkg.unused_name("xl/worksheets/sheet{}.xml")
        pkg.remove(P.rels_name(part))  # what the earlier sheet held (a clerk's comments) goes with it
        pkg.write(part, xml)
        if not same_part:
            P.set_override(pkg, part, W.WORKSHEET_CT)
        if rels is not None:
            pkg.write(P.rels_name(part), rels)
        if local is not None:  # an earlier output's sheet: replaced where it stands
            if not same_part:
                P.repoint_relationship(pkg, self.workbook, self.sheets[local].rid, W.WORKSHEET_TYPE, part)
                self.sheets[local].part = part
            self._drop_calc_chain()  # it may list formulas of the sheet replaced
        else:
            rid = P.add_relationship(pkg, self.workbook, W.WORKSHEET_TYPE, part)
            W.list_sheet(pkg, self.workbook, name, rid)
            self.sheets.append(W.SheetEntry(name, rid, part))
            local = len(self.sheets) - 1
        W.set_local_names(pkg, self.workbook, local, names)

    def _drop_calc_chain(self) -> None:
        """The calculation chain (calcChain.xml) goes when a formula it lists may be gone: Excel rebuilds it,
        and repairs a workbook whose chain names a cell without a formula."""
        for rel in P.relationships(self.pkg, self.workbook):
            if rel.type == W.CALC_CHAIN_TYPE:
                P.remove_relationship(self.pkg, self.workbook, rel.id)

    # ---- output ----------------------------------------------------------------------------------
    def _plain_workbook(self) -> None:
        """An .xlsm (or a template) becomes a plain workbook: macros are neither run nor kept."""
        pkg = self.pkg
        if P.content_type(pkg, self.workbook) != W.WORKBOOK_CT:
            P.set_override(pkg, self.workbook, W.WORKBOOK_CT)
        for rel in P.relationships(pkg, self.workbook):
            if rel.type == W.VBA_TYPE:
                P.remove_relationship(pkg, self.workbook, rel.id)
        P.drop_default(pkg, W.VBA_CT)

    def to_bytes(self) -> bytes:
        """The output package (输出工作簿包): zip entries in the input's order and compression (stored or
        deflated), stamped with the time of the run (clock.zip_time)."""
        pkg = self.pkg
        for part, ws in self._open.items():
            if ws.text != pkg.text(part):
                pkg.write(part, ws.text)
        if self.styles.changed():
            pkg.write(self.styles_part, self.styles.render())
        self._plain_workbook()
        if any(ws.formulas_replaced for ws in self._open.values()):
            self._drop_calc_chain()
        for gone in sorted(self.before - P.reachable(pkg)):
            pkg.remove(gone)
            P.set_override(pkg, gone, None)
        out = io.BytesIO()
        stamp = clock.zip_time()
        with zipfile.ZipFile(out, "w") as archive:
            for name in pkg.names():
                source = pkg.infos.get(name)
                info = zipfile.ZipInfo(name, date_time=stamp)
                stored = source is not None and source.compress_type == zipfile.ZIP_STORED
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                folder = source is not None and name.endswith("/")
                info.external_attr = source.external_attr if source is not None and folder else 0o600 << 16
                archive.writestr(info, pkg.read(name))
        return out.getvalue()
