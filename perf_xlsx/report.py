"""Findings and reports (审核结果与报告): data first; JSON and Chinese text are renderings of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .derive import Completion, rounded
from .figures import Figure

SEVERITIES = {"error": "错误", "warning": "提示", "rounding": "尾差"}
UNKNOWN_VALUE = ("unreadable", "error-value", "formula", "merged-fields")
#: 规则名称 of the reading problems, for the 审核结果 sheet.
READING_TITLES = {
    "not-found": "表样中未找到的栏目",
    "unreadable": "无法识别的数字",
    "error-value": "单元格显示错误值",
    "formula": "无法计算的公式",
    "merged-fields": "一个合并单元格跨了两栏金额",
    "hidden": "隐藏的工作表或行",
    "duplicate-sheet": "重复的工作表",
    "project-only": "只有项目支出绩效自评表",
}  # reading problems that leave a value unknown


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
    shown: dict[str, str] = field(default_factory=dict)  # stated/computed/… as the message shows them

    def text(self, name: str) -> str:
        """`stated`, `computed`, `difference` or `tolerance` as the message shows it (with its unit)."""
        if name in self.shown:
            return self.shown[name]
        value = getattr(self, name)
        return "" if value is None else str(value)

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
        }


def _num(value) -> str | None:
    return None if value is None else str(value)


@dataclass
class Report:
    """What `fill`/`check` found for one file (单个文件的结果)."""

    file: Path
    unit: str | None = None
    year: int | None = None
    figures: dict[str, Figure] = field(default_factory=dict)
    scores: dict[str, str | None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)
    output: Path | None = None
    error: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}

    @property
    def ok(self) -> bool:
        return self.error is None and self.counts["error"] == 0

    def flatten(self, keys: list[str]) -> list[list]:
        """Findings as lists of the given attributes, for one-line assertions."""
        return [[getattr(f, k) for k in keys] for f in self.findings]

    def as_json(self) -> dict:
        figures = {}
        for name, fig in self.figures.items():
            figures[name] = {
                "value": None if fig.value is None else f"{fig.percent:.2f}",
                "unit": fig.unit,
                "formula": fig.formula,
                "inputs": {i["label"]: {"value": _num(i["value"]), "cell": i["cell"]} for i in fig.inputs},
                "cell": fig.cell,
            }
            if fig.note:
                figures[name]["note"] = fig.note
        out = {
            "file": self.file.name,
            "unit": self.unit,
            "year": self.year,
            "figures": figures,
            "scores": self.scores,
            "findings": [f.as_json() for f in self.findings],
            "filled": self.filled,
        }
        if self.output is not None:
            out["output"] = str(self.output)
        if self.error is not None:
            out["error"] = self.error
        return out


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
    grade = completion.shown("dept.closing.grade") if "dept.closing.grade" in completion.filing.slots else None
    return {
        "预算执行": fmt(completion.shown("dept.money.total.score")),
        **{k: fmt(v) for k, v in blocks.items()},
        "总分": fmt(completion.shown("dept.closing.total")),
        "等次": grade,
    }


def problem_findings(completion: Completion) -> list[Finding]:
    """Reading problems (a field not found, a value not readable) as findings, so none is silent.

    A value that cannot be known — unreadable text, an error value (#DIV/0!), a formula perfxlsx does
    not work out — is an 错误; the rest (not found, hidden, a duplicate sheet) are 提示."""
    out = []
    for p in completion.filing.problems:
        severity = "error" if p["kind"] in UNKNOWN_VALUE else "warning"
        out.append(
            Finding(
                rule=f"read-{p['kind']}",
                severity=severity,
                sheet=p["sheet"],
                cell=p["cell"],
                message=p["message"],
                title=READING_TITLES.get(p["kind"], "读取问题"),
            )
        )
    return out
