"""Golden tests: generated workbooks match their checked-in cell-level snapshots."""

from __future__ import annotations

import difflib

import openpyxl
import pytest

from tests.golden import CASES, SNAPSHOTS, dump


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_snapshot(name, tmp_path):
    produced = dump(CASES[name](tmp_path))
    expected = (SNAPSHOTS / name).read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), produced.splitlines(True), "snapshot", "now", n=1))
    assert produced == expected, f"与快照不一致（如属预期修改，运行 make golden 并审阅差异）：\n{diff[:4000]}"


def test_changing_one_cell_breaks_the_snapshot(tmp_path):
    """The comparison can fail: one changed figure in the output shows up in the dump diff."""
    path = CASES["sample_filled.txt"](tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["整体支出绩效自评表"]["H5"] = 0.8758  # 预算执行率, one hundredth of a point off
    wb.save(path)
    produced = dump(path)
    expected = (SNAPSHOTS / "sample_filled.txt").read_text(encoding="utf-8")
    assert produced != expected
    changed = [line for line in difflib.ndiff(expected.splitlines(), produced.splitlines()) if line.startswith("+ ")]
    assert changed == ["+ H5\t0.8758\t0.00%"]
