"""Faster merged-cell setup when openpyxl loads a workbook (合并单元格加速).

On load openpyxl gives the top-left cell of a merged range the right and bottom borders of its
bottom-right cell, then every cell of the range the edge borders and the protection of the top-left
one, setting each through the style descriptors, which hash a Border object per cell: most of the
time of loading a form full of merged cells. `quick_merges()` does the same with the style indices,
computing each combined border once per workbook. The result is the same workbook (a test checks
that a save gives the same bytes either way).
"""

# It patches openpyxl internals (_style, _borders, _get_borders) that openpyxl's type stubs do not describe.
# mypy: disable-error-code="union-attr, attr-defined, method-assign"

from __future__ import annotations

from contextlib import contextmanager
from copy import copy

from openpyxl.cell.cell import MergedCell
from openpyxl.styles.borders import Border
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.merge import MergedCellRange

_SIDES = ("top", "left", "right", "bottom")


def _cell(ws, coord, merged: bool = True):
    cell = ws._cells.get(coord)
    if cell is None:
        if merged:
            cell = MergedCell(ws, row=coord[0], column=coord[1])
            ws._cells[coord] = cell
        else:  # as ws.cell() does
            cell = ws.cell(row=coord[0], column=coord[1])
    if not cell._style:  # as the style descriptors do on first use
        cell._style = StyleArray()
    return cell


def _combined(wb) -> dict:
    """(border id, border id, what) → id of the combined border; shared by all ranges of a workbook."""
    return wb.__dict__.setdefault("_quick_merge_borders", {})


def _get_borders(self: MergedCellRange) -> None:
    """MergedCellRange._get_borders (the top-left cell takes the bottom-right's right and bottom
    borders), with style indices instead of style objects."""
    ws = self.ws
    start = self.start_cell = _cell(ws, (self.min_row, self.min_col), merged=False)
    end = ws._cells.get((self.max_row, self.max_col))
    if end is None:
        return
    end_id = end._style.borderId if end._style else 0
    key = (start._style.borderId, end_id, "corner")
    combined = _combined(ws.parent)
    if key not in combined:
        borders = ws.parent._borders
        end_border = borders[end_id]
        combined[key] = borders.add(borders[key[0]] + Border(right=end_border.right, bottom=end_border.bottom))
    start._style.borderId = combined[key]


def _format(self: MergedCellRange) -> None:
    """MergedCellRange.format, with style indices instead of style objects."""
    ws = self.ws
    wb = ws.parent
    borders = wb._borders
    combined = _combined(wb)  # (edge cell's border, top-left cell's border, side) → combined border
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
    originals = MergedCellRange.format, MergedCellRange._get_borders
    MergedCellRange.format, MergedCellRange._get_borders = _format, _get_borders
    try:
        yield
    finally:
        MergedCellRange.format, MergedCellRange._get_borders = originals
