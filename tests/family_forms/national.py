"""Family N: the national 项目支出绩效自评表 (财预〔2020〕10号 附件), as a county bureau issues it.

Layout (10 columns): title, `（YYYY年度）`, 项目名称, 主管部门 … 实施单位; the money block `项目资金（万元）`
(年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分; rows 年度资金总额, 其中：当年财政拨款,
上年结转资金, 其他资金); 年度总体目标 (预期目标 | 实际完成情况); the indicator table (一级 | 二级 | 三级 |
年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施); 总分; optionally 自评等级.

Scores (rules.md §4): 预算执行 得分 = 10 × min(执行率, 100%); 正向 分值 × min(实际/目标, 1); 反向 full when
实际 ≤ 目标, else 分值 × 目标/实际; 总分 = Σ 得分 (two decimals each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl.worksheet.worksheet import Worksheet

from .common import D, Figure, Form, Indicator, due, grade, percent, qual, quant, r2, ratio
from .paint import MONEY, PERCENT, SCORE, Paper

MONEY_POINTS = D(10)
ROWS = ("fiscal", "carryover", "other")
COLS = ("initial", "budget", "actual")
COL_NAMES = {"initial": "年初预算数", "budget": "全年预算数", "actual": "全年执行数"}
WIDTHS = (7, 14, 12, 24, 13, 13, 7, 9, 16, 16)


@dataclass(frozen=True)
class Money:
    """One row of 项目资金（万元）: 年初预算数, 全年预算数, 全年执行数 (blank: None)."""

    initial: Decimal | None = None
    budget: Decimal | None = None
    actual: Decimal | None = None


def money(initial: str, budget: str, actual: str) -> Money:
    return Money(D(initial), D(budget), D(actual))


@dataclass(frozen=True)
class Project:
    """The content of one project's form (项目内容)."""

    year: int
    name: str
    department: str  # 主管部门, often with a code prefix
    implementer: str  # 实施单位
    fiscal: Money  # 其中：当年财政拨款
    carryover: Money  # 上年结转资金
    other: Money  # 其他资金
    expected: str  # 预期目标
    uses: tuple[tuple[str, Decimal], ...]  # 实际完成情况 lists where 全年执行数 went: (用途, 万元)
    achieved: str  # 实际完成情况, after the uses
    indicators: tuple[Indicator, ...]

    def column_total(self, col: str) -> Decimal:
        """年度资金总额 of one column: the 其中 rows added up, blanks as 0."""
        return sum((getattr(getattr(self, row), col) or D(0) for row in ROWS), D(0))


@dataclass(frozen=True)
class Style:
    """How a bureau's copy of the form is worded and typed (表样风格)."""

    title: str = "项目支出绩效自评表"
    attachment: str = ""  # a line such as 附件3 above the title
    unit_line: bool = False  # 单位：万元 right of the year line
    funding: str = "其中：当年财政拨款"
    total: str = "年度资金总额"
    money_head: tuple[str, ...] = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    points_in_level1: bool = False  # 产出指标(50分)
    split_reason: bool = False  # 偏差原因分析及改进措施 over 原因分析 | 改进措施: a two-row header
    grade_row: str = ""  # 自评等级 / 评价等次 below 总分
    empty: str | None = None  # what stands in a cell with nothing to report ("—")
    dash_unscored: bool = True  # 分值/执行率/得分 of the 其中 rows show —
    text: dict[str, str] = field(default_factory=dict)  # field key → how it is typed as text (see as_text)


#: The official layout, numbers typed as numbers.
PLAIN = Style()

#: A county's copy passed around: 附件3 line, words added to the title, unit line, 本年财政拨款, points in
#: the 一级指标 labels, line breaks in headers, a two-row header, text numbers, 自评等级.
MESSY = Style(
    title="县本级项目支出绩效自评表",
    attachment="附件3",
    unit_line=True,
    funding="其中：本年财政拨款",
    total="年度资金总额：",
    money_head=("年初\n预算数", "全年\n预算数", "全年\n执行数", "分值", "执行率", "得分"),
    points_in_level1=True,
    split_reason=True,
    grade_row="自评等级",
    empty="—",
    text={
        "money.total.budget": "thousands",
        "money.fiscal.actual": "thousands",
        "money.carryover.actual": "unit",
        "money.total.rate": "percent",
        "total.score": "plain",
    },
)


def as_text(value: Decimal, how: str) -> str:
    """A number as a clerk types it into a text cell: `1,235.50 `, `120万元`, `94.57%`, `96.57 `."""
    if how == "thousands":
        return f"{value:,.2f} "
    if how == "unit":
        return f"{plain_amount(value)}万元"
    if how == "percent":
        return f"{value:.2f}%"
    assert how == "plain"
    return f"{value:.2f} "


def plain_amount(value: Decimal) -> str:
    """An amount as written in running text: 30, 29.97, 1168.37 (no trailing zeros)."""
    text = f"{value:.2f}"
    return text[:-3] if text.endswith(".00") else text


@dataclass(frozen=True)
class NForm(Form):
    """A national project form: `project` painted in `style`, with the clerk's `typed` values."""

    project: Project
    style: Style = PLAIN

    family = "N"

    # ---- figures ------------------------------------------------------------------------------
    def figures(self) -> dict[str, Figure]:
        """Every figure on the form, keyed as in draw(); derived ones from the (possibly typed) inputs."""
        p, f = self.project, dict[str, Figure]()
        for row in ROWS:
            for col in COLS:
                f[f"money.{row}.{col}"] = getattr(getattr(p, row), col)
        money = {col: self.stated(f, f"money.total.{col}", p.column_total(col)) for col in COLS}
        share = ratio(money["actual"], money["budget"])
        rate = self.stated(f, "money.total.rate", percent(share))
        if "money.total.rate" in self.typed:  # the clerk scored the rate they typed
            share = rate / 100
        money_score = self.stated(f, "money.total.score", r2(MONEY_POINTS * min(share, D(1))))
        scores = [self.stated(f, f"ind.{i}.score", ind.score()) for i, ind in enumerate(p.indicators)]
        self.stated(f, "total.points", MONEY_POINTS + sum((ind.points for ind in p.indicators), D(0)))
        total = self.stated(f, "total.score", money_score + sum(scores, D(0)))
        if self.style.grade_row:
            f["grade"] = self.typed.get("grade", grade(total))
        uses = [self.stated(f, f"goal.use.{i}", amount) for i, (_, amount) in enumerate(p.uses)]
        self.stated(f, "goal.uses", sum(uses, D(0)))
        return f

    # ---- drawing ------------------------------------------------------------------------------
    def draw(self, ws: Worksheet) -> dict[str, str]:
        p, s, f = self.project, self.style, self.figures()
        paper, at = Paper(ws, WIDTHS), {}
        row = 1
        if s.attachment:
            paper.put(row, 1, s.attachment, to=2, style="note")
            row += 1
        paper.put(row, 1, s.title, to=10, style="title")
        ws.row_dimensions[row].height = 30
        row += 1
        paper.put(row, 1, f"（{p.year}年度）", to=8 if s.unit_line else 10, style="subtitle")
        if s.unit_line:
            paper.put(row, 9, "单位：万元", to=10, style="note_right")
        row += 1
        paper.put(row, 1, "项目名称", to=2)
        at["project.name"] = paper.put(row, 3, p.name, to=10, style="label")
        row += 1
        paper.put(row, 1, "主管部门", to=2)
        at["project.department"] = paper.put(row, 3, p.department, to=5, style="label")
        paper.put(row, 6, "实施单位", to=7)
        at["project.implementer"] = paper.put(row, 8, p.implementer, to=10, style="label")
        row = self.draw_money(paper, row + 1, f, at)
        row = self.draw_goal(paper, row, f, at)
        row = self.draw_indicators(paper, row, f, at)
        paper.put(row, 1, "总分", to=6, style="head")
        at["total.points"] = paper.put(row, 7, f["total.points"], fmt=SCORE, style="num")
        at["total.score"] = paper.put(row, 8, self.shown("total.score", f), fmt=SCORE, style="num")
        paper.put(row, 9, None, to=10)
        if s.grade_row:
            row += 1
            paper.put(row, 1, s.grade_row, to=6, style="head")
            at["grade"] = paper.put(row, 7, f["grade"], to=10)
        paper.finish(row)
        ws.print_title_rows = f"1:{3 if s.attachment else 2}"
        return at

    def shown(self, key: str, f: dict[str, Figure]) -> object:
        """What the cell of figure `key` holds: the number, its text form in this style, or the empty mark."""
        value = f[key]
        if value is None:
            return self.style.empty
        how = self.style.text.get(key)
        if how and isinstance(value, Decimal):
            return as_text(value, how)
        if key.endswith(".rate") and isinstance(value, Decimal):
            return value / 100
        return value

    def draw_money(self, paper: Paper, top: int, f: dict[str, Figure], at: dict[str, str]) -> int:
        s = self.style
        paper.put(top, 1, "项目资金\n（万元）", down=top + 4)
        paper.put(top, 2, None, to=3)
        for col, head in zip((4, 5, 6, 7, 8, 9), s.money_head):
            paper.put(top, col, head, to=10 if col == 9 else None, style="head")
        labels = {"total": s.total, "fiscal": s.funding, "carryover": "上年结转资金", "other": "其他资金"}
        for i, (row_key, label) in enumerate(labels.items(), start=1):
            r = top + i
            paper.put(r, 2, label, to=3, style="label")
            for col, name in zip((4, 5, 6), COLS):
                key = f"money.{row_key}.{name}"
                at[key] = paper.put(r, col, self.shown(key, f), fmt=MONEY, style="num")
            if row_key == "total":
                at["money.total.points"] = paper.put(r, 7, MONEY_POINTS, fmt=SCORE, style="num")
                at["money.total.rate"] = paper.put(r, 8, self.shown("money.total.rate", f), fmt=PERCENT, style="num")
                at["money.total.score"] = paper.put(
                    r, 9, self.shown("money.total.score", f), to=10, fmt=SCORE, style="num"
                )
            else:
                dash = "—" if s.dash_unscored else None
                paper.put(r, 7, dash)
                paper.put(r, 8, dash)
                paper.put(r, 9, dash, to=10)
        return top + 5

    def achieved_text(self, f: dict[str, Figure]) -> str:
        """实际完成情况: the amount spent, where it went (one clause per use), then the outcome."""
        uses = "；".join(
            f"{plain_amount(D(str(f[f'goal.use.{i}'])))}万元用于{purpose}"
            for i, (purpose, _) in enumerate(self.project.uses)
        )
        return f"本项目全年共执行资金{plain_amount(self.project.column_total('actual'))}万元。其中：{uses}。{self.project.achieved}"

    def draw_goal(self, paper: Paper, top: int, f: dict[str, Figure], at: dict[str, str]) -> int:
        paper.put(top, 1, "年度总体目标", down=top + 1)
        paper.put(top, 2, "预期目标", to=5, style="head")
        paper.put(top, 6, "实际完成情况", to=10, style="head")
        at["goal.expected"] = paper.put(top + 1, 2, self.project.expected, to=5, style="text")
        at["goal.uses"] = paper.put(top + 1, 6, self.achieved_text(f), to=10, style="text")
        return top + 2

    def draw_indicators(self, paper: Paper, top: int, f: dict[str, Figure], at: dict[str, str]) -> int:
        s, inds = self.style, self.project.indicators
        head_rows = 2 if s.split_reason else 1
        first = top + head_rows
        last = first + len(inds) - 1
        paper.put(top, 1, "绩效指标", down=last)
        heads = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")
        for col, head in enumerate(heads, start=2):
            paper.put(top, col, head, down=top + head_rows - 1, style="head")
        paper.put(top, 9, "偏差原因分析及改进措施", to=10, style="head")
        if s.split_reason:
            paper.put(top + 1, 9, "原因分析", style="head")
            paper.put(top + 1, 10, "改进措施", style="head")
        for level1, start, end in runs([ind.level1 for ind in inds]):
            label = level1
            if s.points_in_level1:
                points = sum(ind.points for ind in inds[start : end + 1])
                label = f"{level1}（{points}分）" if level1 == "效益指标" else f"{level1}({points}分)"
            at[f"block.{start}"] = paper.put(first + start, 2, label, down=first + end)
        for level2, start, end in runs([f"{ind.level1}/{ind.level2}" for ind in inds]):
            paper.put(first + start, 3, level2.split("/")[1], down=first + end)
        for i, ind in enumerate(inds):
            r = first + i
            at[f"ind.{i}.name"] = paper.put(r, 4, ind.name, style="label")
            at[f"ind.{i}.target"] = paper.put(r, 5, ind.target)
            at[f"ind.{i}.actual"] = paper.put(r, 6, ind.actual)
            at[f"ind.{i}.points"] = paper.put(r, 7, ind.points, fmt=SCORE, style="num")
            at[f"ind.{i}.score"] = paper.put(r, 8, self.shown(f"ind.{i}.score", f), fmt=SCORE, style="num")
            if s.split_reason:
                cause, _, remedy = ind.reason.partition("；")
                paper.put(r, 9, cause or None, style="label")
                paper.put(r, 10, remedy or None, style="label")
            else:
                paper.put(r, 9, ind.reason or None, to=10, style="label")
        return last + 1

    # ---- naming -------------------------------------------------------------------------------
    def label(self, key: str) -> str:
        parts = key.split(".")
        if parts[0] == "money":
            row = {"total": self.style.total.rstrip("："), "fiscal": self.style.funding}.get(parts[1], parts[1])
            col = {**COL_NAMES, "rate": "执行率", "score": "得分"}[parts[2]]
            return f"{row} {col}"
        if parts[0] == "ind":
            return f"指标“{self.project.indicators[int(parts[1])].name}”得分"
        return {
            "total.score": "总分",
            "total.points": "总分 分值",
            "grade": self.style.grade_row,
            "goal.uses": "实际完成情况所列资金用途合计",
        }[key]

    def unit(self, key: str) -> str:
        if key.endswith(".rate"):
            return "%"
        if key.endswith(".score"):
            return "分"
        if key == "grade":
            return "等次"
        return "万元" if key.startswith(("money.", "goal.")) else "分"


def runs(names: list[str]) -> list[tuple[str, int, int]]:
    """Consecutive equal names as (name, first index, last index): the cells merged down a column."""
    out: list[tuple[str, int, int]] = []
    for i, name in enumerate(names):
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1], i)
        else:
            out.append((name, i, i))
    return out


# ---- content: four projects as county bureaus filed them --------------------------------------------
OUT, EFFECT, SATISFY = "产出指标", "效益指标", "满意度指标"

#: A county transport bureau's road upkeep project: 1,235.50万元 budget, two unmet indicators.
ROAD_UPKEEP = Project(
    year=2022,
    name="2022年农村公路日常养护项目",
    department="305-某某县交通运输局",
    implementer="305002-某某县公路建设养护中心",
    fiscal=money("1050.00", "1105.50", "1048.37"),
    carryover=money("130.00", "130.00", "120.00"),
    other=Money(),
    expected="完成全县326公里农村公路日常养护，改造危桥6座，养护路段优良路率不低于85%，保障群众安全便捷出行。",
    uses=(("农村公路日常养护", D("856.20")), ("危桥改造", D("242.17")), ("养护机械设备购置", D("70.00"))),
    achieved="全年完成日常养护326公里，改造危桥5座，优良路率87.6%，沿线群众出行条件明显改善。",
    indicators=(
        quant(OUT, "数量指标", "日常养护农村公路里程", "≥", "320", "326", "公里", 15),
        quant(
            OUT,
            "数量指标",
            "危桥改造座数",
            "≥",
            "6",
            "5",
            "座",
            10,
            "1座危桥因汛期停工未能按期完工；已列入次年计划，加强汛前施工组织",
        ),
        quant(OUT, "质量指标", "养护路段优良路率", "≥", "85", "87.6", "%", 10),
        due(OUT, "时效指标", "养护工程完工时间", "2022年11月30日前", "2022年11月26日", 5),
        quant(
            OUT,
            "成本指标",
            "每公里日常养护成本",
            "≤",
            "3.5",
            "3.58",
            "万元",
            10,
            "砂石材料价格上涨；推行集中采购，控制单位成本",
        ),
        qual(EFFECT, "社会效益指标", "群众出行条件改善", "明显改善", "明显改善", 10, "10"),
        quant(EFFECT, "经济效益指标", "沿线农产品运输成本降低率", "≥", "5", "5.2", "%", 10),
        qual(
            EFFECT,
            "可持续影响指标",
            "农村公路养护长效机制",
            "建立健全",
            "基本建立",
            10,
            "9",
            "县乡村三级养护责任尚未全部落实；明年出台路长制考核办法",
        ),
        quant(SATISFY, "服务对象满意度指标", "沿线群众满意度", "≥", "90", "93.5", "%", 10),
    ),
)

#: A township's commissioned-work project, filed on the Anhui copy of the form (本年财政拨款 90万元).
COMMISSION = Project(
    year=2022,
    name="基建工程委托业务项目",
    department="219-某某区青山镇人民政府",
    implementer="219001-某某区青山镇人民政府",
    fiscal=money("90", "90", "89.97"),
    carryover=Money(),
    other=Money(),
    expected="本项目共申请预算资金90万元，用于基建工程项目预算编制、审计和设计、规划、测绘委托业务。",
    uses=(
        ("基建工程项目预算编制", D("30")),
        ("基建工程项目审计", D("30")),
        ("基建工程项目设计、规划、测绘", D("29.97")),
    ),
    achieved="全年完成委托业务52项，报告均按时提交。",
    indicators=(
        quant(OUT, "数量指标", "基建工程委托业务项目数量", "≥", "50", "52", "个", 8),
        quant(OUT, "质量指标", "委托业务报告合格率", "≥", "100", "100", "%", 8),
        qual(OUT, "质量指标", "经费支出合规性", "严格执行相关制度规定", "达成预期指标", 8, "8"),
        due(OUT, "时效指标", "提交报告及时性", "在项目计划完成时间内完成", "按时完成", 8),
        quant(OUT, "成本指标", "项目总成本", "≤", "90", "89.97", "万元", 8),
        qual(OUT, "成本指标", "单项业务成本", "符合相关规定", "达成预期指标", 10, "10"),
        qual(EFFECT, "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", 10, "10"),
        qual(EFFECT, "生态效益指标", "对控制基建项目成本的影响程度", "效果明显", "达成预期指标", 10, "10"),
        qual(EFFECT, "可持续影响指标", "对基建项目管理制度落实的持续影响", "效果明显", "达成预期指标", 10, "10"),
        quant(SATISFY, "服务对象满意度指标", "公众满意度", "≥", "90", "96", "%", 10),
    ),
)

#: A district media centre's news project: 80.45% spent, reasons given.
NEWS = Project(
    year=2022,
    name="重大主题新闻宣传专项经费",
    department="某某区融媒体中心",
    implementer="某某区融媒体中心",
    fiscal=money("150.00", "150.00", "120.67"),
    carryover=Money(),
    other=Money(),
    expected="围绕重大主题开展新闻宣传，播发稿件不少于2200篇，组织主题宣传活动不少于40次，群众满意度不低于90%。",
    uses=(("新闻采编制作", D("78.45")), ("主题宣传活动", D("32.22")), ("宣传品制作", D("10.00"))),
    achieved="全年播发稿件2859篇，组织主题宣传活动43次；部分活动因故取消，资金结余29.33万元。",
    indicators=(
        quant(OUT, "数量指标", "播发稿件数量", "≥", "2200", "2859", "篇", 20),
        quant(
            OUT,
            "数量指标",
            "组织主题宣传活动次数",
            "≥",
            "40",
            "43",
            "次",
            15,
        ),
        quant(OUT, "质量指标", "稿件差错率", "≤", "0.5", "0.3", "%", 10),
        due(OUT, "时效指标", "重大主题稿件发布时效", "事件发生后24小时内", "均在24小时内发布", 5),
        qual(
            EFFECT,
            "社会效益指标",
            "主流舆论引导力",
            "显著提升",
            "有效提升",
            20,
            "17",
            "新媒体传播覆盖面仍不足；加强短视频平台运营",
        ),
        qual(EFFECT, "可持续影响指标", "融媒体传播体系建设", "持续完善", "持续完善", 10, "10"),
        quant(SATISFY, "服务对象满意度指标", "群众满意度", "≥", "90", "93.5", "%", 10),
    ),
)

#: A water bureau's rural drinking-water upkeep project, on the plain official form.
WATER = Project(
    year=2022,
    name="农村饮水安全工程维修养护项目",
    department="某某县水利局",
    implementer="某某县农村饮水安全工程管理站",
    fiscal=money("260.00", "285.00", "278.60"),
    carryover=money("18.40", "18.40", "18.40"),
    other=Money(),
    expected="维修养护农村集中供水工程42处，水质检测合格率不低于95%，保障12.6万农村人口饮水安全。",
    uses=(("供水工程维修养护", D("231.50")), ("水质检测", D("38.70")), ("管网抢修材料", D("26.80"))),
    achieved="全年维修养护供水工程44处，水质检测合格率96.8%，农村群众饮水安全得到保障。",
    indicators=(
        quant(OUT, "数量指标", "维修养护集中供水工程数量", "≥", "42", "44", "处", 15),
        quant(
            OUT,
            "数量指标",
            "水质检测样本数",
            "≥",
            "500",
            "486",
            "份",
            10,
            "枯水期部分水源停用，少检14份；增加丰水期检测频次",
        ),
        quant(OUT, "质量指标", "水质检测合格率", "≥", "95", "96.8", "%", 10),
        due(OUT, "时效指标", "维修养护任务完成时间", "2022年12月31日前", "2022年12月20日", 5),
        quant(OUT, "成本指标", "单处工程维修养护成本", "≤", "5.6", "5.26", "万元", 10),
        quant(EFFECT, "社会效益指标", "受益农村人口", "≥", "12.6", "12.8", "万人", 15),
        qual(EFFECT, "可持续影响指标", "工程长效运行管护机制", "建立健全", "已建立", 15, "15"),
        quant(SATISFY, "服务对象满意度指标", "受益群众满意度", "≥", "90", "95.2", "%", 10),
    ),
)
