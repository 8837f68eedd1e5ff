"""Cell content -> number (数字识别). The only place where cell values become numbers."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from decimal import Decimal

__all__ = [
    "NumberError",
    "CellIssue",
    "NULL_TOKENS",
    "ERROR_VALUES",
    "to_decimal",
    "to_amount",
    "to_percent",
    "to_int",
    "to_score",
    "decimals_of",
    "typed_amount_unit",
]


class NumberError(ValueError):
    """无法识别的数字 — text that should be a number but is not; carries .raw, a Chinese .message and a
    .kind for the finding (unreadable; error-value for #DIV/0! and the like; formula for an
    uncalculated formula perfxlsx does not work out)."""

    def __init__(self, message: str, raw: object = None, kind: str = "unreadable") -> None:
        super().__init__(message)
        self.message = message
        self.raw = raw
        self.kind = kind


class CellIssue:
    """A cell whose value cannot be known (无法得知的单元格值), e.g. a formula saved without its result
    that perfxlsx does not work out; reading it raises NumberError(kind) with `message`."""

    def __init__(self, shown: str, message: str, kind: str = "formula", reason: str = "") -> None:
        self.shown, self.message, self.kind, self.reason = shown, message, kind, reason

    def __str__(self) -> str:
        return self.shown

    def __repr__(self) -> str:
        return f"CellIssue({self.shown!r})"


#: Excel's error values, and what each means to a clerk (错误值).
ERROR_VALUES = {
    "#DIV/0!": "除数为零",
    "#REF!": "引用的单元格已被删除",
    "#VALUE!": "公式中的数据类型不对",
    "#N/A": "查找不到数据",
    "#NAME?": "公式中有无法识别的名称",
    "#NUM!": "数值无效",
    "#NULL!": "区域引用有误",
    "#SPILL!": "溢出区域被占用",
    "#CALC!": "计算出错",
    "#GETTING_DATA": "数据尚未取回",
}


NULL_TOKENS: tuple[str, ...] = (
    "",
    "-",
    "--",
    "---",
    "—",
    "——",
    "–",
    "―",
    "－",
    "－－",
    "−",
    "/",
    "//",
    "／",
    "\\",
    "无",
    "空",
    "不适用",
    "N/A",
    "n/a",
    "NA",
    "…",
    "……",
    "...",
)

_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_UNITS = ("亿元", "亿", "万元", "万", "元", "人", "个")
#: Whitespace inside a number that is not a thousands gap ('1 2', '12 34'): a typo, not a number.
_SPLIT_DIGITS = re.compile(r"[0-9０-９][\s\u2009\u202f\u00a0]+(?![0-9０-９]{3}(?:[^0-9０-９]|$))[0-9０-９]")
_NUMBER = re.compile(
    r"(?P<open>\()?(?P<sign>[-+\u2212])?"
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<frac>[0-9]*))?"
    r"(?P<unit1>亿元|亿|万元|万|元|人|个|%)?(?P<close>\))?(?P<unit2>亿元|亿|万元|万|元|人|个|%)?"
)
_APPROX = re.compile(r"^(?:约|大约|约为|约合|近|将近|接近|超过|不足|不到|逾)|(?:左右|上下|多|余)(?:万元|元|人|个|%)?$")


def _norm(text: str) -> str:
    """NFKC, then drop all whitespace (全角转半角、去空白)."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


_NULL_KEYS = frozenset(_norm(t).casefold() for t in NULL_TOKENS)
_DASHES = re.compile(r"[-—–―−]+")


def _shown(raw: object) -> str:
    return (float.__repr__(raw) if isinstance(raw, float) else str(raw)).strip()


def _bad(raw: object, what: str = "数字") -> NumberError:
    hint = ""
    if isinstance(raw, str) and _APPROX.search(_norm(raw)):
        hint = "（这是约数，请填写准确的数字）"
    return NumberError(f"无法识别为{what}：“{_shown(raw)}”{hint}", raw)


def _parse_str(raw: str) -> tuple[Decimal, str | None] | None:
    """Parse clerk-typed text; returns (number, unit or None), or None for an empty token."""
    s = _norm(raw)
    if s.casefold() in _NULL_KEYS or _DASHES.fullmatch(s):
        return None
    if s.upper() in ERROR_VALUES:
        return _error_value(raw, s.upper())
    if _SPLIT_DIGITS.search(raw):
        raise _bad(raw)
    # NFKC would silently turn '²', '①' into plain digits: refuse them.
    if any(unicodedata.digit(c, None) is not None and not ("0" <= c <= "9" or "０" <= c <= "９") for c in raw):
        raise _bad(raw)
    m = _NUMBER.fullmatch(s)
    if (
        not m
        or (m["int"] == "" and not m["frac"])
        or bool(m["open"]) != bool(m["close"])
        or (m["open"] and m["sign"])
        or (m["unit1"] and m["unit2"])
    ):
        raise _bad(raw)
    text = (m["int"].replace(",", "") or "0") + ("." + m["frac"] if m["frac"] is not None else "")
    negative = bool(m["open"]) or m["sign"] in ("-", "\u2212")
    return Decimal(("-" if negative else "") + text), m["unit1"] or m["unit2"]


def _error_value(raw: object, code: str):
    raise NumberError(
        f"显示错误值“{code}”（{ERROR_VALUES[code]}），不是数字；请在 Excel 或 WPS 中修正该单元格"
        "（或它的公式所引用的数据）后再试",
        raw,
        kind="error-value",
    )


def _date_text(value) -> str:
    if isinstance(value, _dt.datetime) and value.time() == _dt.time(0):
        return value.date().isoformat()
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _from_value(value: object) -> tuple[Decimal, str | None] | None:
    """Any cell value -> (number, unit or None) or None; raises NumberError."""
    if value is None:
        return None
    if isinstance(value, CellIssue):
        raise NumberError(value.message, value, kind=value.kind)
    if isinstance(value, bool):
        raise NumberError(f"此处应为数字，却是逻辑值：“{'TRUE' if value else 'FALSE'}”", value)
    if isinstance(value, (_dt.date, _dt.time, _dt.timedelta)):
        raise NumberError(
            f"此处应为数字，却是日期/时间：“{_date_text(value)}”（单元格可能被设成了日期格式，"
            "请改为“数值”格式后重新填写）",
            value,
        )
    if isinstance(value, str):
        return _parse_str(value)
    if isinstance(value, int):
        return Decimal(int(value)), None
    if isinstance(value, float):
        d = Decimal(float.__repr__(value))  # never Decimal(float): keep the shortest repr
    elif isinstance(value, Decimal):
        d = value
    elif hasattr(value, "item") and not hasattr(value, "__len__"):  # numpy scalar
        return _from_value(value.item())
    else:
        raise _bad(value)
    if not d.is_finite():
        raise _bad(value)
    return d, None


def to_decimal(value: object) -> Decimal | None:
    """Cell value -> Decimal (数字); None for empty; NumberError otherwise. Percentages are refused."""
    parsed = _from_value(value)
    if parsed is None:
        return None
    number, unit = parsed
    if unit == "%":
        raise NumberError(f"“{_shown(value)}”是百分数，此处应为普通数字（百分数请按百分比读取）", value)
    if unit in ("亿", "亿元", "万"):  # magnitudes: '3万' is 30000, not 3
        raise _bad(value)
    return number


#: 万元 per unit of an amount unit typed in a cell (金额单位).
AMOUNT_UNITS = {
    "元": Decimal("0.0001"),
    "万元": Decimal(1),
    "万": Decimal(1),
    "亿": Decimal(10000),
    "亿元": Decimal(10000),
}


def to_amount(value: object, sheet_scale: Decimal) -> Decimal | None:
    """Cell value -> 万元 (金额). A unit typed in the cell wins over the sheet's: '11,057,310.29元' on a
    万元 sheet is 1105.731029 万元, '1.2亿' is 12000 万元; otherwise the number is in the sheet's unit
    (`sheet_scale` 万元 each)."""
    parsed = _from_value(value)
    if parsed is None:
        return None
    number, unit = parsed
    if unit == "%":
        raise NumberError(f"“{_shown(value)}”是百分数，此处应为金额", value)
    if unit == "元":
        return number / 10000  # as exact as a product, with the shortest exponent
    if unit in AMOUNT_UNITS:
        return number * AMOUNT_UNITS[unit]
    return number * sheet_scale


def typed_amount_unit(value: object) -> Decimal | None:
    """万元 per unit of the amount unit typed in the cell: '1.2亿' -> 10000, '300元' -> 0.0001; None when
    the cell names no unit (its number is then in the sheet's unit)."""
    parsed = _from_value(value) if isinstance(value, str) else None
    return AMOUNT_UNITS.get(parsed[1]) if parsed and parsed[1] else None


def to_percent(value: object) -> Decimal | None:
    """Cell value -> fraction (百分比): '86.99%' -> 0.8699.

    A number stored in a cell is already a fraction (a percent-formatted 0.8699). Text without a %
    sign in a rate field is read as percentage points, as a clerk means it: '86.99' -> 0.8699.
    """
    parsed = _from_value(value)
    if parsed is None:
        return None
    number, unit = parsed
    if unit is not None and unit != "%":
        raise _bad(value, "百分数")
    if unit == "%" or isinstance(value, str):
        return number.scaleb(-2)
    return number


def _without_points(value: object) -> object:
    """A score typed with its unit (分): '10分' → '10', '15 分' → '15'; any other value as it is."""
    if isinstance(value, str):
        s = _norm(value)
        if len(s) > 1 and s.endswith("分"):
            return s[:-1]
    return value


def to_score(value: object) -> Decimal | None:
    """Cell value -> 分数 (得分、分值): a number, also typed with its unit as clerks do: '10分' -> 10."""
    bare = _without_points(value)
    try:
        return to_decimal(bare)
    except NumberError as exc:
        if bare is value or exc.kind != "unreadable":
            raise
        raise _bad(value) from None  # name what was typed, 分 and all


def to_int(value: object) -> int | None:
    """Cell value -> int (整数, e.g. 人数): '146人' -> 146; 146.5 -> NumberError."""
    number = to_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise NumberError(f"人数应为整数：“{_shown(value)}”", value)
    return int(number)


def decimals_of(value: object) -> int | None:
    """Digits after the decimal point as typed/stored (小数位数); None for empty. '86.99%' -> 2, '9.5分' -> 1."""
    parsed = _from_value(_without_points(value))
    if parsed is None:
        return None
    number = parsed[0]
    if not isinstance(value, (str, int, Decimal)):
        number = number.normalize()  # a float's trailing '.0' is not typed precision
    return max(0, -int(number.as_tuple().exponent))
