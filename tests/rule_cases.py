"""For every rule of the catalogue: a variant of the sample where it fires (and at which field), and one
where it stays silent. Variants change fields by key; the reader says which cell a key is, so no cell
address is written here.

A rule added to workbook_templates/rules.toml without an entry here fails tests/test_rules.py.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from functools import cache
from pathlib import Path

import openpyxl

from perf_xlsx import api
from tests.golden import SAMPLE

D = Decimal


def sample_with_overview(folder: Path) -> Path:
    """The sample with the 自评报告's 基本概况 table pasted in as a sheet of its own (人员编制 146, 实有人数 127)."""
    path = Path(folder) / "with_overview.xlsx"
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb.create_sheet("基本概况")
    ws.append(["一、部门（单位）基本概况"])
    ws.append(["联系人", "田某", "联系电话", "8223609"])
    ws.append(["人员编制", 146, "实有人数", 127])
    wb.save(path)
    return path


#: rules of forms the sample does not hold: rule id → the workbook its firing case changes and the one its
#: silent case changes (a tests/families.py builder name, or a function here); the sample for every other rule
BASES: dict[str, tuple[str, str]] = {
    "report-quota": ("sample_with_overview", "sample_with_overview"),
    "report-staff": ("sample_with_overview", "sample_with_overview"),
    "indicator-subtotal": ("c_department", "c_department"),
    "coefficient-missed": ("c_coefficient_full_on_missed", "c_department"),
    "listed-uses": ("n_uses_not_adding_up", "n_project"),
}


def base_of(name: str | None, folder: Path) -> Path:
    """The workbook a case starts from, written into `folder` (the sample when `name` is None)."""
    if name is None:
        return SAMPLE
    if name == "sample_with_overview":
        return sample_with_overview(folder)
    from tests import families

    return families.BUILDERS[name](folder)


@cache
def _slots(base: Path) -> dict:
    return api.evaluate(base).filing.slots


def sample_slots():
    return _slots(SAMPLE)


def where(key: str, base: Path = SAMPLE) -> tuple[str, str]:
    """The sheet and cell of a field key of `base`, or of a label of the sample written `label:<sheet>:<text>`."""
    if key.startswith("label:"):
        return label_cell(*key.split(":")[1:])
    slot = _slots(base)[key]
    return slot.sheet, slot.cell


@cache
def label_cell(sheet: str, text: str) -> tuple[str, str]:
    """Where the sample's sheet holds the label `text` (the first such cell)."""
    ws = openpyxl.load_workbook(SAMPLE)[sheet]
    return sheet, next(c.coordinate for row in ws.iter_rows() for c in row if c.value == text)


def variant(folder: Path, changes: dict[str, object], name: str = "variant.xlsx", base: Path = SAMPLE) -> Path:
    """A copy of `base` (the sample) with the fields at `changes` set (Decimal → number, "" → blank)."""
    path = folder / name
    shutil.copy(base, path)
    if not changes:
        return path
    wb = openpyxl.load_workbook(path)
    for key, value in changes.items():
        sheet, cell = where(key, base)
        wb[sheet][cell] = float(value) if isinstance(value, Decimal) else (None if value == "" else value)
    wb.save(path)
    return path


#: rule id → (changes that make it fire, the field it fires at, changes under which it stays silent)
CASES: dict[str, tuple[dict, str, dict]] = {
    "sangong-total": ({"basic.funds.sangong.final": D("300")}, "basic.funds.sangong.final", {}),
    "car-total": ({"basic.funds.car.final": D("999")}, "basic.funds.car.final", {}),
    "project-total": ({"basic.funds.business.final": D("100")}, "basic.funds.project.final", {}),
    "public-breakdown": (
        {"basic.funds.office.final": D("2000")},
        "basic.funds.public.final",
        {"basic.funds.office.final": D("1000")},
    ),
    "income-total": ({"ie.income.1.total": D("6096.32")}, "ie.income.1.total", {}),
    "basic-spending": ({"ie.spending.1.basic": D("3600")}, "ie.spending.1.basic", {}),
    "spending-total": ({"ie.spending.2.total": D("530")}, "ie.spending.2.total", {}),
    "sangong-table-total": ({"ie.sangong.2.total": D("20.50")}, "ie.sangong.2.total", {}),
    "assets-total": ({"ie.assets.2.total": D("3000")}, "ie.assets.2.total", {}),
    "by-income-total": (
        {"dept.breakdown.by_income.total": D("100"), "dept.breakdown.by_income.general": D("50")},
        "dept.breakdown.by_income.total",
        {"dept.breakdown.by_income.general": D("50")},
    ),
    "by-spending-total": (
        {"dept.breakdown.by_spending.total": D("100"), "dept.breakdown.by_spending.basic": D("50")},
        "dept.breakdown.by_spending.total",
        {"dept.breakdown.by_spending.basic": D("50")},
    ),
    "project-funds-total": (
        {"proj1.money.fiscal.actual": D("1000")},
        "proj1.money.total.actual",
        {"proj1.money.fiscal.actual": D("1160.485187")},
    ),
    "summary-row": ({"ie.income.summary.fiscal": D("8172.00")}, "ie.income.summary.fiscal", {}),
    # the seed's 尾差 are rounding gaps; typing the exact values silences them
    "year-balance": (
        {"ie.spending.2.year_balance": D("-6.85")},
        "ie.spending.2.year_balance",
        {
            "ie.spending.summary.year_balance": D("637.82"),
            "ie.spending.1.year_balance": D("-15.67"),
            "ie.spending.3.year_balance": D("694.99"),
            "ie.spending.4.year_balance": D("-11.36"),
        },
    ),
    "cumulative-balance": (
        {"ie.spending.2.cumulative": D("146.85")},
        "ie.spending.2.cumulative",
        {"ie.spending.summary.cumulative": D("2708.63"), "ie.spending.1.cumulative": D("317.00")},
    ),
    # 支出合计 = 基本 + 项目 + 累计结余 follows 收入合计 through the 结余 identities: it can differ only where a
    # part cannot be read (a 支出合计 typed against readable parts is spending-total's, and set aside)
    "spending-equals-income": (
        {"ie.spending.2.total": D("525"), "ie.spending.2.project": "见附表"},
        "ie.spending.2.total",
        {"ie.spending.3.total": D("3312.53"), "ie.spending.4.total": D("121.82")},
    ),
    # consistent on the 基础数据表 (公务接待 and 三公经费 both 7.77 more), not with 收支情况; a 三公经费 typed against
    # its own parts is sangong-total's, and the comparison then uses the parts' sum (never a value found wrong)
    "sangong-cross": (
        {"basic.funds.reception.final": D("30"), "basic.funds.sangong.final": D("266.25")},
        "basic.funds.sangong.final",
        {"basic.funds.sangong.final": D("250")},
    ),
    "public-cross": ({"basic.funds.public.final": D("1000")}, "basic.funds.public.final", {}),
    "project-cross": ({"basic.funds.project.final": D("2000")}, "basic.funds.project.final", {}),
    "project-form-cross": (
        {"dept.breakdown.by_spending.project": D("2000")},
        "dept.breakdown.by_spending.project",
        {"dept.breakdown.by_spending.project": D("2667.88")},
    ),
    "breakdown-balance": (
        {"dept.breakdown.by_income.general": D("100"), "dept.breakdown.by_spending.basic": D("50")},
        "dept.breakdown.by_income.total",
        {"dept.breakdown.by_income.general": D("100"), "dept.breakdown.by_spending.basic": D("100")},
    ),
    "breakdown-basis": (
        {"dept.breakdown.by_income.general": D("100")},
        "dept.breakdown.by_income.total",
        {"dept.breakdown.by_income.general": D("8172.733946")},
    ),
    "projects-vs-spending": ({}, "ie.spending.summary.project", {"proj1.money.total.actual": D("1682.992789")}),
    # 项目2 made a copy of 项目1 (same name, same 全年执行数)
    "duplicate-project": (
        {
            "proj2.head.name": "智慧湘西专项",
            "proj2.money.total.actual": D("1160.485187"),
            "proj2.head.implementer": "州智慧办",
        },
        "proj2.head.name",
        {},
    ),
    "stated-rate": ({"dept.money.total.rate": "90%"}, "dept.money.total.rate", {"dept.money.total.rate": "87.57%"}),
    "stated-score": ({}, "dept.money.total.score", {"dept.money.total.score": D("8.76")}),
    # 执行率 typed 100% (87.57% true) and the 得分 typed for it (10 × 100%); the seed's 得分 8 is not 10 × 100%:
    # the clerk's judgement, stated-score's 提示
    "follows-wrong": (
        {"dept.money.total.rate": "100%", "dept.money.total.score": D("10")},
        "dept.money.total.score",
        {"dept.money.total.rate": "100%"},
    ),
    "stated-total-score": ({"dept.closing.total": D("90")}, "dept.closing.total", {}),
    "stated-grade": ({"dept.closing.grade": "良"}, "dept.closing.grade", {}),
    # the seed splits 10 · 50 · 30 · 10, as the national scheme does
    "scheme-weights": ({"dept.indicators[1].weight": D("60")}, "dept.indicators[1].weight", {}),
    "unit-slip": ({"ie.income.2.fiscal": D("3699100")}, "ie.income.2.fiscal", {}),
    "unit-slip-size": (
        {"basic.funds.procurement.final": D("3457775.58")},
        "basic.funds.procurement.final",
        {"basic.funds.procurement.final": D("345.78")},
    ),
    # totals blank (no identity to break), too small beside the department for unit-slip-size,
    # but 10,000× the rest of its column
    "unit-slip-peers": (
        {
            "ie.sangong.2.reception": D("41600"),
            "ie.sangong.2.total": "",
            "ie.sangong.summary.reception": "",
            "ie.sangong.summary.total": "",
        },
        "ie.sangong.2.reception",
        {},
    ),
    "staff-over-quota": ({"basic.staff.actual": 150}, "basic.staff.rate", {}),
    "sangong-over-budget": ({"basic.funds.sangong.budget": D("200")}, "basic.funds.sangong.final", {}),
    "sangong-increase": ({"basic.funds.sangong.prev_final": D("200")}, "basic.funds.sangong.final", {}),
    "low-procurement": ({}, "basic.funds.procurement.final", {"basic.funds.procurement.final": D("1500")}),
    "spending-rate-gap": ({}, "dept.money.total.rate", {"dept.money.total.actual": D("7538.03")}),
    "low-execution-no-reason": ({}, "dept.money.total.rate", {"dept.money.total.actual": D("9332.431817")}),
    "negative-amount": ({"ie.income.2.other": D("-1")}, "ie.income.2.other", {}),
    "zero-quota": ({"basic.staff.quota": 0}, "basic.staff.quota", {}),
    # the seed's 满意度 indicator scored 10 of 10: too high for 部分达成 (6–8); 8 is on the 达成 boundary, also 部分达成's
    "qualitative-band": (
        {"dept.indicators[7].actual": "部分达成"},
        "dept.indicators[7].score",
        {"dept.indicators[7].actual": "部分达成", "dept.indicators[7].score": D("8")},
    ),
    "indicator-over-weight": ({"dept.indicators[1].score": D("60")}, "dept.indicators[1].score", {}),
    "required-blank": (
        {"basic.staff.quota": ""},
        "basic.staff.quota",
        {f"proj{n}.money.total.budget": D("1200") for n in range(1, 5)},
    ),
    # the sample's 满意度指标 block is one row: blank it and the block is empty
    "empty-indicator-block": (
        {f"dept.indicators[7].{c}": "" for c in ("target", "actual", "weight", "score")},
        "dept.closing.total",
        {},
    ),
    # 政府采购 and 公用经费 spent beyond their budgets (1552.44, 2625.10)
    "procurement-over-budget": (
        {"basic.funds.procurement.final": D("1600")},
        "basic.funds.procurement.final",
        {"basic.funds.procurement.final": D("1552.44")},
    ),
    "public-over-budget": (
        {"basic.funds.public.final": D("3000")},
        "basic.funds.public.final",
        {"basic.funds.public.final": D("2625.10")},
    ),
    # 深圳办事处's 上年结转 left out: its 当年结余 comes out −24.29 with nothing carried over to spend; the seed's
    # negative 当年结余 are all covered by 上年结转 (spending last year's balance): silent
    "negative-balance": (
        {"ie.income.5.carryover": "", "ie.income.5.total": ""},
        "ie.spending.5.year_balance",
        {},
    ),
    # a met 98% target scored 10 × 98% = 9.8 instead of 10 × 98%/98% = 10
    "score-times-actual": (
        {"dept.indicators[7].target": "≥98%", "dept.indicators[7].actual": "98%", "dept.indicators[7].score": D("9.8")},
        "dept.indicators[7].score",
        {"dept.indicators[7].target": "≥98%", "dept.indicators[7].actual": "98%", "dept.indicators[7].score": D("10")},
    ),
    # the 产出指标 block's 分值 add up to 50: a label printing 45 points disagrees, one printing 50 agrees
    "block-points": (
        {"label:整体支出绩效自评表:产出指标": "产出指标(45分)"},
        "label:整体支出绩效自评表:产出指标",
        {"label:整体支出绩效自评表:产出指标": "产出指标（50分）"},
    ),
    "unscored-indicator": ({"dept.indicators[1].score": ""}, "dept.indicators[1].score", {}),
    "report-quota": ({"overview.head.quota": D("150")}, "overview.head.quota", {}),
    "report-staff": ({"overview.head.actual": D("120")}, "overview.head.actual", {}),
    "indicator-subtotal": ({"dept.indicators.subtotal.score": D("80")}, "dept.indicators.subtotal.score", {}),
    "coefficient-missed": ({}, "dept.indicators[8].coefficient", {}),
    "listed-uses": ({}, "proj1.goals.achieved", {}),
}
