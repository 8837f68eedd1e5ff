"""Re-running on an output (rerun.py): a clerk fixes an input in `…_已填.xlsx` and runs fill on it again; and
the file as the clerk finds it (its mode)."""

from __future__ import annotations

import json

import openpyxl
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from perf_xlsx.paths import original_stem
from tests.golden import SAMPLE


def test_an_output_run_again_is_named_from_the_original_and_said_to_be_one(tmp_path):
    first = api.fill(SAMPLE, tmp_path / "一")
    assert not first.earlier_output
    result = CliRunner().invoke(cli, ["fill", str(first.output), "-o", str(tmp_path / "二")])
    assert result.exit_code in (0, 1), result.output
    assert (tmp_path / "二" / first.output.name).is_file()  # 湘西州…_已填.xlsx, never …_已填_已填.xlsx
    assert not list((tmp_path / "二").glob("*_已填_已填.xlsx"))
    assert "之前生成的已填工作簿" in result.output
    again = CliRunner().invoke(cli, ["check", str(first.output), "--json"])
    assert json.loads(again.output)["earlier_output"] is True


def test_a_clerks_own_sheet_named_like_ours_does_not_make_an_earlier_output(tmp_path):
    wb = openpyxl.load_workbook(SAMPLE)
    wb.create_sheet("计算过程")["A1"] = "本科室的测算"
    wb.create_sheet("审核结果")["A1"] = "科长审核意见"
    wb.save(tmp_path / "自制.xlsx")
    assert not api.check(tmp_path / "自制.xlsx").earlier_output


def test_original_stem():
    assert original_stem("a_已填.xlsx") == "a" and original_stem("a.xlsx") == "a"
    assert original_stem("_已填.xlsx") == "_已填"  # nothing left: the name as it is


def test_the_completed_workbook_follows_the_users_umask(tmp_path):
    """Written as a private temporary file and renamed: it gets the user's mode (0640 under umask 027), not 0600."""
    import os

    from perf_xlsx import paths

    old = os.umask(0o027)
    paths._umask.cache_clear()
    try:
        report = api.fill(SAMPLE, tmp_path)
    finally:
        os.umask(old)
        paths._umask.cache_clear()
    assert report.output.stat().st_mode & 0o777 == 0o640
