"""What was read where (读取明细), for `perfxlsx inspect`: per sheet, the form it was read as, and per
field its cell, the raw text and the value, and what was expected but not found.

This lets a clerk see why a number was not picked up: a label spelt otherwise, a value in the wrong
cell, a sheet not taken for a form at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import keys
from .model import Filing, SheetForm, Slot
from .report import sheet_json, sheet_line


@dataclass
class FieldRead:
    """One field as read (字段读取结果)."""

    key: str
    label: str
    sheet: str | None
    cell: str | None
    raw: str | None
    value: str | None
    status: str  # 已读取 / 空白 / 未找到 / 无法识别

    def as_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Inspection:
    """A workbook's sheets and fields as read (读取明细)."""

    file: Path
    sheets: list[SheetForm]
    fields: dict[str, list[FieldRead]] = field(default_factory=dict)  # by sheet

    def as_json(self) -> dict:
        return {
            "file": self.file.name,
            "sheets": [
                {
                    **sheet_json(s),
                    "missing_labels": s.missing,
                    "fields": [f.as_json() for f in self.fields.get(s.sheet, [])],
                }
                for s in self.sheets
            ],
        }

    def lines(self) -> list[str]:
        out = [f"{self.file.name}："]
        for sheet in self.sheets:
            out.append("  " + sheet_line(sheet))
            if not sheet.recognised:
                if sheet.family_name:
                    out.append(f"    最接近{sheet.family_name}表样，缺少：{'、'.join(sheet.missing[:12]) or '（无）'}")
                continue
            for f in self.fields.get(sheet.sheet, []):
                where = f.cell or "—"
                value = f.value if f.value is not None else "（无法识别）"
                shown = "" if f.raw is None else f"  原文“{_short(f.raw)}” → {_short(value)}"
                out.append(f"    {where:>6}  {f.label}：{f.status}{shown}")
            if sheet.missing:
                out.append(f"    表样中有而本表未找到的标签：{'、'.join(sheet.missing)}")
        return out


def _short(text: str, most: int = 40) -> str:
    """Long text (职能职责、实际完成情况) cut for the terminal; --json has it whole."""
    return text if len(text) <= most else text[:most] + "……"


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _status(slot: Slot) -> str:
    if not slot.found:
        return "未找到"
    if slot.error:
        return f"无法识别（{slot.error}）"
    if slot.stated:
        return "已读取"
    return "空白"


def inspect_filing(filing: Filing) -> Inspection:
    """Every field of every recognised sheet, grouped by sheet, in reading order."""
    result = Inspection(file=filing.path, sheets=list(filing.forms))
    by_prefix = {s.prefix: s.sheet for s in filing.forms if s.recognised}
    derived = {d.target for d in filing.derivations}
    for key, slot in filing.slots.items():
        sheet = by_prefix.get(keys.prefix(key))
        if sheet is None:
            continue
        raw = slot.raw if slot.found else None
        status = _status(slot)
        if status == "空白" and key in derived:
            status = "空白（计算项，由 perfxlsx 计算）"
        result.fields.setdefault(sheet, []).append(
            FieldRead(key, slot.label, slot.sheet, slot.cell, _text(raw), _text(slot.value), status)
        )
    return result
