"""The completed workbook as a clerk uses it: its derived cells hold live formulas with cached values, which
LibreOffice, recalculating every formula, reproduces to the displayed decimals; and a re-run on the output
after the clerk edited an input recomputes what perfxlsx filled, keeps the clerk's 说明, and is named
from the original file."""

from __future__ import annotations

import os
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from perf_xlsx.package import CellWrite, WorkbookPackage
from tests import families, live, lo
from tests.golden import SAMPLE

CENT = Decimal("0.01")


def formula_cells(path: Path) -> dict[tuple[str, str], tuple[str, object, str]]:
    """(sheet, cell) → (formula, cached value, number format) of every formula cell of the official sheets."""
    formulas, cached = openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ws in formulas.worksheets:
        if ws.title in ("审核结果", "计算过程"):
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    out[(ws.title, cell.coordinate)] = (
                        cell.value,
                        cached[ws.title][cell.coordinate].value,
                        cell.number_format,
                    )
    return out


def shown(value: object, number_format: str) -> object:
    """A value as its cell displays it: a percentage to 0.01%, other numbers to 0.01, text as it is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = Decimal(repr(value)) * (100 if "%" in number_format else 1)
        return number.quantize(CENT, ROUND_HALF_UP)
    return value


def test_derived_cells_hold_a_formula_and_the_computed_value(tmp_path):
    report = api.fill(SAMPLE, tmp_path)
    cells = formula_cells(report.output)
    assert cells[("整体支出绩效自评表", "H5")][0] == '=IF(OR(E5="",N(D5)=0),"",E5/D5)'
    assert shown(cells[("整体支出绩效自评表", "H5")][1], "0.00%") == Decimal("87.57")
    assert shown(cells[("基础数据表", "E5")][1], "0.00%") == Decimal("86.99")
    plain = api.fill(SAMPLE, tmp_path / "values", values=True)
    assert formula_cells(plain.output) == {}  # --values: plain values everywhere


needs_lo = pytest.mark.skipif(
    lo.soffice() is None and os.environ.get("PERFXLSX_REQUIRE_LIBREOFFICE") != "1",
    reason="LibreOffice 未安装（apt-get install libreoffice-calc-nogui）",
)


@needs_lo
def test_libreoffice_recalculating_every_formula_shows_the_cached_values(tmp_path):
    """The sample as filed, the sample with every derived cell cleared (so every kind is filled), and two
    other families, completed by fill; LibreOffice recalculates all formulas on load and saves again."""
    inputs = [
        SAMPLE,
        live.blanked(SAMPLE, tmp_path / "空白计算项.xlsx"),
        live.blanked(families.BUILDERS["c_department"](tmp_path), tmp_path / "重庆.xlsx"),
        live.blanked(families.BUILDERS["b_project_weighted"](tmp_path), tmp_path / "湖北.xlsx"),
    ]
    outputs = [api.fill(path, tmp_path / "已填" / path.stem).output for path in inputs]
    recalculated = lo.recalculated(outputs, tmp_path / "重算")
    checked = 0
    for ours, theirs in zip(outputs, recalculated, strict=True):
        before, after = formula_cells(ours), formula_cells(theirs)
        assert before, ours.name
        for where, (formula, value, number_format) in before.items():
            assert shown(after[where][1], number_format) == shown(value, number_format), (ours.name, where, formula)
            checked += 1
    assert checked > 40


def test_a_rerun_on_an_edited_output_recomputes_keeps_notes_and_says_so(tmp_path):
    """The clerk opens 湘西州…_已填.xlsx, corrects 实际在职人数 (127 → 130) and types a 说明 in 审核结果;
    the formulas' cached values are stale (as a program that does not recalculate leaves them). fill on it:
    控制率 is 130/146 = 89.04% (not the stale 86.99%, not kept as typed), no new 错误, the 说明 is kept,
    the output is not named …_已填_已填, and the terminal says it was an earlier output."""
    first = api.fill(SAMPLE, tmp_path / "一")
    book = WorkbookPackage(first.output.read_bytes())
    assert book.write_cells("基础数据表", [CellWrite("C5", 130)]) == [True]
    findings = openpyxl.load_workbook(first.output)["审核结果"]
    header = [c.value for c in findings[2]]
    note_col = header.index("说明") + 1
    note_row = 3
    rule = findings.cell(row=note_row, column=header.index("规则名称") + 1).value
    book.write_cells("审核结果", [CellWrite(f"{openpyxl.utils.get_column_letter(note_col)}{note_row}", "已与财务核实")])
    edited = tmp_path / "改" / first.output.name
    edited.parent.mkdir()
    edited.write_bytes(book.to_bytes())
    stale = openpyxl.load_workbook(edited, data_only=True)["基础数据表"]["E5"].value
    assert round(stale, 4) == 0.8699  # the cached value still the old one

    result = CliRunner().invoke(cli, ["fill", str(edited), "-o", str(tmp_path / "二")])
    assert result.exit_code == 0, result.output
    assert "之前生成的已填工作簿" in result.output
    out = tmp_path / "二" / first.output.name
    assert out.is_file() and not list((tmp_path / "二").glob("*_已填_已填*"))
    cells = formula_cells(out)
    formula, value, _ = cells[("基础数据表", "E5")]
    assert formula.startswith("=IF(") and shown(value, "0.00%") == Decimal("89.04")
    again = openpyxl.load_workbook(out)["审核结果"]
    header = [c.value for c in again[2]]
    rows = list(again.iter_rows(min_row=3, values_only=True))
    noted = [r for r in rows if r[header.index("说明")] == "已与财务核实"]
    assert [r[header.index("规则名称")] for r in noted] == [rule]
    assert api.check(out).counts["error"] == first.counts["error"] == 0


def test_a_rerun_recomputes_the_plain_values_it_filled_and_keeps_the_clerks(tmp_path):
    """With --values every filled cell is a plain number (as a score read from an indicator's text always is):
    on a re-run they are recognised by the earlier output's 计算过程 and recomputed after the clerk edits an
    input (127 → 130 在职: 控制率 89.04%, not the stale 86.99% kept as typed), while a filled cell the clerk
    typed over (预算执行率 set by hand) is the clerk's: kept and checked."""
    first = api.fill(SAMPLE, tmp_path / "一", values=True)
    assert not formula_cells(first.output)  # nothing but values
    rate_cell = next(r for r in first.filled if r.startswith("基础数据表!E"))  # a filled rate of 基础数据表
    book = WorkbookPackage(first.output.read_bytes())
    assert book.write_cells("基础数据表", [CellWrite("C5", 130)]) == [True]
    edited = tmp_path / "改" / first.output.name
    edited.parent.mkdir()
    edited.write_bytes(book.to_bytes())

    again = api.fill(edited, tmp_path / "二", values=True)
    assert again.earlier_output and again.counts["error"] == 0
    out = openpyxl.load_workbook(again.output)
    assert shown(out["基础数据表"]["E5"].value, "0.00%") == Decimal("89.04")
    assert "基础数据表!E5" in again.filled and rate_cell in again.filled
    work = out["计算过程"]
    header = [c.value for c in work[2]]
    status = {r[header.index("位置")]: r[header.index("处理")] for r in work.iter_rows(min_row=3, values_only=True)}
    assert status["基础数据表!E5"].startswith("已重新计算并填入")

    typed = WorkbookPackage(again.output.read_bytes())  # the clerk types 0.9 over the filled 控制率
    assert typed.write_cells("基础数据表", [CellWrite("E5", 0.9)]) == [True]
    edited.write_bytes(typed.to_bytes())
    third = api.fill(edited, tmp_path / "三", values=True)
    assert "基础数据表!E5" not in third.filled  # the clerk's number is kept …
    assert any(
        f.sheet == "基础数据表" and f.cell == "E5" and f.severity == "error" for f in third.findings
    )  # … and checked
