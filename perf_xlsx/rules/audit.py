"""The audit context (审核上下文): what rule kinds look at, and how they record findings."""
from __future__ import annotations

from decimal import Decimal

from ..derive import Completion, Result, rounded
from ..figures import Figure
from ..reading import same_institution
from ..layout import describe_key
from ..model import Institution, Slot
from ..report import Finding
from ..writing import formula_text, inputs_text, value_text
from .catalogue import Rule, load_rules
from .tolerance import ZERO, classify, half, half_unit, own_half


class Audit:
    """One workbook's completion and figures, plus the findings the rules record."""

    def __init__(self, completion: Completion, figures: dict[str, Figure]):
        self.completion = completion
        self.figures = figures
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, str | None, str | None]] = set()
        self._slipped: set[str] = set()
        self.rules = {r.id: r for r in load_rules()}

    # ---- values --------------------------------------------------------------------------------
    def slot(self, key: str) -> Slot | None:
        return self.completion.filing.slots.get(key)

    def shown(self, key: str):
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
        """The same 机构 in another table (see reading.same_institution)."""
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
        self.finding(rule, slot, stated=a, computed=b, difference=diff, tolerance=envelope,
                     severity=None if outcome == "error" else "rounding",
                     formula=f"{slot.label} = {self.label(right)}：{self.text(a, left)} − {self.text(b, left)} = "
                             f"{self.text(diff, left)}")

    # ---- 元/万元 --------------------------------------------------------------------------------
    def explain_slip(self, result: Result, slot: Slot) -> bool:
        """Is a broken identity explained by one amount typed in 元 (10,000×)? Then report that instead.

        The identity with that amount ÷ 10,000 must hold within the envelope plus the half-cent of the
        converted amount, and the converted amount must itself exceed that tolerance: otherwise
        "typed in 元" cannot be told from "left out" (an omitted institution is not a slip).
        """
        factor = Decimal(self.rules["unit-slip"].get("ratio"))
        stated, computed = Decimal(slot.value), Decimal(result.value)
        envelope = own_half(slot) + sum((abs(Decimal(w)) * half(self.completion, k) for k, w in result.derivation.inputs),
                                        ZERO)
        tolerance = envelope + half_unit(2)
        if slot.key in self._slipped or any(k in self._slipped for k, _ in result.derivation.inputs):
            return True
        if abs(stated) > factor * tolerance and computed != 0 and abs(stated / factor - computed) <= tolerance:
            self.slip(slot.key, computed, factor)
            return True
        for key, weight in result.derivation.inputs:
            part = self.slot(key)
            value = self.shown(key)
            if part is None or not part.stated or not value or abs(Decimal(value)) <= factor * tolerance:
                continue
            fixed = computed - Decimal(weight) * Decimal(value) + Decimal(weight) * Decimal(value) / factor
            if abs(stated - fixed) <= tolerance:
                self.slip(key, Decimal(value) / factor, factor)
                return True
        return False

    def _slip_between(self, left: str, right: str) -> bool:
        factor = Decimal(self.rules["unit-slip"].get("ratio"))
        a, b = Decimal(self.shown(left)), Decimal(self.shown(right))
        envelope = half(self.completion, left) + half(self.completion, right)
        tolerance = envelope + half_unit(2)
        for key, value, other in ((left, a, b), (right, b, a)):
            slot = self.slot(key)
            if slot is not None and slot.stated and other != 0 and abs(value) > factor * tolerance \
                    and abs(value / factor - other) <= tolerance:
                self.slip(key, other, factor)
                return True
        return False

    def slip(self, key: str, expected, ratio, rule: Rule | None = None) -> None:
        """Report `key` as typed in 元 (once, whichever rule sees it first)."""
        if key in self._slipped:
            return
        self._slipped.add(key)
        slot = self.slot(key)
        self.finding(rule or self.rules["unit-slip"], slot, stated=slot.value, computed=Decimal(expected),
                     detail=f"{Decimal(ratio):,.0f}")

    def peer_groups(self) -> list[list[str]]:
        """Amounts that should be of one size: a column of a 收支情况 table; a row of a money matrix."""
        groups: dict[tuple, list[str]] = {}
        for key, slot in self.completion.filing.slots.items():
            if slot.type != "amount" or not slot.stated or not slot.found or key in self._slipped:
                continue
            parts = key.split(".")
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
        self.finding(rule, self.slot(key), severity="warning",
                     message=f"无法检查“{rule.title}”：缺少{'、'.join(missing)}")

    def finding(self, rule: Rule, slot: Slot | None, *, stated=None, computed=None, difference=None, tolerance=None,
                result: Result | None = None, severity: str | None = None, message: str | None = None,
                formula: str | None = None, detail: str = "", label: str | None = None) -> None:
        sheet = slot.sheet if slot is not None else None
        cell = slot.cell if slot is not None else None
        if (rule.id, sheet, cell) in self._seen:
            return
        self._seen.add((rule.id, sheet, cell))
        unit = self.unit_of(slot)
        label = label or (slot.label if slot is not None else "")
        if formula is None and result is not None:
            formula = f"{formula_text(self.completion, result)}：{inputs_text(self.completion, result.inputs)}"
        shown = {name: value_text(value, *unit) for name, value in
                 (("stated", stated), ("computed", computed), ("difference", difference), ("tolerance", tolerance))}
        values = {"label": label, "where": f"{sheet}!{cell}" if cell else (sheet or ""), **shown,
                  "formula": formula_text(self.completion, result) if result is not None else "", "detail": detail}
        text = message or rule.message.format(**values)
        if severity == "rounding":
            text += "，在舍入允许范围内（尾差）"
        self.findings.append(Finding(
            rule=rule.id, severity=severity or rule.severity, sheet=sheet, cell=cell,
            message=text, labels=[label] if label else [],
            stated=stated, computed=computed, difference=difference, tolerance=tolerance, shown=shown,
            title=rule.title, formula=formula or ""))
