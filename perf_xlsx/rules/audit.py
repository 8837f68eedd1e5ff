"""The audit context (审核上下文): what rule kinds look at, and how they record findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median_low
from typing import Any

from .. import keys
from ..derive import Completion, Result, rounded
from ..figures import Figure
from ..labels import clean
from ..layout import YUAN, describe_key
from ..model import Institution, Slot
from ..report import Finding
from ..scoring import scheme_texts
from ..tables import same_institution
from ..writing import formula_text, inputs_text, value_text
from .catalogue import Rule, load_rules
from .params import UnitSlip, UnitSlipSize
from .tolerance import ZERO, classify, half, half_unit, own_half


@dataclass
class LastYear:
    """Last year's workbook beside this year's (--last-year): its completion, the two files as named in the
    messages, and both years' scores (总分, 等次)."""

    completion: Completion
    file: str
    last_file: str
    scores: dict = field(default_factory=dict)
    last_scores: dict = field(default_factory=dict)


class Audit:
    """One workbook's completion and figures, plus the findings the rules record; `last`: last year's
    workbook, for the 与上年 rules (None in a single-workbook audit)."""

    def __init__(self, completion: Completion, figures: dict[str, Figure], last: LastYear | None = None):
        self.completion = completion
        self.figures = figures
        self.last = last
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, str | None, str | None]] = set()
        self._slipped: set[str] = set()
        self.rules = {r.id: r for r in load_rules()}

    def _slips(self) -> Rule[UnitSlip]:
        """The `unit-slip` rule, whose ratio and hints every 元/万元 rule shares."""
        rule = self.rules["unit-slip"]
        assert isinstance(rule.params, UnitSlip), 'unit-slip 应为 kind = "unit-slip"'
        return rule

    def _size_rule(self) -> Rule[UnitSlipSize] | None:
        rule = self.rules.get("unit-slip-size")
        return rule if rule is not None and isinstance(rule.params, UnitSlipSize) else None

    # ---- values --------------------------------------------------------------------------------
    def slot(self, key: str) -> Slot | None:
        return self.completion.filing.slots.get(key)

    def shown(self, key: str) -> Any:
        return self.completion.shown(key) if key in self.completion.filing.slots else None

    def label(self, key: str) -> str:
        slot = self.slot(key)
        return slot.label if slot else describe_key(key)

    def text(self, value, key: str | None = None) -> str:
        """A value as messages show it (see writing.value_text), in the unit of the sheet of `key`'s cell."""
        return value_text(value, *self.unit_of(self.slot(key) if key else None)) if value is not None else "空"

    @staticmethod
    def unit_of(slot: Slot | None) -> tuple[str, Decimal]:
        """(type, scale) a slot's values are shown with; amounts of an unknown cell in 万元."""
        if slot is None:
            return "amount", Decimal(1)
        return slot.type, slot.scale

    @staticmethod
    def round_score(value) -> Decimal:
        return rounded(Decimal(value), "score")

    def twin(self, inst: Institution, rows: list[Institution]) -> Institution | None:
        """The same 机构 in another table (see tables.same_institution)."""
        own = next((t for t in self.completion.filing.tables.values() if inst in t), [])
        return same_institution(inst, [i for i in own if not i.is_summary], rows)

    def figure_slot(self, fig: Figure) -> Slot | None:
        """Where a figure is reported: its own cell on a form, else its first input's cell."""
        keys = [i["key"] for i in fig.inputs if i.get("key")]
        for slot in self.completion.filing.slots.values():
            if fig.cell and slot.where == fig.cell:
                return slot
        return self.slot(keys[0]) if keys else None

    def identities(self) -> list[Result]:
        """Every derivation's result, then every audit-only identity (summary rows' own identities)."""
        checks = [self.completion.check(d) for d in self.completion.filing.checks]
        return list(self.completion.results.values()) + checks

    def duplicate_projects(self) -> dict[str, str]:
        """Project sheets that repeat an earlier one (same 项目名称, 实施单位 and 全年执行数, as a copied
        sheet does): {duplicate's prefix: the first one's prefix}."""
        first: dict[tuple, str] = {}
        duplicates = {}
        for prefix in self.completion.filing.projects:
            name, actual = self.shown(keys.head(prefix, "name")), self.shown(keys.money_total(prefix, "actual"))
            if not name or actual is None:
                continue
            implementer = self.shown(keys.head(prefix, "implementer"))  # two projects of one name, two units
            key = (clean(str(name)), Decimal(actual), clean(str(implementer or "")))
            if key in first:
                duplicates[prefix] = first[key]
            else:
                first[key] = prefix
        return duplicates

    # ---- comparing -----------------------------------------------------------------------------
    def outcome(self, left: str, right: str) -> str | None:
        diff = Decimal(self.shown(left)) - Decimal(self.shown(right))
        return classify(diff, *self.twin_tolerance(left, right))

    def twin_tolerance(self, left: str, right: str) -> tuple[Decimal, Decimal]:
        """(own, envelope) of two figures that should be equal: either side's rounding alone is no
        finding (a 元-exact figure against its 2-decimal 万元 twin is 一致), both together are 尾差."""
        a, b = half(self.completion, left), half(self.completion, right)
        return max(a, b), a + b

    def compare(self, rule: Rule, left: str, right: str) -> None:
        """left = right, within the rounding envelope of both (see tolerance.py)."""
        a, b = self.shown(left), self.shown(right)
        if a is None or b is None:
            return
        diff = Decimal(a) - Decimal(b)
        own, envelope = self.twin_tolerance(left, right)
        outcome = classify(diff, own, envelope)
        if outcome is None:
            return
        slot = self.slot(left)
        if outcome == "error" and self._slip_between(left, right):
            return
        self.finding(
            rule,
            slot,
            stated=a,
            computed=b,
            difference=diff,
            tolerance=envelope,
            severity=None if outcome == "error" else "rounding",
            formula=f"{slot.label} = {self.label(right)}：{self.text(a, left)} − {self.text(b, left)} = "
            f"{self.text(diff, left)}",
        )

    # ---- 元/万元 --------------------------------------------------------------------------------
    def explain_slip(self, result: Result, slot: Slot) -> bool:
        """Is a broken identity explained by one amount typed in the wrong unit? Then report that instead.

        On a 万元 sheet the slip is an amount typed in 元 (10,000× too big), on a 元 sheet one typed in
        万元 (10,000× too small). With that amount converted the identity must hold within the envelope
        plus the 万元 half-cent, and the converted amount must itself exceed that tolerance: otherwise
        "typed in 元" cannot be told from "left out" (an omitted institution is not a slip).
        """
        factor = self._slips().params.ratio
        stated, computed = Decimal(slot.value), Decimal(result.value)
        envelope = own_half(slot) + sum(
            (abs(Decimal(w)) * half(self.completion, k) for k, w in result.derivation.inputs), ZERO
        )
        tolerance = envelope + half_unit(2)
        if slot.key in self._slipped or any(k in self._slipped for k, _ in result.derivation.inputs):
            return True
        total_factor = factor if slot.scale != YUAN else 1 / factor  # what the total's slip multiplies by
        if (
            computed != 0
            and min(abs(stated), abs(stated / total_factor)) > tolerance
            and abs(stated / total_factor - computed) <= tolerance
        ):
            self.slip(slot.key, computed, total_factor)
            return True
        for key, weight in result.derivation.inputs:
            part = self.slot(key)
            value = self.shown(key)
            if part is None or not self.completion.uses_stated(key) or not value:
                continue
            part_factor = factor if part.scale != YUAN else 1 / factor
            if min(abs(Decimal(value)), abs(Decimal(value) / part_factor)) <= tolerance:
                continue
            fixed = computed - Decimal(weight) * Decimal(value) + Decimal(weight) * Decimal(value) / part_factor
            if abs(stated - fixed) <= tolerance:
                self.slip(key, Decimal(value) / part_factor, part_factor)
                return True
        return False

    def _slip_between(self, left: str, right: str) -> bool:
        """Two figures that should be equal but are 10,000× apart: the big one typed in 元 on a 万元
        sheet, or the small one in 万元 on a 元 sheet. When both could be, the department's size
        decides (a 元-sized big one is the slip)."""
        factor = self._slips().params.ratio
        a, b = Decimal(self.shown(left)), Decimal(self.shown(right))
        envelope = half(self.completion, left) + half(self.completion, right)
        tolerance = envelope + half_unit(2)
        for big, value, small, other in ((left, a, right, b), (right, b, left, a)):
            if other == 0 or abs(value) <= factor * tolerance or abs(value / factor - other) > tolerance:
                continue
            big_slot, small_slot = self.slot(big), self.slot(small)
            inflated = big_slot is not None and self.completion.uses_stated(big) and big_slot.scale != YUAN
            deflated = small_slot is not None and self.completion.uses_stated(small) and small_slot.scale == YUAN
            if deflated and (not inflated or self.yuan_sized(value) is False):
                self.slip(small, value, 1 / factor)
                return True
            if inflated:
                self.slip(big, other, factor)
                return True
        return False

    def department_size(self) -> Decimal | None:
        """本部门资金规模 (万元): the median of the department totals named by unit-slip-size's `reference`
        (low median: one total typed in 元 does not move it); None when unknown or two disagree wildly."""
        if not hasattr(self, "_size"):
            rule = self._size_rule()
            values = sorted(
                abs(Decimal(v))
                for k in (rule.params.reference if rule else ())
                if (v := self.shown(k)) is not None and Decimal(v) != 0
            )
            ambiguous = not values or (len(values) == 2 and values[1] > 100 * values[0])
            self._size = None if ambiguous else median_low(values)
        return self._size

    def yuan_sized(self, value) -> bool | None:
        """Is an amount (万元) a 元-sized number for this department (≥ size_ratio × its size)? None: unknown."""
        size, rule = self.department_size(), self._size_rule()
        if size is None or rule is None:
            return None
        return abs(Decimal(value)) >= rule.params.size_ratio * size

    def slip(self, key: str, expected, ratio, rule: Rule | None = None) -> None:
        """Report `key` as typed in the wrong unit (once, whichever rule sees it first): `ratio` is how
        many times too big it is (10,000: typed in 元 on a 万元 sheet; 1/10,000: in 万元 on a 元 sheet)."""
        if key in self._slipped:
            return
        self._slipped.add(key)
        slot = self.slot(key)
        slips = self._slips()
        hint = slips.params.too_big if Decimal(ratio) >= 1 else slips.params.too_small
        self.finding(
            rule or slips,
            slot,
            stated=slot.value,
            computed=Decimal(expected),
            detail=f"{Decimal(ratio).quantize(Decimal(1), ROUND_HALF_UP):,}",
            fields={"hint": hint},
        )

    def peer_groups(self) -> list[list[str]]:
        """Amounts that should be of one size: a column of a 收支情况 table; a row of a money matrix."""
        groups: dict[tuple, list[str]] = {}
        for key, slot in self.completion.filing.slots.items():
            if (
                slot.type != "amount" or not slot.stated or not slot.found or key in self._slipped or slot.scale == YUAN
            ):  # on a 元 sheet a slip makes an amount smaller, not bigger
                continue
            parts = keys.split(key)
            if parts[0] == "ie" and parts[2] != "summary":
                group = (parts[0], parts[1], parts[3])
            elif len(parts) == 4 and parts[1] in ("funds", "money"):
                group = (parts[0], parts[1], parts[2])
            else:
                continue
            groups.setdefault(group, []).append(key)
        return list(groups.values())

    # ---- recording -----------------------------------------------------------------------------
    def cannot(self, rule: Rule, key: str, missing: list[str]) -> None:
        """A rule that cannot be evaluated says so once (one 提示)."""
        self.finding(
            rule, self.slot(key), severity="warning", message=f"无法检查“{rule.title}”：缺少{'、'.join(missing)}"
        )

    def finding(
        self,
        rule: Rule,
        slot: Slot | None,
        *,
        stated=None,
        computed=None,
        difference=None,
        tolerance=None,
        result: Result | None = None,
        severity: str | None = None,
        message: str | None = None,
        formula: str | None = None,
        detail: str = "",
        label: str | None = None,
        value_type: str | None = None,
        fields: dict[str, str] | None = None,
        template: str | None = None,
        last: tuple[str, Slot | None] | None = None,
    ) -> None:
        """Record a finding at `slot`; its values are shown as the slot's type in its sheet's unit, or as
        `value_type` (e.g. a §1 rate reported at a cell of another type). Values stay numbers. `fields`:
        a kind's own placeholders of the message template, as text (named in rules.toml's header; the active
        scheme's {grades}, {weights} and {qualitative} are always there, see scoring.scheme_texts); `template`:
        another template of the rule in place of its message (e.g. stated-total-score's capped_message); `last`:
        (last year's file, its cell) a 与上年 finding compares with."""
        sheet = slot.sheet if slot is not None else None
        cell = slot.cell if slot is not None else None
        if (rule.id, sheet, cell) in self._seen:
            return
        self._seen.add((rule.id, sheet, cell))
        unit = (value_type, Decimal(1)) if value_type else self.unit_of(slot)
        label = label or (slot.label if slot is not None else "")
        if formula is None and result is not None:
            formula = f"{formula_text(self.completion, result)}：{inputs_text(self.completion, result.inputs)}"
        shown = {
            name: value_text(value, *unit)
            for name, value in (
                ("stated", stated),
                ("computed", computed),
                ("difference", difference),
                ("tolerance", tolerance),
            )
        }
        values = {
            "label": label,
            "where": f"{sheet}!{cell}" if cell else (sheet or ""),
            **shown,
            "formula": formula_text(self.completion, result) if result is not None else "",
            "detail": detail,
            **scheme_texts(self.completion.scheme),
            **(fields or {}),
        }
        text = message or (template or rule.message).format(**values)
        if severity == "rounding":
            text += "，在舍入允许范围内（尾差）"
        self.findings.append(
            Finding(
                rule=rule.id,
                severity=severity or rule.severity,
                sheet=sheet,
                cell=cell,
                message=text,
                labels=[label] if label else [],
                stated=stated,
                computed=computed,
                difference=difference,
                tolerance=tolerance,
                value_type=unit[0],
                scale=unit[1],
                title=rule.title,
                formula=formula or "",
                last_file=last[0] if last else None,
                last_sheet=last[1].sheet if last and last[1] is not None else None,
                last_cell=last[1].cell if last and last[1] is not None else None,
            )
        )
