"""What the families share (通用): Decimal rounding, rates, grades, and a performance indicator (绩效指标).

Every derived number of a fixture is computed here or in a family module from the inputs, never typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.worksheet.worksheet import Worksheet

D = Decimal
CENT = D("0.01")
Figure = Decimal | str | None
"""A figure as stated on a form: an amount, rate (in percent) or score; a grade or text; or blank."""


def r2(value: Decimal) -> Decimal:
    """Two decimals, half up (四舍五入), as every stated amount, rate and score is shown."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole, unrounded; 0 when whole is 0 (what IFERROR(…,0) shows on a clerk's sheet)."""
    return part / whole if whole else D(0)


def percent(fraction: Decimal) -> Decimal:
    """A fraction as the percentage shown on the form, two decimals (0.945665 → 94.57)."""
    return r2(fraction * 100)


def grade(total: Decimal) -> str:
    """等次 of the national scheme: ≥90 优, ≥80 良, ≥60 中, else 差."""
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def amount(text: str | None) -> Decimal | None:
    return None if text is None else D(text)


@dataclass(frozen=True)
class Indicator:
    """One row of an indicator table (绩效指标): 一级/二级/三级指标, target and actual as printed, points.

    `rule` says how it is scored: "≥" 正向 (points × min(done/goal, 1)), "≤" 反向 (full when done ≤ goal,
    else points × goal/done), "时效" (deadline met: full points), "定性" (the clerk's `judged` score).
    """

    level1: str
    level2: str
    name: str
    target: str
    actual: str
    points: Decimal
    rule: str
    goal: Decimal | None = None
    done: Decimal | None = None
    judged: Decimal | None = None
    reason: str = ""

    def fraction(self) -> Decimal:
        """The share of the points earned, unrounded."""
        if self.rule == "≥":
            assert self.goal and self.done is not None
            return min(self.done / self.goal, D(1))
        if self.rule == "≤":
            assert self.goal is not None and self.done is not None
            return D(1) if self.done <= self.goal else self.goal / self.done
        if self.rule == "时效":
            return D(1)
        assert self.rule == "定性" and self.judged is not None
        return self.judged / self.points

    def score(self) -> Decimal:
        """得分, two decimals."""
        if self.rule == "定性":
            assert self.judged is not None
            return self.judged
        return r2(self.points * self.fraction())


def quant(
    level1: str,
    level2: str,
    name: str,
    op: str,
    goal: str,
    done: str,
    unit: str,
    points: int,
    reason: str = "",
    *,
    signed: bool = True,
) -> Indicator:
    """A quantitative indicator: target `≥500人次` (op ≥ or ≤; `500人次` when not `signed`), actual `526人次`."""
    target = f"{op if signed else ''}{goal}{unit}"
    return Indicator(level1, level2, name, target, f"{done}{unit}", D(points), op, D(goal), D(done), reason=reason)


def due(level1: str, level2: str, name: str, target: str, actual: str, points: int) -> Indicator:
    """A deadline indicator (时效指标) met on time: full points."""
    return Indicator(level1, level2, name, target, actual, D(points), "时效")


def qual(
    level1: str, level2: str, name: str, target: str, actual: str, points: int, judged: str, reason: str = ""
) -> Indicator:
    """A qualitative indicator (定性指标), scored by the clerk within the band of its 达成 level."""
    return Indicator(level1, level2, name, target, actual, D(points), "定性", judged=D(judged), reason=reason)


@dataclass(frozen=True, kw_only=True)
class Form:
    """A filled form of some family (填好的表): content plus what the clerk typed wrongly, if anything.

    `typed` maps a field key to the value the clerk typed instead of the right one; figures computed
    from it use the typed value, as the clerk's own sums and formulas did. `truth()` is the same form
    filled correctly. Subclasses give `figures()`, `draw(ws)`, `label(key)` and `unit(key)`.
    """

    typed: Mapping[str, Figure] = field(default_factory=dict)
    mistake: str = ""  # short Chinese name of the mistake in `typed`

    family = ""

    def truth(self) -> Form:
        return replace(self, typed={}, mistake="")

    def stated(self, figures: dict[str, Figure], key: str, value: Decimal) -> Decimal:
        """Record figure `key`: the typed value if the clerk typed one, else `value`; return it."""
        found = self.typed.get(key, value)
        assert isinstance(found, Decimal), f"{key}: typed {found!r}"
        figures[key] = found
        return found

    def figures(self) -> dict[str, Figure]:
        raise NotImplementedError

    def draw(self, ws: Worksheet) -> dict[str, str]:
        raise NotImplementedError

    def label(self, key: str) -> str:
        raise NotImplementedError

    def unit(self, key: str) -> str:
        raise NotImplementedError
