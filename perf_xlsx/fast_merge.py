"""Faster merged-cell setup when openpyxl loads a workbook (合并单元格加速).

On load openpyxl gives every cell of a merged range the edge borders and the protection of its
top-left cell, setting each one through the style descriptors, which hash a Border object per cell:
most of the time of loading a form full of merged cells. `quick_merges()` does the same with the
style indices, computing each combined border once. The result is the same workbook (a test checks
that a save gives the same bytes either way).
"""
from __future__ import annotations

from contextlib import contextmanager
from copy import copy

from openpyxl.cell.cell import MergedCell
from openpyxl.styles.borders import Border
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.merge import MergedCellRange

_SIDES = ("top", "left", "right", "bottom")


def _cell(ws, coord):
    cell = ws._cells.get(coord)
    if cell is None:
        cell = MergedCell(ws, row=coord[0], column=coord[1])
        ws._cells[coord] = cell
    if not cell._style:  # as the style descriptors do on first use
        cell._style = StyleArray()
    return cell


def _format(self: MergedCellRange) -> None:
    """MergedCellRange.format, with style indices instead of style objects."""
    ws = self.ws
    wb = ws.parent
    borders = wb._borders
    # (edge cell's border, top-left cell's border, side) → combined border, shared by all ranges
    combined: dict[tuple[int, int, str], int] = wb.__dict__.setdefault("_quick_merge_borders", {})
    start = self.start_cell
    start_id = start._style.borderId if start._style else 0
    start_border = start.border
    for name in _SIDES:
        side = getattr(start_border, name)
        if side and side.style is None:
            continue
        extra = None
        for coord in getattr(self, name):
            cell = _cell(ws, coord)
            key = (cell._style.borderId, start_id, name)
            if key not in combined:
                extra = extra or Border(**{name: side})
                combined[key] = borders.add(borders[key[0]] + extra)
            cell._style.borderId = combined[key]
    if start.protection is not None:
        protection = wb._protections.add(copy(start.protection))
        for coord in self.cells:
            _cell(ws, coord)._style.protectionId = protection


@contextmanager
def quick_merges():
    """Within this block, openpyxl sets up merged ranges the fast way."""
    original = MergedCellRange.format
    MergedCellRange.format = _format
    try:
        yield
    finally:
        MergedCellRange.format = original
