"""Completing the workbook (复算派生数): every derivation of the Filing evaluated in Decimal.

A derived cell the clerk left blank gets the computed value; one the clerk typed is kept (its
computed twin stays available for the checks). Everything downstream uses the value as the form
shows it: the stated one where there is one, else the computed one — except a stated value the
checks found wrong (set aside, 不采用): what is built on it then uses its computed value, while its own
cell keeps what the clerk typed and is still checked (see api._assess).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import keys
from .model import Derivation, Filing
from .scoring import DEFAULT_SCHEME, cap_total, grade_of, load_scheme
from .tables import IncomeTables

#: Rates are stored as fractions rounded to 2 decimals in percent; scores to 2 decimals.
QUANTUM = {"rate": Decimal("0.0001"), "score": Decimal("0.01")}


def rounded(value, type_: str):
    """Half-up rounding to the decimals a type is shown with (四舍五入)."""
    if isinstance(value, Decimal) and type_ in QUANTUM:
        return value.quantize(QUANTUM[type_], rounding=ROUND_HALF_UP)
    return value


@dataclass
class Result:
    """One derived cell, computed (计算结果): exact value, inputs as used, and why it is blank if it is."""

    derivation: Derivation
    value: Any = None  # Decimal for amounts, rates and scores; str for a grade
    inputs: list[tuple[str, object]] = field(default_factory=list)
    note: str = ""
    explain: str = ""  # how text inputs were understood (指标值解读), shown in 计算过程
    unknown: bool = False  # blank because an input could not be read (not because inputs are blank)
    partial: bool = False  # a sum some of whose parts were not found on the form (computed from the rest)
    unmet: bool = False  # an indicator known not to reach its target, left for the clerk to score

    @property
    def key(self) -> str:
        return self.derivation.target


class Completion:
    """The computed values of one Filing, and the values the completed form shows.

    `set_aside` (不采用的填报数): keys of stated derived values found wrong; downstream they count as
    computed. `as_typed`: the completion of the same filing with every stated value as typed, to tell
    a stated value that merely followed a wrong one (随填错的数而错)."""

    def __init__(
        self,
        filing: Filing,
        scheme: str = DEFAULT_SCHEME,
        set_aside: frozenset[str] = frozenset(),
        as_typed: Completion | None = None,
    ):
        self.filing = filing
        self.scheme = scheme  # the workbook's (its 部门整体 form's); each form may have its own, see scheme_for
        self.set_aside = set_aside
        self.as_typed = as_typed
        self.results: dict[str, Result] = {}
        # 收支情况 as DataFrames (pandas), only for a workbook that has it: its cells' values come from there
        self.tables = IncomeTables(filing, set_aside=self.set_aside) if filing.tables else None
        pending = {d.target: d for d in filing.derivations}
        self._pending = pending
        for target in list(pending):
            self._evaluate(target, set())

    # ---- values --------------------------------------------------------------------------------

    def scheme_for(self, key: str) -> str:
        """The scoring scheme (评分方案) of the form a key belongs to: its family's in a workbook that mixes
        families (a 重庆 部门整体 form with a national project form), unless the user named one for all."""
        return self.filing.schemes.get(keys.prefix(key), self.scheme)

    def uses_stated(self, key: str) -> bool:
        """Is the value at `key` the clerk's (typed, and not set aside as wrong)?"""
        slot = self.filing.slots.get(key)
        return slot is not None and slot.stated and key not in self.set_aside

    def shown(self, key: str) -> Any:
        """The value the completed form shows: stated if typed (and not set aside), else computed
        (rounded as printed)."""
        slot = self.filing.slots.get(key)
        if slot is not None and self.uses_stated(key):
            return slot.value
        if key in self._pending:
            self._evaluate(key, set())
        result = self.results.get(key)
        if result is None or result.value is None:
            return None
        return rounded(result.value, slot.type if slot else "") if slot and slot.type == "score" else result.value

    def check(self, derivation: Derivation) -> Result:
        """Evaluate an identity that is audited but not used to fill (e.g. 当年结余 of a summary row)."""
        for key, _ in derivation.inputs:
            if key in self._pending:
                self._evaluate(key, set())
        return self._compute(derivation)

    def computed(self, key: str):
        result = self.results.get(key)
        return result.value if result else None

    def to_fill(self) -> list[Result]:
        """Derived cells left blank that now have a value (待填单元格)."""
        out = []
        for key, result in self.results.items():
            slot = self.filing.slots.get(key)
            if slot is not None and slot.found and not slot.stated and slot.error is None and result.value is not None:
                out.append(result)
        return out

    # ---- evaluation ----------------------------------------------------------------------------
    def _evaluate(self, target: str, busy: set) -> None:
        derivation = self._pending.pop(target, None)
        if derivation is None:
            return
        if target in busy:  # a cycle cannot come from the layouts; guard anyway
            self.results[target] = Result(derivation, note="循环引用")
            return
        busy.add(target)
        for key, _ in derivation.inputs:
            if key in self._pending:
                self._evaluate(key, busy)
        self.results[target] = self._compute(derivation)
        busy.discard(target)

    def _compute(self, derivation: Derivation) -> Result:
        unreadable = [key for key, _ in derivation.inputs if self.unknown(key)]
        if unreadable:  # an unreadable part is not a blank one: the result cannot be known either
            names = "、".join(self.filing.slots[k].label if k in self.filing.slots else k for k in unreadable)
            return Result(derivation, None, _inputs(self, derivation), f"{names}无法识别，无法计算", unknown=True)
        if self.tables is not None and derivation.kind in TABLE_KINDS and self.tables.holds(derivation.target):
            return _table_cell(self, derivation)
        return KINDS[derivation.kind](self, derivation)

    def unknown(self, key: str) -> bool:
        """Is the value at `key` unknown: its cell unreadable (not blank), or computed from one that is?"""
        slot = self.filing.slots.get(key)
        if self.uses_stated(key):
            return False
        result = self.results.get(key)
        if result is not None:
            return result.unknown
        return slot is not None and slot.error is not None


def _inputs(c: Completion, d: Derivation) -> list[tuple[str, object]]:
    return [(key, c.shown(key)) for key, _ in d.inputs]


def _sum(c: Completion, d: Derivation) -> Result:
    """Σ wᵢ·xᵢ; blank parts count as 0, but all parts blank leaves the total blank (合计)."""
    inputs = _inputs(c, d)
    missing = [k for k, _ in d.inputs if k not in c.filing.slots or not c.filing.slots[k].found]
    values = [v for _, v in inputs]
    if not d.inputs or all(v is None for v in values):
        return Result(d, None, inputs, "各组成项均为空" if not missing else "组成项未找到")
    total = sum((Decimal(w) * v for (_, w), v in zip(d.inputs, values) if isinstance(v, (Decimal, int))), Decimal(0))
    return Result(d, total, inputs, "", partial=bool(missing))


#: The kinds of the derivations of 收支情况 (tables.link): a row identity, 汇总行 = Σ 各机构.
TABLE_KINDS = ("sum", "column_sum")


def _table_cell(c: Completion, d: Derivation) -> Result:
    """A cell of 收支情况: its value from the tables' DataFrames (tables.IncomeTables), its inputs as the
    derivation lists them (计算过程, the audit's formulas and cells)."""
    assert c.tables is not None
    inputs = _inputs(c, d)
    value = c.tables.value(d)
    if value is not None:
        return Result(d, value, inputs)
    if d.kind == "column_sum":
        return Result(d, None, inputs, "各机构均为空")
    missing = [k for k, _ in d.inputs if k not in c.filing.slots or not c.filing.slots[k].found]
    return Result(d, None, inputs, "各组成项均为空" if not missing else "组成项未找到")


def _ratio(c: Completion, d: Derivation) -> Result:
    """inputs[0] / inputs[1], a fraction (比率); blank when either is blank or the denominator is 0."""
    inputs = _inputs(c, d)
    (_, num), (_, den) = inputs
    if num is None or den is None:
        return Result(d, None, inputs, "分子或分母为空")
    if den == 0:
        return Result(d, None, inputs, "分母为0")
    return Result(d, Decimal(num) / Decimal(den), inputs)


def _budget_score(c: Completion, d: Derivation) -> Result:
    """预算执行得分 = 分值 × min(执行率, 100%)."""
    inputs = _inputs(c, d)
    (_, weight), (_, rate) = inputs
    if weight is None or rate is None:
        return Result(d, None, inputs, "分值或执行率为空")
    return Result(d, Decimal(weight) * min(Decimal(rate), Decimal(1)), inputs)


def score_sum(inputs) -> Decimal | None:
    """Σ 得分 of a 总分's inputs as the form shows them (2 decimals), before any cap; None when all are blank."""
    scores = [rounded(Decimal(v), "score") for _, v in inputs if v is not None]
    return sum(scores, Decimal(0)) if scores else None


def _total_score(c: Completion, d: Derivation) -> Result:
    """总分 = 预算执行得分 + Σ 指标得分 (as the form shows them, 2 decimals), capped by the scheme's
    预算执行率 bands if it has any (the note then says why)."""
    inputs = _inputs(c, d)
    summed = score_sum(inputs)
    if summed is None:
        return Result(d, None, inputs, "各项得分均为空")
    rate_key = keys.money_total(keys.prefix(d.target), "rate")
    rate = c.shown(rate_key) if rate_key in c.filing.slots else None
    total, note = cap_total(summed, rate, c.scheme_for(d.target))
    return Result(d, total, inputs, note)


def _indicator_score(c: Completion, d: Derivation) -> Result:
    """指标得分 by the scheme: 正向 分值 × min(实际/目标, 1); 反向 full when 实际 ≤ 目标, else 分值 × 目标/实际;
    deadlines full when met; qualitative ones are the clerk's (left blank)."""
    from . import indicators

    inputs = _inputs(c, d)
    (_, target_text), (_, actual_text), (_, weight) = inputs
    target, actual = indicators.parse(target_text), indicators.parse(actual_text)
    target = indicators.with_direction(target, c.filing.indicator_of(d.target), load_scheme(c.scheme_for(d.target)))
    read = f"年度指标值“{target.text}”：{target.explain}；实际完成值“{actual.text}”：{actual.explain}"
    if weight is None:
        return Result(d, None, inputs, "分值为空", read)
    scored = indicators.score(target, actual, Decimal(weight))
    value, rule = scored.score, scored.rule
    overshoot = load_scheme(c.scheme_for(d.target)).get("overshoot")
    if (
        value is not None
        and overshoot
        and target.kind == actual.kind == "number"
        and target.value
        and target.direction in (">=", ">", "=", "")
        and target.unit == actual.unit
        and actual.value >= target.value * (1 + Decimal(str(overshoot["percent"])) / 100)
    ):
        value = max(Decimal(0), value - Decimal(str(overshoot["penalty"])))
        rule += f"；实际超出目标 {overshoot['percent']}% 以上，扣 {overshoot['penalty']} 分（目标设定偏低）"
    note = scored.warning or ("" if value is not None else "需人工评分")
    return Result(d, value, inputs, note, f"{read}；{rule}" if rule else read, unmet=scored.unmet)


def _weighted_score(c: Completion, d: Derivation) -> Result:
    """指标得分 = 指标权重 × 得分系数 (forms that score by a coefficient, e.g. 重庆)."""
    inputs = _inputs(c, d)
    (_, weight), (_, coefficient) = inputs
    if weight is None or coefficient is None:
        return Result(d, None, inputs, "指标权重或得分系数为空")
    return Result(d, Decimal(weight) * Decimal(coefficient), inputs)


def _grade(c: Completion, d: Derivation) -> Result:
    """评价等次 from 总分 by the scoring scheme's bands (优/良/中/差)."""
    inputs = _inputs(c, d)
    total = inputs[0][1]
    return Result(
        d,
        grade_of(Decimal(total), c.scheme_for(d.target)) if total is not None else None,
        inputs,
        "" if total is not None else "总分为空",
    )


KINDS = {
    "sum": _sum,
    "column_sum": _table_cell,
    "ratio": _ratio,
    "budget_score": _budget_score,
    "total_score": _total_score,
    "grade": _grade,
    "indicator_score": _indicator_score,
    "weighted_score": _weighted_score,
}
