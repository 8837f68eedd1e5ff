"""The workbook as read (填报数据): every field a Slot with its cell, and how derived ones are computed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string

Number = Decimal | int

#: The sheets perfxlsx adds to a completed workbook (a completed workbook read again ignores them).
FINDINGS_SHEET = "审核结果"
WORK_SHEET = "计算过程"
#: The title each added sheet starts with, in its cell A1 (own_sheets.py, rerun.py).
TITLES = {FINDINGS_SHEET: "审核结果", WORK_SHEET: "计算过程"}


@dataclass
class Slot:
    """One field on one sheet (单元格字段), with its provenance.

    `value` is canonical: amounts in 万元 (a 单位：元 sheet is converted), rates as fractions,
    head counts as int, text as str. `scale` converts the sheet's unit to 万元 (1, or 0.0001 on
    元 sheets). `stated` means the clerk typed something.
    """

    key: str
    label: str
    type: str
    sheet: str | None = None
    cell: str | None = None
    raw: Any = None  # the cell as read: number, text, date, a CellIssue
    value: Any = None  # Decimal (amounts, rates, scores), int (counts), str (text); see above
    decimals: int | None = None
    format_decimals: int | None = None
    scale: Decimal = Decimal(1)
    inline_label: str | None = None
    error: str | None = None
    row_label: str = ""  # for a cell of a table: its row (e.g. 州政府办本级) and column (e.g. 收入合计)
    col_label: str = ""
    formula: str = ""  # the cell's formula (=…), when it holds one; `value` is then its cached result
    own_formula: bool = False  # what perfxlsx wrote there on an earlier run (its formula, or a value its 计算过程 records): recomputed, not kept (rerun.py)

    def name_beside(self, other: Slot | None) -> str:
        """This field's label in a formula about `other`: just the column when both stand in one row,
        just the row when both stand in one column, else the full label."""
        if other is not None and self.sheet == other.sheet and self.row_label and self.col_label:
            if self.row_label == other.row_label:
                return self.col_label
            if self.col_label == other.col_label:
                return self.row_label
        return self.label

    @property
    def stated(self) -> bool:
        return self.value is not None

    @property
    def found(self) -> bool:
        return self.cell is not None

    @property
    def where(self) -> str:
        """`表!单元格`, or `表` when the field was not found."""
        if self.cell is None:
            return self.sheet or ""
        return f"{self.sheet}!{self.cell}"


@dataclass(frozen=True)
class Derivation:
    """How one derived slot is computed (计算关系).

    kind: `sum` (Σ weight·input), `column_sum` (汇总行 = Σ 各机构), `ratio` (inputs[0] / inputs[1]),
    `budget_score` (分值 × min(执行率, 100%)), `indicator_score`, `total_score` (Σ 得分), `grade` (评价等次
    from 总分). The cells of 收支情况 get their values from tables.py; the derivation is their record.
    """

    target: str
    kind: str
    inputs: tuple[tuple[str, int], ...]


@dataclass
class Institution:
    """One row of a 收支情况 table (机构): its name, its row id (`summary` for the 汇总 row, else `1`, `2`,
    … in sheet order) and the row's slot keys by column id."""

    name: str
    is_summary: bool
    id: str = ""
    slots: dict[str, str] = field(default_factory=dict)


@dataclass
class Indicator:
    """One 三级指标 row of an indicator table (绩效指标)."""

    level1: str
    level2: str
    level3: str
    target: str
    actual: str
    weight_key: str
    score_key: str
    row: int
    reason: str = ""
    points: Decimal | None = None  # 一级指标分数 printed in its label: 产出指标(50分) → 50
    level1_cell: str = ""  # where that label stands
    nature: str = ""  # 指标性质 as printed (正向/反向, ≥/≤), where the form has the column
    block: str = ""  # the block of targets it stands in, where the form prints several (年度绩效目标1)
    block_points: Decimal | None = None  # that block's points, as its title prints them
    block_cell: str = ""  # where that title stands
    coefficient_key: str = ""  # 得分系数, where the form scores as 指标权重 × 得分系数
    target_key: str = ""
    actual_key: str = ""


@dataclass
class SheetForm:
    """What one sheet was read as (表样识别结果): family, kind, how sure, and how many fields were found."""

    sheet: str
    family: str | None = None  # family id, None: not recognised
    family_name: str = ""
    kind: str | None = None
    layout_title: str = ""  # the title of the layout it was read as
    prefix: str = ""  # the slot key prefix of the fields read from it (dept, proj1, …)
    title: bool = False  # its title was found
    share: float = 0.0  # share of the layout's labels found on the sheet
    fields_found: int = 0
    fields_expected: int = 0
    missing: list[str] = field(default_factory=list)  # labels of the layout not found

    @property
    def recognised(self) -> bool:
        return self.kind is not None


@dataclass
class Filing:
    """One department's workbook as read (一个部门的基础数据表)."""

    path: Path
    year: int | None = None
    unit: str | None = None
    sheets: dict[str, str] = field(default_factory=dict)  # kind or "project_form:N" -> sheet title
    slots: dict[str, Slot] = field(default_factory=dict)
    derivations: list[Derivation] = field(default_factory=list)
    checks: list[Derivation] = field(default_factory=list)  # identities audited but not used to fill
    tables: dict[str, list[Institution]] = field(default_factory=dict)
    indicators: dict[str, list[Indicator]] = field(default_factory=dict)  # form prefix -> rows
    projects: list[str] = field(default_factory=list)  # slot prefixes of project sheets
    flat: set[str] = field(default_factory=set)  # forms whose indicators stand in no 一级指标 blocks (重庆)
    problems: list[dict] = field(default_factory=list)  # fields not found, values not readable
    forms: list[SheetForm] = field(default_factory=list)  # every sheet, as recognised (or not)
    figures: dict[str, str] = field(default_factory=dict)  # figure (指标) name -> the key of its cell on a form
    earlier_output: bool = False  # a workbook perfxlsx completed before (rerun.py)
    own_sheets: dict[str, str] = field(default_factory=dict)  # 审核结果/计算过程 -> the earlier output's sheet
    schemes: dict[str, str] = field(default_factory=dict)  # form prefix -> its family's scoring scheme (评分方案)
    merges: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)  # sheet -> merged ranges
    _anchors: dict[tuple[str | None, str], str] = field(default_factory=dict, repr=False, compare=False)
    _indicator_at: tuple[int, dict[str | None, Indicator]] | None = field(default=None, repr=False, compare=False)

    def anchor(self, sheet: str | None, cell: str) -> str:
        """The cell a formula names for `cell`: the top-left cell of the merged range it lies in (the one
        that holds the value), else `cell` itself. Remembered: every formula naming the cell asks again."""
        known = self._anchors.get((sheet, cell))
        if known is None:
            known = self._anchors[sheet, cell] = self._anchor(sheet, cell)
        return known

    def _anchor(self, sheet: str | None, cell: str) -> str:
        letters, row = coordinate_from_string(cell)
        col = column_index_from_string(letters)
        for r1, c1, r2, c2 in self.merges.get(sheet or "", ()):
            if r1 <= row <= r2 and c1 <= col <= c2:
                return f"{get_column_letter(c1)}{r1}"
        return cell

    def add(self, slot: Slot) -> Slot:
        self.slots[slot.key] = slot
        return slot

    def derive(self, target: str, kind: str, inputs) -> None:
        self.derivations.append(Derivation(target, kind, tuple(inputs)))

    def check(self, target: str, kind: str, inputs) -> None:
        self.checks.append(Derivation(target, kind, tuple(inputs)))

    def indicator_of(self, score_key: str) -> Indicator | None:
        """The indicator whose 得分 is at `score_key` (the first, in form and row order)."""
        count = sum(len(rows) for rows in self.indicators.values())
        if self._indicator_at is None or self._indicator_at[0] != count:  # indexed again if rows were added
            at: dict[str | None, Indicator] = {}
            for rows in self.indicators.values():
                for indicator in rows:
                    at.setdefault(indicator.score_key, indicator)
            self._indicator_at = (count, at)
        return self._indicator_at[1].get(score_key)

    def problem(self, kind: str, message: str, sheet: str | None = None, cell: str | None = None) -> None:
        self.problems.append({"kind": kind, "message": message, "sheet": sheet, "cell": cell})
