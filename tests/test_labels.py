"""Tests for perf_xlsx.labels (标签规范化) and the matcher the reader finds fields with (grid.LabelMatcher)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf_xlsx.grid import LabelMatcher
from perf_xlsx.labels import clean, label_key, split_inline

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


# --- LabelMatcher ------------------------------------------------------------


def found(text: object, labels, year: int | None = None) -> bool:
    """Does a cell reading `text` match a field with these label variants, as the reader asks it
    (grid keys are label_key of the cell, the matcher is built from the layout's variants)?"""
    return LabelMatcher(labels, year).match(label_key(text))


FISCAL = ["公共财政拨款", "一般公共预算拨款", "财政拨款"]  # income_expenditure.toml: one column, three names


@pytest.mark.parametrize("text", ["公共财政拨款", "一般公共预算拨款", "财政拨款", "公共财\n政拨款", " 财政 拨款 "])
def test_matcher_takes_any_variant(text):
    assert found(text, FISCAL)


@pytest.mark.parametrize(
    "text",
    [
        "1、基本支出",
        "1.基本支出",
        "（一）基本支出",
        "(一)基本支出",
        "十二、基本支出",
        "①基本支出",
        "其中：基本支出",
        "其中：1、基本支出",
    ],
)
def test_matcher_ignores_numbering_prefixes(text):
    assert found(text, ["基本支出"])


@pytest.mark.parametrize(
    "text, labels",
    [
        ("填报单位：", ["填报单位"]),
        ("填报单位:", ["填报单位"]),
        ("因公出国(境)费", ["因公出国（境）费"]),  # full-width brackets in the layout, ASCII in the cell
        ("因公出国（境）费", ["因公出国(境)费"]),
        ("“三公”经费合计", ["“三公”经费合计"]),
        ("收入合计（万元）", ["收入合计"]),
        ("ＧＤＰ增长率（％）", ["GDP增长率"]),  # full-width letters and percent sign
    ],
)
def test_matcher_ignores_full_width_punctuation_and_units(text, labels):
    assert found(text, labels)


def test_matcher_fills_year_placeholders_with_the_workbook_year():
    assert found("2022年度部门（单位）收支情况", ["{year}年度部门（单位）收支情况"], year=2022)
    assert found("2021年决算数", ["{prev_year}年决算数"], year=2022)
    assert not found("2021年度部门（单位）收支情况", ["{year}年度部门（单位）收支情况"], year=2022)
    assert not found("2022年决算数", ["{prev_year}年决算数"], year=2022)


def test_matcher_takes_any_year_when_the_workbook_year_is_not_known():
    assert found("2023年预算数", ["{year}年预算数"])
    assert found("（一）2019年预算数：", ["{year}年预算数"])
    assert not found("年预算数", ["{year}年预算数"])  # the year is part of the label
    assert not found("22年预算数", ["{year}年预算数"])
    assert not found("2023年预算数合计", ["{year}年预算数"])  # anchored at both ends


@pytest.mark.parametrize(
    "text, labels",
    [
        ("公车运行", ["公车购置", "公务接待"]),
        ("公共财政拨款合计", FISCAL),  # contains a variant, but is another field
        ("拨款", FISCAL),
        ("基本支出", []),
        ("", ["基本支出"]),  # an empty cell is no label
        (None, ["基本支出"]),
    ],
)
def test_matcher_does_not_match_another_label(text, labels):
    assert not found(text, labels)


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
    assert found(messy, [body])


@given(st.text(max_size=30))
def test_label_key_idempotent(text):
    once = label_key(text)
    assert label_key(once) == once
    assert clean(clean(text)) == clean(text)


def test_clean_is_stable_when_spaces_separate_combining_marks():
    assert clean("A \u0301") == "\u00c1"
    assert clean(clean("A \u0301")) == clean("A \u0301")


def test_long_texts_are_read_alike_but_not_remembered():
    """The label functions remember short texts only (labels.REMEMBERED_CHARS): a long paragraph gives the same
    answer, and is not held in memory by a worker of a long batch."""
    from perf_xlsx import labels

    def sizes():
        return labels._text_key.cache_info().currsize, labels._split_inline.cache_info().currsize

    paragraph = "实际完成情况较好，" * 60
    labels.label_key("说明")  # the label part below: short, remembered
    before = sizes()
    inline = labels.split_inline("其中：说明：" + paragraph)
    assert inline == ("说明", paragraph)
    assert labels.label_key("（一）" + paragraph) == labels.label_key(paragraph) != ""  # the enumeration stripped
    assert sizes() == before
    assert labels.split_inline("单位：万元（新）") == ("单位", "万元（新）")
    assert sizes()[1] == before[1] + 1
