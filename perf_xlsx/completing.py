"""生成已填工作簿 (writing the completed workbook): one way to write, whatever the input.

An .xlsx/.xlsm is completed as a package (perf_xlsx.package): its parts are copied byte for byte and
only the cells written, the comments and the added sheets change, so images, charts, data validation,
extension parts and everything else a clerk's workbook holds stay. An .xls (converted by legacy.py),
or a package the patcher does not handle (package.Unsupported: parts not in UTF-8, Excel 4.0 macro
sheets, no styles), is first saved by openpyxl from the workbook it was read into, and that package is
completed the same way: the same cells, formulas with cached values, comments and added sheets.

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
from .model import FINDINGS_SHEET, WORK_SHEET
from .outfile import build_failed, write_atomically
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
) -> tuple[list[Finding], list[Result]]:
    """Write the completed workbook to `target`: the input `report.file`, with the cells of `completion`
    filled. `workbook` gives the input's openpyxl workbook, called only for an input the patcher cannot
    take as it is (an .xls, a package it leaves alone), so a package is completed without ever loading it.
    Returns the findings as listed in 审核结果 (with the --recompute records of `replaced` and the 说明
    carried from `earlier`) and the results written. `values`: plain values, no Excel formulas."""
    try:
        book = _package(Path(report.file), workbook)
        return _complete(book, completion, report, replaced, earlier, target, mark, values)
    except PerfXlsxError:
        raise
    except Exception as exc:  # nothing is on disk yet
        raise build_failed(target, exc) from exc


def _package(path: Path, workbook: Callable[[], object]) -> WorkbookPackage:
    """The package to complete: the input's own, or an openpyxl save of the workbook it was read into (an
    .xls converted by legacy.py, a package the patcher leaves alone: package.Unsupported)."""
    if is_package(path):
        try:
            return WorkbookPackage(path.read_bytes())
        except Unsupported:
            pass
    return WorkbookPackage(package_bytes(workbook()))


def _complete(
    book: WorkbookPackage,
    completion: Completion,
    report: Report,
    replaced: dict[str, object],
    earlier: list,
    target: Path,
    mark: bool,
    values: bool,
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
        if sheet not in (FINDINGS_SHEET, WORK_SHEET):  # those are replaced whole
            cells = notes.get(sheet, {})
            book.add_comments(sheet, {ref: "\n".join(texts) for ref, texts in cells.items()}, AUTHOR)
    for sheet, colours in fills.items():
        book.colour_cells(sheet, colours)
    keys = {r.key for r in filled}
    live = [] if values else live_cells(None, completion, filled)
    book.add_sheet(findings_sheet(findings))
    book.add_sheet(work_sheet(completion, report.figures, report.scores, keys, live))
    write_atomically(book.to_bytes(), target)
    return findings, filled
