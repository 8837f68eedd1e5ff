"""Formulas without saved results (perf_xlsx/formulas.py): exact in Decimal, the rest refused by reason."""

from __future__ import annotations

import time
from decimal import Decimal as D

import pytest

from perf_xlsx.formulas import FormulaError, Unsupported, evaluate, resolve
from perf_xlsx.grid import Grid
from perf_xlsx.numbers import CellIssue

CELLS = {
    ("表", 1, 1): 1.1,
    ("表", 2, 1): 2.2,
    ("表", 3, 1): "文字",
    ("表", 4, 1): None,
    ("表", 5, 1): D("0.7"),
    ("表", 1, 2): True,
    ("表", 2, 2): "#REF!",
    ("收支 情况", 3, 3): 10,
    ("基础数据表", 4, 4): D("5.5"),
}


def value(formula: str, sheet: str = "表"):
    def lookup(s, r, c):
        return CELLS.get((s, r, c))

    def cells(s, r1, c1, r2, c2):
        return [(r, c) for (t, r, c) in CELLS if t == s and r1 <= r <= r2 and c1 <= c <= c2]

    return evaluate(formula, sheet, lookup, cells)


@pytest.mark.parametrize(
    "formula, expected",
    [
        ("=1+2*3", D(7)),
        ("=(1+2)*3", D(9)),
        ("=-2*-3", D(6)),
        ("=+5", D(5)),
        ("=10/4", D("2.5")),
        ("=A1+A2", D("3.3")),  # floats by their shortest repr: exact, not 3.3000000000000003
        ("=SUM(A1:A5)", D("4.0")),  # text and empty cells skipped, as Excel does
        ("=SUM(A1,A2,1)", D("4.3")),
        ("=SUM()", D(0)),
        ("=sum(a1:a2)", D("3.3")),
        ("='收支 情况'!C3*2", D(20)),
        ("=基础数据表!$D$4+1", D("6.5")),
        ("=$A$1", D("1.1")),
        ("=ROUND(2.5,0)", D(3)),
        ("=ROUND(-2.5,0)", D(-3)),
        ("=ROUND(1.005,2)", D("1.01")),  # half away from zero
        ("=ROUND(1234.5,-2)", D(1200)),
        ("=ROUND(A1*3,1)", D("3.3")),
        ("=A4", D(0)),
        ("=1E3/8", D("125")),
        ("= 1 + 2 ", D(3)),
    ],
)
def test_simple_formulas_exactly(formula, expected):
    got = value(formula)
    assert got == expected and isinstance(got, D)


@pytest.mark.parametrize(
    "formula, reason",
    [
        ("=VLOOKUP(1,A1:A3,1,FALSE)", "VLOOKUP"),
        ("=A1%", "%"),
        ("=A1^2", "^"),
        ('="a"&"b"', '"'),
        ("=A3+1", "不是数字"),
        ("=B1+1", "逻辑值"),
        ("=A1:A3", "区域"),
        ("=(1+2", "不完整"),
        ("=1+", "不完整"),
        ("=ROUND(1.5,0.5)", "整数"),
        ("=" + "(" * 40 + "1" + ")" * 40, "嵌套"),
        ("=__import__('os')", "不支持"),
        ("=IF(A1>1,1,0)", "IF"),
        ("=A0", "地址"),
        ("=1 2", "写法"),
        ("=" + "1+" * 1500 + "1", "过长"),
    ],
)
def test_anything_else_is_refused_with_its_reason(formula, reason):
    with pytest.raises(Unsupported) as info:
        value(formula)
    assert reason in str(info.value)


@pytest.mark.parametrize(
    "formula, code", [("=1/0", "#DIV/0!"), ("=A1/A4", "#DIV/0!"), ("=B2*2", "#REF!"), ("=SUM(B1:B2)", "#REF!")]
)
def test_excel_errors_come_back_as_their_code(formula, code):
    with pytest.raises(FormulaError) as info:
        value(formula)
    assert info.value.code == code


def test_a_whole_sheet_range_costs_only_its_filled_cells():
    start = time.monotonic()
    assert value("=SUM(A1:A1048576)") == D("4.0")
    assert value("=SUM('收支 情况'!A1:XFD1048576)") == D(10)
    assert time.monotonic() - start < 0.5


def grid(title: str, values: dict, formulas: dict) -> Grid:
    g = Grid(title, {**values, **formulas}, formulas=formulas)
    return g


def test_resolve_chains_other_sheets_cycles_and_depth():
    a = grid(
        "甲",
        {(1, 1): 5},
        {(1, 2): "=A1*2", (1, 3): "=B1+乙!A1", (2, 1): "=B2", (2, 2): "=A2", (3, 1): "=1/0", (3, 2): "=COUNT(A1:A3)"},
    )
    b = grid("乙", {}, {(1, 1): "=ROUND(甲!A1/3,2)"})
    deep = {(r, 1): f"=A{r + 1}+1" for r in range(1, 60)}
    c = grid("丙", {(60, 1): 0}, deep)
    missing = [(g, pos) for g in (a, b, c) for pos in g.formulas]
    resolve([a, b, c], missing)
    assert a.values[(1, 2)] == D(10) and b.values[(1, 1)] == D("1.67") and a.values[(1, 3)] == D("11.67")
    assert a.values[(3, 1)] == "#DIV/0!"
    for pos, reason in (((2, 1), "循环"), ((2, 2), "循环"), ((3, 2), "COUNT")):
        issue = a.values[pos]
        assert isinstance(issue, CellIssue) and reason in issue.message and issue.kind == "formula"
    assert isinstance(c.values[(1, 1)], CellIssue) and "过深" in c.values[(1, 1)].message
    assert c.values[(59, 1)] == D(1)  # the last links of the chain are within reach
