"""评分方案 speaks for itself: `extends` (a scheme gives only what differs from its parent), a scheme file by
its path, and the grade bands and weights printed in 审核结果, 计算过程, rule messages and the template made from
the active scheme, never written by hand."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from perf_xlsx.errors import PerfXlsxError
from perf_xlsx.scoring import grades_text, load_scheme, weights_text
from tests.golden import SAMPLE
from tests.sheets import records

#: scoring_local_caps.toml as it was written out in full before `extends` (its parsed content): the diff it
#: became must load as exactly this.
LOCAL_CAPS_BEFORE_EXTENDS = {
    "name": "local_caps",
    "title": "地方加严评分方案（执行率封顶、超额扣分）",
    "weights": {"预算执行": 10, "产出指标": 50, "效益指标": 30, "满意度指标": 10},
    "figures": {"sangong_change_basis": "决算"},
    "grades": [
        {"name": "优", "floor": 90},
        {"name": "良", "floor": 80},
        {"name": "中", "floor": 60},
        {"name": "差", "floor": 0},
    ],
    "qualitative": {
        "suffixes": ["年度指标值", "年度指标", "年度目标", "预期目标", "绩效目标", "目标", "指标"],
        "bands": [
            {
                "name": "达成",
                "from": 80,
                "to": 100,
                "words": [
                    "达成",
                    "已达成",
                    "全部达成",
                    "已全部达成",
                    "全面达成",
                    "已全面达成",
                    "完全达成",
                    "已完全达成",
                ],
            },
            {
                "name": "部分达成",
                "from": 60,
                "to": 80,
                "words": [
                    "部分达成",
                    "已部分达成",
                    "大部分达成",
                    "未全部达成",
                    "未完全达成",
                    "部分达成年度指标并具有一定效果",
                ],
            },
            {
                "name": "未达成",
                "from": 0,
                "to": 60,
                "words": ["未达成", "未能达成", "没有达成", "尚未达成", "未达成年度指标且效果较差"],
            },
            {"name": "基本达成", "from": 60, "to": 100, "words": ["基本达成", "已基本达成"]},
        ],
    },
    "caps": [
        {"from": 80, "below": 90, "max_total": 94},
        {"from": 70, "below": 80, "max_total": 89},
        {"from": 60, "below": 70, "max_total": 79},
        {"from": 0, "below": 60, "max_total": 69},
    ],
    "overshoot": {"percent": 30, "penalty": 2},
}

#: A made-up local scheme: other weights for 预算执行 and 产出指标, stricter grades with other names.
MADE_UP = """
extends = "national"
name = "made_up"
title = "测试用评分方案"

[weights]
"预算执行" = 15
"产出指标" = 45

[[grades]]
name = "优"
floor = 96

[[grades]]
name = "良"
floor = 85.5

[[grades]]
name = "合格"
floor = 60

[[grades]]
name = "不合格"
floor = 0
"""
MADE_UP_GRADES = "≥96 优，≥85.5 良，≥60 合格，其余 不合格"


def scheme_file(folder: Path, text: str, name: str = "scoring_made_up.toml") -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# ---- extends ---------------------------------------------------------------------------------------------
def test_local_caps_loads_as_the_full_file_it_was():
    """What it was, plus what national has gained since and a child inherits ([direction], the words that
    make a bare target a ceiling)."""
    national = load_scheme("national")
    assert load_scheme("local_caps") == {**LOCAL_CAPS_BEFORE_EXTENDS, "direction": national["direction"]}


def test_local_caps_differs_from_national_only_in_what_it_says():
    national, local = load_scheme("national"), load_scheme("local_caps")
    assert {k for k in national.keys() | local.keys() if national.get(k) != local.get(k)} == {
        "name",
        "title",
        "caps",
        "overshoot",
    }


def test_a_child_merges_tables_key_by_key_and_replaces_arrays_whole(tmp_path):
    scheme = load_scheme(scheme_file(tmp_path, MADE_UP))
    assert scheme["weights"] == {"预算执行": 15, "产出指标": 45, "效益指标": 30, "满意度指标": 10}  # 2 kept
    assert [g["name"] for g in scheme["grades"]] == ["优", "良", "合格", "不合格"]  # not appended to 优良中差
    assert scheme["qualitative"] == load_scheme("national")["qualitative"]  # not given: the parent's
    assert (scheme["name"], "extends" in scheme) == ("made_up", False)


def test_extends_names_a_file_beside_the_child(tmp_path):
    parent = scheme_file(tmp_path, MADE_UP, "parent.toml")
    child = scheme_file(tmp_path, 'extends = "parent.toml"\n[figures]\nsangong_change_basis = "预算"\n')
    scheme = load_scheme(child)
    assert scheme["figures"] == {"sangong_change_basis": "预算"} and scheme["grades"] == load_scheme(parent)["grades"]
    assert scheme["name"] == "made_up"  # a child's name is its own: without one, its file's (scoring_made_up.toml)


@pytest.mark.parametrize(
    "files, words",
    [
        ({"a.toml": 'extends = "b.toml"', "b.toml": 'extends = "a.toml"'}, ["a.toml → b.toml → a.toml", "循环"]),
        ({"a.toml": 'extends = "a.toml"'}, ["a.toml → a.toml", "循环"]),
        ({"a.toml": 'extends = "nowhere"'}, ["a.toml”的 extends", "“nowhere”不存在", "national"]),
        ({"a.toml": 'extends = "missing.toml"'}, ["a.toml”的 extends", "“missing.toml”不存在"]),
        ({"a.toml": 'extends = "national"\n[weights\n'}, ["a.toml", "不是有效的 TOML"]),
        ({"a.toml": 'name = "alone"\n[weights]\n"预算执行" = 10\n'}, ["a.toml", "[[grades]]"]),
        ({"a.toml": 'extends = "national"\n[weights]\n"产出指标" = "五十"\n'}, ["a.toml", "“产出指标”的权重"]),
    ],
    ids=["cycle", "self", "unknown-parent", "missing-parent-file", "broken-toml", "no-grades", "weight-not-a-number"],
)
def test_a_scheme_that_cannot_be_used_is_a_chinese_usage_error_naming_its_file(tmp_path, files, words):
    for name, text in files.items():
        scheme_file(tmp_path, text, name)
    with pytest.raises(PerfXlsxError) as caught:
        load_scheme(str(tmp_path / "a.toml"))
    assert all(w in caught.value.message for w in words), caught.value.message
    result = CliRunner().invoke(cli, ["check", str(SAMPLE), "--scheme", str(tmp_path / "a.toml")])
    assert result.exit_code == 2 and words[0] in result.output and "Traceback" not in result.output


def test_an_unknown_scheme_name_lists_the_schemes_and_says_a_path_will_do():
    result = CliRunner().invoke(cli, ["template", "--scheme", "nosuch"])
    assert result.exit_code == 2
    assert "没有名为“nosuch”的评分方案" in result.output and "local_caps" in result.output and ".toml" in result.output


# ---- the scheme's own words ------------------------------------------------------------------------------
def test_texts_are_made_from_the_scheme(tmp_path):
    assert grades_text() == "≥90 优，≥80 良，≥60 中，其余 差"
    assert weights_text() == "预算执行 10、产出指标 50、效益指标 30、满意度指标 10"
    made_up = scheme_file(tmp_path, MADE_UP)
    assert grades_text(made_up) == MADE_UP_GRADES
    assert weights_text(made_up) == "预算执行 15、产出指标 45、效益指标 30、满意度指标 10"


def test_grades_in_the_rule_message_findings_sheet_and_work_sheet_are_the_schemes(tmp_path):
    """The seed's 总分 95 is 良 under the made-up scheme: stated-grade fires on its 优, saying that scheme's
    bands; 审核结果 and 计算过程 say them too. The national run says the national bands."""
    report = api.fill(SAMPLE, tmp_path / "made_up", scheme=scheme_file(tmp_path, MADE_UP))
    [grade] = [f for f in report.findings if f.rule == "stated-grade"]
    assert grade.message.endswith(f"按总分应为“良”（{MADE_UP_GRADES}）")
    wb = openpyxl.load_workbook(report.output, read_only=True)
    findings = [r for r in records(wb["审核结果"]) if r["规则编号"] == "stated-grade"]
    assert [r["公式（代入数值）"].split("：总分")[0] for r in findings] == [f"按总分定等次：{MADE_UP_GRADES}"]
    assert [(r["填报值"], r["计算值"], r["单位"]) for r in findings] == [("优", "良", None)]  # a grade stays text
    work = [r[3] for r in wb["计算过程"].iter_rows(min_row=3, values_only=True) if r[1] == "评价等次"]
    assert work == [f"按总分定等次：{MADE_UP_GRADES}"]
    wb.close()
    national = api.fill(SAMPLE, tmp_path / "national")
    assert "stated-grade" not in [f.rule for f in national.findings]
    wb = openpyxl.load_workbook(national.output, read_only=True)
    work = [r[3] for r in wb["计算过程"].iter_rows(min_row=3, values_only=True) if r[1] == "评价等次"]
    assert work == ["按总分定等次：≥90 优，≥80 良，≥60 中，其余 差"]
    wb.close()


def test_the_cli_takes_a_scheme_file_by_a_relative_path(tmp_path, monkeypatch):
    scheme_file(tmp_path, MADE_UP)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", str(SAMPLE), "--scheme", "scoring_made_up.toml", "--json"])
    findings = json.loads(result.output)["findings"]
    [grade] = [f["message"] for f in findings if f["rule"] == "stated-grade"]
    assert grade.endswith(f"（{MADE_UP_GRADES}）")
    assert [f["message"].split("；")[0] for f in findings if f["rule"] == "scheme-weights"] == [
        "预算执行分值 10.00，评分方案为 15",
        "产出指标分值合计 50.00，评分方案为 45",
    ]


# ---- the template prints the scheme's weights ------------------------------------------------------------
def _printed_weights(path: Path) -> dict[str, tuple]:
    """Per form sheet: (年度资金总额's 分值, 总分's 分值) as printed."""
    slots = api.evaluate(path).filing.slots
    wb = openpyxl.load_workbook(path)
    out = {}
    for prefix, sheet in (("dept", "整体支出绩效自评表"), ("proj1", "项目1")):
        total_row = next(r for r in wb[sheet].iter_rows(values_only=True) if r[0] == "总分")
        out[prefix] = (
            slots[f"{prefix}.money.total.weight"].value,
            [v for v in total_row if isinstance(v, int | float)],
        )
    return out


@pytest.mark.parametrize(
    "overrides, budget, total",
    [
        ("", 10, 100),  # national
        ('[weights]\n"预算执行" = 15\n"产出指标" = 45\n', 15, 100),
        ('[weights]\n"预算执行" = 12.5\n"满意度指标" = 7.5\n', Decimal("12.5"), 100),
        ('[weights]\n"预算执行" = 20\n', 20, 110),  # 总分 is Σ of the scheme's weights, not a fixed 100
    ],
)
def test_template_prints_the_weights_of_its_scheme(tmp_path, overrides, budget, total):
    scheme = scheme_file(tmp_path, f'extends = "national"\nname = "t"\n{overrides}')
    out = tmp_path / "空白.xlsx"
    result = CliRunner().invoke(cli, ["template", "-o", str(out), "--year", "2022", "--scheme", scheme])
    assert result.exit_code == 0, result.output
    assert _printed_weights(out) == {"dept": (budget, [total]), "proj1": (budget, [total])}


def test_template_default_scheme_is_national(tmp_path):
    out = api.write_template(tmp_path / "空白.xlsx", 2022)
    assert _printed_weights(out) == {"dept": (10, [100]), "proj1": (10, [100])}


def test_template_refuses_a_scheme_without_the_part_it_prints(tmp_path):
    scheme = scheme_file(tmp_path, 'name = "t"\n[weights]\n"预算" = 10\n[[grades]]\nname = "合格"\nfloor = 0\n')
    out = tmp_path / "空白.xlsx"
    result = CliRunner().invoke(cli, ["template", "-o", str(out), "--scheme", scheme])
    assert result.exit_code == 1 and "“预算执行”的分值" in result.output and "Traceback" not in result.output
    assert not out.exists()
