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


@pytest.mark.parametrize("make", ["sample", "filled", "template", "inline_breakdown", "moved_tables"])
def test_same_bytes_either_way(make, tmp_path):
    if make == "sample":
        path = SAMPLE
    elif make == "filled":
        path = api.fill(SAMPLE, tmp_path / "out").output
    elif make == "template":
        path = api.write_template(tmp_path / "t.xlsx", 2022, "某局", projects=3)
    else:
        path = getattr(messy, f"build_{make}")(tmp_path / f"{make}.xlsx")
    assert saved(path, tmp_path, "slow.xlsx", False) == saved(path, tmp_path, "quick.xlsx", True)


def test_patch_is_undone_after_the_block():
    from openpyxl.worksheet.merge import MergedCellRange

    original = MergedCellRange.format
    with quick_merges():
        assert MergedCellRange.format is not original
    assert MergedCellRange.format is original
