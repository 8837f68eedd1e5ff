"""样式表追加 (styles.xml, appended to): cell formats copied with a number format or a fill, and the
formats of the sheets perfxlsx adds.

The input's styles stay as they are, index for index: new fonts, fills, borders, number formats and
cell formats (xf) go at the end of their lists, so every `s` in the input's sheets keeps meaning the
same. A copy made once is reused (one xf per original xf and number format, or fill).
"""

from __future__ import annotations

import re

from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_REVERSE

from ..added_sheet import FONT, Look
from . import xmltext as X
from .parts import Unsupported

#: styleSheet's children in the schema's order.
ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
FIRST_CUSTOM = 164  # number formats below are built in


class StyleSheet:
    """styles.xml as text (样式表), with what is appended to it kept apart until render()."""

    def __init__(self, text: str):
        self.text = text
        self.root = X.root(text)
        self.prefix = self.root.prefix
        self.sections = {e.name: e for e in X.children(text, self.root)}
        if "cellXfs" not in self.sections:
            raise Unsupported("styles.xml 没有 cellXfs")
        self.items = {name: self._items(name) for name in ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs")}
        self.formats = {}  # numFmtId → code
        for element in self._items("numFmts"):
            tag = element.tag(text)
            if X.attr(tag, "numFmtId") is not None:
                self.formats[int(X.attr(tag, "numFmtId") or 0)] = X.attr(tag, "formatCode") or ""
        self.new: dict[str, list[str]] = {
            name: [] for name in ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs")
        }
        self._copies: dict[tuple, int] = {}

    def _items(self, section: str) -> list[X.Element]:
        element = self.sections.get(section)
        return [] if element is None or element.empty else X.children(self.text, element)

    def count(self, section: str) -> int:
        return len(self.items[section]) + len(self.new[section])

    def _xf(self, index: int) -> str:
        """The XML of cell format `index` (an appended one included); an index beyond the list is xf 0."""
        xfs = self.items["cellXfs"]
        if 0 <= index < len(xfs):
            return self.text[xfs[index].start : xfs[index].end]
        if 0 <= index - len(xfs) < len(self.new["cellXfs"]):
            return self.new["cellXfs"][index - len(xfs)]
        return self._xf(0) if xfs else f'<{self.prefix}xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" />'

    def number_format(self, index: int) -> str:
        """The number format code of cell format `index` (数字格式), as openpyxl names it ("General"…)."""
        number = int(X.attr(_start_tag(self._xf(index)), "numFmtId") or 0)
        if number < FIRST_CUSTOM:
            return BUILTIN_FORMATS.get(number, "General")
        return self.formats.get(number, "General")

    def _format_id(self, code: str) -> int:
        """The id of number format `code`: built in, already defined, or appended."""
        if code in BUILTIN_FORMATS_REVERSE:
            return BUILTIN_FORMATS_REVERSE[code]
        for number, existing in self.formats.items():
            if existing == code and number >= FIRST_CUSTOM:
                return number
        number = max([FIRST_CUSTOM - 1, *self.formats]) + 1
        self.formats[number] = code
        self.new["numFmts"].append(f'<numFmt numFmtId="{number}" formatCode="{X.escape(code, True)}" />')
        return number

    def _append_xf(self, xml: str) -> int:
        self.new["cellXfs"].append(xml)
        return self.count("cellXfs") - 1

    def with_number_format(self, index: int, code: str) -> int:
        """A cell format like `index` but showing numbers as `code` (a copy appended once)."""
        key = ("numFmt", index, code)
        if key not in self._copies:
            xml = _with_attrs(self._xf(index), numFmtId=str(self._format_id(code)), applyNumberFormat="1")
            self._copies[key] = self._append_xf(xml)
        return self._copies[key]

    def with_fill(self, index: int, rgb: str) -> int:
        """A cell format like `index` with a solid fill of colour `rgb` (审核标注, --mark)."""
        key = ("fill", index, rgb)
        if key not in self._copies:
            fill = self._fill_id(rgb)
            self._copies[key] = self._append_xf(_with_attrs(self._xf(index), fillId=str(fill), applyFill="1"))
        return self._copies[key]

    def _fill_id(self, rgb: str) -> int:
        """A solid fill of colour `rgb` (one written alike, an earlier run's, is reused)."""
        key = ("solid", rgb)
        if key not in self._copies:
            self._copies[key] = self._index_of(
                "fills",
                f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb[-6:]}" />'
                '<bgColor indexed="64" /></patternFill></fill>',
            )
        return self._copies[key]

    def look_xf(self, look: Look | None, number_format: str = "General") -> int:
        """The cell format of an added sheet's cell (新增工作表的单元格格式): its look and number format, each
        font, fill, border and format appended once (an earlier run's, written alike, reused). No look and
        General: 0, the workbook's default."""
        if look is None and number_format == "General":
            return 0
        key = ("look", look, number_format)
        if key not in self._copies:
            self._copies[key] = self._index_of("cellXfs", self._look_xml(look or Look(), number_format))
        return self._copies[key]

    def _look_xml(self, look: Look, number_format: str) -> str:
        bold = "<b />" if look.bold else ""
        font = self._index_of(
            "fonts", f'<font>{bold}<sz val="{look.size:g}" /><name val="{X.escape(FONT, True)}" /></font>'
        )
        fill = self._fill_id(look.fill) if look.fill else 0
        border = 0
        if look.border:
            sides = "".join(
                f'<{side} style="thin"><color rgb="FF000000" /></{side}>' for side in ("left", "right", "top", "bottom")
            )
            border = self._index_of("borders", f"<border>{sides}<diagonal /></border>")
        number = self._format_id(number_format)
        horizontal = f' horizontal="{look.horizontal}"' if look.horizontal else ""
        wrap = ' wrapText="1"' if look.wrap else ""
        return (
            f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
            ' applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">'
            f'<alignment{horizontal} vertical="{look.vertical}"{wrap} /></xf>'
        )

    def _index_of(self, section: str, xml: str) -> int:
        """The index of an entry written exactly as `xml` (an earlier run's), appended if there is none."""
        xml = X.with_prefix(xml, self.prefix)
        for index, element in enumerate(self.items[section]):
            if self.text[element.start : element.end] == xml:
                return index
        if xml in self.new[section]:
            return len(self.items[section]) + self.new[section].index(xml)
        self.new[section].append(xml)
        return self.count(section) - 1

    def changed(self) -> bool:
        return any(self.new.values())

    def render(self) -> str:
        """styles.xml with the appended entries (counts updated, missing sections created in order)."""
        text = self.text
        edits = []
        for name in ("numFmts", "fonts", "fills", "borders", "cellXfs", "dxfs"):
            added = "".join(X.with_prefix(xml, self.prefix) for xml in self.new[name])
            if not added:
                continue
            element = self.sections.get(name)
            total = self.count(name)
            if element is None:
                at = X.insert_before(text, self.root, ORDER[ORDER.index(name) + 1 :])
                xml = X.with_prefix(f'<{name} count="{total}">', self.prefix) + added
                edits.append((at, at, xml + f"</{self.prefix}{name}>"))
                continue
            tag = X.set_attr(element.tag(text), "count", str(total))
            if element.empty:
                tag = re.sub(r"\s*/>$", ">", tag)
                edits.append((element.start, element.end, tag + added + f"</{self.prefix}{name}>"))
            else:
                edits.append((element.start, element.open_end, tag))
                edits.append((element.close_start, element.close_start, added))
        return X.splice(text, edits)


def _start_tag(xml: str) -> str:
    return xml[: xml.index(">") + 1]


def _with_attrs(xml: str, **values: str) -> str:
    """An element's XML with attributes of its start tag set."""
    tag = _start_tag(xml)
    new = tag
    for name, value in values.items():
        new = X.set_attr(new, name, value)
    return new + xml[len(tag) :]
