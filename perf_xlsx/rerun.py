"""Re-running on an output (再次处理已填工作簿): a workbook perfxlsx completed before is a normal input.

A clerk corrects an input in `…_已填.xlsx` and runs fill on it again. It is recognised by the two sheets
perfxlsx added to it, each with the title row it writes (a clerk's own sheet that merely shares a name is
not taken for one); the output is then named from the original file name (paths.original_stem), and the
terminal and the JSON say that the input was an earlier output.
"""

from __future__ import annotations

from .grid import Grid
from .model import FINDINGS_SHEET, WORK_SHEET

#: The title each added sheet starts with, in its cell A1.
TITLES = {FINDINGS_SHEET: "审核结果", WORK_SHEET: "计算过程"}


def is_earlier_output(grids: list[Grid]) -> bool:
    """Whether the workbook holds the 审核结果 and 计算过程 sheets perfxlsx adds, with their title rows."""
    by_title = {g.title: g for g in grids}
    return all(
        name in by_title and str(by_title[name].values.get((1, 1), "")).startswith(title)
        for name, title in TITLES.items()
    )
