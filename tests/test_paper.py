"""The sheets perfxlsx adds (审核结果, 计算过程) on paper: clerks print them, check them and stamp them.

Read back from the output of `perfxlsx fill` with openpyxl: A4, one page wide and as many tall as needed, the
header repeated on every page, a page footer, 9 pt text, rows as tall as their text, values as numbers. How
LibreOffice prints them (text really 9 pt, footer on the page) is in test_libreoffice.py.
"""

from __future__ import annotations

import math
import unicodedata

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from perf_xlsx import api
from perf_xlsx.cli import cli
from perf_xlsx.findings_sheet import WIDTHS
from perf_xlsx.sheet_style import WIDE_BLOCKS, lines, page_chars, text_width
from perf_xlsx.writing import WORK_WIDTHS
from tests.golden import SAMPLE
from tests.rule_cases import variant
from tests.sheets import column, header, records

ADDED = ("审核结果", "计算过程")


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    out = tmp_path_factory.mktemp("paper")
    result = CliRunner().invoke(cli, ["fill", str(SAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    [path] = out.glob("*_已填.xlsx")
    return openpyxl.load_workbook(path)


@pytest.mark.parametrize("sheet", ADDED)
def test_prints_on_a4_one_page_wide_with_the_header_on_every_page(output, sheet):
    ws = output[sheet]
    setup = ws.page_setup
    assert int(setup.paperSize) == 9 and setup.orientation == "landscape"  # A4
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0) and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2"  # title and column headers on every page
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws.page_margins.left == ws.page_margins.right == 0.3
    assert ws.freeze_panes == "A3"


@pytest.mark.parametrize("sheet", ADDED)
def test_text_is_9_pt_or_more_and_wraps(output, sheet):
    ws = output[sheet]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                assert cell.font.sz >= 9, cell.coordinate
                assert cell.alignment.wrap_text, cell.coordinate
    assert ws.oddFooter.center.size >= 9


@pytest.mark.parametrize("widths", [WIDTHS, WORK_WIDTHS], ids=ADDED)
def test_columns_fit_the_page_so_nothing_is_shrunk(widths):
    """Fit to one page wide shrinks a sheet wider than the page; these columns are not (counted at 8 px a
    character, the widest default font a workbook is likely to have)."""
    assert sum(widths) <= page_chars(len(widths), "landscape")


@pytest.mark.parametrize("sheet", ADDED)
def test_the_written_columns_fit_the_page_too(output, sheet):
    ws = output[sheet]
    widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, ws.max_column + 1)]
    assert sum(widths) <= page_chars(len(widths), "landscape")


def test_display_width_counts_cjk_twice():
    assert text_width("abc") == 3 and text_width("收支情况") == 8 and text_width("（F17）") == 7
    assert lines("收支情况", 8) == 1 and lines("收支情况收", 8) == 2 and lines("一\n二", 20) == 2
    assert lines(2667.88, 4) == 1  # a number never wraps
    assert lines("审核结果", 8, size=18) == 2  # twice the size, twice the width


def _needed_lines(value, width: float) -> int:
    """Lines a cell's text needs at the least: CJK characters 12 px wide in a column of 7 px characters."""
    if not isinstance(value, str):
        return 1
    total = 0
    for part in value.split("\n"):
        px = sum(12 if unicodedata.east_asian_width(ch) in ("W", "F") else 5 for ch in part)
        total += max(1, math.ceil(px / (width * 7 + 5)))
    return total


@pytest.mark.parametrize("sheet", ADDED)
def test_rows_are_as_tall_as_their_text(output, sheet):
    """Neither Excel nor LibreOffice grows the rows of a file it opens: each row is set tall enough for its
    wrapped text (a line of 9 pt text is at least 11 pt), and a one-line row is no taller than two lines."""
    ws = output[sheet]
    widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, ws.max_column + 1)]
    seen = set()
    for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        needed = max(_needed_lines(v, w) for v, w in zip(row, widths, strict=True))
        estimated = max(lines(v, w) for v, w in zip(row, widths, strict=True))
        height = ws.row_dimensions[r].height
        assert height is not None and height >= 11 * needed, (r, row)
        if estimated == 1:
            assert height < 2 * 11, (r, row)
        seen.add(estimated)
    assert len(seen) >= 3  # rows of different heights: set from their content, not one height for all


def test_the_rule_name_comes_before_its_id(output):
    names = header(output["审核结果"])
    assert names.index("规则名称") < names.index("规则编号") and names[-1] == "规则编号"
    assert names.index("严重程度") < names.index("规则名称") < names.index("表")


def test_amounts_rates_and_scores_are_numbers(output):
    """The values of 审核结果 are numbers rounded as the forms show them, the unit on the row."""
    rows = {r["规则编号"]: r for r in records(output["审核结果"])}
    projects = rows["projects-vs-spending"]  # 2,145.372398 万元 of project forms vs 2,667.88 万元
    assert (projects["填报值"], projects["计算值"], projects["差额"]) == (2667.88, 2145.37, -522.51)
    assert projects["允许误差"] == 0.015 and projects["单位"] == "万元"  # a tolerance is exact
    gap = rows["spending-rate-gap"]
    assert (gap["填报值"], gap["计算值"], gap["差额"], gap["单位"]) == (0.8757, 0.8077, 0.068, None)
    score = rows["stated-score"]
    assert (score["填报值"], score["计算值"], score["单位"]) == (8, 8.76, "分")
    ws = output["审核结果"]
    formats = {}
    for r, row in enumerate(records(ws), start=3):
        for name in ("填报值", "计算值", "差额", "允许误差"):
            cell = ws.cell(row=r, column=column(ws, name))
            assert not isinstance(cell.value, str), (row["规则编号"], name, cell.value)  # no “2,145.37万元” text
            if cell.value is not None:
                formats.setdefault(row["单位"], set()).add(cell.number_format)
    assert formats == {"万元": {"#,##0.00", "#,##0.00##"}, None: {"0.00%"}, "分": {"0.00"}}


def test_work_sheet_values_are_numbers(output):
    ws = output["计算过程"]
    rows = records(ws)
    staff = next(r for r in rows if r["项目"] == "在职人员控制率")
    assert staff["计算值"] == 0.8699 and staff["单位"] is None
    income = next(r for r in rows if r["位置"] == "收支情况!B6")  # 收入合计 of the 汇总 row
    assert (income["计算值"], income["表中填报值"], income["单位"]) == (10246.65, 10246.65, "万元")
    subtotal = next(r for r in rows if r["项目"] == "得分小计：产出指标")
    assert isinstance(subtotal["计算值"], int | float) and subtotal["单位"] == "分"
    grade = next(r for r in rows if r["项目"] == "评价等次")
    assert grade["计算值"] == "优"  # text stays text
    for r, row in enumerate(rows, start=3):
        for name in ("计算值", "表中填报值"):
            cell = ws.cell(row=r, column=column(ws, name))
            if isinstance(cell.value, float | int):
                assert cell.number_format in ("#,##0.00", "0.00%", "0.00", "0"), (row, cell.number_format)
                assert round(cell.value, 4) == cell.value


def test_notes_of_an_output_with_the_old_column_order_are_carried_over(tmp_path):
    """说明 are found by the column's header: an output written before 规则名称 moved ahead of 规则编号
    gives its notes to the next run all the same."""
    path = variant(tmp_path, {"ie.income.1.total": 6096.32})
    out = tmp_path / "out"
    first = api.fill(path, out)
    wb = openpyxl.load_workbook(first.output)
    ws = wb["审核结果"]
    old = ["序号", "严重程度", "规则编号", "规则名称", "表", "单元格", "项目", "填报值", "计算值", "差额"]
    old += ["允许误差", "公式（代入数值）", "说明"]
    rows = records(ws)
    ws.delete_rows(2, ws.max_row)
    ws.append(old)
    for row in rows:
        ws.append([row.get(name) for name in old])
    at = next(i for i, r in enumerate(rows, start=3) if r["规则编号"] == "income-total")
    ws.cell(row=at, column=old.index("说明") + 1, value="代收款，已与财政核实")
    wb.save(first.output)
    second = api.fill(path, out)
    assert [f.note for f in second.findings if f.rule == "income-total"] == ["代收款，已与财政核实"]
    kept = records(openpyxl.load_workbook(second.output)["审核结果"])
    assert [r["说明"] for r in kept if r["规则编号"] == "income-total"] == ["代收款，已与财政核实"]


def test_display_width_is_the_east_asian_width_of_every_character():
    """text_width counts the common CJK blocks with one pattern (sheet_style.WIDE_BLOCKS): the same count as
    looking up every character, for text from every plane."""
    import random

    def one_by_one(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1 for ch in text)

    pick = random.Random(12)
    ranges = [(0, 0x80), (0x80, 0x3000), (0x3000, 0x30000), (0, 0x110000)]
    for _ in range(5000):
        text = "".join(chr(pick.randrange(*pick.choice(ranges))) for _ in range(pick.randrange(0, 16)))
        assert text_width(text) == one_by_one(text), text
    blocks = [chr(c) for c in range(0x10000) if WIDE_BLOCKS.fullmatch(chr(c))]
    assert len(blocks) > 40000 and all(unicodedata.east_asian_width(ch) in ("W", "F", "A") for ch in blocks)
