"""Each family's forms as bureaus lay them out (tests/families.py): a consistent copy reads with 0 错误,
every sheet as its family, every project scored; each known mistake is found at its cell."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from tests import families as fx

#: consistent fixture → the (sheet, family, kind) each of its sheets must be read as
CONSISTENT = {
    "n_project": [("Sheet1", "national", "project_form")],
    "n_official": [("Sheet1", "national", "project_form")],
    "b_project": [("Sheet1", "hubei", "project_form")],
    "b_project_weighted": [("附件2", "hubei", "project_form")],
    "c_department": [("附件1", "chongqing", "department_form")],
    "r_report": [("Sheet1", "report", "report_cover"), ("Sheet2", "report", "report_overview")],
    "mixed_c_and_n": [("附件1", "chongqing", "department_form"), ("附件2", "national", "project_form")],
}


def build(name: str, folder: Path) -> Path:
    return fx.BUILDERS[name](folder)


def findings_at(report) -> set[tuple[str, str | None, str | None]]:
    return {(f.rule, f.sheet, f.cell) for f in report.findings}


@pytest.mark.parametrize("name", sorted(CONSISTENT))
def test_a_consistent_copy_reads_with_no_error_and_every_field_found(tmp_path, name):
    report = api.check(build(name, tmp_path))
    assert [(f.rule, f.where, f.message) for f in report.findings if f.severity == "error"] == []
    assert [(s.sheet, s.family, s.kind) for s in report.sheets] == CONSISTENT[name]
    assert all(s.fields_found == s.fields_expected > 0 for s in report.sheets)


@pytest.mark.parametrize("name", ["n_project", "n_official", "b_project", "b_project_weighted"])
def test_a_project_form_on_its_own_is_scored_as_its_drawing_says(tmp_path, name):
    [(_, form)] = fx.SHEETS[name]
    expected = form.figures()
    money = "money.total" if "money.total.rate" in expected else "money"  # the drawing's keys (湖北: one row)
    result = CliRunner().invoke(cli, ["check", str(build(name, tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    [project] = json.loads(result.output)["projects"]
    assert Decimal(project["figures"]["执行率"]) == expected[f"{money}.rate"]
    assert Decimal(project["scores"]["预算执行"]) == expected[f"{money}.score"]
    assert Decimal(project["scores"]["总分"]) == expected["total.score"]
    assert project["counts"]["error"] == 0 and project["name"]


def test_the_chongqing_total_and_grade_come_from_its_own_layout(tmp_path):
    [(_, form)] = fx.SHEETS["c_department"]
    report = api.check(build("c_department", tmp_path))
    assert Decimal(report.scores["总分"]) == form.figures()["total.score"]
    assert report.scores["等次"] == "优"  # the form prints none: the scheme's band of its 总分
    assert report.figures["预算执行率"].percent == form.figures()["money.rate"]


@pytest.mark.parametrize(
    ("name", "full"),
    [("三公经费控制率", True), ("公用经费控制率", True), ("预算调整率", True), ("群众满意度", False)],
)
def test_a_bare_target_is_a_ceiling_when_the_indicator_name_says_so(tmp_path, name, full):
    """`100%` with 63.99% done: met for a 控制率 (a ceiling), 63.99% of the 分值 for a floor."""
    import openpyxl

    path = build("n_official", tmp_path)
    ev = api.evaluate(path)
    row = next(i for i in ev.filing.indicators["proj1"] if i.weight_key and i.score_key)
    slots = ev.filing.slots
    target, actual, score = (slots[row.score_key.rsplit(".", 1)[0] + f".{k}"] for k in ("target", "actual", "score"))
    wb = openpyxl.load_workbook(path)
    ws = wb[target.sheet]
    ws[target.cell].value = "100%"
    ws[actual.cell].value = "63.99%"
    ws[score.cell].value = None
    ws.cell(row=row.row, column=ws[target.cell].column - 1).value = name  # 三级指标, left of 年度指标值
    wb.save(tmp_path / "方向.xlsx")
    after = api.evaluate(tmp_path / "方向.xlsx")
    got = after.completion.shown(row.score_key)
    w = Decimal(str(after.completion.shown(row.weight_key)))
    assert got == (w if full else (w * Decimal("0.6399")).quantize(Decimal("0.01")))
    assert ("视为不高于" in after.completion.results[row.score_key].explain) is full


def test_the_hubei_scheme_is_used_for_hubei_forms(tmp_path):
    """湖北 scores 部分达成 from 50% of the 分值 (national: 60%): 5.5 of 10 passes there, not nationally."""
    path = build("b_project_weighted", tmp_path)
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "部分达成预期指标")
    cell.value = "部分达成"  # a word both schemes read as the band
    ws.cell(row=cell.row, column=cell.column + 2).value = 5.5  # 得分 beside 权重 10
    wb.save(path)
    hubei = api.check(path)
    assert not [f for f in hubei.findings if f.rule == "qualitative-band"]
    national = api.check(path, scheme="national")
    assert [f.rule for f in national.findings if f.rule == "qualitative-band"] == ["qualitative-band"]


def test_a_workbook_mixing_families_scores_each_form_by_its_own_scheme(tmp_path):
    """A 重庆 部门整体 form (national scheme) with a 湖北 project form: the project is scored by the 湖北 scheme
    (部分达成 from 50%), the department form by its own; naming a scheme applies it to both."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.worksheets[0])
    for title, name in (("附件1", "c_department"), ("附件2", "b_project_weighted")):
        [(_, form)] = fx.SHEETS[name]
        form.draw(wb.create_sheet(title))
    ws = wb["附件2"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "部分达成预期指标")
    cell.value = "部分达成"
    ws.cell(row=cell.row, column=cell.column + 2).value = 5.5  # 得分 beside 权重 10: in 湖北's band, not national
    path = tmp_path / "两地表样.xlsx"
    wb.save(path)
    mixed = api.check(path)
    assert [(s.sheet, s.family) for s in mixed.sheets] == [("附件1", "chongqing"), ("附件2", "hubei")]
    assert not [f for f in mixed.findings if f.rule == "qualitative-band"]
    national = api.check(path, scheme="national")
    assert [f.sheet for f in national.findings if f.rule == "qualitative-band"] == ["附件2"]


def test_unrelated_tables_are_refused(tmp_path):
    result = CliRunner().invoke(cli, ["check", str(build("unrelated_tables", tmp_path))])
    assert result.exit_code == 1 and "未识别的表样" in result.output


# ---- the known mistakes of form-families.md and issue 11 -----------------------------------------------
#: mistake fixture → (rule, sheet, cell) that must be among its findings, and the severity
EXPECTED = {
    "c_coefficient_full_on_missed": [("coefficient-missed", "附件1", "H18", "warning")],
    "n_uses_not_adding_up": [("listed-uses", "Sheet1", "F12", "warning")],
    # 湖北 form without 分值 per row: the 分值 implied by the block's printed 40 points
    "b_met_scored_as_product": [
        ("score-times-actual", "Sheet1", "G13", "warning"),
        ("score-times-actual", "Sheet1", "G17", "warning"),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_known_mistake_is_found_at_its_cell(tmp_path, name):
    report = api.check(build(name, tmp_path))
    found = {(f.rule, f.sheet, f.cell, f.severity) for f in report.findings}
    for expected in EXPECTED[name]:
        assert expected in found, (expected, sorted(found))
    cells = {(m.sheet, m.cell) for m in fx.KNOWN_MISTAKES if m.builder is fx.BUILDERS[name]}
    assert {(sheet, cell) for _, sheet, cell, _ in EXPECTED[name]} <= cells  # the cell the fixture made wrong


def test_the_hubei_product_score_and_its_total_name_the_right_values(tmp_path):
    """19.6 = 20 × 98% on a met 98% target: right 20.00; the 总分 that added it up: right 98.98 (the drawing's)."""
    report = api.check(build("b_met_scored_as_product", tmp_path))
    found = {f.cell: f for f in report.findings if f.rule == "score-times-actual"}
    right = {
        m.cell: Decimal(m.correct) for m in fx.KNOWN_MISTAKES if m.builder is fx.BUILDERS["b_met_scored_as_product"]
    }
    assert {cell: f.computed for cell, f in found.items()} == right
    assert "G13" in found["G17"].message
    [block] = [f for f in report.findings if f.rule == "block-points"]  # at the block's title, 40 points
    assert (block.cell, block.stated, block.computed) == ("A10", Decimal("39.60"), Decimal(40))


def test_the_known_mistake_of_the_coefficient_names_the_right_value(tmp_path):
    report = api.check(build("c_coefficient_full_on_missed", tmp_path))
    [finding] = [f for f in report.findings if f.rule == "coefficient-missed"]
    right = next(m for m in fx.KNOWN_MISTAKES if m.cell == "H18")
    assert finding.computed * 100 == Decimal(right.correct)  # 72.74%
    assert "政府采购执行率" in finding.message
