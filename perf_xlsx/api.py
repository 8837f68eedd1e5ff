"""The library's front door (公共接口): fill(), check(), write_template(). Never prints, never exits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import rules
from .derive import Completion
from .detect import unrecognised_message
from .errors import NotABasicDataWorkbook, PerfXlsxError
from .families import find_family, scheme_of, schemes_of
from .figures import compute
from .loading import Opened, read_workbook
from .model import Filing
from .own_sheets import own_sheets
from .paths import output_path
from .reading import read_grids
from .report import Report, projects_of, scores_of
from .rerun import filled_values, formula_cells, is_earlier_output, own_formulas
from .scoring import DEFAULT_SCHEME, load_scheme

if TYPE_CHECKING:
    from .inspection import Inspection


@dataclass
class Evaluation:
    """A workbook read and recomputed, ready to report on or to write."""

    opened: Opened  # the file as read: its Grids, and its openpyxl workbook once something needs it
    filing: Filing
    completion: Completion
    report: Report

    @property
    def workbook(self):
        """The input's openpyxl workbook, which the completed copy is written through: loaded on first
        access, so check and inspect, which never ask for it, never pay for loading it."""
        return self.opened.workbook


def evaluate(path: Path, scheme: str | None = None, form: str | None = None) -> Evaluation:
    """Read `path`, recompute every derived figure and run the rules; raises PerfXlsxError for an
    unreadable file. `scheme` names the scoring scheme (workbook_templates/scoring_<name>.toml), or is
    the path of a scheme file (….toml); by default the forms' family's (see families.scheme_of).
    `form` is the family every sheet is read as (default: each sheet's best match)."""
    path = Path(path)
    if scheme is not None:
        load_scheme(scheme)
    rules.load_rules()  # a broken rule catalogue is an error before any workbook is read
    opened = read_workbook(path)
    filing = read_grids(path, opened.grids, find_family(form) if form else None)
    filing.earlier_output = is_earlier_output(opened.grids)
    filing.own_sheets = own_sheets(opened.grids)
    if not filing.sheets:
        raise NotABasicDataWorkbook(unrecognised_message(filing.forms, form), path)
    if scheme is None:  # each form by its family's scheme (a workbook may mix families)
        filing.schemes = schemes_of(filing)
    return _with_own_formulas(path, opened, filing, scheme or scheme_of(filing))


def _with_own_formulas(path: Path, opened: Opened, filing: Filing, scheme: str) -> Evaluation:
    """Assess, the derived cells holding the formulas perfxlsx wrote on an earlier run taken as blank
    (rerun.own_formulas): recomputed and filled again, never kept as stated values. Only in an earlier
    output: in a clerk's own workbook a formula, even one like perfxlsx's, is the clerk's."""
    if filing.earlier_output:  # the plain values it filled, still as written: recomputed too
        for key in filled_values(opened.grids, filing):
            filing.slots[key].value, filing.slots[key].own_formula = None, True
    candidates = formula_cells(filing) if filing.earlier_output else []
    if not candidates:
        return _assess(path, opened, filing, scheme)
    typed = {k: filing.slots[k].value for k in candidates}
    for key in candidates:
        filing.slots[key].value = None
    trial = _assess(path, opened, filing, scheme)
    ours = own_formulas(trial.completion, candidates)
    for key in candidates:
        if key in ours:
            filing.slots[key].own_formula = True
        else:
            filing.slots[key].value = typed[key]
    return trial if ours == set(candidates) else _assess(path, opened, filing, scheme)


def _assess(path: Path, opened: Opened, filing: Filing, scheme: str) -> Evaluation:
    """Recompute a filing and run the rules on it (复算与审核).

    An amount found typed in the wrong unit (an 元/万元 slip, 错误) is then taken as unknown and the
    filing assessed again: totals, rates and checks built on it would otherwise carry a number
    10,000× off into the completed form and into a cascade of further 错误. The slip itself stays
    reported; the clerk's cell is left as it is. Then checks never build on a value they found
    wrong (see _set_aside).
    """
    ev = _assess_once(path, opened, filing, scheme)
    slips = [f for f in ev.report.findings if f.rule.startswith("unit-slip") and f.severity == "error"]
    slipped = [s for s in filing.slots.values() if s.found and s.stated and any(f.where == s.where for f in slips)]
    if slipped:
        for slot in slipped:
            slot.value, slot.error = None, "疑似元/万元填错，未参与计算"
        ev = _assess_once(path, opened, filing, scheme)
    ev = _set_aside(path, opened, filing, scheme, ev)
    if slipped:
        ev.report.findings += slips  # no longer found: the slipped amounts are unknown now
    return ev


#: Types of stated derived values that are set aside when found wrong: amounts and rates. A 尾差 is the
#: clerk's rounding (not an 错误), and scores and grades are the clerk's judgement: those always stand.
SET_ASIDE_TYPES = ("amount", "rate", "count", "area")


def _set_aside(path: Path, opened: Opened, filing: Filing, scheme: str, ev: Evaluation) -> Evaluation:
    """Checks never build on a value they found wrong (不采用填错的数).

    A stated derived value its formula contradicts beyond the rounding envelope (an 错误 of an identity
    rule, or one that followed such a value) is set aside: everything computed from it uses its computed
    value, and the stated cells downstream are checked against that (a 预算执行得分 typed for a wrong
    执行率, the 执行率 of a 年度资金总额 typed 0 while its parts hold money). The clerk's cell keeps its text
    and its own finding. Repeated until nothing new is found wrong.

    Two exceptions, where the stated value is no worse a guess than the computed one: a total computed
    from parts some of which were not found on the form; and a stated total that another stated amount
    agrees with (the summary row summing it, the same figure on another sheet: setting it aside would make
    that one disagree). Two cells agree on it, so the mistake is more likely in one of its parts: its own
    错误 stands, and what is built on it is checked as typed.
    """
    wrong = {r.id for r in rules.load_rules() if r.kind in ("identity", "follows-wrong")}
    as_typed = ev.completion
    aside: set[str] = set()
    kept: set[str] = set()  # stated totals other stated amounts agree with
    while True:
        flagged = {f.where for f in ev.report.findings if f.rule in wrong and f.severity == "error"}
        candidates = sorted(
            k
            for k, s in filing.slots.items()
            if k not in aside
            and k not in kept
            and s.found
            and s.stated
            and s.type in SET_ASIDE_TYPES
            and s.where in flagged
            and (result := ev.completion.results.get(k)) is not None
            and result.value is not None
            and not result.partial
        )
        before = _amount_errors(ev)
        accepted: set[str] = set()
        for key in candidates:
            trial = _assess_once(path, opened, filing, scheme, frozenset(aside | {key}), as_typed, trial=True)
            (kept if _amount_errors(trial) - before else accepted).add(key)
        if not accepted:
            return ev
        aside |= accepted
        ev = _assess_once(path, opened, filing, scheme, frozenset(aside), as_typed)


def _amount_errors(ev: Evaluation) -> set[tuple[str, str]]:
    """(rule, 表!单元格) of the 错误 found at amount cells."""
    amounts = {s.where for s in ev.filing.slots.values() if s.found and s.type == "amount"}
    return {(f.rule, f.where) for f in ev.report.findings if f.severity == "error" and f.where in amounts}


def _assess_once(
    path: Path,
    opened: Opened,
    filing: Filing,
    scheme: str,
    set_aside: frozenset[str] = frozenset(),
    as_typed: Completion | None = None,
    trial: bool = False,
) -> Evaluation:
    """Recompute and check once. A `trial` (a what-if of _set_aside, which asks only which 错误 it finds) runs
    only the rules whose findings are 错误 and leaves the report's scores and projects out."""
    completion = Completion(filing, scheme, set_aside, as_typed)
    figures = compute(completion)
    report = Report(
        file=path,
        unit=filing.unit,
        year=filing.year,
        figures=figures,
        sheets=filing.forms,
        scores={} if trial else scores_of(completion),
        findings=rules.reading_findings(completion) + rules.run(completion, figures, "error" if trial else None),
        projects=[] if trial else projects_of(completion),
        earlier_output=filing.earlier_output,
    )
    return Evaluation(opened, filing, completion, report)


def _recompute(ev: Evaluation, scheme: str) -> tuple[Evaluation, dict[str, object]]:
    """`--recompute` (按公式重算): every stated derived value its formula contradicts (an 错误; a 尾差 is
    the clerk's rounding and a score the clerk's judgement, so both stay — unless the score merely
    followed a value found wrong, rule follows-wrong) is replaced by the computed one, then the whole
    workbook again, so that what was built on a replaced value (a summary row, 当年结余, a rate)
    follows it; until no stated value is contradicted. Returns the new evaluation and the replaced
    values by key."""
    # stated derived vs formula, and stated values that followed one found wrong
    identities = {r.id for r in rules.load_rules() if r.kind in ("identity", "follows-wrong")}
    replaced: dict[str, object] = {}
    while True:
        flagged = {f.where for f in ev.report.findings if f.rule in identities and f.severity == "error"}
        keys = [
            k
            for k, s in ev.filing.slots.items()
            if s.found
            and s.stated
            and s.where in flagged
            and k not in replaced
            and ev.completion.computed(k) is not None
            and not ev.completion.results[k].partial
        ]
        if not keys:
            break
        for key in keys:
            replaced[key] = ev.filing.slots[key].value
            ev.filing.slots[key].value = None  # as if left blank: computed and filled in
        ev = _assess(ev.report.file, ev.opened, ev.filing, scheme)
    # a value flagged only because it was built on a wrong one is right again once that is fixed: kept
    kept = [k for k, old in replaced.items() if ev.completion.computed(k) == old]
    for key in kept:
        ev.filing.slots[key].value = replaced.pop(key)
    return (_assess(ev.report.file, ev.opened, ev.filing, scheme) if kept else ev), replaced


def check(path: Path, scheme: str | None = None, form: str | None = None, last_year: Path | None = None) -> Report:
    """Recompute and report, writing nothing (审核). With `last_year` (上年工作簿) also checked against it
    (与上年核对, see with_last_year)."""
    ev = evaluate(path, scheme, form)
    if last_year is not None:
        with_last_year(ev, last_year, scheme, form)
    return ev.report


def with_last_year(ev: Evaluation, last_year: Path, scheme: str | None = None, form: str | None = None) -> None:
    """与上年核对: read last year's workbook `last_year` the same way (as sent, or an earlier perfxlsx output;
    in 元 or 万元: values compare in 万元) and add the findings of the 与上年 rules to `ev`'s report. A
    workbook that cannot be read is a PerfXlsxError naming both files."""
    last_year = Path(last_year)
    try:
        old = evaluate(last_year, scheme, form)
    except PerfXlsxError as exc:
        raise PerfXlsxError(
            f"上年工作簿（--last-year）无法使用，未与上年核对：{exc.describe()}", ev.report.file
        ) from exc
    last = rules.LastYear(
        completion=old.completion,
        file=ev.report.file.name,
        last_file=last_year.name,
        scores=ev.report.scores,
        last_scores=old.report.scores,
    )
    found = rules.compare_years(ev.completion, ev.report.figures, last)
    ev.report.findings = rules.ordered(ev.report.findings + found, ev.completion)
    ev.report.last_year = last_year
    ev.report.last_year_report = old.report


def fill(
    path: Path,
    out_dir: Path | None = None,
    recompute: bool = False,
    scheme: str | None = None,
    name: str | None = None,
    form: str | None = None,
    values: bool = False,
    mark: bool = False,
    draft: bool = False,
    last_year: Path | None = None,
) -> Report:
    """Write the completed workbook (生成已填工作簿) and return the report. The input is never modified.

    Blank derived cells are filled; stated ones are kept and flagged, or with `recompute` replaced
    by the computed value (the old one kept in the cell comment and listed in 审核结果). The
    sheets 审核结果 and 计算过程 are added; 说明 typed into an earlier output is carried over: from the
    input itself when it is one (a re-run on an output, rerun.py), and from an output already at `target`.
    Flagged cells get a comment with the messages; `mark` (审核标注着色) also colours them by severity
    (a colour prints, so by default the official forms get none). An .xlsx/.xlsm is otherwise copied
    part for part: images, charts, data validation and extension parts stay (see completing.py).
    `name` is the output's file name (输出文件名), by default paths.output_name(path). With `draft` the
    自评报告 draft is written beside it too (write_draft), from the same evaluation. With `last_year` the
    workbook is also checked against last year's (with_last_year): those findings are in 审核结果 too.

    Filled cells whose value is spreadsheet arithmetic get a live formula with the computed value cached
    (excel_formulas.with_formulas), listed in 计算过程; with `values`, or for an .xls input (openpyxl
    cannot store a cached value), plain values.
    """
    from .completing import complete
    from .findings_sheet import carried_notes

    path = Path(path)
    target = output_path(path, out_dir, name)
    if os.path.realpath(target) == os.path.realpath(path):  # realpath: a symlink loop is not an error here
        raise PerfXlsxError("输出文件与输入文件相同，为保护原文件已停止；请换一个输出文件夹。", path)
    ev = evaluate(path, scheme, form)
    ev, replaced = _recompute(ev, ev.completion.scheme) if recompute else (ev, {})
    if last_year is not None:
        with_last_year(ev, last_year, scheme, form)
    report = ev.report
    earlier = (carried_notes(path) if report.earlier_output else []) + carried_notes(target)
    report.findings, filled = complete(
        lambda: ev.workbook,
        ev.completion,
        report,
        replaced,
        earlier,
        target,
        mark,
        values,
        ev.opened.data,
        ev.opened.strict,
    )
    report.filled = [ev.filing.slots[r.key].where for r in filled if r.key not in replaced]
    report.output = target
    if draft:
        report.draft = write_draft(ev, target.parent, target.name)
    return report


def report(
    path: Path, out_dir: Path | None = None, scheme: str | None = None, form: str | None = None, name: str | None = None
) -> Report:
    """Write the 整体支出绩效自评报告 draft (自评报告草稿) `<文件名>_自评报告.docx` of a workbook, by default in
    `已生成/` beside it, and return the report (its `draft` the file written). The input is never modified;
    a workbook with 错误 gets a draft that says so on its first page. `name` is the completed workbook's
    name the draft is named after (as in a folder run), by default paths.output_name(path)."""
    path = Path(path)
    target = output_path(path, out_dir, name)
    ev = evaluate(path, scheme, form)
    ev.report.draft = write_draft(ev, target.parent, target.name)
    return ev.report


def write_draft(ev: Evaluation, folder: Path, output_name: str) -> Path:
    """The draft of an evaluation, written as `<文件名>_自评报告.docx` into `folder` (see report_docx)."""
    from . import report_docx
    from .report_draft import build

    return report_docx.write_draft(build(ev), Path(folder) / report_docx.report_name(output_name))


def write_template(
    path: Path, year: int, unit: str = "", projects: int = 1, scheme: str = DEFAULT_SCHEME, level: str | None = None
) -> Path:
    """The blank 基础数据表 workbook a finance bureau issues (空白表样); the 分值 and 总分 it prints are the
    weights of the scoring scheme `scheme` (a name, or the path of a scheme file); `level` (州级, 县级 …) is
    printed in its labels, by default the level the unit's name says (template.unit_level)."""
    from . import clock
    from .template import Content, build
    from .writing import save_deterministic

    load_scheme(scheme)
    workbook = build(Content(year=year, unit=unit, level=level), project_count=projects, scheme=scheme)
    save_deterministic(workbook, Path(path), clock.zip_time())
    return Path(path)


def inspect(path: Path, form: str | None = None) -> Inspection:
    """What was read where (读取明细): each sheet's form and how sure, each field's cell, raw text and
    value, and the labels expected but not found. Runs no rule; a workbook with no known form is
    not an error here: the nearest form is shown."""
    from .inspection import inspect_filing

    path = Path(path)
    return inspect_filing(read_grids(path, read_workbook(path).grids, find_family(form) if form else None))
