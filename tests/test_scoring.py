"""评分: blank quantitative scores filled by rule (each checked by hand), qualitative ones left to the clerk,
总分 and 等次, and a local scheme chosen by name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from perf_xlsx.template import Content, build
from perf_xlsx.writing import save_deterministic
from tests.golden import SAMPLE
from tests.rule_cases import where
from tests.sheets import records

D = Decimal

# (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, expected 得分 by hand)
ROWS = [
    ("产出指标", "数量指标", "引进招商引资项目", "50个以上", "51个", 20, D("20.00")),  # 20 × min(51/50, 1)
    ("产出指标", "质量指标", "任务达标率", "≥100%", "96%", 15, D("14.40")),  # 15 × 96/100
    ("产出指标", "时效指标", "完成时间", "2022年12月31日前", "截止2022年12月31日，目标任务已完成", 5, D("5.00")),
    ("产出指标", "成本指标", "公用经费控制率", "100%以下", "42.12%", 10, D("10.00")),  # 反向, met
    ("效益指标", "社会效益指标", "群众满意度", "≥90%", "85%", 10, D("9.44")),  # 10 × 85/90
    ("效益指标", "经济效益指标", "招商项目", "≥60个", "51个", 10, D("8.50")),  # 10 × 51/60
    ("效益指标", "可持续影响指标", "长效机制", "持续推进乡村振兴", "已建立长效机制", 10, None),  # qualitative
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "90%以上", "93%", 10, D("10.00")),
]


BUDGET, ACTUAL = D("1000"), D("900")


def scored_workbook(folder, rows=ROWS, budget=BUDGET, actual=ACTUAL):
    blocks = {}
    for level1, level2, level3, target, done, weight, _ in rows:
        blocks.setdefault(level1, []).append(
            {"level2": level2, "level3": level3, "target": target, "actual": done, "weight": weight}
        )
    content = Content(
        year=2022, unit="评分测试单位", department_indicators=[{"level1": k, "rows": v} for k, v in blocks.items()]
    )
    wb = build(content)
    path = folder / "scored.xlsx"
    save_deterministic(wb, path)
    slots = api.evaluate(path).filing.slots
    wb = openpyxl.load_workbook(path)
    for key, value in {
        "dept.money.total.initial": budget,
        "dept.money.total.budget": budget,
        "dept.money.total.actual": actual,
    }.items():
        wb[slots[key].sheet][slots[key].cell] = float(value)
    wb.save(path)
    return path


def read_back(path):
    """The fields of a completed workbook as written (read only: api.evaluate would take the cells perfxlsx
    filled as blank again, to recompute them, see rerun.py)."""
    from perf_xlsx.loading import read_workbook
    from perf_xlsx.reading import read_grids

    return read_grids(path, read_workbook(path).grids).slots


def test_blank_scores_filled_by_rule(tmp_path):
    report = api.fill(scored_workbook(tmp_path), tmp_path / "out")
    slots = read_back(report.output)
    for n, row in enumerate(ROWS, start=1):
        slot = slots[f"dept.indicators[{n}].score"]
        assert slot.value == row[-1], (row[2], slot.value)
    expected_total = D("9.00") + sum(r[-1] for r in ROWS if r[-1] is not None)  # 10 × 90% + Σ
    assert report.scores["总分"] == f"{expected_total:.2f}" == "86.34"
    assert report.scores["等次"] == "良"
    assert report.scores["产出"] == "49.40" and report.scores["效益"] == "17.94" and report.scores["满意度"] == "10.00"
    unscored = [f for f in report.findings if f.rule == "unscored-indicator"]
    assert [f.labels for f in unscored] == [["长效机制"]]


def test_on_time_indicators_are_deadline_indicators(tmp_path):
    """按时 / 按时拨付 / 按时发放 / 按时到位: full when the actual says it was done, else the clerk's score."""
    rows = [
        ("产出指标", "时效指标", "资金拨付", "按时拨付", "已按时拨付", 10, D("10.00")),
        ("产出指标", "时效指标", "补贴发放", "按时发放", "已全部发放到位", 10, D("10.00")),
        ("产出指标", "时效指标", "配套资金", "按时到位", "按时到位", 10, D("10.00")),
        ("产出指标", "时效指标", "报表报送", "按时", "按时", 10, D("10.00")),
        ("产出指标", "时效指标", "项目验收", "按时完成", "未按时完成", 10, None),
    ]
    report = api.fill(scored_workbook(tmp_path, rows), tmp_path / "out")
    slots = read_back(report.output)
    assert [slots[f"dept.indicators[{n}].score"].value for n in range(1, 6)] == [r[-1] for r in rows]
    assert [f.labels for f in report.findings if f.rule == "unscored-indicator"] == [["项目验收"]]


def test_parse_is_visible_in_the_work_sheet(tmp_path):
    report = api.fill(scored_workbook(tmp_path), tmp_path / "out")
    rows = records(openpyxl.load_workbook(report.output)["计算过程"])
    first = next(r for r in rows if r["项目"] == "引进招商引资项目（得分）")
    assert "“50个以上”" in first["公式"] and "“51个”" in first["公式"] and "20 × min(51/50, 1)" in first["公式"]
    assert any(r["项目"] == "得分小计：产出指标" and (r["计算值"], r["单位"]) == (49.4, "分") for r in rows)


def test_clerk_score_kept_and_compared(tmp_path):
    path = scored_workbook(tmp_path)
    ev = api.evaluate(path)
    slot = ev.filing.slots["dept.indicators[5].score"]
    wb = openpyxl.load_workbook(path)
    wb[slot.sheet][slot.cell] = 10  # the clerk gave full marks where the rule gives 9.44
    wb.save(path)
    report = api.fill(path, tmp_path / "out")
    assert openpyxl.load_workbook(report.output)[slot.sheet][slot.cell].value == 10
    found = [f for f in report.findings if f.rule == "stated-score" and f.cell == slot.cell]
    assert found and "9.44" in found[0].message and found[0].severity == "warning"


def test_unit_mismatch_is_a_warning_not_a_guess(tmp_path):
    rows = [("产出指标", "数量指标", "项目数", "≥50个", "93%", 10, None)]
    report = api.check(scored_workbook(tmp_path, rows))
    ev = api.evaluate(scored_workbook(tmp_path, rows))
    assert ev.completion.computed("dept.indicators[1].score") is None
    assert "不一致" in ev.completion.results["dept.indicators[1].score"].note
    unscored = [f for f in report.findings if f.rule == "unscored-indicator"]
    assert unscored and "“个”" in unscored[0].message and "“%”" in unscored[0].message  # says why


def test_local_scheme_caps_the_total_by_execution_rate(tmp_path):
    full = [
        ("产出指标", "数量指标", "项目", "≥50个", "51个", 50, None),
        ("效益指标", "社会效益指标", "满意度", "≥90%", "95%", 30, None),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "90%以上", "93%", 10, None),
    ]
    path = scored_workbook(tmp_path, full, actual=D("750"))  # 75% executed
    national, local = api.check(path), api.check(path, scheme="local_caps")
    assert (national.scores["总分"], national.scores["等次"]) == ("97.50", "优")  # 7.5 + 90
    assert (local.scores["总分"], local.scores["等次"]) == ("89.00", "良")  # capped: 70–80% → 89
    capped = api.evaluate(path, "local_caps").completion.results["dept.closing.total"]
    assert "封顶" in capped.note


def test_typed_total_above_the_cap_is_flagged_with_the_reason(tmp_path):
    """85% executed: Σ 得分 = 8.5 + 90 = 98.50, capped at 94 under local_caps. A typed 总分 is held to the cap
    (the message says why); the national scheme, without caps, holds it to the sum as before."""
    full = [
        ("产出指标", "数量指标", "项目", "≥50个", "51个", 50, None),
        ("效益指标", "社会效益指标", "满意度", "≥90%", "95%", 30, None),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "90%以上", "93%", 10, None),
    ]
    path = scored_workbook(tmp_path, full, actual=D("850"))
    total = api.evaluate(path).filing.slots["dept.closing.total"]

    def totals(typed, scheme):
        typed_cells(path, {"dept.closing.total": (typed, "General")})
        return [(f.cell, f.message) for f in api.check(path, scheme=scheme).findings if f.rule == "stated-total-score"]

    assert totals(96, "local_caps") == [
        (
            total.cell,
            "总分 填报 96.00，各项得分合计 98.50，但预算执行率 85.00% 在 "
            "80%–90% 之间，总分封顶 94，应为 94.00，相差 2.00",
        )
    ]
    assert totals(94, "local_caps") == []
    assert totals(96, "national") == [(total.cell, "总分 填报 96.00，各项得分合计为 98.50，相差 -2.50")]
    assert totals(98.5, "national") == []
    typed_cells(path, {"dept.closing.total": (None, "General")})
    report = api.fill(path, tmp_path / "out", scheme="local_caps")
    row = next(r for r in records(openpyxl.load_workbook(report.output)["计算过程"]) if r["位置"] == total.where)
    assert row["公式"].endswith("；预算执行率 85.00% 在 80%–90% 之间，总分封顶 94") and row["计算值"] == 94


def test_local_scheme_penalises_a_big_overshoot(tmp_path):
    rows = [("产出指标", "数量指标", "培训人次", "≥100人", "150人", 20, None)]
    path = scored_workbook(tmp_path, rows)
    assert api.evaluate(path).completion.computed("dept.indicators[1].score") == D("20.00")
    assert api.evaluate(path, "local_caps").completion.computed("dept.indicators[1].score") == D("18.00")


def test_budget_score_caps_at_100_percent(tmp_path):
    path = scored_workbook(tmp_path, actual=D("1200"))  # 120% executed → still 10 × 100%
    assert api.evaluate(path).completion.computed("dept.money.total.score") == D("10")


def _weight_findings(report):
    return [(f.cell, f.message) for f in report.findings if f.rule == "scheme-weights"]


def test_split_of_the_scheme_is_silent(tmp_path):
    assert _weight_findings(api.check(scored_workbook(tmp_path))) == []  # 10 · 20+15+5+10 · 10+10+10 · 10


def test_split_other_than_the_scheme_warns_per_block(tmp_path):
    """产出 60 and 效益 20 (still 100 in all): one 提示 at each block's first 分值 cell, naming both numbers."""
    rows = [
        r[:5] + (20 if r[2] == "公用经费控制率" else 5 if r[2] in ("群众满意度", "招商项目") else r[5], None)
        for r in ROWS
    ]
    path = scored_workbook(tmp_path, rows)
    slots = api.evaluate(path).filing.slots
    report = api.check(path)
    assert _weight_findings(report) == [
        (
            slots["dept.indicators[1].weight"].cell,
            "产出指标分值合计 60.00，评分方案为 50；其他分配也可以，请确认分值依据",
        ),
        (
            slots["dept.indicators[5].weight"].cell,
            "效益指标分值合计 20.00，评分方案为 30；其他分配也可以，请确认分值依据",
        ),
    ]
    assert {f.severity for f in report.findings if f.rule == "scheme-weights"} == {"warning"}


def test_parts_not_adding_up_to_100_warn_at_the_total(tmp_path):
    rows = [r for r in ROWS if r[0] != "满意度指标"]  # no 满意度 block: 10 + 50 + 30 = 90
    path = scored_workbook(tmp_path, rows)
    total = api.evaluate(path).filing.slots["dept.closing.total"]
    assert _weight_findings(api.check(path)) == [
        (
            total.cell,
            "各部分分值合计 90.00（预算执行 10.00、产出指标 50.00、效益指标 30.00），应为 100；表中没有满意度指标",
        )
    ]


def test_blank_weights_say_the_check_cannot_run(tmp_path):
    rows = [r[:5] + (None if r[0] == "效益指标" else r[5], None) for r in ROWS]
    found = _weight_findings(api.check(scored_workbook(tmp_path, rows)))
    assert len(found) == 1 and found[0][1] == "无法检查“各部分分值与评分方案的权重一致”：缺少效益指标分值"


# ---- 三公经费变动率的口径 (a scheme setting) -------------------------------------------------------
@pytest.fixture
def scheme_with(tmp_path, monkeypatch):
    """The shipped schemes plus, for each call make(name, old, new), `scoring_<name>.toml`: the national
    scheme with `old` replaced by `new` (a locality's scheme file, as `--scheme name` finds it)."""
    from perf_xlsx import scoring

    folder = tmp_path / "schemes"
    folder.mkdir()
    national = scoring._folder().joinpath("scoring_national.toml").read_text("utf-8")
    for name in scoring.available_schemes():
        (folder / f"scoring_{name}.toml").write_text(
            scoring._folder().joinpath(f"scoring_{name}.toml").read_text("utf-8"), encoding="utf-8"
        )
    monkeypatch.setattr(scoring, "_folder", lambda: folder)
    scoring.load_scheme.cache_clear()

    def make(name, old, new):
        assert old in national
        (folder / f"scoring_{name}.toml").write_text(national.replace(old, new), encoding="utf-8")
        return name

    yield make
    scoring.load_scheme.cache_clear()


def test_sangong_change_on_the_final_basis_by_default():
    """湘西 compares 本年决算 with 上年决算: the seed's −23.56%, and the formula says so."""
    figure = api.check(SAMPLE).figures["三公经费变动率"]
    assert f"{figure.percent:.2f}" == "-23.56"
    assert figure.formula == "（三公经费本年决算数 − 上年决算数）/ 上年决算数"
    assert [i["label"] for i in figure.inputs] == ["三公经费本年决算数", "三公经费上年决算数"]


def test_sangong_change_on_the_budget_basis(scheme_with, tmp_path):
    """预算 basis: 本年预算数 against 上年决算数 = (4,039,364.85 − 3,381,318.25) / 3,381,318.25 = 19.46%."""
    name = scheme_with("budget_basis", 'sangong_change_basis = "决算"', 'sangong_change_basis = "预算"')
    report = api.fill(SAMPLE, tmp_path / "out", scheme=name)
    figure = report.figures["三公经费变动率"]
    assert f"{figure.percent:.2f}" == "19.46"
    formula = "（三公经费本年预算数 − 上年决算数）/ 上年决算数"
    assert figure.formula == formula
    rows = list(openpyxl.load_workbook(report.output)["计算过程"].iter_rows(values_only=True))
    assert any(r[1] == "三公经费变动率" and r[3] == formula and "三公经费本年预算数[" in r[4] for r in rows)
    # now a rise: the 提示 stands at the input the figure compares, 本年预算数
    sheet, cell = where("basic.funds.sangong.budget")
    assert ["sangong-increase", sheet, cell] in report.flatten(["rule", "sheet", "cell"])
    assert "sangong-increase" not in [f.rule for f in api.check(SAMPLE).findings]


def test_sangong_change_basis_must_be_one_the_program_knows(scheme_with, tmp_path):
    name = scheme_with("typo", 'sangong_change_basis = "决算"', 'sangong_change_basis = "概算"')
    result = CliRunner().invoke(cli, ["check", str(SAMPLE), "--scheme", name])
    assert result.exit_code == 2 and "sangong_change_basis" in result.output and "“概算”" in result.output
    assert "Traceback" not in result.output


def typed_cells(path, cells):
    """Set fields (by key) the way Excel stores what a clerk typed: the value and the cell's number format."""
    slots = api.evaluate(path).filing.slots
    wb = openpyxl.load_workbook(path)
    for key, (value, number_format) in cells.items():
        cell = wb[slots[key].sheet][slots[key].cell]
        cell.value, cell.number_format = value, number_format
    wb.save(path)
    return path


def test_percent_cells_read_as_the_percentage_they_show(tmp_path):
    """93% typed in Excel is stored as 0.93 in a percent-formatted cell: it is 93%, not the number 0.93."""
    rows = [
        ("产出指标", "质量指标", "公文办理及时率", "≥90%", "", 10, None),
        ("产出指标", "质量指标", "合格率", "", "", 10, None),
        ("效益指标", "社会效益指标", "办结率", "≥90", "", 20, None),
    ]
    path = typed_cells(
        scored_workbook(tmp_path, rows),
        {
            "dept.indicators[1].actual": (0.93, "0%"),
            "dept.indicators[2].target": (0.9, "0%"),
            "dept.indicators[2].actual": (0.855, "0.0%"),
            "dept.indicators[3].actual": (0.93, "0%"),
        },
    )
    report = api.fill(path, tmp_path / "out")
    slots = read_back(report.output)
    assert slots["dept.indicators[1].score"].value == D("10")  # 93% ≥ 90%
    assert slots["dept.indicators[2].score"].value == D("9.5")  # 10 × 85.5/90
    assert slots["dept.indicators[3].score"].value is None  # not 20 × 0.93/90 = 0.21
    unscored = next(f for f in report.findings if f.rule == "unscored-indicator" and f.labels == ["办结率"])
    assert "“%”" in unscored.message and "无单位" in unscored.message
    rows = list(openpyxl.load_workbook(report.output)["计算过程"].iter_rows(min_row=3, values_only=True))
    assert any("实际完成值“85.5%”" in (r[3] or "") and "年度指标值“90%”" in r[3] for r in rows)


def test_date_cells_read_as_the_date(tmp_path):
    """实际完成值 typed as an Excel date: on time scores full marks, late is left to the clerk."""
    rows = [
        ("产出指标", "时效指标", "按期完成", "2023年12月31日前", "", 10, None),
        ("产出指标", "时效指标", "逾期完成", "2023年12月31日前", "", 10, None),
    ]
    path = typed_cells(
        scored_workbook(tmp_path, rows),
        {
            "dept.indicators[1].actual": (dt.datetime(2023, 11, 30), "yyyy/m/d"),
            "dept.indicators[2].actual": (dt.datetime(2024, 1, 15), "yyyy/m/d"),
        },
    )
    report = api.fill(path, tmp_path / "out")
    slots = read_back(report.output)
    assert slots["dept.indicators[1].score"].value == D("10")
    assert slots["dept.indicators[2].score"].value is None
    late = next(f for f in report.findings if f.rule == "unscored-indicator" and f.labels == ["逾期完成"])
    assert "晚于" in late.message
    rows = list(openpyxl.load_workbook(report.output)["计算过程"].iter_rows(min_row=3, values_only=True))
    assert any("实际完成值“2023年11月30日”" in (r[3] or "") for r in rows)


def test_scores_typed_with_their_unit(tmp_path):
    """得分 “10分” and 分值 “15分” are how clerks type scores: read as 10 and 15, not errors."""
    rows = [
        ("产出指标", "质量指标", "合格率", "100%", "100%", 10, None),
        ("满意度指标", "服务对象满意度指标", "满意度", "≥80%", "85%", 10, None),
    ]
    path = typed_cells(
        scored_workbook(tmp_path, rows),
        {"dept.indicators[1].score": ("10分", "General"), "dept.indicators[2].weight": ("15分", "General")},
    )
    report = api.fill(path, tmp_path / "out")
    assert [f.message for f in report.findings if f.severity == "error"] == []
    slots = read_back(report.output)
    assert (
        openpyxl.load_workbook(report.output)[slots["dept.indicators[1].score"].sheet][
            slots["dept.indicators[1].score"].cell
        ].value
        == "10分"
    )  # kept as typed
    assert slots["dept.indicators[1].score"].value == D("10")
    assert slots["dept.indicators[2].score"].value == D("15")  # 15 × min(85/80, 1)
    assert report.scores["总分"] == "34.00"  # 9 + 10 + 15


def test_unreadable_score_is_not_said_to_be_filled(tmp_path):
    """A 得分 cell holding text that is no number is left as it is, and 计算过程 says so."""
    rows = [("产出指标", "质量指标", "合格率", "100%", "100%", 10, None)]
    path = typed_cells(scored_workbook(tmp_path, rows), {"dept.indicators[1].score": ("满分", "General")})
    report = api.fill(path, tmp_path / "out")
    slot = api.evaluate(path).filing.slots["dept.indicators[1].score"]
    wb = openpyxl.load_workbook(report.output)
    assert wb[slot.sheet][slot.cell].value == "满分"
    assert slot.where not in report.filled
    row = next(r for r in records(wb["计算过程"]) if r["位置"] == slot.where)
    assert row["处理"] != "已填入" and "未填入" in row["处理"] and "“满分”" in row["处理"], row["处理"]


def test_strict_targets_are_not_met_at_their_bound(tmp_path):
    """“低于5%” is not met by 5%, nor “高于90%” by 90%: left to the clerk with the reason, never full marks."""
    rows = [
        ("产出指标", "质量指标", "差错率", "低于5%", "5%", 10, None),
        ("产出指标", "质量指标", "达标率", "高于90%", "90%", 10, None),
        ("效益指标", "社会效益指标", "投诉率", "低于5%", "4%", 10, None),
        ("效益指标", "社会效益指标", "合格率", "高于90%", "95%", 10, None),
    ]
    report = api.fill(scored_workbook(tmp_path, rows), tmp_path / "out")
    slots = read_back(report.output)
    assert [slots[f"dept.indicators[{n}].score"].value for n in (1, 2, 3, 4)] == [None, None, D("10"), D("10")]
    unscored = {f.labels[0]: f.message for f in report.findings if f.rule == "unscored-indicator"}
    assert sorted(unscored) == ["差错率", "达标率"] and "界限" in unscored["差错率"]


def test_a_form_without_indicators_is_not_graded_silently(tmp_path):
    """No indicator filled on the 整体支出绩效自评表: 总分 and 等次 cover 预算执行 only, and a 提示 says which blocks are empty."""
    path = scored_workbook(tmp_path, rows=[("产出指标", "数量指标", "项目数", "≥50个", "51个", 50, None)])
    report = api.check(path)
    empty = [f for f in report.findings if f.rule == "empty-indicator-block"]
    total = api.evaluate(path).filing.slots["dept.closing.total"]
    assert [(f.severity, f.sheet, f.cell) for f in empty] == [("warning", total.sheet, total.cell)]
    assert "效益指标、满意度指标" in empty[0].message and "产出指标" not in empty[0].message

    blank = api.write_template(tmp_path / "blank.xlsx", 2023, "某局", projects=0)
    empty = [f for f in api.check(blank).findings if f.rule == "empty-indicator-block"]
    assert len(empty) == 1 and "产出指标、效益指标、满意度指标" in empty[0].message


# ---- 定性指标评分档次 (the scheme's [qualitative]) -----------------------------------------------------
def _band_findings(report):
    return {f.labels[0]: f.message for f in report.findings if f.rule == "qualitative-band"}


def test_qualitative_score_outside_the_band_its_actual_names(tmp_path):
    """得分 against the band the 实际完成值 names, in percent of the 分值: 达成 80–100, 部分达成 60–80, 未达成 0–60;
    a score on a shared boundary fits either band; a sentence is not read as naming a band."""
    cases = [
        ("部分达成高", "部分达成", 10, 9, True),
        ("部分达成界上", "部分达成", 10, 8, False),
        ("部分达成下界", "部分达成", 10, 6, False),
        ("达成界上", "达成", 10, 8, False),
        ("达成偏低", "达成", 10, "7.99", True),
        ("已达成", "已达成", 10, 7, True),  # not 未达成 inside 已达成
        ("未达成界上", "未达成", 10, 6, False),
        ("未达成偏高", "未达成。", 10, 7, True),
        ("未达成零分", "未达成", 10, 0, False),
        ("达成年度指标", "达成年度指标", 10, 7, True),
        ("基本达成", "基本达成", 10, 6, False),
        ("基本达成偏低", "基本达成", 10, 5, True),
        ("分值七", "部分达成", 7, 5, False),
        ("句子", "目标任务已达成，效果明显", 10, 5, False),
        ("满分", "达成", 10, 10, False),
    ]
    rows = [("产出指标", "质量指标", name, "高质量完成", actual, weight, None) for name, actual, weight, _, _ in cases]
    path = typed_cells(
        scored_workbook(tmp_path, rows),
        {f"dept.indicators[{n}].score": (score, "General") for n, (_, _, _, score, _) in enumerate(cases, start=1)},
    )
    report = api.check(path)
    found = _band_findings(report)
    assert sorted(found) == sorted(name for name, *_, fires in cases if fires)
    assert (
        found["部分达成高"]
        == "“部分达成高”实际完成值为“部分达成”，得分 9.00 超出该档（分值 10 的 60%–80%，即 6.00–8.00）"
    )
    assert found["已达成"] == "“已达成”实际完成值为“已达成”，得分 7.00 超出该档（分值 10 的 80%–100%，即 8.00–10.00）"
    assert (
        found["未达成偏高"]
        == "“未达成偏高”实际完成值为“未达成。”，得分 7.00 超出该档（分值 10 的 0%–60%，即 0.00–6.00）"
    )
    assert "60%–100%，即 6.00–10.00" in found["基本达成偏低"]
    finding = next(f for f in report.findings if f.labels == ["部分达成高"])
    slot = api.evaluate(path).filing.slots["dept.indicators[1].score"]
    assert (finding.severity, finding.sheet, finding.cell) == ("warning", slot.sheet, slot.cell)
    assert (finding.stated, finding.computed, finding.difference) == (D("9"), D("8.00"), D("1.00"))


def test_qualitative_bands_on_project_sheets(tmp_path):
    """The 项目支出绩效自评表 is checked like the 整体支出绩效自评表."""
    indicators = [
        {
            "level1": "效益指标",
            "rows": [
                {
                    "level2": "社会效益指标",
                    "level3": "群众获得感",
                    "target": "明显提升",
                    "actual": "部分达成",
                    "weight": 30,
                    "score": 29,
                },
                {
                    "level2": "社会效益指标",
                    "level3": "长效机制",
                    "target": "建立",
                    "actual": "达成",
                    "weight": 10,
                    "score": 9,
                },
            ],
        }
    ]
    path = tmp_path / "projects.xlsx"
    save_deterministic(
        build(Content(year=2022, unit="评分测试单位", projects=[{"name": "测试项目", "indicators": indicators}])), path
    )
    report = api.check(path)
    slot = api.evaluate(path).filing.slots["proj1.indicators[1].score"]
    assert [[f.rule, f.sheet, f.cell] for f in report.findings if f.rule == "qualitative-band"] == [
        ["qualitative-band", slot.sheet, slot.cell]
    ]
    assert _band_findings(report)["群众获得感"].endswith("得分 29.00 超出该档（分值 30 的 60%–80%，即 18.00–24.00）")


def test_qualitative_bands_are_scheme_data(scheme_with):
    """A locality changes the bands in its scheme file; a word in two bands is refused with the file named."""
    name = scheme_with("strict", 'name = "部分达成"\nfrom = 60\nto = 80', 'name = "部分达成"\nfrom = 70\nto = 80')
    from perf_xlsx.scoring import named_band

    assert named_band("部分达成", name).low == 70 and named_band("部分达成 ", "national").low == 60
    twice = scheme_with("twice", '"已基本达成"]', '"已基本达成", "达成"]')
    result = CliRunner().invoke(cli, ["check", str(SAMPLE), "--scheme", twice])
    assert result.exit_code == 2 and "“达成”同时属于" in result.output and "scoring_twice.toml" in result.output


def test_local_cap_bands_use_the_rate_as_printed(tmp_path):
    """89.996% prints as 90.00%: not in the 80%–90% band, so the 总分 is not capped at 94."""
    from tests.rule_cases import variant

    path = variant(
        tmp_path,
        {
            "dept.money.total.budget": Decimal("10000"),
            "dept.money.total.actual": Decimal("8999.6"),
            "dept.money.total.score": "",
            "dept.closing.total": "",
        },
    )
    capped = api.check(path, scheme="local_caps")
    assert capped.scores["总分"] not in (None, "94.00") and Decimal(capped.scores["总分"]) > 94


def test_a_full_score_typed_for_an_unmet_indicator_gets_a_warning(tmp_path):
    """The clerk's score is kept, but full marks for a target the tool knows was missed (written as
    未按时, at a strict bound, finished late) get a 提示 saying why, as a blank 得分 would."""
    rows = [
        ("产出指标", "时效指标", "资金拨付", "按时拨付", "未按时拨付", 20, None),
        ("产出指标", "成本指标", "投诉率", "低于5%", "5%", 5, None),
        ("产出指标", "时效指标", "完成时间", "2022年6月30日前", "2022年8月1日", 10, None),
        ("产出指标", "数量指标", "培训人次", "≥100人次", "120人次", 15, None),
    ]
    path = scored_workbook(tmp_path, rows)
    slots = api.evaluate(path).filing.slots
    wb = openpyxl.load_workbook(path)
    for n, (*_, weight, _) in enumerate(rows, start=1):
        slot = slots[f"dept.indicators[{n}].score"]
        wb[slot.sheet][slot.cell] = weight  # full marks typed for each
    wb.save(path)
    warned = {f.cell: f.message for f in api.check(path).findings if f.rule == "stated-score"}
    cells = [slots[f"dept.indicators[{n}].score"].cell for n in range(1, 5)]
    assert set(warned) == set(cells[:3])  # the met one (120 ≥ 100) is fine
    assert "未按时拨付" in warned[cells[0]] and "低于 5%" in warned[cells[1]] and "晚于截止日期" in warned[cells[2]]
