"""A sheet as a grid of values (单元格网格), merge-aware, searchable by label.

Built from an openpyxl worksheet; the reader only ever talks to this, so another source of cell
values (e.g. a legacy .xls reader) only has to build one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from .labels import bare_key, clean, label_key, split_inline


def ref(row: int, col: int) -> str:
    """A1-style address of (row, col), both 1-based."""
    return f"{get_column_letter(col)}{row}"


@dataclass
class Grid:
    title: str
    values: dict[tuple[int, int], object]
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    max_row: int = 0
    max_col: int = 0
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # formula text of formula cells
    hidden: bool = False  # a hidden sheet (隐藏的工作表)
    hidden_rows: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        self._merge_of: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for bounds in self.merges:
            r1, c1, r2, c2 = bounds
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self._merge_of[(r, c)] = bounds
        self._keys: dict[tuple[int, int], str] = {}
        self._inline: dict[tuple[int, int], tuple[str, str]] = {}
        self._index: LabelIndex | None = None
        self._positions: tuple[dict, dict] | None = None
        for pos, value in self.values.items():
            if isinstance(value, str) and value.strip():
                self._keys[pos] = label_key(value)
                inline = split_inline(value)
                if inline is not None:
                    self._inline[pos] = inline

    @classmethod
    def from_openpyxl(cls, ws) -> Grid:
        """The cells that exist (never the whole used rectangle: a stray cell far below costs nothing);
        a formula cell holds its text here and in `formulas` until loading puts its value in."""
        values, formats, formulas = {}, {}, {}
        for pos, cell in sorted(ws._cells.items()):
            value = cell.value
            if value is None:
                continue
            if cell.data_type == "f":
                value = value if isinstance(value, str) else "=" + str(getattr(value, "text", "") or "").lstrip("=")
                formulas[pos] = value
            values[pos] = value
            formats[pos] = cell.number_format
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        hidden_rows = frozenset(r for r, d in ws.row_dimensions.items() if d.hidden)
        return cls(
            ws.title,
            values,
            formats,
            merges,
            ws.max_row,
            ws.max_column,
            formulas,
            ws.sheet_state != "visible",
            hidden_rows,
        )

    # ---- cells -------------------------------------------------------------------------------
    def bounds(self, row: int, col: int) -> tuple[int, int, int, int]:
        """The merged range holding (row, col), or the cell itself."""
        return self._merge_of.get((row, col), (row, col, row, col))

    def value(self, row: int, col: int):
        """The value shown at (row, col): a merged range shows its top-left value."""
        r1, c1, _, _ = self.bounds(row, col)
        return self.values.get((r1, c1))

    def text(self, row: int, col: int) -> str:
        return clean(self.value(row, col))

    def key(self, row: int, col: int) -> str:
        r1, c1, _, _ = self.bounds(row, col)
        return self._keys.get((r1, c1), "")

    def right_of(self, row: int, col: int) -> tuple[int, int]:
        """The cell just right of the (merged) cell at (row, col)."""
        r1, _, _, c2 = self.bounds(row, col)
        return r1, c2 + 1

    def below(self, row: int, col: int) -> tuple[int, int]:
        """The cell just below the (merged) cell at (row, col)."""
        _, c1, r2, _ = self.bounds(row, col)
        return r2 + 1, c1

    def inline(self, row: int, col: int) -> tuple[str, str] | None:
        """`标签：值` typed in one cell, as (label key, value text)."""
        return self._inline.get((row, col))

    # ---- search ------------------------------------------------------------------------------
    def label_keys(self) -> set[str]:
        """Every label on the sheet: each text cell's key, and the label part of each `标签：值` cell."""
        return set(self._keys.values()) | {label for label, _ in self._inline.values()}

    def label_index(self) -> LabelIndex:
        """label_keys() indexed for LabelMatcher.matches_any (computed once per sheet: every layout of every
        family is scored against it)."""
        if self._index is None:
            self._index = LabelIndex(self.label_keys())
        return self._index

    def find(
        self, matcher: LabelMatcher, rows: range | None = None, cols: range | None = None, inline: bool = False
    ) -> tuple[int, int] | None:
        """First cell (top to bottom, left to right) whose label matches; with `inline`, a
        `标签：值` cell whose label part matches counts too."""
        if matcher.patterns:  # a label with a year in it: every cell is tried
            hits = [
                (r, c)
                for (r, c), key in self._keys.items()
                if (rows is None or r in rows)
                and (cols is None or c in cols)
                and (
                    matcher.match(key) or (inline and (r, c) in self._inline and matcher.match(self._inline[(r, c)][0]))
                )
            ]
            return min(hits) if hits else None
        by_label, by_inline = self._label_positions()
        hits = [
            pos
            for index in ((by_label, by_inline) if inline else (by_label,))
            for label in matcher.exact
            for pos in index.get(label, ())
            if (rows is None or pos[0] in rows) and (cols is None or pos[1] in cols)
        ]
        return min(hits) if hits else None

    def _label_positions(self) -> tuple[dict[str, list[tuple[int, int]]], dict[str, list[tuple[int, int]]]]:
        """Where each label key stands, also under its bare form (what LabelMatcher.match accepts), for
        the cells' own labels and for the label parts of `标签：值` cells; built once per grid."""
        if self._positions is None:
            by_label: dict[str, list[tuple[int, int]]] = {}
            by_inline: dict[str, list[tuple[int, int]]] = {}
            for index, keys in (
                (by_label, self._keys.items()),
                (by_inline, ((pos, label) for pos, (label, _) in self._inline.items())),
            ):
                for pos, key in keys:
                    index.setdefault(key, []).append(pos)
                    bare = bare_key(key)
                    if bare != key:
                        index.setdefault(bare, []).append(pos)
            self._positions = (by_label, by_inline)
        return self._positions

    def contains(self, fragment: str, rows: range | None = None, longest: int = 40) -> tuple[int, int] | None:
        """First cell whose label contains `fragment` and is no longer than a title (`longest`), not a sentence."""
        hits = [
            pos
            for pos, key in self._keys.items()
            if fragment in key and len(key) <= longest and (rows is None or pos[0] in rows)
        ]
        return min(hits) if hits else None


class LabelIndex:
    """A sheet's label keys for matching many matchers at once (标签索引): the keys and their bare forms
    (bare_key), and those of them with a 4-digit number, the only ones a `{year}` pattern can match."""

    def __init__(self, keys: set[str]):
        self.keys = keys | {bare_key(k) for k in keys}
        self.dated = [k for k in self.keys if _DIGITS.search(k)]


_DIGITS = re.compile(r"\d{4}")


class LabelMatcher:
    """Matches a label key against a field's label variants (标签及其变体).

    `{year}` and `{prev_year}` in a variant are filled with the workbook's year, or match any year
    when it is not known.
    """

    def __init__(self, labels, year: int | None = None):
        self.exact: set[str] = set()
        self.patterns: list[re.Pattern] = []
        for label in labels:
            if "{" in label:
                if year is not None:
                    self.exact.add(label_key(label.replace("{prev_year}", str(year - 1)).replace("{year}", str(year))))
                else:
                    parts = re.split(r"\{(?:year|prev_year)\}", label_key(label))
                    self.patterns.append(re.compile(r"\d{4}".join(re.escape(p) for p in parts) + r"$"))
            else:
                self.exact.add(label_key(label))

    def matches_any(self, index: LabelIndex) -> bool:
        """Whether any label of the indexed sheet matches: the same as any(self.match(k) for k in keys),
        without trying each key against each variant."""
        if not self.exact.isdisjoint(index.keys):
            return True
        return any(p.match(k) for p in self.patterns for k in index.dated)

    def match(self, key: str) -> bool:
        """The key is a variant, also once a bracketed annotation at its end is set aside
        (`预算数(A)`, `执行率(B/A)`, `得分(20分×执行率)`, `指标权重(分)` match 预算数, 执行率, 得分, 指标权重)."""
        if key in self.exact or any(p.match(key) for p in self.patterns):
            return True
        bare = bare_key(key)
        return bare != key and (bare in self.exact or any(p.match(bare) for p in self.patterns))
