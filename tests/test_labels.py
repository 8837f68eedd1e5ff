"""Tests for perf_xlsx.labels (标签规范化)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf_xlsx.labels import clean, label_key, matches, split_inline

# --- clean -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("公共财\n政拨款", "公共财政拨款"),
        (" 三公\t经费\r\n合计\u3000", "三公经费合计"),
        ("年度预算申请（万元）", "年度预算申请(万元)"),
        ("ＡＢＣ１２３", "ABC123"),
        (None, ""),
        (146, "146"),
        (3.5, "3.5"),
        ("", ""),
    ],
)
def test_clean(raw, expected):
    assert clean(raw) == expected


# --- label_key ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1、公务用车购置和维护经费", "公务用车购置和维护经费"),
        ("1.公务用车购置和维护经费", "公务用车购置和维护经费"),
        ("1．公务用车购置和维护经费", "公务用车购置和维护经费"),
        ("(1)智慧湘西专项", "智慧湘西专项"),
        ("（1）智慧湘西专项", "智慧湘西专项"),
        ("一、基本支出", "基本支出"),
        ("十二、基本支出", "基本支出"),
        ("（一）基本支出", "基本支出"),
        ("①公务用车", "公务用车"),
        ("② 公务接待费", "公务接待费"),
        ("其中：公车购置", "公车购置"),
        ("其中:公车购置", "公车购置"),
        ("其中：其中：公车购置", "公车购置"),
        ("公共财\n政拨款", "公共财政拨款"),
        ("年度预算申请（万元）", "年度预算申请"),
        ("年度预算申请（万元）：", "年度预算申请"),
        ("在职人数(人)", "在职人数"),
        ("办公用房面积（㎡）", "办公用房面积"),
        ("办公用房面积(m2)", "办公用房面积"),
        ("预算执行率（%）", "预算执行率"),
        ("项目数（个）", "项目数"),
        ("收入合计(元)", "收入合计"),
        ("三公经费\n\n合计", "三公经费合计"),
        ("填报单位：", "填报单位"),
        ("二级机构1:", "二级机构1"),  # the digit is content, only the colon goes
        ("二级机构1", "二级机构1"),
        ("一般公共预算", "一般公共预算"),  # starts with 一 but is not an enumeration
        ("1.5倍以上", "1.5倍以上"),  # a number, not '1.'
        ("（万元）合计", "(万元)合计"),  # unit only stripped at the end
        (None, ""),
    ],
)
def test_label_key(raw, expected):
    assert label_key(raw) == expected


def test_label_key_variants_compare_equal():
    variants = [
        "1、公务用车购置和维护经费",
        "（1）公务用车购置\n和维护经费：",
        "公务用车购置和维护经费(万元)",
        "其中：公务用车购置和维护经费",
        "①公务用车购置和维护经费",
    ]
    assert len({label_key(v) for v in variants}) == 1


# --- split_inline ------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("其中：一般公共预算：1873.66", ("一般公共预算", "1873.66")),
        ("按收入性质分：7538.03", ("按收入性质分", "7538.03")),
        ("填报单位：湘西自治州人民政府办公室", ("填报单位", "湘西自治州人民政府办公室")),
        ("单位：万元", ("单位", "万元")),
        ("其中：基本支出：", ("基本支出", "")),
        ("其中:基本支出: 12.5 ", ("基本支出", "12.5")),
        ("1、项目支出：１，２３４．５", ("项目支出", "１，２３４．５")),  # value keeps its characters
        ("填报单位：\n湘西州  财政局 ", ("填报单位", "湘西州  财政局")),
        ("时间：8:30", ("时间", "8:30")),  # first colon splits
        ("公共财\n政拨款：100", ("公共财政拨款", "100")),
    ],
)
def test_split_inline(raw, expected):
    assert split_inline(raw) == expected


@pytest.mark.parametrize("raw", ["公务用车购置和维护经费", "", None, "其中：", "：孤立的值", 1873.66])
def test_split_inline_none(raw):
    assert split_inline(raw) is None


# --- matches -----------------------------------------------------------------


def test_matches():
    assert matches("1、公共财\n政拨款（万元）", ["财政拨款", "公共财政拨款"])
    assert matches("其中：公车购置", ("公车购置",))
    assert not matches("公车运行", ["公车购置", "公务接待"])
    assert not matches("公车购置", [])
    assert matches("公车购置", "公车购置")  # a bare string is one variant, not its characters
    assert not matches("公", "公车购置")


def test_empty_label_matches_nothing():
    assert not matches("", [""])
    assert not matches(None, ["", "（万元）"])


# --- properties --------------------------------------------------------------

cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=12)
prefixes = st.sampled_from(["", "1、", "2.", "（3）", "(4)", "五、", "（六）", "⑦", "其中：", "其中：1、"])
suffixes = st.sampled_from(["", "：", ":", "（万元）", "(元)", "（人）", "（%）", "（万元）："])
spaces = st.sampled_from(["", " ", "\n", "\u3000", "\t"])


@given(cjk, prefixes, suffixes, spaces)
def test_decorations_do_not_change_key(body, prefix, suffix, space):
    # A body that itself starts with an enumeration would legitimately lose it.
    if label_key(body) != body:
        return
    messy = prefix + space + body[:1] + space + body[1:] + space + suffix
    assert label_key(messy) == body
    assert matches(messy, [body])


@given(st.text(max_size=30))
def test_label_key_idempotent(text):
    once = label_key(text)
    assert label_key(once) == once
    assert clean(clean(text)) == clean(text)


def test_clean_is_stable_when_spaces_separate_combining_marks():
    assert clean("A \u0301") == "\u00c1"
    assert clean(clean("A \u0301")) == clean("A \u0301")
