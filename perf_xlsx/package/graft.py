"""新增工作表嫁接 (grafting the added sheets): a sheet part written by openpyxl, made fit for the input.

The sheets perfxlsx adds (审核结果, 计算过程) are built by the existing openpyxl code on a scratch
Workbook() and saved to bytes (see book.WorkbookPackage.add_sheets). Each sheet part then needs three
changes before it joins the input's package: shared strings become inline strings (the input's
sharedStrings.xml is left alone), its style indices are renumbered into the input's styles.xml (where the
scratch workbook's styles are appended), and it is not a selected tab.
"""

from __future__ import annotations

import re

from . import xmltext as X
from .parts import Package

_CELL = re.compile(r"<c\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/>|>(.*?)</c>)", re.S)
#: A style index in a start tag: `s` of cells and rows, `style` of columns (cell formats, xf), `dxfId` of
#: conditional formats (differential formats, dxf).
_STYLED = re.compile(
    r"(?P<head><(?:c|row)\b[^>]*?\ss=\"|<col\b[^>]*?\sstyle=\"|<cfRule\b[^>]*?\sdxfId=\")(?P<index>\d+)\""
)


def shared_strings(pkg: Package) -> list[str]:
    """The inner XML of each shared string (<si>), if the workbook has any."""
    name = "xl/sharedStrings.xml"
    if not pkg.exists(name):
        return []
    text = pkg.text(name)
    return [e.inner(text) for e in X.children(text, X.root(text)) if e.name == "si"]


def inlined(xml: str, strings: list[str]) -> str:
    """Shared-string cells (t="s") as inline strings (t="inlineStr")."""
    if not strings:
        return xml

    def one(match: re.Match[str]) -> str:
        tag = f"<c{match.group(1)}>"
        if X.attr(tag, "t") != "s" or match.group(3) is None:
            return match.group(0)
        index = re.search(r"<v>\s*(\d+)\s*</v>", match.group(3))
        text = strings[int(index.group(1))] if index else ""
        return f"{X.set_attr(tag, 't', 'inlineStr')}<is>{text}</is></c>"

    return _CELL.sub(one, xml)


def restyled(xml: str, xfs: list[int], dxfs: list[int]) -> str:
    """Style indices as the input's styles.xml numbers them (StyleSheet.append_stylesheet): `s` of cells
    and rows, `style` of columns, `dxfId` of conditional formats."""

    def shift(match: re.Match[str]) -> str:
        head, index = match.group("head"), int(match.group("index"))
        mapping = dxfs if head.startswith("<cfRule") else xfs
        return f'{head}{mapping[index] if index < len(mapping) else 0}"'

    return _STYLED.sub(shift, xml)


def unselected(xml: str) -> str:
    """Not a selected tab: the input's selected sheet stays the one shown (two selected tabs open as a
    group, and typing would go into both)."""
    return re.sub(r"""\stabSelected\s*=\s*("1"|'1'|"true"|'true')""", "", xml)
