"""单元格公式: the Excel formula of each derived cell perfxlsx fills (excel_formulas.py), as text.

On the sample as filed, on the sample and the family fixtures with their derived cells cleared (so
every kind is filled), and on a synthetic filing over two sheets, one in 元 (cross-sheet references,
the unit factor, a merged input). What the formulas compute is tested in LibreOffice
(test_libreoffice_formulas.py)."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from perf_xlsx.excel_formulas import FORMULA_KINDS, VALUE_KINDS, LiveCell, formula_for, live_cells
from perf_xlsx.writing import fill_cells
from tests import live
from tests.families import BUILDERS
from tests.golden import SAMPLE


def formulas(ev) -> dict[str, str | None]:
    """表!单元格 → formula (None: kept a value) of every cell perfxlsx fills."""
    c = ev.completion
    return {c.filing.slots[r.key].where: formula_for(c, r) for r in c.to_fill()}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("formulas")


@pytest.fixture(scope="module")
def blank_sample(folder):
    return api.evaluate(live.blanked(SAMPLE, folder / "sample_blank.xlsx"))


@pytest.fixture(scope="module")
def family(folder):
    made: dict[str, dict[str, str | None]] = {}

    def of(name: str) -> dict[str, str | None]:
        if name not in made:
            made[name] = formulas(api.evaluate(live.blanked(BUILDERS[name](folder), folder / f"{name}_blank.xlsx")))
        return made[name]

    return of


def test_the_sample_as_filed_gets_formulas_on_its_typed_inputs():
    got = formulas(api.evaluate(SAMPLE))
    assert got == {
        "基础数据表!E5": 'IF(OR(C5="",N(A5)=0),"",C5/A5)',  # 在职人员控制率 = 实有 / 编制
        "基础数据表!F8": "SUM(F9:F10)",  # 公务用车 = 购置 + 运行维护
        "整体支出绩效自评表!H5": 'IF(OR(E5="",N(D5)=0),"",E5/D5)',  # 预算执行率
    }


def test_every_kind_of_the_sample(blank_sample):
    got = formulas(blank_sample)
    assert all(got.values()), [w for w, f in got.items() if f is None]  # every input a number cell: all formulas
    assert got["收支情况!B7"] == "SUM(C7:G7)"  # a row's 收入合计: one contiguous range
    assert got["收支情况!B6"] == "SUM(B7:B11)"  # 汇总 = Σ 各机构 (column_sum)
    assert got["收支情况!G18"] == "B7-C7-C18-F18"  # 当年结余 = 收入 − 结转 − 基本 − 项目, across the tables
    assert got["收支情况!H18"] == "SUM(C7,G18)"  # 累计结余 builds on the filled 当年结余 (a chain)
    assert got["基础数据表!F7"] == "SUM(F8,F11:F12)"  # 三公 = 公务用车 (filled) + 出国 + 接待
    assert got["整体支出绩效自评表!I5"] == 'IF(OR(G5="",H5=""),"",ROUND(G5*MIN(H5,1),2))'
    assert got["整体支出绩效自评表!G21"] == "ROUND(SUM(I5,G14,G18,G20),2)"
    assert got["整体支出绩效自评表!F22"] == 'IF(G21="","",IF(G21>=90,"优",IF(G21>=80,"良",IF(G21>=60,"中","差"))))'
    kinds = {r.derivation.kind for r in blank_sample.completion.to_fill()}
    assert kinds == {"sum", "column_sum", "ratio", "budget_score", "total_score", "grade"}


def test_grade_bands_come_from_the_scheme(folder):
    """A scheme's [[grades]] make the IFs; here one with other floors and names."""
    scheme = folder / "scoring_grades.toml"
    scheme.write_text(
        'extends = "national"\n[[grades]]\nname = "A"\nfloor = 85\n[[grades]]\nname = "B"\nfloor = 0\n', "utf-8"
    )
    ev = api.evaluate(live.blanked(SAMPLE, folder / "sample_grades.xlsx", {"dept.closing.grade"}), str(scheme))
    assert formulas(ev)["整体支出绩效自评表!F22"] == 'IF(G21="","",IF(G21>=85,"A","B"))'


def test_capped_total_follows_the_scheme_caps(folder):
    """local_caps: 总分 capped by the 执行率 band (printed to 0.01%), MIN(总分, the band's cap)."""
    keys = {"dept.closing.total", "dept.closing.grade"}
    ev = api.evaluate(live.blanked(SAMPLE, folder / "sample_capped.xlsx", keys), "local_caps")
    got = formulas(ev)["整体支出绩效自评表!G21"]
    assert got is not None
    total, percent = "ROUND(SUM(I5,G14,G18,G20),2)", "ROUND(H5*100,2)"
    assert got.startswith(f'IF(H5="",{total},ROUND(MIN({total},IF(AND({percent}>=80,{percent}<90),94,')
    assert ev.completion.results["dept.closing.total"].value == Decimal(94)  # 87.57% caps 95.00 at 94


def test_weighted_scores_need_a_number_coefficient(family):
    """重庆: 指标权重 × 得分系数; a coefficient typed as text (`100%`) keeps the score a value."""
    got = family("c_department")
    assert got["附件1!J18"] == 'IF(OR(I18="",H18=""),"",ROUND(I18*H18,2))'  # 得分系数 a number
    assert got["附件1!J11"] is None  # 得分系数 typed as the text “100%”
    assert got["附件1!J31"] == "ROUND(SUM(J11:J30),2)"  # 合计 of the scores: a score, rounded
    assert got["附件1!J3"] == "ROUND(SUM(J6,J11:J30),2)"  # 自评总分 beside the header


def test_points_printed_in_a_title_are_a_constant(family):
    """湖北: the 预算执行 分值 is printed in the section title `（20分）`: no cell, a number in the formula."""
    got = family("b_project_weighted")
    assert got["附件2!G9"] == 'IF(F9="","",ROUND(20*MIN(F9,1),2))'
    assert got["附件2!H19"] == "ROUND(SUM(G9,H11:H13,H15:H18),2)"  # block title rows between the runs


def test_text_inputs_and_indicator_scores_stay_values(family):
    got = family("n_project")
    assert got["Sheet1!D7"] == "SUM(D8:D10)"  # `—` in 其他资金: SUM skips it, as perfxlsx counts it blank
    assert got["Sheet1!F7"] is None  # `1,048.37 ` and `120万元` typed as text: no number for a formula
    assert got["Sheet1!H7"] == 'IF(OR(F7="",N(E7)=0),"",F7/E7)'  # on the filled total (a value)
    assert [got[c] for c in ("Sheet1!H15", "Sheet1!H16", "Sheet1!H19")] == [None] * 3  # indicator_score
    assert got["Sheet1!H24"] == "ROUND(SUM(I7,H15:H23),2)"  # the total sums the filled indicator scores


def test_indicator_score_is_the_one_kind_without_formula():
    assert set(VALUE_KINDS) == {"indicator_score"}
    assert not set(VALUE_KINDS) & set(FORMULA_KINDS)


# ---- the synthetic filing: across sheets, 元 and 万元, merged -----------------------------------------
@pytest.fixture(scope="module")
def synthetic(folder):
    workbook, completion = live.synthetic(folder)
    filled = fill_cells(workbook, completion)
    return workbook, completion, filled


def test_cross_sheet_references_are_quoted_and_amounts_converted(synthetic):
    _, completion, filled = synthetic
    got = {r.key: formula_for(completion, r) for r in filled}
    yuan = "'单位''元'"  # quoted, its quote doubled
    assert got["dept.w.total"] == f"SUM({yuan}!B2/10000,{yuan}!B3/10000,C9)"  # 元 into 万元; merged C9:D10 → C9
    assert got["dept.y.total"] == "'收支情况'!C9*10000+B2-B3"  # 万元 into 元
    assert got["dept.w.other"] == "SUM('其他'!B2:B3)"  # a range on another sheet
    assert got["dept.money.total.rate"] == f'IF(OR({yuan}!B2="",N(C9)=0),"",{yuan}!B2/10000/C9)'
    # a typed score with 3 decimals is summed as the form shows it (derive.score_sum)
    assert "SUM(C15,ROUND(C16,2),C17)" in got["dept.closing.total"]
    assert got["dept.closing.grade"] == 'IF(C18="","",IF(C18>=90,"优",IF(C18>=80,"良",IF(C18>=60,"中","差"))))'


def test_live_cells_carry_the_cached_value_in_the_cell_unit(synthetic):
    workbook, completion, filled = synthetic
    cells = {(c.sheet, c.cell): c for c in live_cells(workbook, completion, filled)}
    assert cells[("单位'元", "B5")] == LiveCell("单位'元", "B5", "'收支情况'!C9*10000+B2-B3", 349999.5, "#,##0.00")
    assert cells[("收支情况", "C13")].cached_value == 0.85 and cells[("收支情况", "C13")].number_format == "0.00%"
    assert cells[("收支情况", "C18")].cached_value == 94.0  # capped (local_caps): 8.5 + 50.00 + 40 > 94
    assert cells[("收支情况", "C19")].cached_value == "优"
    assert [c.formula for c in cells.values()] == [formula_for(completion, r) for r in filled]  # all have one


def test_rates_are_cached_exact_and_scores_rounded(blank_sample):
    """The rate's formula is not rounded (what the score is built on); its cached value is its result.
    A score's formula rounds to 0.01, and so does its cached value."""
    ev = blank_sample
    filled = fill_cells(ev.workbook, ev.completion)
    cells = {c.cell: c for c in live_cells(ev.workbook, ev.completion, filled) if c.sheet == "整体支出绩效自评表"}
    results = ev.completion.results
    assert cells["H5"].cached_value == float(results["dept.money.total.rate"].value)  # 0.87573465…
    assert cells["H5"].number_format == "0.00%"
    assert results["dept.money.total.score"].value != Decimal("8.76")
    assert (cells["I5"].cached_value, cells["I5"].number_format) == (8.76, "0.00")
    assert cells["F22"].cached_value == "良"


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda f: setattr(f.slots["dept.w.c"], "cell", None), "an input not on the form"),
        (lambda f: setattr(f.slots["dept.w.c"], "raw", "100"), "an input typed as text"),
        (lambda f: setattr(f.slots["dept.w.c"], "inline_label", "其中："), "an input typed after its label"),
        (lambda f: setattr(f.slots["dept.w.c"], "error", "无法识别"), "an unreadable input"),
        (lambda f: setattr(f.slots["dept.w.total"], "inline_label", "合计："), "a target typed after its label"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_no_formula_where_a_cell_does_not_hold_the_number(folder, change, why):
    from perf_xlsx.derive import Completion

    filing = live.synthetic_filing(folder / "synthetic.xlsx")
    change(filing)
    completion = Completion(filing, "national")
    result = completion.results["dept.w.total"]
    assert formula_for(completion, result) is None, why


def test_a_typed_value_set_aside_is_not_built_on(folder):
    """A stated value found wrong is set aside: perfxlsx builds on its computed value, the cell holds the
    clerk's number, so a formula naming the cell would compute something else."""
    from perf_xlsx.derive import Completion

    filing = live.synthetic_filing(folder / "synthetic.xlsx")
    filing.slots["dept.money.total.rate"].raw = 0.5  # typed; its formula says 85%
    filing.slots["dept.money.total.rate"].value = Decimal("0.5")
    built = 'IF(OR(C14="",C13=""),"",ROUND(C14*MIN(C13,1),2))'
    kept = Completion(filing, "national")  # the typed 50% stands: the score is built on the cell
    assert formula_for(kept, kept.results["dept.money.total.score"]) == built
    aside = Completion(filing, "national", set_aside=frozenset({"dept.money.total.rate"}))
    assert formula_for(aside, aside.results["dept.money.total.score"]) is None


def test_a_rate_filled_as_a_value_is_built_on_only_when_exact(folder):
    """A rate with no formula holds its value rounded to 0.01%; perfxlsx carries it exact: a score built on
    it would round differently at a half-way point, so it keeps its value too."""
    from perf_xlsx.derive import Completion

    filing = live.synthetic_filing(folder / "synthetic.xlsx")
    filing.slots["dept.y.a"].raw = "850,001"  # text: the rate gets no formula; 850001 / 1000000 = 0.850001
    filing.slots["dept.y.a"].value = Decimal("85.0001")
    completion = Completion(filing, "national")
    assert formula_for(completion, completion.results["dept.money.total.rate"]) is None
    assert formula_for(completion, completion.results["dept.money.total.score"]) is None


# ---- fill and --values ----------------------------------------------------------------------------
def _formula_column(path) -> list[str]:
    ws = openpyxl.load_workbook(path)["计算过程"]
    column = [c.value for c in ws[2]].index("单元格公式")  # found by its header
    return [row[column] for row in ws.iter_rows(min_row=3, values_only=True) if row[column]]


def test_fill_lists_the_formulas_and_values_lists_none(tmp_path):
    """计算过程's 单元格公式 lists each filled cell's formula, and the cell holds it with its cached value; with
    `values` the list is empty and the cell holds the value."""
    live_run = api.fill(SAMPLE, tmp_path / "live")
    plain_run = api.fill(SAMPLE, tmp_path / "plain", values=True)
    assert _formula_column(live_run.output) == [
        '=IF(OR(C5="",N(A5)=0),"",C5/A5)',
        "=SUM(F9:F10)",
        '=IF(OR(E5="",N(D5)=0),"",E5/D5)',
    ]
    assert _formula_column(plain_run.output) == []
    live_cell = openpyxl.load_workbook(live_run.output)["整体支出绩效自评表"]["H5"]
    assert live_cell.data_type == "f" and live_cell.value == '=IF(OR(E5="",N(D5)=0),"",E5/D5)'
    for run in (live_run, plain_run):
        cell = openpyxl.load_workbook(run.output, data_only=True)["整体支出绩效自评表"]["H5"]
        assert cell.data_type == "n" and cell.value == pytest.approx(0.8757, abs=5e-5)


def test_values_on_the_command_line(tmp_path):
    result = CliRunner().invoke(cli, ["fill", str(SAMPLE), "-o", str(tmp_path), "--values"])
    assert result.exit_code in (0, 1), result.output  # 1: the sample has findings
    assert _formula_column(next(tmp_path.glob("*_已填.xlsx"))) == []
