"""与上年配对 in folder runs: `fill DIR --last-year DIR2` pairs by unit, lists what it cannot pair, and adds the
与上年比较 sheet to 汇总.xlsx."""

from __future__ import annotations

import shutil
from decimal import Decimal

import openpyxl
from click.testing import CliRunner

from perf_xlsx.cli import cli
from perf_xlsx.pairing import Identity, pair
from samples.build_sample import SAMPLE
from tests.last_year import build_2021

OTHER = SAMPLE.parent / "模拟单位_2022_基础数据表.xlsx"


def folders(tmp_path):
    now, before = tmp_path / "2022", tmp_path / "2021"
    now.mkdir()
    before.mkdir()
    shutil.copy(SAMPLE, now / "州政府办.xlsx")
    shutil.copy(OTHER, now / "模拟单位.xlsx")
    build_2021(before / "去年_政府办.xlsx", {"basic.funds.sangong.final": Decimal("338.15")})
    build_2021(before / "撤并单位.xlsx", unit="某已撤并单位")
    return now, before


def test_folder_fill_pairs_by_unit_and_compares_in_the_summary(tmp_path):
    now, before = folders(tmp_path)
    result = CliRunner().invoke(cli, ["fill", str(now), "--last-year", str(before), "--jobs", "1", "-q"])
    assert result.exit_code == 1, result.output  # the 0.02 万元 mismatch is an 错误
    assert "与上年配对：1 个工作簿找到了上年的工作簿" in result.output
    assert "未配对（本年）：模拟单位.xlsx" in result.output
    assert "未配对（上年）：撤并单位.xlsx" in result.output and "某已撤并单位" in result.output
    wb = openpyxl.load_workbook(now / "已生成" / "汇总.xlsx")
    ws = wb["与上年比较"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    mine = next(r for r in rows if r["文件（本年）"] == "州政府办.xlsx")
    assert mine["文件（上年）"] == "去年_政府办.xlsx"
    assert mine["总分（本年）"] == 95 and mine["总分（上年）"] == 92 and mine["总分变动"] == 3
    assert mine["等次（本年）"] == "优" and mine["等次（上年）"] == "优"
    assert mine["预算执行率（本年）"] is not None
    alone = next(r for r in rows if r["文件（本年）"] == "模拟单位.xlsx")
    assert alone["文件（上年）"] is None and "没有单位" in alone["说明"]
    gone = next(r for r in rows if r["文件（上年）"] == "撤并单位.xlsx")
    assert gone["文件（本年）"] is None and gone["单位"] == "某已撤并单位"
    filled = openpyxl.load_workbook(now / "已生成" / "州政府办_已填.xlsx")["审核结果"]
    text = "\n".join(str(c.value) for row in filled.iter_rows() for c in row if c.value is not None)
    assert "去年_政府办.xlsx" in text


def test_folder_check_pairs_too(tmp_path):
    now, before = folders(tmp_path)
    result = CliRunner().invoke(cli, ["check", str(now), "--last-year", str(before)])
    assert "与上年核对（上年文件“去年_政府办.xlsx”）：错误 1" in result.output
    assert "未配对（本年）：模拟单位.xlsx" in result.output


def test_a_folder_with_a_file_last_year_is_a_usage_error(tmp_path):
    now, before = folders(tmp_path)
    result = CliRunner().invoke(cli, ["check", str(now), "--last-year", str(before / "撤并单位.xlsx")])
    assert result.exit_code == 2 and "应是上年的文件夹" in result.output


def test_pairing_by_budget_code_and_never_guessed(tmp_path):
    a = Identity(tmp_path / "a.xlsx", "甲局", "101001")
    renamed = Identity(tmp_path / "old_a.xlsx", "甲局（原乙局）", "101001")
    twin1, twin2 = Identity(tmp_path / "b1.xlsx", "丙局"), Identity(tmp_path / "b2.xlsx", "丙局")
    b = Identity(tmp_path / "b.xlsx", "丙局")
    result = pair([a, b], [renamed, twin1, twin2])
    assert result.pairs == {a.path: renamed.path}
    assert "不止一个" in result.unmatched[b.path]
    assert {o.path for o in result.unmatched_last} == {twin1.path, twin2.path}


def test_a_single_file_finds_its_last_year_in_a_folder(tmp_path):
    now, before = folders(tmp_path)
    result = CliRunner().invoke(cli, ["check", str(now / "州政府办.xlsx"), "--last-year", str(before)])
    assert "与上年核对（上年文件“去年_政府办.xlsx”）：错误 1" in result.output
    assert "未配对（上年）：撤并单位.xlsx" in result.output


def test_the_comparison_prints_across_pages_at_full_size_keeping_each_figure_whole(tmp_path):
    """与上年比较 is too wide for one page: it prints at 100% (not shrunk to one page wide), 单位 repeated on
    every page, pages across first, and every page break falls before a figure's 本年 column, so 本年, 上年
    and 变动 of a figure are on one page; the columns between two breaks fit an A4 landscape page."""
    from perf_xlsx.summary import PAGE_UNITS

    now, before = folders(tmp_path)
    CliRunner().invoke(cli, ["fill", str(now), "--last-year", str(before), "--jobs", "1", "-q"])
    ws = openpyxl.load_workbook(now / "已生成" / "汇总.xlsx")["与上年比较"]
    assert ws.page_setup.scale in (None, 100) and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_cols == "$A:$A" and ws.page_setup.pageOrder == "overThenDown"
    header = [c.value for c in ws[1]]
    breaks = [b.id for b in ws.col_breaks.brk]  # the last column before each break (1-based)
    assert len(breaks) >= 2
    assert all(header[b].endswith("（本年）") or header[b] in ("说明",) for b in breaks)
    # widths as stored (with the column's padding, 5 px, in them); one <col> may span several columns
    widths = [0.0] * len(header)
    for dim in ws.column_dimensions.values():
        for c in range(dim.min, min(dim.max, len(header)) + 1):
            widths[c - 1] = dim.width
    for start, end in zip([1, *breaks], [*breaks, len(header)]):
        assert widths[0] + sum(widths[start:end]) <= PAGE_UNITS
