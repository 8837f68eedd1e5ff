"""Plausibility findings of issue 11 beyond their one-line cases (tests/rule_cases.py): negative 结余, a met target
scored 分值 × 实际值, and blocks whose printed points their rows do not add up to."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perf_xlsx import api
from tests.project_only import cell_of, national_project
from tests.rule_cases import variant, where

D = Decimal


def hits(report, rule: str) -> list:
    return [f for f in report.findings if f.rule == rule]


def test_cumulative_balance_below_zero_despite_a_carryover(tmp_path):
    """长沙办事处 spending 400 on projects: 521.61 − 253.15 − 400 leaves 累计结余 −131.54 although 151.70 was carried
    over: more spent than all its money; said at 累计结余, not at the 当年结余 the carryover would cover."""
    report = api.check(variant(tmp_path, {"ie.spending.2.project": D("400")}))
    found = hits(report, "negative-balance")
    assert [(f.sheet, f.cell) for f in found] == [where("ie.spending.2.cumulative")]
    assert found[0].severity == "warning" and "-131.54万元" in found[0].message and "上年结转" in found[0].message


# the known mistake of Hubei forms, on a national one: 产出指标(50分) all met, 质量 (≥98%, 98% done, 分值 15) scored
# 15 × 98% = 14.70 instead of 15 × 98%/98% = 15; the block then falls 0.30 short of its 50 points
HUBEI = {
    "label:项目1:产出指标": "产出指标(50分)",
    "proj1.indicators[1].actual": "50个",
    "proj1.indicators[1].score": D("25"),
    "proj1.indicators[2].target": "≥98%",
    "proj1.indicators[2].actual": "98%",
    "proj1.indicators[2].score": D("14.7"),
    "proj1.indicators[3].score": D("10"),
}


def test_met_target_scored_weight_times_actual(tmp_path):
    path = national_project(tmp_path / "p.xlsx", changes=HUBEI)
    report = api.check(path)
    row = hits(report, "score-times-actual")
    assert [(f.sheet, f.cell) for f in row] == [cell_of(path, "proj1.indicators[2].score")]
    assert row[0].severity == "warning" and row[0].computed == 15
    assert "分值 × 实际值" in row[0].message and "15 × 98%" in row[0].message
    assert not [f for f in hits(report, "stated-score") if f.cell == row[0].cell]  # one finding at the cell


def test_met_block_falling_short_of_its_printed_points(tmp_path):
    path = national_project(tmp_path / "p.xlsx", changes=HUBEI)
    block = hits(api.check(path), "block-points")
    assert [(f.sheet, f.cell) for f in block] == [("项目1", "B13")]
    assert "标明 50 分" in block[0].message and "49.70" in block[0].message and "均已达成" in block[0].message


@pytest.mark.parametrize("label", ["产出指标(45分)", "产出指标（45分）", "产出指标\n（45分）", "产出指标 (45 分)"])
def test_block_points_are_read_from_the_label(label, tmp_path):
    """The 产出指标 rows of the sample's project add up to 50 (25 + 15 + 10); the label says 45."""
    path = national_project(tmp_path / "p.xlsx", changes={"label:项目1:产出指标": label})
    block = hits(api.check(path), "block-points")
    assert [(f.cell, f.stated, f.computed) for f in block] == [("B13", 50, 45)]
    assert "标明 45 分" in block[0].message and "分值合计 50" in block[0].message


def test_block_without_printed_points_is_not_checked(tmp_path):
    path = national_project(tmp_path / "p.xlsx", changes={"proj1.indicators[1].weight": D("20")})
    assert hits(api.check(path), "block-points") == []
