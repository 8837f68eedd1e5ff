"""Family C: the Chongqing 部门整体绩效自评表 (no 支出 in the title), as published by district departments.

Layout (11 columns, landscape): title; 单位：万元; 主管部门 | 自评总分（分）; 部门联系人 | 联系电话; the block
`部门预算执行情况（万元）` (年初预算数 | 全年（调整）预算数 | 全年执行数 | 执行率(%) | 执行率权重 |
执行率得分（分）); 当年绩效目标 (年初绩效目标 | 全年（调整）绩效目标 | 全年目标实际完成情况); the indicator
table (指标名称 | 计量单位 | 指标性质 | 指标值: 年初指标值, 调整指标值 (a two-row group header) | 全年完成值 |
得分系数(%) | 指标权重(分) | 指标得分(分) | 是否核心指标), closed by a 合计 row.

Scores: 执行率得分 = 权重 × min(执行率, 100%); 得分系数 = 完成值/指标值 capped at 100% for a floor, 100% or
指标值/完成值 for a ceiling (控制率, 调整率, 结转结余率, 变动率: bare targets such as `100%`, `3%`);
指标得分 = 指标权重 × 得分系数; 自评总分 = 执行率得分 + Σ 指标得分.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from openpyxl.worksheet.worksheet import Worksheet

from .common import D, Figure, Form, percent, r2, ratio
from .paint import MONEY, PERCENT, SCORE, Paper

WIDTHS = (6, 22, 7, 9, 10, 10, 10, 9, 8, 8, 7)


@dataclass(frozen=True)
class Measure:
    """One row of the indicator table. `goal` is the 调整指标值 when there is one, else the 年初指标值."""

    name: str
    unit: str  # 计量单位 ("" for qualitative)
    initial: str  # 年初指标值 as printed
    adjusted: str  # 调整指标值 as printed ("" when not adjusted)
    actual: str  # 全年完成值 as printed
    weight: Decimal
    core: bool
    rule: str  # "≥" floor, "≤" ceiling, "定性"
    goal: Decimal | None = None
    done: Decimal | None = None

    @property
    def nature(self) -> str:
        return "定性指标" if self.rule == "定性" else "定量指标"

    def coefficient(self) -> Decimal:
        """得分系数 in percent, two decimals; asserted exact so that 权重 × 系数 is unambiguous."""
        if self.rule == "定性":
            return D(100)  # the target reached, as worded
        assert self.goal is not None and self.done is not None
        if self.rule == "≥":
            share = min(ratio(self.done, self.goal), D(1))
        else:
            share = D(1) if self.done <= self.goal else self.goal / self.done
        assert share * 100 == percent(share), f"{self.name}: 得分系数 {share} is not exact to 0.01%"
        return percent(share)


def measure(
    name: str,
    unit: str,
    initial: str,
    actual: str,
    weight: int,
    *,
    core: bool = False,
    ceiling: bool = False,
    adjusted: str = "",
) -> Measure:
    """A quantitative indicator; values printed with their unit (`2200篇`, `92%`)."""
    goal = adjusted or initial
    return Measure(
        name,
        unit,
        f"{initial}{unit}",
        f"{adjusted}{unit}" if adjusted else "",
        f"{actual}{unit}",
        D(weight),
        core,
        "≤" if ceiling else "≥",
        D(goal),
        D(actual),
    )


def judged(name: str, initial: str, actual: str, weight: int, core: bool = False) -> Measure:
    """A qualitative indicator (定性指标) whose target was reached."""
    return Measure(name, "", initial, "", actual, D(weight), core, "定性")


@dataclass(frozen=True)
class Department:
    year: int
    name: str  # 主管部门
    contact: str
    phone: str
    initial: Decimal  # 年初预算数
    budget: Decimal  # 全年（调整）预算数
    actual: Decimal  # 全年执行数
    weight: Decimal  # 执行率权重
    goal_initial: str
    goal_adjusted: str
    goal_done: str
    measures: tuple[Measure, ...]


@dataclass(frozen=True, kw_only=True)
class CForm(Form):
    department: Department

    family = "C"

    def figures(self) -> dict[str, Figure]:
        d, f = self.department, dict[str, Figure]()
        f["money.initial"], f["money.budget"], f["money.actual"], f["money.weight"] = (
            d.initial,
            d.budget,
            d.actual,
            d.weight,
        )
        share = ratio(d.actual, d.budget)
        rate = self.stated(f, "money.rate", percent(share))
        if "money.rate" in self.typed:
            share = rate / 100
        money_score = self.stated(f, "money.score", r2(d.weight * min(share, D(1))))
        scores = []
        for i, m in enumerate(d.measures):
            f[f"ind.{i}.weight"] = m.weight
            coefficient = self.stated(f, f"ind.{i}.coef", m.coefficient())
            scores.append(self.stated(f, f"ind.{i}.score", r2(m.weight * coefficient / 100)))
        self.stated(f, "sum.weight", sum((m.weight for m in d.measures), D(0)))
        total = self.stated(f, "sum.score", sum(scores, D(0)))  # 合计 指标得分
        self.stated(f, "total.score", money_score + total)
        return f

    def draw(self, ws: Worksheet) -> dict[str, str]:
        d, f = self.department, self.figures()
        paper, at = Paper(ws, WIDTHS), {}
        paper.put(1, 1, f"{d.year}年度部门整体绩效自评表", to=11, style="title")
        ws.row_dimensions[1].height = 30
        paper.put(2, 10, "单位：万元", to=11, style="note_right")
        paper.put(3, 1, "主管部门", to=2)
        at["department.name"] = paper.put(3, 3, d.name, to=7, style="label")
        paper.put(4, 1, "部门联系人", to=2)
        paper.put(4, 3, d.contact, to=7, style="label")
        paper.put(3, 8, "自评总分（分）", to=9)
        at["total.score"] = paper.put(3, 10, f["total.score"], to=11, fmt=SCORE, style="num")
        paper.put(4, 8, "联系电话", to=9)
        paper.put(4, 10, d.phone, to=11)
        paper.put(5, 1, "部门预算执行情况（万元）", to=2, down=6)
        heads = (
            (3, 4, "年初预算数"),
            (5, 6, "全年（调整）预算数"),
            (7, 7, "全年执行数"),
            (8, 8, "执行率(%)"),
            (9, 9, "执行率权重"),
            (10, 11, "执行率得分（分）"),
        )
        for col, to, head in heads:
            paper.put(5, col, head, to=to, style="head")
        at["money.initial"] = paper.put(6, 3, d.initial, to=4, fmt=MONEY, style="num")
        at["money.budget"] = paper.put(6, 5, d.budget, to=6, fmt=MONEY, style="num")
        at["money.actual"] = paper.put(6, 7, d.actual, fmt=MONEY, style="num")
        at["money.rate"] = paper.put(6, 8, self.fraction(f["money.rate"]), fmt=PERCENT, style="num")
        at["money.weight"] = paper.put(6, 9, d.weight, style="num")
        at["money.score"] = paper.put(6, 10, f["money.score"], to=11, fmt=SCORE, style="num")
        paper.put(7, 1, "当年绩效目标", to=2, down=8)
        paper.put(7, 3, "年初绩效目标", to=5, style="head")
        paper.put(7, 6, "全年（调整）绩效目标", to=8, style="head")
        paper.put(7, 9, "全年目标实际完成情况", to=11, style="head")
        paper.put(8, 3, d.goal_initial, to=5, style="text")
        paper.put(8, 6, d.goal_adjusted, to=8, style="text")
        paper.put(8, 9, d.goal_done, to=11, style="text")
        first, n = 11, len(d.measures)
        paper.put(9, 1, "绩效指标", down=first + n)
        for col, head in ((2, "指标名称"), (3, "计量单位"), (4, "指标性质"), (7, "全年完成值")):
            paper.put(9, col, head, down=10, style="head")
        paper.put(9, 5, "指标值", to=6, style="head")
        paper.put(10, 5, "年初指标值", style="head")
        paper.put(10, 6, "调整指标值", style="head")
        for col, head in ((8, "得分系数(%)"), (9, "指标权重(分)"), (10, "指标得分(分)"), (11, "是否核心指标")):
            paper.put(9, col, head, down=10, style="head")
        for i, m in enumerate(d.measures):
            r = first + i
            at[f"ind.{i}.name"] = paper.put(r, 2, m.name, style="label")
            paper.put(r, 3, m.unit or None)
            at[f"ind.{i}.nature"] = paper.put(r, 4, m.nature)
            at[f"ind.{i}.initial"] = paper.put(r, 5, m.initial)
            at[f"ind.{i}.adjusted"] = paper.put(r, 6, m.adjusted or None)
            at[f"ind.{i}.actual"] = paper.put(r, 7, m.actual)
            coefficient = f[f"ind.{i}.coef"]
            shown = "100%" if coefficient == 100 else self.fraction(coefficient)
            at[f"ind.{i}.coef"] = paper.put(r, 8, shown, fmt=PERCENT, style="num")
            at[f"ind.{i}.weight"] = paper.put(r, 9, m.weight, style="num")
            at[f"ind.{i}.score"] = paper.put(r, 10, f[f"ind.{i}.score"], fmt=SCORE, style="num")
            paper.put(r, 11, "是" if m.core else "否")
        last = first + n
        paper.put(last, 2, "合计", to=8, style="head")
        at["sum.weight"] = paper.put(last, 9, f["sum.weight"], style="num")
        at["sum.score"] = paper.put(last, 10, f["sum.score"], fmt=SCORE, style="num")
        paper.put(last, 11, None)
        paper.finish(last, landscape=True)
        ws.print_title_rows = "1:2"
        return at

    @staticmethod
    def fraction(value: Figure) -> Decimal:
        assert isinstance(value, Decimal)
        return value / 100

    def label(self, key: str) -> str:
        parts = key.split(".")
        if parts[0] == "ind":
            name = self.department.measures[int(parts[1])].name
            return f"指标“{name}”" + {"coef": "得分系数", "score": "指标得分"}[parts[2]]
        return {
            "money.rate": "执行率",
            "money.score": "执行率得分",
            "sum.weight": "合计 指标权重",
            "sum.score": "合计 指标得分",
            "total.score": "自评总分",
        }[key]

    def unit(self, key: str) -> str:
        return "%" if key.endswith((".rate", ".coef")) else "分"


def _media_centre() -> Department:
    """A district media centre (融媒体中心), 2022; the rates it reports on itself come from its money block."""
    initial, budget, actual = D("1650.00"), D("1688.45"), D("1596.32")
    execution = percent(ratio(actual, budget))  # 预算完成率 as reported = the block's 执行率
    adjustment = percent(ratio(budget - initial, initial))  # 预算调整率
    carryover = percent(ratio(budget - actual, budget))  # 结转结余率
    return Department(
        year=2022,
        name="某某区融媒体中心",
        contact="曾某某",
        phone="023-6561××××",
        initial=initial,
        budget=budget,
        actual=actual,
        weight=D(10),
        goal_initial="通过整合各级各类媒体、户外广告载体和宣传宣讲活动，为区域发展营造良好舆论氛围；保障中心正常运转。",
        goal_adjusted="无调整",
        goal_done="较好完成年度宣传任务：播发稿件2859篇，组织宣传活动43次，网络直播36场，群众满意度93.5%。",
        measures=(
            measure("财政供养人员控制率", "%", "100", "92", 2, ceiling=True),
            measure("“三公”经费变动率", "%", "0", "-8.5", 2, ceiling=True),
            measure("预算完成率", "%", "90", str(execution), 2, core=True),
            measure("预算调整率", "%", "3", str(adjustment), 2, ceiling=True),
            measure("结转结余率", "%", "6", str(carryover), 2, core=True, ceiling=True),
            measure("公用经费控制率", "%", "100", "97.3", 2, core=True, ceiling=True),
            measure("“三公”经费控制率", "%", "100", "81.6", 2, ceiling=True),
            measure("政府采购执行率", "%", "100", "72.74", 2, core=True),
            measure("固定资产利用率", "%", "90", "96", 2),
            judged("管理制度健全性", "健全", "健全", 3),
            judged("资金使用合规性", "合规", "合规", 5),
            judged("预决算信息公开性", "公开", "公开", 1),
            measure("播发稿件数量", "篇", "2200", "2859", 10, core=True, adjusted="2400"),
            measure("组织宣传活动次数", "次", "40", "43", 10, core=True),
            measure("制作宣传品数量", "份", "20", "20", 5),
            measure("党性教育培训次数", "次", "24", "24", 5),
            measure("业务保障能力提升", "%", "90", "95", 10),
            measure("网络直播场次", "场", "30", "36", 8),
            measure("新媒体平台粉丝增长数", "万人", "5", "4.6", 5),
            measure("公共服务满意度", "%", "90", "93.5", 10, core=True),
        ),
    )


MEDIA_CENTRE = _media_centre()
