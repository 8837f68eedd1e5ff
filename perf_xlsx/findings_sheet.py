"""The 审核结果 sheet and the marked cells (审核结果表与单元格标注).

One row per finding, its 单元格 a link to the cell. The offending cells carry a comment with the
messages; they are coloured by severity only when asked (`--mark`): a fill prints, and an official
form must not print review marks (comments do not print). The 说明 column is the clerk's: what was
typed there in an earlier output is carried over to the same finding on the next run — same rule,
sheet and cell, or for a finding without a cell (a field not found) same rule, sheet, 项目 and text.
The sheet is laid out for paper (sheet_style.py).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from pathlib import Path

from .added_sheet import AddedSheet, Look
from .model import FINDINGS_SHEET
from .own_sheets import numbered
from .report import SEVERITIES, Finding
from .sheet_style import (
    fit_rows,
    fit_title,
    print_setup,
    put_number,
    style_table,
    unit_name,
    widen_for_numbers,
)

SHEET = FINDINGS_SHEET
#: Columns, as printed (A4 landscape): what is wrong in words first; the rule's id, for looking it up in
#: docs/rules.md, last. 填报值 … 允许误差 are numbers in the row's 单位 (amounts in the unit of the sheet the
#: cell is on: 元 on a `单位：元` sheet, so the clerk reads back what was typed), rates as percentages.
HEADER = [
    "序号",
    "严重程度",
    "规则名称",
    "表",
    "单元格",
    "项目",
    "填报值",
    "计算值",
    "差额",
    "允许误差",
    "单位",
    "公式（代入数值）",
    "说明",
    "规则编号",
]
#: Widths in characters; they add up to what fits across the page (sheet_style.page_chars), so 9 pt prints
#: at 9 pt. The number columns widen for long numbers, at the expense of 公式（代入数值）.
WIDTHS = [4, 5, 12, 8, 6, 12, 9, 9, 8, 7, 4, 22, 9, 9]
VALUES = ("stated", "computed", "difference", "tolerance")
FIRST_VALUE = HEADER.index("填报值") + 1
FORMULA_COLUMN = HEADER.index("公式（代入数值）") + 1
#: Columns a row's identity is read back by (by their header: earlier outputs had other column orders).
IDENTITY = ("规则编号", "表", "单元格", "项目", "公式（代入数值）")
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "rounding": "DDEBF7"}
CELL_REF = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")


def _row(rule, sheet, cell, labels, text) -> tuple[str, ...]:
    """A 审核结果 row's identity, as written and as read back (an empty cell reads as None)."""
    return tuple("" if v is None else str(v) for v in (rule, sheet, cell, labels, text))


def _identity(f: Finding) -> tuple[str, ...]:
    return _row(f.rule, f.sheet, f.cell, "、".join(f.labels), f.formula or f.message)


def _key(row: tuple[str, ...]) -> tuple[str, ...]:
    """Which finding a note belongs to (说明归属): rule, sheet and cell; without a cell, also 项目 and text."""
    rule, sheet, cell, labels, text = row
    return (rule, sheet, cell) if cell else (rule, sheet, "", labels, text)


def carried_notes(output: Path) -> list[tuple[tuple[str, ...], str]]:
    """说明 typed into an earlier output's 审核结果: (row identity, 说明) for each row with one. Columns are
    found by their header (row 2), so an output of an earlier version, whose columns stood in another
    order, gives its notes all the same."""
    try:
        if not output.is_file():
            return []
    except OSError:  # e.g. a name too long for the file system: nothing earlier to carry over
        return []
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(output, read_only=True)
    except Exception:  # an unreadable earlier output has nothing to carry over
        return []
    try:
        for name in wb.sheetnames:  # 审核结果, or 审核结果(2) beside a clerk's sheet of that name
            if not numbered(name, SHEET):
                continue
            rows = wb[name].iter_rows(min_row=2, values_only=True)
            header = [str(v).strip() if v is not None else "" for v in next(rows, ())]
            if any(column not in header for column in (*IDENTITY, "说明")):
                continue  # not a 审核结果 perfxlsx wrote
            at = [header.index(column) for column in IDENTITY]
            note = header.index("说明")
            notes = []
            for row in rows:
                if len(row) > note and row[note]:
                    notes.append((_row(*(row[i] if i < len(row) else None for i in at)), str(row[note])))
            return notes
        return []
    finally:
        wb.close()


def carry_notes(findings: list[Finding], notes: list[tuple[tuple[str, ...], str]]) -> None:
    """Give each finding the 说明 of its earlier row (see _key). Findings sharing a key take the notes
    of rows with the same text first, then the rest in order; a note goes to one finding only."""
    by_key: dict[tuple[str, ...], list[tuple[tuple[str, ...], str]]] = {}
    for row, note in notes:
        by_key.setdefault(_key(row), []).append((row, note))
    for f in findings:
        row = _identity(f)
        left = by_key.get(_key(row))
        if left:
            match = next((i for i, (earlier, _) in enumerate(left) if earlier == row), 0)
            f.note = left.pop(match)[1]


def findings_sheet(findings: list[Finding], name: str = SHEET) -> AddedSheet:
    """The 审核结果 sheet, under `name` (own_sheets.added_names): one row per finding, errors first; the 说明 column left for the clerk.

    Values are numbers (amounts rounded to 2 decimals in the unit of their sheet, rates as fractions shown
    as percentages, scores to 2 decimals; 允许误差 exact); a value that is text (a grade) stays text."""
    sheet = AddedSheet(name)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    title = (
        f"审核结果：错误 {counts['error']}，提示 {counts['warning']}，尾差 {counts['rounding']}"
        "（“说明”一栏供填写出错说明，重新生成时保留）"
    )
    sheet.append([title])
    sheet.merges.append((1, 1, 1, len(HEADER)))
    sheet.append(HEADER)
    for n, f in enumerate(findings, start=1):
        has_values = any(getattr(f, name) is not None for name in VALUES)
        sheet.append(
            [
                n,
                SEVERITIES[f.severity],
                f.title,
                f.sheet or "",
                f.cell or "",
                "、".join(f.labels),
                *([None] * len(VALUES)),
                unit_name(f.value_type, f.scale) if has_values else "",
                f.formula or f.message,
                f.note,
                f.rule,
            ]
        )
    style_table(sheet)
    sheet.looks[(1, 1)] = Look(size=12, bold=True, vertical="center", border=False)
    for r, f in enumerate(findings, start=3):
        for i, value_name in enumerate(VALUES):
            put_number(
                sheet, r, FIRST_VALUE + i, getattr(f, value_name), f.value_type, f.scale, value_name == "tolerance"
            )
        sheet.looks[(r, 2)] = replace(sheet.looks[(r, 2)], fill=FILLS[f.severity])
    numbers = list(range(FIRST_VALUE, FIRST_VALUE + len(VALUES)))
    sheet.widths = widen_for_numbers(sheet, WIDTHS, numbers, FORMULA_COLUMN, first_row=3)
    fit_title(sheet, title, 12)
    fit_rows(sheet, first_row=2)
    _link_cells(sheet, findings)
    sheet.auto_filter = (2, 1, max(sheet.max_row, 2), len(HEADER))
    print_setup(sheet, "landscape", (1, 2))
    return sheet


def _link_cells(sheet: AddedSheet, findings: list[Finding]) -> None:
    """Each finding's 单元格 links to its cell (跳转到单元格): a click in 审核结果 shows the cell."""
    column = HEADER.index("单元格") + 1
    for n, f in enumerate(findings, start=3):
        if f.sheet and f.cell and CELL_REF.fullmatch(f.cell):
            place = f.sheet.replace("'", "''")
            sheet.links[(n, column)] = f"'{place}'!{f.cell}"


#: Severity order, worst first.
RANK = {"error": 0, "warning": 1, "rounding": 2}


def review_marks(findings: list[Finding], sheets: list[str]) -> dict[tuple[str, str], tuple[str, str]]:
    """What each offending cell gets (审核标注): (表, 单元格) → (worst severity, comment text)."""
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet is not None and f.sheet in sheets and f.cell:
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    return {
        where: (
            min(items, key=lambda f: RANK[f.severity]).severity,
            "\n".join(f"【{SEVERITIES[f.severity]}】{f.message}" for f in items),
        )
        for where, items in by_cell.items()
    }
