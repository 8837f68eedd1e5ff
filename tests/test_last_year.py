"""与上年核对 (--last-year): the seed sample (2022) against made-up 2021 workbooks built by tests/last_year.py."""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from samples.build_sample import SAMPLE
from tests.last_year import build_2021

#: Each 与上年 rule and the test that makes it fire (tests/test_rules.py covers the single-workbook rules).
FIRED = {
    "last-year-year": "test_wrong_year_is_an_error_naming_both_years_and_files",
    "last-year-prev-final": "test_prev_final_off_by_two_cents_is_an_error_at_both_cells",
    "last-year-carryover": "test_carryover_against_last_years_cumulative_by_institution",
    "last-year-quota": "test_quota_change_beyond_the_threshold",
    "last-year-target-low": "test_target_below_last_years_actual",
    "last-year-grade-jump": "test_grade_two_bands_apart",
}


def test_every_last_year_rule_has_a_firing_case():
    from perf_xlsx.rules import load_rules
    from perf_xlsx.rules.kinds import LAST_YEAR_KINDS

    assert sorted(r.id for r in load_rules() if r.kind in LAST_YEAR_KINDS) == sorted(FIRED)
    assert all(name in globals() for name in FIRED.values())


def yearly(report):
    return [f for f in report.findings if f.rule.startswith("last-year")]


@pytest.mark.parametrize("yuan", [False, True])
def test_consistent_pair_gives_no_finding_of_the_family(tmp_path, yuan):
    old = build_2021(tmp_path / "2021.xlsx", yuan=yuan)
    assert yearly(api.check(SAMPLE, last_year=old)) == []


@pytest.mark.parametrize("yuan", [False, True])
def test_prev_final_off_by_two_cents_is_an_error_at_both_cells(tmp_path, yuan):
    old = build_2021(tmp_path / "2021.xlsx", {"basic.funds.sangong.final": Decimal("338.15")}, yuan=yuan)
    (finding,) = yearly(api.check(SAMPLE, last_year=old))
    assert (finding.rule, finding.severity) == ("last-year-prev-final", "error")
    assert finding.where == "基础数据表!D7"
    assert (finding.last_file, finding.last_sheet, finding.last_cell) == ("2021.xlsx", "基础数据表", "F7")
    assert "湘西州政府办_2022_基础数据表.xlsx" in finding.message and "2021.xlsx" in finding.message
    assert "基础数据表!D7" in finding.message and "基础数据表!F7" in finding.message


def test_prev_final_off_by_one_cent_is_at_most_a_rounding_gap(tmp_path):
    old = build_2021(tmp_path / "2021.xlsx", {"basic.funds.sangong.final": Decimal("338.14")})
    assert {f.severity for f in yearly(api.check(SAMPLE, last_year=old))} <= {"rounding"}


def test_carryover_against_last_years_cumulative_by_institution(tmp_path):
    old = build_2021(tmp_path / "2021.xlsx", {"ie.spending.3.cumulative": Decimal("1500.00")})
    found = {(f.rule, f.severity, f.where, f.last_sheet, f.last_cell) for f in yearly(api.check(SAMPLE, last_year=old))}
    assert ("last-year-carryover", "error", "收支情况!C9", "收支情况", "H20") in found


def test_institutions_are_matched_by_name_not_position(tmp_path):
    names = [seed for seed in __import__("samples.build_sample", fromlist=["x"]).INSTITUTIONS]
    swapped = names[:3] + [names[4], names[3]] + names[5:]
    columns = {"ie.spending.3.cumulative": Decimal("11.37"), "ie.spending.4.cumulative": Decimal("1550.78")}
    old = build_2021(tmp_path / "2021.xlsx", columns, institutions=swapped)
    assert yearly(api.check(SAMPLE, last_year=old)) == []


def test_quota_change_beyond_the_threshold(tmp_path):
    old = build_2021(tmp_path / "2021.xlsx", {"basic.staff.quota": 100})
    (finding,) = yearly(api.check(SAMPLE, last_year=old))
    assert (finding.rule, finding.severity, finding.last_sheet) == ("last-year-quota", "warning", "基础数据表")
    assert "46.00%" in finding.message


def test_target_below_last_years_actual(tmp_path):
    from tests import last_year

    rows = last_year.indicators_2021()
    rows[1]["rows"][0]["actual"] = "引进招商引资项目60个"
    original = last_year.indicators_2021
    last_year.indicators_2021 = lambda: rows
    try:
        old = build_2021(tmp_path / "2021.xlsx")
    finally:
        last_year.indicators_2021 = original
    (finding,) = yearly(api.check(SAMPLE, last_year=old))
    assert (finding.rule, finding.severity) == ("last-year-target-low", "warning")
    assert finding.message.startswith("目标设置偏低")
    assert finding.sheet == "整体支出绩效自评表" and finding.last_sheet == "整体支出绩效自评表" and finding.last_cell


def test_grade_two_bands_apart(tmp_path):
    old = build_2021(tmp_path / "2021.xlsx", {"dept.closing.total": Decimal("70"), "dept.closing.grade": "中"})
    (finding,) = yearly(api.check(SAMPLE, last_year=old))
    assert (finding.rule, finding.where, finding.last_cell) == ("last-year-grade-jump", "整体支出绩效自评表!F22", "F22")


def test_one_band_apart_is_no_finding(tmp_path):
    old = build_2021(tmp_path / "2021.xlsx", {"dept.closing.total": Decimal("85"), "dept.closing.grade": "良"})
    assert yearly(api.check(SAMPLE, last_year=old)) == []


def test_wrong_year_is_an_error_naming_both_years_and_files(tmp_path):
    old = build_2021(tmp_path / "2020.xlsx", {"basic.funds.sangong.final": Decimal("1")}, year=2020)
    (finding,) = yearly(api.check(SAMPLE, last_year=old))
    assert (finding.rule, finding.severity) == ("last-year-year", "error")
    for text in ("2022", "2020", "2021", "2020.xlsx", "湘西州政府办_2022_基础数据表.xlsx"):
        assert text in finding.message


def test_fill_writes_the_findings_into_the_audit_sheet(tmp_path):
    old = build_2021(tmp_path / "2021.xlsx", {"basic.funds.sangong.final": Decimal("338.15")})
    report = api.fill(SAMPLE, tmp_path / "out", last_year=old)
    ws = openpyxl.load_workbook(report.output)["审核结果"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "上年决算数等于上年工作簿的本年决算数" in text or "last-year-prev-final" in text
    assert "2021.xlsx" in text and "基础数据表!F7" in text


def test_cli_check_json_and_summary(tmp_path):
    old = build_2021(tmp_path / "2021.xlsx", {"basic.funds.sangong.final": Decimal("338.15")})
    result = CliRunner().invoke(cli, ["check", str(SAMPLE), "--last-year", str(old), "--json"])
    data = json.loads(result.output)
    assert data["last_year"] == "2021.xlsx"
    (finding,) = [f for f in data["findings"] if f["rule"].startswith("last-year")]
    assert finding["last_year"] == {"file": "2021.xlsx", "sheet": "基础数据表", "cell": "F7"}
    text = CliRunner().invoke(cli, ["check", str(SAMPLE), "--last-year", str(old)]).output
    assert "与上年核对（上年文件“2021.xlsx”）：错误 1" in text
    assert "基础数据表!D7" in text


@pytest.mark.parametrize("content", [b"not a workbook", None])
def test_a_bad_last_year_workbook_is_a_chinese_error(tmp_path, content):
    old = tmp_path / "上年.xlsx"
    if content is not None:
        old.write_bytes(content)
    result = CliRunner().invoke(cli, ["check", str(SAMPLE), "--last-year", str(old)])
    assert result.exit_code != 0
    assert "上年工作簿" in result.output and "上年.xlsx" in result.output
    assert "Traceback" not in result.output


def test_last_years_project_on_another_familys_form(tmp_path):
    """Last year's project sheet on the national form, this year's on Hubei's: the project is paired by its
    项目名称 and its indicators by 一级指标 and name whatever the layout, so a target set below last year's
    actual is found across the two families; a target at or above it is not."""
    from dataclasses import replace

    from openpyxl import Workbook

    from tests.family_forms.common import quant
    from tests.family_forms.hubei import EXTENSION, OUT, BForm
    from tests.family_forms.national import WATER, NForm

    def saved(form, path):
        wb = Workbook()
        wb.remove(wb.worksheets[0])
        form.draw(wb.create_sheet("Sheet1"))
        wb.save(path)
        return path

    this = saved(BForm(project=EXTENSION), tmp_path / "2022.xlsx")  # 开展农技培训场次 ≥ 40

    def last(done: str):
        indicators = (quant(OUT, "数量指标", "开展农技培训场次", "≥", "36", done, "场", 20), *WATER.indicators[1:])
        project = replace(WATER, year=2021, name=EXTENSION.name, indicators=indicators)
        return saved(NForm(project=project), tmp_path / f"2021-{done}.xlsx")

    report = api.check(this, last_year=last("45"))
    assert [f.rule for f in yearly(report)] == ["last-year-target-low"]
    (finding,) = yearly(report)
    assert "开展农技培训场次" in finding.message and "2021-45.xlsx" in finding.message
    assert finding.last_cell and finding.cell
    assert not yearly(api.check(this, last_year=last("40")))
