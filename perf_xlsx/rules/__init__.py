"""审核 — run every rule of the catalogue over a completed workbook and collect every finding.

All rules run, all findings are collected (never stop at the first); a rule that fails is itself
reported as a finding, never a traceback. A rule whose parameters are wrong never gets that far: the
catalogue is checked as it loads (catalogue.py), before any workbook is read.
"""

from __future__ import annotations

from ..derive import Completion
from ..figures import Figure
from ..report import Finding
from .audit import Audit, LastYear
from .catalogue import Rule, load_rules, rule
from .emitted import output_finding, reading_findings, recomputed_finding
from .kinds import KINDS, LAST_YEAR_KINDS

SEVERITY_ORDER = {"error": 0, "warning": 1, "rounding": 2}


def run(completion: Completion, figures: dict[str, Figure], severity: str | None = None) -> list[Finding]:
    """Every finding of every rule, errors first, then by sheet order and cell. `severity`: only the rules of
    that severity (a rule's findings have its severity, or are 尾差 or a 提示 that it could not check, never
    an 错误 of a rule of another severity; rules never read each other's findings)."""
    audit = Audit(completion, figures)
    for entry in load_rules():
        if not entry.audited or entry.kind in LAST_YEAR_KINDS:  # emitted (emitted.py); 与上年: compare_years
            continue
        if severity is not None and entry.severity != severity:
            continue
        _run_rule(entry, audit)
    return ordered(audit.findings, completion)


def compare_years(completion: Completion, figures: dict[str, Figure], last: LastYear) -> list[Finding]:
    """The 与上年 rules (--last-year): this year's workbook against last year's. When the years do not
    follow on, only that is said: the other comparisons would compare the wrong years."""
    audit = Audit(completion, figures, last)
    for entry in load_rules():
        if entry.kind in LAST_YEAR_KINDS:
            _run_rule(entry, audit)
            if entry.kind == "last-year-year" and audit.findings:
                break
    return ordered(audit.findings, completion)


def _run_rule(entry: Rule, audit: Audit) -> None:
    try:
        KINDS[entry.kind](entry, audit)
    except Exception as exc:  # a bug in a kind must not hide the other rules
        audit.findings.append(
            Finding(
                rule=entry.id,
                severity="warning",
                sheet=None,
                cell=None,
                title=entry.title,
                message=f"规则“{entry.title}”执行失败（{type(exc).__name__}），请反馈给开发者",
            )
        )


def ordered(findings: list[Finding], completion: Completion) -> list[Finding]:
    """Errors first, then by sheet order and cell."""
    sheets = list(completion.filing.sheets.values())
    return sorted(
        findings,
        key=lambda f: (SEVERITY_ORDER[f.severity], _sheet_index(sheets, f.sheet), _cell_order(f.cell), f.rule),
    )


def _sheet_index(sheets: list[str], sheet: str | None) -> int:
    return sheets.index(sheet) if sheet in sheets else len(sheets)


def _cell_order(cell: str | None) -> tuple[int, str]:
    if not cell:
        return (0, "")
    letters = cell.rstrip("0123456789")
    return (int(cell[len(letters) :]), letters.rjust(3))


__all__ = [
    "run",
    "compare_years",
    "ordered",
    "LastYear",
    "Rule",
    "load_rules",
    "rule",
    "output_finding",
    "reading_findings",
    "recomputed_finding",
]
