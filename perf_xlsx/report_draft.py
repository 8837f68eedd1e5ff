"""自评报告草稿 (report draft): the content of the 部门整体支出绩效自评报告, built from a checked workbook.

Every number is read from the Evaluation (the workbook as read and recomputed), the wording and order
from report_text.toml (report_text.py). What the workbook does not hold is a visible 【待填写：…】; a
workbook with 错误 gets a notice on the first page and an appendix listing them. Data only: report_docx.py
writes it as .docx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from . import keys
from .derive import Completion
from .model import Filing
from .report import Report
from .report_text import SCORES, Text, Value, Writer, load_text


class Evaluation(Protocol):
    """What the draft is built from: an api.Evaluation (the workbook as read, recomputed and checked)."""

    filing: Filing
    completion: Completion
    report: Report


#: The sheets of the whole department (部门整体): a workbook without any is a project-only one.
DEPARTMENT_SHEETS = ("basic", "income_expenditure", "department_form")
#: The 收支情况 tables, in the order the report shows them.
TABLES = ("income", "spending", "sangong", "assets")
INDICATOR_HEAD = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析"]


@dataclass
class Block:
    """One block of the draft (段落/表格): `kind` is cover_title, cover, notice, note, unit, title, heading, subheading, paragraph,
    placeholder, table or page_break; a table has `rows` (the first `header` of them its heading) and
    its amounts' `unit`; a row shorter than the table spans its last cell to the right edge."""

    kind: str
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    header: int = 1
    unit: str = ""


@dataclass
class Draft:
    """The whole draft (自评报告草稿): its blocks in order, and whether it warns of 错误."""

    unit: str | None
    year: int | None
    blocks: list[Block]
    errors: int = 0

    def plain(self) -> str:
        """The draft as plain text, one block a line, table rows joined by tabs (for reading and diffs)."""
        lines = []
        for block in self.blocks:
            if block.kind == "table":
                lines += ["\t".join(row) for row in block.rows]
            elif block.kind != "page_break":
                lines.append(block.text)
        return "\n".join(lines) + "\n"


def build(ev: Evaluation, text: Text | None = None) -> Draft:
    """The draft of `ev`'s report (生成自评报告草稿)."""
    return _Builder(ev, text or load_text()).draft()


class _Builder:
    def __init__(self, ev: Evaluation, text: Text):
        self.ev, self.text = ev, text
        self.filing, self.completion, self.report = ev.filing, ev.completion, ev.report
        self.writer = Writer(text, self._values())

    # ---- values ------------------------------------------------------------------------------------
    def _slot_value(self, name: str, key: str) -> Value:
        slot = self.filing.slots.get(key)
        if slot is None:
            return Value(name, None)
        value = slot.value if slot.type == "text" else self.completion.shown(key)
        return Value(name, value, slot.type)

    def _values(self) -> dict[str, Value]:
        report = self.report
        values = {
            "单位名称": Value("单位名称", report.unit),
            "年度": Value("年度", None if report.year is None else str(report.year)),
            "错误数": Value("错误数", str(report.counts["error"])),
        }
        for name, fig in report.figures.items():
            values[name] = Value(name, fig.value, "change" if name.endswith("变动率") else "rate")
        for key, name in SCORES.items():
            given = report.scores.get(key)
            values[name] = Value(name, given, "text" if key == "等次" else "score")
        for name, where in self.text.data.get("values", {}).items():
            candidates = [where] if isinstance(where, str) else list(where)
            found = [self._slot_value(name, k) for k in candidates]
            values[name] = next((v for v in found if not v.missing), Value(name, None))
        return values

    def fill(self, template: str, extra: dict[str, Value] | None = None) -> str:
        return self.writer.fill(template, extra)

    # ---- the draft ------------------------------------------------------------------------------------
    def draft(self) -> Draft:
        errors = self.report.counts["error"]
        blocks = self._cover(errors)
        whole = any(kind in self.filing.sheets for kind in DEPARTMENT_SHEETS)
        if whole:  # a workbook of project sheets only (只有项目表) gets their sections alone
            blocks += self._entries(self.text.data.get("body", []), "dept", {})
        for prefix in self.filing.projects:
            if self._project_complete(prefix):
                if whole or blocks[-1].kind != "page_break":
                    blocks.append(Block("page_break"))
                blocks += self._entries(self.text.data.get("project", []), prefix, self._project_values(prefix))
        if errors:
            blocks += self._appendix()
        return Draft(self.report.unit, self.report.year, blocks, errors)

    def _cover(self, errors: int) -> list[Block]:
        cover = self.text.data.get("cover", {})
        blocks = [Block("cover_title", self.fill(line)) for line in cover.get("title", [])]
        blocks += [Block("cover", self.fill(line)) for line in cover.get("lines", [])]
        if errors and cover.get("errors_notice"):
            blocks.append(Block("notice", self.fill(cover["errors_notice"])))
        if cover.get("draft_notice"):
            blocks.append(Block("note", self.fill(cover["draft_notice"])))
        blocks.append(Block("page_break"))
        return blocks

    def _entries(self, entries: list[dict], prefix: str, extra: dict[str, Value]) -> list[Block]:
        blocks: list[Block] = []
        for entry in entries:
            for kind in ("title", "heading", "subheading", "paragraph"):
                if kind in entry:
                    blocks.append(Block(kind, self.fill(entry[kind], extra)))
            if "placeholder" in entry:
                blocks.append(Block("placeholder", self.text.placeholder(entry["placeholder"])))
            if "table" in entry:
                blocks += self._table(entry["table"], prefix)
            if "list" in entry:
                blocks += [Block("paragraph", line) for line in self._list(entry["list"])]
        return blocks

    # ---- tables -----------------------------------------------------------------------------------------
    def _table(self, name: str, prefix: str) -> list[Block]:
        if name == "overview":
            return [self._overview()]
        if name == "indicators":
            return [self._indicators(prefix)]
        if name in TABLES:
            return self._money_table(name)
        raise self._unknown("table", name)

    def _unknown(self, what: str, name: str):
        from .report_text import ReportTextError

        return ReportTextError(f"自评报告文字模板“{self.text.source}”中 {what} = “{name}” 不认识。")

    def _cell(self, name: str) -> str:
        return self.writer.write(self.writer.values[name])

    def _overview(self) -> Block:
        c = self._cell
        rows = [
            ["联系人", c("联系人"), "联系电话", c("联系电话")],
            ["人员编制", c("人员编制"), "实有人数", c("实有人数")],
            ["职能职责概述", c("职能职责概述")],
            ["年度主要工作内容", c("年度主要工作内容")],
            ["年度部门（单位）总体运行情况及取得的成绩", c("年度总体运行情况及取得的成绩")],
        ]
        return Block("table", rows=rows, header=0)

    def _money_table(self, name: str) -> list[Block]:
        institutions = self.filing.tables.get(name, [])
        if not institutions:
            return [Block("placeholder", self.text.placeholder(f"{_TABLE_NAMES[name]}（工作簿中没有收支情况表）"))]
        columns = list(institutions[0].slots)
        for inst in institutions[1:]:
            columns += [c for c in inst.slots if c not in columns]
        slots = self.filing.slots
        heads = [next((slots[i.slots[c]].col_label for i in institutions if c in i.slots), c) for c in columns]
        unit = self.text.unit("tables")
        rows = [["机构名称", *heads]]
        for inst in institutions:
            row = [inst.name]
            for column in columns:
                key = inst.slots.get(column)
                value = self._slot_value(column, key) if key else Value(column, None)
                row.append("" if value.missing else self.writer.write(value, unit, bare=True))
            rows.append(row)
        return [Block("unit", f"单位：{unit}"), Block("table", rows=rows, unit=unit)]

    def _indicators(self, prefix: str) -> Block:
        rows = [list(INDICATOR_HEAD)]
        for ind in self.filing.indicators.get(prefix, []):
            points = [self._score(ind.weight_key), self._score(ind.score_key)]
            rows.append([ind.level1, ind.level2, ind.level3, ind.target, ind.actual, *points, ind.reason])
        if len(rows) == 1:
            rows.append([self.text.placeholder("绩效指标（工作簿中没有读到指标表）")])
        return Block("table", rows=rows)

    def _score(self, key: str) -> str:
        value = self.completion.shown(key) if key else None
        return "" if value is None else self.writer.write(Value("", value, "score"))

    # ---- lists -----------------------------------------------------------------------------------------------
    def _list(self, name: str) -> list[str]:
        if name == "projects":
            lines = []
            for n, prefix in enumerate(self.filing.projects, 1):
                v = self._project_values(prefix)
                lines.append(f"{n}、{self.writer.write(v['项目名称'])}：{self.writer.write(v['项目全年执行数'])}；")
            return lines or [self.text.placeholder("各项目支出情况")]
        if name == "reasons":
            return [
                f"{ind.level3}（{ind.target}）：{ind.reason}"
                for prefix in ["dept", *self.filing.projects]
                for ind in self.filing.indicators.get(prefix, [])
                if ind.reason.strip()
            ]
        raise self._unknown("list", name)

    # ---- projects --------------------------------------------------------------------------------------------
    def _project_values(self, prefix: str) -> dict[str, Value]:
        values = {}
        for name, where in self.text.data.get("project_values", {}).items():
            values[name] = self._slot_value(name, keys.join(prefix, where))
        sheet = self.filing.sheets.get(prefix)
        result = next((p for p in self.report.projects if p.sheet == sheet), None)
        scores = result.scores if result else {}
        for key in ("预算执行", "绩效指标", "总分"):
            values[f"项目{key}得分" if key != "总分" else "项目总分"] = Value(key, scores.get(key), "score")
        values["项目评价等次"] = Value("项目评价等次", scores.get("等次"))
        return values

    def _project_complete(self, prefix: str) -> bool:
        """A project sheet gets its own section (项目支出绩效自评报告) when its 年初预算数, 全年预算数 and
        全年执行数 are all known and it has indicators."""
        money = [self.completion.shown(keys.money_total(prefix, c)) for c in ("initial", "budget", "actual")]
        return all(isinstance(m, Decimal | int) for m in money) and bool(self.filing.indicators.get(prefix))

    # ---- errors -----------------------------------------------------------------------------------------------
    def _appendix(self) -> list[Block]:
        errors = self.text.data.get("errors", {})
        blocks = [Block("page_break"), Block("heading", self.fill(errors.get("heading", "附录：审核发现的错误")))]
        if errors.get("intro"):
            blocks.append(Block("paragraph", self.fill(errors["intro"])))
        line = errors.get("line", "{序号}、{位置}：{说明}")
        for n, finding in enumerate(self.report.errors, 1):
            extra = {
                "序号": Value("序号", str(n)),
                "位置": Value("位置", finding.where or "—"),
                "说明": Value("说明", finding.message),
            }
            blocks.append(Block("paragraph", self.fill(line, extra)))
        return blocks


_TABLE_NAMES = {"income": "年度收入情况", "spending": "年度支出和结余情况", "sangong": "三公经费", "assets": "固定资产"}
