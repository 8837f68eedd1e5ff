"""Family B: the Hubei city/district 项目绩效自评表, as published by Hubei departments.

Layout: title `YYYY年度…项目绩效自评表`; `单位名称：… 填报日期：…`; 项目名称 | 主管部门; 项目实施单位; 项目类别,
项目属性, 项目类型 (tick boxes); the money block `预算执行情况（万元）（20分）` (预算数(A) | 执行数(B) |
执行率(B/A) | 得分（20分×执行率）) on the row 年度财政资金总额; then blocks `年度绩效目标1（40分）` … each with
its own header (一级 | 二级 | 三级 | 年初目标值(A) | 实际完成值(B) | [权重] | 得分); 总分; 偏差大或目标未完成原因分析;
改进措施及结果应用方案; the printed 备注.

Scheme (form-families.md): 执行 20 × min(B/A, 1); targets 80: 正向 权重 × B/A, 反向 权重 × A/B, never
above the weight; qualitative bands 达成 100%–80%, 部分达成 80%–50%, 未达成 50%–0%.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from openpyxl.worksheet.worksheet import Worksheet

from .common import D, Figure, Form, Indicator, due, percent, qual, quant, r2, ratio
from .national import runs
from .paint import MONEY, PERCENT, SCORE, Paper

MONEY_POINTS = D(20)

CATEGORIES = ("部门预算项目", "市直专项", "市对下转移支付项目")
ATTRIBUTES = ("持续性项目", "新增性项目")
KINDS = ("常年性项目", "延续性项目", "一次性项目")

NOTES = (
    "备注：1.预算执行情况口径：预算数为调整后财政资金总额（包括上年结余结转），执行数为资金使用单位财政资金实际支出数。",
    "2.定量指标计分原则：正向指标（即目标值为≥X），得分=权重×B/A；反向指标（即目标值为≤X），得分=权重×A/B；得分不得突破权重。",
    "3.定性指标计分原则：分达成预期指标、部分达成预期指标、未达成预期指标三档，分别按该指标分值的100%-80%、80%-50%、50%-0%确定得分。",
)


@dataclass(frozen=True)
class Goal:
    """One 年度绩效目标 block: its rows; its points are their weights' sum."""

    rows: tuple[Indicator, ...]

    @property
    def points(self) -> Decimal:
        return sum((row.points for row in self.rows), D(0))


@dataclass(frozen=True)
class Project:
    year: int
    name: str  # 项目名称, also in the title
    unit: str  # 单位名称
    filled: str  # 填报日期
    department: str  # 主管部门
    implementer: str  # 项目实施单位
    category: int  # index into CATEGORIES (the ticked box)
    attribute: int
    kind: int
    budget: Decimal  # 预算数(A): adjusted total incl. 上年结余结转
    actual: Decimal  # 执行数(B)
    goals: tuple[Goal, ...]
    deviation: str  # 偏差大或目标未完成原因分析
    measures: str  # 改进措施及结果应用方案


@dataclass(frozen=True, kw_only=True)
class BForm(Form):
    """A Hubei project form; `weights` prints a 权重 column (otherwise only the block points are printed)."""

    project: Project
    weights: bool = False
    title_suffix: str = ""  # words added to the title, e.g. （终稿）
    rate_as_one: bool = False  # a 100% 执行率 typed as 1

    family = "B"

    @property
    def columns(self) -> int:
        return 8 if self.weights else 7

    def figures(self) -> dict[str, Figure]:
        p, f = self.project, dict[str, Figure]()
        f["money.budget"], f["money.actual"] = p.budget, p.actual
        share = ratio(p.actual, p.budget)
        rate = self.stated(f, "money.rate", percent(share))
        if "money.rate" in self.typed:
            share = rate / 100
        scores = [self.stated(f, "money.score", r2(MONEY_POINTS * min(share, D(1))))]
        for g, goal in enumerate(p.goals):
            for i, row in enumerate(goal.rows):
                f[f"goal.{g}.{i}.points"] = row.points
                scores.append(self.stated(f, f"goal.{g}.{i}.score", row.score()))
        self.stated(f, "total.score", sum(scores, D(0)))
        return f

    def draw(self, ws: Worksheet) -> dict[str, str]:
        p, f, last = self.project, self.figures(), self.columns
        paper = Paper(ws, (18, 10, 11, 22, 12, 12, 8, 10) if self.weights else (18, 10, 11, 26, 13, 13, 11))
        at: dict[str, str] = {}
        paper.put(1, 1, f"{p.year}年度{p.name}绩效自评表{self.title_suffix}", to=last, style="title")
        ws.row_dimensions[1].height = 32
        paper.put(2, 1, f"单位名称：{p.unit}", to=4, style="note")
        paper.put(2, 5, f"填报日期：{p.filled}", to=last, style="note_right")
        paper.put(3, 1, "项目名称")
        at["project.name"] = paper.put(3, 2, p.name, to=4, style="label")
        paper.put(3, 5, "主管部门")
        at["project.department"] = paper.put(3, 6, p.department, to=last, style="label")
        paper.put(4, 1, "项目实施单位")
        at["project.implementer"] = paper.put(4, 2, p.implementer, to=last, style="label")
        for row, (label, names, ticked) in enumerate(
            (("项目类别", CATEGORIES, p.category), ("项目属性", ATTRIBUTES, p.attribute), ("项目类型", KINDS, p.kind)),
            start=5,
        ):
            boxes = "  ".join(f"{i}、{name}{'☑' if i - 1 == ticked else '□'}" for i, name in enumerate(names, 1))
            paper.put(row, 1, label)
            paper.put(row, 2, boxes, to=last, style="label")
        paper.put(8, 1, "预算执行情况（万元）（20分）", down=9)
        paper.put(8, 2, None, to=3)
        for col, head in zip((4, 5, 6, 7), ("预算数(A)", "执行数(B)", "执行率(B/A)", "得分（20分×执行率）")):
            paper.put(8, col, head, to=last if col == 7 else None, style="head")
        paper.put(9, 2, "年度财政资金总额", to=3)
        at["money.budget"] = paper.put(9, 4, p.budget, fmt=MONEY, style="num")
        at["money.actual"] = paper.put(9, 5, p.actual, fmt=MONEY, style="num")
        rate = f["money.rate"]
        assert isinstance(rate, Decimal)
        if rate == 100 and self.rate_as_one:  # typed as 1, meaning 100%
            at["money.rate"] = paper.put(9, 6, 1, style="num")
        else:
            at["money.rate"] = paper.put(9, 6, rate / 100, fmt=PERCENT, style="num")
        at["money.score"] = paper.put(9, 7, f["money.score"], to=last, fmt=SCORE, style="num")
        row = 10
        for g, goal in enumerate(p.goals):
            row = self.draw_goal(paper, row, g, goal, f, at)
        paper.put(row, 1, "总分", to=last - 1, style="head")
        at["total.score"] = paper.put(row, last, f["total.score"], fmt=SCORE, style="num")
        paper.put(row + 1, 1, "偏差大或目标未完成原因分析")
        paper.put(row + 1, 2, p.deviation, to=last, style="text")
        paper.put(row + 2, 1, "改进措施及结果应用方案")
        paper.put(row + 2, 2, p.measures, to=last, style="text")
        for i, note in enumerate(NOTES):
            paper.put(row + 3 + i, 1, note, to=last, style="note")
        paper.finish(row + 3 + len(NOTES) - 1)
        ws.print_title_rows = "1:2"
        return at

    def draw_goal(self, paper: Paper, top: int, g: int, goal: Goal, f: dict[str, Figure], at: dict[str, str]) -> int:
        last, rows = self.columns, goal.rows
        at[f"goal.{g}.label"] = paper.put(top, 1, f"年度绩效目标{g + 1}（{goal.points}分）", down=top + len(rows))
        heads = ["一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)"]
        heads += ["权重", "得分"] if self.weights else ["得分"]
        for col, head in enumerate(heads, start=2):
            paper.put(top, col, head, style="head")
        first = top + 1
        for level1, start, end in runs([row.level1 for row in rows]):
            paper.put(first + start, 2, level1, down=first + end)
        for level2, start, end in runs([f"{row.level1}/{row.level2}" for row in rows]):
            paper.put(first + start, 3, level2.split("/")[1], down=first + end)
        for i, row in enumerate(rows):
            r = first + i
            at[f"goal.{g}.{i}.name"] = paper.put(r, 4, row.name, style="label")
            at[f"goal.{g}.{i}.target"] = paper.put(r, 5, row.target)
            at[f"goal.{g}.{i}.actual"] = paper.put(r, 6, row.actual)
            if self.weights:
                at[f"goal.{g}.{i}.points"] = paper.put(r, 7, row.points, fmt=SCORE, style="num")
            at[f"goal.{g}.{i}.score"] = paper.put(r, last, f[f"goal.{g}.{i}.score"], fmt=SCORE, style="num")
        return first + len(rows)

    def label(self, key: str) -> str:
        parts = key.split(".")
        if parts[0] == "goal":
            g, i = int(parts[1]), int(parts[2])
            return f"年度绩效目标{g + 1} 指标“{self.project.goals[g].rows[i].name}”得分"
        return {
            "money.rate": "执行率(B/A)",
            "money.score": "预算执行 得分",
            "total.score": "总分",
        }[key]

    def unit(self, key: str) -> str:
        return "%" if key == "money.rate" else "万元" if key.startswith("money.") else "分"


OUT, EFFECT, SATISFY = "产出指标", "效益指标", "满意度指标"

#: A city agriculture bureau's extension project, as the published copies: no 权重 column, all targets met.
EXTENSION = Project(
    year=2022,
    name="农业技术推广项目",
    unit="某某市农业技术推广中心（盖章）",
    filled="2023年3月10日",
    department="某某市农业农村局",
    implementer="某某市农业技术推广中心",
    category=0,
    attribute=0,
    kind=0,
    budget=D("85.60"),
    actual=D("81.24"),
    goals=(
        Goal(
            (
                quant(OUT, "数量指标", "开展农技培训场次", "≥", "40", "42", "场", 10),
                quant(OUT, "质量指标", "主推技术到位率", "≥", "95", "96.5", "%", 10, signed=False),
                quant(SATISFY, "服务对象满意度指标", "培训对象满意度", "≥", "98", "98", "%", 20, signed=False),
            )
        ),
        Goal(
            (
                due(OUT, "时效指标", "项目验收完成时间", "12月底前", "12月20日完成", 20),
                quant(EFFECT, "社会效益指标", "带动农户应用新技术", "≥", "500", "526", "户", 20),
            )
        ),
    ),
    deviation="预算执行率94.91%，部分示范基地物资采购节约形成结余4.36万元。",
    measures="结余资金按规定收回统筹；下年度细化预算编制，提高预算精准度。",
)

#: A district animal-disease project with a 权重 column, fully spent (执行率 typed as 1), two targets missed.
EPIDEMIC = Project(
    year=2022,
    name="动物疫病防控项目",
    unit="某某区动物疫病预防控制中心",
    filled="2023年3月15日",
    department="某某区农业农村局",
    implementer="某某区动物疫病预防控制中心",
    category=2,
    attribute=0,
    kind=0,
    budget=D("60.00"),
    actual=D("60.00"),
    goals=(
        Goal(
            (
                quant(OUT, "数量指标", "春秋两季集中免疫畜禽数量", "≥", "45", "46.2", "万头（只）", 15),
                quant(OUT, "质量指标", "应免畜禽免疫密度", "≥", "90", "93", "%", 15),
                due(OUT, "时效指标", "集中免疫完成时间", "5月、11月底前", "按期完成", 10),
            )
        ),
        Goal(
            (
                quant(EFFECT, "社会效益指标", "免疫副反应发生率", "≤", "0.5", "0.3", "%", 10),
                quant(EFFECT, "社会效益指标", "培训基层防疫员", "≥", "200", "180", "人次", 10),
                qual(EFFECT, "可持续影响指标", "防疫档案规范化管理", "规范完整", "部分达成预期指标", 10, "7"),
                quant(SATISFY, "服务对象满意度指标", "养殖户满意度", "≥", "90", "86", "%", 10),
            )
        ),
    ),
    deviation="基层防疫员培训因疫情防控取消2期，少训20人次；部分乡镇防疫档案不完整；养殖户对补助发放时效满意度偏低。",
    measures="下年度采用线上线下结合方式开展培训；开展防疫档案专项检查；缩短补助审核发放周期。",
)
