"""Rounding tolerance (舍入容差) — the XBRL Calculations 1.1 round-to-nearest rule.

A stated value v with d decimals stands for [v − ½·10⁻ᵈ, v + ½·10⁻ᵈ] in the unit it is stated in
(the sheet's, or one typed in the cell: '1.2亿' is 1.20亿 ± 0.005亿); a value stored with more
decimals than it is shown with is exact. An identity T = Σ wᵢ·xᵢ holds iff the intervals meet:

    |T − Σ wᵢxᵢ| ≤ ½·10^(−d_T) + Σ |wᵢ|·½·10^(−dᵢ)

Within T's own half-unit: consistent (nothing reported); within the whole envelope: 尾差
(`rounding`); beyond it: inconsistent (the rule's severity). All in Decimal, all in 万元.
"""

from __future__ import annotations

from decimal import Decimal

from ..derive import Completion
from ..model import Slot
from ..numbers import typed_amount_unit

#: Decimals a value of each type is shown with, when its number format does not say.
DECLARED = {"amount": 2, "area": 2, "score": 2, "rate": 4, "count": None}
ZERO = Decimal(0)


def half_unit(decimals: int) -> Decimal:
    """½·10⁻ᵈ."""
    return Decimal(5).scaleb(-(decimals + 1))


def own_half(slot: Slot | None) -> Decimal:
    """Half-width of a stated value's interval, in canonical units (万元, fraction); 0 when exact."""
    if slot is None or slot.value is None or not isinstance(slot.value, (Decimal, int)):
        return ZERO
    declared = DECLARED.get(slot.type)
    if declared is None:  # head counts are exact
        return ZERO
    if slot.type == "rate" and isinstance(slot.raw, str):  # as typed: '87%' is 87% ± 0.5%
        return half_unit((slot.decimals or 0) + 2)  # decimals typed in percent, +2 for the fraction
    shown = slot.format_decimals if slot.format_decimals is not None else declared
    if slot.type == "rate":  # a rate is rounded where its digits end, shown or stored: 0.8757 under 0% is 87.57%
        return half_unit(max(shown, slot.decimals or 0))
    if slot.decimals is not None and slot.decimals > shown:
        return ZERO  # Excel hides digits: the stored value is what was meant
    typed = typed_amount_unit(slot.raw) if slot.type == "amount" else None
    return half_unit(shown) * (typed or slot.scale)


def half(completion: Completion, key: str) -> Decimal:
    """Half-width of the value the form shows at `key`: a stated one's own, a computed sum's propagated
    (also for a stated value set aside as wrong: the computed one stands in for it)."""
    slot = completion.filing.slots.get(key)
    if completion.uses_stated(key):
        return own_half(slot)
    result = completion.results.get(key)
    if result is None or result.derivation.kind not in ("sum", "column_sum"):
        return ZERO
    return sum((abs(Decimal(w)) * half(completion, k) for k, w in result.derivation.inputs), ZERO)


def classify(difference: Decimal, own: Decimal, envelope: Decimal) -> str | None:
    """None (一致), "rounding" (尾差) or "error" (不一致)."""
    gap = abs(difference)
    if gap <= own:
        return None
    if gap <= envelope:
        return "rounding"
    return "error"


def ratio_interval(num: Decimal, num_half: Decimal, den: Decimal, den_half: Decimal) -> tuple[Decimal, Decimal] | None:
    """[min, max] of n/d over the two intervals; None when the denominator interval holds 0."""
    lows, highs = num - num_half, num + num_half
    dlow, dhigh = den - den_half, den + den_half
    if dlow <= 0 <= dhigh:
        return None
    corners = [lows / dlow, lows / dhigh, highs / dlow, highs / dhigh]
    return min(corners), max(corners)
