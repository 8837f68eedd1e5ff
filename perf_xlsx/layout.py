"""Prescribed layouts (表样): the four sheet kinds, loaded from workbook_templates/*.toml.

The TOML files are the single description of each form: labels and their variants, which cells
are inputs (填报) and which are derived (计算), field types and decimals. The reader finds fields by
these labels; the template writer draws the blank forms from them. Nothing here knows a cell address.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources

from . import keys

#: The sheet kinds in the order a workbook holds them; every family's layouts are of these kinds.
KINDS = ("basic", "income_expenditure", "department_form", "project_form", "report_cover", "report_overview")
#: The kinds in words (表的种类), for messages and reports.
KIND_NAMES = {
    "basic": "基础数据表",
    "income_expenditure": "收支情况",
    "department_form": "部门整体支出绩效自评表",
    "project_form": "项目支出绩效自评表",
    "report_cover": "自评报告封面",
    "report_overview": "部门（单位）基本概况表",
}
_FILES = {
    "basic": "basic_data.toml",
    "income_expenditure": "income_expenditure.toml",
    "department_form": "department_form.toml",
    "project_form": "project_form.toml",
}

#: Number formats the writer gives a filled cell.
NUMBER_FORMATS = {"amount": "#,##0.00", "area": "#,##0.00", "rate": "0.00%", "score": "0.00", "count": "0"}
#: One 元 is this many 万元.
YUAN = Decimal("0.0001")


@dataclass(frozen=True)
class Field:
    """One labelled field (字段): a cell the clerk types (input) or perfxlsx computes (derived)."""

    id: str
    labels: tuple[str, ...]
    kind: str = "input"
    type: str = "amount"
    sum: tuple[str, ...] = ()
    ratio: tuple[str, ...] = ()
    budget_score: tuple[str, ...] = ()
    sum_of_group: str = ""
    figure: str = ""
    template: str = ""
    group: str = ""
    subgroup: str = ""
    span: int = 1
    spans: tuple[int, ...] = ()
    same_row: bool = False
    weight: str = ""
    blank_cells: tuple[str, ...] = ()
    optional: bool = False  # a column some forms of the family do not print: not reported when absent
    points: str = ""  # "title": the value is the points printed in the section's title (`（20分）`)
    default: str = ""  # the value when the form does not print it (e.g. the points of a block)
    print_label: str = ""  # the label the template prints, when not the first of `labels` ({level}, {year} filled in)
    cells: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def label(self) -> str:
        """The label the template prints (`print_label`, else the first of `labels`)."""
        return self.print_label or self.labels[0]

    @property
    def derived(self) -> bool:
        return self.kind == "derived"

    @classmethod
    def from_data(cls, data: dict, **defaults) -> Field:
        merged = {**defaults, **data}
        for name in ("labels", "sum", "ratio", "budget_score", "spans", "blank_cells"):
            if name in merged:
                merged[name] = tuple(merged[name])
        return cls(**merged)


@dataclass(frozen=True)
class SheetLayout:
    """One sheet kind (表样): its title, print setup and sections, as the TOML file gives them."""

    kind: str
    sheet_name: str
    title: str
    title_keys: tuple[str, ...]
    orientation: str
    column_widths: tuple[int, ...]
    sections: tuple[dict, ...]
    raw: dict = field(hash=False, compare=False, repr=False)

    @property
    def columns(self) -> int:
        return len(self.column_widths)

    def section(self, section_id: str) -> dict:
        for section in self.sections:
            if section["id"] == section_id:
                return section
        raise KeyError(section_id)

    def get(self, key: str, default=None):
        return self.raw.get(key, default)


def _fields(items, **defaults) -> tuple[Field, ...]:
    return tuple(Field.from_data(item, **defaults) for item in items)


def _prepare_section(section: dict) -> dict:
    """Turn a section's field dicts into Field objects (sections keep their other keys as given)."""
    out = dict(section)
    if "fields" in out:
        out["fields"] = _fields(out["fields"])
    if "rows" in out:
        out["rows"] = _fields(out["rows"])
    if "columns" in out:
        out["columns"] = _fields(out["columns"])
    if "lists" in out:
        out["lists"] = tuple(
            {"id": lst["id"], "total": Field.from_data(lst["total"]), "items": _fields(lst["items"])}
            for lst in out["lists"]
        )
    for key in ("total", "grade"):
        if key in out:
            out[key] = Field.from_data(out[key])
    return out


@cache
def load_layout(kind: str) -> SheetLayout:
    """Load one sheet kind's default (Hunan / national) layout from workbook_templates/."""
    return layout_from_text(resources.files("perf_xlsx.workbook_templates").joinpath(_FILES[kind]).read_text("utf-8"))


def layout_from_text(text: str, source: str = "") -> SheetLayout:
    """A layout (表样) from the text of its TOML file; `source` names the file in error messages."""
    data = tomllib.loads(text)
    if "tables" in data:  # 收支情况: its four tables are its sections
        data["sections"] = [{**table, "type": "institution_table"} for table in data["tables"]]
    if data.get("kind") not in KINDS:
        raise ValueError(f"{source}: kind 应为 {'、'.join(KINDS)} 之一")
    return SheetLayout(
        kind=data["kind"],
        sheet_name=data.get("sheet_name", data["title"]),
        title=data["title"],
        title_keys=tuple(data["title_keys"]),
        orientation=data.get("orientation", "portrait"),
        column_widths=tuple(data.get("column_widths", ())),
        sections=tuple(_prepare_section(s) for s in data["sections"]),
        raw=data,
    )


@cache
def common() -> dict:
    """Labels all sheet kinds share (workbook_templates/common.toml)."""
    return tomllib.loads(resources.files("perf_xlsx.workbook_templates").joinpath("common.toml").read_text("utf-8"))


def all_layouts() -> dict[str, SheetLayout]:
    return {kind: load_layout(kind) for kind in KINDS}


def expand(label: str, year: int | None) -> str:
    """Fill {year}/{prev_year} placeholders of a label; without a year they match any year (“{year}” kept)."""
    if year is None:
        return label
    return label.replace("{prev_year}", str(year - 1)).replace("{year}", str(year))


def describe_key(key: str) -> str:
    """A field key in words (字段名称), for messages about a field the workbook does not have:
    `ie.sangong.summary.total` → `收支情况·三公经费（万元）汇总行·三公经费合计`."""
    parts = keys.split(key)
    kinds = {"basic": "basic", "ie": "income_expenditure", "dept": "department_form"}
    kind = kinds.get(parts[0], "project_form" if keys.project_number(parts[0]) else None)
    if kind is None or len(parts) < 2:
        return key
    layout = load_layout(kind)
    words = [layout.sheet_name.format(n=keys.project_number(parts[0]))]
    try:
        section = layout.section(parts[1])
    except KeyError:
        return "·".join(words + parts[1:])
    fields = {f.id: f for name in ("fields", "rows", "columns") for f in section.get(name, ())}
    if section["type"] == "institution_table":
        words.append(section["title"] + ("汇总行" if parts[2] == "summary" else f"第{parts[2]}个机构"))
        rest = parts[3:]
    else:
        words.append(section.get("title", ""))
        rest = parts[2:]
    words += [next((v for v in fields[p].labels if "{" not in v), fields[p].label) if p in fields else p for p in rest]
    return "·".join(w for w in words if w)
