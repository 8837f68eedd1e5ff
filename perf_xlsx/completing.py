"""生成已填工作簿 (writing the completed workbook): the same steps whatever the input, two ways to write.

An .xlsx/.xlsm is completed as a package (perf_xlsx.package): its parts are copied byte for byte and
only the cells written, the comments and the added sheets change, so images, charts, data validation,
extension parts and everything else a clerk's workbook holds stay. An .xls (converted by legacy.py),
or a package the patcher does not handle (package.Unsupported: parts not in UTF-8, Excel 4.0 macro
sheets, no styles), is written the old way: the openpyxl workbook completed in memory and saved.
What that way does not keep is named in a 提示 (rule output-not-kept, losses.py): for an .xls, everything
but the values; for a package, each kind of content openpyxl's save has less of than the input.
The added sheets never replace a clerk's sheet of the same name (rerun.added_names, rule output-sheet-renamed).

Review marks: a flagged cell gets a comment with the messages (comments do not print); a fill colour
only with `mark` (`perfxlsx fill --mark`), since an official form must not print review marks.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from . import rules
from .added_sheets import added_names
from .errors import PerfXlsxError
from .excel_formulas import live_cells, with_formulas
from .findings_sheet import FILLS, add_findings_sheet, carry_notes, review_marks
from .losses import XLS_LOST, has_macros, lost_parts
from .model import FINDINGS_SHEET, WORK_SHEET
from .outfile import build_failed, write_atomically
from .package import CellWrite, Unsupported, WorkbookPackage
from .writing import add_work_sheet, cell_at, planned_writes, save_deterministic, value_text, write_cell

if TYPE_CHECKING:
    from .derive import Completion, Result
    from .report import Finding, Report

AUTHOR = "perfxlsx"


class Writer(Protocol):
    """Where the completed workbook is written (输出方式): a package, or an openpyxl workbook."""

    sheet_names: list[str]

    def write(self, sheet: str, writes: list[CellWrite]) -> list[bool]: ...
    def comment(self, sheet: str, notes: dict[str, str]) -> None: ...
    def colour(self, sheet: str, fills: dict[str, str]) -> None: ...
    def add_sheets(self, build: Callable[[object], None]) -> None: ...
    def save(self, target: Path) -> None: ...


class PackageWriter:
    """The input's package, patched (.xlsx/.xlsm)."""

    def __init__(self, book: WorkbookPackage):
        self.book = book
        self.sheet_names = book.sheet_names

    def write(self, sheet: str, writes: list[CellWrite]) -> list[bool]:
        return self.book.write_cells(sheet, writes)

    def comment(self, sheet: str, notes: dict[str, str]) -> None:
        self.book.add_comments(sheet, notes, AUTHOR)

    def colour(self, sheet: str, fills: dict[str, str]) -> None:
        self.book.colour_cells(sheet, fills)

    def add_sheets(self, build: Callable[[object], None]) -> None:
        from openpyxl import Workbook

        scratch = Workbook()
        scratch.remove(scratch.worksheets[0])
        build(scratch)
        self.book.add_sheets(scratch)

    def save(self, target: Path) -> None:
        write_atomically(self.book.to_bytes(), target)


class OpenpyxlWriter:
    """The openpyxl workbook the input was read into, completed and saved (.xls, and the fallback). `source`:
    the input package's bytes when it is a package the patcher left (what it had is compared with what
    openpyxl writes, losses.lost_parts), and `reason` why it was left."""

    def __init__(self, workbook, source: bytes | None = None, reason: str = ""):
        self.workbook = workbook
        self.sheet_names = list(workbook.sheetnames)
        self.source, self.reason = source, reason

    def to_bytes(self) -> bytes:
        """The workbook as openpyxl writes it now, in memory."""
        from openpyxl.writer.excel import ExcelWriter

        buffer = io.BytesIO()
        with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            warnings.simplefilter("ignore")
            ExcelWriter(self.workbook, archive).save()
        return buffer.getvalue()

    def write(self, sheet: str, writes: list[CellWrite]) -> list[bool]:
        return [write_cell(self.workbook, sheet, w) for w in writes]

    def comment(self, sheet: str, notes: dict[str, str]) -> None:
        from openpyxl.comments import Comment

        for ref, text in notes.items():
            cell = cell_at(self.workbook, sheet, ref)
            if cell is None:
                continue
            if cell.comment is not None and cell.comment.text:
                text = f"{cell.comment.text}\n{text}"
            comment = Comment(text, AUTHOR)
            comment.width, comment.height = 320, 40 + 18 * text.count("\n") + len(text) // 2
            cell.comment = comment

    def colour(self, sheet: str, fills: dict[str, str]) -> None:
        from openpyxl.styles import PatternFill

        for ref, rgb in fills.items():
            cell = cell_at(self.workbook, sheet, ref)
            if cell is not None:
                cell.fill = PatternFill("solid", fgColor=rgb)

    def add_sheets(self, build: Callable[[object], None]) -> None:
        build(self.workbook)

    def save(self, target: Path) -> None:
        save_deterministic(self.workbook, target)


def is_package(path: Path) -> bool:
    """An .xlsx/.xlsm zip (whatever its name says), as opposed to an .xls."""
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


def complete(
    workbook: Callable[[], object],
    completion: Completion,
    report: Report,
    replaced: dict[str, object],
    earlier: list,
    target: Path,
    mark: bool = False,
    values: bool = False,
    source: bytes | None = None,
    strict: bool = False,
) -> tuple[list[Finding], list[Result]]:
    """Write the completed workbook to `target`: the input `report.file`, with the cells of `completion`
    filled. `workbook` gives the input's openpyxl workbook, called only when the input is written the old
    way (an .xls, a package the patcher leaves alone), so a package is completed without ever loading it.
    `source`: the package's bytes as read (loading.Opened.data; by default the file's), `strict`: they were
    a Strict Open XML package's, made transitional (strict.py). Returns the findings as listed in 审核结果 (with
    the --recompute records of `replaced` and the 说明 carried from `earlier`) and the results written.
    `values`: 计算过程 lists no Excel formulas (excel_formulas.live_cells)."""
    path = Path(report.file)
    if not is_package(path):  # an .xls: values only
        book = workbook()
        lost = [_legacy_values(report.name)]
        return _complete(book, completion, report, replaced, earlier, OpenpyxlWriter(book), target, mark, values, lost)
    try:
        data = path.read_bytes() if source is None else source
        notices = [_macros_dropped(report.name)] if has_macros(data) else []
        notices += [_strict_read(report.name)] if strict else []
        try:
            patched = PackageWriter(WorkbookPackage(data))
            return _complete(None, completion, report, replaced, earlier, patched, target, mark, values, notices)
        except Unsupported as exc:
            reason = str(exc)  # written the old way below
    except PerfXlsxError:
        raise
    except Exception as exc:  # nothing is on disk yet
        raise build_failed(target, exc) from exc
    book = workbook()
    rewritten = OpenpyxlWriter(book, data, reason)
    return _complete(book, completion, report, replaced, earlier, rewritten, target, mark, values, notices)


def _legacy_values(file: str) -> Finding:
    return rules.output_finding(
        "output-not-kept",
        f"文件“{file}”是旧版 .xls，只读取了各单元格的值：{XLS_LOST}不会保留到输出中；"
        "需要保留时，请先在 Excel 或 WPS 中把它另存为 .xlsx 再处理",
    )


def _macros_dropped(file: str) -> Finding:
    return rules.output_finding(
        "output-not-kept", f"文件“{file}”中的宏（VBA 工程）既不运行也不保留：输出是普通的 .xlsx 工作簿"
    )


def _strict_read(file: str) -> Finding:
    return rules.output_finding(
        "output-not-kept",
        f"文件“{file}”是 Strict Open XML 格式（Excel 另存为“Strict Open XML 电子表格”）：已按普通 .xlsx 读取，"
        "输出是普通的 .xlsx 工作簿（Excel 工作簿(*.xlsx)），不再是 Strict 格式",
    )


def _rewritten(writer: OpenpyxlWriter, file: str) -> Finding:
    """The 提示 of a package openpyxl saved: why, and what of the input its save does not keep."""
    lost = [kind for kind in lost_parts(writer.source or b"", writer.to_bytes()) if kind != "宏（VBA 工程）"]
    what = (
        f"{'、'.join(lost)}未能保留到输出中"
        if lost
        else "未发现丢失的图片、图表、外部链接等内容，但单元格格式等细节可能与原文件略有不同"
    )
    return rules.output_finding(
        "output-not-kept",
        f"文件“{file}”无法按部件原样修补（{writer.reason}），已由 openpyxl 整体重写：{what}；"
        "需要原样保留时，请在 Excel 或 WPS 中打开原文件，另存为 .xlsx 后再处理",
    )


def _complete(
    workbook,
    completion: Completion,
    report: Report,
    replaced: dict[str, object],
    earlier: list,
    writer: Writer,
    target: Path,
    mark: bool,
    values: bool,
    notices: list[Finding],
) -> tuple[list[Finding], list[Result]]:
    slots = completion.filing.slots
    planned = planned_writes(completion)
    if not values and isinstance(writer, PackageWriter):  # openpyxl cannot store a formula's cached value
        planned = with_formulas(completion, planned)
    by_sheet: dict[str, list[tuple[Result, CellWrite]]] = {}
    for result, write in planned:
        by_sheet.setdefault(slots[result.key].sheet or "", []).append((result, write))
    filled: list[Result] = []
    for sheet, items in by_sheet.items():
        done = writer.write(sheet, [w for _, w in items]) if sheet in writer.sheet_names else []
        filled += [result for (result, _), ok in zip(items, done) if ok]
    findings = list(report.findings)
    names = added_names(completion.filing.own_sheets, writer.sheet_names)
    findings += _renamed(names, writer.sheet_names, report.name) + notices
    notes: dict[str, dict[str, list[str]]] = {}
    for result in filled:
        if result.key in replaced:
            slot, old, new = slots[result.key], replaced[result.key], result.value
            old_text, new_text = value_text(old, slot.type, slot.scale), value_text(new, slot.type, slot.scale)
            notes.setdefault(slot.sheet or "", {}).setdefault(slot.cell or "", []).append(
                f"原填报值：{old_text}；已按公式重算为 {new_text}"
            )
            findings.append(rules.recomputed_finding(slot, old, new, old_text, new_text))
    carry_notes(findings, earlier)
    fills: dict[str, dict[str, str]] = {}
    for (sheet, ref), (worst, text) in review_marks(findings, writer.sheet_names).items():
        notes.setdefault(sheet, {}).setdefault(ref, []).append(text)
        if mark:
            fills.setdefault(sheet, {})[ref] = FILLS[worst]
    for sheet in writer.sheet_names:  # every sheet: an earlier output's comments there are replaced
        if sheet in names.values():
            continue  # an earlier output's 审核结果/计算过程: replaced whole
        cells = notes.get(sheet, {})
        writer.comment(sheet, {ref: "\n".join(texts) for ref, texts in cells.items()})
    for sheet, colours in fills.items():
        writer.colour(sheet, colours)
    if isinstance(writer, OpenpyxlWriter) and writer.source is not None:
        findings.append(_rewritten(writer, report.name))  # after every edit: what openpyxl's save keeps now
    keys = {r.key for r in filled}
    live = [] if values else live_cells(workbook, completion, filled)

    def build(book) -> None:
        add_findings_sheet(book, findings, names[FINDINGS_SHEET])
        add_work_sheet(book, completion, report.figures, report.scores, keys, live, names[WORK_SHEET])

    writer.add_sheets(build)
    writer.save(target)
    return findings, filled


def _renamed(names: dict[str, str], sheets: list[str], file: str) -> list[Finding]:
    """A 提示 for each added sheet that could not have its own name: a clerk's sheet has it, and is kept."""
    taken = {sheet.casefold() for sheet in sheets}
    return [
        rules.output_finding(
            "output-sheet-renamed",
            f"文件“{file}”中已有名为“{base}”的工作表（不是 perfxlsx 生成的），已原样保留、不覆盖；"
            f"perfxlsx 的{base}写在新表“{name}”中",
            sheet=base,
        )
        for base, name in names.items()
        if name != base and base.casefold() in taken
    ]
