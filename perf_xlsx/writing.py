"""Writing the completed workbook (生成已填工作簿): what goes into which cell, and 计算过程.

planned_writes says which value each blank derived cell gets (in the sheet's own unit, with the number
format it shows when its own is General); completing.py makes the writes through perf_xlsx.package.
package_bytes and save_deterministic save an openpyxl workbook (an .xls read by legacy.py, the template,
the samples) with pinned times: the same input gives the same bytes.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .added_sheet import AddedSheet, Look
from .derive import Completion, Result, rounded
from .excel_formulas import LiveCell
from .figures import Figure
from .layout import NUMBER_FORMATS, YUAN
from .model import WORK_SHEET, Slot
from .outfile import build_failed, write_atomically
from .package.cells import CellWrite
from .scoring import grades_text
from .sheet_style import (
    fit_rows,
    fit_title,
    print_setup,
    put_number,
    style_table,
    unit_name,
    widen_for_numbers,
)
from .template import PINNED_TIME


def display(value, type_: str = "amount") -> str:
    """A value as a clerk reads it: 万元 with 2 decimals (more when stored), rates in %, counts whole."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if type_ == "rate":
        return f"{rounded(Decimal(value), 'rate') * 100:.2f}%"
    if type_ == "count":
        return str(value)
    value = Decimal(value)
    if type_ == "score":
        return f"{rounded(value, 'score'):.2f}"
    return f"{value:.{_places(value)}f}"


def value_text(value, type_: str = "amount", scale: Decimal = Decimal(1)) -> str:
    """A value as messages and 计算过程 show it: amounts in the unit of the sheet they are on, named
    (see amount_text), rates in %, scores with 2 decimals, text as it is; "" for none."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if type_ == "amount":
        return amount_text(value, scale)
    return display(value, type_)


def amount_text(value, scale: Decimal = Decimal(1)) -> str:
    """An amount as a message shows it: in the unit of the sheet it is on, named, with thousands
    separators. 6096.02 (万元) → '6,096.02万元'; on a `单位：元` sheet (scale 0.0001) → '60,960,200.00元'."""
    number = Decimal(value) / scale
    return f"{number:,.{_places(number)}f}{'元' if scale == YUAN else '万元'}"


def _places(value: Decimal) -> int:
    """2 decimals, more when stored (up to 8)."""
    exponent = value.normalize().as_tuple().exponent
    if value == 0 or not isinstance(exponent, int):  # 0, or not a finite number
        return 2
    return min(max(2, -exponent), 8)


def cell_value(slot: Slot, value):
    """The computed value in the sheet's own unit, as stored in the cell (元 sheets: ×10000)."""
    if slot.type == "amount":
        return float(Decimal(value) / slot.scale)
    if slot.type in ("rate", "score"):
        return float(rounded(Decimal(value), slot.type))
    if slot.type == "count":
        return int(value)
    return value


def cell_at(workbook, sheet: str | None, ref: str | None):
    """The cell at `ref`, or the top-left cell of the merged range it lies in (what the sheet shows
    there); None when there is no such cell to write to (overlapping merged ranges in a broken file)."""
    from openpyxl.cell.cell import MergedCell

    if sheet is None or ref is None:
        return None
    ws = workbook[sheet]
    cell = ws[ref]
    if not isinstance(cell, MergedCell):
        return cell
    for merged in ws.merged_cells.ranges:
        if cell.coordinate in merged:
            top = ws.cell(row=merged.min_row, column=merged.min_col)
            if not isinstance(top, MergedCell):
                return top
    return None


def planned_writes(completion: Completion) -> list[tuple[Result, CellWrite]]:
    """The cell write of every blank derived cell that has a computed value (待写入单元格), in the sheet's
    own unit; a field written inside a label (如“控制率：86.99%”) is text. Whether a write is made is the
    writer's business: a formula cell is never written, unless it holds the formula perfxlsx wrote there
    on an earlier run (Slot.own_formula, rerun.py)."""
    planned = []
    for result in completion.to_fill():
        slot = completion.filing.slots[result.key]
        if slot.cell is None:
            continue
        if slot.inline_label is not None:
            number = Decimal(result.value) / slot.scale if slot.type == "amount" else result.value
            text = f"{slot.inline_label}{display(number, slot.type)}"
            planned.append((result, CellWrite(slot.cell, text, replace_formula=slot.own_formula)))
        else:
            value, number_format = cell_value(slot, result.value), NUMBER_FORMATS.get(slot.type)
            write = CellWrite(slot.cell, value, number_format=number_format, replace_formula=slot.own_formula)
            planned.append((result, write))
    return planned


def fill_cells(workbook, completion: Completion) -> list[Result]:
    """Write every blank derived cell that has a computed value into an openpyxl workbook (the .xls
    path); formula cells are left alone, except those holding the formula perfxlsx wrote on an earlier
    run (rerun.py), which get the fresh value. Returns the results written."""
    filled = []
    for result, write in planned_writes(completion):
        sheet = completion.filing.slots[result.key].sheet
        if sheet is not None and sheet in workbook.sheetnames and write_cell(workbook, sheet, write):
            filled.append(result)
    return filled


def write_cell(workbook, sheet: str, write: CellWrite) -> bool:
    """Make one cell write in an openpyxl workbook (the .xls path); False for a formula cell (unless the
    write replaces perfxlsx's own) or a cell inside overlapping merged ranges, left as they are."""
    cell = cell_at(workbook, sheet, write.ref)
    formula = cell is not None and (cell.data_type == "f" or str(cell.value or "").startswith("="))
    if cell is None or formula and not write.replace_formula:  # a formula of the clerk's is left alone
        return False
    if write.formula is not None:
        cell.value = write.formula if write.formula.startswith("=") else f"={write.formula}"
        return True  # openpyxl keeps no cached result
    cell.value = write.value
    if isinstance(write.value, str) and write.value.startswith(("=", "+", "-", "@")):
        cell.data_type = "s"  # a label copied from the input stays text, never a formula
    if write.number_format and cell.number_format == "General":
        cell.number_format = write.number_format
    return True


def formula_text(completion: Completion, result: Result) -> str:
    d = result.derivation
    slots = completion.filing.slots
    target = slots.get(d.target)
    names = [(slots[k].name_beside(target) if k in slots else k, w) for k, w in d.inputs]
    if d.kind in ("sum", "column_sum"):
        return " ".join(("− " if w < 0 else ("+ " if i else "")) + n for i, (n, w) in enumerate(names))
    if d.kind == "ratio":
        return f"{names[0][0]} / {names[1][0]}"
    if d.kind == "budget_score":
        return f"{names[0][0]} × min({names[1][0]}, 100%)"
    if d.kind == "total_score":  # a capped total says why (评分方案的总分封顶)
        cap = f"；{result.note}" if result.value is not None and result.note else ""
        return "Σ 得分（" + "、".join(n for n, _ in names) + "）" + cap
    if d.kind == "indicator_score":
        return result.explain
    if d.kind == "grade":
        return f"按总分定等次：{grades_text(completion.scheme_for(result.key))}"
    return d.kind


def inputs_text(completion: Completion, pairs) -> str:
    slots = completion.filing.slots
    parts = []
    for key, value in pairs:
        slot = slots.get(key)
        where = f"[{slot.where}]" if slot is not None and slot.found else "[未找到]"
        shown = value_text(value, slot.type, slot.scale) if slot else value_text(value)
        if slot is not None and key in completion.set_aside:  # a stated value found wrong: its computed one was used
            shown += f"（按公式；填报的 {value_text(slot.value, slot.type, slot.scale)} 与公式不符，未采用）"
        parts.append(f"{slot.label if slot else key}{where}={shown or '空'}")
    return "；".join(parts)


@dataclass
class WorkRow:
    """One row of the 计算过程 sheet. `computed` and `stated` are values (Decimal, or text for a grade) of
    `type_`, amounts in 万元 (`scale`: the 万元 in one unit of the sheet the cell is on)."""

    label: str
    where: str
    formula: str
    inputs: str
    computed: Any
    stated: Any
    status: str
    type_: str = "rate"
    scale: Decimal = Decimal(1)
    cell_formula: str = ""  # the Excel formula the filled cell holds (单元格公式), as text


def work_rows(
    completion: Completion,
    figures: dict[str, Figure],
    filled: set[str] | None = None,
    live: Sequence[LiveCell] = (),
) -> list[WorkRow]:
    """Rows of the 计算过程 sheet: every figure of figures.py, then every derived cell. `filled` (keys of the
    cells fill_cells wrote) keeps 处理 truthful: a cell left as it was is never said to be 已填入. `live`: the
    filled cells that are Excel formulas (excel_formulas.live_cells; none with --values), whose formula
    the last column (单元格公式) shows."""
    formula_at = {(cell.sheet, cell.cell): cell.formula for cell in live}
    rows = []
    for fig in figures.values():
        inputs = "；".join(
            f"{i['label']}[{i['cell'] or '未找到'}]={value_text(i['value'], i['type'], i['scale']) or '空'}"
            for i in fig.inputs
        )
        status = "已计算" if fig.value is not None else f"无法计算（{fig.note}）"
        rows.append(WorkRow(fig.name, fig.cell or "", fig.formula, inputs, fig.value, None, status, "rate"))
    for result in completion.results.values():
        slot = completion.filing.slots.get(result.key)
        if slot is None:
            continue
        if slot.stated and result.key in completion.set_aside:
            status = "保留填报值（与公式不符，后续计算按计算值）"
        elif slot.stated:
            status = "保留填报值"
        elif not slot.found:
            status = "表中未找到该单元格"
        elif slot.error is not None:
            status = f"未填入（单元格原内容{slot.error}，保留原样）"
        elif result.value is None:
            status = f"未计算（{result.note}）"
        elif filled is not None and result.key not in filled:
            status = "未填入（单元格含公式或无法写入，保留原样）"
        else:
            status = f"{REFILLED}（替换上次填入的值）" if slot.own_formula else FILLED
        cell = completion.filing.anchor(slot.sheet, slot.cell) if slot.cell else None
        formula = formula_at.get((slot.sheet or "", cell or ""))
        rows.append(
            WorkRow(
                slot.label,
                slot.where if slot.found else "",
                formula_text(completion, result),
                inputs_text(completion, result.inputs),
                result.value,
                slot.value if slot.stated else None,
                status,
                slot.type,
                slot.scale,
                f"={formula}" if formula else "",
            )
        )
    return rows


#: 计算过程's 处理 of a cell it filled, and of one it filled again on a re-run (rerun.filled_values reads them back).
FILLED, REFILLED = "已填入", "已重新计算并填入"


#: 计算过程's columns (A4 landscape) and their widths in characters, which add up to what fits across the
#: page (sheet_style.page_chars): 9 pt prints at 9 pt. 计算值 and 表中填报值 are numbers in the row's 单位.
WORK_HEADER = [
    "序号",
    "项目",
    "位置",
    "公式",
    "代入数值（含单元格）",
    "计算值",
    "表中填报值",
    "单位",
    "处理",
    "单元格公式",
]
WORK_WIDTHS = [4, 14, 11, 17, 29, 10, 10, 4, 12, 15]
WORK_TITLE = "计算过程（金额按所在表的单位列出，见“单位”栏）"


def work_sheet(
    completion: Completion,
    figures: dict[str, Figure],
    scores: dict | None = None,
    filled: set[str] | None = None,
    live: Sequence[LiveCell] = (),
    name: str = WORK_SHEET,
) -> AddedSheet:
    """The 计算过程 sheet (under `name`, own_sheets.added_names): figure, where it stands, formula, inputs with their cells, value, and the filled cell's
    Excel formula (单元格公式); `filled` and `live` as in work_rows.

    计算值 and 表中填报值 are numbers: amounts rounded to 2 decimals in the unit of their sheet (named in 单位),
    rates as fractions shown as percentages, scores to 2 decimals; a grade stays text."""
    sheet = AddedSheet(name)
    sheet.append([WORK_TITLE])
    sheet.merges.append((1, 1, 1, len(WORK_HEADER)))
    sheet.append(WORK_HEADER)
    rows = work_rows(completion, figures, filled, live)
    for label, value in (scores or {}).items():  # block subtotals of the 整体支出绩效自评表
        if label in ("产出", "效益", "满意度") and value is not None:
            rows.append(
                WorkRow(
                    f"得分小计：{label}指标", "", f"Σ {label}指标各项得分", "", Decimal(value), None, "已计算", "score"
                )
            )
    for n, row in enumerate(rows, start=1):
        has_values = row.computed is not None or row.stated is not None
        unit = unit_name(row.type_, row.scale) if has_values else ""
        sheet.append([n, row.label, row.where, row.formula, row.inputs, None, None, unit, row.status, row.cell_formula])
    style_table(sheet)
    sheet.looks[(1, 1)] = Look(size=14, bold=True, horizontal="center", vertical="center", border=False)
    computed = WORK_HEADER.index("计算值") + 1
    for r, row in enumerate(rows, start=3):
        put_number(sheet, r, computed, row.computed, row.type_, row.scale)
        put_number(sheet, r, computed + 1, row.stated, row.type_, row.scale)
    give = WORK_HEADER.index("代入数值（含单元格）") + 1
    sheet.widths = widen_for_numbers(sheet, WORK_WIDTHS, [computed, computed + 1], give, first_row=3)
    fit_title(sheet, WORK_TITLE, 14)
    fit_rows(sheet, first_row=2)
    print_setup(sheet, "landscape", (1, 2))
    return sheet


class PinnedZipFile(zipfile.ZipFile):
    """A zip whose every entry carries one fixed time (`stamp`, by default 1980-01-01) and mode, so the same
    content gives the same bytes (openpyxl adds entries by name or from temporary files, which would stamp
    them with the time)."""

    def __init__(self, *args, stamp: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0), **kwargs):
        super().__init__(*args, **kwargs)
        self.stamp = stamp

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        """openpyxl writes worksheets from temporary files: take their bytes, not their times."""
        with open(filename, "rb") as handle:
            self.writestr(arcname or os.path.basename(filename), handle.read())


def package_bytes(workbook, stamp: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)) -> bytes:
    """An openpyxl workbook saved as .xlsx bytes, every zip entry dated `stamp` and the document times pinned
    (the same workbook, the same bytes)."""
    from openpyxl.writer.excel import ExcelWriter

    props = workbook.properties
    props.created = props.created or PINNED_TIME
    props.modified = props.modified or props.created
    pinned = io.BytesIO()
    with PinnedZipFile(pinned, "w", zipfile.ZIP_DEFLATED, stamp=stamp) as archive:
        ExcelWriter(workbook, archive).save()
    return pinned.getvalue()


def save_deterministic(
    workbook, path: Path, stamp: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)
) -> None:
    """Save atomically (temp file + rename) with pinned zip times (`stamp`: a file a user gets carries the
    time of the run, clock.zip_time; a bundled sample stays byte for byte what its builder makes) and
    document times: the same input, the same bytes.

    Any failure — while building the file or writing it — leaves no partial file behind and an earlier
    output at `path` as it was, and is raised as OutputNotWritable with the reason in Chinese.
    """
    path = Path(path)
    try:
        data = package_bytes(workbook, stamp)
    except Exception as exc:  # nothing is on disk yet
        raise build_failed(path, exc) from exc
    write_atomically(data, path)
