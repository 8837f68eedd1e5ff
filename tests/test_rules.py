"""审核: every rule fires where it should and stays silent where it should; the seed's findings exactly."""

from __future__ import annotations

import json
from decimal import Decimal as D

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from perf_xlsx.rules import load_rules
from perf_xlsx.rules.docs import render
from perf_xlsx.rules.kinds import LAST_YEAR_KINDS
from tests.golden import ROOT, SAMPLE
from tests.rule_cases import BASES, CASES, base_of, variant, where
from tests.sheets import column, records

#: The audit's rules; those the reader and --recompute emit have their firing cases in tests/test_catalogue.py,
#: the 与上年 rules (two workbooks, --last-year) theirs in tests/test_last_year.py.
RULE_IDS = [r.id for r in load_rules() if r.audited and r.kind not in LAST_YEAR_KINDS]


def test_every_rule_has_a_firing_and_a_silent_case():
    assert sorted(CASES) == sorted(RULE_IDS), "每条规则都要在 tests/rule_cases.py 中有触发与不触发的用例"


@pytest.mark.parametrize("rule", RULE_IDS)
def test_rule_fires_at_its_cell(rule, tmp_path):
    changes, key, _ = CASES[rule]
    base = base_of(BASES.get(rule, (None, None))[0], tmp_path)
    report = api.check(variant(tmp_path, changes, base=base))
    sheet, cell = where(key, base)
    assert [rule, sheet, cell] in report.flatten(["rule", "sheet", "cell"])


@pytest.mark.parametrize("rule", RULE_IDS)
def test_rule_stays_silent(rule, tmp_path):
    _, _, quiet = CASES[rule]
    base = base_of(BASES.get(rule, (None, None))[1], tmp_path)
    report = api.check(variant(tmp_path, quiet, base=base))
    assert [f for f in report.findings if f.rule == rule] == []


def test_seed_findings_exactly():
    """Zero 错误; the 尾差 are exactly the rounding gaps of the report; the 提示 name what a clerk must check."""
    report = api.check(SAMPLE)
    assert report.flatten(["severity", "rule", "sheet", "cell"]) == [
        ["warning", "low-procurement", "基础数据表", "F25"],
        ["warning", "projects-vs-spending", "收支情况", "F17"],
        ["warning", "low-execution-no-reason", "整体支出绩效自评表", "H5"],
        ["warning", "spending-rate-gap", "整体支出绩效自评表", "H5"],
        ["warning", "stated-score", "整体支出绩效自评表", "I5"],
        ["warning", "breakdown-basis", "整体支出绩效自评表", "C6"],  # 按收入性质分 blank: cannot check
        ["warning", "project-form-cross", "整体支出绩效自评表", "H8"],  # 按支出性质分 项目支出 blank
        ["warning", "required-blank", "项目1", "E6"],
        ["warning", "required-blank", "项目2", "E6"],
        ["warning", "required-blank", "项目3", "E6"],
        ["warning", "required-blank", "项目4", "E6"],
        ["rounding", "year-balance", "收支情况", "G17"],  # 汇总 当年结余
        ["rounding", "cumulative-balance", "收支情况", "H17"],  # 汇总 累计结余
        ["rounding", "year-balance", "收支情况", "G18"],  # 本级
        ["rounding", "cumulative-balance", "收支情况", "H18"],  # 本级
        ["rounding", "spending-equals-income", "收支情况", "B20"],  # 北京 3312.54 vs 3312.53
        ["rounding", "year-balance", "收支情况", "G20"],  # 北京
        ["rounding", "spending-equals-income", "收支情况", "B21"],  # 上海 121.81 vs 121.82
        ["rounding", "year-balance", "收支情况", "G21"],  # 上海
    ]
    score = next(f for f in report.findings if f.rule == "stated-score")
    assert "8.00" in score.message and "8.76" in score.message


def test_rules_doc_matches_the_catalogue():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == render(), "运行 make docs 更新 docs/rules.md"


def test_findings_sheet_marks_cells_and_keeps_clerk_notes(tmp_path):
    path = variant(tmp_path, {"ie.income.1.total": 6096.32})
    out = tmp_path / "out"
    first = api.fill(path, out)
    wb = openpyxl.load_workbook(first.output)
    sheet = wb["审核结果"]
    rows = records(sheet)
    error = next(r for r in rows if r["规则编号"] == "income-total")
    assert error["严重程度"] == "错误" and (error["表"], error["单元格"]) == where("ie.income.1.total")
    marked = wb[error["表"]][error["单元格"]]
    original = openpyxl.load_workbook(path)[error["表"]][error["单元格"]]
    # a comment, no colour: the official form prints as it was (--mark colours it)
    assert "收入合计" in marked.comment.text and marked.fill.fgColor == original.fill.fgColor
    at = next(i for i, r in enumerate(rows, start=3) if r["规则编号"] == "income-total")
    link = sheet.cell(row=at, column=column(sheet, "单元格")).hyperlink
    assert link.location == f"'{error['表']}'!{error['单元格']}"
    coloured = openpyxl.load_workbook(api.fill(path, tmp_path / "marked", mark=True).output)
    cell = coloured[error["表"]][error["单元格"]]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE") and "收入合计" in cell.comment.text
    assert cell.font.name == original.font.name and cell.border.left.style == original.border.left.style
    # the clerk explains the error in the output; the next run keeps the explanation
    row = next(i for i, r in enumerate(rows, start=3) if r["规则编号"] == "income-total")
    sheet.cell(row=row, column=column(sheet, "说明"), value="其他收入 0.30 万元为代收款，已与财政核实")
    wb.save(first.output)
    second = api.fill(path, out)
    again = openpyxl.load_workbook(second.output)["审核结果"]
    kept = next(r for r in records(again) if r["规则编号"] == "income-total")
    assert kept["说明"] == "其他收入 0.30 万元为代收款，已与财政核实"


def test_every_note_survives_a_rerun_also_without_a_cell(tmp_path):
    """说明 typed on every row of 审核结果 comes back on the same row, also for findings with no cell
    (two fields not found on one sheet)."""
    path = api.write_template(tmp_path / "改了标签.xlsx", 2022, "某局", projects=0)
    wb = openpyxl.load_workbook(path)
    wb["基础数据表"]["A25"], wb["基础数据表"]["A26"] = "采购", "调整"  # 未找到“政府采购金额”行, …“预算调整”行
    wb.save(path)
    out = tmp_path / "out"
    first = api.fill(path, out)
    wb = openpyxl.load_workbook(first.output)
    sheet = wb["审核结果"]
    typed = {}
    identity = [column(sheet, name) for name in ("规则编号", "表", "单元格", "公式（代入数值）")]
    for row in range(3, sheet.max_row + 1):
        sheet.cell(row=row, column=column(sheet, "说明"), value=f"说明{row}")
        typed[tuple(sheet.cell(row=row, column=c).value for c in identity)] = f"说明{row}"
    wb.save(first.output)
    cellless = [k for k in typed if k[0] == "read-not-found" and k[1] == "基础数据表" and k[2] is None]
    assert len(cellless) == 2
    second = api.fill(path, out)
    again = openpyxl.load_workbook(second.output)["审核结果"]
    kept = {(r["规则编号"], r["表"], r["单元格"], r["公式（代入数值）"]): r["说明"] for r in records(again)}
    assert kept == typed


def test_recompute_replaces_stated_derived_values(tmp_path):
    path = variant(tmp_path, {"ie.income.1.total": 6096.32})
    report = api.fill(path, tmp_path / "out", recompute=True)
    sheet, cell = where("ie.income.1.total")
    wb = openpyxl.load_workbook(report.output, data_only=True)  # the formula's cached value
    assert wb[sheet][cell].value == pytest.approx(6096.02)
    assert "原填报值：6,096.32万元" in wb[sheet][cell].comment.text
    assert ["recomputed", sheet, cell] in report.flatten(["rule", "sheet", "cell"])
    # by default the clerk's value is kept
    kept = api.fill(path, tmp_path / "kept")
    assert openpyxl.load_workbook(kept.output, data_only=True)[sheet][cell].value == pytest.approx(6096.32)


def test_cli_reports_errors_and_exits_1(tmp_path):
    path = variant(tmp_path, {"ie.income.1.total": 6096.32})
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    sheet, cell = where("ie.income.1.total")
    assert f"错误：{sheet}!{cell} " in result.output and "错误 0，" not in result.output


def test_a_rule_that_fails_is_reported_and_the_others_still_run(monkeypatch):
    from perf_xlsx.rules import kinds

    def broken(rule, audit):
        raise ZeroDivisionError

    monkeypatch.setitem(kinds.KINDS, "figure", broken)
    report = api.check(SAMPLE)
    failed = [f for f in report.findings if f.rule == "low-procurement"]
    assert failed and failed[0].severity == "warning" and "执行失败" in failed[0].message
    assert len([f for f in report.findings if f.severity == "rounding"]) == 8


def test_a_rule_missing_its_inputs_says_so_once(tmp_path):
    path = variant(
        tmp_path,
        {"dept.breakdown.by_income.general": 100, "dept.money.total.budget": "", "dept.money.total.actual": ""},
    )
    found = [f for f in api.check(path).findings if f.rule == "breakdown-basis"]
    assert len(found) == 1 and found[0].message.startswith("无法检查") and "全年预算数" in found[0].message


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("0.61亿", None),  # 6100 万元 = 0.61亿 ± 0.005亿: the 3.98 万元 gap is its own rounding
        ("0.60亿", "error"),  # 6000 万元 ± 50: 96.02 万元 short is a real difference
        ("60,960,200.00元", None),  # the very sum, in 元
        ("60,960,230.00元", "rounding"),  # 30 元 over: beyond its own ±0.005 元, within the items' ±50 元 each
        ("6096.023", "rounding"),  # no unit typed, 3 decimals: exact, so 0.003 over is the items' rounding
    ],
)
def test_a_unit_typed_in_the_cell_sets_its_rounding(typed, expected, tmp_path):
    """The half-unit of a stated total is counted in the unit it is typed in (收入合计 = Σ 各项 = 6096.02 万元)."""
    report = api.check(variant(tmp_path, {"ie.income.1.total": typed}))
    sheet, cell = where("ie.income.1.total")
    found = [f.severity for f in report.findings if f.rule == "income-total" and (f.sheet, f.cell) == (sheet, cell)]
    assert found == ([] if expected is None else [expected])


@pytest.mark.parametrize(
    "value, number_format, fires",
    [
        (0.88, "0%", False),  # shows 88%: 87.57% printed to whole percents
        (0.87, "0%", True),  # shows 87%: off by more than its half-percent
        (0.8757, "0%", False),  # shows 88%, stores 87.57%: right at the digits it has
        (0.876, "0.0%", False),  # 87.6% ± 0.05%
        (0.8757, "0.00%", False),
        (0.8750, "0.00%", True),  # 87.50%: 0.07 points off at 2 decimals
        ("88%", None, False),  # typed as text: as printed
        ("87%", None, True),
        ("87.50%", None, True),
    ],
)
def test_a_stated_rate_is_checked_as_printed(value, number_format, fires, tmp_path):
    """rules.md §2: rates are stated to the decimals they are printed with (预算执行率 is 87.57…%)."""
    path = variant(tmp_path, {"dept.money.total.rate": value})
    if number_format:
        wb = openpyxl.load_workbook(path)
        sheet, cell = where("dept.money.total.rate")
        wb[sheet][cell].number_format = number_format
        wb.save(path)
    found = [f for f in api.check(path).findings if f.rule == "stated-rate"]
    assert bool(found) == fires, [f.message for f in found]


def test_recompute_carries_through_to_what_was_built_on_the_replaced_value(tmp_path):
    """本级 收入合计 typed 0.30 too high and the 汇总 row added up from it: both are recomputed, and
    the 汇总 row follows the corrected 本级 value instead of keeping the old sum."""
    path = variant(
        tmp_path,
        {"ie.income.1.total": 6096.32, "ie.income.summary.total": 10246.95, "ie.spending.1.year_balance": -15.67},
    )  # right, by the corrected 收入合计
    report = api.fill(path, tmp_path / "out", recompute=True)
    wb = openpyxl.load_workbook(report.output, data_only=True)
    for key, value in (("ie.income.1.total", 6096.02), ("ie.income.summary.total", 10246.65)):
        sheet, cell = where(key)
        assert wb[sheet][cell].value == pytest.approx(value), key
        assert ["recomputed", sheet, cell] in report.flatten(["rule", "sheet", "cell"])
    assert [f for f in report.findings if f.severity == "error"] == []
    # 当年结余 disagreed with the wrong 收入合计 but was right all along: the clerk's value stays
    sheet, cell = where("ie.spending.1.year_balance")
    assert ["recomputed", sheet, cell] not in report.flatten(["rule", "sheet", "cell"])
    assert wb[sheet][cell].value == pytest.approx(-15.67) and wb[sheet][cell].comment is None


def test_json_findings_carry_numbers_as_decimal_strings():
    """rules.md §5: numbers are decimal strings (rates as fractions, amounts in 万元), never '22.27%'."""
    from decimal import Decimal, InvalidOperation

    result = CliRunner().invoke(cli, ["check", str(SAMPLE), "--json"])
    findings = json.loads(result.output)["findings"]
    values = [f[k] for f in findings for k in ("stated", "computed", "difference", "tolerance") if f[k] is not None]
    assert values
    for value in values:
        try:
            Decimal(value)
        except InvalidOperation:
            raise AssertionError(f"not a decimal string: {value!r}") from None
    gap = next(f for f in findings if f["rule"] == "spending-rate-gap")
    assert (gap["stated"], gap["computed"], gap["difference"]) == ("0.8757", "0.8077", "0.0680")


def test_a_copied_project_sheet_is_named_and_counted_once(tmp_path):
    """A clerk copies 项目1 and leaves the copy in: a 提示 at the copy, and Σ 全年执行数 unchanged."""
    path = tmp_path / "copied.xlsx"
    wb = openpyxl.load_workbook(SAMPLE)
    wb.copy_worksheet(wb["项目1"]).title = "项目1 (2)"
    wb.save(path)
    report = api.check(path)
    [dup] = [f for f in report.findings if f.rule == "duplicate-project"]
    assert dup.sheet == "项目1 (2)" and "“项目1”" in dup.message
    projects = lambda r: next(f.computed for f in r.findings if f.rule == "projects-vs-spending")  # noqa: E731
    assert projects(report) == projects(api.check(SAMPLE))


def test_recompute_leaves_rounding_gaps_and_scores_as_stated(tmp_path):
    """The untouched sample has 8 尾差 and a kept score (8 where the rule gives 8.76): --recompute
    replaces nothing in it, so the official 决算 figures and the clerk's scores stay."""
    report = api.fill(SAMPLE, tmp_path / "out", recompute=True)
    assert [f for f in report.findings if f.rule == "recomputed"] == []
    sheet, cell = where("dept.money.total.score")
    assert openpyxl.load_workbook(report.output)[sheet][cell].value == 8


def test_fixed_assets_are_not_held_to_the_size_of_a_year(tmp_path):
    """A small office owning a large building: 固定资产 is a stock, not a year's flow, so being 100× the
    year's funds is no sign of 元 typed in a 万元 sheet (a 10,000× slip is still found by its totals)."""
    path = variant(
        tmp_path,
        {
            "ie.assets.4.total": D("950000"),
            "ie.assets.4.in_use": D("950000"),
            "ie.assets.summary.total": "",
            "ie.assets.summary.in_use": "",
        },
    )
    assert [f.rule for f in api.check(path).findings if f.rule.startswith("unit-slip") and f.severity == "error"] == []


def test_two_projects_of_one_name_but_two_units_are_not_a_copy(tmp_path):
    path = variant(
        tmp_path,
        {
            "proj2.head.name": "智慧湘西专项",
            "proj2.money.total.actual": D("1160.485187"),
            "proj2.head.implementer": "另一个实施单位",
        },
    )
    assert [f for f in api.check(path).findings if f.rule == "duplicate-project"] == []


def test_reading_problems_have_a_title_in_the_findings_sheet(tmp_path):
    """审核结果 rows of reading problems name what kind of problem they are (规则名称 not blank)."""
    path = variant(tmp_path, {"ie.income.1.fiscal": "五千七百"})
    report = api.fill(path, tmp_path / "out")
    rows = records(openpyxl.load_workbook(report.output)["审核结果"])
    assert [r["规则名称"] for r in rows if r["规则编号"] == "read-unreadable"] == ["无法识别的数字"]
