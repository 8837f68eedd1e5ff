"""Re-running on an output (再次处理已填工作簿): a workbook perfxlsx completed before is a normal input.

A clerk corrects an input in `…_已填.xlsx` and runs fill on it again. It is recognised by the two sheets
perfxlsx added to it, each with the title row and header it writes (added_sheets.py; a clerk's own sheet that merely shares a
name is not taken for one); the output is then named from the original file name (paths.original_stem), and
the terminal and the JSON say that the input was an earlier output.

The cells perfxlsx filled are recognised by their formulas: a derived cell holding exactly the formula
perfxlsx writes there is its own, so it is assessed as blank (its stale cached value is not a stated
value), recomputed and written again. Any other content of a derived cell — a number the clerk typed over
it, a formula of the clerk's — is the clerk's, kept and checked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .added_sheets import own_sheets
from .grid import Grid
from .model import TITLES, Filing

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
