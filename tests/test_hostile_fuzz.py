"""Fuzzing the sample (模糊测试): whatever is done to its cells or its bytes, `api.fill` either succeeds
or raises PerfXlsxError (one Chinese message) — never another exception, never a hang.

The example budgets are fixed and the runs derandomized, so each test takes well under a minute and
fails the same way every time; raise FUZZ_EXAMPLES to search longer locally.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

from perf_xlsx import api
from perf_xlsx.errors import PerfXlsxError
from tests.messy import SAMPLE

SAMPLE_BYTES = SAMPLE.read_bytes()
SCALE = int(os.environ.get("FUZZ_EXAMPLES", "1"))
SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # no shrinking: bounded time
SLOW = 20.0  # seconds: one example taking longer than this counts as a hang


def outcome(path: Path) -> str:
    """'ok' or the error's kind; any other exception fails the test."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as out:
        try:
            api.fill(path, Path(out))
            result = "ok"
        except PerfXlsxError as exc:
            assert exc.describe().startswith("文件“"), exc.describe()
            result = exc.kind
        assert not [p for p in Path(out).rglob(".~perfxlsx-*")]
    assert time.monotonic() - start < SLOW
    return result


# ---- cells ------------------------------------------------------------------------------------------
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=4),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),
    TEXT,
    st.sampled_from(
        [
            "约100",
            "1.2亿",
            "100万元",
            "#DIV/0!",
            "#REF!",
            "—",
            "（15.66）",
            "86.99%",
            "１４６",
            " ",
            "=SUM(A1:F40)",
            "=1/0",
            "=B5*2+'收支情况'!C7",
            "=VLOOKUP(1,A:A,1)",
            "=ROUND(F7,2)",
            "=A1",
            "=SUM(A1:XFD1048576)",
            "=((((1))))",
            "=)(",
            "@SUM(1)",
            "+1",
            "-",
        ]
    ),
    TEXT.map(lambda t: "=" + t),
)
ROW, COL = st.integers(1, 45), st.integers(1, 12)
EDITS = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 6), ROW, COL, VALUES),
    st.tuples(st.just("delete_rows"), st.integers(0, 6), ROW, st.integers(1, 5)),
    st.tuples(st.just("insert_rows"), st.integers(0, 6), ROW, st.integers(1, 5)),
    st.tuples(st.just("delete_cols"), st.integers(0, 6), COL, st.integers(1, 2)),
    st.tuples(st.just("merge"), st.integers(0, 6), ROW, COL, st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("unmerge"), st.integers(0, 6), st.integers(0, 60)),
    st.tuples(
        st.just("rename"),
        st.integers(0, 6),
        st.text(st.characters(whitelist_categories=("Lo", "Nd", "Lu")), min_size=1, max_size=10),
    ),
    st.tuples(st.just("remove"), st.integers(0, 6)),
    st.tuples(st.just("hide_row"), st.integers(0, 6), ROW),
)


def edited(edits) -> bytes | None:
    """The sample with `edits` applied, saved; None when openpyxl itself cannot save the result."""
    wb = openpyxl.load_workbook(io.BytesIO(SAMPLE_BYTES))
    for edit in edits:
        sheets = wb.worksheets
        if not sheets:
            break
        ws = sheets[edit[1] % len(sheets)]
        kind = edit[0]
        try:
            if kind == "set":
                ws.cell(row=edit[2], column=edit[3]).value = edit[4]
            elif kind == "delete_rows":
                ws.delete_rows(edit[2], edit[3])
            elif kind == "insert_rows":
                ws.insert_rows(edit[2], edit[3])
            elif kind == "delete_cols":
                ws.delete_cols(edit[2], edit[3])
            elif kind == "merge":
                ws.merge_cells(
                    start_row=edit[2], start_column=edit[3], end_row=edit[2] + edit[4], end_column=edit[3] + edit[5]
                )
            elif kind == "unmerge":
                ranges = list(ws.merged_cells.ranges)
                if ranges:
                    ws.unmerge_cells(str(ranges[edit[2] % len(ranges)]))
            elif kind == "rename":
                ws.title = edit[2]
            elif kind == "remove" and len(sheets) > 1:
                wb.remove(ws)
            elif kind == "hide_row":
                ws.row_dimensions[edit[2]].hidden = True
        except (ValueError, TypeError, AttributeError, KeyError):  # openpyxl refusing the edit itself
            continue
    out = io.BytesIO()
    try:
        wb.save(out)
    except Exception:  # an edit openpyxl accepts but cannot write: not our input
        return None
    return out.getvalue()


@settings(max_examples=30 * SCALE, **SETTINGS)
@given(st.lists(EDITS, min_size=1, max_size=8))
@example([("set", 0, 1, 1, None), ("delete_rows", 1, 2, 2)])  # merges left behind: a finding inside one
@example([("unmerge", 5, 46), ("unmerge", 2, 52), ("delete_cols", 6, 6, 1), ("merge", 5, 1, 2, 2, 3)])  # overlapping
def test_cell_edits_never_crash(edits):
    data = edited(edits)
    assume(data is not None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "改过.xlsx"
        path.write_bytes(data)
        outcome(path)
        assert path.read_bytes() == data


# ---- bytes ------------------------------------------------------------------------------------------
N = len(SAMPLE_BYTES)
DAMAGE = st.one_of(
    st.tuples(st.just("truncate"), st.integers(0, N - 1)),
    st.tuples(
        st.just("flip"), st.lists(st.tuples(st.integers(0, N - 1), st.integers(1, 255)), min_size=1, max_size=30)
    ),
    st.tuples(st.just("zero"), st.integers(0, N - 1), st.integers(1, 2048)),
    st.tuples(
        st.just("tail"),
        st.lists(st.tuples(st.integers(max(0, N - 2048), N - 1), st.integers(1, 255)), min_size=1, max_size=8),
    ),  # the zip directory
)


def damaged(damage) -> bytes:
    data = bytearray(SAMPLE_BYTES)
    kind = damage[0]
    if kind == "truncate":
        return bytes(data[: damage[1]])
    if kind == "zero":
        data[damage[1] : damage[1] + damage[2]] = bytes(len(data[damage[1] : damage[1] + damage[2]]))
        return bytes(data)
    for pos, mask in damage[1]:
        data[pos] ^= mask
    return bytes(data)


@settings(max_examples=80 * SCALE, **SETTINGS)
@given(DAMAGE)
def test_damaged_bytes_never_crash(damage):
    data = damaged(damage)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "坏了.xlsx"
        path.write_bytes(data)
        result = outcome(path)
        assert path.read_bytes() == data
        if damage[0] == "truncate":
            assert result in ("wrong-type", "damaged")


@pytest.mark.parametrize("cut", [0, 1, 2, 4, 22, 100, N // 3, N - 23, N - 22, N - 1])
def test_every_truncation_is_refused_as_damaged(cut, tmp_path):
    path = tmp_path / "截断.xlsx"
    path.write_bytes(SAMPLE_BYTES[:cut])
    assert outcome(path) in ("wrong-type", "damaged")
