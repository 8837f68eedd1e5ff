"""Property tests of the arithmetic (hypothesis): consistent tables never trip a rule; a real break
always does, at the cell whose identity breaks; a 10,000× slip is always reported as one."""

from __future__ import annotations

import tempfile
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perf_xlsx import api

CENT = Decimal("0.01")
COLUMNS = ["carryover", "fiscal", "fund", "special", "other"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def blank() -> tuple[bytes, dict]:
    """A blank template (three institution rows) and where each income-table field is."""
    with tempfile.TemporaryDirectory() as tmp:
        path = api.write_template(Path(tmp) / "t.xlsx", 2022, "测试单位")
        slots = api.evaluate(path).filing.slots
        places = {k: (s.sheet, s.cell) for k, s in slots.items() if k.startswith("ie.income.")}
        return path.read_bytes(), places


def wan(yuan_cents: int) -> Decimal:
    """Exact 元 (in cents) → 万元 rounded half-up to 2 decimals, as a clerk's table prints it."""
    return (Decimal(yuan_cents) / 1000000).quantize(CENT, rounding=ROUND_HALF_UP)


def consistent_table(exact: list[list[int]]) -> dict[str, Decimal]:
    """Every cell of the income table from exact 元 amounts: parts and totals each rounded from the exact sums."""
    values = {}
    for n, row in enumerate(exact, start=1):
        for column, cents in zip(COLUMNS, row):
            values[f"ie.income.{n}.{column}"] = wan(cents)
        values[f"ie.income.{n}.total"] = wan(sum(row))
    for i, column in enumerate(COLUMNS):
        values[f"ie.income.summary.{column}"] = wan(sum(row[i] for row in exact))
    values["ie.income.summary.total"] = wan(sum(map(sum, exact)))
    return values


def check(values: dict[str, Decimal]):
    data, places = blank()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.xlsx"
        path.write_bytes(data)
        wb = openpyxl.load_workbook(path)
        for key, value in values.items():
            sheet, cell = places[key]
            wb[sheet][cell] = float(value)
        wb.save(path)
        return api.check(path), places


amounts = st.integers(min_value=0, max_value=50_000_000_000)  # up to 5 亿元, in cents
tables = st.lists(st.lists(amounts, min_size=5, max_size=5), min_size=3, max_size=3)


@SETTINGS
@given(tables)
def test_consistent_tables_never_raise_errors(exact):
    report, _ = check(consistent_table(exact))
    assert [f for f in report.findings if f.severity == "error"] == []


@SETTINGS
@given(
    tables,
    st.integers(1, 3),
    st.sampled_from(COLUMNS),
    st.decimals(min_value=Decimal("0.05"), max_value=Decimal("900"), places=2),
    st.booleans(),
)
def test_moving_one_part_beyond_its_envelope_breaks_its_row_total(exact, row, column, delta, down):
    values = consistent_table(exact)
    key = f"ie.income.{row}.{column}"
    values[key] += -delta if down else delta
    report, places = check(values)
    errors = [f for f in report.findings if f.severity == "error"]
    row_cells = {places[f"ie.income.{row}.{c}"] for c in ["total", *COLUMNS]}
    # the broken row identity is reported in that row: at its total, or at the part it blames on a 元/万元 slip
    # (by the identity, or by its size: a part moved by 100 in a department of 0.01 万元)
    assert any(
        (f.rule == "income-total" or f.rule.startswith("unit-slip")) and (f.sheet, f.cell) in row_cells for f in errors
    )


@SETTINGS
@given(tables, st.integers(1, 3), st.sampled_from(COLUMNS))
def test_a_yuan_figure_in_a_wan_table_is_a_unit_slip(exact, row, column):
    values = consistent_table(exact)
    key = f"ie.income.{row}.{column}"
    if values[key] < Decimal("0.05"):  # an amount below the rounding envelope cannot be told from a blank
        bump = Decimal("12.34") - values[key]
        values[key] += bump
        values[f"ie.income.{row}.total"] += bump
        values[f"ie.income.summary.{column}"] += bump
        values["ie.income.summary.total"] += bump
    values[key] *= 10000
    report, places = check(values)
    assert ["unit-slip", *places[key]] in report.flatten(["rule", "sheet", "cell"])
