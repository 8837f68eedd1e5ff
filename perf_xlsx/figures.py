"""The derived figures (绩效指标计算) of the self-evaluation, one small function each.

Each function returns its value (a fraction, shown as a percentage with 2 decimals, half-up, from
unrounded inputs) and the inputs it used; the registry gives every figure its Chinese name and its
formula in words. Inputs are the values as the completed form shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from .derive import Completion
from .scoring import SANGONG_BASES, sangong_change_basis


@dataclass
class Figure:
    """One figure (指标值): name, value, formula and the inputs with their cells."""

    name: str
    formula: str
    value: Decimal | None = None
    unit: str = "%"
    inputs: list[dict] = field(default_factory=list)
    cell: str | None = None
    note: str = ""

    @property
    def percent(self) -> Decimal | None:
        """The value as printed: percent, 2 decimals, half-up."""
        from .derive import rounded

        return None if self.value is None else rounded(self.value, "rate") * 100


class _Inputs:
    """Looks up shown values by slot key and remembers them as a figure's inputs."""

    def __init__(self, completion: Completion, figure: Figure):
        self.c, self.figure = completion, figure

    def __call__(self, key: str | None, label: str):
        slot = self.c.filing.slots.get(key) if key else None
        value = self.c.shown(key) if key and slot is not None else None
        self.figure.inputs.append(
            {
                "label": label,
                "value": value,
                "cell": slot.where if slot and slot.found else None,
                "key": key,
                "type": slot.type if slot else "amount",
                "scale": slot.scale if slot else Decimal(1),
            }
        )
        return value


#: Every figure in order: (name, formula in words, function), the function None for a figure a form has a
#: cell for (its layout field carries `figure = "<name>"`): its value is that cell's derivation, computed once
#: in derive.py, never a second time here.
REGISTRY: list[tuple[str, str, Callable | None]] = []


def figure(name: str, formula: str):
    def register(fn):
        REGISTRY.append((name, formula, fn))
        return fn

    return register


def on_form(name: str, formula: str) -> None:
    """A figure whose value is the derivation of its cell on a form (see REGISTRY)."""
    REGISTRY.append((name, formula, None))


def _from_form(completion: Completion, fig: Figure) -> Decimal | None:
    """The value of a figure with a cell on a form, and its inputs, from that cell's derivation."""
    key = completion.filing.figures.get(fig.name)
    result = completion.results.get(key) if key else None
    if key is None or result is None:
        fig.note = "表中没有此项"
        return None
    fig.cell = key
    record = _Inputs(completion, fig)
    for input_key, _ in result.inputs:
        slot = completion.filing.slots.get(input_key)
        record(input_key, (slot.col_label or slot.label) if slot else input_key)
    return result.value


def _ratio(num, den):
    if num is None or den is None or den == 0:
        return None
    return Decimal(num) / Decimal(den)


def _summary(c: Completion, table: str, column: str) -> str | None:
    for inst in c.filing.tables.get(table, []):
        if inst.is_summary:
            return inst.slots.get(column)
    return None


# 在职人员控制率 (staff control rate) = 实际在职人数 / 编制数: on the 基础数据表 (basic_data.toml).
on_form("在职人员控制率", "实际在职人数 / 编制数")


@figure("三公经费变动率", "（三公经费本年决算数 − 上年决算数）/ 上年决算数")
def sangong_change_rate(v: _Inputs):
    """三公经费变动率 (change of the three public expenses) = (本年决算 − 上年决算) / 上年决算; the 本年 side is
    决算 or 预算 by the scheme's `sangong_change_basis` *(local)*: 湘西 uses 决算, the framework text 预算."""
    basis = sangong_change_basis(v.c.scheme)
    v.figure.formula = f"（三公经费本年{basis}数 − 上年决算数）/ 上年决算数"
    this = v(f"basic.funds.sangong.{SANGONG_BASES[basis]}", f"三公经费本年{basis}数")
    last = v("basic.funds.sangong.prev_final", "三公经费上年决算数")
    return None if this is None else _ratio(None if last is None else this - last, last)


@figure("三公经费控制率", "三公经费本年决算数 / 本年预算数")
def sangong_control_rate(v: _Inputs):
    """三公经费控制率 = 三公 本年决算 / 本年预算."""
    return _ratio(
        v("basic.funds.sangong.final", "三公经费本年决算数"), v("basic.funds.sangong.budget", "三公经费本年预算数")
    )


@figure("公用经费控制率", "公用经费本年决算数 / 本年预算数")
def public_control_rate(v: _Inputs):
    """公用经费控制率 = 公用经费 本年决算 / 本年预算."""
    return _ratio(
        v("basic.funds.public.final", "公用经费本年决算数"), v("basic.funds.public.budget", "公用经费本年预算数")
    )


@figure("政府采购执行率", "政府采购金额本年决算数 / 本年预算数")
def procurement_rate(v: _Inputs):
    """政府采购执行率 = 政府采购金额 本年决算 / 本年预算."""
    return _ratio(
        v("basic.funds.procurement.final", "政府采购本年决算数"),
        v("basic.funds.procurement.budget", "政府采购本年预算数"),
    )


# 预算执行率 (budget execution rate) = 全年执行数 / 全年预算数: on the 部门整体支出绩效自评表.
on_form("预算执行率", "全年执行数 / 全年预算数")


@figure("支出口径预算执行率", "（汇总基本支出 + 汇总项目支出）/ 全年预算数")
def spending_execution_rate(v: _Inputs):
    """支出口径预算执行率: the spending-based twin of 预算执行率, shown beside it: the two differ when 全年执行数 is taken from income rather than spending."""
    c = v.c
    basic = v(_summary(c, "spending", "basic"), "汇总基本支出")
    project = v(_summary(c, "spending", "project"), "汇总项目支出")
    budget = v("dept.money.total.budget", "全年预算数")
    return None if basic is None or project is None else _ratio(basic + project, budget)


@figure("预算调整率", "（全年预算数 − 年初预算数）/ 年初预算数")
def budget_adjustment_rate(v: _Inputs):
    """预算调整率 (budget adjustment rate) = (全年预算数 − 年初预算数) / 年初预算数."""
    budget, initial = v("dept.money.total.budget", "全年预算数"), v("dept.money.total.initial", "年初预算数")
    return None if budget is None else _ratio(None if initial is None else budget - initial, initial)


@figure("固定资产利用率", "汇总在用固定资产 / 汇总固定资产合计")
def asset_use_rate(v: _Inputs):
    """固定资产利用率 = 在用固定资产 / 固定资产合计 (summary row)."""
    c = v.c
    return _ratio(
        v(_summary(c, "assets", "in_use"), "汇总在用固定资产"), v(_summary(c, "assets", "total"), "汇总固定资产合计")
    )


@figure("结转结余率", "汇总累计结余 / 全年预算数")
def carryover_rate(v: _Inputs):
    """结转结余率 = 累计结余 (summary) / 全年预算数."""
    return _ratio(
        v(_summary(v.c, "spending", "cumulative"), "汇总累计结余"), v("dept.money.total.budget", "全年预算数")
    )


# 规模控制率 and 投资概算控制率 (楼堂馆所) = 实际规模 / 批复规模, 实际投资 / 预算投资: on the 基础数据表.
on_form("规模控制率", "实际规模 / 批复规模")
on_form("投资概算控制率", "实际投资 / 预算投资")


def compute(completion: Completion) -> dict[str, Figure]:
    """Every figure of the registry, in order; a figure whose inputs are missing has value None and a note."""
    out = {}
    for name, formula, fn in REGISTRY:
        fig = Figure(name=name, formula=formula)
        fig.value = fn(_Inputs(completion, fig)) if fn is not None else _from_form(completion, fig)
        if fig.value is None and not fig.note:
            blank = [i["label"] for i in fig.inputs if i["value"] is None]
            fig.note = ("缺少：" + "、".join(blank)) if blank else "分母为0"
        if fig.cell is not None:
            slot = completion.filing.slots.get(fig.cell)
            fig.cell = slot.where if slot is not None and slot.found else None
        out[name] = fig
    return out
