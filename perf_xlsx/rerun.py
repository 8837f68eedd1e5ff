"""Re-running on an output (再次处理已填工作簿): a workbook perfxlsx completed before is a normal input.

A clerk corrects an input in `…_已填.xlsx` and runs fill on it again. It is recognised by the two sheets
perfxlsx added to it, each with the title row and header it writes (a clerk's own sheet that merely shares a
name is not taken for one); the output is then named from the original file name (paths.original_stem), and
the terminal and the JSON say that the input was an earlier output.

Names of the added sheets (新增工作表名称): perfxlsx's own sheets of an earlier output are replaced where they
stand; a clerk's sheet that has our name (审核结果, 计算过程) is never touched, so formulas referring to it still
do: ours then takes the first free name 审核结果(2), 审核结果(3) … (added_names), and a 提示 says so.

The cells perfxlsx filled are recognised by their formulas: a derived cell holding exactly the formula
perfxlsx writes there is its own, so it is assessed as blank (its stale cached value is not a stated
value), recomputed and written again. Any other content of a derived cell — a number the clerk typed over
it, a formula of the clerk's — is the clerk's, kept and checked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .grid import Grid
from .model import FINDINGS_SHEET, WORK_SHEET, Filing

if TYPE_CHECKING:
    from .derive import Completion

#: The title each added sheet starts with, in its cell A1.
TITLES = {FINDINGS_SHEET: "审核结果", WORK_SHEET: "计算过程"}
#: The first column of the header (row 2) perfxlsx writes on each added sheet.
FIRST_HEADER = "序号"


def numbered(name: str, base: str) -> bool:
    """`name` is `base` or `base(n)`: a name perfxlsx gives its sheet `base`."""
    return name == base or re.fullmatch(re.escape(base) + r"\((\d+)\)", name) is not None


def is_own_sheet(grid: Grid, base: str) -> bool:
    """Whether `grid` is the sheet `base` perfxlsx added (本程序生成的表): named `base` or `base(n)`, with its title
    row in A1 and its header in row 2."""
    return (
        numbered(grid.title, base)
        and str(grid.values.get((1, 1), "")).startswith(TITLES[base])
        and str(grid.values.get((2, 1), "")).strip() == FIRST_HEADER
    )


def own_sheets(grids: list[Grid]) -> dict[str, str]:
    """The sheets an earlier run of perfxlsx added: base name (审核结果, 计算过程) → the sheet's name."""
    found: dict[str, str] = {}
    for base in TITLES:
        hit = next((g.title for g in grids if is_own_sheet(g, base)), None)
        if hit is not None:
            found[base] = hit
    return found


def is_earlier_output(grids: list[Grid]) -> bool:
    """Whether the workbook holds the 审核结果 and 计算过程 sheets perfxlsx adds, with their title rows."""
    return set(own_sheets(grids)) == set(TITLES)


def added_names(own: dict[str, str], taken: list[str]) -> dict[str, str]:
    """The name each added sheet is written under: the earlier output's sheet it replaces (`own`), else its
    own name, else — a clerk's sheet has it — the first free `base(n)` from 2 on. Sheet names are compared
    as Excel does, ignoring case."""
    used = {name.casefold() for name in taken}
    names: dict[str, str] = {}
    for base in TITLES:
        if base in own:
            names[base] = own[base]
            continue
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            name = f"{base}({n})"
        names[base] = name
        used.add(name.casefold())
    return names


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
