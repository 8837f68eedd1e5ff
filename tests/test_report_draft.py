"""The 自评报告 draft (perfxlsx report, fill --report): the seed's statements with the seed's numbers, nothing
invented, 错误 said on the first page, the wording and units as data, the same bytes for the same input."""

from __future__ import annotations

import difflib
import hashlib
import shutil
from decimal import Decimal

import pytest

from perf_xlsx import api
from perf_xlsx.report_draft import build
from perf_xlsx.report_text import Value, Writer, load_text
from tests import families
from tests.golden import ROOT, SAMPLE, SNAPSHOTS, docx_text, dump, sample_report
from tests.rule_cases import variant
from tests.test_cli import run

D = Decimal


@pytest.fixture(scope="module")
def seed_draft(tmp_path_factory):
    """The sample's draft, written through the command line a clerk uses; its text and the run."""
    folder = tmp_path_factory.mktemp("report")
    before = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    result = run("report", str(SAMPLE), "-o", str(folder))
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() == before, "输入文件被改动"
    path = folder / "湘西州政府办_2022_基础数据表_自评报告.docx"
    return result, docx_text(path)


def test_report_command_writes_the_draft(seed_draft):
    result, _ = seed_draft
    assert result.returncode == 0, result.stderr
    assert "自评报告草稿：" in result.stdout and "_自评报告.docx" in result.stdout
    assert "Traceback" not in result.stderr


#: The seed report's computed statements, as the seed writes them (body in 元, tables in 万元).
SEED_STATEMENTS = [
    "收入合计10,246.65万元",
    "州政府办本级及二级机构汇总\t10,246.65\t2,070.80\t8,172.73",  # the income table, in 万元
    "在职人员控制率为86.99%",
    "较上年减少23.56%",
    "“三公”经费控制率63.99%",
    "公用经费控制率为42.12%",
    "政府采购执行率22.27%",
    "预算执行率87.57%",
    "预算调整率173.45%",
    "年初预算34,128,169.00元，全年预算数93,324,318.17元，预算执行数81,727,339.46元",
    "总绩效为95分",
    "评价结果等次为“优”",
    "2022年末实际在职人员为127人，编委核定的编制人数为146人",
]


@pytest.mark.parametrize("statement", SEED_STATEMENTS)
def test_the_seeds_statements_with_the_seeds_numbers(seed_draft, statement):
    assert statement in seed_draft[1]


def test_a_decrease_reads_as_a_decrease(seed_draft):
    text = seed_draft[1]
    assert "增加-" not in text and "减少-" not in text and "-23.56" not in text


def test_the_workbooks_text_is_used_and_the_rest_is_a_placeholder(seed_draft):
    text = seed_draft[1]
    assert "年度总体目标：目标1：围绕州委、州政府的中心工作，把工作做好；" in text  # 整体支出绩效自评表 预期目标
    assert "实际完成情况：1、州政府办紧紧围绕州委、州政府工作大局" in text
    for narrative in ("职能职责概述", "下一步改进措施", "存在的问题及原因分析", "预算编码", "联系人"):
        assert f"【待填写：{narrative}】" in text
    assert "\t50\t47\t" in text  # the indicator table: 分值 and 得分 as the form has them
    assert "错误" not in text.split("\f")[0]  # no 错误, no warning


def test_structure_follows_the_seed(seed_draft):
    text = seed_draft[1]
    headings = [
        "一、部门（单位）基本概况",
        "二、部门（单位）收支情况",
        "三、部门整体支出绩效情况",
        "四、存在的问题及原因",
        "五、下一步改进措施",
        "六、绩效自评结果拟应用和公开情况",
        "附件：",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    cover = text.split("\f")[0]
    for line in ("单位名称（盖章）：湘西自治州人民政府办公室", "预算编码：", "评价方式：", "评价机构：", "报告时间："):
        assert line in cover


def test_a_workbook_with_an_error_says_so_on_its_first_page(tmp_path):
    path = variant(tmp_path, {"ie.income.1.total": D("6096.32")})  # 合计多填了0.3万元
    before = path.read_bytes()
    result = run("report", str(path), "-o", str(tmp_path / "out"))
    assert result.returncode == 1  # as check: a 错误 is exit 1; the draft is written all the same
    assert path.read_bytes() == before
    text = docx_text(tmp_path / "out" / "variant_自评报告.docx")
    first = text.split("\f")[0]
    assert "审核发现 1 处错误" in first and "不得报送" in first
    appendix = text.split("附录：审核发现的错误")[1]
    assert "收支情况!B7" in appendix and "6,096.32万元" in appendix


def test_a_bad_workbook_is_a_chinese_error_naming_the_file(tmp_path):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_text("这不是工作簿", encoding="utf-8")
    result = run("report", str(bad), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.startswith("错误：") and "坏文件.xlsx" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_same_input_same_bytes(tmp_path, pinned_clock):
    one = api.report(SAMPLE, tmp_path / "a").draft
    two = api.report(SAMPLE, tmp_path / "b").draft
    assert one.read_bytes() == two.read_bytes()


def test_fill_report_on_a_folder_writes_one_per_department(tmp_path):
    folder = tmp_path / "各单位"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "州政府办.xlsx")
    families.BUILDERS["n_project"](folder)
    result = run("fill", str(folder), "--report", "--jobs", "1", "-q")
    assert result.returncode == 0, result.stderr
    out = folder / "已生成"
    assert sorted(p.name for p in out.glob("*.docx")) == ["n_project_自评报告.docx", "州政府办_自评报告.docx"]
    single = run("fill", str(SAMPLE), "--report", "-o", str(tmp_path / "one"))
    assert single.returncode == 0 and (tmp_path / "one" / "湘西州政府办_2022_基础数据表_自评报告.docx").exists()


def test_a_project_with_its_money_and_indicators_gets_its_section(tmp_path):
    draft = build(api.evaluate(families.BUILDERS["n_project"](tmp_path))).plain()
    assert "项目支出绩效自评报告：2022年农村公路日常养护项目" in draft
    assert "执行率94.57%" in draft and "总分96.57分" in draft and "评价等次为“优”" in draft
    assert "危桥改造座数\t≥6座\t5座\t10\t8.33\t1座危桥因汛期停工未能按期完工" in draft
    assert "一、部门（单位）基本概况" not in draft  # a project-only workbook: the project's report alone
    seed = build(api.evaluate(SAMPLE)).plain()  # the sample's projects have only 全年执行数: no section
    assert "项目支出绩效自评报告：" not in seed


def test_the_wording_and_the_unit_are_data(tmp_path, monkeypatch):
    own = tmp_path / "本局报告文字.toml"
    text = (ROOT / "workbook_templates" / "report_text.toml").read_text("utf-8")
    own.write_text(
        text.replace('body = "元"', 'body = "万元"').replace("预算执行情况：", "预算执行："), encoding="utf-8"
    )
    monkeypatch.setenv("PERFXLSX_REPORT_TEXT", str(own))
    draft = build(api.evaluate(SAMPLE)).plain()
    assert "2、预算执行：2022年度，年初预算3,412.82万元，全年预算数9,332.43万元，预算执行数8,172.73万元" in draft


def test_an_unknown_placeholder_is_a_chinese_error_before_any_workbook(tmp_path, monkeypatch):
    own = tmp_path / "错的.toml"
    own.write_text('[[body]]\nparagraph = "{不存在的名称}"\n', encoding="utf-8")
    monkeypatch.setenv("PERFXLSX_REPORT_TEXT", str(own))
    result = run("report", str(SAMPLE), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and "{不存在的名称}" in result.stderr and "错的.toml" in result.stderr
    own.write_text('[units]\nbody = "千元"\n', encoding="utf-8")
    result = run("report", str(SAMPLE), "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and "千元" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Value("变动率", D("-0.23556"), "change"), "减少23.56%"),
        (Value("变动率", D("0.1"), "change"), "增加10.00%"),
        (Value("变动率", D("0.00001"), "change"), "持平"),
        (Value("金额", D("9332.431817"), "amount"), "93,324,318.17元"),
        (Value("金额", D("-15.66"), "amount"), "-156,600.00元"),
        (Value("得分", "95.00", "score"), "95"),
        (Value("得分", D("8.755"), "score"), "8.76"),
        (Value("率", D("0.869863"), "rate"), "86.99%"),
        (Value("联系人", None), "【待填写：联系人】"),
        (Value("联系人", "  "), "【待填写：联系人】"),
    ],
)
def test_numbers_are_written_as_the_seed_writes_them(value, shown):
    assert Writer(load_text(), {}).write(value) == shown


def test_the_golden_draft_can_fail(tmp_path):
    """The snapshot comparison notices one changed number: 实有人数 127 → 128 changes its lines, and only those."""
    expected = (SNAPSHOTS / "sample_report.txt").read_text(encoding="utf-8")
    assert dump(sample_report(tmp_path)) == expected
    changed = api.report(variant(tmp_path, {"basic.staff.actual": 128}), tmp_path / "changed").draft
    produced = docx_text(changed)
    added = [line for line in difflib.ndiff(expected.splitlines(), produced.splitlines()) if line.startswith("+ ")]
    assert added and all("128" in line for line in added)
    assert any("在职人员控制率为87.67%" in line for line in added)
