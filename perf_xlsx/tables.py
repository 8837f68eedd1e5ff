"""收支情况表 (the income and expenditure tables) as DataFrames: 机构 × 列, exact Decimals.

Each of the four tables of 收支情况 (收入、支出和结余、三公经费、固定资产) is one DataFrame: a row per 机构
(index: the row id, `summary` for the 汇总 row, then `1`, `2`, … for the institutions in sheet order),
a column per column id of workbook_templates/income_expenditure.toml, Decimal values (万元) in object
columns, None where nothing is known. The identities work on whole columns of these tables:

- 行恒等式 (row identity): a column with `sum = [...]` is Σ weight × term over the same 机构, for all
  institutions at once (on the frame's values, one vectorised step per column); a term in another
  table (`income.total`) is that table's column aligned on the same 机构 (same_institution, through
  the frames' indexes);
- 汇总 = Σ 各机构: the summary row is the DataFrame's column sums over the institution rows. Its own
  row identities (e.g. 当年结余 of 汇总) are checks: audited, never filled.

Blank and unknown follow derive.py: a blank part counts as 0, but all parts blank leave the total
blank; a part whose cell could not be read (or is computed from one that could not) leaves the total
unknown. A cell the clerk typed is kept, and it is that value which the cells built on it use.

`link` records each cell's identity as a Derivation of the Filing: the record of its inputs and their
cells (计算过程, the audit's formulas). The values themselves come from `IncomeTables`. pandas is imported
only when a workbook has these tables.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from . import keys
from .labels import label_key
from .layout import SheetLayout, load_layout
from .model import Derivation, Filing, Institution

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: The index of the 汇总 row.
SUMMARY = "summary"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Term:
    """One term of a row identity: `weight` × column `column` of table `table`; `other` when it is written
    `table.column` (the same 机构 in another table)."""

    table: str
    column: str
    weight: int
    other: bool = False


@dataclass(frozen=True)
class Identity:
    """One column's row identity (行恒等式): table.column = Σ weight × term, within one 机构."""

    table: str
    column: str
    terms: tuple[Term, ...]


def identities(layout: SheetLayout) -> list[Identity]:
    """The row identities of the layout's tables, in table and column order."""
    out = []
    for section in layout.sections:
        for column in section["columns"]:
            if column.sum:
                out.append(Identity(section["id"], column.id, tuple(_term(section["id"], t) for t in column.sum)))
    return out


def _term(table: str, text: str) -> Term:
    """`-basic` → −1 × basic of this table; `income.total` → income's total of the same 机构."""
    weight = -1 if text.startswith("-") else 1
    name = text.lstrip("-")
    if "." in name:
        other_table, column = keys.table_column(name)
        return Term(other_table, column, weight, other=True)
    return Term(table, name, weight)


def same_institution(inst: Institution, institutions: list[Institution], rows: list[Institution]) -> Institution | None:
    """The same 机构 in another table (`rows`): the summary row for the summary, else by name, else by its
    position among `institutions` (the rows of its own table without the summary)."""
    if inst.is_summary:
        return next((i for i in rows if i.is_summary), None)
    others = [i for i in rows if not i.is_summary]
    for other in others:
        if label_key(other.name) == label_key(inst.name):
            return other
    n = institutions.index(inst) if inst in institutions else -1
    return others[n] if 0 <= n < len(others) else None


def twins(filing: Filing, table: str, other: str) -> dict[str, str | None]:
    """Each row id of `table` → the row id of the same 机构 in `other` (None: it has none)."""
    rows = filing.tables.get(table, [])
    institutions = [i for i in rows if not i.is_summary]
    others = filing.tables.get(other, [])
    out: dict[str, str | None] = {}
    for inst in rows:
        twin = same_institution(inst, institutions, others)
        out[inst.id] = twin.id if twin is not None else None
    return out


def link(filing: Filing, layout: SheetLayout) -> None:
    """Record the derivations of 收支情况 (each cell's inputs): every institution row's identities (possibly
    across tables), and the summary = Σ institutions. The summary row's own identities are kept as
    checks, so the audit tests them too."""
    tables = filing.tables
    by_table: dict[str, list[Identity]] = {}
    for identity in identities(layout):
        by_table.setdefault(identity.table, []).append(identity)
    for section in layout.sections:
        rows = tables.get(section["id"], [])
        institutions = [i for i in rows if not i.is_summary]
        for inst in rows:
            for identity in by_table.get(section["id"], []):
                terms = []
                for term in identity.terms:
                    if term.other:
                        twin = same_institution(inst, institutions, tables.get(term.table, []))
                        if twin is None:
                            continue
                        terms.append((twin.slots[term.column], term.weight))
                    else:
                        terms.append((inst.slots[term.column], term.weight))
                record = filing.check if inst.is_summary else filing.derive
                record(inst.slots[identity.column], "sum", terms)
        for summary in (i for i in rows if i.is_summary):
            for column in section["columns"]:
                filing.derive(summary.slots[column.id], "column_sum", [(i.slots[column.id], 1) for i in institutions])


class IncomeTables:
    """The 收支情况 tables of one Filing as DataFrames, and every computed cell of them (收支情况表).

    `stated`: what the clerk typed (None: blank or unreadable); `shown`: what the completed form shows,
    the stated value where there is one, else the computed one; `computed`: the identity's value of
    every derived cell (row identities of the institutions, column sums of the summary row), None
    elsewhere; `unknown`: True where the value cannot be known (an unreadable cell, or computed from
    one); `checks`: the row identities of the summary row (table → Series by column id).

    A row identity is computed for all institutions at once, on the columns of the table's values
    (object arrays of Decimal: Python's exact arithmetic, element by element), in an order where its
    terms are settled first; then the summary row of each table is the DataFrame's column sums over
    the institutions, and last the summary row's own identities are its checks.
    """

    def __init__(self, filing: Filing, layout: SheetLayout | None = None, set_aside: frozenset[str] = frozenset()):
        """`set_aside`: stated values found wrong (derive.Completion); here they count as left blank, so
        what is computed from them uses their computed value."""
        import pandas as pd

        self.filing = filing
        self.layout = layout or load_layout("income_expenditure")
        self.identities = identities(self.layout)
        self.columns = {s["id"]: [c.id for c in s["columns"]] for s in self.layout.sections}
        self.names: dict[str, pd.Series] = {}
        self.stated: dict[str, pd.DataFrame] = {}
        self.cells: dict[str, tuple[str, str, str]] = {}  # slot key → (table, row id, column id)
        unreadable = {}
        for table, columns in self.columns.items():
            rows = filing.tables.get(table, [])
            index = pd.Index([i.id for i in rows], dtype=object, name="机构")
            slots = [[filing.slots[i.slots[c]] for c in columns] for i in rows]
            self.names[table] = pd.Series([i.name for i in rows], index=index, dtype=object, name="机构名称")
            self.stated[table] = pd.DataFrame(
                [[None if s.key in set_aside else s.value for s in row] for row in slots],
                index=index,
                columns=columns,
                dtype=object,
            )
            unreadable[table] = [[s.error is not None and s.value is None for s in row] for row in slots]
            for inst in rows:
                for c in columns:
                    self.cells[inst.slots[c]] = (table, inst.id, c)
        # the work is done on the frames' values, then they are DataFrames again
        self._stated = {t: f.to_numpy(dtype=object) for t, f in self.stated.items()}
        self._shown = {t: a.copy() for t, a in self._stated.items()}
        self._computed = {t: _nones(f.shape) for t, f in self.stated.items()}
        self._unknown = {t: _flags(unreadable[t], f.shape) for t, f in self.stated.items()}
        self._institutions = {t: (f.index != SUMMARY) for t, f in self.stated.items()}
        pairs = {(i.table, t.table) for i in self.identities for t in i.terms if t.other}
        self._twins = {  # row positions of the same 机构 in another table (-1: none)
            (table, other): self.stated[other].index.get_indexer(
                [twin or "" for twin in twins(filing, table, other).values()]
            )
            for table, other in pairs
        }
        for identity in _in_order(self.identities):  # row identities of the institutions
            rows = self._institutions[identity.table]
            value, unknown = self._identity(identity, rows)
            self._settle(identity.table, rows, self._at(identity.table, identity.column), value, unknown)
        checks: dict[str, dict[str, Decimal | None]] = {}
        for table, frame in self.stated.items():  # 汇总 = Σ 各机构
            if SUMMARY in frame.index:
                self._summary(table)
                checks[table] = {}
        for identity in self.identities:  # the summary row's own identities (checks)
            if identity.table in checks:
                value, _ = self._identity(identity, ~self._institutions[identity.table])
                checks[identity.table][identity.column] = value[0]
        self.checks = {t: pd.Series(c, dtype=object) for t, c in checks.items()}
        self._row_at = {t: {row: i for i, row in enumerate(f.index)} for t, f in self.stated.items()}

    # ---- the results as DataFrames (built when first asked for: the checks read the arrays) --------
    def _frames(self, arrays: dict[str, np.ndarray], dtype) -> dict[str, pd.DataFrame]:
        import pandas as pd

        return {
            t: pd.DataFrame(a, self.stated[t].index, self.stated[t].columns, dtype=dtype) for t, a in arrays.items()
        }

    @functools.cached_property
    def shown(self) -> dict[str, pd.DataFrame]:
        """Each table as the completed form shows it: stated values, computed ones where left blank."""
        return self._frames(self._shown, object)

    @functools.cached_property
    def computed(self) -> dict[str, pd.DataFrame]:
        """Each table's computed values (None where a cell is not derived or cannot be computed)."""
        return self._frames(self._computed, object)

    @functools.cached_property
    def unknown(self) -> dict[str, pd.DataFrame]:
        """Where each table's values cannot be known."""
        return self._frames(self._unknown, bool)

    # ---- lookup --------------------------------------------------------------------------------
    def holds(self, key: str) -> bool:
        """Is `key` a cell of these tables?"""
        return key in self.cells

    def value(self, derivation: Derivation) -> Decimal | None:
        """The value of a derivation of `link` (its kind and target): a summary row's `sum` is its check."""
        table, row, column = self.cells[derivation.target]
        if row == SUMMARY and derivation.kind == "sum":
            return _none(self.checks[table].get(column))
        return _none(self._computed[table][self._row_at[table][row], self._at(table, column)])

    def frame(self, table: str) -> pd.DataFrame:
        """The table as the completed form shows it, indexed by 机构名称 (收支情况表)."""
        return self.shown[table].set_axis(self.names[table].to_list(), axis=0)

    # ---- computation ---------------------------------------------------------------------------
    def _at(self, table: str, column: str) -> int:
        return self.columns[table].index(column)

    def _term(self, table: str, term: Term, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A term's values as shown, and whether each is unknown, on `rows` of `table` (a term in
        another table: the same 机构's there; a 机构 that table does not have gives a blank)."""
        import numpy as np

        at = self._at(term.table, term.column)
        if not term.other:
            return self._shown[table][rows, at], self._unknown[table][rows, at]
        theirs = self._twins[(table, term.table)][rows]
        found = theirs >= 0
        values, flags = _nones(len(theirs)), np.zeros(len(theirs), dtype=bool)
        values[found] = self._shown[term.table][theirs[found], at]
        flags[found] = self._unknown[term.table][theirs[found], at]
        return values, flags

    def _identity(self, identity: Identity, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Σ weight × term on `rows`, with derive.py's blanks: None where every term is blank or one is
        unknown; and where it is unknown."""
        import numpy as np
        import pandas as pd

        terms = [self._term(identity.table, t, rows) for t in identity.terms]
        parts = np.array([v for v, _ in terms], dtype=object).T.reshape(-1, len(terms))
        flags = np.array([f for _, f in terms], dtype=bool).T.reshape(-1, len(terms))
        given = ~pd.isna(parts)
        parts[~given] = ZERO  # a blank part counts as 0 …
        weights = np.array([t.weight for t in identity.terms], dtype=object)
        total = (parts * weights).sum(axis=1) + ZERO
        unknown = np.asarray(flags.any(axis=1))
        known = given.any(axis=1) & ~unknown  # … but all blank, or one unknown, leaves the total blank
        value = _nones(len(total))
        value[known] = total[known]
        return value, unknown

    def _summary(self, table: str) -> None:
        """The 汇总 row: each column's sum over the institutions as shown (None when all are blank, or
        when one of them is unknown)."""
        import numpy as np
        import pandas as pd

        rows = self._institutions[table]
        sums = pd.DataFrame(self._shown[table][rows], columns=self.columns[table], dtype=object).sum(min_count=1)
        unknown = self._unknown[table][rows].any(axis=0)
        value = np.array([None if u else _none(v) for v, u in zip(sums, unknown)], dtype=object)
        self._settle(table, ~rows, slice(None), value, unknown)

    def _settle(self, table: str, rows: np.ndarray, at: int | slice, value: np.ndarray, unknown: np.ndarray) -> None:
        """Record computed cells: shown where the clerk left them blank, unknown only then."""
        import numpy as np
        import pandas as pd

        stated = self._stated[table][rows, at]
        blank = pd.isna(stated)
        self._computed[table][rows, at] = value
        self._shown[table][rows, at] = np.where(blank, value, stated)
        self._unknown[table][rows, at] = unknown & blank


def _in_order(found: list[Identity]) -> list[Identity]:
    """Identities ordered so that each comes after those whose columns it adds up (e.g. 基本支出 before
    支出合计, 收入合计 before 当年结余)."""
    by_column = {(i.table, i.column): i for i in found}
    done: set[tuple[str, str]] = set()
    out: list[Identity] = []

    def visit(identity: Identity, path: tuple) -> None:
        key = (identity.table, identity.column)
        if key in done:
            return
        if key in path:
            raise ValueError(f"收支情况表的计算关系循环引用：{key}")
        for term in identity.terms:
            if (term.table, term.column) in by_column:
                visit(by_column[(term.table, term.column)], (*path, key))
        done.add(key)
        out.append(identity)

    for identity in found:
        visit(identity, ())
    return out


def _none(value: object) -> Decimal | None:
    """A cell's value as the rest of perfxlsx takes it: Decimal, or None for blank (never NaN)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value if isinstance(value, Decimal) else Decimal(value)  # type: ignore[arg-type]


def _blank(series: pd.Series) -> pd.Series:
    """Object values with None (not NaN) where blank."""
    return series.astype(object).where(series.notna(), None)


def _nones(shape: int | tuple[int, int]) -> np.ndarray:
    import numpy as np

    return np.full(shape, None, dtype=object)


def _flags(rows: list[list[bool]], shape: tuple[int, int]) -> np.ndarray:
    import numpy as np

    return np.array(rows, dtype=bool).reshape(shape)
