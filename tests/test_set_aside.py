"""Checks never build on a value they found wrong (不采用填错的数): a stated derived value its formula contradicts is
set aside, what is built on it uses the computed value, and the stated cells downstream are checked against that.
A 尾差 and a score are never set aside (the seed's findings, tests/test_rules.py, hold exactly)."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from samples.synthetic import SAMPLE as REALISTIC
from tests.project_only import cell_of, edit, national_project
from tests.rule_cases import variant, where
from tests.test_realistic_mistakes import MISTAKES

D = Decimal


def errors(report) -> list[list]:
    return [[f.rule, f.sheet, f.cell] for f in report.findings if f.severity == "error"]


def at(report, rule: str, place: tuple[str, str]):
    found = [f for f in report.findings if (f.rule, f.sheet, f.cell) == (rule, *place)]
    assert found, report.flatten(["rule", "sheet", "cell", "severity"])
    return found[0]


# 全年执行数 7507.85 of 9332.431817: 80.45%, so 预算执行 得分 10 × 80.45% = 8.04; typed 100% and 10
WRONG_RATE = {
    "dept.money.total.actual": D("7507.85"),
    "dept.money.total.rate": "100%",
    "dept.money.total.score": D("10"),
}


def test_score_typed_for_a_wrong_rate_is_found_at_its_own_cell(tmp_path):
    report = api.check(variant(tmp_path, WRONG_RATE))
    assert errors(report) == [
        ["stated-rate", *where("dept.money.total.rate")],
        ["follows-wrong", *where("dept.money.total.score")],
    ]
    rate = at(report, "stated-rate", where("dept.money.total.rate"))
    assert "100.00%" in rate.message and "80.45%" in rate.message
    score = at(report, "follows-wrong", where("dept.money.total.score"))
    assert score.severity == "error" and score.computed == D("8.04")
    for words in ("填报 10.00", "执行率", "100.00%", "应为 8.04"):
        assert words in score.message, score.message
    assert "80.45%（按公式；填报的 100.00% 与公式不符，未采用）" in score.formula
    assert not [f for f in report.findings if f.rule == "stated-score"]  # one finding at the cell


def test_a_judged_score_beside_a_wrong_rate_stays_a_hint(tmp_path):
    """The seed's 得分 8 is neither 10 × the typed 100% nor 10 × 87.57%: the clerk's judgement, a 提示."""
    report = api.check(variant(tmp_path, {"dept.money.total.rate": "100%"}))
    assert errors(report) == [["stated-rate", *where("dept.money.total.rate")]]
    score = at(report, "stated-score", where("dept.money.total.score"))
    assert score.severity == "warning" and "8.76" in score.message


def test_score_typed_for_a_wrong_project_rate(tmp_path):
    """The same on a 项目支出绩效自评表: 136.33 of 179.99 is 75.74%; typed 100% and 10 instead of 7.57."""
    changes = {"proj1.money.total.rate": "100%", "proj1.money.total.score": D("10")}
    path = edit(REALISTIC, tmp_path / "p.xlsx", changes)
    report = api.check(path)
    assert errors(report) == [
        ["stated-rate", *cell_of(path, "proj1.money.total.rate")],
        ["follows-wrong", *cell_of(path, "proj1.money.total.score")],
    ]
    assert at(report, "follows-wrong", cell_of(path, "proj1.money.total.score")).computed == D("7.57")


ZERO_TOTAL = {
    "proj1.money.fiscal.budget": D("90"),
    "proj1.money.fiscal.actual": D("80"),
    "proj1.money.total.budget": D("0"),
    "proj1.money.total.actual": D("0"),
}


def test_total_typed_zero_while_its_parts_hold_money(tmp_path):
    """The national form's known mistake: 年度资金总额 left at 0 while 其中：本年财政拨款 holds the money, and 执行率 and
    得分 0 with it. The total is an 错误 at its cells; 执行率 and 得分 are checked from the parts (80/90)."""
    path = national_project(
        tmp_path / "零.xlsx", changes={**ZERO_TOTAL, "proj1.money.total.rate": "0%", "proj1.money.total.score": D("0")}
    )
    report = api.check(path)
    assert errors(report) == [
        ["project-funds-total", *cell_of(path, "proj1.money.total.budget")],
        ["project-funds-total", *cell_of(path, "proj1.money.total.actual")],
        ["stated-rate", *cell_of(path, "proj1.money.total.rate")],
        ["follows-wrong", *cell_of(path, "proj1.money.total.score")],
    ]
    budget = at(report, "project-funds-total", cell_of(path, "proj1.money.total.budget"))
    assert budget.stated == 0 and budget.computed == 90
    assert "88.89%" in at(report, "stated-rate", cell_of(path, "proj1.money.total.rate")).message
    assert at(report, "follows-wrong", cell_of(path, "proj1.money.total.score")).computed == D("8.89")
    assert CliRunner().invoke(cli, ["check", str(path)]).exit_code == 1


def test_rate_and_score_left_blank_are_filled_from_the_parts(tmp_path):
    path = national_project(tmp_path / "零.xlsx", changes=ZERO_TOTAL)
    report = api.fill(path, tmp_path / "out")
    done = openpyxl.load_workbook(report.output, data_only=True)  # the formulas' cached values
    sheet, rate = cell_of(path, "proj1.money.total.rate")
    _, score = cell_of(path, "proj1.money.total.score")
    _, budget = cell_of(path, "proj1.money.total.budget")
    assert D(str(done[sheet][rate].value)).quantize(D("0.0001")) == D("0.8889")  # exact, shown as 88.89%
    assert D(str(done[sheet][score].value)) == D("8.89")
    assert done[sheet][budget].value == 0  # the clerk's cell keeps what was typed, and its finding
    assert ["project-funds-total", sheet, budget] in errors(report)


def test_recompute_replaces_the_wrong_rate_and_the_score_typed_for_it(tmp_path):
    report = api.fill(variant(tmp_path, WRONG_RATE), tmp_path / "out", recompute=True)
    done = openpyxl.load_workbook(report.output, data_only=True)
    sheet, rate = where("dept.money.total.rate")
    _, score = where("dept.money.total.score")
    assert D(str(done[sheet][rate].value)).quantize(D("0.0001")) == D("0.8045") and D(
        str(done[sheet][score].value)
    ) == D("8.04")
    assert [f.cell for f in report.findings if f.rule == "recomputed"] == [rate, score]
    assert errors(report) == []


def test_a_total_other_amounts_agree_with_is_kept(tmp_path):
    """公务接待 typed 6.59 (7.59 true): 三公经费合计 175.39 disagrees with its parts, but the summary row summing it
    agrees with it: the part is the likelier mistake. The 错误 at the total, and at the summary's 公务接待 (which
    does not sum its column), and no cascade into the summary's 合计 or the 基础数据表."""
    changes, rule, key, _ = MISTAKES["三公明细加不起来"]
    report = api.check(variant(tmp_path, changes))
    assert errors(report) == [["summary-row", *where("ie.sangong.summary.reception")], [rule, *where(key)]]


def test_a_total_whose_parts_were_not_all_found_is_not_replaced(tmp_path):
    """A funding row under a label the layout does not know: the total's computed value lacks it, so the stated
    total (90, 80) stays the basis of 执行率, not the sum of the rows found (0)."""
    changes = {
        "proj1.money.total.budget": D("90"),
        "proj1.money.total.actual": D("80"),
        "proj1.money.carryover.budget": D("0"),
        "proj1.money.carryover.actual": D("0"),
    }
    path = national_project(tmp_path / "未知.xlsx", fiscal_label="其中：一般公共预算拨款", changes=changes)
    ev = api.evaluate(path)
    assert ev.completion.shown("proj1.money.total.rate") == D(80) / D(90)
    assert not [f for f in ev.report.findings if f.rule in ("stated-rate", "follows-wrong")]


def test_what_if_assessments_see_every_error_the_full_one_sees(tmp_path):
    """The what-if assessments of setting a value aside run only the rules whose severity is 错误
    (rules.run(…, "error")): that finds every 错误 the full run finds, because no rule of another severity
    ever reports an 错误. Checked on every realistic mistake, the set-aside cases and the seed."""
    from perf_xlsx import rules
    from perf_xlsx.figures import compute

    severity = {r.id: r.severity for r in rules.load_rules()}
    cases = {name: changes for name, (changes, *_) in MISTAKES.items()}
    cases |= {"wrong rate": WRONG_RATE, "seed": {}}
    with_errors = []
    for n, (name, changes) in enumerate(cases.items()):
        (tmp_path / str(n)).mkdir()
        ev = api.evaluate(variant(tmp_path / str(n), changes) if changes else REALISTIC)
        full = rules.run(ev.completion, compute(ev.completion))
        assert all(severity[f.rule] == "error" for f in full if f.severity == "error"), name
        only = rules.run(ev.completion, compute(ev.completion), "error")
        assert [f for f in only if f.severity == "error"] == [f for f in full if f.severity == "error"], name
        if any(f.severity == "error" for f in full):
            with_errors.append(name)
    assert {"合计多填了0.3万元", "汇总行漏加一个机构", "wrong rate"} <= set(with_errors)  # the check had 错误 to see
