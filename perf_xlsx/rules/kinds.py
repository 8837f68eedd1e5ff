"""Rule kinds (规则类型): one pure function each, (rule, audit) → findings.

A kind never raises for missing data: a check whose inputs are all blank has nothing to check and
says nothing; one with some inputs but not the ones it needs says so once (Audit.cannot).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal
from fnmatch import translate
from statistics import median
from typing import Any

from .. import keys
from ..derive import rounded, score_sum
from ..layout import YUAN
from ..model import Slot
from ..numbers import typed_amount_unit
from ..scoring import in_block, load_scheme, named_band, scheme_weights
from .audit import Audit
from .catalogue import Rule
from .params import (
    AtMost,
    DuplicateProject,
    EmptyBlock,
    Equals,
    FigureLimit,
    Identity,
    Negative,
    NoReason,
    OverWeight,
    Projects,
    QualitativeBand,
    Required,
    RowsEqual,
    UnitSlip,
    UnitSlipPeers,
    UnitSlipSize,
    Unscored,
    Weights,
    ZeroQuota,
)
from .tolerance import ZERO, classify, half, own_half, ratio_interval

SCORE_GAP = Decimal("0.01")


def _matches(key: str, patterns) -> bool:
    """The key matches one of the glob patterns (fnmatchcase: `proj*.money.*.rate`)."""
    return _globs(tuple(patterns)).match(key) is not None


@functools.cache
def _globs(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """The glob patterns as one compiled pattern (compiled once per rule parameter)."""
    return re.compile("|".join(f"(?:{translate(p)})" for p in patterns) or "(?!)")


# ---- identities ---------------------------------------------------------------------------------
def identity(rule: Rule[Identity], audit: Audit) -> None:
    """A stated derived value agrees with its derivation (sum, ratio, score, grade)."""
    p = rule.params
    for result in audit.identities():
        d = result.derivation
        if d.kind not in p.derivations or not _matches(d.target, p.targets):
            continue
        slot = audit.slot(d.target)
        if slot is None or not slot.found or not slot.stated:
            continue
        if d.kind == "indicator_score" and result.unmet:
            _full_score_for_unmet(rule, audit, result, slot)
        if result.value is None or _followed(audit, result, slot) is not None:
            continue  # one that followed a value found wrong is follows-wrong's
        if _times_actual(result, slot) is not None:
            continue  # scored 分值 × 实际值: score-times-actual's, which names the formula
        if d.kind in ("sum", "column_sum"):
            _sum_identity(rule, audit, result, slot)
        elif d.kind == "ratio":
            _ratio_identity(rule, audit, result, slot)
        elif d.kind in ("budget_score", "total_score", "indicator_score"):
            computed = audit.round_score(result.value)
            if abs(Decimal(slot.value) - computed) > SCORE_GAP:
                audit.finding(
                    rule,
                    slot,
                    stated=slot.value,
                    computed=computed,
                    difference=Decimal(slot.value) - computed,
                    tolerance=SCORE_GAP,
                    result=result,
                    **_capped(rule, audit, result),
                )
        elif d.kind == "grade" and str(slot.value).strip() != result.value:
            audit.finding(rule, slot, stated=slot.value, computed=result.value, result=result)


def _full_score_for_unmet(rule: Rule[Identity], audit: Audit, result, slot) -> None:
    """An indicator the clerk scored in full though it is known not to reach its target (late, at a
    strict bound, written as 未完成): a 提示 saying why, as a blank 得分 would have got."""
    weight = result.inputs[2][1] if len(result.inputs) > 2 else None
    if weight is None or not isinstance(slot.value, (Decimal, int)) or Decimal(slot.value) < Decimal(weight):
        return
    audit.finding(
        rule,
        slot,
        stated=slot.value,
        result=result,
        message=f"{slot.label} 填报满分 {audit.text(slot.value, slot.key)}，但{result.note}；请确认评分依据",
    )


def _capped(rule: Rule[Identity], audit: Audit, result) -> dict:
    """A 总分 the scheme caps (总分封顶 by 预算执行率): the rule's `capped_message`, saying the sum before the cap
    and why it is capped, in place of its message; {} otherwise."""
    summed = score_sum(result.inputs) if result.derivation.kind == "total_score" else None
    if summed is None or summed == result.value or not rule.params.capped_message:
        return {}
    return {
        "template": rule.params.capped_message,
        "fields": {"sum": audit.text(summed, result.key), "cap": result.note},
    }


def _sum_identity(rule, audit: Audit, result, slot) -> None:
    stated, computed = Decimal(slot.value), Decimal(result.value)
    own = own_half(slot)
    envelope = own + sum((abs(Decimal(w)) * half(audit.completion, k) for k, w in result.derivation.inputs), ZERO)
    outcome = classify(stated - computed, own, envelope)
    if outcome is None:
        return
    if outcome == "error" and audit.explain_slip(result, slot):
        return
    audit.finding(
        rule,
        slot,
        stated=stated,
        computed=computed,
        difference=stated - computed,
        tolerance=envelope,
        result=result,
        severity=None if outcome == "error" else "rounding",
    )


def _ratio_identity(rule, audit: Audit, result, slot) -> None:
    (num_key, _), (den_key, _) = result.derivation.inputs
    num, den = audit.shown(num_key), audit.shown(den_key)
    stated, exact = Decimal(slot.value), Decimal(result.value)
    own = own_half(slot)
    if abs(stated - exact) <= own:
        return
    interval = ratio_interval(
        Decimal(num), half(audit.completion, num_key), Decimal(den), half(audit.completion, den_key)
    )
    meets = interval is not None and stated - own <= interval[1] and stated + own >= interval[0]
    tolerance = own + (max(abs(interval[0] - exact), abs(interval[1] - exact)) if interval else ZERO)
    audit.finding(
        rule,
        slot,
        stated=stated,
        computed=exact,
        difference=stated - exact,
        tolerance=tolerance,
        result=result,
        severity="rounding" if meets else None,
    )


# ---- 随填错的数而错 ---------------------------------------------------------------------------------
SCORE_KINDS = ("budget_score", "total_score", "indicator_score")


def follows_wrong(rule: Rule, audit: Audit) -> None:
    """A stated derived value that agrees with its formula on the values as typed, but not on the values
    found wrong replaced by their computed ones (api._set_aside): it followed a wrong value, as a
    预算执行得分 typed for a wrong 执行率 does. Reported at its own cell, with the value it should have."""
    for result in list(audit.completion.results.values()):
        slot = audit.slot(result.key)
        typed = _followed(audit, result, slot)
        if typed is None or slot is None:
            continue
        score = result.derivation.kind in SCORE_KINDS
        computed = audit.round_score(result.value) if score else _dec(result.value)
        sources = _wrong_sources(audit, result.derivation, set())
        audit.finding(
            rule,
            slot,
            stated=_dec(slot.value),
            computed=computed,
            difference=_dec(slot.value) - computed,
            result=result,
            detail="、".join(f"{s.label}[{s.where}] {audit.text(s.value, s.key)}" for s in sources) or "填错的数",
            fields={"typed": audit.text(typed, slot.key)},
        )


def _followed(audit: Audit, result, slot) -> Decimal | None:
    """What a stated derived cell comes to on the values as typed, when it agrees with that and not with
    its formula on the values found wrong replaced (it followed a wrong value); None otherwise. Judged by
    the cell's own derivation, also when `result` is an audit-only identity of it (a summary row's 结余)."""
    c = audit.completion
    if not c.set_aside or c.as_typed is None or slot is None or not slot.found or not slot.stated:
        return None
    result, before = c.results.get(result.key), c.as_typed.results.get(result.key)
    if (
        result is None
        or result.value is None
        or before is None
        or before.value is None
        or not isinstance(slot.value, (Decimal, int))
    ):
        return None
    stated = _dec(slot.value)
    if result.derivation.kind in SCORE_KINDS:
        typed, now = audit.round_score(before.value), audit.round_score(result.value)
        typed_gap = now_gap = SCORE_GAP
    elif result.derivation.kind in ("sum", "column_sum", "ratio"):
        typed, now = _dec(before.value), _dec(result.value)
        typed_gap, now_gap = _envelope(c.as_typed, result.derivation, slot), _envelope(c, result.derivation, slot)
    else:
        return None
    return typed if abs(stated - typed) <= typed_gap and abs(stated - now) > now_gap else None


def _dec(value: object) -> Decimal:
    """A number as Decimal (values of amounts, rates and scores are Decimal or int)."""
    if not isinstance(value, (Decimal, int)):
        raise TypeError(f"not a number: {value!r}")
    return Decimal(value)


def _envelope(completion, derivation, slot) -> Decimal:
    """How far a stated sum or ratio may be from its formula's value by rounding alone (see tolerance.py)."""
    if derivation.kind == "ratio":
        (num_key, _), (den_key, _) = derivation.inputs
        num, den = completion.shown(num_key), completion.shown(den_key)
        if num is None or den is None or den == 0:
            return own_half(slot)
        exact = Decimal(num) / Decimal(den)
        interval = ratio_interval(Decimal(num), half(completion, num_key), Decimal(den), half(completion, den_key))
        spread = max(abs(interval[0] - exact), abs(interval[1] - exact)) if interval else ZERO
        return own_half(slot) + spread
    return own_half(slot) + sum((abs(Decimal(w)) * half(completion, k) for k, w in derivation.inputs), ZERO)


def _wrong_sources(audit: Audit, derivation, seen: set[str]) -> list:
    """The stated values found wrong (set aside) that a derivation is built on, through computed values."""
    c = audit.completion
    inputs = [k for k, _ in derivation.inputs]
    if derivation.kind == "total_score":  # capped by the 执行率 of its form
        inputs.append(keys.money_total(keys.prefix(derivation.target), "rate"))
    out = []
    for key in inputs:
        if key in seen:
            continue
        seen.add(key)
        if key in c.set_aside:
            out.append(audit.slot(key))
        elif not c.uses_stated(key) and key in c.results:
            out += _wrong_sources(audit, c.results[key].derivation, seen)
    return out


def rows_equal(rule: Rule[RowsEqual], audit: Audit) -> None:
    """The same institution's value in two tables agrees (支出合计 = 收入合计)."""
    left_table, left_col = keys.table_column(rule.params.left)
    right_table, right_col = keys.table_column(rule.params.right)
    rights = audit.completion.filing.tables.get(right_table, [])
    for inst in audit.completion.filing.tables.get(left_table, []):
        twin = audit.twin(inst, rights)
        if twin is None:
            continue
        audit.compare(rule, inst.slots[left_col], twin.slots[right_col])


def equals(rule: Rule[Equals], audit: Audit) -> None:
    """Two fields on different sheets agree; with `right_any`, the left agrees with one of them."""
    left = rule.params.left
    rights = rule.params.right_any or (rule.params.right,)
    if audit.slot(left) is None:
        return
    if rule.params.both_forms and any(audit.slot(r) is None for r in rights):
        return  # a check between two forms a workbook need not both hold (e.g. the 自评报告's tables)
    present = [r for r in rights if audit.shown(r) is not None]
    if audit.shown(left) is None:
        if present and audit.slot(left).found:  # one side given, the other blank: say so once
            audit.cannot(rule, left, [audit.label(left)])
        return
    if not present:
        audit.cannot(rule, left, [audit.label(r) for r in rights])
        return
    if rule.params.right_any:
        outcomes = [audit.outcome(left, r) for r in present]
        if all(o == "error" for o in outcomes):
            audit.finding(
                rule,
                audit.slot(left),
                stated=audit.shown(left),
                computed="、".join(audit.text(audit.shown(r), left) for r in present),
            )
        return
    audit.compare(rule, left, present[0])


def at_most(rule: Rule[AtMost], audit: Audit) -> None:
    """Σ 其中各项 ≤ 总数 (a partial breakdown may be less, never more)."""
    for column in rule.params.columns:
        total_key = keys.join(rule.params.total, column)
        parts = [keys.join(p, column) for p in rule.params.parts]
        values = [audit.shown(p) for p in parts]
        total = audit.shown(total_key)
        if total is None or all(v is None for v in values):
            continue
        summed = sum((Decimal(v) for v in values if v is not None), ZERO)
        envelope = half(audit.completion, total_key) + sum((half(audit.completion, p) for p in parts), ZERO)
        if summed - Decimal(total) > envelope:
            audit.finding(
                rule,
                audit.slot(total_key),
                stated=total,
                computed=summed,
                difference=summed - Decimal(total),
                tolerance=envelope,
            )


def projects(rule: Rule[Projects], audit: Audit) -> None:
    """Σ 各项目全年执行数 against the department's 项目支出; a duplicated sheet counts once."""
    repeated = audit.duplicate_projects()
    actuals = [keys.money_total(p, "actual") for p in audit.completion.filing.projects if p not in repeated]
    values = [audit.shown(k) for k in actuals]
    total_key = rule.params.total
    total = audit.shown(total_key)
    if total is None or all(v is None for v in values):
        return
    summed = sum((Decimal(v) for v in values if v is not None), ZERO)
    envelope = half(audit.completion, total_key) + sum((half(audit.completion, k) for k in actuals), ZERO)
    if abs(summed - Decimal(total)) > envelope:
        audit.finding(
            rule,
            audit.slot(total_key),
            stated=total,
            computed=summed,
            difference=summed - Decimal(total),
            tolerance=envelope,
        )


def duplicate_project(rule: Rule[DuplicateProject], audit: Audit) -> None:
    """A project sheet repeating an earlier one (a copied sheet left in)."""
    for prefix, original in audit.duplicate_projects().items():
        name = audit.slot(keys.head(prefix, "name"))
        first = audit.slot(keys.head(original, "name"))
        audit.finding(
            rule, name, stated=audit.shown(keys.head(prefix, "name")), detail=first.sheet if first else original
        )


# ---- 元/万元 --------------------------------------------------------------------------------------
def unit_slip(rule: Rule[UnitSlip], audit: Audit) -> None:
    """A broken identity that one amount typed in 元 (10,000×) explains: reported at that amount."""
    for result in audit.identities():
        slot = audit.slot(result.derivation.target)
        if (
            result.derivation.kind not in ("sum", "column_sum")
            or slot is None
            or not slot.stated
            or not slot.found
            or result.value is None
        ):
            continue
        stated, computed = Decimal(slot.value), Decimal(result.value)
        own = own_half(slot)
        envelope = own + sum((abs(Decimal(w)) * half(audit.completion, k) for k, w in result.derivation.inputs), ZERO)
        if classify(stated - computed, own, envelope) == "error":
            audit.explain_slip(result, slot)


def unit_slip_size(rule: Rule[UnitSlipSize], audit: Audit) -> None:
    """An amount on a 万元 sheet at least `size_ratio`× the department's size: a 元-sized number.
    Amounts with a unit typed in the cell ('300元') are read in that unit and not checked."""
    for key, slot in audit.completion.filing.slots.items():
        if (
            slot.type != "amount"
            or slot.scale == YUAN
            or not slot.stated
            or not slot.found
            or not slot.value
            or typed_amount_unit(slot.raw) is not None
            or _matches(key, rule.params.exclude)
        ):
            continue
        if audit.yuan_sized(slot.value):
            size = audit.department_size()
            audit.slip(key, size, abs(Decimal(slot.value)) / size, rule)


def unit_slip_peers(rule: Rule[UnitSlipPeers], audit: Audit) -> None:
    """An amount `peer_ratio`× the median of its peers (same column of a table, same row of a matrix):
    only plausible, so a 提示; a slip that breaks an identity is reported by `unit-slip` as 错误."""
    factor = rule.params.peer_ratio
    for group in audit.peer_groups():
        values = [(k, abs(Decimal(audit.slot(k).value))) for k in group]
        for key, value in values:
            others = [v for k, v in values if k != key and v != 0]
            if len(others) < 2 or value == 0:
                continue
            typical = Decimal(median(others))
            if typical > 0 and value >= factor * typical:
                audit.slip(key, typical, value / typical, rule)


# ---- 合理性 ---------------------------------------------------------------------------------------
def figure(rule: Rule[FigureLimit], audit: Audit) -> None:
    """A §1 figure above/below a limit, or more than `gap` points from another figure."""
    p = rule.params
    fig = audit.figures.get(p.figure)
    if fig is None or fig.value is None:
        return
    value = fig.percent
    where = audit.figure_slot(fig)
    if p.other:
        other = audit.figures.get(p.other)
        if other is None or other.value is None:
            return
        gap = abs(value - other.percent)
        if p.gap is not None and gap > p.gap:
            stated, computed = _shown_rate(fig.value), _shown_rate(other.value)
            audit.finding(
                rule,
                where,
                stated=stated,
                computed=computed,
                difference=stated - computed,
                detail=f"{gap:.2f}",
                value_type="rate",
            )
        return
    if (p.above is not None and value > p.above) or (p.below is not None and value < p.below):
        audit.finding(rule, where, stated=_shown_rate(fig.value), value_type="rate")


def _shown_rate(value) -> Decimal:
    """A §1 figure as the forms print it (2 decimals of a percent), kept as a number."""
    return rounded(Decimal(value), "rate")


def no_reason(rule: Rule[NoReason], audit: Audit) -> None:
    """A low 预算执行率 with no 偏差原因 written on the 整体支出绩效自评表."""
    fig = audit.figures.get(rule.params.figure)
    if fig is None or fig.value is None or fig.percent >= rule.params.below:
        return
    if any(i.reason.strip() for i in audit.completion.filing.indicators.get("dept", [])):
        return
    audit.finding(rule, audit.figure_slot(fig), stated=_shown_rate(fig.value), value_type="rate")


def negative(rule: Rule[Negative], audit: Audit) -> None:
    """A stated amount below zero where none can be."""
    for slot in audit.completion.filing.slots.values():
        if (
            slot.type == "amount"
            and slot.found
            and isinstance(slot.value, Decimal)
            and slot.value < 0
            and not _matches(slot.key, rule.params.allow)
        ):
            audit.finding(rule, slot, stated=slot.value)


def zero_quota(rule: Rule[ZeroQuota], audit: Audit) -> None:
    """编制数 0 with staff present."""
    quota, actual = audit.shown("basic.staff.quota"), audit.shown("basic.staff.actual")
    if quota == 0 and actual:
        audit.finding(rule, audit.slot("basic.staff.quota"), stated=actual)


def over_weight(rule: Rule[OverWeight], audit: Audit) -> None:
    """An indicator scored above its 分值."""
    for rows in audit.completion.filing.indicators.values():
        for ind in rows:
            if not ind.weight_key or not ind.score_key:
                continue
            weight, score = audit.shown(ind.weight_key), audit.shown(ind.score_key)
            if weight is not None and score is not None and Decimal(score) > Decimal(weight):
                audit.finding(
                    rule,
                    audit.slot(ind.score_key),
                    stated=score,
                    computed=weight,
                    difference=Decimal(score) - Decimal(weight),
                )


def coefficient(rule: Rule, audit: Audit) -> None:
    """得分系数 typed more than `gap` points above what the indicator's 实际完成值 gives (重庆: 指标得分 =
    指标权重 × 得分系数): full marks for a target clearly missed. The rule's coefficient is the one
    指标得分 would get per point of 权重 (正向 实际/目标, 反向 目标/实际, capped at 100%)."""
    from ..indicators import parse, score, with_direction

    gap = rule.params.gap / 100
    for prefix, rows in audit.completion.filing.indicators.items():
        scheme = load_scheme(audit.completion.scheme_for(prefix))
        for ind in rows:
            if not ind.coefficient_key or not ind.target_key or not ind.actual_key:
                continue
            stated = audit.shown(ind.coefficient_key)
            if stated is None:
                continue
            target = with_direction(parse(audit.shown(ind.target_key)), ind, scheme)
            actual = parse(audit.shown(ind.actual_key))
            scored = score(target, actual, Decimal(100))
            if scored.score is None:
                continue
            computed = scored.score / 100
            if Decimal(stated) - computed > gap:
                audit.finding(
                    rule,
                    audit.slot(ind.coefficient_key),
                    stated=stated,
                    computed=computed,
                    difference=Decimal(stated) - computed,
                    label=ind.level3,
                    detail=f"指标值“{target.text}”，完成值“{actual.text}”",
                )


_USE = re.compile(r"(\d[\d,，]*(?:\.\d+)?)\s*万元\s*(?:用于|用作|用在)")


def listed_uses(rule: Rule, audit: Audit) -> None:
    """The uses a form's 实际完成情况 lists (`856.20万元用于…；224.17万元用于…`) against its 全年执行数: two or
    more listed amounts that do not add up, beyond their rounding, to the money spent (`text` field
    against `total` field, for every form that has both)."""
    for prefix in [*audit.completion.filing.projects, "dept"]:
        text_key, total_key = keys.join(prefix, rule.params.text), keys.join(prefix, rule.params.total)
        text, total = audit.shown(text_key), audit.shown(total_key)
        if not isinstance(text, str) or total is None:
            continue
        amounts = [Decimal(m.replace(",", "").replace("，", "")) for m in _USE.findall(text)]
        if len(amounts) < 2:
            continue
        listed = sum(amounts, ZERO)
        places = max(-a.as_tuple().exponent for a in amounts)
        envelope = Decimal(len(amounts) + 1) * Decimal(5) / Decimal(10) ** (max(places, 2) + 1)
        if abs(listed - Decimal(total)) > envelope:
            audit.finding(
                rule,
                audit.slot(text_key),
                stated=listed,
                computed=Decimal(total),
                difference=listed - Decimal(total),
                value_type="amount",
                detail="、".join(f"{a}万元" for a in amounts),
            )


def qualitative_band(rule: Rule[QualitativeBand], audit: Audit) -> None:
    """A qualitative indicator whose 实际完成值 names its band (达成 / 部分达成 / 未达成, see [qualitative] of the
    scheme) scored outside that band's share of its 分值; a score on a boundary two bands share fits both.
    Only an indicator with its own 分值 and 得分 (not one merged over a block); a blank 得分 is unscored-indicator's,
    one above the 分值 indicator-over-weight's."""
    for prefix, rows in audit.completion.filing.indicators.items():
        for ind in rows:
            if not ind.weight_key or not ind.score_key:
                continue
            band = named_band(ind.actual, audit.completion.scheme_for(prefix))
            weight, score = audit.shown(ind.weight_key), audit.shown(ind.score_key)
            if band is None or weight is None or score is None:
                continue
            weight, score = Decimal(weight), Decimal(score)
            low, high = band.bounds(weight)
            if low <= score <= high or score > weight:
                continue
            nearest = low if score < low else high
            shown_weight = f"{weight.normalize():f}"
            share = f"{band.low.normalize():f}%–{band.high.normalize():f}%"
            span = f"{audit.text(low, ind.score_key)}–{audit.text(high, ind.score_key)}"
            label = ind.level3 or ind.level2
            audit.finding(
                rule,
                audit.slot(ind.score_key),
                stated=score,
                computed=nearest,
                difference=score - nearest,
                label=label,
                formula=f"{band.name}：分值 × {share} = {shown_weight} × {share} = {span}",
                fields={
                    "actual": ind.actual.strip(),
                    "weight": shown_weight,
                    "band": band.name,
                    "share": share,
                    "span": span,
                },
            )


def weights(rule: Rule[Weights], audit: Audit) -> None:
    """The 分值 a form gives each part against the scoring scheme's [weights] (权重分配): the budget part
    (`budget.block`) is the one cell `budget.field`, each indicator block the Σ of its indicators' 分值.
    One finding per part that differs, at its cell; one at 总分 when the parts do not add up to `total`
    or a block is missing from the form."""
    prefix = rule.params.form
    rows = audit.completion.filing.indicators.get(prefix)
    if not rows or prefix in audit.completion.filing.flat:
        return  # no such form, no indicator rows read (already reported), or a form without blocks
    budget = rule.params.budget
    scheme = scheme_weights(audit.completion.scheme_for(prefix))
    blocks = [name for name in scheme if name != budget.block]
    parts: list[tuple[str, Decimal]] = []
    missing, absent = [], []
    for name, expected in scheme.items():
        if name == budget.block:
            fields, label = [keys.join(prefix, budget.field)], f"{name}分值"
        else:
            members = [i for i in rows if in_block(i.level1, name)]
            if not members:
                absent.append(name)
                continue
            fields, label = [i.weight_key for i in members if i.weight_key], f"{name}分值合计"
        slots = [audit.slot(k) for k in fields if audit.slot(k) is not None and audit.slot(k).found]
        values = [Decimal(audit.shown(s.key)) for s in slots if audit.shown(s.key) is not None]
        if not values:
            missing.append((f"{name}分值", fields[0] if fields else None))
            continue
        value = sum(values, ZERO)
        parts.append((name, value))
        if value != expected:
            audit.finding(
                rule,
                slots[0],
                stated=value,
                computed=f"{expected.normalize():f}",
                difference=value - expected,
                label=label,
            )
    others: dict[str, Decimal] = {}
    for ind in rows:
        if (
            ind.weight_key
            and not any(in_block(ind.level1, b) for b in blocks)
            and audit.shown(ind.weight_key) is not None
        ):
            name = ind.level1 or "未写一级指标"
            others[name] = others.get(name, ZERO) + Decimal(audit.shown(ind.weight_key))
    parts += list(others.items())
    if missing:
        audit.cannot(rule, missing[0][1], [label for label, _ in missing])
        return
    total, limit = sum((v for _, v in parts), ZERO), rule.params.total
    if total == limit and not absent:
        return
    key = keys.closing_total(prefix)
    detail = "、".join(f"{name} {audit.text(value, key)}" for name, value in parts)
    message = rule.params.total_message.format(stated=audit.text(total, key), computed=str(limit), detail=detail)
    audit.finding(
        rule,
        audit.slot(key),
        stated=total,
        computed=str(limit),
        difference=total - limit,
        label="各部分分值合计",
        message=message + ("；表中没有" + "、".join(absent) if absent else ""),
    )


# ---- 完整性 ---------------------------------------------------------------------------------------
def required(rule: Rule[Required], audit: Audit) -> None:
    """Each required field (by key pattern) present on the form and not blank."""
    for slot in list(audit.completion.filing.slots.values()):
        if (
            slot.found
            and _matches(slot.key, rule.params.fields)
            and audit.shown(slot.key) is None
            and slot.error is None
        ):
            audit.finding(rule, slot)


def empty_block(rule: Rule[EmptyBlock], audit: Audit) -> None:
    """A block of indicators (产出/效益/满意度) of a form with no indicator filled in: no 年度指标值,
    实际完成值, 分值 or 得分 in any of its rows. One finding per form, at its 总分."""

    def typed(key: str) -> bool:
        slot = audit.slot(key) if key else None
        return slot is not None and (slot.stated or slot.error is not None)

    for prefix in rule.params.forms:
        total = audit.slot(keys.closing_total(prefix))
        if total is None or prefix in audit.completion.filing.flat:  # not read (reported), or no blocks
            continue
        rows = audit.completion.filing.indicators.get(prefix, [])
        filled = [ind for ind in rows if ind.target or ind.actual or typed(ind.weight_key) or typed(ind.score_key)]
        empty = [b for b in rule.params.blocks if not any(in_block(ind.level1, b) for ind in filled)]
        if empty:
            audit.finding(rule, total, detail="、".join(empty))


def unscored(rule: Rule[Unscored], audit: Audit) -> None:
    """An indicator row with a 得分 cell left blank."""
    for rows in audit.completion.filing.indicators.values():
        for ind in rows:
            if ind.score_key and audit.shown(ind.score_key) is None:
                result = audit.completion.results.get(ind.score_key)
                why = result.note if result is not None and result.note not in ("", "需人工评分") else ""
                label = ind.level3 or ind.level2
                audit.finding(
                    rule,
                    audit.slot(ind.score_key),
                    label=label,
                    message=f"指标“{label}”未填得分：{why}" if why else None,
                )


# ---- 结余为负 -------------------------------------------------------------------------------------
def negative_balance(rule: Rule, audit: Audit) -> None:
    """A 当年结余 or 累计结余 that comes out below zero (beyond rounding) by its formula, on an institution row:
    a 当年结余 below zero with no 上年结转 to spend (at 当年结余), else a 累计结余 below zero (at 累计结余). A
    当年结余 below zero that 上年结转 covers is the ordinary spending of last year's balance: nothing said.
    Both from the money (收入合计, 上年结转, 基本支出, 项目支出), not from a 结余 as typed."""
    tables = audit.completion.filing.tables
    carry_table, carry_col = keys.table_column(rule.params.carryover)
    for inst in tables.get(rule.params.table, []):
        if inst.is_summary:  # the sum of the rows below, each checked itself
            continue
        twin = audit.twin(inst, tables.get(carry_table, []))
        carry = audit.shown(twin.slots[carry_col]) if twin is not None and carry_col in twin.slots else None
        year_key, total_key = inst.slots.get(rule.params.year_balance, ""), inst.slots.get(rule.params.cumulative, "")
        year = _balance(audit, year_key)
        total = Decimal(carry or 0) + year if year is not None else _balance(audit, total_key)
        if year is not None and year < -half(audit.completion, year_key) and not carry:
            audit.finding(rule, audit.slot(year_key), computed=year, result=audit.completion.results.get(year_key))
        elif total is not None and total < -half(audit.completion, total_key):
            audit.finding(
                rule,
                audit.slot(total_key),
                computed=total,
                formula=(
                    f"上年结转 + 当年结余（按公式）= {audit.text(Decimal(carry or 0), total_key)} + "
                    f"{audit.text(year, total_key)} = {audit.text(total, total_key)}"
                    if year is not None
                    else None
                ),
                result=audit.completion.results.get(total_key),
                template=rule.params.cumulative_message,
            )


def _balance(audit: Audit, key: str) -> Decimal | None:
    """A 结余 as its formula gives it (as shown where it cannot be computed); None when blank or not on the form."""
    slot = audit.slot(key)
    if slot is None or not slot.found:
        return None
    value = audit.completion.computed(key)
    value = audit.shown(key) if value is None else value
    return None if value is None else _dec(value)


# ---- 分值 × 实际值 -----------------------------------------------------------------------------------
def score_times_actual(rule: Rule, audit: Audit) -> None:
    """A percentage indicator scored 分值 × 实际值 (20 × 98% = 19.6) where the rule is 分值 × min(实际/目标, 1):
    a met target scored below its 分值, or an unmet one scored too low when the target is not 100%. On a
    form without 分值 per row (湖北), the 分值 is implied: a block of met rows short of its printed points
    by exactly what 分值 × 实际值 explains on some of them. Then the 总分, when it adds up the scores as
    typed, is short by as much (`total_message`)."""
    short: dict[str, list[tuple[Slot, Decimal]]] = {}  # per form: the rows found, and how much each is short
    for result in audit.identities():
        slot = audit.slot(result.key)
        wrong = _times_actual(result, slot)
        if wrong is None or slot is None:
            continue
        (_, target), (_, actual), (_, weight) = result.inputs
        computed = audit.round_score(result.value)
        short.setdefault(keys.prefix(slot.key), []).append((slot, computed - _dec(slot.value)))
        audit.finding(
            rule,
            slot,
            stated=_dec(slot.value),
            computed=computed,
            difference=_dec(slot.value) - computed,
            result=result,
            fields={
                "weight": f"{_dec(weight).normalize():f}",
                "actual": str(actual).strip(),
                "target": str(target).strip(),
            },
        )
    for prefix, rows in audit.completion.filing.indicators.items():
        for slot, implied, ind in _implied_products(audit, rows):
            stated = _dec(slot.value)
            short.setdefault(prefix, []).append((slot, implied - stated))
            audit.finding(
                rule,
                slot,
                stated=stated,
                computed=implied,
                difference=stated - implied,
                fields={
                    "weight": f"{implied.normalize():f}",
                    "actual": ind.actual.strip(),
                    "target": ind.target.strip(),
                },
            )
    for prefix, found in short.items():
        _short_total(rule, audit, prefix, found)


def _implied_products(audit: Audit, rows: list) -> list[tuple[Slot, Decimal, Any]]:
    """Rows of blocks without 分值 per row whose met rows fall short of the block's printed points, each
    scored 分值 × 实际值 for a whole or half 分值 (19.6 = 20 × 98%), when together they make up the gap:
    (得分 slot, implied 分值, indicator)."""
    from .. import indicators

    found = []
    for _, _, points, members in _point_blocks(rows):
        if any(i.weight_key for i in members) or not all(i.score_key for i in members):
            continue
        scores = [audit.shown(i.score_key) for i in members]
        if any(v is None for v in scores) or not all(_met(audit, i) for i in members):
            continue
        gap = points - sum((audit.round_score(v) for v in scores), ZERO)
        if gap <= SCORE_GAP:
            continue
        rows_found = []
        for ind, value in zip(members, scores):
            actual, stated = indicators.parse(ind.actual), audit.round_score(value)
            if actual.kind != "number" or actual.unit != "%" or actual.value is None or not 0 < actual.value < 100:
                continue
            implied = audit.round_score(stated * 100 / actual.value)
            slot = audit.slot(ind.score_key)
            if implied <= stated or (implied * 2) % 1 or slot is None:
                continue  # not a whole or half 分值
            if audit.round_score(implied * actual.value / 100) == stated:
                rows_found.append((slot, implied, ind))
        if rows_found and abs(sum((w - _dec(s.value) for s, w, _ in rows_found), ZERO) - gap) <= SCORE_GAP:
            found += rows_found
    return found


def _short_total(rule: Rule, audit: Audit, prefix: str, found: list[tuple[Slot, Decimal]]) -> None:
    """The form's 总分 (`<prefix>.closing.total`) when it is the Σ of the scores as typed: short by as much as
    the rows scored 分值 × 实际值."""
    key = keys.closing_total(prefix)
    slot, result = audit.slot(key), audit.completion.results.get(key)
    if slot is None or not slot.stated or result is None or result.value is None:
        return
    if (
        not isinstance(slot.value, (Decimal, int))
        or abs(_dec(slot.value) - audit.round_score(result.value)) > SCORE_GAP
    ):
        return  # not the Σ of the scores as typed: its own rule speaks
    right = audit.round_score(result.value) + sum((d for _, d in found), ZERO)
    audit.finding(
        rule,
        slot,
        stated=_dec(slot.value),
        computed=right,
        difference=_dec(slot.value) - right,
        result=result,
        template=rule.params.total_message,
        fields={"rows": "、".join(f"{s.label}[{s.where}]" for s, _ in found), "weight": "", "actual": "", "target": ""},
    )


def _times_actual(result, slot) -> Decimal | None:
    """分值 × 实际值 when a stated indicator 得分 is that and not the rule's score (正向 percentage indicators)."""
    from .. import indicators

    if (
        result.derivation.kind != "indicator_score"
        or result.value is None
        or slot is None
        or not isinstance(slot.value, (Decimal, int))
    ):
        return None
    (_, target_text), (_, actual_text), (_, weight) = result.inputs
    target, actual = indicators.parse(target_text), indicators.parse(actual_text)
    if (
        not isinstance(weight, (Decimal, int))
        or target.kind != "number"
        or actual.kind != "number"
        or target.unit != "%"
        or actual.unit != "%"
        or target.direction not in (">=", "=", "")
        or not target.value
        or actual.value is None
        or actual.value > 100
    ):
        return None
    wrong = rounded(Decimal(weight) * actual.value / 100, "score")
    stated, right = _dec(slot.value), rounded(_dec(result.value), "score")
    return wrong if abs(stated - wrong) <= SCORE_GAP < abs(stated - right) else None


# ---- 一级指标分数 ------------------------------------------------------------------------------------
def _point_blocks(rows: list) -> list[tuple[str, str, Decimal, list]]:
    """Blocks of indicators whose label prints their points, as (label, its cell, points, rows): the
    一级指标 (`产出指标(50分)`) and the titled blocks of targets (湖北 `年度绩效目标1（40分）`)."""
    blocks: dict[tuple[str, str], tuple[Decimal, list]] = {}
    for ind in rows:
        if ind.points is not None and ind.level1_cell:
            blocks.setdefault((ind.level1, ind.level1_cell), (ind.points, []))[1].append(ind)
        if ind.block_points is not None and ind.block_cell:
            blocks.setdefault((ind.block, ind.block_cell), (ind.block_points, []))[1].append(ind)
    return [(label, cell, points, members) for (label, cell), (points, members) in blocks.items()]


def _met(audit: Audit, ind) -> bool:
    """An indicator whose target is met: its computed 得分 is its whole 分值; on a form without 分值 per row
    (湖北), the scheme's rule scores it in full (judged on a 100-point weight)."""
    from .. import indicators

    if ind.weight_key:
        result, weight = audit.completion.results.get(ind.score_key), audit.shown(ind.weight_key)
        return (
            result is not None
            and result.value is not None
            and weight is not None
            and audit.round_score(result.value) == audit.round_score(weight)
        )
    target = indicators.with_direction(
        indicators.parse(ind.target), ind, load_scheme(audit.completion.scheme_for(ind.score_key or ind.target_key))
    )
    scored = indicators.score(target, indicators.parse(ind.actual), Decimal(100))
    return scored.score == 100 and not scored.unmet


def block_points(rule: Rule, audit: Audit) -> None:
    """A block of indicators whose label prints its points (产出指标(50分), 年度绩效目标1（40分）): the 分值 of
    its rows add up to those points; and when every row is met, so do their 得分 (also where the rows have
    no 分值 of their own). At the label."""
    for rows in audit.completion.filing.indicators.values():
        for label, cell, points, members in _point_blocks(rows):
            keyed = [i for i in members if i.weight_key or i.score_key]
            if not keyed:
                continue
            first = audit.slot(keyed[0].weight_key or keyed[0].score_key)
            if first is None:
                continue
            where = Slot(f"{first.key}.block", label, "score", sheet=first.sheet, cell=cell)
            weights = [audit.shown(i.weight_key) for i in members if i.weight_key]
            if any(w is None for w in weights):
                continue  # a 分值 left blank: nothing to add up
            summed = sum((_dec(w) for w in weights), ZERO)
            shown = {"points": f"{points.normalize():f}", "sum": f"{summed.normalize():f}"}
            if weights and summed != points:
                audit.finding(rule, where, stated=summed, computed=points, difference=summed - points, fields=shown)
                continue
            scores = [audit.shown(i.score_key) if i.score_key else None for i in members]
            if any(v is None for v in scores) or not all(_met(audit, i) for i in members):
                continue
            got = sum((audit.round_score(v) for v in scores), ZERO)
            if abs(got - points) > SCORE_GAP:
                audit.finding(
                    rule,
                    where,
                    stated=got,
                    computed=points,
                    difference=got - points,
                    template=rule.params.met_message,
                    fields={**shown, "sum": f"{got.normalize():f}"},
                )


# ---- 与上年核对 (--last-year) -------------------------------------------------------------------------
# These kinds compare this year's workbook with last year's (audit.last, see rules.compare_years); in the
# single-workbook audit there is no last year and they say nothing. Values are compared as read: amounts in
# 万元 whatever unit each sheet is in, within the rounding envelope of both cells (tolerance.py), so a 尾差
# stays a 尾差.


def _last_fields(audit: Audit, slot: Slot | None, last: Slot | None) -> dict[str, str]:
    """The placeholders every 与上年 message has: both files, last year's cell and label, both years."""
    ly = audit.last
    return {
        "file": ly.file,
        "last_file": ly.last_file,
        "last_where": last.where if last is not None and last.cell else "（上年未找到）",
        "last_label": last.label if last is not None else "",
        "year": str(audit.completion.filing.year or "（未识别）"),
        "last_year": str(ly.completion.filing.year or "（未识别）"),
    }


def _versus_last(rule: Rule, audit: Audit, key: str, last_key: str) -> None:
    """This year's `key` = last year's `last_key`, within both cells' rounding (own: either alone, envelope:
    both together, as Audit.twin_tolerance)."""
    ly = audit.last
    slot, last = audit.slot(key), ly.completion.filing.slots.get(last_key)
    if slot is None or last is None or not slot.found or not last.found:
        return
    a = audit.shown(key)
    b = ly.completion.shown(last_key)
    if not isinstance(a, (Decimal, int)) or not isinstance(b, (Decimal, int)):
        return
    mine, theirs = half(audit.completion, key), half(ly.completion, last_key)
    diff = Decimal(a) - Decimal(b)
    outcome = classify(diff, max(mine, theirs), mine + theirs)
    if outcome is None:
        return
    audit.finding(
        rule,
        slot,
        stated=Decimal(a),
        computed=Decimal(b),
        difference=diff,
        tolerance=mine + theirs,
        severity=None if outcome == "error" else "rounding",
        formula=f"{slot.label}[{slot.where}] = 上年文件“{ly.last_file}” {last.label}[{last.where}]："
        f"{audit.text(a, key)} − {audit.text(b, key)} = {audit.text(diff, key)}",
        fields=_last_fields(audit, slot, last),
        last=(ly.last_file, last),
    )


def _last_formula(audit: Audit, slot: Slot | None, last: Slot | None, shown: str, last_shown: str) -> str:
    """The 公式 column of a 与上年 finding: both files, both cells, both values."""
    here = f"[{slot.where}]" if slot is not None and slot.cell else ""
    there = f"[{last.where}]" if last is not None and last.cell else ""
    return f"本年文件“{audit.last.file}”{here} {shown}；上年文件“{audit.last.last_file}”{there} {last_shown}"


def last_year_year(rule: Rule, audit: Audit) -> None:
    """Last year's workbook is of the year before this year's."""
    year, last = audit.completion.filing.year, audit.last.completion.filing.year
    if year is None or last is None or last == year - 1:
        return
    audit.finding(
        rule,
        None,
        stated=None,
        computed=None,
        fields={**_last_fields(audit, None, None), "expected": str(year - 1)},
        formula=_last_formula(audit, None, None, f"{year} 年度", f"{last} 年度"),
        last=(audit.last.last_file, None),
    )


def last_year_equals(rule: Rule, audit: Audit) -> None:
    """Each 上年 figure against last year's 本年 figure of the same row."""
    p = rule.params
    for key in sorted(audit.completion.filing.slots):
        if _matches(key, p.fields):
            _versus_last(rule, audit, key, keys.join(keys.parent(key), p.counterpart))


def last_year_rows(rule: Rule, audit: Audit) -> None:
    """Each institution's `left` against last year's `last` of the institution of the same name."""
    from ..labels import label_key

    table, column = keys.table_column(rule.params.left)
    last_table, last_column = keys.table_column(rule.params.last)
    olds = audit.last.completion.filing.tables.get(last_table, [])
    for inst in audit.completion.filing.tables.get(table, []):
        if inst.is_summary:
            twin = next((o for o in olds if o.is_summary), None)
        else:
            twin = next((o for o in olds if not o.is_summary and label_key(o.name) == label_key(inst.name)), None)
        if twin is None or column not in inst.slots or last_column not in twin.slots:
            continue  # an institution new this year has no 上年 figure to agree with
        _versus_last(rule, audit, inst.slots[column], twin.slots[last_column])


def last_year_change(rule: Rule, audit: Audit) -> None:
    """`field` changed by more than `limit` of last year's."""
    key = rule.params.field
    slot, last = audit.slot(key), audit.last.completion.filing.slots.get(key)
    a, b = audit.shown(key), audit.last.completion.shown(key) if last is not None else None
    if slot is None or last is None or not isinstance(a, (Decimal, int)) or not isinstance(b, (Decimal, int)) or not b:
        return
    change = (Decimal(a) - Decimal(b)) / Decimal(b)
    if abs(change) <= rule.params.limit:
        return
    audit.finding(
        rule,
        slot,
        stated=a,
        computed=b,
        difference=Decimal(a) - Decimal(b),
        fields={
            **_last_fields(audit, slot, last),
            "change": f"{(change * 100).quantize(Decimal('0.01'))}%",
            "limit": f"{(rule.params.limit * 100).normalize():f}%",
        },
        formula=_last_formula(audit, slot, last, audit.text(a, key), audit.text(b, key)),
        last=(audit.last.last_file, last),
    )


def _same_forms(audit: Audit) -> list[tuple[str, str]]:
    """(this year's form prefix, last year's) of the forms that hold the same indicators: the 整体 form by
    its prefix, a project form by its 项目名称."""
    from ..labels import label_key

    this, last = audit.completion, audit.last.completion
    pairs = []
    for form in this.filing.indicators:
        if keys.project_number(form):
            name = this.shown(keys.head(form, "name"))
            match = next(
                (
                    f
                    for f in last.filing.indicators
                    if keys.project_number(f)
                    and name
                    and label_key(last.shown(keys.head(f, "name")) or "") == label_key(name)
                ),
                None,
            )
        else:
            match = form if form in last.filing.indicators else None
        if match is not None:
            pairs.append((form, match))
    return pairs


def last_year_target(rule: Rule, audit: Audit) -> None:
    """An indicator whose 目标值 is below last year's 实际完成值 of the same indicator (目标设置偏低)."""
    from ..indicators import parse
    from ..labels import label_key

    this, last = audit.completion, audit.last.completion
    for form, last_form in _same_forms(audit):

        def name(i) -> tuple[str, str]:  # 指标1 of 产出 is not 指标1 of 效益: named within its 一级指标
            return label_key(i.level1), label_key(i.level3)

        olds = {name(i): i for i in last.filing.indicators[last_form] if i.level3}
        for ind in this.filing.indicators[form]:
            old = olds.get(name(ind)) if ind.level3 else None
            if old is None or not ind.target_key or not old.actual_key:
                continue
            target, actual = parse(this.shown(ind.target_key)), parse(last.shown(old.actual_key))
            if (
                target.kind != "number"
                or actual.kind != "number"
                or target.value is None
                or actual.value is None
                or target.unit != actual.unit
                or target.direction in ("<=", "<")
                or "反向" in ind.nature
                or "≤" in ind.nature
                or target.value >= actual.value
            ):
                continue
            slot, old_slot = this.filing.slots.get(ind.target_key), last.filing.slots.get(old.actual_key)
            audit.finding(
                rule,
                slot,
                stated=target.text,
                computed=actual.text,
                label=ind.level3,
                value_type="text",
                fields={**_last_fields(audit, slot, old_slot), "target": target.text, "last_actual": actual.text},
                formula=_last_formula(audit, slot, old_slot, f"年度目标 {target.text}", f"实际完成值 {actual.text}"),
                last=(audit.last.last_file, old_slot),
            )


def last_year_grade(rule: Rule, audit: Audit) -> None:
    """The 评价等次 moved `bands` or more bands from last year's."""
    from ..scoring import _grades

    grade, last_grade = audit.last.scores.get("等次"), audit.last.last_scores.get("等次")
    names = [b["name"] for b in _grades(audit.completion.scheme)]
    if grade not in names or last_grade not in names:
        return
    jump = abs(names.index(grade) - names.index(last_grade))
    if jump < rule.params.bands:
        return
    key = keys.closing_grade("dept")
    slot = audit.slot(key) or audit.slot(keys.closing_total("dept"))
    last = audit.last.completion.filing.slots.get(key) or audit.last.completion.filing.slots.get(
        keys.closing_total("dept")
    )
    audit.finding(
        rule,
        slot,
        stated=grade,
        computed=last_grade,
        value_type="text",
        label="评价等次",
        fields={**_last_fields(audit, slot, last), "grade": str(grade), "last_grade": str(last_grade)},
        formula=_last_formula(audit, slot, last, f"等次 {grade}", f"等次 {last_grade}"),
        last=(audit.last.last_file, last),
    )


#: The kinds of the 与上年 family: run by rules.compare_years only.
LAST_YEAR_KINDS = {
    "last-year-year": last_year_year,
    "last-year-equals": last_year_equals,
    "last-year-rows": last_year_rows,
    "last-year-change": last_year_change,
    "last-year-target": last_year_target,
    "last-year-grade": last_year_grade,
}

#: Each kind's function; its parameters are declared in params.PARAMS under the same name.
KINDS: dict[str, Callable[[Rule[Any], Audit], None]] = {
    "coefficient": coefficient,
    "listed-uses": listed_uses,
    "identity": identity,
    "follows-wrong": follows_wrong,
    "rows-equal": rows_equal,
    "equals": equals,
    "at-most": at_most,
    "projects": projects,
    "duplicate-project": duplicate_project,
    "unit-slip": unit_slip,
    "unit-slip-size": unit_slip_size,
    "unit-slip-peers": unit_slip_peers,
    "figure": figure,
    "no-reason": no_reason,
    "negative": negative,
    "zero-quota": zero_quota,
    "over-weight": over_weight,
    "qualitative-band": qualitative_band,
    "weights": weights,
    "required": required,
    "empty-block": empty_block,
    "unscored": unscored,
    "negative-balance": negative_balance,
    "score-times-actual": score_times_actual,
    "block-points": block_points,
    **LAST_YEAR_KINDS,
}
