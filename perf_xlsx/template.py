"""The blank workbook a finance bureau issues (空白基础数据表), drawn from workbook_templates/.

Every label, span, width and section order comes from the layout files; this module only knows how
to draw each section type. Optional content (institution names, indicator rows, project names) lets
the same drawing produce a pre-filled workbook, as the sample builder does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .added_sheet import FONT
from .errors import PerfXlsxError
from .layout import NUMBER_FORMATS, Field, SheetLayout, common, expand, load_layout
from .printing import apply as apply_plan
from .printing import plan as print_plan
from .scoring import DEFAULT_SCHEME, scheme_weights, total_weight
from .text_layout import LINE_PT, ROW_PADDING_PT, wrapped_lines

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
#: Pinned document times, so the same content gives the same bytes.
PINNED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
#: A scheme weight in a layout's template text: `{weight:预算执行}` (one part), `{weight:total}` (Σ of all).
_WEIGHT = re.compile(r"\{weight:([^{}]+)\}")


@dataclass
class Content:
    """What to pre-fill (预填内容): all optional; a blank template leaves them empty."""

    year: int = 2022
    unit: str = ""
    institutions: list[str] = dataclasses.field(default_factory=list)
    department_indicators: list[dict] = dataclasses.field(default_factory=list)
    department_goals: dict[str, str] = dataclasses.field(default_factory=dict)  # 年度总体目标: expected, achieved
    level: str | None = None  # 预算级次 printed in labels (州级预算部门名称); None: read from the unit's name
    projects: list[dict] = dataclasses.field(default_factory=list)
    special_funds: list[str] = dataclasses.field(default_factory=list)


def unit_level(unit: str) -> str:
    """The level (州级, 市级, 县级 …) a unit's name says, "" when it says none (某某局): the template then
    prints the plain label (预算部门名称) rather than a level the unit is not."""
    levels = common()["levels"]  # workbook_templates/common.toml [levels]
    name = unit
    for word in common()["not_levels"]:
        name = name.replace(word, "·" * len(word))
    found = [(name.rfind(word), level) for word, level in levels.items() if word in name]
    return max(found)[1] if found else ""


class Painter:
    """Draws cells row by row on one worksheet; `row` is the next free row. The weights it prints (分值,
    总分) are those of the scoring scheme `scheme`."""

    def __init__(self, ws, layout: SheetLayout, content: Content, scheme: str = DEFAULT_SCHEME):
        self.ws, self.layout, self.content, self.scheme = ws, layout, content, scheme
        self.row = 1
        self.blocks: list[tuple[int, int]] = []  # row ranges a page must not split (a table with its header)
        self.title_rows = 1  # rows repeated at the top of every printed page
        printing = layout.get("print") or {}
        self.font_size = float(printing.get("font_size", 10))
        self.row_h = float(printing.get("row_height", 22))  # the least height of a row; wrapped text grows it
        for i, width in enumerate(layout.column_widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width

    def fmt(self, text: str) -> str:
        """A layout text with {year}, {unit} and {level} (the unit's level: 州级, 县级 …; none when unknown)."""
        level = self.content.level if self.content.level is not None else unit_level(self.content.unit)
        return expand(text, self.content.year).replace("{unit}", self.content.unit).replace("{level}", level)

    def weight(self, part: str) -> Decimal:
        """The scheme's weight of a part (`{weight:预算执行}`), or Σ of its weights (`{weight:total}`)."""
        if part == "total":
            return total_weight(self.scheme)
        weights = scheme_weights(self.scheme)
        if part not in weights:
            raise PerfXlsxError(
                f"表样“{self.layout.title}”要打印“{part}”的分值，评分方案“{self.scheme}”中没有这一部分"
                f"（[weights] 有：{'、'.join(weights)}）"
            )
        return weights[part]

    def template_value(self, text: str) -> int | float | str:
        """A layout's template text as the cell gets it: a lone `{weight:…}` as a number, digits as a number."""
        whole = _WEIGHT.fullmatch(text)
        if whole:
            return _cell_number(self.weight(whole.group(1)))
        value = _WEIGHT.sub(lambda m: f"{self.weight(m.group(1)).normalize():f}", self.fmt(text))
        return int(value) if value.isdigit() else value

    def put(self, col: int, text, span: int = 1, style: str = "cell", rows: int = 1, number_format: str | None = None):
        """Write one (merged) cell at the current row and return its column after the span."""
        ws = self.ws
        cell = ws.cell(row=self.row, column=col, value=self.fmt(text) if isinstance(text, str) else text)
        if span > 1 or rows > 1:
            ws.merge_cells(start_row=self.row, start_column=col, end_row=self.row + rows - 1, end_column=col + span - 1)
        bold = style in ("title", "header", "section")
        size = {"title": 16, "subtitle": 11}.get(style, self.font_size)
        cell.font = Font(name=FONT, size=size, bold=bold)
        horizontal = {
            "title": "center",
            "subtitle": "center",
            "header": "center",
            "section": "left",
            "note": "left",
            "note_right": "right",
            "value": "right",
            "text": "left",
        }.get(style, "center")
        vertical = "top" if style == "text" else "center"
        cell.alignment = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True)
        if style in ("header", "section", "cell", "value", "derived", "text", "label"):
            for r in range(self.row, self.row + rows):
                for c in range(col, col + span):
                    ws.cell(row=r, column=c).border = BORDER
        if style in ("header", "section"):
            cell.fill = HEADER_FILL
        if style == "derived":  # no fill: the official forms print plain; the footnote says what is computed
            cell.alignment = Alignment(horizontal="right", vertical="center")
        if number_format:
            cell.number_format = number_format
        return col + span

    def value_cell(self, col: int, field: Field, span: int = 1, type_: str | None = None, rows: int = 1, value=None):
        type_ = type_ or field.type
        style = "derived" if field.derived else ("text" if type_ in ("text", "grade") else "value")
        if value is None and field.template:
            value = self.template_value(field.template)
        return self.put(col, value, span, style, rows, NUMBER_FORMATS.get(type_))

    def next(self, height: float | None = None, rows: int = 1) -> None:
        if height:
            for r in range(self.row, self.row + rows):
                self.ws.row_dimensions[r].height = height
        self.row += rows

    # ---- frame ---------------------------------------------------------------------------------
    def heading(self) -> None:
        width = self.layout.columns
        self.put(1, self.layout.title, width, "title")
        self.next(26)
        if self.layout.get("subtitle"):
            note = self.layout.get("unit_note") and not self.layout.get("unit_line")
            self.put(1, self.layout.get("subtitle"), width - 2 if note else width, "subtitle")
            if note:  # the sheet's unit, which a clerk may change to 单位：元
                self.put(width - 1, "单位：万元", 2, "note_right")
            self.next(self.row_h)
        if self.layout.get("unit_line"):
            self.put(1, self.layout.get("unit_line"), width - 2, "note")
            self.put(width - 1, "单位：万元", 2, "note_right")
            self.next(self.row_h)
        self.title_rows = self.row - 1

    def signature(self) -> None:
        """The signature, date and stamp lines of the form (填表人、联系电话、填报日期、单位负责人（签字）、单位
        （盖章）), from the layout's `[print] signature`: rows of labels, each row spread across the width
        in equal shares of it, every label followed by room to write."""
        rows = (self.layout.get("print") or {}).get("signature") or []
        widths = [w or 8.43 for w in self.layout.column_widths]
        for labels in rows:
            share, col, used = sum(widths) / len(labels), 1, 0.0
            for i, label in enumerate(labels):
                last = col
                while last < len(widths) and used + widths[last - 1] < share * (i + 1) - widths[last] / 2:
                    used += widths[last - 1]
                    last += 1
                if i == len(labels) - 1:
                    last = len(widths)
                used += widths[last - 1]
                self.put(col, label, last - col + 1, "note")
                col = last + 1
            self.next(self.row_h * 1.25)

    def finish(self) -> None:
        """Signature lines, footnote, row heights, and the A4 print plan (printing.py): one page where the
        layout asks for it and the text stays legible, else breaks between blocks; page numbers."""
        start = self.row
        self.signature()
        if self.layout.get("footer"):
            self.put(1, self.layout.get("footer"), self.layout.columns, "note")
            self.next(self.row_h)
        if self.row > start:
            self.blocks.append((start, self.row - 1))
        ws = self.ws
        fit_row_heights(ws)
        printing = self.layout.get("print") or {}
        plan = print_plan(
            ws,
            self.layout.columns,
            self.row - 1,
            self.layout.orientation,
            self.blocks,
            self.title_rows,
            self.font_size,
            one_page=bool(printing.get("one_page")),
        )
        apply_plan(ws, self.layout.orientation, self.layout.columns, self.row - 1, self.title_rows, plan)

    # ---- section types -------------------------------------------------------------------------
    def section_title(self, section: dict) -> None:
        self.put(1, section["title"], self.layout.columns, "section")
        self.next(self.row_h)

    def draw_header_values(self, section: dict) -> None:
        self.section_title(section)
        spans = section["spans"]
        col = 1
        for field, span in zip(section["fields"], spans):
            col = self.put(col, field.label, span, "header")
        self.next(self.row_h)
        col = 1
        for field, span in zip(section["fields"], spans):
            col = self.value_cell(col, field, span)
        self.next(self.row_h)

    def draw_text(self, section: dict) -> None:
        span = section.get("label_span", 1)
        self.put(1, section["title"], span, "header")
        self.put(1 + span, None, self.layout.columns - span, "text")
        self.next(60)

    def draw_key_values(self, section: dict) -> None:
        col = 1
        for field in section["fields"]:
            spans = field.spans or tuple(section["spans"])
            if not field.same_row and col > 1:
                self.next(self.row_h)
                col = 1
            col = self.put(col, field.label, spans[0], "header")
            value = self.content_value(field)
            col = self.value_cell(col, field, spans[1], value=value)
        self.next(self.row_h)

    def content_value(self, field: Field):
        return None

    def draw_matrix(self, section: dict) -> None:
        label_span = section.get("label_span", 1)
        col = self.put(1, section["title"], label_span, "header")
        for column in section["columns"]:
            col = self.put(col, column.label, column.span, "header")
        self.next(self.row_h)
        groups = {g["after"]: g for g in section.get("groups", [])}
        for row in section["rows"]:
            self.matrix_row(section, row, label_span)
            group = groups.get(row.id)
            if group:
                names = self.content.special_funds or [""] * len(group["template_rows"])
                for i, name in enumerate(names):
                    fund = Field(id=f"fund{i}", labels=(f"（{i + 1}）{name}",))
                    self.matrix_row(section, fund, label_span, indent=True)

    def matrix_row(self, section: dict, row: Field, label_span: int, indent: bool = False) -> None:
        label = ("    " if indent else "") + row.label
        col = self.put(1, label, label_span, "label")
        self.ws.cell(row=self.row, column=1).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        for column in section["columns"]:
            spec = row.cells.get(column.id)
            if column.id in row.blank_cells:
                col = self.put(col, "—", column.span, "cell")
            elif spec is not None:
                cell_field = Field(
                    id=column.id,
                    labels=(column.label,),
                    kind=spec.get("kind", "input"),
                    type=column.type,
                    template=spec.get("template", ""),
                )
                col = self.value_cell(col, cell_field, column.span)
            elif column.type != "amount":
                col = self.put(col, None, column.span, "cell")
            else:
                col = self.value_cell(col, row, column.span, type_="amount")
        self.next(self.row_h)

    def draw_institution_table(self, section: dict) -> None:
        layout = self.layout
        self.put(1, section["title"], layout.columns, "section")
        self.next(self.row_h)
        columns = section["columns"]
        depth = 3 if any(c.subgroup for c in columns) else 2
        top = self.row
        self.put(1, layout.get("name_labels")[0], 1, "header", rows=depth)
        col = 2
        for i, column in enumerate(columns):
            c = col + i
            if not column.group:
                self.ws.cell(row=top, column=c)
                self.row = top
                self.put(c, column.label, 1, "header", rows=depth)
        # group headers (其中： / 结余) merged over their columns, subgroups one row lower
        for level, attr in ((0, "group"), (1, "subgroup")):
            runs = _runs([getattr(c, attr) for c in columns])
            for name, first, last in runs:
                if not name:
                    continue
                self.row = top + level
                self.put(col + first, name, last - first + 1, "header")
        for i, column in enumerate(columns):
            if column.group:
                level = 2 if column.subgroup else 1
                self.row = top + level
                self.put(col + i, column.label, 1, "header", rows=depth - level)
        self.row = top
        self.next(20, rows=depth)
        names = self.content.institutions or [self.fmt(n) for n in layout.get("template_rows")]
        for name in names:
            self.put(1, self.fmt(name), 1, "label")
            self.ws.cell(row=self.row, column=1).alignment = Alignment(
                horizontal="left", vertical="center", wrap_text=True
            )
            summary = any(k in name for k in layout.get("summary_keys"))
            for i, column in enumerate(columns):
                derived = summary or column.derived
                field = Field(id=column.id, labels=column.labels, kind="derived" if derived else "input")
                self.value_cell(col + i, field)
            self.next(self.row_h)
        self.next(8)

    def draw_breakdown(self, section: dict) -> None:
        """Two lists side by side; `spans` = (label, value) widths of the first list, then of the second."""
        spans = section["spans"]
        lists = section["lists"]
        length = max(len(lst["items"]) + 1 for lst in lists)
        for i in range(length):
            col = 1
            for n, lst in enumerate(lists):
                label_span, value_span = spans[2 * n], spans[2 * n + 1]
                fields = [lst["total"], *lst["items"]]
                if i < len(fields):
                    col = self.put(col, fields[i].label + "：", label_span, "label")
                    col = self.value_cell(col, fields[i], value_span, type_="amount")
                else:
                    col = self.put(col, None, label_span, "label")
                    col = self.put(col, None, value_span, "cell")
            self.next(self.row_h)

    def draw_goals(self, section: dict) -> None:
        spans = section["spans"]
        self.put(1, section["title"], spans[0], "header", rows=2)
        col = 1 + spans[0]
        for field, span in zip(section["fields"], spans[1:]):
            col = self.put(col, field.label, span, "header")
        self.next(self.row_h)
        col = 1 + spans[0]
        for field, span in zip(section["fields"], spans[1:]):
            col = self.put(col, self.goal_text(field), span, "text")
        self.next(self.row_h * 2)

    def goal_text(self, field: Field):
        return None

    def draw_indicators(self, section: dict) -> None:
        columns = section["columns"]
        first = 2 if section.get("side_label") else 1
        blocks = self.indicator_blocks(section)
        body = sum(len(b["rows"]) for b in blocks)
        top = self.row
        if first == 2:
            self.put(1, section["side_label"], 1, "header", rows=body + 1)
            self.row = top
        col = first
        for column in columns:
            col = self.put(col, column.label, column.span, "header")
        self.next(self.row_h)
        cols = {}
        col = first
        for column in columns:
            cols[column.id] = col
            col += column.span
        header_row = self.row - 1
        for n, block in enumerate(blocks):
            start = self.row  # a page may break between 一级指标 blocks; the header stays with the first
            self.blocks.append((header_row if n == 0 else start, start + len(block["rows"]) - 1))
            self.put(cols["level1"], block["level1"], 1, "label", rows=len(block["rows"]))
            for r, row in enumerate(block["rows"]):
                self.row = start + r
                same_above = r > 0 and block["rows"][r - 1].get("level2") == row.get("level2")
                if not same_above:
                    run = 1
                    while r + run < len(block["rows"]) and block["rows"][r + run].get("level2") == row.get("level2"):
                        run += 1
                    self.put(cols["level2"], row.get("level2", ""), 1, "label", rows=run)
                for cid in ("level3", "target", "actual", "reason"):
                    span = next(c.span for c in columns if c.id == cid)
                    self.put(cols[cid], row.get(cid), span, "text")
                if "weight" in block:  # one 分值/得分 for the whole block
                    if r == 0:
                        for cid in ("weight", "score"):
                            self.put(
                                cols[cid],
                                block.get(cid),
                                1,
                                "value",
                                rows=len(block["rows"]),
                                number_format=NUMBER_FORMATS["score"],
                            )
                else:
                    for cid in ("weight", "score"):
                        self.put(cols[cid], row.get(cid), 1, "value", number_format=NUMBER_FORMATS["score"])
                self.ws.row_dimensions[self.row].height = self.row_h
            self.row = start + len(block["rows"])
        self._indicator_cols = cols

    def indicator_blocks(self, section: dict) -> list[dict]:
        return [{"level1": b["level1"], "rows": [{"level2": l2} for l2 in b["level2"]]} for b in section["blocks"]]

    def draw_closing(self, section: dict) -> None:
        cols = self._indicator_cols
        total = section["total"]
        col = self.put(1, total.label, cols["weight"] - 1, "header")
        col = self.put(col, self.template_value(total.weight), 1, "value", number_format=NUMBER_FORMATS["score"])
        col = self.value_cell(col, total, 1, type_="score")
        self.put(col, None, self.layout.columns - col + 1, "cell")
        self.next(self.row_h)
        grade = section.get("grade")
        if grade:
            col = self.put(1, grade.label, cols["weight"] - 1, "header")
            self.value_cell(col, grade, self.layout.columns - col + 1, type_="grade")
            self.next(self.row_h)


def _cell_number(value: Decimal) -> int | float:
    """A weight as a cell holds it: 10 → 10, 12.5 → 12.5."""
    return int(value) if value == value.to_integral_value() else float(value)


def fit_row_heights(ws) -> None:
    """Make rows tall enough that wrapped text is not cut off when printed (自动行高).

    Excel, WPS and LibreOffice do not grow a row of a written file (nor a merged cell's rows) by
    themselves, so the lines a text needs in its (merged) width are counted and its rows given at least
    that height. A column w wide is w·7+5 pixels.
    """
    widths = {c: (ws.column_dimensions[get_column_letter(c)].width or 8.43) for c in range(1, ws.max_column + 1)}
    merged = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not (cell.alignment and cell.alignment.wrap_text):
                continue
            rng = merged.get((cell.row, cell.column))
            first_col, last_col = (rng.min_col, rng.max_col) if rng else (cell.column, cell.column)
            rows = (rng.max_row - rng.min_row + 1) if rng else 1
            px = sum(widths.get(c, 8.43) * 7 + 5 for c in range(first_col, last_col + 1))
            size = float(cell.font.sz or 10)
            lines = wrapped_lines(cell.value, px, size)
            needed = (lines * LINE_PT * size / 10 + ROW_PADDING_PT) / rows
            for r in range(cell.row, cell.row + rows):
                current = ws.row_dimensions[r].height or 15
                if needed > current:
                    ws.row_dimensions[r].height = round(needed, 1)


def _runs(names: list[str]) -> list[tuple[str, int, int]]:
    """Consecutive equal names as (name, first index, last index)."""
    runs: list = []
    for i, name in enumerate(names):
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1], i)
        else:
            runs.append((name, i, i))
    return runs


class FormPainter(Painter):
    """Painter for the two evaluation forms, pre-filling content where it is given."""

    def __init__(self, ws, layout, content, form: dict, scheme: str = DEFAULT_SCHEME):
        super().__init__(ws, layout, content, scheme)
        self.form = form

    def content_value(self, field: Field):
        return self.form.get(field.id)

    def goal_text(self, field: Field):
        return self.form.get(field.id)

    def indicator_blocks(self, section: dict) -> list[dict]:
        return self.form.get("indicators") or super().indicator_blocks(section)


def draw(ws, layout: SheetLayout, content: Content, form: dict | None = None, scheme: str = DEFAULT_SCHEME) -> None:
    """Draw one sheet of `layout` on `ws`, with the weights of the scoring scheme `scheme`."""
    painter = (
        FormPainter(ws, layout, content, form or {}, scheme)
        if layout.kind.endswith("_form")
        else Painter(ws, layout, content, scheme)
    )
    painter.heading()
    for section in layout.sections:
        start = painter.row
        getattr(painter, "draw_" + section["type"])(section)
        if section["type"] != "indicators":  # the indicator table records its own blocks
            painter.blocks.append((start, painter.row - 1))
    painter.finish()


def build(content: Content, project_count: int = 1, scheme: str = DEFAULT_SCHEME) -> Workbook:
    """The whole workbook: 基础数据表, 收支情况, 整体支出绩效自评表 and one 项目支出绩效自评表 per project; the
    分值 and 总分 it prints are the weights of the scoring scheme `scheme`."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the new workbook's empty default sheet
    for kind in ("basic", "income_expenditure", "department_form"):
        layout = load_layout(kind)
        form = (
            {"unit": content.unit, "indicators": content.department_indicators, **content.department_goals}
            if kind == "department_form"
            else None
        )
        draw(wb.create_sheet(layout.sheet_name), layout, content, form, scheme)
    projects = content.projects or [{} for _ in range(project_count)]
    project_layout = load_layout("project_form")
    for n, project in enumerate(projects, start=1):
        form = {"department": content.unit, **project}
        draw(wb.create_sheet(project_layout.sheet_name.format(n=n)), project_layout, content, form, scheme)
    wb.properties.creator = "perfxlsx"
    wb.properties.created = PINNED_TIME
    wb.properties.modified = PINNED_TIME
    return wb
