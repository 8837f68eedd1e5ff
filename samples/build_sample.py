"""Build the bundled sample: 湘西自治州人民政府办公室, 2022 (the seed report), as a 基础数据表 workbook.

Every number below is copied from the published 2022 self-evaluation report (tables in 万元, body
text in 元; the line of the report is named beside each). Inputs the report does not give are left
blank, never invented (see samples/README.md). Derived cells the report states are entered, so that
perfxlsx keeps and checks them; the others are left blank for perfxlsx to fill.

Run: `make sample` (or `python samples/build_sample.py [OUT]`). The build is deterministic: the
checked-in workbook must equal a fresh build (tests/test_sample.py checks it).
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from perf_xlsx.grid import Grid
from perf_xlsx.reading import read_grids
from perf_xlsx.template import Content, build
from perf_xlsx.writing import save_deterministic

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "湘西州政府办_2022_基础数据表.xlsx"
UNIT = "湘西自治州人民政府办公室"
YUAN = Decimal("10000")

INSTITUTIONS = [
    "州政府办本级及二级机构汇总",
    "1、州政府办本级",
    "2、二级机构1：州政府驻长沙办事处",
    "3、二级机构2：州政府驻北京联络处",
    "4、二级机构3：州政府驻上海联络处",
    "5、二级机构4：州政府驻深圳办事处",
]

# 二、部门（单位）收支情况 — four tables, rows in the order of INSTITUTIONS (汇总 first), 万元.
TABLES = {
    "income": (
        ["total", "carryover", "fiscal", "fund", "special", "other"],
        [
            ["10246.65", "2070.80", "8172.73", "0", "0", "3.12"],
            ["6096.02", "332.66", "5760.36", "0", "0", "3"],
            ["521.61", "151.70", "369.91", "0", "0", "0"],
            ["3312.53", "1550.78", "1761.75", "0", "0", "0"],
            ["121.82", "11.37", "110.33", "0", "0", "0.12"],
            ["194.67", "24.29", "170.38", "0", "0", "0"],
        ],
    ),
    "spending": (
        ["total", "basic", "personnel", "public", "project", "year_balance", "cumulative"],
        [
            ["10246.65", "4870.15", "3764.42", "1105.73", "2667.88", "637.83", "2708.62"],
            ["6096.02", "3592.58", "3022.59", "569.99", "2186.45", "-15.66", "316.99"],
            ["521.61", "253.15", "229.52", "23.63", "122.61", "-5.85", "145.85"],
            ["3312.54", "805.67", "363.49", "442.18", "261.09", "695.00", "2245.78"],
            ["121.81", "70.86", "63.83", "7.03", "50.95", "-11.37", "0"],
            ["194.67", "147.89", "84.99", "62.9", "46.78", "-24.29", "0"],
        ],
    ),
    "sangong": (
        ["total", "reception", "car_running", "car_purchase", "abroad"],
        [
            ["258.48", "22.23", "150.74", "85.51", "0"],
            ["174.39", "5.59", "110.49", "58.31", "0"],
            ["19.92", "4.16", "15.76", "0", "0"],
            ["13.72", "1.71", "12.01", "0", "0"],
            ["11.74", "2.50", "9.24", "0", "0"],
            ["38.71", "8.27", "3.24", "27.20", "0"],
        ],
    ),
    "assets": (
        ["total", "in_use", "leased", "other"],
        [
            ["12933.17", "6648.7", "6284.47", "0"],
            ["2389.89", "2389.89", "0", "0"],
            ["3021.6", "392.66", "2628.94", "0"],
            ["254.63", "254.63", "0", "0"],
            ["7119.23", "3463.7", "3655.53", "0"],
            ["147.82", "147.82", "0", "0"],
        ],
    ),
}


def wan(yuan: str) -> Decimal:
    """元 → 万元, rounded half-up to 2 decimals as a 万元 table prints it."""
    return (Decimal(yuan) / YUAN).quantize(Decimal("0.01"))


def wan_exact(yuan: str) -> Decimal:
    """元 → 万元 exactly (a clerk's `=元/10000`: shown with 2 decimals, stored to the cent)."""
    return Decimal(yuan) / YUAN


# 基础数据表 — 一、基本概况 and 六（二）绩效评价分析 2–4. The 万元 sheet holds the 元 figures rounded
# to 2 decimals, so that the 本年 三公 total equals its sub-rows (taken from the 三公 table).
BASIC = {
    "basic.staff.quota": 146,  # 人员编制 146
    "basic.staff.actual": 127,  # 实有人数 127
    "basic.funds.sangong.prev_final": wan("3381318.25"),  # 较上年3,381,318.25元
    "basic.funds.sangong.budget": wan("4039364.85"),  # “三公”经费全年预算数4,039,364.85元
    "basic.funds.car_purchase.final": Decimal("85.51"),  # 三公经费表 汇总 公务用车购置费
    "basic.funds.car_running.final": Decimal("150.74"),  # 三公经费表 汇总 公务用车运维费
    "basic.funds.abroad.final": Decimal("0"),  # 三公经费表 汇总 因公出国出境费
    "basic.funds.reception.final": Decimal("22.23"),  # 三公经费表 汇总 公务接待费
    "basic.funds.sangong.final": wan("2584801.60"),  # 支出总额2,584,801.60元 (stated, checked)
    "basic.funds.project.final": wan("26678795.66"),  # 项目支出决算数26,678,795.66元
    "basic.funds.public.budget": wan("26251049.89"),  # 全年预算安排公用经费26,251,049.89元
    "basic.funds.public.final": wan("11057310.29"),  # 实际公用经费支出11,057,310.29元
    "basic.funds.procurement.budget": wan("15524401.00"),  # 政府采购年初预算15,524,401.00元
    "basic.funds.procurement.final": wan("3457775.58"),  # 实际政府采购金额3,457,775.58元
}

# 整体支出绩效自评表 — 六（二）3 and 七. Money exact to the cent (stored 元/10000).
DEPARTMENT = {
    "dept.money.total.initial": wan_exact("34128169.00"),  # 年初预算34,128,169.00元
    "dept.money.total.budget": wan_exact("93324318.17"),  # 全年预算数93,324,318.17元
    "dept.money.total.actual": wan_exact("81727339.46"),  # 预算执行数81,727,339.46元
    "dept.money.total.score": Decimal("8"),  # 预算执行率为8分 (stated, kept)
    "dept.closing.total": Decimal("95"),  # 总绩效为95分
    "dept.closing.grade": "优",  # 评价结果等次为“优”
}

GOALS = {
    "expected": "目标1：围绕州委、州政府的中心工作，把工作做好；\n"
    "目标2：严格执行国家财务制度和财经纪律，合理开支、厉行节约；\n"
    "目标3：严控“三公”经费和重点费用开支，“三公”经费在去年支出基础上不增长。",
    "achieved": "1、州政府办紧紧围绕州委、州政府工作大局，服务中心，突出重点，很好的完成了政务服务效能、组织协调职能、"
    "助力社会事业及机关管理等方面的工作；\n2、制定的各项支出符合国家财经法规和财务管理制度规定以及有关专项资金"
    "管理办法的规定；资金的拨付有完整的审批过程和手续，合理开支、厉行节约；\n3、严控“三公”经费、降低一般运行经费、"
    "加强项目支出管理。2022年“三公”经费管理有效，较上年减少23.56%。",
}

# 三、整体支出绩效自评情况 — the report scores each 一级 block as a whole (产出 47/50, 效益 30/30,
# 满意度 10/10), so 分值 and 得分 stand once per block, merged over its indicators.
INDICATORS = [
    {
        "level1": "产出指标",
        "weight": 50,
        "score": 47,
        "rows": [
            {
                "level2": "数量、质量、时效、成本指标",
                "level3": "指标1",
                "target": "公用经费控制率100%以下、在职人员控制率100%以下、政府采购执行率100%、“三公”经费控制率100%以下。",
                "actual": "公用经费控制率42.12%、在职人员控制率86.99%、政府采购执行率22.27%、“三公”经费控制率63.99%。",
            },
            {
                "level2": "数量、质量、时效、成本指标",
                "level3": "指标2",
                "target": "围绕州委、州政府的中心工作，做好统筹协调工作。",
                "actual": "目标工作任务已完成。州政府办紧紧围绕州委、州政府工作大局，服务中心，突出重点，很好的完成了政务服务效能、"
                "组织协调职能、助力社会事业、招商引资等方面的工作。",
            },
            {
                "level2": "数量、质量、时效、成本指标",
                "level3": "指标3",
                "target": "实际完成工作任务达标率100%",
                "actual": "目标工作任务已完成，且达标率100%。",
            },
            {
                "level2": "数量、质量、时效、成本指标",
                "level3": "指标4",
                "target": "2022年12月31日前全部完成",
                "actual": "截止2022年12月31日，目标任务已完成。",
            },
        ],
    },
    {
        "level1": "效益指标",
        "weight": 30,
        "score": 30,
        "rows": [
            {
                "level2": "社会、经济、生态效益",
                "level3": "指标1",
                "target": "引进招商引资项目50个以上",
                "actual": "2022年度共引进项目51个，其中北京联络处6个、上海联络处15个、长沙办事处14个、深圳办事处16个。",
            },
            {
                "level2": "社会、经济、生态效益",
                "level3": "指标2",
                "target": "全力推进乡村振兴展现新担当",
                "actual": "全年为夯吉、夯沙两个村解决工作经费28万元，先后协调各类资金1300余万元用于两个村产业发展、项目建设和"
                "人居环境整治。",
            },
        ],
    },
    {
        "level1": "满意度指标",
        "weight": 10,
        "score": 10,
        "rows": [
            {
                "level2": "社会公众或服务对象满意度",
                "level3": "指标1",
                "target": "社会公众或服务对象满意度达90%以上。",
                "actual": "根据100分满意度调查表显示，有效调查问卷社会公众（A卷）、服务对象（B卷）、部门职工（C卷）满意度为93%。",
            },
        ],
    },
]

# 二（二）项目支出情况 — four of the twenty projects; the report gives only what was spent (全年执行数).
PROJECTS = [
    {
        "name": "智慧湘西专项",
        "implementer": "州智慧办",
        "actual": "11604851.87",
        "expected": "动态管理更新州直部门政务信息系统和数据共享资源底数，加快系统清理整合；进一步巩固州政务云、州数据共享服务平台、"
        "数据通、国地通等智慧湘西公共技术平台建设成果。",
    },
    {
        "name": "政府办综合协调专项经费",
        "implementer": UNIT,
        "actual": "6505072.11",
        "expected": "根据州委、州政府的重要工作和重大部署，推动全州经济发展和促进政府中心工作更好地开展，为领导科学决策提供建议。",
    },
    {
        "name": "大数据中心平台运行经费",
        "implementer": "湘西州大数据中心",
        "actual": "3243800",
        "expected": "按照州委州政府决策部署，积极抢抓国省大数据战略布局重大机遇，全力推进数字政府、数字经济和算力支撑建设。",
    },
    {
        "name": "驻外招商引资经费",
        "implementer": "州政府驻北京联络处",
        "actual": "100000.00",
        "expected": "保证好客房、食堂、车辆、办公等来京公务的后勤服务保障。陪同、协调、沟通、跟踪州内来京汇报招商等对外联络服务工作。",
    },
]


def content() -> Content:
    return Content(
        year=2022,
        unit=UNIT,
        institutions=INSTITUTIONS,
        department_indicators=INDICATORS,
        department_goals=GOALS,
        projects=[{"name": p["name"], "implementer": p["implementer"], "expected": p["expected"]} for p in PROJECTS],
    )


def values() -> dict[str, object]:
    """Every input (and stated derived value) of the sample, by slot key."""
    out: dict[str, object] = {**BASIC, **DEPARTMENT}
    for table, (columns, rows) in TABLES.items():
        for n, row in enumerate(rows):
            row_id = "summary" if n == 0 else str(n)
            for column, value in zip(columns, row):
                out[f"ie.{table}.{row_id}.{column}"] = Decimal(value)
    for n, project in enumerate(PROJECTS, start=1):
        out[f"proj{n}.money.total.actual"] = wan_exact(project["actual"])
    return out


def build_sample(path: Path = SAMPLE) -> Path:
    workbook = build(content())
    filing = read_grids(path, [Grid.from_openpyxl(ws) for ws in workbook.worksheets])
    for key, value in values().items():
        slot = filing.slots[key]
        cell = workbook[slot.sheet][slot.cell]
        cell.value = float(value) if isinstance(value, Decimal) else value
    save_deterministic(workbook, path)
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE
    print(f"已生成示例工作簿：{build_sample(target)}")
