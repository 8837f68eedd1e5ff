"""单元格写入 (cell writes): values, formulas and review colours spliced into a worksheet part.

Only the <c> elements written change (and a <row> or <c> is created where there was none, in row and
column order); every other byte of the part stays. A cell keeps its style (`s`): where a number format
is asked for and the cell's format shows General, a copy of its format with that number format is
appended to styles.xml and the cell points to it. A cell holding a formula is never written. A cell
inside a merged range is written at the range's top-left cell, as writing.cell_at does.
Rows and cells without an `r` attribute (positional, as some generators write them) are counted.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter
from openpyxl.utils.exceptions import CellCoordinatesException

from . import xmltext as X
from .parts import Unsupported
from .styles import StyleSheet

_ATTRS = r"((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)"
#: Worksheet elements that never hold an element of their own name: found by their end tag alone.
FLAT = frozenset(
    {
        "sheetData",
        "row",
        "sheetPr",
        "sheetViews",
        "cols",
        "mergeCells",
        "conditionalFormatting",
        "dataValidations",
        "hyperlinks",
        "headerFooter",
        "rowBreaks",
        "colBreaks",
    }
)

#: The most rows the merged ranges of a sheet may span in all for them to be indexed by row (Worksheet._ranges_by_row).
MERGE_INDEX_ROWS = 100_000
#: The longest <mergeCells> list remembered (_merge_ranges): a form's few hundred ranges, not a hostile sheet's
#: hundred thousand, which would only hold memory.
MERGES_REMEMBERED_CHARS = 64 * 1024


@dataclass(frozen=True)
class CellWrite:
    """One cell to write (单元格写入): a number, text or bool `value`; with `formula` (without or with its
    leading =) the cell holds the formula and `value` as its cached result. `number_format` is used
    only when the cell's own format is General (today's rule: a clerk's format is kept). A cell holding
    a formula is not written, unless `replace_formula` (the formula perfxlsx wrote on an earlier run)."""

    ref: str
    value: float | int | str | bool | None
    formula: str | None = None
    number_format: str | None = None
    replace_formula: bool = False


@functools.cache
def _start_tag(prefix: str, name: str) -> re.Pattern[str]:
    """The start tag of element `name` with prefix `prefix` (compiled once); group 2 is "/" when empty."""
    return re.compile(rf"<{re.escape(prefix)}{name}\b{_ATTRS}(/?)>", re.S)


@functools.cache
def _cell_element(prefix: str) -> re.Pattern[str]:
    """A whole <c> element with prefix `prefix`: group 1 its attributes, group 2 "/" when empty, else
    group 3 its content (a cell holds no element of its own name)."""
    return re.compile(rf"<{re.escape(prefix)}c\b{_ATTRS}(?:(/)>|>(.*?)</{re.escape(prefix)}c>)", re.S)


@functools.lru_cache(maxsize=1 << 16)
def position(ref: str) -> tuple[int, int]:
    """ "D7" → (7, 4) (remembered: a form's addresses come back in every workbook of a folder)."""
    column, row = coordinate_from_string(ref.replace("$", ""))
    return row, column_index_from_string(column)


def coordinate(row: int, column: int) -> str:
    return f"{get_column_letter(column)}{row}"


def number_text(value: float | int) -> str:
    """A number as openpyxl writes it (%.16g), so the figures in the cells are today's to the last digit."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    return f"{value:.16g}"


@dataclass
class _Row:
    number: int
    start: int
    open_end: int
    close_start: int
    end: int


@dataclass
class _Cell:
    column: int
    start: int
    open_end: int
    end: int


class Worksheet:
    """One worksheet part being edited (工作表部件)."""

    def __init__(self, text: str):
        self.text = text

    @property
    def text(self) -> str:
        """The part's text; setting it (an edit) locates its elements again."""
        return self._text

    @text.setter
    def text(self, text: str) -> None:
        self._text = text
        self._located: tuple[X.Element, dict[str, X.Element]] | None = None

    #: A formula was written over (perfxlsx's own, from an earlier run): the calculation chain is stale.
    formulas_replaced = False

    def _locate(self) -> tuple[X.Element, dict[str, X.Element]]:
        """The sheet's top-level elements in its text, located when first asked for after an edit (most
        sheets are edited once and never looked at again). Merged ranges and column formats are read when
        first asked for: edits change neither."""
        if self._located is None:
            top = X.root(self._text, FLAT)
            self._located = top, {e.name: e for e in reversed(X.children(self._text, top, FLAT))}
        return self._located

    @property
    def top(self) -> X.Element:
        """The <worksheet> element."""
        return self._locate()[0]

    @property
    def prefix(self) -> str:
        """The prefix of the sheet's elements ("x:" or "")."""
        return self._locate()[0].prefix

    @property
    def parts(self) -> dict[str, X.Element]:
        """The top-level elements by local name (the first of a name)."""
        return self._locate()[1]

    @functools.cached_property
    def merges(self) -> list[tuple[int, int, int, int]]:
        """The merged ranges, (first row, first column, last row, last column)."""
        element = self.parts.get("mergeCells")
        if element is None or element.empty:
            return []
        inner = self.text[element.open_end : element.close_start]
        parse = _merge_ranges if len(inner) <= MERGES_REMEMBERED_CHARS else _merge_ranges.__wrapped__
        return list(parse(inner, self.prefix))

    @functools.cached_property
    def column_styles(self) -> list[tuple[int, int, int]]:
        """(first column, last column, cell format) of each <col>."""
        tags = self._child_tags("cols", "col")
        return [(int(X.attr(t, "min") or 0), int(X.attr(t, "max") or 0), int(X.attr(t, "style") or 0)) for t in tags]

    def _child_tags(self, name: str, child: str) -> list[str]:
        """The start tags of the <child> elements of top-level element `name` (the module's _child_tags)."""
        element = self.parts.get(name)
        if element is None or element.empty:
            return []
        return _child_tags(self.text[element.open_end : element.close_start], self.prefix, child)

    # ---- merged cells ----------------------------------------------------------------------------
    @functools.cached_property
    def _ranges_by_row(self) -> dict[int, list[tuple[int, int, int, int]]] | None:
        """Each row a merged range spans → the ranges spanning it, in the part's order; None when they
        span more than MERGE_INDEX_ROWS rows in all (whole-column merges), which are then scanned."""
        if sum(r2 - r1 + 1 for r1, _, r2, _ in self.merges) > MERGE_INDEX_ROWS:
            return None
        by_row: dict[int, list[tuple[int, int, int, int]]] = {}
        for merge in self.merges:
            for row in range(merge[0], merge[2] + 1):
                by_row.setdefault(row, []).append(merge)
        return by_row

    def _holding(self, row: int, column: int) -> list[tuple[int, int, int, int]]:
        """The merged ranges `row`, `column` lies in, in the part's order."""
        by_row = self._ranges_by_row
        spanning = self.merges if by_row is None else by_row.get(row, ())
        return [m for m in spanning if m[0] <= row <= m[2] and m[1] <= column <= m[3]]

    def _covered(self, row: int, column: int) -> bool:
        """Inside a merged range, not its top-left cell (what openpyxl makes a MergedCell)."""
        return any((row, column) != (r1, c1) for r1, c1, _, _ in self._holding(row, column))

    def target(self, ref: str) -> tuple[int, int] | None:
        """The cell written for `ref`: itself, or the top-left cell of the merged range it lies in; None
        in overlapping merged ranges with no such cell (writing.cell_at's rule)."""
        row, column = position(ref)
        if not self._covered(row, column):
            return row, column
        for r1, c1, _, _ in self._holding(row, column):
            if not self._covered(r1, c1):
                return r1, c1
        return None

    # ---- rows and cells --------------------------------------------------------------------------
    def _rows(self, wanted: set[int]) -> tuple[dict[int, _Row], list[_Row]]:
        """The rows numbered in `wanted`, and every row up to the last wanted one (for insertion points)."""
        data = self.parts.get("sheetData")
        if data is None:
            raise Unsupported("工作表没有 sheetData")
        pattern = _start_tag(self.prefix, "row")
        found: dict[int, _Row] = {}
        seen: list[_Row] = []
        number, last = 0, max(wanted)
        pos = data.open_end
        while pos < data.close_start:
            match = pattern.search(self.text, pos, data.close_start)
            if match is None:
                break
            r = X.attr(match.group(0), "r")
            number = int(r) if r else number + 1
            if match.group(2):
                close = end = match.end()
            else:
                close = self.text.index(f"</{self.prefix}row", match.end())
                end = self.text.index(">", close) + 1
            row = _Row(number, match.start(), match.end(), close, end)
            seen.append(row)
            if number in wanted:
                found[number] = row
            if number > last:
                break
            pos = end
        return found, seen

    def _cells(self, row: _Row) -> list[_Cell]:
        """The cells of `row`, each found whole (start tag, content, end tag) by one match."""
        cells, column = [], 0
        for match in _cell_element(self.prefix).finditer(self.text, row.open_end, row.close_start):
            r = X.attr(match.group(1), "r")
            column = position(r)[1] if r else column + 1
            open_end = match.end() if match.group(2) else match.start(3)
            cells.append(_Cell(column, match.start(), open_end, match.end()))
        return cells

    def _default_style(self, row: _Row | None, column: int) -> int:
        """The format a cell not yet in the part shows: its row's (customFormat), else its column's."""
        if row is not None:
            tag = self.text[row.start : row.open_end]
            if X.attr(tag, "customFormat") in ("1", "true") and X.attr(tag, "s") is not None:
                return int(X.attr(tag, "s") or 0)
        for low, high, style in self.column_styles:
            if low <= column <= high:
                return style
        return 0

    def edit(
        self, writes: dict[tuple[int, int], CellWrite], fills: dict[tuple[int, int], str], styles: StyleSheet
    ) -> set[tuple[int, int]]:
        """Write `writes` and colour `fills` (cells given by (row, column), already resolved with target());
        returns the cells written (formula cells are not)."""
        wanted = set(writes) | set(fills)
        if not wanted:
            return set()
        rows, seen = self._rows({r for r, _ in wanted})
        p = self.prefix
        edits: list[tuple[int, int, str]] = []
        written: set[tuple[int, int]] = set()
        new_rows: dict[int, list[str]] = {}
        for number in sorted({r for r, _ in wanted}):
            row = rows.get(number)
            cells = {c.column: c for c in self._cells(row)} if row is not None else {}
            added: list[tuple[int, str]] = []
            for column in sorted(c for r, c in wanted if r == number):
                write, fill = writes.get((number, column)), fills.get((number, column))
                cell = cells.get(column)
                tag = self.text[cell.start : cell.open_end] if cell else None
                inner = self.text[cell.open_end : cell.end] if cell and cell.open_end != cell.end else ""
                had_formula = bool(_start_tag(p, "f").search(inner))
                if write is not None and had_formula and not write.replace_formula:
                    write = None  # a formula of the clerk's is never overwritten
                if write is not None and had_formula:
                    self.formulas_replaced = True
                if write is None and fill is None:
                    continue
                style = int(X.attr(tag, "s") or 0) if tag else self._default_style(row, column)
                if write is not None and write.number_format and styles.number_format(style) == "General":
                    style = styles.with_number_format(style, write.number_format)
                if fill is not None:
                    style = styles.with_fill(style, fill)
                xml = _cell_xml(p, tag, inner, coordinate(number, column), style, write)
                if write is not None:
                    written.add((number, column))
                if cell is not None:
                    edits.append((cell.start, cell.end, xml))
                else:
                    added.append((column, xml))
            if not added:
                continue
            if row is None:
                new_rows[number] = [xml for _, xml in added]
                continue
            edits += self._into_row(row, list(cells.values()), added)
        edits += self._new_rows(new_rows, seen)
        edits += self._dimension(written | set(fills))
        self.text = X.splice(self.text, edits)
        return written

    def _into_row(self, row: _Row, cells: list[_Cell], added: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
        """Insert new cells into an existing row, each before the first cell to its right."""
        edits = []
        tag = self.text[row.start : row.open_end]
        if X.attr(tag, "spans") is not None:  # an optional hint: dropped rather than left wrong
            tag = X.set_attr(tag, "spans", None)
        by_place: dict[int, list[str]] = {}
        for column, xml in added:
            place = next((c.start for c in cells if c.column > column), row.close_start)
            by_place.setdefault(place, []).append(xml)
        if row.open_end == row.end:  # <row r="5"/>
            opened = re.sub(r"\s*/>$", ">", tag)
            inner = "".join(xml for xmls in by_place.values() for xml in xmls)
            return [(row.start, row.end, f"{opened}{inner}</{self.prefix}row>")]
        edits.append((row.start, row.open_end, tag))
        edits += [(place, place, "".join(xmls)) for place, xmls in by_place.items()]
        return edits

    def _new_rows(self, new_rows: dict[int, list[str]], seen: list[_Row]) -> list[tuple[int, int, str]]:
        if not new_rows:
            return []
        data = self.parts["sheetData"]
        p = self.prefix
        edits: list[tuple[int, int, str]] = []
        by_place: dict[int, list[str]] = {}
        for number, xmls in sorted(new_rows.items()):
            place = next((r.start for r in seen if r.number > number), None)
            if place is None:
                place = data.close_start
            by_place.setdefault(place, []).append(f'<{p}row r="{number}">{"".join(xmls)}</{p}row>')
        if data.empty:  # <sheetData/>
            tag = re.sub(r"\s*/>$", ">", data.tag(self.text))
            return [(data.start, data.end, tag + "".join(by_place[data.close_start]) + f"</{p}sheetData>")]
        return edits + [(place, place, "".join(xmls)) for place, xmls in by_place.items()]

    def _dimension(self, cells: set[tuple[int, int]]) -> list[tuple[int, int, str]]:
        """The <dimension> widened to take the cells written (readers trust it)."""
        element = self.parts.get("dimension")
        if element is None or not cells:
            return []
        tag = element.tag(self.text)
        current = _range(X.attr(tag, "ref") or "")
        if current is None:
            return []
        r1, c1, r2, c2 = current
        rows, cols = [r for r, _ in cells], [c for _, c in cells]
        wider = (min(r1, *rows), min(c1, *cols), max(r2, *rows), max(c2, *cols))
        if wider == current:
            return []
        ref = f"{coordinate(wider[0], wider[1])}:{coordinate(wider[2], wider[3])}"
        return [(element.start, element.open_end, X.set_attr(tag, "ref", ref))]


def _child_tags(inner: str, prefix: str, child: str) -> list[str]:
    """The start tags of the <child> elements in `inner`, the content of an element that lists them
    (<cols>, <mergeCells>): found by their start tag alone, unless a comment, CDATA section or processing
    instruction stands among them, when they are taken element by element (xmltext.children)."""
    if "<!" in inner or "<?" in inner:
        whole = X.Element(prefix, "list", 0, 0, len(inner), len(inner))
        return [e.tag(inner) for e in X.children(inner, whole, FLAT) if e.name == child]
    return [m.group(0) for m in _start_tag(prefix, child).finditer(inner)]


@functools.lru_cache(maxsize=64)
def _merge_ranges(inner: str, prefix: str) -> tuple[tuple[int, int, int, int], ...]:
    """The ranges of the <mergeCell> elements in `inner` (a <mergeCells> element's content). Remembered:
    the workbooks of a folder mostly share their forms, and so these lists, to the byte."""
    ranges = (_range(X.attr(tag, "ref") or "") for tag in _child_tags(inner, prefix, "mergeCell"))
    return tuple(m for m in ranges if m is not None)


def _range(ref: str) -> tuple[int, int, int, int] | None:
    """ "B3:D5" → (3, 2, 5, 4); a single cell is a range of one."""
    try:
        first, _, last = ref.replace("$", "").partition(":")
        r1, c1 = position(first)
        r2, c2 = position(last) if last else (r1, c1)
    except (ValueError, TypeError, CellCoordinatesException):
        return None
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _cell_xml(p: str, tag: str | None, inner: str, ref: str, style: int, write: CellWrite | None) -> str:
    """The new <c> element: the old start tag's attributes kept (`r` as it was), its style set; with a
    write, new content, else the old content."""
    if tag is None:
        tag = f'<{p}c r="{ref}">'
    tag = re.sub(r"\s*/>$", ">", tag)
    tag = X.set_attr(tag, "s", str(style)) if style or X.attr(tag, "s") is not None else tag
    if write is None:
        return f"{tag}{inner[: inner.rfind('<')] if inner else ''}</{p}c>"
    for name in ("t", "vm", "cm"):  # type, rich-value and cell metadata belong to the old content
        tag = X.set_attr(tag, name, None)
    value = write.value
    content = ""
    if write.formula is not None:
        formula = write.formula[1:] if write.formula.startswith("=") else write.formula
        content = f"<{p}f>{X.escape(formula)}</{p}f>"
    if isinstance(value, bool):
        tag = X.set_attr(tag, "t", "b")
        content += f"<{p}v>{int(value)}</{p}v>"
    elif isinstance(value, int | float):
        tag = X.set_attr(tag, "t", "n")
        text = number_text(value)
        content += f"<{p}v>{text}</{p}v>" if text else ""
    elif isinstance(value, str) and write.formula is not None:
        tag = X.set_attr(tag, "t", "str")
        content += f"<{p}v>{X.escape(value)}</{p}v>"
    elif isinstance(value, str):
        tag = X.set_attr(tag, "t", "inlineStr")
        content += f'<{p}is><{p}t xml:space="preserve">{X.escape(value)}</{p}t></{p}is>'
    return f"{tag}{content}</{p}c>"
