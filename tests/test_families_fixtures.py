"""The form-family fixtures themselves (tests/families.py), not perfxlsx: each workbook opens, the consistent
ones add up when recomputed from the cells written, and each mistake fixture is wrong exactly at the cells
KNOWN_MISTAKES lists, holding the stated value there.

The recomputation below is written independently of tests/family_forms/: it reads the cells as a clerk sees
them (text numbers, percentages, `—`) and applies the families' rules from form-families.md and rules.md §4.
"""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from tests import families
from tests.families import BUILDERS, KNOWN_MISTAKES, SHEETS, layout

D = Decimal
ROOT = Path(__file__).resolve().parents[1]
CEILINGS = ("控制率", "调整率", "结转结余率", "变动率")  # bare targets that are upper limits (family C)


# ---- reading cells as a clerk typed them ------------------------------------------------------------
def q2(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def number(cell) -> Decimal | None:
    """A cell's number: floats by repr, text with `,` a unit or `%` stripped; `—` and blank are None.
    A percentage comes back in percent (94.57), whether typed as text or stored as 0.9457 with a % format."""
    value = cell.value
    if value is None:
        return None
    if isinstance(value, int | float):
        found = D(repr(value))
        return found * 100 if "%" in cell.number_format else found
    text = str(value).strip().replace(",", "")
    if text in ("", "—", "-", "/"):
        return None
    match = re.match(r"-?\d+(\.\d+)?", text)
    assert match, f"{cell.coordinate}: no number in {value!r}"
    return D(match.group())


def rate(cell) -> Decimal | None:
    """A rate in percent; a bare 1 (or 0.95) in a General cell is a fraction, as Hubei clerks type it."""
    found = number(cell)
    if found is not None and isinstance(cell.value, int | float) and "%" not in cell.number_format and found <= 1:
        return found * 100
    return found


def indicator_score(target: str, actual: str, points: Decimal, stated: Decimal | None) -> Decimal | None:
    """The right score of one indicator from its printed target and actual; None when it is the clerk's call."""
    goal, done = _leading_number(target), _leading_number(actual)
    if target.startswith("≤"):
        assert goal is not None and done is not None
        return points if done <= goal else q2(points * goal / done)
    if goal is not None and done is not None and not target.endswith(("前", "内")):
        return q2(points * min(done / goal, D(1)))
    if re.search(r"\d", target):  # a deadline (…前, …内), met as the actual says
        return points
    assert stated is not None and 0 <= stated <= points, f"qualitative score {stated} outside 0–{points}"
    return None


def _leading_number(text: str) -> Decimal | None:
    match = re.match(r"[≥≤=]?(-?\d+(\.\d+)?)", text.strip())
    return D(match.group(1)) if match else None


def grade(total: Decimal) -> str:
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


class Audit:
    """Collects the cells whose stated value differs from the recomputed one."""

    def __init__(self, ws, at: dict[str, str]):
        self.ws, self.at, self.wrong = ws, at, set[str]()

    def cell(self, key: str):
        return self.ws[self.at[key]]

    def num(self, key: str) -> Decimal:
        return number(self.cell(key)) or D(0)

    def expect(self, key: str, right: object, stated: object = None) -> None:
        stated = self.num(key) if stated is None else stated
        if stated != right:
            self.wrong.add(self.at[key])


# ---- one recomputation per family -------------------------------------------------------------------
def audit_n(ws, at: dict[str, str], form) -> set[str]:
    a = Audit(ws, at)
    total = {
        col: sum((a.num(f"money.{row}.{col}") for row in ("fiscal", "carryover", "other")), D(0))
        for col in ("initial", "budget", "actual")
    }
    for col, added in total.items():
        a.expect(f"money.total.{col}", added)
    share = total["actual"] / total["budget"]
    a.expect("money.total.rate", q2(share * 100), rate(a.cell("money.total.rate")))
    money_score = q2(a.num("money.total.points") * min(share, D(1)))
    a.expect("money.total.score", money_score)
    points: list[Decimal] = []
    scores: list[Decimal] = [money_score]
    count = sum(1 for key in at if key.endswith(".target"))
    for i in range(count):
        p, stated = a.num(f"ind.{i}.points"), a.num(f"ind.{i}.score")
        right = indicator_score(a.cell(f"ind.{i}.target").value, a.cell(f"ind.{i}.actual").value, p, stated)
        a.expect(f"ind.{i}.score", stated if right is None else right)
        points.append(p)
        scores.append(stated if right is None else right)
    for key in (k for k in at if k.startswith("block.")):
        first = int(key.split(".")[1])
        rows = next((m.max_row - m.min_row + 1 for m in ws.merged_cells.ranges if at[key] in m), 1)
        block = points[first : first + rows]
        printed = re.search(r"(\d+)分", a.cell(key).value)  # 产出指标(50分); the plain form prints no points
        assert printed is None or D(printed.group(1)) == sum(block), f"{at[key]}: block points {a.cell(key).value}"
    a.expect("total.points", a.num("money.total.points") + sum(points))
    a.expect("total.score", sum(scores, D(0)))
    if "grade" in at:
        a.expect("grade", grade(sum(scores, D(0))), a.cell("grade").value)
    uses = sum(D(x) for x in re.findall(r"([\d.]+)万元用于", a.cell("goal.uses").value))
    a.expect("goal.uses", total["actual"], uses)
    return a.wrong


def audit_b(ws, at: dict[str, str], form) -> set[str]:
    a = Audit(ws, at)
    share = a.num("money.actual") / a.num("money.budget")
    a.expect("money.rate", q2(share * 100), rate(a.cell("money.rate")))
    scores = [q2(20 * min(share, D(1)))]
    a.expect("money.score", scores[0])
    for g, goal in enumerate(form.project.goals):
        weights = []
        for i, row in enumerate(goal.rows):
            # the weight as printed, or (no 权重 column) as the form's author set it
            weight = a.num(f"goal.{g}.{i}.points") if f"goal.{g}.{i}.points" in at else row.points
            stated = a.num(f"goal.{g}.{i}.score")
            target, actual = a.cell(f"goal.{g}.{i}.target").value, a.cell(f"goal.{g}.{i}.actual").value
            right = indicator_score(target, actual, weight, stated)
            if right is None and "部分达成" in actual:  # Hubei band 80%–50%
                assert weight * D("0.5") <= stated <= weight * D("0.8")
            a.expect(f"goal.{g}.{i}.score", stated if right is None else right)
            scores.append(stated if right is None else right)
            weights.append(weight)
        printed = re.search(r"（(\d+)分）", a.cell(f"goal.{g}.label").value)
        assert printed and D(printed.group(1)) == sum(weights)
    a.expect("total.score", sum(scores, D(0)))
    return a.wrong


def audit_c(ws, at: dict[str, str], form) -> set[str]:
    a = Audit(ws, at)
    share = a.num("money.actual") / a.num("money.budget")
    a.expect("money.rate", q2(share * 100), rate(a.cell("money.rate")))
    money_score = q2(a.num("money.weight") * min(share, D(1)))
    a.expect("money.score", money_score)
    weights, scores = [], []
    for i in range(sum(1 for key in at if key.endswith(".coef"))):
        name, weight = a.cell(f"ind.{i}.name").value, a.num(f"ind.{i}.weight")
        if a.cell(f"ind.{i}.nature").value == "定性指标":
            assert a.cell(f"ind.{i}.actual").value == a.cell(f"ind.{i}.initial").value
            coefficient = D(100)
        else:
            goal = number(a.cell(f"ind.{i}.adjusted")) or a.num(f"ind.{i}.initial")
            done = a.num(f"ind.{i}.actual")
            if any(word in name for word in CEILINGS):
                fraction = D(1) if done <= goal else goal / done
            else:
                fraction = min(done / goal, D(1))
            coefficient = q2(fraction * 100)
        a.expect(f"ind.{i}.coef", coefficient, rate(a.cell(f"ind.{i}.coef")))
        score = q2(weight * coefficient / 100)
        a.expect(f"ind.{i}.score", score)
        weights.append(weight)
        scores.append(score)
    a.expect("sum.weight", sum(weights, D(0)))
    a.expect("sum.score", sum(scores, D(0)))
    a.expect("total.score", money_score + sum(scores, D(0)))
    assert money_score <= a.num("money.weight") and sum(weights) + a.num("money.weight") == 100
    return a.wrong


def audit_r(ws, at: dict[str, str], form) -> set[str]:
    if "staff.quota" in at:
        quota, staff = number(ws[at["staff.quota"]]), number(ws[at["staff.actual"]])
        assert quota and staff and 0 < staff <= quota
    if "cover.date" in at:
        assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", ws[at["cover.date"]].value)
        assert re.fullmatch(r"\d+", ws[at["cover.budget_code"]].value)
        assert ws[at["cover.unit"]].value.startswith("单位名称")
    return set()


def audit_other(ws, at: dict[str, str], form) -> set[str]:
    a = Audit(ws, at)
    amounts = []
    for i in range(sum(1 for key in at if key.endswith(".amount"))):
        amounts.append(a.num(f"item.{i}.price") * a.num(f"item.{i}.count"))
        a.expect(f"item.{i}.amount", amounts[-1])
    if "total" in at:
        a.expect("total", sum(amounts, D(0)))
    return a.wrong


AUDITS = {"N": audit_n, "B": audit_b, "C": audit_c, "R": audit_r, "": audit_other}


# ---- the tests --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("families")
    return {name: build(folder) for name, build in BUILDERS.items()}


def test_one_builder_per_fixture():
    assert list(BUILDERS) == list(SHEETS)
    assert all(name.startswith(("n_", "b_", "c_", "r_", "unrelated", "mixed")) for name in BUILDERS)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_builder_writes_a_workbook_openpyxl_opens(written, name):
    path = written[name]
    assert path.name == f"{name}.xlsx" and path.stat().st_size > 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [title for title, _ in SHEETS[name]]
    assert all(ws.max_row > 3 for ws in wb.worksheets)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_wrong_exactly_where_known(written, name):
    """Recomputed from the cells written: consistent fixtures have no wrong cell; mistake fixtures are wrong
    exactly at their KNOWN_MISTAKES cells."""
    wb = openpyxl.load_workbook(written[name])
    for title, form, at in layout(name):
        wrong = AUDITS[form.family](wb[title], at, form)
        known = {m.cell for m in KNOWN_MISTAKES if m.builder is BUILDERS[name] and m.sheet == title}
        assert wrong == known, title


def test_consistent_and_mistake_fixtures_are_told_apart():
    with_mistakes = {m.builder.__name__.removeprefix("build_") for m in KNOWN_MISTAKES}
    typed = {name for name, sheets in SHEETS.items() if any(form.typed for _, form in sheets)}
    assert (
        with_mistakes
        == typed
        == {
            "n_total_left_zero",
            "n_uses_not_adding_up",
            "n_rate_typed_full",
            "n_total_zero_bennian",
            "b_met_scored_as_product",
            "c_coefficient_full_on_missed",
        }
    )


@pytest.mark.parametrize("mistake", KNOWN_MISTAKES, ids=lambda m: f"{m.builder.__name__}-{m.cell}")
def test_known_mistake_cell_holds_the_stated_value(written, mistake):
    cell = openpyxl.load_workbook(written[mistake.builder.__name__.removeprefix("build_")])[mistake.sheet][mistake.cell]
    if mistake.unit == "等次":
        assert cell.value == mistake.stated
    elif isinstance(cell.value, str) and "万元用于" in cell.value:
        assert sum(D(x) for x in re.findall(r"([\d.]+)万元用于", cell.value)) == D(mistake.stated)
    elif mistake.unit == "%":
        assert rate(cell) == D(mistake.stated)
    else:
        assert number(cell) == D(mistake.stated)
    assert mistake.stated != mistake.correct and mistake.description


@pytest.mark.parametrize("mistake", KNOWN_MISTAKES, ids=lambda m: f"{m.builder.__name__}-{m.cell}")
def test_docstring_names_the_wrong_cell_and_right_value(mistake):
    doc = " ".join((mistake.builder.__doc__ or "").split())
    assert mistake.sheet in doc and re.search(rf"\b{mistake.cell}\b", doc), mistake
    assert mistake.correct in doc or mistake.correct.removesuffix(".00") in doc, mistake


@pytest.mark.parametrize("name", [n for n, sheets in SHEETS.items() if not any(form.typed for _, form in sheets)])
def test_consistent_docstring_gives_the_total(name):
    """A consistent fixture's docstring states its 总分 (自评总分) as the forms compute it."""
    doc = " ".join((BUILDERS[name].__doc__ or "").split())
    for _, form in SHEETS[name]:
        total = form.figures().get("total.score")
        assert total is None or f"{total:.2f}" in doc, (name, total)


def test_the_issue_figures():
    """The numbers issue 11 and form-families.md give for their examples."""
    found = {(m.builder.__name__, m.description.split("：")[1]): (m.stated, m.correct) for m in KNOWN_MISTAKES}
    assert found["build_n_rate_typed_full", "年度资金总额 执行率"] == ("100.00", "80.45")
    assert found["build_n_rate_typed_full", "年度资金总额 得分"] == ("10.00", "8.04")
    assert found["build_n_total_zero_bennian", "年度资金总额 全年预算数"] == ("0.00", "90.00")
    assert found["build_b_met_scored_as_product", "年度绩效目标1 指标“培训对象满意度”得分"] == ("19.60", "20.00")
    assert found["build_c_coefficient_full_on_missed", "指标“政府采购执行率”得分系数"] == ("100.00", "72.74")


def test_same_content_same_bytes(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    assert families.build_n_project(first).read_bytes() == families.build_n_project(second).read_bytes()


def test_python_m_writes_every_fixture(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "tests.families", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{name}.xlsx" for name in BUILDERS)
