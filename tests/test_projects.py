"""项目支出绩效自评表: every project sheet of the realistic sample is scored and filled; a project whose
年度资金总额 does not add up is flagged."""

from __future__ import annotations

from decimal import Decimal

import openpyxl

from perf_xlsx import api
from samples.synthetic import SAMPLE, build_one


def test_checked_in_sample_equals_a_fresh_build(tmp_path):
    assert build_one(tmp_path / "s.xlsx", seed=1, projects=3).read_bytes() == SAMPLE.read_bytes()


def test_every_project_sheet_is_scored_and_filled(tmp_path):
    report = api.fill(SAMPLE, tmp_path / "out")
    ev = api.evaluate(report.output)  # what the completed workbook now shows
    assert ev.filing.projects == ["proj1", "proj2", "proj3"]
    for project in ev.filing.projects:
        slots = ev.filing.slots
        budget, actual = slots[f"{project}.money.total.budget"].value, slots[f"{project}.money.total.actual"].value
        rate = slots[f"{project}.money.total.rate"].value
        assert budget and actual and rate == (actual / budget).quantize(Decimal("0.0001"), "ROUND_HALF_UP")
        scores = [slots[i.score_key].value for i in ev.filing.indicators[project]]
        assert len(scores) == 5 and all(s is not None for s in scores)
        budget_score = slots[f"{project}.money.total.score"].value
        assert slots[f"{project}.closing.total"].value == budget_score + sum(scores)
    assert [f for f in report.findings if f.severity == "error"] == []


def test_inconsistent_project_funds_are_flagged(tmp_path):
    ev = api.evaluate(SAMPLE)
    total = ev.filing.slots["proj2.money.total.actual"]
    wb = openpyxl.load_workbook(SAMPLE)
    wb[total.sheet][total.cell] = 999.99  # typed over the sum of its sources
    wb.save(tmp_path / "wrong.xlsx")
    report = api.check(tmp_path / "wrong.xlsx")
    assert ["project-funds-total", total.sheet, total.cell] in report.flatten(["rule", "sheet", "cell"])
