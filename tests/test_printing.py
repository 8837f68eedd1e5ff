"""The official forms print like official forms (打印): A4, one page wide, the 自评表 on one page where its
text stays ≥ 9 pt, pages breaking between tables and never inside one, page numbers, signature lines,
nothing naming the tool, and the unit's own level in the labels. Planned in perf_xlsx/printing.py from
the layouts' `[print]` data; the LibreOffice tests print the sample as a clerk would."""

from __future__ import annotations

import os
import shutil
import subprocess

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx import api, printing
from perf_xlsx.cli import cli
from perf_xlsx.layout import load_layout
from perf_xlsx.template import Content, build, unit_level
from tests import lo
from tests.golden import SAMPLE

OFFICIAL = ("基础数据表", "收支情况", "整体支出绩效自评表", "项目1")


def text_size(ws) -> float:
    """The body text size as printed: the layout's font size × the sheet's print scale."""
    kind = {"基础数据表": "basic", "收支情况": "income_expenditure", "整体支出绩效自评表": "department_form"}
    layout = load_layout(kind.get(ws.title, "project_form"))
    size = float((layout.get("print") or {}).get("font_size", 10))
    if ws.sheet_properties.pageSetUpPr.fitToPage:  # fitted to one page: the plan's own scale
        heights = sum(printing.row_height(ws, r) for r in range(1, ws.max_row + 1))
        width, height = printing.printable(ws.page_setup.orientation)
        scale = min(1.0, width / (printing.sheet_width(ws, ws.max_column) * printing.WIDTH_SAFETY), height / heights)
        return size * scale
    return size * ws.page_setup.scale / 100


@pytest.fixture(scope="module")
def sample_book():
    return openpyxl.load_workbook(SAMPLE)


@pytest.mark.parametrize("sheet", OFFICIAL)
def test_every_form_prints_a4_with_page_numbers_and_legible_text(sample_book, sheet):
    ws = sample_book[sheet]
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert text_size(ws) >= 9
    assert ws.print_title_rows  # the title rows repeat on every page


def test_the_department_form_fits_on_one_page(sample_book):
    ws = sample_book["整体支出绩效自评表"]
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 1
    assert not ws.row_breaks.brk


def test_pages_break_between_tables_never_inside_one(tmp_path):
    """收支情况 of a unit with 25 institutions: four tables too long for one page; every manual break falls
    right after a table's last row, so each table starts a page with its title and header."""
    content = Content(year=2023, unit="某某县教育局", institutions=["汇总"] + [f"{n}、某某学校" for n in range(1, 25)])
    ws = build(content)["收支情况"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks, "four tables of 25 rows fit on no single A4 page"
    titles = [c.row for c in ws["A"] if isinstance(c.value, str) and c.value.endswith("（万元）")]
    assert all(b + 1 in titles for b in breaks)  # each break is followed by a table's title row


def test_a_form_too_long_for_one_page_breaks_between_indicator_blocks(tmp_path):
    many = [
        {"level1": name, "rows": [{"level2": "指标", "level3": f"指标{i}", "target": "完成" * 40} for i in range(8)]}
        for name in ("产出指标", "效益指标", "满意度指标")
    ]
    ws = build(Content(year=2023, unit="某某局", department_indicators=many))["整体支出绩效自评表"]
    assert not ws.sheet_properties.pageSetUpPr.fitToPage  # at ≥ 9 pt it cannot fit: pages, not tiny text
    assert text_size(ws) >= 9
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) >= 2
    for merged in ws.merged_cells.ranges:  # no block (一级指标, 年度总体目标 …) runs across a break
        assert not any(merged.min_row <= b < merged.max_row for b in breaks), (merged.coord, breaks)
    level1 = {c.row for c in ws["A"] if c.value in ("效益指标", "满意度指标")}
    assert level1 & {b + 1 for b in breaks}  # the indicator table breaks between its blocks


def test_official_sheets_name_no_tool_and_carry_no_review_fills(tmp_path):
    wb = build(Content(year=2023, unit="某某局"))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert "perfxlsx" not in str(cell.value or "").lower(), (ws.title, cell.coordinate)
                fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type else None
                assert fill in (None, "00F2F2F2"), (ws.title, cell.coordinate, fill)  # only the grey header


@pytest.mark.parametrize("sheet", ["整体支出绩效自评表", "项目1"])
def test_the_forms_carry_signature_date_and_stamp_lines(sheet):
    ws = build(Content(year=2023, unit="某某局"))[sheet]
    texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value}
    for label in ("填表人：", "联系电话：", "填报日期：", "单位负责人（签字）：", "单位（盖章）："):
        assert label in texts


@pytest.mark.parametrize(
    ("unit", "level", "label"),
    [
        ("某某局", None, "预算部门名称"),
        ("泸溪县教育局", None, "县级预算部门名称"),
        ("长沙市岳麓区民政局", None, "区级预算部门名称"),
        ("湘西自治州人民政府办公室", None, "州级预算部门名称"),
        ("某某局", "市级", "市级预算部门名称"),
    ],
)
def test_the_template_uses_the_units_own_level(tmp_path, unit, level, label):
    args = ["template", "-o", str(tmp_path / "表.xlsx"), "--unit", unit, "--year", "2023"] + (
        ["--level", level] if level else []
    )
    assert CliRunner().invoke(cli, args).exit_code == 0
    ws = openpyxl.load_workbook(tmp_path / "表.xlsx")["整体支出绩效自评表"]
    assert ws["A3"].value == label
    if level is None:
        assert unit_level(unit) == label.removesuffix("预算部门名称")
    assert api.check(tmp_path / "表.xlsx").unit == unit  # the reader still finds the unit by that label


# ---- in LibreOffice, as printed ---------------------------------------------------------------------
needs_lo = pytest.mark.skipif(
    (lo.soffice() is None or shutil.which("pdftotext") is None)
    and os.environ.get("PERFXLSX_REQUIRE_LIBREOFFICE") != "1",
    reason="LibreOffice 未安装（apt-get install libreoffice-calc-nogui poppler-utils fonts-wqy-zenhei fonts-crosextra-carlito）",
)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("print")
    report = api.fill(SAMPLE, folder)
    out = {}
    for sheet in ("整体支出绩效自评表", "收支情况"):
        pdf = lo.to_pdf(lo.only_sheet(report.output, sheet, folder / f"{sheet}.xlsx"), folder)
        out[sheet] = (pdf, lo.pages_text(pdf))
    return out


@needs_lo
def test_the_completed_department_form_prints_on_one_page_at_legible_size(printed):
    pdf, pages = printed["整体支出绩效自评表"]
    assert len(pages) == 1
    squashed = pages[0].replace(" ", "")
    assert "第1页，共1页" in squashed and "单位负责人（签字）" in squashed and "评价等次" in squashed
    words = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    heights = [
        float(w.split('yMax="')[1].split('"')[0]) - float(w.split('yMin="')[1].split('"')[0])
        for w in words.split("<word ")[1:]
    ]
    assert heights and min(heights) >= 8.5  # glyph boxes of the smallest text, in points


@needs_lo
def test_no_income_table_is_split_from_its_header(printed):
    """On each page, every table that starts there also ends there: as many titles (…（万元）) as header
    rows (机构名称), as summary rows, as last institution rows."""
    _, pages = printed["收支情况"]
    assert len(pages) >= 2
    for page in pages:
        squashed = page.replace(" ", "")
        assert "页，共" in squashed
        titles = squashed.count("（万元）\n")
        assert titles >= 1
        assert squashed.count("机构名称") == titles
        assert squashed.count("州政府办本级及二级机构汇总") == titles
        assert squashed.count("5、二级机构4：州政府驻深圳办事处") == titles
