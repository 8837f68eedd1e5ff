"""The mistakes published self-evaluations are full of, each one a fixture built from the sample: each is
reported as 错误 at the right cell, with a message a clerk can act on without reading any docs."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from perf_xlsx import api
from tests.rule_cases import variant, where

D = Decimal

MISTAKES = {
    # name: (changes, rule, field reported, words the message must contain)
    "合计多填了0.3万元": (
        {"ie.income.1.total": D("6096.32")},
        "income-total",
        "ie.income.1.total",
        ["6,096.32万元", "6,096.02万元", "相差 0.30万元"],
    ),
    "汇总行漏加一个机构": (
        {"ie.income.summary.total": D("10051.98")},
        "summary-row",
        "ie.income.summary.total",
        ["10,051.98万元", "各机构合计为 10,246.65万元"],
    ),
    "执行率填成100%": (
        {"dept.money.total.rate": "100%"},
        "stated-rate",
        "dept.money.total.rate",
        ["100.00%", "87.57%", "全年执行数", "全年预算数"],
    ),
    "三公明细加不起来": (
        {"ie.sangong.1.reception": D("6.59")},
        "sangong-table-total",
        "ie.sangong.1.total",
        ["174.39万元", "175.39万元"],
    ),
    "收入性质与支出性质对不上": (
        {
            "dept.breakdown.by_income.general": D("7541.03"),
            "dept.breakdown.by_spending.basic": D("4870.15"),
            "dept.breakdown.by_spending.project": D("2667.88"),
        },
        "breakdown-balance",
        "dept.breakdown.by_income.total",
        ["7,541.03万元", "7,538.03万元", "相差 3.00万元"],
    ),
    "万元表里填了元": (
        {"ie.assets.3.in_use": D("2546300")},
        "unit-slip",
        "ie.assets.3.in_use",
        ["2,546,300.00万元", "疑似以元填报", "254.63万元"],
    ),
    "政府采购金额填成元": (
        {"basic.funds.procurement.final": D("3457775.58")},
        "unit-slip-size",
        "basic.funds.procurement.final",
        ["3,457,775.58万元", "本部门资金规模", "疑似以元填报"],
    ),
    "当年结余符号反了": (
        {"ie.spending.2.year_balance": D("5.85")},
        "year-balance",
        "ie.spending.2.year_balance",
        ["5.85万元", "-5.85万元"],
    ),
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_mistake_is_an_error_at_the_right_cell(name, tmp_path):
    changes, rule, key, words = MISTAKES[name]
    report = api.check(variant(tmp_path, changes))
    sheet, cell = where(key)
    found = [f for f in report.findings if (f.rule, f.sheet, f.cell) == (rule, sheet, cell)]
    assert found and found[0].severity == "error", report.flatten(["rule", "sheet", "cell", "severity"])
    for word in words:
        assert word in found[0].message, found[0].message
    assert not report.ok


def test_a_slip_does_not_cascade_into_the_totals_built_on_it(tmp_path):
    """公共财政拨款 typed in 元 with its totals left for perfxlsx: the slip is the one 错误; the totals are
    not filled with a number 10,000× off, nor do the 结余 checks fire on them."""
    changes = {
        "ie.income.1.fiscal": D("57603600"),
        "ie.income.1.total": "",
        "ie.income.summary.total": "",
        "ie.income.summary.fiscal": "",
    }
    report = api.fill(variant(tmp_path, changes), tmp_path / "out")
    assert [(f.rule, f.sheet, f.cell) for f in report.findings if f.severity == "error"] == [
        ("unit-slip-size", *where("ie.income.1.fiscal"))
    ]
    done = openpyxl.load_workbook(report.output)
    for key in ("ie.income.1.total", "ie.income.summary.total", "ie.income.summary.fiscal"):
        sheet, cell = where(key)
        assert done[sheet][cell].value is None, key
