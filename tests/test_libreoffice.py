"""The completed sample as LibreOffice sees it: converts, prints one page wide, shows the key figures.

Skipped with a reason when LibreOffice is absent; CI sets PERFXLSX_REQUIRE_LIBREOFFICE=1 and installs
it, which turns the skip into a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest

from perf_xlsx import api
from tests import lo
from tests.golden import SAMPLE

if lo.soffice() is None or shutil.which("pdftotext") is None:
    if os.environ.get("PERFXLSX_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("LibreOffice/pdftotext 未安装，而 PERFXLSX_REQUIRE_LIBREOFFICE=1 要求运行这些测试", pytrace=False)
    pytest.skip(
        "LibreOffice 未安装（apt-get install libreoffice-calc-nogui poppler-utils fonts-wqy-zenhei）",
        allow_module_level=True,
    )

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
