"""Workbooks for the live-formula tests (单元格公式): copies where perfxlsx has cells to fill.

- `blanked`: a workbook with its derived cells cleared (all, or the keys given), so that every derived
  cell is filled — and gets a formula where it can;
- `synthetic`: a hand-made Filing over two sheets, one kept in 元, with a merged input and a sheet name
  to be quoted: what no bureau's layout holds (every layout derives within one sheet) but formulas must
  get right (cross-sheet references, the 元/万元 factor, the top-left cell of a merged range);
- `with_formulas`: the completed workbook with each live cell's formula typed in (openpyxl, no cached
  value), for LibreOffice to recalculate.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl

from perf_xlsx import api
from perf_xlsx.derive import Completion
from perf_xlsx.excel_formulas import LiveCell
from perf_xlsx.layout import YUAN
from perf_xlsx.model import Filing, Slot
from perf_xlsx.writing import cell_at

#: The sheets of the synthetic filing: one in 万元, one in 元 (its name quoted, a quote doubled), one more in 万元.
WAN, YUAN_SHEET, OTHER = "收支情况", "单位'元", "其他"


def blanked(source: Path, target: Path, keys: set[str] | None = None, scheme: str | None = None) -> Path:
    """`source` saved as `target` with the cells of its derived fields cleared (only `keys`, if given);
    cells typed as `标签：值` are kept (their label is part of the form)."""
    ev = api.evaluate(source, scheme)
    wb = openpyxl.load_workbook(source)
    for derivation in ev.filing.derivations:
        slot = ev.filing.slots.get(derivation.target)
        if slot is None or not slot.found or slot.inline_label is not None or (keys and slot.key not in keys):
            continue
        cell = cell_at(wb, slot.sheet, slot.cell)
        if cell is not None:
            cell.value = None
    wb.save(target)
    return target


def with_formulas(workbook, live: list[LiveCell], target: Path) -> Path:
    """The completed `workbook` (values written by fill_cells) with each live cell's formula typed in."""
    for cell in live:
        workbook[cell.sheet][cell.cell].value = "=" + cell.formula
        workbook[cell.sheet][cell.cell].number_format = cell.number_format
    workbook.save(target)
    return target


#: slot key → (sheet, cell, type, raw): the synthetic filing's cells. `None` raw: a derived cell left blank.
SYNTHETIC_CELLS = {
    "dept.y.a": (YUAN_SHEET, "B2", "amount", 850000),  # 85 万元
    "dept.y.b": (YUAN_SHEET, "B3", "amount", 1500000.5),
    "dept.w.c": (WAN, "D10", "amount", 100),  # merged C9:D10; the value stands in C9
    "dept.o.a": (OTHER, "B2", "amount", 1),
    "dept.o.b": (OTHER, "B3", "amount", 2),
    "dept.w.total": (WAN, "C12", "amount", None),
    "dept.y.total": (YUAN_SHEET, "B5", "amount", None),
    "dept.w.other": (WAN, "C20", "amount", None),
    "dept.money.total.rate": (WAN, "C13", "rate", None),
    "dept.money.total.weight": (WAN, "C14", "score", 10),
    "dept.money.total.score": (WAN, "C15", "score", None),
    "dept.indicators[1].score": (WAN, "C16", "score", 50.004),  # 3 decimals: summed as shown, 50.00
    "dept.indicators[2].score": (WAN, "C17", "score", 40),
    "dept.closing.total": (WAN, "C18", "score", None),
    "dept.closing.grade": (WAN, "C19", "grade", None),
}
SYNTHETIC_DERIVATIONS = [
    ("dept.w.total", "sum", [("dept.y.a", 1), ("dept.y.b", 1), ("dept.w.c", 1)]),
    ("dept.y.total", "sum", [("dept.w.c", 1), ("dept.y.a", 1), ("dept.y.b", -1)]),
    ("dept.w.other", "sum", [("dept.o.a", 1), ("dept.o.b", 1)]),
    ("dept.money.total.rate", "ratio", [("dept.y.a", 1), ("dept.w.c", 1)]),
    ("dept.money.total.score", "budget_score", [("dept.money.total.weight", 1), ("dept.money.total.rate", 1)]),
    (
        "dept.closing.total",
        "total_score",
        [("dept.money.total.score", 1), ("dept.indicators[1].score", 1), ("dept.indicators[2].score", 1)],
    ),
    ("dept.closing.grade", "grade", [("dept.closing.total", 1)]),
]


def synthetic_filing(path: Path) -> Filing:
    """The synthetic Filing (see SYNTHETIC_CELLS), as the reader would have read the workbook at `path`."""
    filing = Filing(path=path, year=2022)
    for key, (sheet, cell, type_, raw) in SYNTHETIC_CELLS.items():
        scale = YUAN if sheet == YUAN_SHEET and type_ == "amount" else Decimal(1)
        value = None if raw is None else Decimal(repr(raw)) * scale
        filing.add(Slot(key, key, type_, sheet=sheet, cell=cell, raw=raw, value=value, scale=scale))
    for target, kind, inputs in SYNTHETIC_DERIVATIONS:
        filing.derive(target, kind, inputs)
    filing.merges = {WAN: [(9, 3, 10, 4)], YUAN_SHEET: [], OTHER: []}
    return filing


def synthetic(folder: Path, scheme: str = "local_caps") -> tuple[object, Completion]:
    """The synthetic workbook (openpyxl, inputs typed, derived cells blank) and its completion. Under
    local_caps its 总分 is capped: 执行率 85% caps it at 94 (8.5 + 50 + 40 = 98.5)."""
    path = Path(folder) / "synthetic.xlsx"
    wb = openpyxl.Workbook()
    wb.remove(wb.worksheets[0])
    for sheet in (WAN, YUAN_SHEET, OTHER):
        wb.create_sheet(sheet)
    wb[WAN].merge_cells("C9:D10")
    for sheet, cell, _, raw in SYNTHETIC_CELLS.values():
        if raw is not None:
            wb[sheet]["C9" if cell == "D10" else cell] = raw
    wb.save(path)
    return openpyxl.load_workbook(path), Completion(synthetic_filing(path), scheme)
