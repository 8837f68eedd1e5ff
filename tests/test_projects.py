"""项目支出绩效自评表: every project sheet of the realistic sample is scored and filled; a project whose
年度资金总额 does not add up is flagged."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from perf_xlsx.derive import rounded
from samples.synthetic import SAMPLE, build_one
from tests.project_only import cell_of, national_project


def test_checked_in_sample_equals_a_fresh_build(tmp_path):
    assert build_one(tmp_path / "s.xlsx", seed=1, projects=3).read_bytes() == SAMPLE.read_bytes()


def test_every_project_sheet_is_scored_and_filled(tmp_path):
    report = api.fill(SAMPLE, tmp_path / "out")
    ev = api.evaluate(report.output)  # what the completed workbook now shows
    assert ev.filing.projects == ["proj1", "proj2", "proj3"]
    shown = ev.completion.shown  # a filled cell holds perfxlsx's formula: read again, it is recomputed
    for project in ev.filing.projects:
        budget, actual = shown(f"{project}.money.total.budget"), shown(f"{project}.money.total.actual")
        rate = shown(f"{project}.money.total.rate")
        assert budget and actual and rate == actual / budget
        scores = [shown(i.score_key) for i in ev.filing.indicators[project]]
        assert len(scores) == 5 and all(s is not None for s in scores)
        budget_score = rounded(Decimal(shown(f"{project}.money.total.score")), "score")
        summed = budget_score + sum(rounded(Decimal(s), "score") for s in scores)
        assert rounded(Decimal(shown(f"{project}.closing.total")), "score") == summed
    assert [f for f in report.findings if f.severity == "error"] == []


def test_inconsistent_project_funds_are_flagged(tmp_path):
    ev = api.evaluate(SAMPLE)
    total = ev.filing.slots["proj2.money.total.actual"]
    wb = openpyxl.load_workbook(SAMPLE)
    wb[total.sheet][total.cell] = 999.99  # typed over the sum of its sources
    wb.save(tmp_path / "wrong.xlsx")
    report = api.check(tmp_path / "wrong.xlsx")
    assert ["project-funds-total", total.sheet, total.cell] in report.flatten(["rule", "sheet", "cell"])


# ---- a national 项目支出绩效自评表 on its own (issue 11) ---------------------------------------------------
@pytest.mark.parametrize(
    "label",
    [
        "其中：当年财政拨款",
        "其中：本年财政拨款",
        "本年财政拨款",
        "财政拨款",
        "其中：财政拨款",
        "其中:本年财政拨款",
        " 其中：\n本年财政拨款 ",
    ],
)
def test_first_funding_row_is_found_however_worded(label, tmp_path):
    ev = api.evaluate(national_project(tmp_path / "p.xlsx", fiscal_label=label))
    assert ev.filing.slots["proj1.money.fiscal.budget"].value == Decimal("179.99")
    assert not [f for f in ev.report.findings if f.rule == "read-not-found"]


def test_project_form_alone_is_checked_scored_and_filled(tmp_path):
    """The sample's first project, alone, its first funding row reading 其中：本年财政拨款: 136.33 of 179.99 is 75.74%,
    得分 7.57; the indicators by rule 24 (48 of ≥50 个, 25 × 48/50), 14.55, 10, 30, 10; 总分 96.12. One 提示 says the
    workbook holds only project forms; none per missing form or field."""
    path = national_project(tmp_path / "项目.xlsx")
    report = api.fill(path, tmp_path / "out")
    assert report.flatten(["severity", "rule"]) == [["warning", "read-project-only"]]
    assert report.unit == "模拟单位001"
    done = api.evaluate(report.output).completion  # the filled cells, recomputed from their formulas
    shown = [
        rounded(Decimal(done.shown(k)), t)
        for k, t in (("proj1.money.total.rate", "rate"), ("proj1.money.total.score", "score"))
    ]
    assert shown == [Decimal("0.7574"), Decimal("7.57")]
    assert [rounded(Decimal(done.shown(f"proj1.indicators[{n}].score")), "score") for n in range(1, 6)] == [
        24,
        Decimal("14.55"),
        10,
        30,
        10,
    ]
    assert rounded(Decimal(done.shown("proj1.closing.total")), "score") == Decimal("96.12")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0
    assert result.output.count("只有项目支出绩效自评表") == 1 and "未找到" not in result.output


def test_project_form_alone_has_its_scores_checked(tmp_path):
    """A stated indicator 得分 and 总分 are checked on a project-only workbook as on a full one."""
    changes = {"proj1.indicators[1].score": Decimal("25"), "proj1.closing.total": Decimal("90")}
    path = national_project(tmp_path / "项目.xlsx", changes=changes)
    found = api.check(path).flatten(["rule", "sheet", "cell"])
    assert ["stated-score", *cell_of(path, "proj1.indicators[1].score")] in found
    assert ["stated-total-score", *cell_of(path, "proj1.closing.total")] in found


def test_project_form_alone_with_a_zero_total_exits_1(tmp_path):
    changes = {"proj1.money.total.budget": Decimal("0"), "proj1.money.fiscal.budget": Decimal("90")}
    path = national_project(tmp_path / "项目.xlsx", changes=changes)
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    sheet, cell = cell_of(path, "proj1.money.total.budget")
    assert f"错误：{sheet}!{cell}" in result.output
