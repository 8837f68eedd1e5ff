"""Two-year fixtures (与上年核对): the seed sample (2022) and a made-up 2021 workbook of the same unit whose
本年决算数 and 累计结余 are the seed's 上年决算数 and 上年结转, built by script. `build_2021(path, changes)` writes
it, with `changes` (slot key → value) applied over the consistent values; `yuan=True` writes it in 元."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

from perf_xlsx.grid import Grid
from perf_xlsx.reading import read_grids
from perf_xlsx.template import Content, build
from perf_xlsx.writing import save_deterministic
from samples import build_sample as seed

YUAN = Decimal(10000)


def indicators_2021() -> list[dict]:
    """The seed's indicators, as last year's: the same names, an 实际完成值 no higher than this year's target."""
    rows = copy.deepcopy(seed.INDICATORS)
    rows[1]["rows"][0]["actual"] = "引进招商引资项目48个"
    return rows


def values_2021() -> dict[str, object]:
    """Last year's values, consistent with the seed's 上年 figures (万元)."""
    out: dict[str, object] = {
        "basic.staff.quota": 146,
        "basic.staff.actual": 130,
        "basic.funds.sangong.final": seed.BASIC["basic.funds.sangong.prev_final"],
        "basic.funds.public.final": Decimal("1200.00"),
        "basic.funds.procurement.final": Decimal("400.00"),
        "dept.closing.total": Decimal("92"),
        "dept.closing.grade": "优",
    }
    columns, rows = seed.TABLES["income"]
    carry = columns.index("carryover")
    for n, row in enumerate(rows):
        row_id = "summary" if n == 0 else str(n)
        out[f"ie.spending.{row_id}.cumulative"] = Decimal(row[carry])
    return out


def build_2021(
    path: Path,
    changes: dict[str, object] | None = None,
    year: int = 2021,
    yuan: bool = False,
    institutions: list[str] | None = None,
    unit: str = seed.UNIT,
) -> Path:
    content = Content(
        year=year,
        unit=unit,
        institutions=institutions or seed.INSTITUTIONS,
        department_indicators=indicators_2021(),
        department_goals=seed.GOALS,
    )
    workbook = build(content)
    if yuan:  # the same workbook in 元: every 单位：万元 heading says 元, amounts ×10,000
        for ws in workbook.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and "万元" in cell.value and "单位" in cell.value:
                        cell.value = cell.value.replace("万元", "元")
    filing = read_grids(path, [Grid.from_openpyxl(ws) for ws in workbook.worksheets])
    for key, value in {**values_2021(), **(changes or {})}.items():
        slot = filing.slots[key]
        if yuan and slot.type == "amount" and isinstance(value, Decimal):
            value = value * YUAN
        workbook[slot.sheet][slot.cell].value = float(value) if isinstance(value, Decimal) else value
    save_deterministic(workbook, path)
    return path
