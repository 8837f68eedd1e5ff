"""Findings name columns as the sheet does (栏目名称): the header read from the sheet, else the layout's
Chinese label — never an internal field key (`budget`, `basic.funds.special.final`) or a `{year}` placeholder.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from perf_xlsx import api
from perf_xlsx.cli import cli
from perf_xlsx.errors import PerfXlsxError
from tests import families, messy
from tests.golden import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
FUND = "中小河流治理工程"


def named_fund(folder: Path) -> Path:
    """The sample with a named 专项资金 row (one row per fund between 3、专项资金 and 4、其他资金), a stated
    专项资金 budget its one fund does not add up to, and the budget column headed 本年预算数 (a label the
    layout also knows, not its first)."""
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["基础数据表"]
    ws["E6"] = "本年预算数"
    ws["A17"] = f"（1）{FUND}"
    ws["E17"], ws["F17"] = 500, 480
    ws["E16"] = 600
    folder.mkdir(parents=True, exist_ok=True)
    wb.save(folder / "专项资金.xlsx")
    return folder / "专项资金.xlsx"


def texts(report) -> list[str]:
    """Every text a user reads about the findings: message, formula, title and 项目."""
    return [t for f in report.findings for t in (f.message, f.formula, f.title, *f.labels) if t]


def internal_words(report, ev) -> list[str]:
    """Internal names found in the findings' texts: a part of a field key standing alone in Chinese text
    (`（budget）`), a dotted key, or a {placeholder}."""
    ids = {re.sub(r"\[\d+\]$", "", part) for key in ev.filing.slots for part in key.split(".")}
    ids = {i for i in ids if len(i) > 1 and not i.isdigit()}
    found = []
    for text in texts(report):
        for token in re.findall(r"[A-Za-z_{}][A-Za-z0-9_.{}\[\]]*", text):
            if token in ids or token.startswith("{") or re.fullmatch(r"[a-z_]+\d*(\.[a-z_\[\]0-9]+)+", token):
                found.append(f"{token} in {text[:80]}")
    return found


def test_a_named_funds_cells_are_named_by_the_sheets_header(tmp_path):
    path = named_fund(tmp_path)
    result = CliRunner().invoke(cli, ["fill", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output  # the 专项资金 budget does not add up: an 错误
    report = api.check(path)
    shown = "\n".join(texts(report))
    assert f"{FUND}（本年预算数）" in shown and "（budget）" not in shown
    assert internal_words(report, api.evaluate(path)) == []


def fixtures(folder: Path) -> list[Path]:
    return [
        SAMPLE,
        ROOT / "samples" / "模拟单位_2022_基础数据表.xlsx",
        named_fund(folder / "fund"),
        *messy.build_all(folder / "messy"),
        *families.build_all(folder / "families"),
    ]


def test_no_finding_on_the_fixtures_names_an_internal_key(tmp_path):
    leaks: dict[str, list[str]] = {}
    for path in fixtures(tmp_path):
        try:
            ev = api.evaluate(path)
        except PerfXlsxError:
            continue  # (a fixture that is refused has no findings)
        found = internal_words(ev.report, ev)
        if found:
            leaks[path.name] = found
    assert leaks == {}
