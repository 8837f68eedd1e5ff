"""Form families (表样系列): detection per sheet, `--form`, `forms`, `inspect`, never silent on an
unknown form, and a family added as data only (no Python code)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from perf_xlsx.families import FORMS_ENV, families
from perf_xlsx.forms_docs import render

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "湘西州政府办_2022_基础数据表.xlsx"


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


# ---- a family added as data: TOML files in a folder, no code ----------------------------------------
TESTLAND_FAMILY = """
id = "testland"
name = "测试省"
title = "测试省专项资金绩效自评表"
scheme = "national"
layouts = ["testland_project.toml"]
"""

TESTLAND_LAYOUT = """
kind = "project_form"
sheet_name = "专项资金{n}"
title = "专项资金绩效自评表"
title_keys = ["专项资金绩效自评表"]
unit_labels = ["主管单位"]

[[sections]]
id = "head"
type = "key_values"
fields = [
  { id = "name", labels = ["资金名称"], type = "text" },
  { id = "department", labels = ["主管单位"], type = "text" },
]

[[sections]]
id = "money"
type = "matrix"
title = "资金使用情况（万元）"
title_labels = ["资金使用情况（万元）", "资金使用情况"]
columns = [
  { id = "initial", labels = ["初始计划"] },
  { id = "budget", labels = ["调整后计划"] },
  { id = "actual", labels = ["实际支出"] },
  { id = "weight", labels = ["满分"], type = "score" },
  { id = "rate", labels = ["支出进度"], type = "rate" },
  { id = "score", labels = ["评分"], type = "score" },
]
rows = [
  { id = "total", labels = ["资金合计"], kind = "derived", sum = ["fiscal", "carryover", "other"], cells = { weight = { kind = "input" }, rate = { kind = "derived", ratio = ["actual", "budget"], figure = "项目执行率" }, score = { kind = "derived", budget_score = ["weight", "rate"] } } },
  { id = "fiscal", labels = ["省级财政资金"], blank_cells = ["weight", "rate", "score"] },
  { id = "carryover", labels = ["结转资金"], blank_cells = ["weight", "rate", "score"] },
  { id = "other", labels = ["自筹资金"], blank_cells = ["weight", "rate", "score"] },
]

[[sections]]
id = "indicators"
type = "indicators"
columns = [
  { id = "level1", labels = ["一级指标"] },
  { id = "level2", labels = ["二级指标"] },
  { id = "level3", labels = ["三级指标"] },
  { id = "target", labels = ["目标值"] },
  { id = "actual", labels = ["完成值"] },
  { id = "weight", labels = ["满分"], type = "score" },
  { id = "score", labels = ["评分"], type = "score" },
]

[[sections]]
id = "closing"
type = "closing"
total = { id = "total", labels = ["综合得分"], kind = "derived", type = "score", figure = "总分" }
"""


def make_testland_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "本地表样"
    folder.mkdir()
    (folder / "testland.toml").write_text(TESTLAND_FAMILY, encoding="utf-8")
    (folder / "testland_project.toml").write_text(TESTLAND_LAYOUT, encoding="utf-8")
    return folder


def build_testland(path: Path, total: object = None) -> Path:
    """A 测试省 form: 资金合计 blank (to fill) or `total`; 80 of 100 spent; two indicators."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["2023年度专项资金绩效自评表"])
    ws.append(["资金名称", "农村公路养护"])
    ws.append(["主管单位", "某某县交通运输局"])
    ws.append(["资金使用情况（万元）", "初始计划", "调整后计划", "实际支出", "满分", "支出进度", "评分"])
    ws.append(["资金合计", 100, 100, total, 10, None, None])
    ws.append(["省级财政资金", 60, 60, 50])
    ws.append(["结转资金", 40, 40, "30.00"])
    ws.append(["自筹资金", None, None, "—"])
    ws.append(["一级指标", "二级指标", "三级指标", "目标值", "完成值", "满分", "评分"])
    ws.append(["产出指标", "数量指标", "养护里程", "≥100公里", "100公里", 50, None])
    ws.append(["效益指标", "社会效益指标", "群众满意度", "≥90%", "95%", 40, None])
    ws.append(["综合得分", None, None, None, None, 100, None])
    wb.save(path)
    return path


def test_a_family_added_as_toml_files_is_read_and_scored(tmp_path):
    env = {FORMS_ENV: str(make_testland_folder(tmp_path))}
    book = build_testland(tmp_path / "专项.xlsx")
    result = run("check", str(book), "--json", env=env)
    report = json.loads(result.output)
    assert result.exit_code == 0, result.output
    [sheet] = report["sheets"]
    assert (sheet["family"], sheet["kind"], sheet["title_found"]) == ("testland", "project_form", True)
    assert sheet["fields_found"] == sheet["fields_expected"]
    assert [f for f in report["findings"] if f["severity"] == "error"] == []
    # 资金合计 80 = 50 + 30; 执行率 80%; 得分 10 × 80% = 8; indicators 50 + 40; 总分 98
    listed = run("forms", "--json", env=env)
    assert "testland" in [f["id"] for f in json.loads(listed.output)]
    out = run("fill", str(book), "-o", str(tmp_path / "out"), env=env)
    assert out.exit_code == 0, out.output
    filled = openpyxl.load_workbook(next((tmp_path / "out").glob("*_已填.xlsx")), data_only=True)["Sheet1"]
    assert Decimal(str(filled["D5"].value)) == Decimal("80")
    assert Decimal(str(filled["F5"].value)) == Decimal("0.8")
    assert Decimal(str(filled["G5"].value)) == Decimal("8")
    assert Decimal(str(filled["G12"].value)) == Decimal("98")


def test_a_family_of_data_finds_the_errors_too(tmp_path):
    env = {FORMS_ENV: str(make_testland_folder(tmp_path))}
    book = build_testland(tmp_path / "专项.xlsx", total=0)  # 资金合计 typed 0 while its parts hold 80
    report = json.loads(run("check", str(book), "--json", env=env).output)
    assert ["project-funds-total", "Sheet1", "D5"] in [
        [f["rule"], f["sheet"], f["cell"]] for f in report["findings"] if f["severity"] == "error"
    ]


def test_without_the_family_the_same_file_is_refused_not_passed(tmp_path):
    book = build_testland(tmp_path / "专项.xlsx")
    result = run("check", str(book))
    assert result.exit_code == 1
    assert "未识别的表样" in result.output


# ---- never silent --------------------------------------------------------------------------------
def build_unrelated(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人员名册"
    ws.append(["姓名", "性别", "出生年月", "职务"])
    ws.append(["张三", "男", "1980-05", "科员"])
    prices = wb.create_sheet("价格表")
    prices.append(["品名", "规格", "单价（元）"])
    prices.append(["A4 复印纸", "70g", 23.5])
    wb.save(path)
    return path


def test_unrelated_tables_exit_1_with_unrecognised_form(tmp_path):
    result = run("check", str(build_unrelated(tmp_path / "名册.xlsx")))
    assert result.exit_code == 1
    assert "未识别的表样" in result.output and "湖南、全国" in result.output
    assert "Traceback" not in result.output
    as_json = json.loads(run("check", str(tmp_path / "名册.xlsx"), "--json").output)
    assert "未识别的表样" in as_json["error"]


def test_a_form_too_far_from_any_layout_names_the_nearest_and_what_is_missing(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["项目情况表"])  # no known title
    ws.append(["项目名称", "乡村道路硬化"])
    ws.append(["主管部门", "某某县交通运输局", "实施单位", "某某镇人民政府"])
    ws.append(["资金", "计划", "完成"])
    wb.save(tmp_path / "项目.xlsx")
    result = run("check", str(tmp_path / "项目.xlsx"))
    assert result.exit_code == 1
    assert "未识别的表样" in result.output
    assert "最接近的是工作表“Sheet1”与" in result.output and "项目" in result.output
    assert "缺少：" in result.output and "标签相符" in result.output


def test_unrelated_sheets_beside_forms_are_listed_as_not_recognised(tmp_path):
    wb = openpyxl.load_workbook(SAMPLE)
    wb.create_sheet("我的备注").append(["备注", "第三季度已核对"])
    wb.save(tmp_path / "带备注.xlsx")
    report = json.loads(run("check", str(tmp_path / "带备注.xlsx"), "--json").output)
    own = [s for s in report["sheets"] if s["sheet"] == "我的备注"]
    assert own == [
        {
            "sheet": "我的备注",
            "family": None,
            "family_name": None,
            "kind": None,
            "kind_name": None,
            "form_title": None,
            "title_found": False,
            "labels_matched": own[0]["labels_matched"],
            "fields_found": 0,
            "fields_expected": 0,
        }
    ]


# ---- the sample: every sheet named with its family, kind and fields found ---------------------------------
def test_the_sample_sheets_are_read_as_hunan_and_national():
    report = api.check(SAMPLE)
    read = [(s.sheet, s.family, s.kind) for s in report.sheets]
    assert read[:3] == [
        ("基础数据表", "hunan", "basic"),
        ("收支情况", "hunan", "income_expenditure"),
        ("整体支出绩效自评表", "hunan", "department_form"),
    ]
    assert {(f, k) for _, f, k in read[3:]} == {("national", "project_form")}
    assert all(s.fields_found == s.fields_expected > 0 for s in report.sheets)


def test_the_terminal_summary_names_each_sheet():
    result = run("check", str(SAMPLE))
    assert "表“整体支出绩效自评表”：湖南·部门整体支出绩效自评表，找到 39/39 个栏目" in result.output
    assert "表“项目1”：全国·项目支出绩效自评表" in result.output


def test_form_option_limits_the_match_and_unknown_names_are_usage_errors(tmp_path):
    only_projects = json.loads(run("check", str(SAMPLE), "--json", "--form", "全国").output)
    assert {s["kind"] for s in only_projects["sheets"] if s["kind"]} == {"project_form"}
    bad = run("check", str(SAMPLE), "--form", "火星")
    assert bad.exit_code == 2 and "没有名为“火星”的表样系列" in bad.output


# ---- inspect -----------------------------------------------------------------------------------------
def test_inspect_shows_cell_raw_text_and_value():
    result = run("inspect", str(SAMPLE))
    assert result.exit_code == 0
    assert "表“基础数据表”：湖南·部门整体支出绩效评价基础数据表" in result.output
    assert "A5  编制数：已读取  原文“146” → 146" in result.output
    data = json.loads(run("inspect", str(SAMPLE), "--json").output)
    basic = next(s for s in data["sheets"] if s["kind"] == "basic")
    quota = next(f for f in basic["fields"] if f["key"] == "basic.staff.quota")
    assert (quota["cell"], quota["raw"], quota["value"], quota["status"]) == ("A5", "146", "146", "已读取")


def test_inspect_names_what_was_expected_but_not_found(tmp_path):
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["基础数据表"]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "编制数":
                cell.value = "核定编制"  # a spelling no layout knows
    wb.save(tmp_path / "改名.xlsx")
    data = json.loads(run("inspect", str(tmp_path / "改名.xlsx"), "--json").output)
    basic = next(s for s in data["sheets"] if s["kind"] == "basic")
    assert "编制数" in basic["missing_labels"]
    quota = next(f for f in basic["fields"] if f["key"] == "basic.staff.quota")
    assert (quota["cell"], quota["status"]) == (None, "未找到")


def test_inspect_of_an_unknown_form_shows_the_nearest_and_exits_1(tmp_path):
    result = run("inspect", str(build_unrelated(tmp_path / "名册.xlsx")))
    assert result.exit_code == 1
    assert "未识别" in result.output and "最接近" in result.output


# ---- docs -------------------------------------------------------------------------------------------
def test_forms_doc_is_generated_from_the_families():
    assert (ROOT / "docs" / "forms.md").read_text(encoding="utf-8") == render(), "运行 make docs 更新 docs/forms.md"


def test_every_shipped_family_is_listed():
    assert {f.id for f in families()} >= {"hunan", "national"}
    result = run("forms")
    assert result.exit_code == 0 and "hunan" in result.output and "national" in result.output


@pytest.mark.parametrize("broken", ['id = "x"\nname = "X"\nlayouts = ["nowhere.toml"]\n', "id = \n"])
def test_a_broken_family_file_is_a_chinese_error_not_a_traceback(tmp_path, broken):
    folder = tmp_path / "坏表样"
    folder.mkdir()
    (folder / "bad.toml").write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(SAMPLE)], env={FORMS_ENV: str(folder)})
    assert result.exit_code == 1
    assert "表样系列文件" in result.output and "bad.toml" in result.output


# ---- a recognised form whose money block or indicator table cannot be read is an 错误 ---------------
@pytest.mark.parametrize(
    ("sheet", "label", "words"),
    [
        ("项目1", ("项目资金（万元）",), "项目资金、执行率和预算执行得分无法核对"),
        ("整体支出绩效自评表", ("一级指标", "三级指标"), "绩效指标的得分和总分无法核对"),
    ],
)
def test_an_unreadable_block_of_a_recognised_form_is_an_error(tmp_path, sheet, label, words):
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb[sheet]
    hits = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.strip() in label]
    assert len(hits) == len(label), label
    for cell in hits:
        cell.value = "（此处表头被删改）"
    wb.save(tmp_path / "缺块.xlsx")
    result = run("check", str(tmp_path / "缺块.xlsx"), "--json")
    report = json.loads(result.output)
    assert result.exit_code == 1
    missing = [f for f in report["findings"] if f["rule"] == "read-block-missing"]
    assert [(f["severity"], f["sheet"]) for f in missing] == [("error", sheet)]
    assert words in missing[0]["message"]
