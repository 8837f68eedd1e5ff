"""收支情况表 as DataFrames (tables.py): the numbers of 收支情况 come from pandas, exactly as the derivations
say, cell by cell; blanks, unreadable cells, stated totals and other tables' terms keep their meaning;
and a run that has no 收支情况 never imports pandas."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl.utils import get_column_letter

from perf_xlsx import api, tables
from perf_xlsx.derive import Completion
from perf_xlsx.layout import load_layout
from perf_xlsx.model import Filing, Institution, Slot
from tests import messy
from tests.golden import SAMPLE
from tests.rule_cases import variant

D = Decimal
LAYOUT = load_layout("income_expenditure")
UNREADABLE = object()  # a cell typed so that it cannot be read (约100)


# ---- a 收支情况 built in memory ----------------------------------------------------------------
def filing_of(rows: dict[str, list[tuple[str, dict[str, object]]]], summary: bool = True) -> Filing:
    """A Filing holding only 收支情况: per table, (机构名称, {column id: value}) in sheet order, the 汇总 row
    first (blank) when `summary`; a value Decimal (typed), None (blank) or UNREADABLE."""
    filing = Filing(path=Path("收支.xlsx"))
    for t, section in enumerate(LAYOUT.sections):
        tid = section["id"]
        entries = ([("汇总", {})] if summary else []) + rows.get(tid, [])
        table = []
        for r, (name, values) in enumerate(entries):
            is_summary = summary and r == 0
            row_id = "summary" if is_summary else str(r if summary else r + 1)
            inst = Institution(name=name, is_summary=is_summary, id=row_id)
            for c, column in enumerate(section["columns"]):
                key = f"ie.{tid}.{row_id}.{column.id}"
                value = values.get(column.id)
                slot = Slot(key, f"{name}（{column.label}）", "amount", sheet="收支情况")
                slot.cell = f"{get_column_letter(c + 2)}{10 * t + r + 3}"
                if value is UNREADABLE:
                    slot.raw, slot.error = "约100", "无法识别为数字"
                else:
                    slot.raw = slot.value = value
                filing.add(slot)
                inst.slots[column.id] = key
            table.append(inst)
        filing.tables[tid] = table
    tables.link(filing, LAYOUT)
    return filing


def reference(c: Completion, derivation) -> Decimal | None:
    """A table cell computed the plain way, from its derivation alone (no pandas): unknown when an input
    is, blank when every input is, else Σ weight × input with blanks as 0."""
    if any(c.unknown(k) for k, _ in derivation.inputs):
        return None
    values = [c.shown(k) for k, _ in derivation.inputs]
    if all(v is None for v in values):
        return None
    return sum((D(w) * v for (_, w), v in zip(derivation.inputs, values) if v is not None), D(0))


def assert_same_as_derivations(c: Completion) -> int:
    """Every cell of the tables: the DataFrames agree with the derivations (values, what is shown, what is
    unknown), and the Completion's results are the DataFrames' values. Returns the cells compared."""
    assert c.tables is not None
    compared = 0
    for d in [*c.filing.derivations, *c.filing.checks]:
        if not c.tables.holds(d.target):
            continue
        value = c.tables.value(d)
        assert value == reference(c, d), d
        assert value is None or isinstance(value, Decimal), d
        result = c.results[d.target] if d in c.filing.derivations else c.check(d)
        assert result.value == value and (result.value is None) == (value is None), d
        compared += 1
    for key, (table, row, column) in c.tables.cells.items():
        shown = c.tables.shown[table].at[row, column]
        assert shown == c.shown(key) and (shown is None) == (c.shown(key) is None), key
        assert bool(c.tables.unknown[table].at[row, column]) == c.unknown(key), key
    return compared


# ---- the DataFrames ----------------------------------------------------------------------------
def test_the_tables_are_institutions_by_columns_of_exact_decimals():
    c = api.evaluate(SAMPLE).completion
    assert c.tables is not None
    for section in LAYOUT.sections:
        shown = c.tables.shown[section["id"]]
        assert list(shown.columns) == [col.id for col in section["columns"]]
        assert shown.index[0] == "summary" and list(shown.index[1:]) == ["1", "2", "3", "4", "5"]
        assert all(dtype is object or dtype == "object" for dtype in shown.dtypes)
        assert all(isinstance(v, Decimal) for v in shown.to_numpy().ravel() if v is not None)
    income = c.tables.frame("income")
    assert income.loc["州政府办本级", "total"] == D("6096.02")
    assert income.loc["州政府办本级及二级机构汇总", "total"] == D("10246.65")
    assert c.tables.shown["spending"].at["summary", "year_balance"] == D("637.83")  # as typed
    assert c.tables.checks["spending"]["year_balance"] == D("637.82")  # 汇总 by its own row: a 尾差


def test_the_seed_keeps_its_eight_rounding_gaps():
    report = api.check(SAMPLE)
    assert report.counts == {"error": 0, "warning": 11, "rounding": 8}


@pytest.mark.parametrize(
    "build",
    [
        None,
        messy.build_moved_tables,
        messy.build_inserted_column,
        messy.build_odd_labels,
        messy.build_text_numbers,
        messy.build_empty_markers,
        messy.build_float_noise,
        messy.build_yuan_form,
        messy.build_missing_label,
    ],
    ids=lambda b: "sample" if b is None else b.__name__.removeprefix("build_"),
)
def test_dataframes_match_the_derivations_cell_by_cell(build, tmp_path):
    path = SAMPLE if build is None else build(tmp_path / "messy.xlsx")
    c = api.evaluate(path).completion
    assert assert_same_as_derivations(c) >= 40


@pytest.mark.parametrize(
    "changes",
    [
        {"ie.income.1.fiscal": "约100"},  # unreadable part: its total and the 汇总 unknown
        {"ie.income.2.carryover": "", "ie.income.2.fiscal": "", "ie.income.2.total": ""},  # all parts blank
        {"ie.income.1.total": D("6000")},  # a stated total others are built on
        {"ie.spending.3.personnel": "", "ie.spending.3.public": "", "ie.spending.3.basic": ""},
        {"ie.sangong.summary.total": "", "ie.sangong.2.reception": "？？"},
        {"ie.income.summary.fiscal": D("8172.00"), "ie.spending.summary.year_balance": ""},
    ],
    ids=["unreadable", "blank-row", "stated-total", "blank-basic", "summary-blank", "summary-stated"],
)
def test_dataframes_match_the_derivations_on_variants(changes, tmp_path):
    c = api.evaluate(variant(tmp_path, changes)).completion
    assert assert_same_as_derivations(c) >= 40


# ---- what blank, unreadable and typed mean -----------------------------------------------------
def test_blank_parts_count_as_zero_but_all_blank_leaves_the_total_blank():
    filing = filing_of(
        {
            "income": [
                ("本级", {"carryover": D("1.10"), "fiscal": None, "other": D("0.05")}),
                ("二级机构", {}),
            ]
        }
    )
    c = Completion(filing)
    assert c.computed("ie.income.1.total") == D("1.15")
    assert c.computed("ie.income.2.total") is None
    assert c.results["ie.income.2.total"].note == "各组成项均为空"
    assert c.computed("ie.income.summary.carryover") == D("1.10")
    assert c.computed("ie.income.summary.fund") is None
    assert c.results["ie.income.summary.fund"].note == "各机构均为空"
    assert c.computed("ie.income.summary.total") == D("1.15")
    assert assert_same_as_derivations(c)


def test_an_unreadable_part_makes_its_total_and_the_summary_unknown():
    filing = filing_of(
        {
            "income": [
                ("本级", {"carryover": D("1"), "fiscal": UNREADABLE}),
                ("二级机构", {"carryover": D("2"), "fiscal": D("3")}),
            ],
            "spending": [("本级", {"personnel": D("1")})],
        }
    )
    c = Completion(filing)
    assert c.tables is not None
    result = c.results["ie.income.1.total"]
    assert result.value is None and result.unknown and "无法识别" in result.note
    assert c.computed("ie.income.2.total") == D("5")
    assert c.unknown("ie.income.summary.fiscal") and c.unknown("ie.income.summary.total")
    assert c.computed("ie.income.summary.carryover") == D("3")  # the readable column still adds up
    assert bool(c.tables.unknown["income"].at["summary", "total"])
    assert c.unknown("ie.spending.1.year_balance")  # built on 本级's unknown 收入合计, in another table
    assert assert_same_as_derivations(c)


def test_a_typed_total_is_what_the_cells_built_on_it_use():
    filing = filing_of(
        {
            "income": [("本级", {"total": D("100"), "carryover": D("10"), "fiscal": D("80")})],
            "spending": [("本级", {"personnel": D("50"), "public": D("20"), "project": D("5")})],
        }
    )
    c = Completion(filing)
    assert c.computed("ie.income.1.total") == D("90")  # its formula; the 100 typed stays and is checked
    assert c.shown("ie.income.1.total") == D("100")
    assert c.computed("ie.spending.1.year_balance") == D("100") - D("10") - D("70") - D("5")
    assert c.computed("ie.income.summary.total") == D("100")
    assert assert_same_as_derivations(c)


def test_another_tables_term_is_the_same_institution_by_name_not_by_position():
    filing = filing_of(
        {
            "income": [
                ("本级", {"carryover": D("1"), "fiscal": D("100")}),
                ("驻京办", {"carryover": D("2"), "fiscal": D("200")}),
            ],
            "spending": [
                ("驻京办", {"personnel": D("150"), "project": D("20")}),
                ("本级", {"personnel": D("60"), "project": D("30")}),
                ("新机构", {"personnel": D("5")}),  # in no other table: its income terms are left out
            ],
        }
    )
    c = Completion(filing)
    assert c.computed("ie.spending.1.year_balance") == D("202") - D("2") - D("150") - D("20")
    assert c.computed("ie.spending.2.year_balance") == D("101") - D("1") - D("60") - D("30")
    assert c.computed("ie.spending.3.year_balance") == D("-5")
    assert [k for k, _ in c.results["ie.spending.3.year_balance"].inputs] == [
        "ie.spending.3.basic",
        "ie.spending.3.project",
    ]
    assert c.computed("ie.spending.summary.year_balance") == D("30") + D("10") - D("5")
    assert c.tables.checks["spending"]["year_balance"] == D("303") - D("3") - D("215") - D("50")
    assert assert_same_as_derivations(c)


def test_sums_are_exact_decimals_never_floats():
    filing = filing_of(
        {
            "sangong": [
                ("本级", {"reception": D("0.1"), "car_running": D("0.2")}),
                ("二级机构", {"reception": D("12345678901234.56"), "abroad": D("0.01")}),
            ]
        }
    )
    c = Completion(filing)
    assert c.computed("ie.sangong.1.total") == D("0.3") and str(c.computed("ie.sangong.1.total")) == "0.3"
    assert c.computed("ie.sangong.2.total") == D("12345678901234.57")
    assert c.computed("ie.sangong.summary.total") == D("12345678901234.87")
    assert all(type(c.computed(k)) is Decimal for k in ("ie.sangong.1.total", "ie.sangong.summary.reception"))


def test_a_term_in_a_table_the_sheet_does_not_have_is_left_out():
    c = Completion(filing_of({"spending": [("本级", {"personnel": D("50"), "project": D("5")})]}, summary=False))
    assert c.tables is not None and c.tables.shown["income"].empty
    assert c.computed("ie.spending.1.year_balance") == D("-55")  # no 收入合计 to start from
    assert assert_same_as_derivations(c)


def test_a_table_without_a_summary_row_or_institutions():
    c = Completion(filing_of({"assets": [("本级", {"in_use": D("3")})]}, summary=False))
    assert c.computed("ie.assets.1.total") == D("3")
    assert not any(d.kind == "column_sum" for d in c.filing.derivations)
    empty = Completion(filing_of({}))  # only the 汇总 rows, no 机构
    assert empty.computed("ie.income.summary.total") is None
    assert empty.results["ie.income.summary.total"].note == "各机构均为空"


# ---- pandas only where it is needed ------------------------------------------------------------
PROBE = r"""
import json, sys
from perf_xlsx import cli
sys.argv = ["perfxlsx", *sys.argv[1:]]
code = None
try:
    cli.main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"exit": code, "pandas": "pandas" in sys.modules}))
"""


def loads_pandas(*args: str) -> bool:
    """Run the command line in a fresh interpreter; did it import pandas?"""
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, encoding="utf-8")
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["exit"] == 0, result.stderr
    return seen["pandas"]


def test_help_template_and_a_workbook_without_income_sheet_do_not_import_pandas(tmp_path):
    without = messy.build_missing_sheet(tmp_path / "无收支情况.xlsx")
    assert not loads_pandas("--help")
    assert not loads_pandas("template", "-o", str(tmp_path / "空白表.xlsx"))
    assert not loads_pandas("check", str(without))
    assert loads_pandas("check", str(SAMPLE))  # the sample has 收支情况: its tables are DataFrames
