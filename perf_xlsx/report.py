"""Findings and reports (审核结果与报告): data first; JSON and Chinese text are renderings of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from . import keys
from .derive import Completion, rounded
from .figures import Figure
from .layout import KIND_NAMES
from .model import SheetForm
from .shown import shown as shown_name

SEVERITIES = {"error": "错误", "warning": "提示", "rounding": "尾差"}


@dataclass
class Finding:
    """One finding (审核发现): which rule, where, stated vs computed, and the message."""

    rule: str
    severity: str
    sheet: str | None
    cell: str | None
    message: str
    labels: list[str] = field(default_factory=list)
    stated: Decimal | str | None = None
    computed: Decimal | str | None = None
    difference: Decimal | None = None
    tolerance: Decimal | None = None
    title: str = ""
    formula: str = ""
    note: str = ""  # the clerk's 出错说明, carried over from an earlier output
    value_type: str = "amount"  # what stated/computed/difference/tolerance are: amount, rate, score, count, …
    scale: Decimal = Decimal(1)  # the 万元 in one unit of the sheet they are on (0.0001 on a 元 sheet)
    last_file: str | None = None  # 与上年 findings (--last-year): last year's file and the cell compared with
    last_sheet: str | None = None
    last_cell: str | None = None

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else (self.sheet or "")

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "labels": self.labels,
            "stated": _num(self.stated),
            "computed": _num(self.computed),
            "difference": _num(self.difference),
            "tolerance": _num(self.tolerance),
            "message": self.message,
            **({"last_year": self.last_year_json()} if self.last_file else {}),
        }

    def last_year_json(self) -> dict:
        return {"file": self.last_file, "sheet": self.last_sheet, "cell": self.last_cell}


def _num(value) -> str | None:
    return None if value is None else str(value)


@dataclass
class ProjectResult:
    """One project form's result (项目): its money, 执行率, scores and the findings on its sheet."""

    sheet: str
    name: str | None
    family: str | None
    figures: dict[str, str | None] = field(default_factory=dict)  # 万元 amounts and the 执行率 in %
    scores: dict[str, str | None] = field(default_factory=dict)  # 预算执行, 绩效指标, 总分, 等次

    def findings(self, report_findings: list[Finding]) -> list[Finding]:
        """The findings on its sheet, from the report's (which may still grow until the report is done)."""
        return [f for f in report_findings if f.sheet == self.sheet]

    def as_json(self, report_findings: list[Finding]) -> dict:
        mine = self.findings(report_findings)
        return {
            "sheet": self.sheet,
            "name": self.name,
            "family": self.family,
            "figures": self.figures,
            "scores": self.scores,
            "counts": {s: sum(1 for f in mine if f.severity == s) for s in SEVERITIES},
            "findings": [f.as_json() for f in mine],
        }

    def line(self, report_findings: list[Finding]) -> str:
        """`项目“农业技术推广”（表“Sheet1”）：执行率 94.91%，预算执行得分 18.98，总分 98.98（优）；错误 0，提示 0`."""
        rate = self.figures.get("执行率")
        total, grade = self.scores.get("总分"), self.scores.get("等次")
        parts = [
            f"执行率 {rate}%" if rate is not None else "执行率 —",
            f"预算执行得分 {self.scores.get('预算执行') or '—'}",
            f"总分 {total}（{grade}）" if total is not None else "总分 —",
        ]
        mine = self.findings(report_findings)
        c = {s: sum(1 for f in mine if f.severity == s) for s in SEVERITIES}
        return f"项目“{self.name or '（未填项目名称）'}”（表“{self.sheet}”）：{'，'.join(parts)}；本表错误 {c['error']}、提示 {c['warning']}"


@dataclass
class Report:
    """What `fill`/`check` found for one file (单个文件的结果), alone or as one file of a folder run.

    Its JSON (as_json) is the per-file object of `--json`, described by report_schema.json."""

    file: Path
    unit: str | None = None
    year: int | None = None
    figures: dict[str, Figure] = field(default_factory=dict)
    scores: dict[str, str | None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)
    output: Path | None = None
    draft: Path | None = None  # the 自评报告 draft written (`report`, `fill --report`), when one was
    error: str | None = None  # why the file could not be processed (无法处理的原因), in Chinese
    trace: str | None = None  # the technical error behind `error`, shown only with --debug; never in JSON
    earlier_output: bool = False  # the input is a workbook perfxlsx completed before (再次处理已填工作簿)
    name: str = ""  # the file as shown (文件): its name, or its path within the folder of a folder run
    last_year: Path | None = None  # last year's workbook it was checked against (--last-year), when one was
    last_year_report: Report | None = None  # that workbook's own report (its rates, score, grade)
    last_year_note: str | None = None  # a folder run with --last-year: why it was paired with none (未配对)
    sheets: list[SheetForm] = field(default_factory=list)  # what each sheet was read as
    projects: list[ProjectResult] = field(default_factory=list)  # each project form, checked and scored

    def __post_init__(self) -> None:
        self.name = shown_name(self.name or Path(self.file).name)  # a name not in UTF-8 shown with "�"

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}

    @property
    def ok(self) -> bool:
        return self.error is None and self.counts["error"] == 0

    @property
    def status(self) -> str:
        """状态: 通过, 有错误 (at least one 错误) or 无法处理 (unreadable)."""
        if self.error is not None:
            return "无法处理"
        return "有错误" if self.counts["error"] else "通过"

    def rate(self, name: str) -> str | None:
        """A figure's value as printed (percent, 2 decimals), e.g. `"87.57"`; None when unknown."""
        fig = self.figures.get(name)
        return None if fig is None or fig.value is None else f"{fig.percent:.2f}"

    @property
    def errors(self) -> list[Finding]:
        """Every 错误 finding."""
        return [f for f in self.findings if f.severity == "error"]

    def flatten(self, keys: list[str]) -> list[list]:
        """Findings as lists of the given attributes, for one-line assertions."""
        return [[getattr(f, k) for k in keys] for f in self.findings]

    def as_json(self) -> dict:
        figures = {}
        for name, fig in self.figures.items():
            figures[name] = {
                "value": self.rate(name),
                "unit": fig.unit,
                "formula": fig.formula,
                "inputs": {i["label"]: {"value": _num(i["value"]), "cell": i["cell"]} for i in fig.inputs},
                "cell": fig.cell,
            }
            if fig.note:
                figures[name]["note"] = fig.note
        out: dict = {
            "file": self.name,
            "sheets": [sheet_json(s) for s in self.sheets],
            "unit": self.unit,
            "year": self.year,
            "figures": figures,
            "scores": self.scores,
            "findings": [f.as_json() for f in self.findings],
            "filled": self.filled,
            "projects": [p.as_json(self.findings) for p in self.projects],
        }
        if self.output is not None:
            out["output"] = shown_name(self.output)
        if self.earlier_output:
            out["earlier_output"] = True
        if self.last_year is not None:
            out["last_year"] = shown_name(self.last_year.name)
        if self.error is not None:
            out["error"] = self.error
        out["counts"] = self.counts
        out["status"] = self.status
        return out


def sheet_json(form: SheetForm) -> dict:
    """One sheet as read, for --json: its family and kind (null: not recognised), how sure, fields found."""
    return {
        "sheet": form.sheet,
        "family": form.family,
        "family_name": form.family_name if form.recognised else None,
        "kind": form.kind,
        "kind_name": KIND_NAMES.get(form.kind or ""),
        "form_title": _plain_title(form.layout_title) if form.recognised else None,
        "title_found": form.title,
        "labels_matched": f"{form.share:.2f}",
        "fields_found": form.fields_found,
        "fields_expected": form.fields_expected,
    }


def _plain_title(title: str) -> str:
    """A layout title without its year placeholder: `{year}年度…基础数据表` → `部门整体支出绩效评价基础数据表`."""
    return title.replace("{year}年度", "").replace("{year}", "")


def sheet_line(form: SheetForm) -> str:
    """One sheet as read, in words: `表“Sheet1”：全国·项目支出绩效自评表，找到 24/26 个栏目（标签相符 92%）`."""
    if not form.recognised:
        return f"表“{form.sheet}”：未识别（不是已知的表样，未读取）"
    return (
        f"表“{form.sheet}”：{form.family_name}·{_plain_title(form.layout_title)}，"
        f"找到 {form.fields_found}/{form.fields_expected} 个栏目（标签相符 {form.share:.0%}"
        f"{'' if form.title else '，未找到标题'}）"
    )


def unprocessed(path: Path, exc: BaseException) -> Report:
    """The report of a file that could not be processed (无法处理): a Chinese reason, and the
    technical error behind it (for --debug). A bug is reported the same way, never as a traceback."""
    import traceback

    from .errors import PerfXlsxError, os_reason

    if isinstance(exc, PerfXlsxError):
        reason = exc.describe()
    elif isinstance(exc, OSError):  # one not foreseen where it happened: still said in Chinese
        where = f"（“{shown_name(exc.filename)}”）" if exc.filename is not None else ""
        reason = f"文件“{shown_name(Path(path).name)}”：处理时出现系统错误：{os_reason(exc, reading=None)}{where}。请检查后再试。"
    else:
        reason = (
            f"文件“{shown_name(Path(path).name)}”：处理时发生内部错误（{type(exc).__name__}），"
            "请加 --debug 重试并把输出反馈给开发者。"
        )
    return Report(file=Path(path), error=reason, trace="".join(traceback.format_exception(exc)))


def scores_of(completion: Completion) -> dict[str, str | None]:
    """预算执行, 产出, 效益, 满意度 (block subtotals of the 整体支出绩效自评表), 总分 and 等次."""

    def fmt(value):
        return None if value is None else f"{rounded(Decimal(value), 'score'):.2f}"

    blocks = {"产出": None, "效益": None, "满意度": None}
    for indicator in completion.filing.indicators.get("dept", []):
        for name in blocks:
            if indicator.level1.startswith(name) and indicator.score_key:
                value = completion.shown(indicator.score_key)
                if value is not None:
                    blocks[name] = (blocks[name] or Decimal(0)) + rounded(Decimal(value), "score")
    total_key, grade_key = keys.closing_total("dept"), keys.closing_grade("dept")
    total = completion.shown(total_key) if total_key in completion.filing.slots else None
    if grade_key in completion.filing.slots:
        grade = completion.shown(grade_key)
    else:  # a form that prints no 等次 (重庆): the scheme's band of its 总分
        from .scoring import grade_of

        grade = grade_of(Decimal(total), completion.scheme) if total is not None else None
    return {
        "预算执行": fmt(completion.shown("dept.money.total.score")),
        **{k: fmt(v) for k, v in blocks.items()},
        "总分": fmt(completion.shown(total_key)),
        "等次": grade,
    }


def projects_of(completion: Completion) -> list[ProjectResult]:
    """Every project form (项目支出绩效自评表, any family), with its figures, scores and findings."""
    from .scoring import grade_of

    filing = completion.filing
    family = {f.prefix: f.family for f in filing.forms if f.recognised}
    out = []
    for prefix in filing.projects:
        sheet = filing.sheets[prefix]

        def shown(key: str):
            return completion.shown(key) if key in filing.slots else None

        def amount(key: str) -> str | None:
            value = shown(key)
            return None if value is None else f"{Decimal(value):.2f}"

        rate = shown(keys.money_total(prefix, "rate"))
        total = shown(keys.closing_total(prefix))
        indicators = [shown(i.score_key) for i in filing.indicators.get(prefix, []) if i.score_key]
        indicator_sum = sum((rounded(Decimal(v), "score") for v in indicators if v is not None), Decimal(0))
        name = shown(keys.head(prefix, "name"))
        out.append(
            ProjectResult(
                sheet=sheet,
                name=str(name) if name is not None else None,
                family=family.get(prefix),
                figures={
                    "年初预算数": amount(keys.money_total(prefix, "initial")),
                    "全年预算数": amount(keys.money_total(prefix, "budget")),
                    "全年执行数": amount(keys.money_total(prefix, "actual")),
                    "执行率": None if rate is None else f"{rounded(Decimal(rate), 'rate') * 100:.2f}",
                },
                scores={
                    "预算执行": None
                    if shown(keys.money_total(prefix, "score")) is None
                    else f"{rounded(Decimal(shown(keys.money_total(prefix, 'score'))), 'score'):.2f}",
                    "绩效指标": f"{indicator_sum:.2f}" if any(v is not None for v in indicators) else None,
                    "总分": None if total is None else f"{rounded(Decimal(total), 'score'):.2f}",
                    "等次": None if total is None else grade_of(Decimal(total), completion.scheme_for(prefix)),
                },
            )
        )
    return out
