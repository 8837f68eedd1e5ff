"""未保留的内容 (what the output does not keep): named in a 提示, never lost without a word.

The package patcher keeps every part of an .xlsx but a macro project. The other two ways of writing lose
more: an .xls is read as values only (legacy.py), and a package the patcher does not handle is loaded and
saved by openpyxl, which drops what it does not model (pictures without Pillow, shapes, form controls,
customXml, slicers, sheet extensions …). For that fallback the input package is compared with what openpyxl
writes (`lost_parts`): each kind of content the output has less of is named.
"""

from __future__ import annotations

import io
import re
import zipfile

#: Kinds of content by part name (部件类别), as a clerk calls them.
KINDS: tuple[tuple[str, str], ...] = (
    (r"xl/media/", "图片"),
    (r"xl/drawings/drawing[^/]*\.xml$", "图形（图片、形状、图表的位置）"),
    (r"xl/charts/chart[^/]*\.xml$", "图表"),
    (r"xl/chartsheets/", "图表工作表"),
    (r"xl/externalLinks/externalLink[^/]*\.xml$", "外部链接（引用其他工作簿的公式）"),
    (r"xl/comments[^/]*\.xml$|xl/comments/comment[^/]*\.xml$", "批注"),
    (r"xl/threadedComments/|xl/persons/", "新版批注（含回复）"),
    (r"\.vml$", "批注框、表单控件等旧式图形"),
    (r"customXml/", "自定义 XML 数据"),
    (r"docProps/custom\.xml$", "自定义文档属性"),
    (r"xl/pivotTables/|xl/pivotCache/", "数据透视表"),
    (r"xl/tables/", "表格（套用表格格式）"),
    (r"xl/slicers/|xl/slicerCaches/|xl/timelines/|xl/timelineCaches/", "切片器、日程表"),
    (r"xl/ctrlProps/", "表单控件"),
    (r"xl/embeddings/|xl/activeX/", "嵌入对象、ActiveX 控件"),
    (r"xl/vbaProject\.bin$", "宏（VBA 工程）"),
    (r"xl/printerSettings/", "打印机设置"),
    (r"xl/richData/", "单元格中的图片"),
    (r"xl/connections\.xml$|xl/queryTables/", "数据连接、查询"),
    (r"xl/model/", "数据模型"),
    (r"xl/webextensions/", "加载项"),
)
#: Parts every writer writes in its own way (names and numbering change): never counted as lost.
REWRITTEN = re.compile(
    r"(\[Content_Types\]\.xml|(.*/)?_rels/.*\.rels|xl/workbook\.xml|xl/styles\.xml|xl/sharedStrings\.xml"
    r"|xl/theme/.*|xl/worksheets/[^/]*\.xml|xl/calcChain\.xml|docProps/(app|core)\.xml|.*/)$"
)
#: Sheet extensions (<extLst>): x14 data validation on another sheet, sparklines, newer conditional formats.
EXTENSIONS = "工作表的扩展内容（如引用其他表的数据有效性、迷你图、新版条件格式）"
#: What an .xls loses (legacy.py reads values only).
XLS_LOST = "原有的字体、颜色、边框、行高、数字格式、打印区域、公式、批注、图片和数据有效性"


def _kind(name: str) -> str | None:
    return next((label for pattern, label in KINDS if re.search(pattern, name)), None)


def _census(data: bytes) -> tuple[dict[str, int], set[str], int]:
    """(parts of each kind, parts of no known kind, worksheets with an <extLst>) of a package."""
    counts: dict[str, int] = {}
    other: set[str] = set()
    extended = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            name = info.filename
            kind = _kind(name)
            if kind is not None:
                counts[kind] = counts.get(kind, 0) + 1
            elif not REWRITTEN.fullmatch(name):
                other.add(name)
            if re.fullmatch(r"xl/worksheets/[^/]*\.xml", name) and info.file_size < 50 * 1024 * 1024:
                extended += b"extLst" in archive.read(info)
    return counts, other, extended


def lost_parts(before: bytes, after: bytes) -> list[str]:
    """The kinds of content package `before` has more of than package `after` (in Chinese), then the parts
    of no known kind `after` does not have, by name."""
    had, had_other, had_ext = _census(before)
    has, has_other, has_ext = _census(after)
    lost = [label for _, label in KINDS if had.get(label, 0) > has.get(label, 0)]
    if had_ext > has_ext:
        lost.append(EXTENSIONS)
    lost += [f"部件 {name}" for name in sorted(had_other - has_other)]
    return lost


def has_macros(data: bytes) -> bool:
    """Whether a package holds a macro project (vbaProject.bin), which no output keeps."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())
