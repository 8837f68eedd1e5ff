"""新增工作表 (an added sheet) as data: the cells, looks, sizes and print setup of 审核结果 and 计算过程.

The sheets perfxlsx adds to the completed workbook are described here and written once, straight into
the output package as sheet XML (package/sheet_xml.py): no spreadsheet library builds them, so adding
them costs what writing their text costs. sheet_style.py lays them out for paper; findings_sheet.py and
writing.py fill them.

A text value is always written as text, even one that starts like a formula (`=SUM(C7:G7)` in 单元格公式
is shown, never worked out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

#: The font of everything perfxlsx writes, forms and added sheets (宋体, SimSun: in Excel and WPS; LibreOffice
#: substitutes a CJK font of the same metrics).
FONT = "宋体"


@dataclass(frozen=True)
class Look:
    """How a cell looks (单元格样式): font size and weight, alignment, border, fill (RGB, or None)."""

    size: float = 9
    bold: bool = False
    horizontal: str | None = None
    vertical: str = "top"
    wrap: bool = True
    border: bool = True
    fill: str | None = None


@dataclass
class AddedSheet:
    """One sheet perfxlsx adds (新增工作表): cells by (row, column), 1-based."""

    name: str
    values: dict[tuple[int, int], object] = field(default_factory=dict)
    looks: dict[tuple[int, int], Look] = field(default_factory=dict)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # number formats other than General
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # a cell's link to a place (`'表'!C5`)
    widths: list[float] = field(default_factory=list)  # column widths in characters, from column A
    heights: dict[int, float] = field(default_factory=dict)  # row heights (pt)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row1, col1, row2, col2)
    auto_filter: tuple[int, int, int, int] | None = None
    orientation: str = "landscape"
    title_rows: tuple[int, int] | None = None  # printed on every page, and frozen above the scroll
    footer: str = ""  # the centre footer, with its &-codes
    max_row: int = 0  # the last row and column put (by put and append)
    max_col: int = 0

    def put(self, row: int, col: int, value: object) -> None:
        """Set one cell's value (None: empty)."""
        if value is None:
            self.values.pop((row, col), None)
        else:
            self.values[(row, col)] = value
        self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)

    def append(self, row: Sequence[object]) -> int:
        """Put `row` below the last row; returns its row number."""
        r = self.max_row + 1
        if not row:
            return r
        values = self.values
        for c, value in enumerate(row, start=1):
            if value is not None:  # a new row: nothing to clear where a value is None
                values[(r, c)] = value
        self.max_row, self.max_col = r, max(self.max_col, len(row))
        return r
