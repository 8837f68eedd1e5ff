"""Tests for perf_xlsx.numbers (数字识别)."""

import datetime as dt
import math
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf_xlsx.numbers import NULL_TOKENS, NumberError, decimals_of, to_decimal, to_int, to_percent, to_score

# --- to_decimal: good input -------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("10,246.65 ", D("10246.65")),
        ("１０２４６．６５", D("10246.65")),
        ("１２３．４５", D("123.45")),
        ("１０，２４６．６５", D("10246.65")),
        ("（15.66）", D("-15.66")),
        ("(15.66)", D("-15.66")),
        ("−23.56", D("-23.56")),  # U+2212 minus
        ("－23.56", D("-23.56")),  # full-width hyphen-minus
        ("-23.56", D("-23.56")),
        ("+23.56", D("23.56")),
        ("3.10", D("3.10")),
        ("1,234,567.5", D("1234567.5")),
        (".5", D("0.5")),
        ("\u00a0123.45\u3000", D("123.45")),  # non-breaking and ideographic spaces
        ("\t1 024.5\n", D("1024.5")),  # all whitespace goes
        ("146人", D("146")),
        ("5万元", D("5")),
        ("5 万元", D("5")),
        ("12元", D("12")),
        ("3个", D("3")),
        ("(15.66)万元", D("-15.66")),
        ("0", D("0")),
    ],
)
def test_to_decimal_strings(raw, expected):
    got = to_decimal(raw)
    assert got == expected
    assert str(got) == str(expected)  # exact digits kept, e.g. '3.10'


def test_to_decimal_keeps_trailing_zero():
    assert str(to_decimal("3.10")) == "3.10"
    assert to_decimal("3.10").as_tuple().exponent == -2


@pytest.mark.parametrize(
    "raw, expected",
    [
        (146, D("146")),
        (3.12, D("3.12")),
        (0.1, D("0.1")),  # not Decimal(0.1) = 0.1000000000000000055…
        (0.1 + 0.2, D("0.30000000000000004")),
        (D("3.10"), D("3.10")),
        (-7, D("-7")),
    ],
)
def test_to_decimal_numbers(raw, expected):
    got = to_decimal(raw)
    assert got == expected and str(got) == str(expected)


def test_float_never_goes_through_binary_decimal():
    assert to_decimal(0.1) != D(0.1)


def test_numpy_scalars():
    np = pytest.importorskip("numpy")
    assert to_decimal(np.float64(0.1)) == D("0.1")
    assert to_decimal(np.int64(146)) == D("146")
    assert to_int(np.int64(146)) == 146


# --- empties -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", [None, "", "   ", "\u3000", "—", "——", "-", "--", "－", "/", "／", "无", "空", "N/A", "n/a", "…", " — "]
)
def test_null_tokens_are_none(raw):
    assert to_decimal(raw) is None
    assert to_percent(raw) is None
    assert to_int(raw) is None
    assert decimals_of(raw) is None


def test_every_declared_null_token_is_none():
    for token in NULL_TOKENS:
        assert to_decimal(token) is None, token


# --- errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "约100",
        "abc",
        "1.2.3",
        "1,2,3",
        "1,23",
        "100元左右",
        "1e5",
        "+",
        ".",
        "()",
        "(-5)",
        "-(5)",
        "(5",
        "5)",
        "10²",
        "①",
        "5%元",
        "#N/A",
    ],
)
def test_to_decimal_rejects(raw):
    with pytest.raises(NumberError) as info:
        to_decimal(raw)
    assert info.value.raw == raw
    assert f"“{raw}”" in info.value.message


def test_error_message_quotes_original_text():
    with pytest.raises(NumberError) as info:
        to_decimal("约100")
    assert "“约100”" in info.value.message
    assert "“约100”" in str(info.value)
    assert info.value.raw == "约100"
    assert isinstance(info.value, ValueError)


def test_percent_refused_by_to_decimal():
    with pytest.raises(NumberError) as info:
        to_decimal("86.99%")
    assert "百分" in info.value.message
    assert "86.99%" in info.value.message


@pytest.mark.parametrize("raw", [dt.datetime(2022, 12, 31, 0, 0), dt.date(2022, 12, 31), dt.time(8, 30)])
def test_dates_are_errors(raw):
    with pytest.raises(NumberError) as info:
        to_decimal(raw)
    assert "日期" in info.value.message
    assert info.value.raw is raw


@pytest.mark.parametrize("raw", [True, False])
def test_bools_are_errors(raw):
    with pytest.raises(NumberError):
        to_decimal(raw)


@pytest.mark.parametrize("raw", [math.nan, math.inf, -math.inf, D("NaN"), D("Infinity")])
def test_non_finite_are_errors(raw):
    with pytest.raises(NumberError):
        to_decimal(raw)


def test_unknown_type_is_error():
    with pytest.raises(NumberError):
        to_decimal(object())


# --- to_percent ----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("86.99%", D("0.8699")),
        ("86.99 %", D("0.8699")),
        ("８６．９９％", D("0.8699")),
        ("-23.56%", D("-0.2356")),
        ("−23.56%", D("-0.2356")),
        ("(23.56%)", D("-0.2356")),
        ("（23.56％）", D("-0.2356")),
        ("100%", D("1")),
        ("0%", D("0")),
        (0.8699, D("0.8699")),  # stored value of a percent-formatted cell
        (1, D("1")),
        (D("0.8699"), D("0.8699")),
        ("86.99", D("0.8699")),  # text without % in a rate field: percentage points
        ("１７３．４５", D("1.7345")),
    ],
)
def test_to_percent(raw, expected):
    assert to_percent(raw) == expected


def test_to_percent_is_exact_division():
    assert to_percent("86.99%") == D("86.99") / 100 == D("0.8699")
    assert str(to_percent("80.00%")) == "0.8000"


@pytest.mark.parametrize("raw", ["约86%", "86人", "86%%", dt.datetime(2022, 1, 1), True])
def test_to_percent_rejects(raw):
    with pytest.raises(NumberError):
        to_percent(raw)


# --- to_int ------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["146", 146, 146.0, "146人", D("146.0"), "１４６", " 146 "])
def test_to_int(raw):
    got = to_int(raw)
    assert got == 146 and type(got) is int


@pytest.mark.parametrize("raw, shown", [(146.5, "146.5"), ("146.5", "146.5"), (D("146.50"), "146.50")])
def test_to_int_rejects_fractions(raw, shown):
    with pytest.raises(NumberError) as info:
        to_int(raw)
    assert info.value.message == f"人数应为整数：“{shown}”"


def test_to_int_propagates_parse_errors():
    with pytest.raises(NumberError):
        to_int("约146人")


# --- to_score: 得分、分值 as clerks type them ---------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("10分", D("10")),
        ("15 分", D("15")),
        ("9.5分", D("9.5")),
        ("１０分", D("10")),
        (8, D("8")),
        ("8", D("8")),
        (None, None),
        ("—", None),
    ],
)
def test_to_score(raw, expected):
    assert to_score(raw) == expected


@pytest.mark.parametrize("raw", ["满分", "分", "约10分", "10%分"])
def test_to_score_rejects_and_shows_what_was_typed(raw):
    with pytest.raises(NumberError) as info:
        to_score(raw)
    assert f"“{raw}”" in info.value.message


def test_points_only_for_scores():
    with pytest.raises(NumberError):
        to_decimal("10分")


# --- decimals_of -------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("10,246.65 ", 2),
        (3.12, 2),
        (3, 0),
        ("3.10", 2),
        ("3", 0),
        ("3.", 0),
        (D("3.10"), 2),
        (D("3"), 0),
        (3.0, 0),
        (2.5, 1),
        ("（15.66）", 2),
        ("１２３．４５６", 3),
        ("86.99%", 2),
        (None, None),
        ("", None),
        ("—", None),
        ("9.5分", 1),
        ("10分", 0),
    ],
)
def test_decimals_of(raw, expected):
    assert decimals_of(raw) == expected


def test_decimals_of_rejects_garbage():
    with pytest.raises(NumberError):
        decimals_of("约3.1")


# --- properties --------------------------------------------------------------

_FULL = str.maketrans("0123456789.,-()", "０１２３４５６７８９．，－（）")
two_places = st.decimals(min_value=D("-1e9"), max_value=D("1e9"), places=2, allow_nan=False, allow_infinity=False)


@given(two_places, st.booleans(), st.booleans(), st.booleans(), st.sampled_from(["", " ", "\u3000", "\u00a0", "\n"]))
def test_messy_formatting_roundtrips(value, thousands, full_width, accounting, pad):
    text = f"{abs(value):,.2f}" if thousands else f"{abs(value):.2f}"
    if value < 0:
        text = f"({text})" if accounting else f"-{text}"
    if full_width:
        text = text.translate(_FULL)
    got = to_decimal(pad + text + pad)
    assert got == value
    assert decimals_of(pad + text + pad) == 2


@given(two_places)
def test_percent_text_roundtrips(value):
    assert to_percent(f"{value}%") == value / 100


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_uses_repr(x):
    assert to_decimal(x) == D(repr(x))
    assert to_percent(x) == D(repr(x))


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_ints_roundtrip(n):
    assert to_int(n) == n
    assert to_int(f"{n:,}") == n
    assert to_int(float(n)) == n


@pytest.mark.parametrize(
    "raw, scale, expected",
    [
        ("11,057,310.29元", D("1"), D("1105.731029")),  # 元 typed on a 万元 sheet
        ("1105.73万元", D("0.0001"), D("1105.73")),  # 万元 typed on a 元 sheet
        ("1105.73", D("0.0001"), D("0.110573")),  # no unit: the sheet's
        (1105.73, D("1"), D("1105.73")),
        ("—", D("1"), None),
    ],
)
def test_to_amount_honours_a_unit_typed_in_the_cell(raw, scale, expected):
    from perf_xlsx.numbers import to_amount

    assert to_amount(raw, scale) == expected


# --- 亿, 约, error values, CellIssue ------------------------------------------


@pytest.mark.parametrize(
    "raw, scale, expected",
    [
        ("1.2亿", D("1"), D("12000")),  # 亿 = 10000 万元
        ("1.2亿元", D("1"), D("12000")),
        ("１．２亿", D("0.0001"), D("12000")),  # the unit wins over a 元 sheet's
        ("0.5 亿元", D("1"), D("5000")),
        ("(1.2亿)", D("1"), D("-12000")),
        ("12.30万", D("1"), D("12.30")),  # 万 alone, as clerks write it: 万元
        ("1.2万", D("0.0001"), D("1.2")),
    ],
)
def test_yi_is_ten_thousand_wan(raw, scale, expected):
    from perf_xlsx.numbers import to_amount

    assert to_amount(raw, scale) == expected


@pytest.mark.parametrize("read", [to_decimal, to_int, to_percent])
def test_yi_only_for_amounts(read):
    with pytest.raises(NumberError):
        read("1.2亿")
    with pytest.raises(NumberError):
        read("3万")  # 30000, not 3


@pytest.mark.parametrize("raw", ["1 2", "1\u20092", "12 34", "1 23.5"])
def test_digits_split_by_a_space_are_not_joined(raw):
    """A space inside a number that is not a thousands gap is a typo: not silently 12."""
    with pytest.raises(NumberError):
        to_decimal(raw)


@pytest.mark.parametrize("raw, expected", [("10 246.65", D("10246.65")), ("1 234 567", D("1234567"))])
def test_thousands_gaps_are_still_read(raw, expected):
    assert to_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["约100", "约 100 万元", "大约100", "100左右", "100多", "近100", "约1.2亿"])
def test_approximate_numbers_are_reported_as_such(raw):
    from perf_xlsx.numbers import to_amount

    with pytest.raises(NumberError) as info:
        to_amount(raw, D(1))
    assert f"“{raw}”" in info.value.message and "约数" in info.value.message and info.value.kind == "unreadable"


@pytest.mark.parametrize("raw", ["#DIV/0!", "#REF!", "#VALUE!", "#N/A", " #n/a ", "#NAME?", "#NUM!"])
def test_error_values_have_their_own_kind_and_meaning(raw):
    with pytest.raises(NumberError) as info:
        to_decimal(raw)
    assert info.value.kind == "error-value" and raw.strip().upper() in info.value.message
    assert "（" in info.value.message and "修正" in info.value.message


def test_bool_and_date_messages_show_what_excel_shows():
    with pytest.raises(NumberError) as info:
        to_decimal(True)
    assert "“TRUE”" in info.value.message
    with pytest.raises(NumberError) as info:
        to_decimal(dt.datetime(2022, 12, 31))
    assert "“2022-12-31”" in info.value.message and "数值" in info.value.message


def test_cell_issue_is_reported_with_its_kind():
    from perf_xlsx.numbers import CellIssue, to_amount

    issue = CellIssue("=VLOOKUP(1,A:A,1)", "公式没有保存计算结果", kind="formula")
    with pytest.raises(NumberError) as info:
        to_amount(issue, D(1))
    assert info.value.kind == "formula" and info.value.message == "公式没有保存计算结果" and str(issue) == issue.shown
