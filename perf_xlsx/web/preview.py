"""预览 (preview): the completed 部门整体支出绩效自评表 of an output workbook as a table for the page, the cells
that have findings marked, and those perfxlsx filled in.

Read from the completed workbook as the library reads any workbook (loading.read_workbook: each cell's
value, a formula's saved result, its number format, the merged ranges), so the page shows what Excel
shows, not what was computed. Each cell's value is shown as its number format shows it (0.8757… in a
`0.00%` cell is 87.57%); a merged range is one cell spanning its rows and columns. A cell a finding names
carries the finding's severity and 说明 (the worst severity when several name it); a cell perfxlsx filled
(Report.filled) says so.

The result is data (JSON): the page puts every text in with textContent, never as HTML, so a workbook's
text (untrusted: whatever a clerk typed) can never become markup. Runs in a worker process (work.py).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from openpyxl.utils import column_index_from_string

from ..grid import ref
from ..loading import read_workbook
from ..reading import cell_text, format_decimals, is_percent_format
from ..report import SEVERITIES, Report

#: The kind of sheet previewed: the 部门整体支出绩效自评表 (layout.KINDS).
FORM_KIND = "department_form"
#: A preview shows at most this many rows and columns (a stray cell far away makes no huge table).
MAX_ROWS, MAX_COLS = 200, 30
#: Worst first: a cell named by an 错误 and a 提示 is marked as an 错误.
ORDER = tuple(SEVERITIES)
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")


def form_sheet(report: Report) -> str | None:
    """The sheet the workbook's 部门整体支出绩效自评表 was read from (the first, if several), or None."""
    return next((form.sheet for form in report.sheets if form.kind == FORM_KIND), None)


def shown(value, number_format: str = "General") -> str:
    """A cell's value as its number format shows it: `#,##0.00` → 9,332.43; `0.00%` → 87.57%; General → as
    stored (a whole float without its .0); a date as 2023年11月30日; text as it is; "" for blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date):  # a datetime too
        return cell_text(value) or ""
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    if not isinstance(value, int | float | Decimal):
        return str(value)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    places = format_decimals(number_format or "General")
    if places is None:  # General: as stored, up to 11 digits (a whole number without ".0")
        whole = number == number.to_integral_value() and abs(number) < 10**11
        return f"{number:.0f}" if whole else f"{float(number):.10g}"
    section = (number_format or "").split(";")[0]
    grouped = "," in re.sub(r'"[^"]*"|\\.', "", section)
    if is_percent_format(number_format):
        digits = max(places - 2, 0)
        scaled = (number * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        return f"{scaled:{',' if grouped else ''}.{digits}f}%"
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{rounded:{',' if grouped else ''}.{places}f}"


def _position(ref: str | None) -> tuple[int, int] | None:
    match = _CELL.match((ref or "").strip().upper())
    if not match:
        return None
    return int(match[2]), column_index_from_string(match[1])


def build(report: Report) -> dict:
    """The preview of `report`'s completed workbook: {"sheet", "columns", "rows", "marked", "outside"}, each
    row a list of cells {"ref", "text", "number"?, "colspan"?, "rowspan"?, "filled"?, "severity"?, "notes"?};
    "outside" counts the findings on the sheet whose cells lie beyond the rows and columns shown. Without a
    completed workbook or a 自评表 in it: {"note": why, in Chinese}."""
    if report.output is None:
        return {"note": "没有生成已填工作簿，无法预览。"}
    sheet = form_sheet(report)
    if sheet is None:
        return {"note": "该工作簿中没有识别出部门整体支出绩效自评表，无可预览的内容。"}
    grid = next((g for g in read_workbook(Path(report.output)).grids if g.title == sheet), None)
    if grid is None:
        return {"note": f"已填工作簿中找不到工作表“{sheet}”，无法预览。"}
    n_rows, n_cols = min(grid.max_row, MAX_ROWS), min(grid.max_col, MAX_COLS)

    marks: dict[tuple[int, int], list] = {}
    outside = 0
    for finding in report.findings:
        if finding.sheet != sheet or (pos := _position(finding.cell)) is None:
            continue
        top = grid.bounds(*pos)[:2]
        if top[0] > n_rows or top[1] > n_cols:
            outside += 1
            continue
        marks.setdefault(top, []).append(finding)

    filled = set()
    for where in report.filled:  # "sheet!H5"
        name, _, ref_ = where.rpartition("!")
        if name == sheet and (pos := _position(ref_)) is not None:
            filled.add(grid.bounds(*pos)[:2])

    rows = []
    for r in range(1, n_rows + 1):
        row = []
        for c in range(1, n_cols + 1):
            r1, c1, r2, c2 = grid.bounds(r, c)
            if (r1, c1) != (r, c):  # covered by a merged range shown at its top-left cell
                continue
            value = grid.values.get((r, c))
            cell: dict = {"ref": ref(r, c), "text": shown(value, grid.formats.get((r, c), "General"))}
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                cell["number"] = True
            if (span := min(c2, n_cols) - c + 1) > 1:
                cell["colspan"] = span
            if (span := min(r2, n_rows) - r + 1) > 1:
                cell["rowspan"] = span
            if (r, c) in filled:
                cell["filled"] = True
            if found := marks.get((r, c)):
                found.sort(key=lambda f: ORDER.index(f.severity) if f.severity in ORDER else len(ORDER))
                cell["severity"] = found[0].severity
                cell["notes"] = [
                    {
                        "severity": f.severity,
                        "severity_zh": SEVERITIES.get(f.severity, f.severity),
                        "message": f.message,
                    }
                    for f in found
                ]
            row.append(cell)
        rows.append(row)
    return {"sheet": sheet, "columns": n_cols, "rows": rows, "marked": len(marks), "outside": outside}
