"""新增工作表名称 (the names of the added sheets): 审核结果 and 计算过程, never in place of a clerk's sheet.

perfxlsx's own sheets of an earlier output (recognised by name, title row and header) are replaced where
they stand. A clerk's sheet that has our name is never touched, so formulas referring to it still do: ours
then takes the first free name 审核结果(2), 审核结果(3) … (added_names), and a 提示 says so (completing.py).
"""

from __future__ import annotations

import re

from .grid import Grid
from .model import TITLES

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
