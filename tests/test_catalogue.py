"""审核规则目录: rules.toml is checked as it loads, and every finding a user can meet has an entry in it.

A broken catalogue (a misspelt, missing or ill-typed parameter, an unknown kind or severity) stops the
program before any workbook is read, with the file, the rule id and the problem: never a 提示 in every
workbook. Tests point the program at a broken copy with the PERFXLSX_RULES environment variable.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import EXIT_USAGE, cli
from perf_xlsx.errors import RuleCatalogueError
from perf_xlsx.rules import load_rules, rule
from perf_xlsx.rules.catalogue import REFERENCED, RULES_ENV, parse
from perf_xlsx.rules.kinds import KINDS
from perf_xlsx.rules.params import EMITTED, PARAMS, Identity, UnitSlip, Weights
from tests import clerk_content, hostile
from tests.golden import ROOT, SAMPLE
from tests.project_only import national_project
from tests.rule_cases import variant, where

RULES = ROOT / "workbook_templates" / "rules.toml"


def broken(folder: Path, old: str, new: str) -> Path:
    """A copy of the shipped rules.toml with `old` (which must occur once) replaced by `new`."""
    text = RULES.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = folder / "rules.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


#: case → (text in rules.toml, what it becomes, the rule id, words the message must hold)
BROKEN = {
    "misspelt": (
        'targets = ["basic.funds.car.*"]',
        'targts = ["basic.funds.car.*"]',
        "car-total",
        ("targts", "targets"),
    ),
    "missing": ("peer_ratio = 1000\n", "", "unit-slip-peers", ("缺少参数", "peer_ratio")),
    "string-for-list": (
        'targets = ["ie.income.*.total"]',
        'targets = "ie.income.*.total"',
        "income-total",
        ("targets", "字符串列表"),
    ),
    "float-number": ('gap = "5"', "gap = 5.5", "spending-rate-gap", ("gap", "TOML 小数", '"5.5"')),
    "not-a-number": ('below = "50"', 'below = "五十"', "low-procurement", ("below", "五十")),
    "unknown-kind": (
        'kind = "over-weight"',
        'kind = "overweight"',
        "indicator-over-weight",
        ("overweight", "over-weight"),
    ),
    "unknown-severity": (
        'severity = "warning"\ntitle = "编制数为 0 而有在职人员"',
        'severity = "warn"\ntitle = "编制数为 0 而有在职人员"',
        "zero-quota",
        ("severity", "warn"),
    ),
    "nested-table": (
        'budget = { block = "预算执行", field',
        'budget = { blok = "预算执行", field',
        "scheme-weights",
        ("budget.blok",),
    ),
    "unknown-figure": (
        'figure = "政府采购执行率"\nbelow = "50"',
        'figure = "政府采购率"\nbelow = "50"',
        "low-procurement",
        ("政府采购率",),
    ),
    "placeholder": ("{label} 为负数 {stated}", "{lable} 为负数 {stated}", "negative-amount", ("{lable}", "{label}")),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_catalogue_stops_the_program_at_start_naming_the_rule(case, tmp_path, monkeypatch):
    """Through the CLI, on a folder of two workbooks: one message naming the file, the rule and the problem,
    exit 2, nothing read, nothing written: not one 规则执行失败 per workbook."""
    old, new, rule_id, words = BROKEN[case]
    monkeypatch.setenv(RULES_ENV, str(broken(tmp_path, old, new)))
    folder = tmp_path / "各单位"
    folder.mkdir()
    for name in ("甲.xlsx", "乙.xlsx"):
        shutil.copy(SAMPLE, folder / name)
    for args in (["check", str(folder)], ["check", str(folder / "甲.xlsx"), "--json"], ["fill", str(folder)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == EXIT_USAGE, result.output
        assert result.stdout == ""
        [first, *_] = result.stderr.splitlines()
        assert first.startswith("错误：审核规则目录") and str(tmp_path / "rules.toml") in first
        assert f"规则“{rule_id}”" in result.stderr and all(w in result.stderr for w in words), result.stderr
        assert result.stderr.count("错误：") == 1 and "Traceback" not in result.stderr
        assert "执行失败" not in result.stderr and "甲" not in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["乙.xlsx", "甲.xlsx"]  # no 已生成 folder


def test_a_misspelt_parameter_fails_at_load_with_the_rule_id(tmp_path, monkeypatch):
    """The library raises before opening the workbook; the error lists the rule and suggests the name."""
    monkeypatch.setenv(RULES_ENV, str(broken(tmp_path, "peer_ratio = 1000", "peer_ratoi = 1000")))
    with pytest.raises(RuleCatalogueError) as caught:
        api.check(tmp_path / "不存在.xlsx")  # not reached: a missing file would be MissingFile
    assert caught.value.rules == ["unit-slip-peers"]
    assert "参数名“peer_ratoi”拼写有误，应为“peer_ratio”" in caught.value.describe()


def test_the_installed_program_stops_without_a_traceback(tmp_path):
    """`perfxlsx check` as a user runs it (a new process, main()): exit 2 and the Chinese message."""
    rules = broken(tmp_path, 'targets = ["basic.funds.car.*"]', 'targts = ["basic.funds.car.*"]')
    done = subprocess.run(
        [sys.executable, "-c", "from perf_xlsx.cli import main; main()", "check", str(SAMPLE)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**__import__("os").environ, RULES_ENV: str(rules), "PYTHONUTF8": "1"},
        timeout=120,
    )
    assert done.returncode == EXIT_USAGE and done.stdout == ""
    assert "规则“car-total”：参数名“targts”拼写有误，应为“targets”" in done.stderr and "Traceback" not in done.stderr


def test_every_problem_is_listed_at_once(tmp_path):
    """Several broken rules: one message, each rule on its own line."""
    data = tomllib.loads(RULES.read_text(encoding="utf-8"))
    entries = {r["id"]: r for r in data["rules"]}
    entries["car-total"]["targts"] = entries["car-total"].pop("targets")
    entries["zero-quota"]["severity"] = "fatal"
    del entries["unit-slip"]["ratio"]
    with pytest.raises(RuleCatalogueError) as caught:
        parse(data)
    assert caught.value.rules == ["car-total", "unit-slip", "zero-quota"]
    assert len(caught.value.describe().splitlines()) == 5


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda d: d["rules"].append(dict(d["rules"][0])), ("sangong-total", "编号重复")),
        (lambda d: d["rules"][0].pop("id"), ("第 1 条规则", "缺少 id")),
        (lambda d: d.update(rule=[]), ("未知的顶层项“rule”",)),
        (
            lambda d: d["rules"].pop(next(i for i, r in enumerate(d["rules"]) if r["id"] == "read-hidden")),
            ("read-hidden",),
        ),
        (lambda d: _entry(d, "breakdown-basis").update(right="x"), ("breakdown-basis", "right_any")),
        (lambda d: _entry(d, "spending-equals-income").update(left="spending"), ("spending-equals-income", "表.列")),
        (lambda d: _entry(d, "scheme-weights").update(total_message="{label}"), ("total_message", "{label}")),
        (lambda d: _entry(d, "required-blank").update(fields=["a", 1]), ("required-blank", "第 2 项")),
        (lambda d: _entry(d, "zero-quota").update(limit=1), ("zero-quota", "未知参数“limit”")),
    ],
)
def test_more_ways_a_catalogue_is_refused(mutate, words):
    data = tomllib.loads(RULES.read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(RuleCatalogueError) as caught:
        parse(data)
    assert all(w in caught.value.describe() for w in words), caught.value.describe()


def _entry(data: dict, rule_id: str) -> dict:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def test_a_catalogue_that_is_not_toml_or_not_there(tmp_path, monkeypatch):
    bad = tmp_path / "rules.toml"
    bad.write_text('[[rules]]\nid = "x"\nkind =\n', encoding="utf-8")
    monkeypatch.setenv(RULES_ENV, str(bad))
    result = CliRunner().invoke(cli, ["check", str(SAMPLE)])
    assert result.exit_code == EXIT_USAGE and "第 3 行" in result.stderr and "TOML" in result.stderr
    monkeypatch.setenv(RULES_ENV, str(tmp_path / "没有.toml"))
    result = CliRunner().invoke(cli, ["check", str(SAMPLE)])
    assert result.exit_code == EXIT_USAGE and "路径不存在" in result.stderr


def test_kinds_read_typed_parameters():
    """Numbers are Decimal, lists tuples, tables dataclasses: a kind never converts rules.toml text itself."""
    assert isinstance(rule("sangong-total").params, Identity) and rule("sangong-total").params.targets == (
        "basic.funds.sangong.*",
    )
    assert rule("stated-score").params.derivations == ("budget_score", "indicator_score", "weighted_score")
    slips = rule("unit-slip").params
    assert isinstance(slips, UnitSlip) and slips.ratio == Decimal(10000)
    weights = rule("scheme-weights").params
    assert isinstance(weights, Weights) and weights.total == Decimal(100) and weights.budget.block == "预算执行"
    assert rule("spending-rate-gap").params.gap == Decimal(5)


def test_messages_may_use_the_scheme_words_the_audit_supplies():
    from perf_xlsx.rules.params import SCHEME_FIELDS
    from perf_xlsx.scoring import scheme_texts

    assert set(scheme_texts()) == set(SCHEME_FIELDS)


def test_every_kind_declares_its_parameters():
    assert set(PARAMS) == set(KINDS) | set(EMITTED)
    assert {r.kind for r in load_rules()} <= set(PARAMS)


# ---- every finding a user can meet has a catalogue entry ----------------------------------------
def _emitted_ids() -> set[str]:
    """Rule ids the code names: `rule="…"` literals, the reader's problem kinds (read-<kind>), NumberError
    kinds, rules the audit looks up by id, and what fill says about its output (output_finding)."""
    found: set[str] = set()
    for path in (ROOT / "perf_xlsx").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'\brule="([a-z-]+)"', text))
        found |= set(re.findall(r'rule\("([a-z-]+)"\)', text))
        found |= set(re.findall(r'self\.rules(?:\.get\(|\[)"([a-z-]+)"', text))
        found |= {f"read-{k}" for k in re.findall(r'problem\(\s*"([a-z-]+)"', text)}
        found |= set(re.findall(r'output_finding\(\s*"([a-z-]+)"', text))
        if path.name in ("numbers.py", "formulas.py"):
            found |= {f"read-{k}" for k in re.findall(r'\bkind(?:: str)?\s*=\s*"([a-z-]+)"', text)}
    return found


def test_every_rule_id_the_code_can_emit_has_a_catalogue_entry():
    emitted = _emitted_ids()
    # the scan itself works: it finds each kind of reference
    assert {"recomputed", "unit-slip", "unit-slip-size", "read-not-found", "read-formula", "read-unreadable"} <= emitted
    assert {"read-error-value", "read-merged-fields", "read-hidden", "read-duplicate-sheet"} <= emitted
    ids = {r.id for r in load_rules()}
    assert emitted - ids == set(), "每个程序会报告的规则编号都要写进 workbook_templates/rules.toml"
    assert {"output-sheet-renamed", "output-not-kept"} <= emitted
    assert {i for i in emitted if i.startswith(("read-", "output-")) or i == "recomputed"} == {
        i for i, kind in REFERENCED.items() if kind in EMITTED
    }


def _hostile(case: str):
    return lambda folder: hostile.BUILDERS[case](folder)


def _merged(folder: Path) -> Path:
    """One number merged over 人员支出 and 公用支出 of an institution (as tests/test_messy_inputs.py)."""
    path = variant(folder, {})
    a, b = where("ie.spending.1.personnel"), where("ie.spending.1.public")
    wb = openpyxl.load_workbook(path)
    wb[b[0]][b[1]] = None
    wb[a[0]].merge_cells(f"{a[1]}:{b[1]}")
    wb.save(path)
    return path


def _without_block(folder: Path) -> Path:
    """The sample with a project form's 项目资金 header renamed: the form is read, its money block is not."""
    path = variant(folder, {})
    wb = openpyxl.load_workbook(path)
    ws = wb["项目1"]
    next(c for row in ws.iter_rows() for c in row if c.value == "项目资金（万元）").value = "（表头被删改）"
    wb.save(path)
    return path


#: A workbook where each finding the reader emits fires.
READING_CASES = {
    "read-not-found": _hostile("missing_section"),
    "read-unreadable": _hostile("approx_text"),
    "read-error-value": _hostile("formula_div0"),
    "read-formula": _hostile("formula_unsupported"),
    "read-merged-fields": _merged,
    "read-hidden": _hostile("hidden_sheet"),
    "read-duplicate-sheet": _hostile("duplicate_sheet"),
    "read-project-only": lambda folder: national_project(folder / "项目.xlsx"),
    "read-block-missing": lambda folder: _without_block(folder),
}


#: A workbook whose output gets each finding fill emits about it (written through fill, not check).
OUTPUT_CASES = {
    "output-sheet-renamed": lambda folder: clerk_content.with_clerk_sheets(folder),
    "output-not-kept": _hostile("xls_legacy"),
}


def test_every_emitted_finding_has_a_firing_case():
    emitted = sorted(r.id for r in load_rules() if not r.audited)
    assert sorted([*READING_CASES, *OUTPUT_CASES, "recomputed"]) == emitted


@pytest.mark.parametrize("rule_id", OUTPUT_CASES)
def test_output_findings_take_title_and_severity_from_the_catalogue(rule_id, tmp_path):
    report = api.fill(OUTPUT_CASES[rule_id](tmp_path), tmp_path / "out")
    entry = rule(rule_id)
    found = [f for f in report.findings if f.rule == rule_id]
    assert found and {(f.severity, f.title) for f in found} == {(entry.severity, entry.title)}


@pytest.mark.parametrize("rule_id", READING_CASES)
def test_reading_findings_take_title_and_severity_from_the_catalogue(rule_id, tmp_path):
    report = api.check(READING_CASES[rule_id](tmp_path))
    entry = rule(rule_id)
    found = [f for f in report.findings if f.rule == rule_id]
    assert found and {(f.severity, f.title) for f in found} == {(entry.severity, entry.title)}


def test_a_recomputed_value_takes_title_severity_and_message_from_the_catalogue(tmp_path, monkeypatch):
    path = variant(tmp_path, {"ie.income.1.total": 6096.32})
    shipped = RULES.read_text(encoding="utf-8")
    custom = tmp_path / "rules.toml"
    custom.write_text(
        shipped.replace("{label} 原填报 {stated}，已按公式重算为 {computed}", "{label}：{stated} → {computed}"),
        encoding="utf-8",
    )
    monkeypatch.setenv(RULES_ENV, str(custom))
    report = api.fill(path, tmp_path / "out", recompute=True)
    sheet, cell = where("ie.income.1.total")
    [found] = [f for f in report.findings if f.rule == "recomputed" and (f.sheet, f.cell) == (sheet, cell)]
    assert (found.severity, found.title) == ("warning", "已按公式重算（--recompute）")
    assert found.message.endswith("：6,096.32万元 → 6,096.02万元")
