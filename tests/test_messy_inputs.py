"""Messy workbooks (走样的工作簿): each case of tests/messy.py read through the public API and the CLI.

Every test checks that the figures still come out as in the seed report AND that each value keeps
its provenance — the sheet and cell it was read from, wherever the clerk moved it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from perf_xlsx import api
from perf_xlsx.cli import cli
from tests import messy
from tests.seed import SEED_FIGURES, SEED_SUMMARY
from tests.sheets import records

D = Decimal

SEED, SUMMARY = SEED_FIGURES, SEED_SUMMARY


@pytest.fixture(scope="module")
def pristine():
    """The untouched sample: where every field stood before the clerk got at it."""
    return api.evaluate(messy.SAMPLE)


def made(builder, tmp_path):
    return builder(tmp_path / f"{builder.__name__.removeprefix('build_')}.xlsx")


def percents(report, names=SEED) -> dict[str, str | None]:
    return {n: None if report.figures[n].value is None else f"{report.figures[n].percent:.2f}" for n in names}


def inputs(report, figure: str) -> dict[str, str | None]:
    """A figure's inputs as {label: 表!单元格}."""
    return {i["label"]: i["cell"] for i in report.figures[figure].inputs}


def where(evaluation, key: str) -> str:
    return evaluation.filing.slots[key].where


def moved(address: str, rows: int = 0, cols: int = 0) -> str:
    """`表!F7` moved down `rows` and right `cols`."""
    sheet, cell = address.split("!")
    col, row = coordinate_from_string(cell)
    return f"{sheet}!{get_column_letter(column_index_from_string(col) + cols)}{row + rows}"


def severe(report) -> list[tuple[str, str, str]]:
    """Findings a clerk must act on (错误), and every reading problem."""
    return [
        (f.rule, f.where, f.message) for f in report.findings if f.severity == "error" or f.rule.startswith("read-")
    ]


def run(*args: str) -> subprocess.CompletedProcess:
    """The installed entry point, as a user runs it (exit codes and stderr included)."""
    return subprocess.run(
        [sys.executable, "-c", "from perf_xlsx.cli import main; main()", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def sheet_of(path, title):
    """A sheet with the values it shows (a filled cell holds a formula; its cached value is what shows)."""
    return openpyxl.load_workbook(path, data_only=True)[title]


# ---- 1. moved tables -----------------------------------------------------------------------------
def test_rows_inserted_above_sections_move_the_cells_not_the_figures(tmp_path, pristine):
    path = made(messy.build_moved_tables, tmp_path)
    fixture = sheet_of(path, "基础数据表")
    assert "A10:C10" in {m.coord for m in fixture.merged_cells.ranges}  # the builder moved the merges too
    ev = api.evaluate(path)
    report = ev.report
    assert percents(report) == SEED
    assert severe(report) == []
    sangong = inputs(report, "三公经费控制率")["三公经费本年决算数"]
    assert sangong == moved(inputs(pristine.report, "三公经费控制率")["三公经费本年决算数"], rows=3)
    assert sangong == "基础数据表!F10"
    assert inputs(report, "在职人员控制率") == inputs(pristine.report, "在职人员控制率")  # above the insertion
    # 收支情况: the income table above the insertion stays, the 三公 and 固定资产 tables move down 2
    assert where(ev, "ie.income.summary.total") == where(pristine, "ie.income.summary.total")
    assert where(ev, "ie.sangong.summary.total") == moved(where(pristine, "ie.sangong.summary.total"), rows=2)
    assert inputs(report, "固定资产利用率") == {
        k: moved(v, rows=2) for k, v in inputs(pristine.report, "固定资产利用率").items()
    }
    for key, value in SUMMARY.items():
        assert ev.completion.shown(key) == value
    # the derived cells are written where they now stand
    out = api.fill(path, tmp_path / "out")
    car = moved(where(pristine, "basic.funds.car.final"), rows=3)
    assert car in out.filled
    assert sheet_of(out.output, "基础数据表")[car.split("!")[1]].value == pytest.approx(236.25)


# ---- 2. column inserted, row deleted ---------------------------------------------------------------
def test_inserted_column_and_deleted_row_still_read(tmp_path, pristine):
    path = made(messy.build_inserted_column, tmp_path)
    ev = api.evaluate(path)
    report = ev.report
    assert percents(report) == SEED
    assert report.counts["error"] == 0
    # 收支情况 moved one column right; 基础数据表's amounts too (the deleted row was below them)
    assert inputs(report, "固定资产利用率") == {
        k: moved(v, cols=1) for k, v in inputs(pristine.report, "固定资产利用率").items()
    }
    assert inputs(report, "政府采购执行率") == {
        k: moved(v, cols=1) for k, v in inputs(pristine.report, "政府采购执行率").items()
    }
    assert inputs(report, "在职人员控制率") == inputs(
        pristine.report, "在职人员控制率"
    )  # 编制数/在职 left of the column
    for key, value in SUMMARY.items():
        assert ev.completion.shown(key) == value
    # the one thing lost is the deleted row, named, as a 提示
    lost = [(f.severity, f.message) for f in report.findings if f.rule == "read-not-found"]
    assert lost == [("warning", "未找到“部门基本支出预算调整”行")]
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "三公经费控制率 63.99%" in result.output and "固定资产利用率 51.41%" in result.output


# ---- 3. labels retyped -------------------------------------------------------------------------------
def test_labels_with_spaces_breaks_fullwidth_and_numbering(tmp_path, pristine):
    path = made(messy.build_odd_labels, tmp_path)
    ev = api.evaluate(path)
    assert percents(ev.report) == SEED
    assert severe(ev.report) == []
    # every field found in the very cell it stood in before
    found = {k: s.where for k, s in ev.filing.slots.items() if s.found}
    assert found == {k: s.where for k, s in pristine.filing.slots.items() if s.found}
    for key, value in SUMMARY.items():
        assert ev.completion.shown(key) == value
    assert ev.filing.slots["ie.income.summary.fiscal"].value == D("8172.73")  # under `公共财\n政拨款`
    assert ev.filing.tables["income"][1].name == "州政府办本级"  # `１．州政府办本级`


# ---- 4. sheets renamed and reordered ---------------------------------------------------------------
def test_renamed_and_reordered_sheets_identified_by_their_titles(tmp_path):
    path = made(messy.build_renamed_sheets, tmp_path)
    ev = api.evaluate(path)
    assert ev.filing.sheets == {
        "basic": "Sheet1",
        "income_expenditure": "附件2",
        "department_form": "附件3 (2)",
        "proj1": "Sheet4",
        "proj2": "项目2",
        "proj3": "项目3",
        "proj4": "项目4",
    }
    assert percents(ev.report) == SEED
    assert severe(ev.report) == []
    assert inputs(ev.report, "在职人员控制率") == {"2022年实际在职人数": "Sheet1!C5", "编制数": "Sheet1!A5"}
    assert inputs(ev.report, "固定资产利用率") == {"汇总在用固定资产": "附件2!C37", "汇总固定资产合计": "附件2!B37"}
    result = CliRunner().invoke(cli, ["check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    figure = json.loads(result.output)["figures"]["预算执行率"]
    assert figure["value"] == "87.57" and figure["cell"] == "附件3 (2)!H5"
    assert figure["inputs"]["全年预算数"] == {"value": "9332.431817", "cell": "附件3 (2)!D5"}
    out = api.fill(path, tmp_path / "out")
    done = openpyxl.load_workbook(out.output, data_only=True)  # the cached values of the formulas
    assert done.sheetnames[:7] == openpyxl.load_workbook(path).sheetnames  # order and names kept
    assert done["附件3 (2)"]["H5"].value == pytest.approx(0.8757, abs=5e-5)  # shows 87.57%


# ---- 5. values typed after the label ----------------------------------------------------------------
def test_inline_breakdown_read_and_total_filled_back_as_text(tmp_path):
    path = made(messy.build_inline_breakdown, tmp_path)
    ev = api.evaluate(path)
    slots = ev.filing.slots
    read = {
        k.removeprefix("dept.breakdown."): (s.cell, s.value)
        for k, s in slots.items()
        if k.startswith("dept.breakdown.")
    }
    assert read == {
        "by_income.total": ("A6", None),
        "by_income.general": ("A7", D("1873.66")),
        "by_income.fund": ("A8", D("0")),
        "by_income.special": ("A9", D("0")),
        "by_income.other": ("A10", D("5664.37")),
        "by_spending.total": ("E6", D("7538.03")),
        "by_spending.basic": ("E7", D("4870.15")),
        "by_spending.project": ("E8", D("2667.88")),
    }
    assert ev.completion.computed("dept.breakdown.by_income.total") == D("7538.03")
    assert severe(ev.report) == []
    assert percents(ev.report) == SEED
    report = api.fill(path, tmp_path / "out")
    assert "整体支出绩效自评表!A6" in report.filled
    form = sheet_of(report.output, "整体支出绩效自评表")
    assert form["A6"].value == "按收入性质分：7538.03"
    assert form["E6"].value == "按支出性质分：7538.03"  # the clerk's stated total, untouched
    assert form["A7"].value == "其中：一般公共预算：1873.66"


def test_inline_total_on_a_yuan_form_is_written_in_yuan(tmp_path):
    """The same inline lines on a 自评表 kept in 元: the filled-in total is in 元 too."""
    path = made(messy.build_yuan_form, tmp_path)
    wb = openpyxl.load_workbook(path)
    form = wb["整体支出绩效自评表"]
    for ref, text in messy.INLINE_BREAKDOWN.items():
        label, _, number = text.rpartition("：")
        yuan = f"{label}：{int(float(number) * 10000)}" if number and label else text
        messy.merge_anew(form, ref, yuan)
    wb.save(path)
    report = api.fill(path, tmp_path / "out")
    assert "整体支出绩效自评表!A6" in report.filled
    assert sheet_of(report.output, "整体支出绩效自评表")["A6"].value == "按收入性质分：75380300.00"


def merged_over(folder: Path, first: str, second: str, value=None):
    """The sample with the cells of fields `first` and `second` merged into one, holding `value` (default:
    what `first` holds), as a clerk merges two columns of a row; returns (path, first's slot, second's)."""
    path = folder / "merged.xlsx"
    shutil.copy(messy.SAMPLE, path)
    a, b = (api.evaluate(path).filing.slots[k] for k in (first, second))
    wb = openpyxl.load_workbook(path)
    ws = wb[a.sheet]
    ws[b.cell] = None
    if value is not None:
        ws[a.cell] = value
    ws.merge_cells(f"{a.cell}:{b.cell}")
    wb.save(path)
    return path, a, b


def test_one_number_merged_over_two_amount_columns_is_counted_once_and_flagged(tmp_path):
    """A clerk merges 人员支出 and 公用支出 of one institution over one number: it is not counted in
    both (基本支出 would double); the second field is an unknown value, an 错误 naming the merge."""
    path, people, public = merged_over(tmp_path, "ie.spending.1.personnel", "ie.spending.1.public")
    ev = api.evaluate(path)
    assert ev.filing.slots["ie.spending.1.personnel"].value == people.value
    assert ev.filing.slots["ie.spending.1.public"].value is None
    [merged] = [f for f in ev.report.findings if f.rule == "read-merged-fields"]
    assert merged.severity == "error" and merged.cell == public.cell
    assert f"合并单元格 {people.cell}:{public.cell}" in merged.message and "人员支出" in merged.message


def test_a_merged_zero_over_two_amount_columns_is_zero_for_both(tmp_path):
    """0 typed once over 政府基金拨款 and 专户非税收入拨款: true of each, so no 错误."""
    path, _, _ = merged_over(tmp_path, "ie.income.1.fund", "ie.income.1.special", 0)
    ev = api.evaluate(path)
    assert (ev.filing.slots["ie.income.1.fund"].value, ev.filing.slots["ie.income.1.special"].value) == (0, 0)
    assert [f for f in ev.report.findings if f.rule == "read-merged-fields"] == []


# ---- 6. numbers typed as text --------------------------------------------------------------------------
def test_numbers_typed_as_text(tmp_path, pristine):
    path = made(messy.build_text_numbers, tmp_path)
    ev = api.evaluate(path)
    slots = ev.filing.slots
    assert slots["ie.income.summary.total"].raw == "10,246.65 "
    assert slots["ie.income.summary.total"].value == D("10246.65")
    assert slots["basic.staff.rate"].value == D("0.8699")  # "86.99%"
    assert slots["ie.spending.1.year_balance"].value == D("-15.66")  # "（15.66）"
    assert slots["basic.staff.quota"].value == 146  # "１４６"
    assert slots["basic.staff.actual"].value == 127  # " 127人"
    assert slots["dept.money.total.budget"].value == D("9332.431817")
    for key in ("ie.income.summary.total", "basic.staff.rate", "ie.spending.1.year_balance", "basic.staff.quota"):
        assert slots[key].where == where(pristine, key) and slots[key].error is None
    assert percents(ev.report) == SEED
    assert severe(ev.report) == []
    result = CliRunner().invoke(cli, ["check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    staff = json.loads(result.output)["figures"]["在职人员控制率"]
    assert staff["value"] == "86.99"
    assert staff["inputs"]["编制数"] == {"value": "146", "cell": "基础数据表!A5"}


# ---- 7. dashes and blanks ----------------------------------------------------------------------------
def test_dashes_slashes_and_blanks_are_empty(tmp_path, pristine):
    path = made(messy.build_empty_markers, tmp_path)
    ev = api.evaluate(path)
    marked = {where(pristine, key) for key in messy.EMPTY_MARKS}
    for key, mark in messy.EMPTY_MARKS.items():
        slot = ev.filing.slots[key]
        assert (slot.raw, slot.value, slot.error, slot.where) == (mark, None, None, where(pristine, key))
    assert [f for f in ev.report.findings if f.where in marked] == []
    assert severe(ev.report) == []
    assert percents(ev.report) == SEED
    report = api.fill(path, tmp_path / "out")
    done = openpyxl.load_workbook(report.output, data_only=True)
    for key, total in [
        ("basic.funds.sangong.final", 258.48),
        ("ie.income.1.total", 6096.02),
        ("ie.sangong.1.total", 174.39),
    ]:
        sheet, cell = where(pristine, key).split("!")
        assert f"{sheet}!{cell}" in report.filled
        assert done[sheet][cell].value == pytest.approx(total)


# ---- 8. floats ---------------------------------------------------------------------------------------
def test_floats_read_as_their_shortest_repr(tmp_path):
    path = made(messy.build_float_noise, tmp_path)
    ev = api.evaluate(path)
    slots = ev.filing.slots
    for key, x in messy.FLOATS.items():
        assert slots[key].value == D(repr(x)) and D(repr(x)) != D(x)  # never the binary expansion
    assert slots["ie.income.3.total"].value == D("3312.53")
    assert slots["ie.spending.1.total"].value == D("6096.0199999999995")  # noise kept, not rounded away
    assert percents(ev.report) == SEED
    assert severe(ev.report) == []
    assert ev.completion.shown("ie.income.summary.total") == D("10246.65")


# ---- 9. 单位：元 -------------------------------------------------------------------------------------
def test_form_in_yuan_gives_the_same_rates(tmp_path):
    path = made(messy.build_yuan_form, tmp_path)
    ev = api.evaluate(path)
    budget = ev.filing.slots["dept.money.total.budget"]
    assert (budget.raw, budget.scale, budget.value) == (93324318.17, D("0.0001"), D("9332.431817"))
    assert ev.filing.slots["dept.money.total.initial"].value == D("3412.8169")
    assert percents(ev.report, ["预算执行率", "预算调整率", "支出口径预算执行率"]) == {
        "预算执行率": "87.57",
        "预算调整率": "173.45",
        "支出口径预算执行率": "80.77",
    }  # the last one across sheets
    assert inputs(ev.report, "预算执行率") == {
        "全年执行数": "整体支出绩效自评表!E5",
        "全年预算数": "整体支出绩效自评表!D5",
    }
    result = CliRunner().invoke(cli, ["check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["figures"]["预算调整率"]["inputs"]["年初预算数"]["value"] == "3412.8169"


def test_basic_sheet_in_yuan_gives_the_same_rates_and_fills_in_yuan(tmp_path, pristine):
    path = made(messy.build_yuan_basic, tmp_path)
    ev = api.evaluate(path)
    basic = ["三公经费变动率", "三公经费控制率", "公用经费控制率", "政府采购执行率"]
    assert percents(ev.report, basic) == percents(pristine.report, basic) == {k: SEED[k] for k in basic}
    assert ev.filing.slots["basic.funds.sangong.prev_final"].value == D("338.131825")
    assert ev.filing.slots["basic.funds.procurement.final"].value == D("345.7775580")
    assert ev.completion.shown("basic.funds.sangong.final") == D("258.48")  # 万元, from 元 parts
    assert severe(ev.report) == []
    # a 元-exact figure against its 2-decimal 万元 twin on 收支情况 is 一致, not even 尾差 (rules.md §2)
    assert [f.rule for f in ev.report.findings if f.rule.endswith("-cross") and f.severity != "warning"] == []
    report = api.fill(path, tmp_path / "out")
    done = sheet_of(report.output, "基础数据表")
    sangong, car = (where(pristine, k).split("!")[1] for k in ("basic.funds.sangong.final", "basic.funds.car.final"))
    assert done[sangong].value == pytest.approx(2584800.0) and done[car].value == pytest.approx(2362500.0)  # in 元


def test_findings_on_a_yuan_sheet_speak_in_yuan(tmp_path):
    """A clerk who filled in 元 reads 元 back: in the message, the 审核结果 columns and 计算过程 (numbers in 元,
    their 单位 named on the row)."""
    path = made(messy.build_yuan_basic, tmp_path)
    wb = openpyxl.load_workbook(path)
    messy.put(wb, messy.cells_of(wb), "basic.funds.car.final", 2362600)  # 100 元 more than 购置 + 运行维护
    wb.save(path)
    report = api.fill(path, tmp_path / "out")
    [car] = [f for f in report.findings if f.rule == "car-total"]
    assert "填报 2,362,600.00元" in car.message and "计算为 2,362,500.00元，相差 100.00元" in car.message
    assert car.stated == D("236.26")  # the data (and --json) stay in 万元
    out = openpyxl.load_workbook(report.output, data_only=True)
    row = next(r for r in records(out["审核结果"]) if r["规则编号"] == "car-total")
    assert (row["填报值"], row["计算值"], row["差额"], row["单位"]) == (2362600, 2362500, 100, "元")
    work = records(out["计算过程"])
    assert "=855,100.00元" in "\n".join(str(r["代入数值（含单元格）"]) for r in work) and "=85.51" not in str(work)
    [total] = [r for r in work if r["位置"] == car.where]
    assert (total["计算值"], total["表中填报值"], total["单位"]) == (2362500, 2362600, "元")
    assert next(r for r in work if r["项目"] == "在职人员控制率")["单位"] is None  # a rate shows its %


def test_an_amount_typed_in_wan_on_a_yuan_sheet_is_blamed_there(tmp_path):
    """On a 基础数据表 kept in 元, 项目支出 typed in 万元 (2667.88): 10,000× smaller than 收支情况's
    2,667.88 万元. The slip is the 元 sheet's cell, not the 万元 one it disagrees with."""
    path = made(messy.build_yuan_basic, tmp_path)
    wb = openpyxl.load_workbook(path)
    messy.put(wb, messy.cells_of(wb), "basic.funds.project.final", 2667.88)
    wb.save(path)
    report = api.check(path)
    errors = [(f.rule, f.where) for f in report.findings if f.severity == "error"]
    assert errors == [("unit-slip", where(api.evaluate(path), "basic.funds.project.final"))]
    [slip] = [f for f in report.findings if f.rule == "unit-slip"]
    assert "为 2,667.88元" in slip.message and "疑似以万元填报；本表单位为元" in slip.message


# ---- 10. a field that cannot be found ------------------------------------------------------------------
def test_missing_label_is_named_and_leaves_its_figure_blank(tmp_path):
    path = made(messy.build_missing_label, tmp_path)
    report = api.check(path)
    missing = [f for f in report.findings if f.rule == "read-not-found"]
    assert [(f.sheet, f.message) for f in missing] == [("基础数据表", "未找到“编制数”")]
    staff = report.figures["在职人员控制率"]
    assert staff.value is None and "编制数" in staff.note
    assert inputs(report, "在职人员控制率") == {"2022年实际在职人数": "基础数据表!C5", "编制数": None}
    assert percents(report, ["三公经费控制率", "预算执行率"]) == {"三公经费控制率": "63.99", "预算执行率": "87.57"}
    result = run("check", str(path), "--json")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    assert data["figures"]["在职人员控制率"]["value"] is None
    assert any("编制数" in f["message"] and f["sheet"] == "基础数据表" for f in data["findings"])
    text = run("fill", str(path), "-o", str(tmp_path / "out"))
    assert text.returncode == 0 and "Traceback" not in text.stdout + text.stderr
    assert (
        text.stdout.startswith("missing_label.xlsx：湘西自治州人民政府办公室，2022年度")
        and "错误 0，提示" in text.stdout
    )
    listed = sheet_of(tmp_path / "out" / "missing_label_已填.xlsx", "审核结果").iter_rows(values_only=True)
    assert any("未找到“编制数”" in row and "基础数据表" in row for row in listed)


def test_missing_table_is_named_and_leaves_its_figure_blank(tmp_path):
    path = made(messy.build_missing_section, tmp_path)
    report = api.check(path)
    assert report.figures["固定资产利用率"].value is None
    assert [f.message for f in report.findings if f.rule == "read-not-found"] == [
        "未找到“固定资产”表（列“固定资产合计”）"
    ]
    assert percents(report, ["三公经费控制率", "预算执行率"]) == {"三公经费控制率": "63.99", "预算执行率": "87.57"}
    result = run("check", str(path))
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr
    assert result.stdout.startswith("missing_section.xlsx：湘西自治州人民政府办公室，2022年度")


def test_missing_sheet_is_named_and_leaves_its_figures_blank(tmp_path):
    path = made(messy.build_missing_sheet, tmp_path)
    report = api.check(path)
    assert [(f.severity, f.message) for f in report.findings if f.rule == "read-not-found"] == [
        ("warning", "未找到“收支情况”表（按标题识别，前12行中应有含“收支情况”的标题）")
    ]
    assets = report.figures["固定资产利用率"]
    assert assets.value is None and "汇总固定资产合计" in assets.note
    assert percents(report, ["在职人员控制率", "预算执行率"]) == {"在职人员控制率": "86.99", "预算执行率": "87.57"}
    result = run("check", str(path), "--json")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert any("未找到“收支情况”表" in f["message"] for f in json.loads(result.stdout)["findings"])


# ---- 11. a value that cannot be read -------------------------------------------------------------------
def test_unreadable_amount_is_reported_at_its_cell(tmp_path, pristine):
    path = made(messy.build_unreadable_amount, tmp_path)
    cell = where(pristine, "basic.funds.reception.final")
    report = api.fill(path, tmp_path / "out")
    bad = [f for f in report.findings if f.rule == "read-unreadable"]
    assert [(f.severity, f.where) for f in bad] == [("error", cell)]
    assert "约100" in bad[0].message and "公务接待" in bad[0].message
    assert sheet_of(report.output, "基础数据表")[cell.split("!")[1]].value == "约100"  # left as typed
    assert percents(report, ["在职人员控制率", "预算执行率"]) == {"在职人员控制率": "86.99", "预算执行率": "87.57"}
    result = run("check", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert f"错误：{cell} “公务接待（2022年决算数）”无法识别为数字：“约100”" in result.stdout


# ---- 12. the input is never touched; output is deterministic ------------------------------------------
def test_read_only_input_untouched_and_outputs_identical(tmp_path, pinned_clock):
    path = made(messy.build_read_only, tmp_path)
    before = (
        hashlib.sha256(path.read_bytes()).hexdigest(),
        os.stat(path).st_mtime_ns,
        stat.S_IMODE(os.stat(path).st_mode),
    )
    assert before[1:] == (messy.OLD_MTIME * 10**9, 0o444)
    first = api.fill(path, tmp_path / "a")
    second = api.fill(path, tmp_path / "b")
    again = api.fill(path, tmp_path / "a")  # over its own earlier output
    assert first.output.read_bytes() == second.output.read_bytes() == again.output.read_bytes()
    assert percents(first) == SEED
    assert (
        hashlib.sha256(path.read_bytes()).hexdigest(),
        os.stat(path).st_mtime_ns,
        stat.S_IMODE(os.stat(path).st_mode),
    ) == before
    result = run("fill", str(path), "-o", str(tmp_path / "c"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "c" / first.output.name).read_bytes() == first.output.read_bytes()


# ---- the script ----------------------------------------------------------------------------------------
def test_script_writes_every_case_into_a_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, str(messy.ROOT / "tests" / "messy.py"), str(tmp_path / "走样")],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "走样").iterdir())
    assert written == sorted(f"{name}.xlsx" for name in messy.BUILDERS) and len(written) == 15


def test_wan_written_alone_and_a_split_number(tmp_path):
    """'3万' is 3 万元 as a clerk writes it; '33 26.58' (a stray space, not a thousands gap) is not 3326.58."""
    from tests.rule_cases import variant
    from tests.rule_cases import where as cell_of

    path = variant(tmp_path, {"ie.income.1.other": "3万", "ie.income.2.fiscal": "33 26.58"})
    ev = api.evaluate(path)
    assert ev.filing.slots["ie.income.1.other"].value == D("3")
    unreadable = [f for f in ev.report.findings if f.rule == "read-unreadable"]
    assert [(f.sheet, f.cell) for f in unreadable] == [cell_of("ie.income.2.fiscal")]
    assert "33 26.58" in unreadable[0].message


def test_an_unreadable_part_leaves_its_total_unknown_not_short(tmp_path):
    """公共财政拨款 typed in words and 收入合计 left for perfxlsx: the total is not filled as if that part
    were 0 (which would also set off the 汇总 and 结余 checks); one 错误 names the unreadable cell."""
    from tests.rule_cases import variant
    from tests.rule_cases import where as cell_of

    path = variant(tmp_path, {"ie.income.1.total": "", "ie.income.1.fiscal": "五千七百"})
    report = api.fill(path, tmp_path / "out")
    assert [(f.rule, f.sheet, f.cell) for f in report.findings if f.severity == "error"] == [
        ("read-unreadable", *cell_of("ie.income.1.fiscal"))
    ]
    sheet, cell = cell_of("ie.income.1.total")
    out = openpyxl.load_workbook(report.output, data_only=True)
    assert out[sheet][cell].value is None and f"{sheet}!{cell}" not in report.filled
    work = {r["位置"]: r["处理"] for r in records(out["计算过程"])}
    assert "公共财政拨款）无法识别，无法计算" in work[f"{sheet}!{cell}"]


def test_a_correct_yuan_sheet_is_not_called_a_slip_by_its_peers(tmp_path):
    """On a 单位：元 sheet an amount much bigger than its column is 元 as the sheet says, not a slip."""
    path = made(messy.build_yuan_basic, tmp_path)
    wb = openpyxl.load_workbook(path)
    messy.put(wb, messy.cells_of(wb), "basic.funds.abroad.prev_final", 2)
    messy.put(wb, messy.cells_of(wb), "basic.funds.abroad.budget", 3)
    messy.put(wb, messy.cells_of(wb), "basic.funds.abroad.final", 5000)  # 5,000 元 beside 2 and 3 元: odd, not a slip
    wb.save(path)
    assert [f for f in api.check(path).findings if f.rule == "unit-slip-peers"] == []
