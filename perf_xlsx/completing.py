"""生成已填工作簿 (writing the completed workbook): one way to write, whatever the input.

An .xlsx/.xlsm is completed as a package (perf_xlsx.package): its parts are copied byte for byte and
only the cells written, the comments and the added sheets change, so images, charts, data validation,
extension parts and everything else a clerk's workbook holds stay. An .xls (converted by legacy.py),
or a package the patcher does not handle (package.Unsupported: parts not in UTF-8, Excel 4.0 macro
sheets, no styles), is first saved by openpyxl from the workbook it was read into, and that package is
completed the same way: the same cells, formulas with cached values, comments and added sheets.
What that save does not keep is named in a 提示 (rule output-not-kept, losses.py): for an .xls, everything
but the values; for a package, each kind of content openpyxl's save has less of than the input. Macros
are dropped and a Strict Open XML package is written as an ordinary one, each with a 提示 too.
The added sheets never replace a clerk's sheet of the same name (own_sheets.added_names, rule
output-sheet-renamed).

Review marks: a flagged cell gets a comment with the messages (comments do not print); a fill colour
only with `mark` (`perfxlsx fill --mark`), since an official form must not print review marks.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import rules
from .errors import PerfXlsxError
from .excel_formulas import live_cells, with_formulas
from .findings_sheet import FILLS, carry_notes, findings_sheet, review_marks
from .losses import XLS_LOST, has_macros, lost_parts
from .model import FINDINGS_SHEET, WORK_SHEET
from .outfile import build_failed, write_atomically
from .own_sheets import added_names
from .package import CellWrite, Unsupported, WorkbookPackage
from .writing import package_bytes, planned_writes, value_text, work_sheet

if TYPE_CHECKING:
    from .derive import Completion, Result
    from .report import Finding, Report

AUTHOR = "perfxlsx"


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
    filled. `workbook` gives the input's openpyxl workbook, called only for an input the patcher cannot
    take as it is (an .xls, a package it leaves alone), so a package is completed without ever loading it.
    `source`: the package's bytes as read (loading.Opened.data; by default the file's), `strict`: they were
    a Strict Open XML package's, made transitional (strict.py). Returns the findings as listed in 审核结果
    (with the --recompute records of `replaced` and the 说明 carried from `earlier`) and the results
    written. `values`: plain values, no Excel formulas."""
    path = Path(report.file)
    try:
        book, notices = _package(path, workbook, source, strict, report.name)
        return _complete(book, completion, report, replaced, earlier, target, mark, values, notices)
    except PerfXlsxError:
        raise
    except Exception as exc:  # nothing is on disk yet
        raise build_failed(target, exc) from exc


def _package(
    path: Path, workbook: Callable[[], object], source: bytes | None, strict: bool, file: str
) -> tuple[WorkbookPackage, list[Finding]]:
    """The package to complete, and the 提示 of what it does not keep: the input's own package, or an
    openpyxl save of the workbook it was read into (an .xls converted by legacy.py, a package the patcher
    leaves alone: package.Unsupported)."""
    if not is_package(path):
        return WorkbookPackage(package_bytes(workbook())), [_legacy_values(file)]
    data = path.read_bytes() if source is None else source
    notices = [_macros_dropped(file)] if has_macros(data) else []
    notices += [_strict_read(file)] if strict else []
    try:
        return WorkbookPackage(data), notices
    except Unsupported as exc:
        saved = package_bytes(workbook())
        return WorkbookPackage(saved), [*notices, _rewritten(data, saved, str(exc), file)]


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


def _rewritten(source: bytes, saved: bytes, reason: str, file: str) -> Finding:
    """The 提示 of a package openpyxl saved: why, and what of the input its save does not keep."""
    lost = [kind for kind in lost_parts(source, saved) if kind != "宏（VBA 工程）"]
    what = (
        f"{'、'.join(lost)}未能保留到输出中"
        if lost
        else "未发现丢失的图片、图表、外部链接等内容，但单元格格式等细节可能与原文件略有不同"
    )
    return rules.output_finding(
        "output-not-kept",
        f"文件“{file}”无法按部件原样修补（{reason}），已由 openpyxl 整体重写：{what}；"
        "需要原样保留时，请在 Excel 或 WPS 中打开原文件，另存为 .xlsx 后再处理",
    )


def _complete(
    book: WorkbookPackage,
    completion: Completion,
    report: Report,
    replaced: dict[str, object],
    earlier: list,
    target: Path,
    mark: bool,
    values: bool,
    notices: list[Finding],
) -> tuple[list[Finding], list[Result]]:
    slots = completion.filing.slots
    planned = planned_writes(completion)
    if not values:
        planned = with_formulas(completion, planned)
    by_sheet: dict[str, list[tuple[Result, CellWrite]]] = {}
    for result, write in planned:
        by_sheet.setdefault(slots[result.key].sheet or "", []).append((result, write))
    filled: list[Result] = []
    for sheet, items in by_sheet.items():
        done = book.write_cells(sheet, [w for _, w in items]) if sheet in book.sheet_names else []
        filled += [result for (result, _), ok in zip(items, done) if ok]
    findings = list(report.findings)
    names = added_names(completion.filing.own_sheets, book.sheet_names)
    findings += _renamed(names, book.sheet_names, report.name) + notices
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
    for (sheet, ref), (worst, text) in review_marks(findings, book.sheet_names).items():
        notes.setdefault(sheet, {}).setdefault(ref, []).append(text)
        if mark:
            fills.setdefault(sheet, {})[ref] = FILLS[worst]
    for sheet in book.sheet_names:  # every sheet: an earlier output's comments there are replaced
        if sheet not in names.values():  # an earlier output's 审核结果/计算过程: replaced whole
            cells = notes.get(sheet, {})
            book.add_comments(sheet, {ref: "\n".join(texts) for ref, texts in cells.items()}, AUTHOR)
    for sheet, colours in fills.items():
        book.colour_cells(sheet, colours)
    keys = {r.key for r in filled}
    built = {result.key: write.formula for result, write in planned}  # the formulas with_formulas gave
    live = [] if values else live_cells(None, completion, filled, built)
    book.add_sheet(findings_sheet(findings, names[FINDINGS_SHEET]))
    book.add_sheet(work_sheet(completion, report.figures, report.scores, keys, live, names[WORK_SHEET]))
    write_atomically(book.to_bytes(), target)
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
