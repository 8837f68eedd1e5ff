"""Re-running on an output (再次处理已填工作簿): a workbook perfxlsx completed before is a normal input.

A clerk corrects an input in `…_已填.xlsx` and runs fill on it again. It is recognised by the two sheets
perfxlsx added to it, each with the title row and header it writes (own_sheets.py; a clerk's own sheet
that merely shares a name is not taken for one); the output is then named from the original file name (paths.original_stem), and
the terminal and the JSON say that the input was an earlier output.

The cells perfxlsx filled are recognised by their formulas: a derived cell holding exactly the formula
perfxlsx writes there is its own, so it is assessed as blank (its stale cached value is not a stated
value), recomputed and written again. A cell filled with a plain value (no formula can give it: a score
read from an indicator's text, a sum of numbers typed as text, or any cell with `--values`) is recognised
by the earlier output's own record, its 计算过程: a row whose 处理 says it was filled, without a 单元格公式,
names the cell (位置) and the value written (计算值). While the cell still shows that value (compared as
计算过程 shows it: amounts to the cent in the sheet's unit, rates to 0.01 %, scores to 2 decimals), it is
perfxlsx's and recomputed; a value the clerk typed over it is the clerk's. Any other content of a derived
cell — a number the clerk typed over it, a formula of the clerk's — is the clerk's, kept and checked.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from .grid import Grid
from .model import TITLES, WORK_SHEET, Filing
from .own_sheets import own_sheets

if TYPE_CHECKING:
    from .derive import Completion


def is_earlier_output(grids: list[Grid]) -> bool:
    """Whether the workbook holds the 审核结果 and 计算过程 sheets perfxlsx adds, with their title rows."""
    return set(own_sheets(grids)) == set(TITLES)


def _normal(formula: str) -> str:
    """A formula compared as Excel reads it: no leading =, no $ anchors, no spaces, letters in capitals."""
    return re.sub(r"[\s$]", "", formula.removeprefix("=")).upper()


def formula_cells(filing: Filing) -> list[str]:
    """Keys of the derived cells (a derivation's target) that hold a formula."""
    targets = {d.target for d in filing.derivations}
    return [k for k, s in filing.slots.items() if k in targets and s.found and s.formula]


def filled_values(grids: list[Grid], filing: Filing) -> list[str]:
    """Keys of the derived cells an earlier run filled with a plain value, as its 计算过程 records them, that
    still hold that value (see the module's text). Columns are found by their header (row 2)."""
    from .sheet_style import number
    from .writing import FILLED, REFILLED

    name = filing.own_sheets.get(WORK_SHEET)  # the earlier output's 计算过程, perhaps 计算过程(2)
    work = next((g for g in grids if g.title == name), None)
    if work is None:
        return []
    header = {str(v).strip(): c for (r, c), v in work.values.items() if r == 2 and v is not None}
    if any(name not in header for name in ("位置", "计算值", "处理")):
        return []
    by_place = {s.where: k for k, s in filing.slots.items() if s.found and s.cell}
    targets = {d.target for d in filing.derivations}
    ours = []
    for row in range(3, work.max_row + 1):
        status = str(work.values.get((row, header["处理"])) or "")
        formula = work.values.get((row, header["单元格公式"])) if "单元格公式" in header else None
        key = by_place.get(str(work.values.get((row, header["位置"])) or ""))
        if not status.startswith((FILLED, REFILLED)) or formula or key is None or key not in targets:
            continue
        slot = filing.slots[key]
        if slot.formula or slot.value is None:
            continue  # a formula is recognised as such (own_formulas); a blank cell is blank anyway
        shown, _ = number(slot.value, slot.type, slot.scale)
        if _same(shown, work.values.get((row, header["计算值"]))):
            ours.append(key)
    return ours


def _same(value: object, recorded: object) -> bool:
    """A cell's value, as 计算过程 shows it (sheet_style.number: rounded, then a float), against what 计算过程
    recorded: numbers compared as the decimals they print as, text as text."""
    if isinstance(value, int | float) and isinstance(recorded, int | float) and not isinstance(recorded, bool):
        return Decimal(repr(value)) == Decimal(repr(recorded))
    return value is not None and str(value) == str(recorded)


def own_formulas(completion: Completion, candidates: list[str]) -> set[str]:
    """Of `candidates` (formula cells, assessed as if blank), those whose formula is exactly the one perfxlsx
    writes there (excel_formulas.formula_for): cells it filled on an earlier run, which a re-run recomputes
    and writes again with fresh cached values. A formula the clerk wrote, or changed, is the clerk's: kept
    and checked like any stated value."""
    from .excel_formulas import formula_for

    ours = set()
    for key in candidates:
        result = completion.results.get(key)
        mine = formula_for(completion, result) if result is not None else None
        if mine is not None and _normal(mine) == _normal(completion.filing.slots[key].formula):
            ours.add(key)
    return ours
