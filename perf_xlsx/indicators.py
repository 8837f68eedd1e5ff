"""Indicator values (指标值) and the score of one 三级指标 row (指标得分).

`parse` reads what a clerk typed under 年度指标值 (target) or 实际完成值 (actual);
`score` applies the national rule to one target/actual pair and its 分值 (weight).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import functools
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from perf_xlsx.labels import REMEMBERED_CHARS, clean
from perf_xlsx.numbers import NumberError, to_decimal

__all__ = ["Quantity", "Scored", "parse", "score"]


@dataclass(frozen=True)
class Quantity:
    """One parsed indicator value (指标值)."""

    text: str  # as typed (原文)
    kind: str  # "number" | "deadline" | "done" | "qualitative"
    value: Decimal | None = None  # the number; a percent as written: "93%" -> 93, unit "%"
    unit: str = ""  # 单位 as written: "%", "个", "万元" ...
    direction: str = ""  # ">=" | "<=" | "=" | ">" | "<" | "" (none written)
    deadline: date | None = None  # 截止日期 (or, for "done", the completion date if written)
    approximate: bool = False  # 约数: "1300余万元", "约100", "近50"
    explain: str = ""  # how it was understood (理解为……)
    not_done: bool = False  # says the work was not done: "未按时拨付", "尚未完成"


@dataclass(frozen=True)
class Scored:
    """One indicator's score (得分), how it was computed (计算方法) and why not (提示)."""

    score: Decimal | None  # None: the clerk must score (人工评分)
    rule: str
    warning: str | None = None
    unmet: bool = False  # the target is known not to be met (late, at a strict bound, 未完成)


# Directions (方向词). ≥ 以上 不低于 …: 正向 (">="); ≤ 以下 不超过 …: 反向 ("<="); = or none: "=", scored as
# 正向. 高于 低于 超过 少于 > < are strict: scored like ≥/≤, except that an actual exactly at the bound
# has not met the target ("低于5%" is not met by 5%) although the formula would give full marks, so
# that one is left to the clerk (需人工评分, with a 提示 saying why).
_WORDS = {  # direction written before the number (方向词)
    "≥": ">=",
    "≧": ">=",
    "⩾": ">=",
    "≮": ">=",
    ">=": ">=",
    "不少于": ">=",
    "不低于": ">=",
    "不小于": ">=",
    "大于等于": ">=",
    "大于或等于": ">=",
    "至少": ">=",
    "≤": "<=",
    "≦": "<=",
    "⩽": "<=",
    "≯": "<=",
    "<=": "<=",
    "不多于": "<=",
    "不高于": "<=",
    "不大于": "<=",
    "不超过": "<=",
    "不超出": "<=",
    "小于等于": "<=",
    "小于或等于": "<=",
    "至多": "<=",
    "控制在": "<=",
    ">": ">",
    "大于": ">",
    "高于": ">",
    "超过": ">",
    "多于": ">",
    "<": "<",
    "小于": "<",
    "低于": "<",
    "少于": "<",
    "=": "=",
    "==": "=",
    "等于": "=",
}
_SUFFIX_WORDS = {
    "以上": ">=",
    "及以上": ">=",
    "或以上": ">=",
    "以下": "<=",
    "及以下": "<=",
    "或以下": "<=",
    "以内": "<=",
    "之内": "<=",
    "内": "<=",
}
_SAY = {">=": "不低于", "<=": "不高于", "=": "等于", ">": "高于", "<": "低于", "": "数值"}
_UNITS = (
    "万元",
    "亿元",
    "元",
    "%",
    "‰",
    "万人次",
    "人次",
    "万人",
    "人",
    "个",
    "天",
    "日",
    "小时",
    "次",
    "项",
    "万亩",
    "亩",
    "公顷",
    "份",
    "家",
    "户",
    "件",
    "篇",
    "场",
    "期",
    "所",
    "台",
    "套",
    "辆",
    "平方米",
    "公里",
    "千米",
    "米",
    "吨",
    "名",
    "位",
    "座",
    "处",
    "条",
    "批",
    "册",
    "本",
    "张",
    "间",
    "分",
    "万",
)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PREFIX = re.compile(rf"(?P<dir>{_alternation(_WORDS)})?(?P<approx>大约|约|将近|接近|近|逾)?$")
_SUFFIX = re.compile(
    rf"(?P<approx>余|多)?(?P<unit>{_alternation(_UNITS)}|[A-Za-z]+)?(?:左右)?"
    rf"(?P<dir>{_alternation(_SUFFIX_WORDS)})?"
)
_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
_DATE = re.compile(
    r"(?<![0-9])(?:(?P<y>[0-9]{4})年)?(?P<m>[0-9]{1,2})月(?:(?P<d>[0-9]{1,2})[日号]|底|末)?"
    r"|(?<![0-9])(?P<ye>[0-9]{4})年(?:底|末)"
    r"|(?<![0-9])(?P<yi>[0-9]{4})[-./](?P<mi>[0-9]{1,2})[-./](?P<di>[0-9]{1,2})(?![0-9])"
)
_YEAR = re.compile(r"(?<![0-9])[0-9]{4}年度?")  # "2022年度" is a label, not a number
_BEFORE = ("前", "以前", "之前")
_AS_OF = ("截止", "截至", "截止到", "截至到", "至")  # "截止2022年12月31日，已完成": a report date
# 时限指标 without a date (`按时`, `按时拨付`, `如期完成`) and 完成 written in an actual (`已拨付到位`):
_ON_TIME = ("按时", "按期", "如期")  # 按时词
_DONE_BY = ("已", "已经", "均已", "全部", "全面", "顺利", "圆满") + _ON_TIME  # written before the verb
_MANNER = ("足额", "按质", "保质保量")  # may stand between: 按时足额发放
_VERBS = ("完成", "拨付", "发放", "到位", "兑付", "兑现", "支付", "下达", "办结", "交付", "上报", "报送")  # 完成类动词
_NOT_DONE = re.compile(
    rf"(?:未|没有|没|无法|不能)能?(?:全部|全面|{_alternation(_ON_TIME + _MANNER)})*"
    rf"(?:{_alternation(_VERBS)})"
)
_DONE = re.compile(
    rf"(?:{_alternation(_DONE_BY)})+(?:{_alternation(_MANNER)})?(?:{_alternation(_VERBS)})(?:到位)?"
    rf"|(?:{_alternation(_VERBS)})到位|^(?:完成|{_alternation(_ON_TIME)})$"
)


def _qualitative(text: str, why: str = "定性描述，需人工评分") -> Quantity:
    return Quantity(text, "qualitative", explain=why)


def _show(d: Decimal) -> str:
    return f"{d.normalize():f}" if d == d.to_integral_value() else f"{d:f}"


def _date_of(m: re.Match) -> tuple[date | None, str]:
    """A date match -> (date or None when the year is missing, as shown); ValueError if impossible."""
    if m["ye"]:
        return date(int(m["ye"]), 12, 31), f"{m['ye']}年12月31日"
    y, mo, d = (m["y"], m["m"], m["d"]) if m["m"] else (m["yi"], m["mi"], m["di"])
    month = int(mo)
    if not 1 <= month <= 12:
        raise ValueError(month)
    day = int(d) if d else calendar.monthrange(int(y) if y else 2000, month)[1]  # "12月前": month end
    when = date(int(y), month, day) if y else date(2000, month, day)
    return (when if y else None), (f"{y}年" if y else "") + f"{month}月{day}日"


def _from_cell(raw: object) -> Quantity:
    """A non-text cell: a number (数值单元格) or a date (日期单元格)."""
    if isinstance(raw, _dt.date):
        when = raw.date() if isinstance(raw, _dt.datetime) else raw
        return Quantity(str(when), "deadline", deadline=when, explain=f"日期 {when:%Y年%m月%d日}")
    text = float.__repr__(raw) if isinstance(raw, float) else str(raw)
    try:
        value = to_decimal(raw)
    except NumberError as e:
        return _qualitative(text, e.message + "，需人工评分")
    if value is None:
        return _qualitative(text, "需人工评分")
    return Quantity(text, "number", value, explain=f"数值 {_show(value)}")


def parse(raw: object) -> Quantity:
    """Read one 指标值 as typed (target or actual); never raises."""
    if raw is None:
        return _qualitative("", "空白，需人工评分")
    if not isinstance(raw, str):
        return _from_cell(raw)
    return _parse_text(raw) if len(raw) <= REMEMBERED_CHARS else _parse_text.__wrapped__(raw)


@functools.lru_cache(maxsize=4096)
def _parse_text(raw: str) -> Quantity:
    """parse() of a text (remembered when short, labels.REMEMBERED_CHARS: a Quantity is immutable, and a
    workbook is assessed more than once when it has 错误, while the workbooks of a folder share many texts)."""
    text, s = raw, re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw))
    if not s:
        return _qualitative(text, "空白，需人工评分")
    dates = list(_DATE.finditer(s))
    rest = _YEAR.sub(" ", _DATE.sub(" ", s))
    numbers = list(_NUMBER.finditer(rest))
    if len(numbers) > 1:
        return _qualitative(text, f"一格内有{len(numbers)}个数值（多个指标值），需人工评分")
    if numbers:
        return _number(text, rest, numbers[0])
    if _NOT_DONE.search(s):
        return replace(_qualitative(text, "写明未完成，需人工评分"), not_done=True)
    if len(dates) > 1:
        return _qualitative(text, "一格内有多个日期，需人工评分")
    try:
        when, shown = _date_of(dates[0]) if dates else (None, "")
    except ValueError:
        return _qualitative(text, "日期无效，需人工评分")
    before = bool(dates) and s[dates[0].end() :].startswith(_BEFORE)
    done = _DONE.search(s)
    if done and (not before or "已" in done.group()):
        stamped = bool(dates) and not s[: dates[0].start()].endswith(_AS_OF)
        return Quantity(
            text,
            "done",
            deadline=when if stamped else None,
            explain=done.group() + (f"（{shown}）" if stamped and when else ""),
        )
    if dates:
        what = "截止日期" if before else "日期"
        why = f"{what} {shown}" if when else f"{what} {shown}，未写年份，需人工评分"
        return Quantity(text, "deadline", deadline=when, explain=why)
    return _qualitative(text)


def _number(text: str, rest: str, m: re.Match) -> Quantity:
    """The one number in a cell, with the direction, unit and 约数 written around it."""
    value = Decimal(m.group().replace(",", ""))
    label = rest[: m.start()].strip()
    if label.endswith(("-", "−")):
        return _qualitative(text, "负数指标值，需人工评分")
    pre, post = _PREFIX.search(label), _SUFFIX.match(rest[m.end() :].lstrip())
    assert pre is not None and post is not None  # both patterns match the empty string
    label = label[: pre.start()].strip()
    directions: set[str] = {
        d for d in (_WORDS.get(pre["dir"] or ""), _SUFFIX_WORDS.get(post["dir"] or "")) if d is not None
    }
    if len(directions) > 1:
        return _qualitative(text, "方向前后矛盾，需人工评分")
    direction = directions.pop() if directions else ""
    unit = post["unit"] or ""
    approximate = bool(pre["approx"] or post["approx"])
    spaced = "" if unit in ("%", "‰", "") else " "
    explain = f"{_SAY[direction]} {_show(value)}{spaced}{unit}" + ("（约数）" if approximate else "")
    if label:
        explain += f"（忽略“{label}”）"
    return Quantity(text, "number", value, unit, direction, None, approximate, explain)


_CENT = Decimal("0.01")


def _unit(u: str) -> str:
    return f"“{u}”" if u else "（无单位）"


def _cents(amount: Decimal, weight: Decimal) -> Decimal:
    """Half-up to 2 decimals (保留两位小数), kept within 0..分值."""
    rounded = max(amount, Decimal(0)).quantize(_CENT, ROUND_HALF_UP)
    return rounded if rounded <= weight else weight.quantize(_CENT, ROUND_DOWN)


def with_direction(target: Quantity, indicator, scheme: dict) -> Quantity:
    """A bare target (`100%`, `3%`: no ≥/≤ written) takes its direction from the indicator (指标方向):
    its 指标性质 where the form prints one, else its name — a 控制率, 调整率, 结转结余率, 变动率 or 成本 is a
    ceiling, whatever else is a floor. The words are the scheme's `[direction]`, so a locality can
    change them."""
    if target.kind != "number" or target.value is None or target.direction or indicator is None:
        return target
    words = scheme.get("direction", {})
    nature = clean(indicator.nature)
    if nature and any(clean(w) in nature for w in words.get("ceiling_natures", ())):
        why = f"指标性质“{indicator.nature}”"
    elif nature and any(clean(w) in nature for w in words.get("floor_natures", ())):
        return target
    else:
        name = clean(indicator.level3)
        word = next((w for w in words.get("ceiling_words", ()) if w in name), None)
        if word is None:
            return target
        why = f"指标名称含“{word}”"
    return replace(
        target,
        direction="<=",
        explain=f"{target.explain}；未写方向，{why}，视为不高于 {_show(target.value)}{target.unit}",
    )


def score(target: Quantity, actual: Quantity, weight: Decimal) -> Scored:
    """得分 of one indicator by the national rule; score None when the clerk must judge."""
    try:
        w = weight if isinstance(weight, Decimal) else to_decimal(weight)
    except NumberError:
        w = None
    if w is None or not w.is_finite() or w < 0:
        return Scored(None, "分值无效", f"分值“{weight}”无效，未自动评分")
    full = _cents(w, w)
    if actual.not_done and target.kind != "qualitative":
        return Scored(None, "需人工评分", f"实际完成值写明未完成（“{actual.text}”），未达到年度指标值", unmet=True)
    if "qualitative" in (target.kind, actual.kind):
        return Scored(None, "定性指标，需人工评分")
    if target.kind in ("deadline", "done"):
        if target.kind == "deadline" and actual.deadline is not None:
            if target.deadline is None:
                return Scored(None, "时限指标，需人工评分", "年度指标值的截止日期未写年份，无法比较")
            if actual.deadline > target.deadline:
                return Scored(
                    None,
                    "时限指标，需人工评分",
                    f"实际完成日期 {actual.deadline} 晚于截止日期 {target.deadline}",
                    unmet=True,
                )
            return Scored(
                full, f"时限指标：完成日期 {actual.deadline} 不晚于截止日期 {target.deadline}，得满分 = {full}"
            )
        if actual.kind == "done":
            return Scored(full, f"完成类指标：已完成，得满分 = {full}")
        return Scored(None, "完成类指标，需人工评分", "实际完成值未写明已完成，未自动评分")
    if actual.kind != "number" or actual.value is None or target.value is None:
        return Scored(None, "数量指标，需人工评分", "实际完成值不是数值，未自动评分")
    if target.unit != actual.unit:
        return Scored(
            None,
            "数量指标，需人工评分",
            f"年度指标值单位{_unit(target.unit)}与实际完成值单位{_unit(actual.unit)}不一致，未自动评分",
        )
    t, a = target.value, actual.value
    if t < 0 or a < 0:
        return Scored(None, "数量指标，需人工评分", "指标值为负数，未自动评分")
    if target.direction in (">", "<") and a == t:
        bound = f"{_show(t)}{'' if target.unit in ('%', '‰', '') else ' '}{target.unit}"
        return Scored(
            None,
            "数量指标，需人工评分",
            f"实际完成值恰为界限 {bound}，未达到“{_SAY[target.direction]} {bound}”，"
            "按公式仍为满分，未自动评分，请人工评分",
            unmet=True,
        )
    if target.direction in ("<=", "<"):
        if a <= t:
            return Scored(full, f"反向指标：实际 {_show(a)} ≤ 目标 {_show(t)}，得满分 = {full}")
        got = _cents(w * t / a, w)
        return Scored(got, f"反向指标：分值 × 目标/实际 = {_show(w)} × {_show(t)}/{_show(a)} = {got}")
    if t == 0:
        return Scored(full, f"正向指标：目标为 0，实际 {_show(a)} ≥ 0，得满分 = {full}")
    got = _cents(w * min(a / t, Decimal(1)), w)
    return Scored(got, f"正向指标：分值 × min(实际/目标, 1) = {_show(w)} × min({_show(a)}/{_show(t)}, 1) = {got}")
