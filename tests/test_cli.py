"""The command line as a user meets it: the template command, exit codes, Chinese messages."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli


def run(*args: str) -> subprocess.CompletedProcess:
    """Run the installed entry point the way a user does (click's own runner hides exit mapping)."""
    return subprocess.run(
        [sys.executable, "-c", "from perf_xlsx.cli import main; main()", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_template_writes_all_four_forms_print_ready(tmp_path):
    out = tmp_path / "空白.xlsx"
    result = CliRunner().invoke(
        cli, ["template", "-o", str(out), "--year", "2023", "--unit", "某某局", "--projects", "3"]
    )
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["基础数据表", "收支情况", "整体支出绩效自评表", "项目1", "项目2", "项目3"]
    assert wb["基础数据表"]["A1"].value == "2023年度部门整体支出绩效评价基础数据表"
    for ws in wb.worksheets:  # the print plan itself is tested in test_printing.py
        assert int(ws.page_setup.paperSize) == 9  # A4
        one_page_wide = ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert one_page_wide or 90 <= ws.page_setup.scale <= 100  # fitted, or at the scale that fits the width
        assert ws.print_area and ws.print_title_rows == "$1:$2"
        assert ws["A1"].font.b and ws["A1"].font.sz >= 14
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_blank_template_reads_back_with_every_field(tmp_path):
    """What the template draws, the reader finds: no field is missing from a blank template."""
    path = api.write_template(tmp_path / "t.xlsx", 2022, "某某局", projects=2)
    ev = api.evaluate(path)
    assert ev.filing.problems == []
    assert set(ev.filing.sheets) == {"basic", "income_expenditure", "department_form", "proj1", "proj2"}
    assert ev.filing.year == 2022 and ev.filing.unit == "某某局"
    # a blank template has nothing wrong, only required inputs and indicators still to fill in
    assert {(f.severity, f.rule) for f in ev.report.findings} == {
        ("warning", "required-blank"),
        ("warning", "empty-indicator-block"),
    }


def test_template_filled_by_hand_with_odd_values(tmp_path):
    """A clerk's hand-filled template: text numbers, a dash, 元 values on a sheet marked 单位：元."""
    path = api.write_template(tmp_path / "t.xlsx", 2022, "某某局", projects=1)
    wb = openpyxl.load_workbook(path)
    basic = wb["基础数据表"]
    basic["A5"], basic["C5"] = "２０", " 25 "  # 编制数 20, 在职 25: a rate above 100%
    basic["F9"], basic["F10"], basic["F11"] = "1,000.50", "—", 2.25
    form = wb["整体支出绩效自评表"]
    form["H2"] = "单位：元"
    form["C5"], form["D5"], form["E5"] = "1,000,000.00", 2000000, "1500000"
    wb.save(path)
    report = api.fill(path, tmp_path / "out")
    assert f"{report.figures['在职人员控制率'].percent:.2f}" == "125.00"
    assert f"{report.figures['预算执行率'].percent:.2f}" == "75.00"
    assert f"{report.figures['预算调整率'].percent:.2f}" == "100.00"
    done = openpyxl.load_workbook(report.output, data_only=True)  # the formulas' cached values
    assert done["基础数据表"]["F8"].value == 1000.5  # 公务用车 = 1,000.50 + 0
    assert done["基础数据表"]["F7"].value == 1002.75  # 三公经费 = 车 + 出国 + 接待
    assert done["整体支出绩效自评表"]["I5"].value == 7.5  # 10 × 75%


def test_exit_codes_and_chinese_messages(tmp_path):
    missing = run("fill", str(tmp_path / "没有.xlsx"))
    assert missing.returncode == 1
    assert missing.stderr.startswith("错误：文件“没有.xlsx”") and "Traceback" not in missing.stderr
    usage = run("fill")
    assert usage.returncode == 2 and usage.stderr.startswith("错误：") and "Error:" not in usage.stderr
    unknown = run("fill", "x.xlsx", "--no-such-option")
    assert unknown.returncode == 2 and "错误：" in unknown.stderr
    bogus = tmp_path / "假的.xlsx"
    bogus.write_text("这不是工作簿", encoding="utf-8")
    broken = run("check", str(bogus))
    assert broken.returncode == 1 and "不是 Excel 工作簿" in broken.stderr and "Traceback" not in broken.stderr
    lock = tmp_path / "~$基础数据表.xlsx"  # what Excel leaves beside an open workbook
    lock.write_bytes(b"\x0cZhang San   " + b" " * 40)
    named = run("check", str(lock))
    assert named.returncode == 1 and "临时锁文件" in named.stderr and "“基础数据表.xlsx”" in named.stderr


def test_help_is_fast_path_and_chinese():
    result = run("--help")
    assert result.returncode == 0
    assert "生成空白的基础数据表工作簿" in result.stdout and "显示帮助" in result.stdout


def test_folder_run_goes_on_after_a_bad_file(tmp_path):
    api.write_template(tmp_path / "好.xlsx", 2022, "甲单位")
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (tmp_path / "~$好.xlsx").write_bytes(b"lock")
    result = run("fill", str(tmp_path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("好.xlsx") and "甲单位" in line for line in lines)
    assert any(line.startswith("坏.xlsx") and "无法处理" in line for line in lines)
    assert (tmp_path / "已生成" / "好_已填.xlsx").exists()
    assert not (tmp_path / "已生成" / "~$好_已填.xlsx").exists()


def test_debug_shows_the_technical_error_behind_a_message(tmp_path):
    """An output folder that is really a file: a Chinese reason always; the traceback only with --debug."""
    from tests.golden import SAMPLE

    blocker = tmp_path / "输出"
    blocker.write_text("不是文件夹", encoding="utf-8")
    plain = run("fill", str(SAMPLE), "-o", str(blocker))
    debug = run("fill", str(SAMPLE), "-o", str(blocker), "--debug")
    for result in (plain, debug):
        assert result.returncode == 1
        assert "错误：" in result.stderr and "用 -o 换一个输出文件夹" in result.stderr
    assert "Traceback" not in plain.stderr
    assert "Traceback" in debug.stderr and "Error" in debug.stderr.split("Traceback", 1)[1]


def test_check_folder_json_is_one_document(tmp_path):
    """`check FOLDER --json` prints one JSON list (as `fill FOLDER --json` does); `check FILE --json` one object."""
    import json

    folder = tmp_path / "各单位"
    folder.mkdir()
    api.write_template(folder / "甲.xlsx", 2022, "甲单位")
    api.write_template(folder / "乙.xlsx", 2022, "乙单位")
    (folder / "坏.xlsx").write_bytes(b"PK\x03\x04 truncated")
    listed = run("check", str(folder), "--json")
    assert listed.returncode == 1 and "Traceback" not in listed.stderr
    reports = json.loads(listed.stdout)
    assert [(r["file"], r["unit"], "error" in r) for r in reports] == [
        ("乙.xlsx", "乙单位", False),
        ("坏.xlsx", None, True),
        ("甲.xlsx", "甲单位", False),
    ]
    one = json.loads(run("check", str(folder / "甲.xlsx"), "--json").stdout)
    assert isinstance(one, dict) and one["unit"] == "甲单位"
    empty = tmp_path / "空"
    empty.mkdir()
    for command in ("check", "fill"):
        nothing = run(command, str(empty), "--json")
        assert nothing.returncode == 0 and json.loads(nothing.stdout) == [] and nothing.stderr.startswith("提示：")
