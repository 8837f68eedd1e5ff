"""Form families (各地表样) as workbooks: fixtures for reading forms other than Hunan's (issue 11).

One `build_<name>(folder)` per workbook: it writes `<name>.xlsx` into `folder` and returns its path. The
families are those of ../shared/spec/form-families.md: N (national 项目支出绩效自评表), B (Hubei 项目绩效自评表),
C (Chongqing 部门整体绩效自评表), R (the 自评报告's cover and 基本概况). Each consistent workbook is laid out
as a bureau's copy is, with the usual mess (label variants, Sheet1/附件3, text numbers, unit lines, merged
and two-row headers, points in labels, a closing 总分/合计 row) and every figure right, so it should read
with 0 错误. Each mistake variant holds exactly one mistake seen on real filed copies; KNOWN_MISTAKES lists
every cell it makes wrong, with the stated and the right value, computed from the same drawing code.

Every derived number is computed in Decimal from the inputs (tests/family_forms/); none is typed here.

To look at them in Excel or WPS:  python -m tests.families 各地表样/
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from perf_xlsx.writing import save_deterministic
from tests.family_forms.chongqing import MEDIA_CENTRE, CForm
from tests.family_forms.common import D, Figure, Form, r2
from tests.family_forms.hubei import EPIDEMIC, EXTENSION, BForm
from tests.family_forms.national import COMMISSION, MESSY, NEWS, PLAIN, ROAD_UPKEEP, WATER, NForm
from tests.family_forms.report import LAND_BUREAU, RCover, RProfile
from tests.family_forms.unrelated import PriceList, Roster

PINNED_TIME = dt.datetime(2023, 3, 1, 9, 0, 0)

#: The Anhui copy of the national form (本年财政拨款, 年度资金总额：, points in the 一级指标 labels).
ANHUI = replace(PLAIN, funding="其中：本年财政拨款", total="年度资金总额：", points_in_level1=True)
#: A district's copy: 财政拨款 without 其中, unit line, 评价等次 row.
DISTRICT = replace(PLAIN, funding="财政拨款", unit_line=True, points_in_level1=True, grade_row="评价等次")

_ROAD = NForm(project=ROAD_UPKEEP, style=MESSY)
_EXTENSION = BForm(project=EXTENSION)
_MEDIA = CForm(department=MEDIA_CENTRE)
_ZERO_TOTAL = {f"money.total.{col}": D(0) for col in ("initial", "budget", "actual")}


def _b_product_score() -> Decimal:
    """The Hubei slip: a met target (98% of 98%) scored 权重 × B instead of 权重 × B/A."""
    row = EXTENSION.goals[0].rows[2]
    assert row.done == row.goal and row.done is not None
    return r2(row.points * row.done / 100)


def _measure(name: str) -> int:
    return next(i for i, m in enumerate(MEDIA_CENTRE.measures) if m.name == name)


#: Every fixture: its sheets in order, as (sheet title, filled form).
SHEETS: dict[str, list[tuple[str, Form]]] = {
    "n_project": [("Sheet1", _ROAD)],
    "n_official": [("Sheet1", NForm(project=WATER))],
    "n_total_left_zero": [
        ("Sheet1", replace(_ROAD, typed=_ZERO_TOTAL, mistake="年度资金总额行留为0（其中各行有资金）")),
    ],
    "n_uses_not_adding_up": [
        ("Sheet1", replace(_ROAD, typed={"goal.use.1": D("224.17")}, mistake="实际完成情况所列用途与全年执行数不符")),
    ],
    "n_rate_typed_full": [
        (
            "附件3",
            NForm(
                project=NEWS,
                style=DISTRICT,
                typed={"money.total.rate": D(100)},
                mistake="执行率填为100%，得分按满分计",
            ),
        ),
    ],
    "n_total_zero_bennian": [
        (
            "Sheet1",
            NForm(project=COMMISSION, style=ANHUI, typed=_ZERO_TOTAL, mistake="年度资金总额行为0而本年财政拨款有资金"),
        ),
    ],
    "b_project": [("Sheet1", _EXTENSION)],
    "b_project_weighted": [
        ("附件2", BForm(project=EPIDEMIC, weights=True, rate_as_one=True, title_suffix="（终稿）")),
    ],
    "b_met_scored_as_product": [
        (
            "Sheet1",
            replace(_EXTENSION, typed={"goal.0.2.score": _b_product_score()}, mistake="已达成指标按 权重×实际值 计分"),
        ),
    ],
    "c_department": [("附件1", _MEDIA)],
    "c_coefficient_full_on_missed": [
        (
            "附件1",
            replace(
                _MEDIA,
                typed={f"ind.{_measure('政府采购执行率')}.coef": D(100)},
                mistake="未达标指标得分系数填为100%",
            ),
        ),
    ],
    "r_report": [
        ("Sheet1", RCover(report=LAND_BUREAU)),
        ("Sheet2", RProfile(report=LAND_BUREAU, phone_label="联络电话")),
    ],
    "unrelated_tables": [("Sheet1", Roster()), ("Sheet2", PriceList())],
    "mixed_c_and_n": [
        ("附件1", _MEDIA),
        ("附件2", NForm(project=NEWS, style=replace(DISTRICT, funding="其中：财政拨款"))),
    ],
}


def write(name: str, folder: Path) -> Path:
    """Draw fixture `name`'s sheets into a new workbook saved as `folder/<name>.xlsx`."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for title, form in SHEETS[name]:
        form.draw(wb.create_sheet(title))
    wb.properties.creator = "某某单位财务股"
    wb.properties.created = wb.properties.modified = PINNED_TIME
    path = Path(folder) / f"{name}.xlsx"
    save_deterministic(wb, path)  # pinned zip times: wb.save stamps the clock, so two saves a second apart differ
    return path


def layout(name: str) -> list[tuple[str, Form, dict[str, str]]]:
    """Fixture `name`'s sheets as (sheet title, form, {field key: cell}), drawn on a scratch workbook."""
    wb = Workbook()
    return [(title, form, form.draw(wb.create_sheet(title))) for title, form in SHEETS[name]]


# ---- the builders ------------------------------------------------------------------------------
def build_n_project(folder: Path) -> Path:
    """N, consistent: a county transport bureau's 农村公路日常养护 project on a passed-around copy.

    Sheet1; a 附件3 line above the title `县本级项目支出绩效自评表`; （2022年度） with 单位：万元; 主管部门 with a code
    prefix; `年度资金总额：` / `其中：本年财政拨款` / 上年结转资金 / 其他资金 (all —); headers broken over two lines;
    `1,235.50 `, `1,048.37 `, `120万元` and `94.57%` typed as text; 产出指标(50分) / 效益指标（30分） / 满意度指标(10分);
    偏差原因分析及改进措施 split into 原因分析 | 改进措施 (a two-row header); 总分 `96.57 ` as text; 自评等级 优.
    执行率 1168.37/1235.50 = 94.57%, 得分 9.46; two indicators short (危桥 5 of ≥6 座: 8.33; 每公里成本 3.58 against
    ≤3.5万元: 9.78); the uses listed in 实际完成情况 add up to 1168.37. Expected: 0 错误.
    """
    return write("n_project", folder)


def build_n_official(folder: Path) -> Path:
    """N, consistent, on its own in the plain official layout (the most common file): a county water bureau's
    农村饮水安全工程维修养护 project. Sheet1; title 项目支出绩效自评表, （2022年度）, `其中：当年财政拨款`, numbers as
    numbers, one header row, 总分 only. 执行率 297.00/303.40 = 97.89%, 得分 9.79; 总分 99.51. Expected: 0 错误, the
    project scored.
    """
    return write("n_official", folder)


def build_n_total_left_zero(folder: Path) -> Path:
    """N, mistake (form-families.md): build_n_project with the 年度资金总额 row left at 0 while its 其中 rows hold
    the money, so 执行率 and 得分 show 0 too, and 总分 and 自评等级 follow from them.

    Expected findings on Sheet1: D7, E7, F7 年初预算数, 全年预算数, 全年执行数 stated 0 (right: 1180.00, 1235.50,
    1168.37); H7 执行率 0.00% (right: 94.57%); I7 得分 0.00 (right: 9.46); H24 总分 87.11 (right: 96.57); G25 自评等级
    良 (right: 优).
    """
    return write("n_total_left_zero", folder)


def build_n_uses_not_adding_up(folder: Path) -> Path:
    """N, mistake (form-families.md): build_n_project whose 实际完成情况 lists 856.20 + 224.17 + 70 = 1150.37万元
    of uses (危桥改造 242.17 typed with two digits swapped) against a 全年执行数 of 1168.37.

    Expected finding: Sheet1!F12 (the 实际完成情况 text): uses add up to 1150.37, right: 1168.37.
    """
    return write("n_uses_not_adding_up", folder)


def build_n_rate_typed_full(folder: Path) -> Path:
    """N, mistake (issue 11): a district media centre's 重大主题新闻宣传 project, sheet 附件3, `财政拨款` row,
    评价等次 row. 执行率 typed 100% where 120.67/150.00 = 80.45%, and 得分 the full 10 where 10 × 80.45% = 8.04;
    总分 summed from them.

    Expected findings on 附件3: H6 执行率 100.00% (right: 80.45%); I6 得分 10.00 (right: 8.04); H20 总分 97.00
    (right: 95.04). 评价等次 stays 优.
    """
    return write("n_rate_typed_full", folder)


def build_n_total_zero_bennian(folder: Path) -> Path:
    """N, mistake (issue 11): a township's 基建工程委托业务项目 on the Anhui copy: `年度资金总额：` row 0 | 0 | 0 | 10 |
    0 | 0 while `其中：本年财政拨款` holds 90 | 90 | 89.97.

    Expected findings on Sheet1: D6, E6, F6 stated 0 (right: 90.00, 90.00, 89.97); H6 执行率 0.00% (right: 99.97%);
    I6 得分 0.00 (right: 10.00); H23 总分 90.00 (right: 100.00).
    """
    return write("n_total_zero_bennian", folder)


def build_b_project(folder: Path) -> Path:
    """B, consistent: a city 农业技术推广项目 as the published Hubei copies look — no 权重 column (only the
    blocks' points, 年度绩效目标1（40分）, 年度绩效目标2（40分）), every target met, 执行率 81.24/85.60 = 94.91%,
    得分 20 × 94.91% = 18.98, 总分 98.98. Expected: 0 错误.
    """
    return write("b_project", folder)


def build_b_project_weighted(folder: Path) -> Path:
    """B, consistent: a district 动物疫病防控项目 with a 权重 column, title ending （终稿）, sheet 附件2; fully spent
    with 执行率 typed as `1`; three targets missed or partly met (培训 180 of ≥200 人次: 9.00; 养殖户满意度 86% of
    ≥90%: 9.56; 防疫档案 部分达成: 7 of 10); 总分 95.56. Expected: 0 错误.
    """
    return write("b_project_weighted", folder)


def build_b_met_scored_as_product(folder: Path) -> Path:
    """B, mistake (form-families.md): build_b_project with the met target 培训对象满意度 (98% against 98%) scored
    20 × 98% = 19.6 instead of 20 × 98%/98% = 20; 年度绩效目标1 adds up to 39.6 of its 40 points, 总分 short by 0.4.

    Expected findings on Sheet1: G13 得分 19.60 (right: 20.00); G17 总分 98.58 (right: 98.98).
    """
    return write("b_met_scored_as_product", folder)


def build_c_department(folder: Path) -> Path:
    """C, consistent: a district 融媒体中心's 2022年度部门整体绩效自评表, sheet 附件1: 执行率 1596.32/1688.45 = 94.54%
    × 权重 10 = 9.45; 20 indicators (the 财预〔2013〕53号 ones with bare targets such as 100% and 3%, ceilings for 控制率,
    调整率, 结转结余率, 变动率), 调整指标值 on one, a two-row 指标值 header, 得分系数 as `100%` text or a percentage,
    a closing 合计 row (权重 90, 得分 89.05); 政府采购执行率 72.74% gets 得分系数 72.74%, 得分 1.45; 新媒体平台粉丝
    增长数 4.6 of 5万人 gets 92%, 4.60; 自评总分 9.45 + 89.05 = 98.50.
    Expected: 0 错误.
    """
    return write("c_department", folder)


def build_c_coefficient_full_on_missed(folder: Path) -> Path:
    """C, mistake (form-families.md): build_c_department with 政府采购执行率 (72.74% against 100%) given 得分系数 100%
    and so 指标得分 2; the 合计 and 自评总分 follow.

    Expected findings on 附件1: H18 得分系数 100% (right: 72.74%); J18 指标得分 2.00 (right: 1.45); J31 合计
    指标得分 89.60 (right: 89.05); J3 自评总分 99.05 (right: 98.50).
    """
    return write("c_coefficient_full_on_missed", folder)


def build_r_report(folder: Path) -> Path:
    """R, consistent: a county 自然资源局's 自评报告 tables pasted into a workbook. Sheet1: the cover
    (`单位名称（盖章）：…`, `预 算 编 码：` | 312001, 评价方式, 评价机构, `报告时间：` | 2023年4月20日). Sheet2:
    一、部门（单位）基本概况 — 联系人 | 田某 | 联络电话 | 8223609; 人员编制 | `146人` | 实有人数 | 127; then
    职能职责概述, 年度主要工作内容 and 总体运行情况 as long text. Expected: 0 错误.
    """
    return write("r_report", folder)


def build_unrelated_tables(folder: Path) -> Path:
    """No family: a 职工花名册 (Sheet1) and an 办公用品采购价格表 with 单位：元 and a 合计 row (Sheet2).
    Expected: 未识别的表样, exit 1.
    """
    return write("unrelated_tables", folder)


def build_mixed_c_and_n(folder: Path) -> Path:
    """Two families in one workbook, both consistent: the 融媒体中心's C form (附件1, as build_c_department, 自评总分
    98.50) and
    its 重大主题新闻宣传 project on the N form (附件2, `其中：财政拨款`, 执行率 80.45%, 得分 8.04, 总分 95.04 优).
    Expected: 0 错误; each sheet read as its own family.
    """
    return write("mixed_c_and_n", folder)


BUILDERS: dict[str, Callable[[Path], Path]] = {
    name.removeprefix("build_"): fn for name, fn in list(globals().items()) if name.startswith("build_")
}


# ---- the known mistakes ------------------------------------------------------------------------
@dataclass(frozen=True)
class KnownMistake:
    """One wrong cell of a mistake fixture (预期发现): stated and correct values as shown on the form —
    amounts in 万元, rates and 得分系数 in percent, scores in 分, all as Decimal strings; a grade as its word."""

    builder: Callable[[Path], Path]
    sheet: str
    cell: str
    description: str
    stated: str
    correct: str
    unit: str


def _shown(value: Figure) -> str:
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def known_mistakes() -> list[KnownMistake]:
    """Every cell where a fixture's stated figure differs from the one its correctly filled twin states."""
    found = []
    for name, build in BUILDERS.items():
        for title, form, at in layout(name):
            if not form.typed:
                continue
            stated, right = form.figures(), form.truth().figures()
            for key, cell in at.items():
                if key in stated and stated[key] != right[key]:
                    found.append(
                        KnownMistake(
                            build,
                            title,
                            cell,
                            f"{form.mistake}：{form.label(key)}",
                            _shown(stated[key]),
                            _shown(right[key]),
                            form.unit(key),
                        )
                    )
    return found


KNOWN_MISTAKES = known_mistakes()


def build_all(folder: Path) -> list[Path]:
    """Write every fixture into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [build(folder) for build in BUILDERS.values()]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("用法：python -m tests.families 输出文件夹")
    for made in build_all(Path(sys.argv[1])):
        print(os.fspath(made))
    for m in KNOWN_MISTAKES:
        print(f"{m.builder.__name__}: {m.sheet}!{m.cell} {m.description} 填报 {m.stated} 应为 {m.correct}{m.unit}")
