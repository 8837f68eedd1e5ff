"""The 自评报告 draft in a real client: LibreOffice opens the .docx and converts it to PDF, Chinese intact.

Skipped with a reason when LibreOffice is absent; CI sets PERFXLSX_REQUIRE_LIBREOFFICE=1 and installs it
(libreoffice-writer-nogui for .docx), which turns the skip into a failure.
"""

from __future__ import annotations

from perf_xlsx import api
from tests import lo
from tests.golden import SAMPLE

lo.require("libreoffice-writer-nogui")


def test_the_draft_converts_to_pdf_with_its_chinese_text(tmp_path):
    draft = api.report(SAMPLE, tmp_path).draft
    pages = [page.replace(" ", "") for page in lo.pages_text(lo.to_pdf(draft, tmp_path))]
    assert len(pages) >= 3
    assert "部门整体支出绩效自评报告" in pages[0] and "单位名称（盖章）：湘西自治州人民政府办公室" in pages[0]
    text = "".join(pages)
    for shown in ("收入合计10,246.65万元", "预算执行率87.57%", "较上年减少23.56%", "总绩效为95分", "【待填写："):
        assert shown in text
