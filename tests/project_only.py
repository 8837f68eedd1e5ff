"""Workbooks holding only a national 项目支出绩效自评表 (the file a department most often receives), and edits of
any workbook by field key. Built from the realistic sample's first project sheet; the reader says which cell a
key is, so no cell address is written in the tests."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl

from perf_xlsx import api
from samples.synthetic import SAMPLE


def national_project(path: Path, fiscal_label: str = "其中：本年财政拨款", changes: dict | None = None) -> Path:
    """A workbook of the sample's 项目1 alone, its first funding row labelled `fiscal_label` (the national form
    says 本年 where Hunan's says 当年), then the fields at `changes` set (see edit)."""
    wb = openpyxl.load_workbook(SAMPLE)
    for name in wb.sheetnames[:]:
        if name != "项目1":
            del wb[name]
    ws = wb["项目1"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "其中：当年财政拨款")
    cell.value = fiscal_label
    wb.save(path)
    return edit(path, path, changes or {})


def edit(source: Path, target: Path, changes: dict) -> Path:
    """A copy of `source` at `target` with the fields at `changes` set by key (Decimal → number, "" → blank);
    a key `label:<sheet>:<text>` sets the cell holding that label."""
    slots = api.evaluate(source).filing.slots if changes else {}
    wb = openpyxl.load_workbook(source)
    for key, value in changes.items():
        if key.startswith("label:"):
            _, sheet, text = key.split(":", 2)
            cell = next(c for row in wb[sheet].iter_rows() for c in row if c.value == text)
            address = cell.coordinate
        else:
            sheet, address = slots[key].sheet, slots[key].cell
        wb[sheet][address] = float(value) if isinstance(value, Decimal) else (None if value == "" else value)
    wb.save(target)
    return target


def cell_of(path: Path, key: str) -> tuple[str, str]:
    """The sheet and cell of a field key in a workbook."""
    slot = api.evaluate(path).filing.slots[key]
    return slot.sheet, slot.cell
