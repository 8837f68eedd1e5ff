"""The fast merged-cell setup gives the very same workbook as openpyxl's own."""

from __future__ import annotations

import openpyxl
import pytest

from perf_xlsx import api
from perf_xlsx.fast_merge import quick_merges
from perf_xlsx.writing import save_deterministic
from tests import messy
from tests.golden import SAMPLE


def saved(path, tmp_path, name, quick: bool) -> bytes:
    if quick:
        with quick_merges():
            wb = openpyxl.load_workbook(path)
    else:
        wb = openpyxl.load_workbook(path)
    save_deterministic(wb, tmp_path / name)
    return (tmp_path / name).read_bytes()


def build_bordered_merges(path):
    """Merged ranges whose corner cells carry different borders, written cell by cell (as Excel does),
    so that loading must combine them; one range has no top-left cell and one has no corner cell."""
    from openpyxl.styles import Border, Side

    thin, thick = Side(style="thin"), Side(style="thick", color="FF0000")
    wb = openpyxl.Workbook()
    ws = wb.active
    for top_left, corner in (("A1", "B3"), ("D1", "E3"), ("A5", "C6"), (None, "E6"), ("A8", None)):
        if top_left:
            ws[top_left] = "合并"
            ws[top_left].border = Border(top=thin, left=thin)
        if corner:
            ws[corner].border = Border(right=thick, bottom=thick if corner != "C6" else thin)
    ws["B1"].border = Border(top=thick)  # an edge cell with its own border
    # write the cells before merging, so the file holds them as Excel would
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    wb = openpyxl.load_workbook(tmp)
    ws = wb.active
    for ref in ("A1:B3", "D1:E3", "A5:C6", "D5:E6", "A8:B9"):
        ws.merged_cells.add(ref)  # add the ranges without openpyxl re-styling the cells
    wb.save(path)
    return path


def test_corner_borders_are_combined(tmp_path):
    path = build_bordered_merges(tmp_path / "b.xlsx")
    with quick_merges():
        ws = openpyxl.load_workbook(path).active
    assert ws["A1"].border.right.style == "thick" and ws["A1"].border.top.style == "thin"
    assert ws["A5"].border.bottom.style == "thin" and ws["A5"].border.right.style == "thick"


@pytest.mark.parametrize(
    "make", ["sample", "filled", "template", "inline_breakdown", "moved_tables", "bordered_merges"]
)
def test_same_bytes_either_way(make, tmp_path):
    if make == "sample":
        path = SAMPLE
    elif make == "filled":
        path = api.fill(SAMPLE, tmp_path / "out").output
    elif make == "template":
        path = api.write_template(tmp_path / "t.xlsx", 2022, "某局", projects=3)
    elif make == "bordered_merges":
        path = build_bordered_merges(tmp_path / "b.xlsx")
    else:
        path = getattr(messy, f"build_{make}")(tmp_path / f"{make}.xlsx")
    assert saved(path, tmp_path, "slow.xlsx", False) == saved(path, tmp_path, "quick.xlsx", True)


def test_patch_is_undone_after_the_block():
    from openpyxl.worksheet.merge import MergedCellRange

    originals = MergedCellRange.format, MergedCellRange._get_borders
    with quick_merges():
        assert MergedCellRange.format is not originals[0]
        assert MergedCellRange._get_borders is not originals[1]
    assert (MergedCellRange.format, MergedCellRange._get_borders) == originals
