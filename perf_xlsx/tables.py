"""收支情况表 (the income and expenditure tables) as DataFrames: 机构 × 列, exact Decimals.

Each of the four tables of 收支情况 (收入、支出和结余、三公经费、固定资产) is one DataFrame: a row per 机构
(index: the row id, `summary` for the 汇总 row, then `1`, `2`, … for the institutions in sheet order),
a column per column id of workbook_templates/income_expenditure.toml, Decimal values (万元) in object
columns, None where nothing is known. The identities of the tables are DataFrame operations:

- 行恒等式 (row identity): a column with `sum = [...]` is Σ weight × term over the same 机构, for all
  institutions at once; a term in another table (`income.total`) is that table's column aligned on
  the same 机构 (same_institution);
- 汇总 = Σ 各机构: the summary row is the column sums of the institution rows. Its own row identities
  (e.g. 当年结余 of 汇总) are checks: audited, never filled.

Blank and unknown follow derive.py: a blank part counts as 0, but all parts blank leave the total
blank; a part whose cell could not be read (or is computed from one that could not) leaves the total
unknown. A cell the clerk typed is kept, and it is that value which the cells built on it use.

`link` records each cell's identity as a Derivation of the Filing: the record of its inputs and their
cells (计算过程, the audit's formulas). The values themselves come from `IncomeTables`. pandas is imported
only when a workbook has these tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .labels import label_key
from .layout import SheetLayout, load_layout
from .model import Derivation, Filing, Institution

if TYPE_CHECKING:
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
        other_table, column = name.split(".")
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
    """

    def __init__(self, filing: Filing, layout: SheetLayout | None = None):
        import pandas as pd

        self.filing = filing
        self.layout = layout or load_layout("income_expenditure")
        self.identities = identities(self.layout)
        self.columns = {s["id"]: [c.id for c in s["columns"]] for s in self.layout.sections}
        self.names: dict[str, pd.Series] = {}
        self.stated: dict[str, pd.DataFrame] = {}
        self.unknown: dict[str, pd.DataFrame] = {}
        self.cells: dict[str, tuple[str, str, str]] = {}  # slot key → (table, row id, column id)
        for table, columns in self.columns.items():
            rows = filing.tables.get(table, [])
            index = pd.Index([i.id for i in rows], dtype=object, name="机构")
            slots = [[filing.slots[i.slots[c]] for c in columns] for i in rows]
            self.names[table] = pd.Series([i.name for i in rows], index=index, dtype=object, name="机构名称")
            self.stated[table] = pd.DataFrame(
                [[s.value for s in row] for row in slots], index=index, columns=columns, dtype=object
            )
            self.unknown[table] = pd.DataFrame(
                [[s.error is not None and s.value is None for s in row] for row in slots],
                index=index,
                columns=columns,
                dtype=bool,
            )
            for inst in rows:
                for c in columns:
                    self.cells[inst.slots[c]] = (table, inst.id, c)
        self.shown = {t: f.copy() for t, f in self.stated.items()}
        self.computed = {
            t: pd.DataFrame(None, index=f.index, columns=f.columns, dtype=object) for t, f in self.stated.items()
        }
        self.checks: dict[str, pd.Series] = {}
        self._twins = {
            (i.table, t.table): twins(filing, i.table, t.table) for i in self.identities for t in i.terms if t.other
        }
        for identity in _in_order(self.identities):  # row identities of the institutions
            row_ids = self._institutions(identity.table)
            if row_ids:
                self._settle(identity.table, identity.column, *self._identity(identity, row_ids))
        for table in self.stated:  # 汇总 = Σ 各机构
            if SUMMARY in self.stated[table].index:
                self._summary(table)
        for table in self.stated:  # the summary row's own identities (checks), once every 汇总 is known
            if SUMMARY in self.stated[table].index:
                own = [i for i in self.identities if i.table == table]
                values = {i.column: self._identity(i, [SUMMARY])[0][SUMMARY] for i in own}
                self.checks[table] = pd.Series(values, index=[i.column for i in own], dtype=object)

    # ---- lookup --------------------------------------------------------------------------------
    def holds(self, key: str) -> bool:
        """Is `key` a cell of these tables?"""
        return key in self.cells

    def value(self, derivation: Derivation) -> Decimal | None:
        """The value of a derivation of `link` (its kind and target): a summary row's `sum` is its check."""
        table, row, column = self.cells[derivation.target]
        if row == SUMMARY and derivation.kind == "sum":
            return _none(self.checks[table].get(column)) if table in self.checks else None
        return _none(self.computed[table].at[row, column])

    def frame(self, table: str) -> pd.DataFrame:
        """The table as the completed form shows it, indexed by 机构名称 (收支情况表)."""
        return self.shown[table].set_axis(self.names[table].to_list(), axis=0)

    # ---- computation ---------------------------------------------------------------------------
    def _institutions(self, table: str) -> list[str]:
        return [r for r in self.stated[table].index if r != SUMMARY]

    def _term(self, table: str, term: Term, rows: list[str]) -> tuple[pd.Series, pd.Series]:
        """A term's shown values and unknown flags on `rows` of `table` (another table's: aligned on the
        same 机构; a 机构 it does not have gives blank, as a term left out)."""
        if term.other:
            mapping = self._twins[(table, term.table)]
            theirs = [mapping.get(r) or "" for r in rows]  # "" is no row id: blank
            values = self.shown[term.table][term.column].reindex(theirs)
            flags = self.unknown[term.table][term.column].reindex(theirs, fill_value=False)
            return values.set_axis(rows), flags.set_axis(rows)
        return self.shown[table].loc[rows, term.column], self.unknown[table].loc[rows, term.column]

    def _identity(self, identity: Identity, rows: list[str]) -> tuple[pd.Series, pd.Series]:
        """Σ weight × term on `rows`, with derive.py's blanks: None where every term is blank or one is
        unknown; and where it is unknown."""
        import pandas as pd

        aligned = [self._term(identity.table, t, rows) for t in identity.terms]
        parts = pd.DataFrame({n: v for n, (v, _) in enumerate(aligned)}, index=rows, dtype=object)
        flags = pd.DataFrame({n: f for n, (_, f) in enumerate(aligned)}, index=rows, dtype=bool)
        given = parts.notna()
        weights = [t.weight for t in identity.terms]
        total = parts.where(given, ZERO).mul(weights, axis=1).sum(axis=1) + ZERO
        unknown = flags.any(axis=1)
        return _blank(total.where(given.any(axis=1) & ~unknown)), unknown

    def _summary(self, table: str) -> None:
        """The 汇总 row: each column's sum over the institutions as shown (None when all are blank, or
        when one of them is unknown)."""
        import pandas as pd

        rows = self._institutions(table)
        columns = self.columns[table]
        if rows:
            sums = self.shown[table].loc[rows].sum(min_count=1)
            unknown = self.unknown[table].loc[rows].any()
        else:
            sums = pd.Series(None, index=columns, dtype=object)
            unknown = pd.Series(False, index=columns, dtype=bool)
        row = pd.DataFrame([_blank(sums.where(~unknown))], index=[SUMMARY], dtype=object)
        flags = pd.DataFrame([unknown], index=[SUMMARY], dtype=bool)
        for column in columns:
            self._settle(table, column, row[column].map(_none), flags[column])

    def _settle(self, table: str, column: str, value: pd.Series, unknown: pd.Series) -> None:
        """Record computed cells: shown where the clerk left them blank, unknown only then."""
        rows = list(value.index)
        stated = self.stated[table].loc[rows, column]
        self.computed[table].loc[rows, column] = value
        self.shown[table].loc[rows, column] = _blank(stated.where(stated.notna(), value))
        self.unknown[table].loc[rows, column] = unknown & stated.isna()


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
