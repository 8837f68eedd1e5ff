"""Reading a workbook into a Filing (读取基础数据表): sheets by title, fields by label.

Every section type of workbook_templates/ has one reader here. A field that cannot be found is
recorded as a problem by name (never an exception); a value that cannot be read keeps its cell and
the reason.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from pathlib import Path

from . import keys, tables
from .detect import TITLE_ROWS, SheetMatch, identify
from .families import Family, families
from .grid import Grid, LabelMatcher, ref
from .labels import clean, label_key
from .layout import YUAN, Field, SheetLayout, common, expand
from .model import FINDINGS_SHEET, TITLES, WORK_SHEET, Filing, Indicator, Institution, SheetForm, Slot
from .numbers import CellIssue, NumberError, decimals_of, to_amount, to_decimal, to_int, to_percent, to_score
from .own_sheets import is_own_sheet

PREFIX = {
    "basic": "basic",
    "income_expenditure": "ie",
    "department_form": "dept",
    "report_cover": "cover",
    "report_overview": "overview",
}
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


# ---- sheets ------------------------------------------------------------------------------------
def find_year(grids: list[Grid]) -> int | None:
    """The evaluation year (年度) from the first title that names one."""
    for grid in grids:
        for (r, _c), value in sorted(grid.values.items()):
            if r > TITLE_ROWS:
                continue
            match = _YEAR.search(clean(value)) if isinstance(value, str) else None
            if match:
                return int(match.group(1))
    return None


def sheet_scale(grid: Grid) -> Decimal:
    """Unit of a sheet's amounts, in 万元: a `单位：元` note makes it 0.0001 (元 sheet)."""
    for (r, c), value in grid.values.items():
        if r > TITLE_ROWS + 2 or not isinstance(value, str):
            continue
        inline = grid.inline(r, c)
        if inline and inline[0] in common()["unit_note_labels"]:
            unit = clean(inline[1])
            if unit.startswith("元"):
                return YUAN
            if unit.startswith("万元"):
                return Decimal(1)
    return Decimal(1)


def format_decimals(number_format: str) -> int | None:
    """Decimals of the stored number a format shows (`#,##0.00` → 2, `0` → 0; `0.00%` → 4, as it shows
    0.8699 as 86.99%); None for General (shows what is stored)."""
    section = number_format.split(";")[0]
    if not re.search(r"[0#]", section) or section.lower() == "general":
        return None
    match = re.search(r"\.([0#]+)", section)
    return (len(match.group(1)) if match else 0) + (2 if "%" in section.replace("\\%", "") else 0)


def is_percent_format(number_format: str) -> bool:
    """A format that shows the stored number as a percentage (`0%`, `0.00%`): 0.93 shows as 93%."""
    section = re.sub(r'"[^"]*"|\\.', "", (number_format or "").split(";")[0])
    return "%" in section


# ---- values ------------------------------------------------------------------------------------
def cell_text(raw, number_format: str = "General") -> str | None:
    """A cell read as text, as the clerk sees it (文本): a number in a percent-formatted cell is the
    percentage shown (0.93 → "93%", every stored digit kept); a date cell is its date
    ("2023年11月30日", the time of day dropped); None for blank."""
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool) and is_percent_format(number_format):
        number = to_decimal(raw)
        if number is not None:
            return f"{number.scaleb(2).normalize():f}%"
    if isinstance(raw, _dt.date):  # a datetime too
        return f"{raw.year}年{raw.month}月{raw.day}日"
    text = str(raw).strip() if raw is not None else ""
    return text or None


def parse(raw, type_: str, scale: Decimal, number_format: str = "General"):
    """Cell content to a canonical value for a field type (money → 万元, rate → fraction, text as shown)."""
    if isinstance(raw, CellIssue):
        raise NumberError(raw.message, raw, raw.kind)
    if type_ in ("text", "grade"):
        return cell_text(raw, number_format)
    if type_ == "count":
        return to_int(raw)
    if type_ == "rate":
        return to_percent(raw)
    if type_ == "amount":
        return to_amount(raw, scale)
    if type_ == "score":
        return to_score(raw)
    return to_decimal(raw)


_POINTS = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")


def label_points(text: object) -> Decimal | None:
    """The points a label prints in brackets (分值): `产出指标（50分）` → 50, `年度绩效目标1(40分)` → 40;
    None when it prints none."""
    found = _POINTS.findall(str(text)) if text is not None else []
    return Decimal(found[-1]) if found else None


def _nothing(raw) -> bool:
    """A cell that says "nothing" whichever field it is read for: blank, a dash, 0."""
    try:
        return not to_decimal(raw)
    except NumberError:
        return False


class SheetReader:
    """Reads one sheet's sections into the Filing."""

    def __init__(self, filing: Filing, grid: Grid, layout: SheetLayout, prefix: str):
        self.filing, self.grid, self.layout, self.prefix = filing, grid, layout, prefix
        self.year = filing.year
        self.scale = sheet_scale(grid)
        self.merged_amounts: dict[tuple[int, int, int, int], Slot] = {}  # merged range → the amount read from it
        self.headers: dict[str, str] = {}  # column id → its header on the sheet, of the table being read

    def matcher(self, labels) -> LabelMatcher:
        return LabelMatcher(labels, self.year)

    def slot(
        self,
        key: str,
        label: str,
        field: Field,
        pos: tuple[int, int] | None,
        type_: str | None = None,
        inline_label: str | None = None,
        raw=None,
    ) -> Slot:
        """Make the slot of one field at `pos` (None: not found), parsing its value."""
        type_ = type_ or field.type
        slot = Slot(
            key=key,
            label=label,
            type=type_,
            sheet=self.grid.title,
            scale=self.scale if type_ == "amount" else Decimal(1),
        )
        if pos is None:
            self.filing.problem("not-found", f"未找到“{label}”", self.grid.title)
            return self.filing.add(slot)
        slot.cell = ref(*pos)
        slot.formula = self.grid.formulas.get(pos, "")
        slot.inline_label = inline_label
        slot.raw = self.grid.value(*pos) if raw is None and inline_label is None else raw
        if type_ == "amount" and inline_label is None and self._shares_merge(slot, pos):
            return self.filing.add(slot)
        number_format = "General"
        if inline_label is None and not isinstance(slot.raw, str):
            number_format = self.grid.formats.get(self.grid.bounds(*pos)[:2], "General")
            slot.format_decimals = format_decimals(number_format)
        try:
            slot.value = parse(slot.raw, type_, slot.scale, number_format)
            slot.decimals = decimals_of(slot.raw) if type_ not in ("text", "grade") else None
        except NumberError as exc:
            slot.error = exc.message
            self.filing.problem(exc.kind, f"“{label}”{exc.message}", self.grid.title, slot.cell)
        return self.filing.add(slot)

    def _shares_merge(self, slot: Slot, pos: tuple[int, int]) -> bool:
        """An amount whose cell is merged with another amount's (合并单元格跨栏): one number typed over
        two fields. It is counted for the first field only; this one is an unknown value, an 错误."""
        bounds = self.grid.bounds(*pos)
        if bounds[:2] == bounds[2:] or _nothing(slot.raw):
            return False  # one cell; or a 0, "—" or blank over both fields, true of each
        first = self.merged_amounts.setdefault(bounds, slot)
        if first is slot:
            return False
        slot.raw = None
        slot.error = (
            f"与“{first.label}”同在合并单元格 {ref(*bounds[:2])}:{ref(*bounds[2:])} 中，"
            f"无法判断这个数属于哪一栏（已只计入“{first.label}”）；请取消合并后分别填写"
        )
        self.filing.problem("merged-fields", f"“{slot.label}”{slot.error}", self.grid.title, slot.cell)
        return True

    def labelled(self, key: str, field: Field, rows: range | None = None, label: str | None = None) -> Slot:
        """A value next to its label, or typed into the label's cell (`其中：一般公共预算：1873.66`)."""
        label = label or self.layout_name(field)
        pos = self.grid.find(self.matcher(field.labels), rows=rows, inline=True)
        if pos is None:
            return self.slot(key, label, field, None)
        inline = self.grid.inline(*pos)
        if inline and self.matcher(field.labels).match(inline[0]) and (inline[1].strip() or self._no_value_cell(pos)):
            return self.slot(key, label, field, pos, inline_label=_label_part(self.grid.value(*pos)), raw=inline[1])
        return self.slot(key, label, field, self.grid.right_of(*pos))

    def _no_value_cell(self, pos: tuple[int, int]) -> bool:
        """A `标签：` cell with no value cell beside it (同格填值): right of it is the sheet's edge or
        another `标签：…` cell, so its value is typed after the colon."""
        r, c = self.grid.right_of(*pos)
        return c > self.grid.max_col or self.grid.inline(*self.grid.bounds(r, c)[:2]) is not None

    def missing_block(self, section: dict, message: str) -> None:
        """A section that cannot be read. Where the layout marks it `required` (the money block and the
        indicator table of a 自评表: what it says it checks), this is an 错误, since nothing on it
        can be checked and a clean report would read as an all-clear; otherwise a 提示."""
        if section.get("required"):
            self.filing.problem("block-missing", f"{message}，{section['required']}无法核对", self.grid.title)
        else:
            self.filing.problem("not-found", message, self.grid.title)

    # ---- section regions ------------------------------------------------------------------------
    def anchors(self) -> dict[str, int]:
        """Row of each titled section, so a section's fields are searched between it and the next."""
        rows = {}
        for section in self.layout.sections:
            labels = section.get("title_labels") or ([section["title"]] if "title" in section else None)
            if section["type"] == "institution_table":
                labels = section["columns"][0].labels
            if labels:
                pos = self.grid.find(self.matcher(labels))
                if pos:
                    rows[section["id"]] = pos[0]
        return rows

    def read(self) -> None:
        anchors = self.anchors()
        ordered = sorted(anchors.values())
        for section in self.layout.sections:
            start = anchors.get(section["id"])
            following = [r for r in ordered if start is not None and r > start]
            end = (following[0] - 1) if following else max(self.grid.max_row, 1)
            reader = getattr(self, "read_" + section["type"])
            reader(section, start, end)

    # ---- section types --------------------------------------------------------------------------
    def read_key_values(self, section, start, end) -> None:
        for field in section["fields"]:
            self.labelled(keys.join(self.prefix, section["id"], field.id), field)

    def read_text(self, section, start, end) -> None:
        key = keys.join(self.prefix, section["id"])
        field = Field(id=section["id"], labels=(section["title"],), type="text")
        self.labelled(key, field)

    def read_header_values(self, section, start, end) -> None:
        """Labels in a header row, each value in the cell below (表头在上、数值在下). With `row = "total"`
        the keys are those of a matrix row (`dept.money.total.rate`), so one check serves both
        layouts; a field with `points = "title"` is the points printed in the section title."""
        if section.get("required") and start is None:
            self.missing_block(section, f"未找到“{label_key(expand(section['title'], self.year))}”")
            return
        rows = range(start, end + 1) if start is not None else None
        base = keys.join(self.prefix, section["id"], *([section["row"]] if section.get("row") else []))
        for field in section["fields"]:
            key = keys.join(base, field.id)
            label = field.figure or self.layout_name(field)
            if field.points == "title":
                self._title_points(key, label, field, section, start)
                continue
            pos = self.grid.find(self.matcher(field.labels), rows=rows)
            self.slot(key, label, field, self.grid.below(*pos) if pos else None)
            if field.figure:
                self.filing.figures.setdefault(field.figure, key)
            if field.ratio:
                self.filing.derive(key, "ratio", [(keys.join(base, x), 1) for x in field.ratio])
            if field.budget_score:
                self.filing.derive(key, "budget_score", [(keys.join(base, x), 1) for x in field.budget_score])

    def _title_points(self, key: str, label: str, field: Field, section: dict, start: int | None) -> None:
        """分值 printed in a section title, `预算执行情况（万元）（20分）`: read from that cell; the layout's
        `default` when the title prints none."""
        labels = section.get("title_labels") or [section["title"]]
        pos = self.grid.find(self.matcher(labels), rows=range(start, start + 1)) if start is not None else None
        points = label_points(self.grid.value(*pos)) if pos else None
        if points is None and field.default:
            points = Decimal(field.default)
        slot = Slot(key=key, label=label, type="score", sheet=self.grid.title)
        if pos is not None:
            slot.cell, slot.raw = ref(*pos), self.grid.value(*pos)
        slot.value = points
        self.filing.add(slot)

    read_goals = read_header_values

    def _columns(self, columns, band: range, after_col: int) -> dict[str, int]:
        """The column of each of `columns` found in the header rows `band`; each found column's header as
        the sheet says it is kept for naming its cells (column_name)."""
        found = {}
        self.headers = {}
        for column in columns:
            if column.points == "title":
                continue  # not a column on the form: the points its section title prints
            pos = self.grid.find(
                self.matcher(column.labels), rows=band, cols=range(after_col + 1, self.grid.max_col + 1)
            )
            if pos:
                found[column.id] = pos[1]
                self.headers[column.id] = label_key(self.grid.value(*pos))
            elif not column.optional:
                self.filing.problem("not-found", f"未找到列“{self.layout_name(column)}”", self.grid.title)
        return found

    def layout_name(self, field: Field) -> str:
        """A field's Chinese label from the layout (版式标签), its {year} filled in; without a year, the first
        of its labels that names no year (`本年预算数`), never a placeholder."""
        for text in (field.label, *field.labels):
            shown = label_key(expand(text, self.year))
            if "{" not in shown:
                return shown
        return label_key(re.sub(r"\{\w+\}", "", field.label))

    def column_name(self, column: Field) -> str:
        """How a column is named in messages (栏目名称): its header as the sheet says it (read by the last
        _columns), else the layout's label. Never the internal id (`budget`)."""
        return self.headers.get(column.id) or self.layout_name(column)

    def read_matrix(self, section, start, end) -> None:
        sid = keys.join(self.prefix, section["id"])
        labels = section.get("title_labels") or [section["title"]]
        if start is None:
            self.missing_block(section, f"未找到“{label_key(expand(section['title'], self.year))}”")
            return
        anchor = self.grid.find(self.matcher(labels), rows=range(start, start + 1))
        assert anchor is not None  # `start` is the row it was found in
        cols = self._columns(section["columns"], range(start, start + 3), anchor[1])
        if not cols:
            self.missing_block(section, f"“{label_key(expand(section['title'], self.year))}”中未找到任何一列")
            return
        first_value_col = min(cols.values())
        label_cols = range(1, first_value_col)
        rows_found: dict[str, int] = {}
        for row in section["rows"]:
            pos = self.grid.find(self.matcher(row.labels), rows=range(start + 1, end + 1), cols=label_cols)
            if pos:
                rows_found[row.id] = pos[0]
        groups = {g["id"]: g for g in section.get("groups", [])}
        group_rows: dict[str, list[str]] = {}
        for gid, group in groups.items():
            group_rows[gid] = self._group_rows(sid, section, group, rows_found, cols, label_cols)
        for row in section["rows"]:
            r = rows_found.get(row.id)
            row_label = label_key(row.label)
            if r is None:
                self.filing.problem("not-found", f"未找到“{row_label}”行", self.grid.title)
            for column in section["columns"]:
                cell_spec = row.cells.get(column.id)
                if column.id in row.blank_cells or (column.type != "amount" and cell_spec is None):
                    continue
                key = keys.join(sid, row.id, column.id)
                label = f"{row_label}（{self.column_name(column)}）"
                if column.points == "title":
                    self._title_points(key, label, column, section, start)
                    continue
                pos = (r, cols[column.id]) if r is not None and column.id in cols else None
                if pos is None:
                    self.filing.add(Slot(key, label, column.type, sheet=self.grid.title))
                    continue
                made = self.slot(key, label, row, pos, type_=column.type)
                made.row_label, made.col_label = row_label, self.column_name(column)
                if cell_spec is None and row.sum:
                    self.filing.derive(
                        key,
                        "sum",
                        [(keys.join(sid, t.lstrip("-"), column.id), -1 if t.startswith("-") else 1) for t in row.sum],
                    )
                elif cell_spec is None and row.sum_of_group and group_rows.get(row.sum_of_group):
                    self.filing.derive(key, "sum", [(keys.join(k, column.id), 1) for k in group_rows[row.sum_of_group]])
                elif cell_spec and "ratio" in cell_spec:
                    self.filing.derive(key, "ratio", [(keys.join(sid, row.id, x), 1) for x in cell_spec["ratio"]])
                if cell_spec and cell_spec.get("figure"):
                    self.filing.figures.setdefault(cell_spec["figure"], key)
                elif cell_spec and "budget_score" in cell_spec:
                    self.filing.derive(
                        key, "budget_score", [(keys.join(sid, row.id, x), 1) for x in cell_spec["budget_score"]]
                    )

    def _group_rows(self, sid, section, group, rows_found, cols, label_cols) -> list[str]:
        """Rows of a variable group (e.g. one row per named 专项资金) between two known rows."""
        after, before = rows_found.get(group["after"]), rows_found.get(group["before"])
        if after is None or before is None:
            return []
        found: list[str] = []
        for r in range(self.grid.below(after, label_cols[0])[0], before):
            name = " ".join(
                clean(self.grid.value(r, c)) for c in label_cols if self.grid.bounds(r, c)[:2] == (r, c)
            ).strip()
            values = [self.grid.value(r, c) for c in cols.values()]
            if not label_key(name) and all(v is None for v in values):
                continue
            base = keys.join(sid, f"{group['id']}[{len(found) + 1}]")
            by_id = {column.id: column for column in section["columns"]}
            for cid, c in cols.items():
                field = Field(id=cid, labels=(name,))
                label = f"{label_key(name) or '专项资金'}（{self.column_name(by_id[cid])}）"
                self.slot(keys.join(base, cid), label, field, (r, c), type_="amount")
            found.append(base)
        return found

    def read_breakdown(self, section, start, end) -> None:
        for lst in section["lists"]:
            base = keys.join(self.prefix, section["id"], lst["id"])
            total = lst["total"]
            self.labelled(keys.join(base, "total"), total)
            for item in lst["items"]:
                self.labelled(keys.join(base, item.id), item)
            if total.sum:
                self.filing.derive(keys.join(base, "total"), "sum", [(keys.join(base, x), 1) for x in total.sum])

    def read_indicators(self, section, start, end) -> None:
        """The indicator table (绩效指标表): an Indicator for each row with a 三级指标 (or 指标名称).

        Columns a family does not print are `optional` in its layout (一级/二级指标, 得分系数,
        调整指标值, 指标性质). A form may print the header again for each block of targets, with a
        block title row above it (`年度绩效目标1（40分）`): header rows are skipped, and a title row
        spanning the table names the block of the rows below it and its points."""
        columns = {c.id: c for c in section["columns"]}
        head = None
        for cid in section.get("head", ("level1", "level3")):
            if cid in columns and (head := self.grid.find(self.matcher(columns[cid].labels))):
                break
        rows: list[Indicator] = []
        self.filing.indicators[self.prefix] = rows
        if "level1" not in columns:
            self.filing.flat.add(self.prefix)  # no 产出/效益/满意度 blocks to check
        if head is None:
            self.missing_block(section, "未找到绩效指标表（一级指标、二级指标、三级指标……）")
            return
        cols = self._columns(section["columns"], range(head[0], head[0] + 2), 0)
        closing = self.layout.section("closing")
        total_pos = self.grid.find(
            self.matcher(closing["total"].labels), rows=range(head[0] + 1, self.grid.max_row + 1)
        )
        last = (total_pos[0] - 1) if total_pos else self.grid.max_row
        header_bottom = max(self.grid.bounds(head[0], c)[2] for c in cols.values())
        level1 = level2 = level1_cell = block = block_cell = ""
        block_points: Decimal | None = None
        for r in range(header_bottom + 1, last + 1):
            if self._is_header_row(r, cols, columns):
                continue
            title = self._block_title(r, cols, section)
            if title is not None:
                (block, block_points), block_cell = (label_key(title[0]), label_points(title[0])), title[1]
                level1 = level2 = ""
                continue
            beside = self._block_beside(r, cols, section)
            if beside is not None and label_key(beside[0]) != block:
                (block, block_points), block_cell = (label_key(beside[0]), label_points(beside[0])), beside[1]
                level1 = level2 = ""
            text = {cid: clean(self.grid.value(r, c)) for cid, c in cols.items()}
            if self._is_subtotal_row(r, cols):
                self._subtotal(r, cols, columns, rows)
                continue
            if text.get("level1"):
                level1, level1_cell = text["level1"], ref(*self.grid.bounds(r, cols["level1"])[:2])
            level2 = text.get("level2") or level2
            if not any(text.get(k) for k in ("level3", "target", "adjusted", "actual", "weight", "score")):
                continue
            n = len(rows) + 1
            base = keys.indicator(self.prefix, n)
            name = label_key(text.get("level3") or level2)
            row_keys: dict[str, str] = {}
            for cid in ("target", "adjusted", "actual"):
                c = cols.get(cid)
                if cid not in columns or (cid == "adjusted" and c is None):
                    continue
                row_keys[cid] = self.slot(
                    keys.join(base, cid),
                    f"{name}（{self.column_name(columns[cid])}）",
                    columns[cid],
                    (r, c) if c else None,
                    type_="text",
                ).key
            if row_keys.get("adjusted") and self.filing.slots[row_keys["adjusted"]].value:
                row_keys["target"] = row_keys["adjusted"]  # 调整指标值, where one was set, is the year's target
            single = True  # one 分值/得分 for this indicator alone (not merged over a block of them)
            for cid in ("weight", "coefficient", "score"):
                c = cols.get(cid)
                r1, c1, r2, _ = self.grid.bounds(r, c) if c else (r, 0, r, 0)
                if c is None or (r1, c1) != (r, c):  # part of a score merged over several rows
                    row_keys[cid] = ""
                    continue
                single = single and r2 == r
                row_keys[cid] = self.slot(
                    keys.join(base, cid),
                    f"{name}（{self.column_name(columns[cid])}）",
                    columns[cid],
                    (r, c),
                    type_="rate" if cid == "coefficient" else "score",
                ).key
            if single and row_keys["weight"] and row_keys["score"]:
                if row_keys["coefficient"]:  # 指标得分 = 指标权重 × 得分系数
                    self.filing.derive(
                        row_keys["score"], "weighted_score", [(row_keys["weight"], 1), (row_keys["coefficient"], 1)]
                    )
                else:
                    self.filing.derive(
                        row_keys["score"],
                        "indicator_score",
                        [(row_keys["target"], 1), (row_keys["actual"], 1), (row_keys["weight"], 1)],
                    )
            rows.append(
                Indicator(
                    level1=label_key(level1),
                    level2=label_key(level2),
                    level3=text.get("level3", ""),
                    target=self.filing.slots[row_keys["target"]].value or "",
                    actual=self.filing.slots[row_keys["actual"]].value or "",
                    weight_key=row_keys["weight"],
                    score_key=row_keys["score"],
                    row=r,
                    reason=str(self.grid.value(r, cols["reason"]) or "") if "reason" in cols else "",
                    points=label_points(level1),
                    level1_cell=level1_cell,
                    nature=text.get("nature", ""),
                    block=block,
                    block_points=block_points,
                    block_cell=block_cell,
                    coefficient_key=row_keys["coefficient"],
                    target_key=row_keys["target"],
                    actual_key=row_keys["actual"],
                )
            )
        self._closing(closing, cols, total_pos)

    def _is_subtotal_row(self, r: int, cols: dict[str, int]) -> bool:
        """A 合计/小计 row inside the indicator table (Σ 分值, Σ 得分 of the rows above it)."""
        first = min(cols.values())
        labels = common()["subtotal_labels"]
        return any(label_key(self.grid.value(r, c)) in labels for c in range(first, first + 3))

    def _subtotal(self, r: int, cols: dict[str, int], columns: dict[str, Field], rows: list[Indicator]) -> None:
        """合计 of the indicators: its 分值 and 得分 are checked as Σ of the rows above it (not indicators)."""
        for cid in ("weight", "score"):
            c = cols.get(cid)
            keyed = [getattr(i, f"{cid}_key") for i in rows]
            if c is None or not all(keyed) or self.grid.bounds(r, c)[:2] != (r, c):
                continue
            key = keys.subtotal(self.prefix, cid)
            if key in self.filing.slots:
                continue  # only the first 合计 row counts
            self.slot(key, f"指标合计（{self.column_name(columns[cid])}）", columns[cid], (r, c), type_="score")
            self.filing.derive(key, "sum", [(k, 1) for k in keyed])

    def _is_header_row(self, r: int, cols: dict[str, int], columns: dict[str, Field]) -> bool:
        """The header printed again (above the next block of targets)."""
        return any(
            cid in cols and self.matcher(columns[cid].labels).match(self.grid.key(r, cols[cid]))
            for cid in ("level3", "target", "actual")
        )

    def _is_block_label(self, value: object, section: dict) -> bool:
        key = label_key(value) if value is not None else ""
        return bool(key) and any(key.startswith(label_key(b)) for b in section.get("block_labels", ()))

    def _block_title(self, r: int, cols: dict[str, int], section: dict) -> tuple[str, str] | None:
        """A row that is one cell merged across the table, naming a block (`年度绩效目标1（40分）`): its text
        and cell."""
        first, last = min(cols.values()), max(cols.values())
        r1, _, _, c2 = self.grid.bounds(r, first)
        value = self.grid.value(r, first)
        if r1 != r or c2 < last - 1 or not self._is_block_label(value, section):
            return None
        return str(value), ref(r, first)

    def _block_beside(self, r: int, cols: dict[str, int], section: dict) -> tuple[str, str] | None:
        """A block named in a cell merged down the left of its rows (湖北: `年度绩效目标1（40分）`): its text
        and the top-left cell of the merge."""
        for c in range(1, min(cols.values())):
            value = self.grid.value(r, c)
            if self._is_block_label(value, section):
                return str(value), ref(*self.grid.bounds(r, c)[:2])
        return None

    def _closing(self, closing, cols, total_pos) -> None:
        """总分 below the indicator table (in its 得分 column), or, where a form prints it elsewhere (重庆:
        `自评总分（分）` beside the header), in the cell right of its label; then 评价等次."""
        total = closing["total"]
        key = keys.closing_total(self.prefix)
        if total_pos and "score" in cols:
            pos: tuple[int, int] | None = (total_pos[0], cols["score"])
        else:
            found = total_pos or self.grid.find(self.matcher(total.labels))
            pos = self.grid.right_of(*found) if found else None
        self.slot(key, label_key(total.label), total, pos, type_="score")
        scores = [(i.score_key, 1) for i in self.filing.indicators[self.prefix] if i.score_key]
        self.filing.derive(key, "total_score", [(keys.money_total(self.prefix, "score"), 1)] + scores)
        grade = closing.get("grade")
        if grade:
            self.labelled(keys.closing_grade(self.prefix), grade)
            self.filing.derive(keys.closing_grade(self.prefix), "grade", [(key, 1)])

    def read_closing(self, section, start, end) -> None:
        """Read together with the indicator table, whose 分值/得分 columns it shares."""

    def read_institution_table(self, section, start, end) -> None:
        tid = section["id"]
        base = keys.join(self.prefix, tid)
        table: list[Institution] = []
        self.filing.tables[tid] = table
        if start is None:
            self.filing.problem(
                "not-found",
                f"未找到“{label_key(section['title'])}”表（列“{section['columns'][0].label}”）",
                self.grid.title,
            )
            return
        anchor = self.grid.find(self.matcher(section["columns"][0].labels), rows=range(start, start + 1))
        assert anchor is not None  # `start` is the row it was found in
        name = self.grid.find(
            self.matcher(self.layout.get("name_labels")), rows=range(start - 1, start + 1), cols=range(1, anchor[1])
        )
        name_col = name[1] if name else anchor[1] - 1
        cols = self._columns(section["columns"], range(start, start + 4), name_col)
        header_bottom = max(self.grid.bounds(start, c)[2] for c in cols.values())
        header_bottom = max(
            [header_bottom]
            + [
                self.grid.bounds(r, c)[2]
                for r in range(start, start + 4)
                for c in cols.values()
                if any(self.matcher(col.labels).match(self.grid.key(r, c)) for col in section["columns"])
            ]
        )
        stop = LabelMatcher([t["title"] for t in self.layout.raw["tables"]] + list(self.layout.get("name_labels")))
        for r in range(header_bottom + 1, end + 1):
            label = self.grid.value(r, name_col)
            key = label_key(label) if label is not None else ""
            values = {cid: self.grid.value(r, c) for cid, c in cols.items()}
            if stop.match(key) or key.startswith(tuple(common()["footnote_labels"])):
                break
            if not key and all(v is None for v in values.values()):
                continue  # blank row
            summary = any(k in key for k in self.layout.get("summary_keys")) and not any(i.is_summary for i in table)
            row_id = "summary" if summary else str(sum(1 for i in table if not i.is_summary) + 1)
            inst = Institution(name=_institution_name(label) or f"第{r}行", is_summary=summary, id=row_id)
            for column in section["columns"]:
                skey = keys.join(base, row_id, column.id)
                label_text = f"{inst.name}（{self.column_name(column)}）"
                pos = (r, cols[column.id]) if column.id in cols else None
                if pos is None:
                    self.filing.add(Slot(skey, label_text, "amount", sheet=self.grid.title))
                else:
                    made = self.slot(skey, label_text, column, pos, type_="amount")
                    made.row_label, made.col_label = inst.name, self.column_name(column)
                inst.slots[column.id] = skey
            table.append(inst)
        if not any(i.is_summary for i in table):
            self.filing.problem(
                "not-found", f"“{label_key(section['title'])}”表中未找到汇总行（机构名称含“汇总”）", self.grid.title
            )


def _institution_name(label) -> str:
    """A 机构名称 as printed, without line breaks and its leading number (`3、二级机构2：…` → `二级机构2：…`)."""
    text = re.sub(r"\s+", "", str(label)) if label is not None else ""
    return re.sub(r"^(\d+|[一二三四五六七八九十]+)[、.．]", "", text)


def _label_part(text) -> str:
    """The label part of a `标签：值` cell, as typed (kept when the value is rewritten)."""
    text = str(text)
    cut = max(text.rfind("："), text.rfind(":"))
    return text[: cut + 1] if cut >= 0 else text


def read_grids(path: Path, grids: list[Grid], form: Family | None = None) -> Filing:
    """Build the Filing from a workbook's sheets, each matched to the best family's layout (see detect);
    `form` limits the match to one family (`--form`)."""
    filing = Filing(path=Path(path))
    filing.year = find_year(grids)
    for grid in grids:
        if grid.title in (FINDINGS_SHEET, WORK_SHEET) or any(is_own_sheet(grid, b) for b in TITLES):
            continue  # a sheet of ours (审核结果(2) too), or a clerk's under our name: never a form
        chosen, best = identify(grid, form)
        if chosen is None:
            filing.forms.append(_unrecognised(grid.title, best))
            continue
        kind = chosen.kind
        if kind == "project_form":
            prefix = f"proj{len(filing.projects) + 1}"
            filing.projects.append(prefix)
            filing.sheets[prefix] = grid.title
        elif kind in filing.sheets:
            filing.problem(
                "duplicate-sheet",
                f"工作表“{grid.title}”与“{filing.sheets[kind]}”是同一种表，只读取了后者",
                grid.title,
            )
            continue
        else:
            prefix = PREFIX[kind]
            filing.sheets[kind] = grid.title
        reader = SheetReader(filing, grid, chosen.layout, prefix)
        reader.read()
        filing.merges[grid.title] = list(grid.merges)
        if kind == "income_expenditure":
            tables.link(filing, chosen.layout)
        _hidden(filing, grid)
        filing.forms.append(_recognised(grid.title, chosen, prefix))
    _count_fields(filing)
    _missing_forms(filing)
    filing.unit = _unit_name(filing, grids)
    return filing


def _count_fields(filing: Filing) -> None:
    """Each recognised form's fields expected and found (its slots, by key prefix), counted in one pass."""
    counts: dict[str, list[int]] = {}
    for key, slot in filing.slots.items():
        count = counts.setdefault(keys.prefix(key), [0, 0])
        count[0] += slot.found
        count[1] += 1
    for form in filing.forms:
        if form.family is not None and form.prefix in counts:
            form.fields_found, form.fields_expected = counts[form.prefix]


def _recognised(sheet: str, chosen: SheetMatch, prefix: str) -> SheetForm:
    """A sheet read as a form; its fields are counted once all are read (_count_fields)."""
    return SheetForm(
        sheet=sheet,
        family=chosen.family.id,
        family_name=chosen.family.name,
        kind=chosen.kind,
        layout_title=chosen.layout.title,
        prefix=prefix,
        title=chosen.title,
        share=chosen.share,
        missing=list(chosen.missing),
    )


def _unrecognised(sheet: str, best: SheetMatch | None) -> SheetForm:
    """A sheet no layout fits; the nearest one is kept to say what was missing."""
    if best is None:
        return SheetForm(sheet=sheet)
    return SheetForm(
        sheet=sheet,
        family=None,
        family_name=best.family.name,
        title=best.title,
        share=best.share,
        missing=list(best.missing),
        kind=None,
        prefix=best.kind,  # the nearest kind, for the message
    )


def _hidden(filing: Filing, grid: Grid) -> None:
    """A hidden form, or values read from hidden rows, are still read — and said so (隐藏的表、行)."""
    if grid.hidden:
        filing.problem(
            "hidden", f"工作表“{grid.title}”是隐藏的，其中的数据仍已读取；如该表已作废，请删除后再试", grid.title
        )
    if not grid.hidden_rows:
        return
    cells = sorted(
        (ref_row(s.cell), s.cell)
        for s in filing.slots.values()
        if s.sheet == grid.title and s.cell and s.raw is not None and ref_row(s.cell) in grid.hidden_rows
    )
    if cells:
        rows = "、".join(str(r) for r in sorted({r for r, _ in cells})[:10])
        filing.problem(
            "hidden",
            f"第 {rows} 行是隐藏的，其中的数据（{'、'.join(c for _, c in cells[:10])}"
            f"{'等' if len(cells) > 10 else ''}）仍已读取；请确认这些数是否有效",
            grid.title,
            cells[0][1],
        )


def ref_row(cell: str) -> int:
    """The row number of an A1-style address."""
    return int(re.sub(r"^[A-Z]+", "", cell))


def _missing_forms(filing: Filing) -> None:
    """A form the workbook should hold but does not (缺表), named like a missing field: every other sheet
    of a family one of its sheets belongs to (project forms are optional). A national project form
    on its own is a complete input; a Hunan 整体支出绩效自评表 expects its 基础数据表 and 收支情况."""
    read = {f.family for f in filing.forms if f.recognised}
    if filing.sheets and all(prefix in filing.projects for prefix in filing.sheets):
        filing.problem(
            "project-only",
            f"本工作簿只有项目支出绩效自评表（{len(filing.projects)} 张），已按项目逐张核对、评分；"
            "没有基础数据表、收支情况、部门整体支出绩效自评表，与这些表有关的核对未进行",
        )
        return
    for family in families():
        if family.id not in read:
            continue
        for layout in family.layouts:
            if layout.kind != "project_form" and layout.kind not in filing.sheets:
                filing.problem(
                    "not-found",
                    f"未找到“{layout.sheet_name}”表（按标题识别，前{TITLE_ROWS}行中应有含“{layout.title_keys[0]}”的标题）",
                )


def _unit_name(filing: Filing, grids: list[Grid]) -> str | None:
    """填报单位: from the 自评表's 部门名称, else a `填报单位：…` line, else the first project's 主管部门;
    without `（盖章）` and a code before the name (`219-某某镇人民政府`)."""
    for key in ("dept.head.unit", "cover.head.unit"):
        slot = filing.slots.get(key)
        if slot is not None and slot.value:
            return _plain_unit(slot.value)
    unit_labels = {label_key(v) for f in families() for layout in f.layouts for v in layout.get("unit_labels", [])}
    for grid in grids:
        for (r, c), _value in sorted(grid.values.items()):
            inline = grid.inline(r, c)
            if inline and inline[0] in unit_labels and _plain_unit(inline[1]):
                return _plain_unit(inline[1])
    for prefix in filing.projects:
        department = filing.slots.get(keys.head(prefix, "department"))
        if department is not None and department.value:
            return _plain_unit(department.value)
    return None


def _plain_unit(value: object) -> str:
    text = re.sub(r"[(（]\s*(?:盖章|公章|签章)\s*[)）]", "", str(value)).strip()
    return re.sub(r"^\d{2,}\s*[-－—_]\s*", "", text)
