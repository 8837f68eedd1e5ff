"""Synthetic department workbooks (模拟单位工作簿): the realistic second sample and the benchmark's input.

Each workbook: 5 institutions plus the summary row, 20 project sheets, indicators, values varied by a
seeded random generator and consistent to the cent; every seventh one carries realistic mistakes (a
total off by 0.30 万元, a 元 figure in a 万元 table). `distinct` workbooks are built; a folder of any
size is filled with copies of them (each file is still processed on its own).
"""

from __future__ import annotations

import random
import shutil
from decimal import Decimal
from pathlib import Path

from perf_xlsx.grid import Grid
from perf_xlsx.reading import read_grids
from perf_xlsx.template import Content, build
from perf_xlsx.writing import save_deterministic

CENT = Decimal("0.01")


def _amount(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 2))).quantize(CENT)


def _values(rng: random.Random, projects: int) -> dict[str, Decimal | int]:
    """Inputs and consistent stated totals, by field key."""
    out: dict[str, Decimal | int] = {"basic.staff.quota": rng.randint(40, 200)}
    out["basic.staff.actual"] = rng.randint(out["basic.staff.quota"] - 30, out["basic.staff.quota"])
    rows = []
    for n in range(1, 6):
        carry, fiscal, other = _amount(rng, 5, 500), _amount(rng, 100, 6000), _amount(rng, 0, 5)
        personnel, public, project = _amount(rng, 50, 3000), _amount(rng, 5, 600), _amount(rng, 10, 2000)
        income = carry + fiscal + other
        year_balance = income - carry - personnel - public - project
        cumulative = carry + year_balance
        reception, running, purchase = _amount(rng, 0, 10), _amount(rng, 0, 100), _amount(rng, 0, 50)
        in_use, leased = _amount(rng, 50, 5000), _amount(rng, 0, 3000)
        row = {
            "income.carryover": carry,
            "income.fiscal": fiscal,
            "income.fund": Decimal(0),
            "income.special": Decimal(0),
            "income.other": other,
            "income.total": income,
            "spending.personnel": personnel,
            "spending.public": public,
            "spending.basic": personnel + public,
            "spending.project": project,
            "spending.year_balance": year_balance,
            "spending.cumulative": cumulative,
            "spending.total": personnel + public + project + cumulative,
            "sangong.reception": reception,
            "sangong.car_running": running,
            "sangong.car_purchase": purchase,
            "sangong.abroad": Decimal(0),
            "sangong.total": reception + running + purchase,
            "assets.in_use": in_use,
            "assets.leased": leased,
            "assets.other": Decimal(0),
            "assets.total": in_use + leased,
        }
        rows.append(row)
        for name, value in row.items():
            table, column = name.split(".")
            out[f"ie.{table}.{n}.{column}"] = value
    for name in rows[0]:
        table, column = name.split(".")
        out[f"ie.{table}.summary.{column}"] = sum((r[name] for r in rows), Decimal(0))
    sangong = out["ie.sangong.summary.total"]
    out.update(
        {
            "basic.funds.sangong.prev_final": _amount(rng, 50, 400),
            "basic.funds.sangong.budget": sangong + 20,
            "basic.funds.public.budget": out["ie.spending.summary.public"] + _amount(rng, 0, 500),
            "basic.funds.public.final": out["ie.spending.summary.public"],
            "basic.funds.procurement.budget": _amount(rng, 100, 2000),
            "basic.funds.procurement.final": _amount(rng, 50, 1500),
        }
    )
    budget = out["ie.income.summary.fiscal"] + _amount(rng, 0, 1000)
    out.update(
        {
            "dept.money.total.initial": budget - _amount(rng, 0, 500),
            "dept.money.total.budget": budget,
            "dept.money.total.actual": out["ie.income.summary.fiscal"],
        }
    )
    for n in range(1, projects + 1):
        fiscal = _amount(rng, 5, 300)
        out[f"proj{n}.money.fiscal.budget"] = fiscal
        out[f"proj{n}.money.fiscal.actual"] = (fiscal * Decimal(str(rng.uniform(0.6, 1.0)))).quantize(CENT)
    return out


def _indicators(rng: random.Random) -> list[dict]:
    count = rng.randint(45, 60)
    return [
        {
            "level1": "产出指标",
            "rows": [
                {"level2": "数量指标", "level3": "完成项目数", "target": "≥50个", "actual": f"{count}个", "weight": 25},
                {
                    "level2": "质量指标",
                    "level3": "验收合格率",
                    "target": "100%",
                    "actual": f"{rng.randint(90, 100)}%",
                    "weight": 15,
                },
                {
                    "level2": "时效指标",
                    "level3": "完成时间",
                    "target": "2022年12月31日前",
                    "actual": "已完成",
                    "weight": 10,
                },
            ],
        },
        {
            "level1": "效益指标",
            "rows": [
                {
                    "level2": "社会效益指标",
                    "level3": "服务群众人次",
                    "target": "≥1000人次",
                    "actual": f"{rng.randint(800, 1500)}人次",
                    "weight": 30,
                }
            ],
        },
        {
            "level1": "满意度指标",
            "rows": [
                {
                    "level2": "服务对象满意度指标",
                    "level3": "满意度",
                    "target": "≥90%",
                    "actual": f"{rng.randint(85, 99)}%",
                    "weight": 10,
                }
            ],
        },
    ]


def build_one(path: Path, seed: int, projects: int = 20) -> Path:
    rng = random.Random(seed)
    institutions = ["本部门及二级机构汇总"] + [f"{n}、二级机构{n}" for n in range(1, 6)]
    content = Content(
        year=2022,
        unit=f"模拟单位{seed:03d}",
        institutions=institutions,
        department_indicators=_indicators(rng),
        projects=[
            {"name": f"模拟项目{k}", "implementer": f"模拟单位{seed:03d}", "indicators": _indicators(rng)}
            for k in range(1, projects + 1)
        ],
    )
    wb = build(content)
    slots = read_grids(path, [Grid.from_openpyxl(ws) for ws in wb.worksheets]).slots
    values = _values(rng, projects)
    if seed % 7 == 3:  # realistic mistakes
        values["ie.income.2.total"] += Decimal("0.30")
        values["ie.assets.3.in_use"] *= 10000
    for key, value in values.items():
        slot = slots[key]
        wb[slot.sheet][slot.cell] = float(value) if isinstance(value, Decimal) else value
    save_deterministic(wb, path)
    return path


def fill_folder(folder: Path, count: int, distinct: int = 10, projects: int = 20) -> list[Path]:
    """`count` workbooks in `folder`: copies of `distinct` generated ones."""
    folder.mkdir(parents=True, exist_ok=True)
    cache = folder.parent / f".bench-models-{projects}"
    cache.mkdir(exist_ok=True)
    models = [cache / f"model{i:02d}.xlsx" for i in range(distinct)]
    for i, model in enumerate(models):
        if not model.exists():
            build_one(model, i, projects)
    paths = []
    for n in range(count):
        target = folder / f"单位{n:04d}.xlsx"
        shutil.copy(models[n % distinct], target)
        paths.append(target)
    return paths


HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "模拟单位_2022_基础数据表.xlsx"


if __name__ == "__main__":  # make sample: the realistic second sample, three fully filled projects
    print(f"已生成示例工作簿：{build_one(SAMPLE, seed=1, projects=3)}")
