"""The completed sample as LibreOffice sees it: converts, prints one page wide, shows the key figures.

Skipped with a reason when LibreOffice is absent; CI sets PERFXLSX_REQUIRE_LIBREOFFICE=1 and installs
it, which turns the skip into a failure.
"""

from __future__ import annotations

import pytest

from perf_xlsx import api
from tests import lo
from tests.golden import SAMPLE

lo.require()

#: For each form: a label at its left edge and one at its right edge; on a page printed one page wide,
#: whenever the left one shows, the right one shows too.
EDGES = {
    "基础数据表": ("财政供养人员情况", "2022年决算数"),
    "收支情况": ("部门（单位）年度支出和结余情况", "累计结余"),
    "整体支出绩效自评表": ("一级指标", "改进措施"),
    "项目1": ("年度资金总额", "得分"),
}


@pytest.fixture(scope="module")
def pdf_pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lo")
    report = api.fill(SAMPLE, folder)
    return {
        sheet: lo.pages_text(lo.to_pdf(lo.only_sheet(report.output, sheet, folder / f"{sheet}.xlsx"), folder))
        for sheet in EDGES
    }


@pytest.mark.parametrize("sheet", sorted(EDGES))
def test_each_form_prints_one_page_wide(pdf_pages, sheet):
    left, right = EDGES[sheet]
    pages = pdf_pages[sheet]
    assert pages, "转换后没有页面"
    with_left = [p for p in pages if left in p.replace(" ", "")]
    assert with_left, f"PDF 中找不到“{left}”（中文字体缺失时会显示为方框）"
    assert all(right in p.replace(" ", "") for p in with_left)


def test_key_figures_appear_in_the_pdf(pdf_pages):
    text = "".join(pdf_pages["整体支出绩效自评表"]).replace(" ", "")
    for shown in ("87.57%", "95.00", "优", "部门整体支出绩效自评表"):
        assert shown in text
    assert "86.99%" in "".join(pdf_pages["基础数据表"]).replace(" ", "")


# ---- the sheets perfxlsx adds, on paper ----------------------------------------------------------------
ADDED = ("审核结果", "计算过程")


@pytest.fixture(scope="module")
def added_pages(tmp_path_factory):
    """The words of each page of 审核结果 and 计算过程 printed on their own, with their heights."""
    folder = tmp_path_factory.mktemp("lo_added")
    report = api.fill(SAMPLE, folder)
    return {
        sheet: lo.words(lo.to_pdf(lo.only_sheet(report.output, sheet, folder / f"{sheet}.xlsx"), folder))
        for sheet in ADDED
    }


@pytest.fixture(scope="module")
def full_size(tmp_path_factory):
    """The height of words of 9 pt 宋体 printed at 100 % (nothing fitted to the page): CJK and digits."""
    import openpyxl
    from openpyxl.styles import Font

    folder = tmp_path_factory.mktemp("lo_reference")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "参照"
    ws["A1"], ws["B1"] = "审核结果", "2,667.88"
    for cell in (ws["A1"], ws["B1"]):
        cell.font = Font(name="宋体", size=9)
    wb.save(folder / "参照.xlsx")
    [page] = lo.words(lo.to_pdf(folder / "参照.xlsx", folder))
    return min(h for _, h in page)


@pytest.mark.parametrize("sheet", ADDED)
def test_added_sheets_print_at_9_pt(added_pages, full_size, sheet):
    """Every word on every page is at least 8.5 pt high, and as high as 9 pt text printed at full size:
    fitting the sheet to one page wide did not shrink it (it used to print at 3–5 pt). LibreOffice alone
    prints a sheet fitted to width at 98 % when that saves a page (its tdf#103516 nudge): 8.8 pt."""
    pages = added_pages[sheet]
    assert pages and all(pages)
    heights = [(h, w) for page in pages for w, h in page]
    assert min(heights)[0] >= 8.5, min(heights)
    assert min(heights)[0] >= 0.975 * full_size, (min(heights), full_size)


@pytest.mark.parametrize("sheet", ADDED)
def test_added_sheets_have_page_numbers_and_the_header_on_every_page(added_pages, sheet):
    pages = added_pages[sheet]
    texts = ["".join(w for w, _ in page) for page in pages]
    assert "第1页，共" in texts[0]
    for n, text in enumerate(texts, start=1):
        assert f"第{n}页，共{len(pages)}页" in text
        assert "序号" in text and "单位" in text  # the column headers, repeated
    assert not any("###" in text for text in texts)  # every number fits its column


def test_added_sheets_print_one_page_wide(added_pages):
    """The last column shows on every page (nothing printed on pages of its own to the right)."""
    for sheet, last in (("审核结果", "规则编号"), ("计算过程", "处理")):
        assert all(last in "".join(w for w, _ in page) for page in added_pages[sheet]), sheet
