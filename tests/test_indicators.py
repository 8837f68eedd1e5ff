"""Tests for perf_xlsx.indicators (指标值识别与指标得分)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf_xlsx.indicators import Quantity, parse, score

# --- parse: one row per written form ----------------------------------------
# raw, kind, value, unit, direction, deadline
FORMS = [
    ("≥50个", "number", D(50), "个", ">=", None),
    (">=50个", "number", D(50), "个", ">=", None),
    ("50个以上", "number", D(50), "个", ">=", None),
    ("不少于50个", "number", D(50), "个", ">=", None),
    ("不低于90%", "number", D(90), "%", ">=", None),
    ("≤100%", "number", D(100), "%", "<=", None),
    ("100%以下", "number", D(100), "%", "<=", None),
    ("不高于100%", "number", D(100), "%", "<=", None),
    ("不超过100%", "number", D(100), "%", "<=", None),
    ("=100%", "number", D(100), "%", "=", None),
    ("100%", "number", D(100), "%", "", None),
    (">90%", "number", D(90), "%", ">", None),
    ("<5天", "number", D(5), "天", "<", None),
    ("93%", "number", D(93), "%", "", None),
    ("51个", "number", D(51), "个", "", None),
    ("1300余万元", "number", D(1300), "万元", "", None),
    ("1300余万 元", "number", D(1300), "万元", "", None),
    ("2022年12月31日前", "deadline", None, "", "", dt.date(2022, 12, 31)),
    ("2022年12月前", "deadline", None, "", "", dt.date(2022, 12, 31)),
    ("2022年2月前", "deadline", None, "", "", dt.date(2022, 2, 28)),
    ("12月31日前", "deadline", None, "", "", None),
    ("按时完成", "done", None, "", "", None),
    ("已完成", "done", None, "", "", None),
    ("全部完成", "done", None, "", "", None),
    ("完成", "done", None, "", "", None),
    ("截止2022年12月31日，目标任务已完成", "done", None, "", "", None),
    ("按时", "done", None, "", "", None),  # 时限指标 with no date: 按时 …
    ("按时拨付", "done", None, "", "", None),
    ("按时发放", "done", None, "", "", None),
    ("按时到位", "done", None, "", "", None),
    ("按期完成", "done", None, "", "", None),
    ("按时足额发放", "done", None, "", "", None),
    ("已按时拨付", "done", None, "", "", None),  # … and 完成 written as an actual
    ("资金已全部拨付到位", "done", None, "", "", None),
    ("发放到位", "done", None, "", "", None),
    ("2022年12月31日前按时拨付", "deadline", None, "", "", dt.date(2022, 12, 31)),
    ("未按时拨付", "qualitative", None, "", "", None),
    ("尚未发放", "qualitative", None, "", "", None),
    ("未能按时足额发放到位", "qualitative", None, "", "", None),
    ("足额发放", "qualitative", None, "", "", None),  # how much, not when
    ("达标率100%", "number", D(100), "%", "", None),
    ("实际完成工作任务达标率100%", "number", D(100), "%", "", None),
    ("满意度达90%以上", "number", D(90), "%", ">=", None),
    ("加强管理，提高资金使用效益", "qualitative", None, "", "", None),
    ("≥５０个", "number", D(50), "个", ">=", None),
    ("９３％", "number", D(93), "%", "", None),
    ("≥ 50 个", "number", D(50), "个", ">=", None),
    ("公用经费控制率100%以下、在职人员控制率100%以下", "qualitative", None, "", "", None),
    (None, "qualitative", None, "", "", None),
    ("", "qualitative", None, "", "", None),
    (0.93, "number", D("0.93"), "", "", None),
    (51, "number", D(51), "", "", None),
    ("2022年度培训≥50人次", "number", D(50), "人次", ">=", None),  # the year is a label, not a number
    ("未完成", "qualitative", None, "", "", None),
]


@pytest.mark.parametrize("raw, kind, value, unit, direction, deadline", FORMS)
def test_parse_forms(raw, kind, value, unit, direction, deadline):
    q = parse(raw)
    assert (q.kind, q.value, q.unit, q.direction, q.deadline) == (kind, value, unit, direction, deadline)
    assert q.text == ("" if raw is None else raw if isinstance(raw, str) else str(raw))
    assert q.explain


@pytest.mark.parametrize(
    "raw, approximate",
    [
        ("1300余万元", True),
        ("约100人", True),
        ("近50次", True),
        ("50多个", True),
        ("1300万元", False),
        ("≥50个", False),
    ],
)
def test_parse_approximate(raw, approximate):
    q = parse(raw)
    assert q.kind == "number" and q.approximate is approximate


@pytest.mark.parametrize(
    "raw, words",
    [
        ("≥50个", ["不低于 50 个"]),
        ("2022年12月31日前", ["截止日期 2022年12月31日"]),
        ("12月31日前", ["年份"]),
        ("加强管理", ["定性", "人工评分"]),
        ("公用经费控制率100%以下、在职人员控制率100%以下", ["多个指标值"]),
        ("实际完成工作任务达标率100%", ["100%", "实际完成工作任务达标率"]),
    ],
)
def test_parse_explains(raw, words):
    explain = parse(raw).explain
    assert all(w in explain for w in words), explain


def test_parse_keeps_text_and_is_frozen():
    q = parse(" ≥50个 ")
    assert q.text == " ≥50个 " and q.value == D(50)
    with pytest.raises(AttributeError):
        q.value = D(1)


# --- score: hand computations ------------------------------------------------


@pytest.mark.parametrize(
    "target, actual, weight, expected",
    [
        ("≥50个", "51个", "10", "10.00"),  # 10 × min(51/50, 1)
        ("≥50个", "40个", "10", "8.00"),  # 10 × 40/50
        ("≥90%", "85%", "10", "9.44"),  # 10 × 85/90 = 9.444…
        ("100%", "93%", "20", "18.60"),  # no direction on a target: "="
        ("=100%", "120%", "5", "5.00"),  # over-achieving is capped at full
        (">90%", "95%", "4", "4.00"),  # strictly above: met
        (">90%", "85%", "4", "3.78"),  # 4 × 85/90 = 3.777…
        ("低于5%", "4%", "10", "10.00"),  # strictly below: met
        ("低于5%", "8%", "10", "6.25"),  # 10 × 5/8
        ("≤100%", "120%", "5", "4.17"),  # 5 × 100/120 = 4.1666…
        ("≤100%", "80%", "5", "5.00"),
        ("<5天", "8天", "3", "1.88"),  # 3 × 5/8 = 1.875, half-up
        ("≤1天", "8天", "1", "0.13"),  # 1 × 1/8 = 0.125, half-up (not half-even 0.12)
        ("≥50个", "51个", "2.345", "2.34"),  # never above 分值, even when rounding would be
        ("≥1000万元", "1300余万元", "6", "6.00"),  # an approximate actual counts as its number
        ("≥2000万元", "1300余万元", "6", "3.90"),  # 6 × 1300/2000
        ("≥0个", "0个", "2", "2.00"),  # target 0: full
        ("2022年12月31日前", "已完成", "10", "10.00"),
        ("2022年12月31日前", "截止2022年12月31日，目标任务已完成", "10", "10.00"),
        ("2022年12月31日前", "2022年11月20日完成", "10", "10.00"),
        ("按时完成", "全部完成", "8", "8.00"),
        ("按时", "已完成", "2", "2.00"),
        ("按时拨付", "已按时拨付", "5", "5.00"),
        ("按时发放", "资金已全部发放到位", "4", "4.00"),
        ("按时到位", "按时到位", "3", "3.00"),
        ("2022年12月31日前按时拨付", "2022年11月20日已拨付", "6", "6.00"),
    ],
)
def test_score_by_hand(target, actual, weight, expected):
    got = score(parse(target), parse(actual), D(weight))
    assert got.score == D(expected), got.rule
    assert got.warning is None
    assert got.score.as_tuple().exponent == -2


def test_score_rule_shows_the_computation():
    got = score(parse("≥50个"), parse("51个"), D(10))
    assert got.rule == "正向指标：分值 × min(实际/目标, 1) = 10 × min(51/50, 1) = 10.00"
    assert "100/120" in score(parse("≤100%"), parse("120%"), D(5)).rule


@pytest.mark.parametrize("target, actual", [("≥90%", "51个"), ("≥90%", 0.93), ("≥50个", "50人")])
def test_score_unit_mismatch(target, actual):
    got = score(parse(target), parse(actual), D(10))
    assert got.score is None
    assert parse(target).unit in got.warning and "不一致" in got.warning
    assert (parse(actual).unit or "无单位") in got.warning


@pytest.mark.parametrize(
    "target, actual, warned",
    [
        ("加强管理", "51个", False),  # qualitative target: clerk's judgement, no warning
        ("≥50个", "基本完成", False),  # qualitative actual
        ("2022年12月31日前", "2023年3月1日完成", True),  # late
        ("2022年12月31日前", "51个", True),
        ("12月31日前", "2022年11月20日完成", True),  # the deadline has no year
        ("按时完成", "51个", True),
        ("按时拨付", "未按时拨付", True),  # written as not done: the clerk scores, told why
        ("按时发放", "51个", True),
        ("≥50个", "已完成", True),
        ("低于5%", "5%", True),  # exactly at a strict bound: not met, yet 5 × 5/5 is full
        ("高于90%", "90%", True),
        (">0个", "0个", True),
    ],
)
def test_score_left_to_the_clerk(target, actual, warned):
    got = score(parse(target), parse(actual), D(10))
    assert got.score is None and got.rule
    assert (got.warning is not None) is warned


def test_strict_bound_says_why():
    got = score(parse("低于5%"), parse("5%"), D(10))
    assert "5%" in got.warning and "低于" in got.warning and "人工评分" in got.warning


def test_score_bad_weight():
    got = score(parse("≥50个"), parse("51个"), D(-1))
    assert got.score is None and got.warning


# --- properties --------------------------------------------------------------

_WRITTEN = [  # (how a clerk writes it, direction it means)
    ("{v}{u}", ""),
    ("≥{v}{u}", ">="),
    (">={v}{u}", ">="),
    ("不少于{v}{u}", ">="),
    ("{v}{u}以上", ">="),
    ("满意度达{v}{u}以上", ">="),
    ("≤{v}{u}", "<="),
    ("不超过{v}{u}", "<="),
    ("{v}{u}以下", "<="),
    ("控制在{v}{u}以内", "<="),
    ("={v}{u}", "="),
    (">{v}{u}", ">"),
    ("<{v}{u}", "<"),
    ("约{v}{u}", ""),
]
_UNITS = ["", "%", "个", "万元", "元", "天", "人", "次", "项", "亩", "份"]


@st.composite
def _typed(draw):
    """A random typed indicator value, and what parse must read from it."""
    value = draw(st.decimals(min_value=0, max_value=10**7, places=2))
    template, direction = draw(st.sampled_from(_WRITTEN))
    unit = draw(st.sampled_from(_UNITS))
    return template.format(v=f"{value:f}", u=unit), (value, unit, direction)


@given(_typed(), _typed(), st.decimals(min_value=0, max_value=100, places=3))
def test_score_stays_within_weight(target, actual, weight):
    (t_text, t_read), (a_text, a_read) = target, actual
    t, a = parse(t_text), parse(a_text)
    assert (t.value, t.unit, t.direction) == t_read and (a.value, a.unit, a.direction) == a_read
    got = score(t, a, weight)
    at_strict_bound = t.direction in (">", "<") and a.value == t.value
    assert (got.score is None) == (t.unit != a.unit or at_strict_bound)
    if got.score is not None:
        assert D(0) <= got.score <= weight
        assert got.score.as_tuple().exponent == -2


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.dates()))
def test_parse_never_raises(raw):
    q = parse(raw)
    assert isinstance(q, Quantity)
    assert q.kind in ("number", "deadline", "done", "qualitative")
    assert (q.value is not None) == (q.kind == "number")
