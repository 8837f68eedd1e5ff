"""单元格公式 in a real spreadsheet: every formula perfxlsx would give a filled cell, recalculated by
LibreOffice, shows what perfxlsx computed — rates to 0.01%, scores and amounts to 0.01, grades as words.

Each workbook is completed as `fill` completes it (values written by fill_cells), then each live cell's
formula is typed over its value with openpyxl (so no cached value), and LibreOffice opens all of them
once, with a profile that recalculates every formula on load, and saves them again; their cached values
are then LibreOffice's results. The workbooks: the sample as filed; the sample, the family fixtures and
some messy copies with their derived cells cleared (every kind filled); the sample's 总分 under a scheme
with caps; and the synthetic filing over a 万元 and a 元 sheet (cross-sheet, unit factor, merged input).

Skipped with a reason when LibreOffice is absent; CI sets PERFXLSX_REQUIRE_LIBREOFFICE=1 and installs
it, which turns the skip into a failure (as tests/test_libreoffice.py).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from perf_xlsx import api
from perf_xlsx.derive import Completion, Result
from perf_xlsx.excel_formulas import FORMULA_KINDS, LiveCell, live_cells
from perf_xlsx.writing import fill_cells
from tests import families, live, lo, messy
from tests.golden import SAMPLE

lo.require(pdftotext=False)

#: Family fixtures with no form perfxlsx fills (a report's cover, unrelated tables) are left out.
FAMILIES = [name for name in families.BUILDERS if name not in ("r_report", "unrelated_tables")]
MESSY = ["yuan_form", "yuan_basic", "text_numbers", "empty_markers", "float_noise", "inserted_column"]
CENT = Decimal("0.01")


def _evaluated(path: Path, scheme: str | None = None) -> tuple[object, Completion]:
    ev = api.evaluate(path, scheme)
    return ev.workbook, ev.completion


def _cases() -> dict[str, Callable[[Path], tuple[object, Completion]]]:
    cases: dict[str, Callable[[Path], tuple[object, Completion]]] = {
        "sample": lambda d: _evaluated(SAMPLE),
        "sample_blank": lambda d: _evaluated(live.blanked(SAMPLE, d / "sample_blank.xlsx")),
        "sample_capped": lambda d: _evaluated(
            live.blanked(SAMPLE, d / "sample_capped.xlsx", {"dept.closing.total", "dept.closing.grade"}), "local_caps"
        ),
        "synthetic": lambda d: live.synthetic(d),
    }
    for name in FAMILIES:
        cases[name] = lambda d, n=name: _evaluated(live.blanked(families.BUILDERS[n](d), d / f"{n}_blank.xlsx"))
    for name in MESSY:
        cases[name] = lambda d, n=name: _evaluated(
            live.blanked(messy.BUILDERS[n](d / f"{n}.xlsx"), d / f"{n}_blank.xlsx")
        )
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> dict[str, tuple[Completion, list[Result], list[LiveCell], object]]:
    """Each case: its completion, the results filled, the live cells and LibreOffice's recalculated workbook."""
    made = tmp_path_factory.mktemp("made")
    typed = tmp_path_factory.mktemp("typed")
    done: dict[str, tuple[Completion, list[Result], list[LiveCell], Path]] = {}
    for name, build in CASES.items():
        folder = made / name
        folder.mkdir()
        workbook, completion = build(folder)
        filled = fill_cells(workbook, completion)
        cells = live_cells(workbook, completion, filled)
        done[name] = (completion, filled, cells, live.with_formulas(workbook, cells, typed / f"{name}.xlsx"))
    outputs = lo.recalculated([path for *_, path in done.values()], tmp_path_factory.mktemp("recalculated"))
    return {
        name: (completion, filled, cells, openpyxl.load_workbook(out, data_only=True))
        for (name, (completion, filled, cells, _)), out in zip(done.items(), outputs)
    }


def shown(value, type_: str) -> str:
    """A value as the form displays it: a rate in percent to 0.01, a score or an amount (in its sheet's
    unit) to 0.01, text as it is."""
    if not isinstance(value, (int, float, Decimal)) or isinstance(value, bool):
        return str(value)
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if type_ == "rate":
        number *= 100
    return str(number.quantize(CENT, ROUND_HALF_UP))


def with_results(completion: Completion, filled: list[Result], cells: list[LiveCell]):
    """Each live cell with the result it was made for."""
    slots = completion.filing.slots
    at = {
        (slots[r.key].sheet, completion.filing.anchor(slots[r.key].sheet, slots[r.key].cell or "")): r for r in filled
    }
    return [(cell, at[(cell.sheet, cell.cell)]) for cell in cells]


@pytest.mark.parametrize("case", list(CASES))
def test_libreoffice_shows_what_perfxlsx_computed(recalculated, case):
    completion, filled, cells, book = recalculated[case]
    wrong = []
    for cell, result in with_results(completion, filled, cells):
        slot = completion.filing.slots[result.key]
        expected = result.value / slot.scale if slot.type == "amount" else result.value
        got = book[cell.sheet][cell.cell].value
        assert shown(cell.cached_value, slot.type) == shown(expected, slot.type)  # the cached value too
        if shown(got, slot.type) != shown(expected, slot.type):
            wrong.append(f"{cell.sheet}!{cell.cell} ={cell.formula}: LibreOffice {got!r}, perfxlsx {expected}")
    assert not wrong, "\n".join(wrong)


def test_every_kind_with_a_formula_was_recalculated(recalculated):
    kinds = {
        result.derivation.kind
        for completion, filled, cells, _ in recalculated.values()
        for _, result in with_results(completion, filled, cells)
    }
    assert kinds == set(FORMULA_KINDS)


def test_the_capped_total_is_capped_in_libreoffice(recalculated):
    completion, _, _, book = recalculated["sample_capped"]
    assert completion.results["dept.closing.total"].value == 94  # 95.00 typed above, 执行率 87.57%
    assert book["整体支出绩效自评表"]["G21"].value == 94
    assert book["整体支出绩效自评表"]["F22"].value == "优"
