"""The 审核结果 sheet and the marked cells (审核结果表与单元格标注).

One row per finding, its 单元格 a link to the cell. The offending cells carry a comment with the
messages; they are coloured by severity only when asked (`--mark`): a fill prints, and an official
form must not print review marks (comments do not print). The 说明 column is the clerk's: what was typed there in an earlier output is carried over to
the same finding on the next run — same rule, sheet and cell, or for a finding without a cell (a
field not found) same rule, sheet, 项目 and text.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from openpyxl.styles import Font, PatternFill

from .model import FINDINGS_SHEET
from .report import SEVERITIES, Finding
from .sheet_style import print_landscape, style_table
from .template import FONT

SHEET = FINDINGS_SHEET
HEADER = [
    "序号",
    "严重程度",
    "规则编号",
    "规则名称",
    "表",
    "单元格",
    "项目",
    "填报值",
    "计算值",
    "差额",
    "允许误差",
    "公式（代入数值）",
    "说明",
]
WIDTHS = [6, 9, 22, 30, 16, 9, 30, 14, 14, 12, 12, 60, 30]
NOTE_COLUMN = HEADER.index("说明") + 1
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
    """说明 typed into an earlier output's 审核结果: (row identity, 说明) for each row with one."""
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
        if SHEET not in wb.sheetnames:
            return []
        notes = []
        for row in wb[SHEET].iter_rows(min_row=3, values_only=True):
            if len(row) >= NOTE_COLUMN and row[NOTE_COLUMN - 1]:
                notes.append((_row(row[2], row[4], row[5], row[6], row[11]), str(row[NOTE_COLUMN - 1])))
        return notes
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


def add_findings_sheet(workbook, findings: list[Finding]) -> None:
    """The 审核结果 sheet: one row per finding, errors first; the 说明 column left for the clerk."""
    if SHEET in workbook.sheetnames:
        del workbook[SHEET]
    ws = workbook.create_sheet(SHEET)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    ws.append(
        [
            f"审核结果：错误 {counts['error']}，提示 {counts['warning']}，尾差 {counts['rounding']}"
            "（“说明”一栏供填写出错说明，重新生成时保留）"
        ]
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].font = Font(name=FONT, size=12, bold=True)
    ws.append(HEADER)
    for n, f in enumerate(findings, start=1):
        ws.append(
            [
                n,
                SEVERITIES[f.severity],
                f.rule,
                f.title,
                f.sheet or "",
                f.cell or "",
                "、".join(f.labels),
                f.text("stated"),
                f.text("computed"),
                f.text("difference"),
                f.text("tolerance"),
                f.formula or f.message,
                f.note,
            ]
        )
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = width
    style_table(ws)
    for row in ws.iter_rows(min_row=3):
        severity = next((k for k, v in SEVERITIES.items() if v == row[1].value), None)
        if severity:
            row[1].fill = PatternFill("solid", fgColor=FILLS[severity])
    _link_cells(ws, findings)
    ws.auto_filter.ref = f"A2:{ws.cell(row=2, column=len(HEADER)).column_letter}{max(ws.max_row, 2)}"
    print_landscape(ws)


def _link_cells(ws, findings: list[Finding]) -> None:
    """Each finding's 单元格 links to its cell (跳转到单元格): a click in 审核结果 shows the cell."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    column = HEADER.index("单元格") + 1
    for n, f in enumerate(findings, start=3):
        if f.sheet and f.cell and CELL_REF.fullmatch(f.cell):
            cell = ws.cell(row=n, column=column)
            sheet = f.sheet.replace("'", "''")
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet}'!{f.cell}")


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
