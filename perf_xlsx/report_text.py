"""自评报告文字模板 (report text): the wording of the report draft, loaded from
workbook_templates/report_text.toml (or the file PERFXLSX_REPORT_TEXT names), and the numbers put into it
as the seed report writes them: 48,701,473.00元, 86.99%, 较上年减少23.56%, 95分.

A placeholder `{名称}` names a Value; `{名称:表格}` writes an amount in the tables' unit, `{名称:元}` and
`{名称:万元}` in that unit. A value the workbook does not hold is written `【待填写：名称】`.
"""

from __future__ import annotations

import os
import string
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from .derive import rounded
from .errors import PerfXlsxError

#: The environment variable naming another report_text.toml to use (本地的报告文字).
TEXT_ENV = "PERFXLSX_REPORT_TEXT"
UNITS = {"元": Decimal(10000), "万元": Decimal(1)}  # 元 or 万元 per 万元
#: Report.scores name → the name the text uses for it.
SCORES = {
    "预算执行": "预算执行得分",
    "产出": "产出得分",
    "效益": "效益得分",
    "满意度": "满意度得分",
    "总分": "总分",
    "等次": "评价等次",
}
#: Names the program gives besides [values], the figures and SCORES: the unit, the year, the number of 错误;
#: a project's scores; an 错误 of the appendix.
GIVEN = ("单位名称", "年度", "错误数", "项目预算执行得分", "项目绩效指标得分", "项目总分", "项目评价等次")
APPENDIX = ("序号", "位置", "说明")
CENT = Decimal("0.01")


class ReportTextError(PerfXlsxError):
    """The report's text template (自评报告文字模板) is broken: a name it does not know, a unit, TOML."""

    kind = "bad-report-text"


@dataclass(frozen=True)
class Value:
    """One value the text can name (报告取数): what it is (`amount` in 万元, `rate` and `change` as fractions,
    `score`, `count`, `text`) and its value; None when the workbook does not hold it."""

    name: str
    value: Any
    type: str = "text"

    @property
    def missing(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass
class Text:
    """The loaded template (报告文字): its settings and where it was read from."""

    data: dict
    source: str

    @property
    def units(self) -> dict:
        return self.data.get("units", {})

    def unit(self, which: str) -> str:
        """The unit (元/万元) of `body` or `tables`."""
        return self.units.get(which, "元" if which == "body" else "万元")

    def placeholder(self, what: str) -> str:
        return self.units.get("placeholder", "【待填写：{what}】").format(what=what)


def load_text(path: Path | str | None = None) -> Text:
    """The report text: `path`, else PERFXLSX_REPORT_TEXT, else the shipped report_text.toml."""
    path = path or os.environ.get(TEXT_ENV) or None
    try:
        if path is None:
            source = "workbook_templates/report_text.toml"
            raw = resources.files("perf_xlsx.workbook_templates").joinpath("report_text.toml").read_text("utf-8")
        else:
            source = str(path)
            raw = Path(path).read_text("utf-8")
        data = tomllib.loads(raw)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ReportTextError(f"自评报告文字模板“{path or source}”无法读取（{exc}），请改正后再运行。", path) from exc
    text = Text(data, source)
    _check_names(text, path)
    for which in ("body", "tables"):
        if text.unit(which) not in UNITS:
            raise ReportTextError(
                f"自评报告文字模板“{source}”中 units.{which} 应为“元”或“万元”，而不是“{text.unit(which)}”。", path
            )
    return text


def _templates(data: dict):
    """Every template string of the text with where it stands (cover.lines, body[3].paragraph …)."""
    cover, errors = data.get("cover", {}), data.get("errors", {})
    for name in ("title", "lines"):
        for n, line in enumerate(cover.get(name, [])):
            yield f"cover.{name}[{n + 1}]", line, ()
    for name in ("errors_notice", "draft_notice"):
        if name in cover:
            yield f"cover.{name}", cover[name], ()
    for part in ("body", "project"):
        for n, entry in enumerate(data.get(part, [])):
            for kind in ("title", "heading", "subheading", "paragraph"):
                if kind in entry:
                    yield f"{part}[{n + 1}].{kind}", entry[kind], ()
    for name in ("heading", "intro", "line"):
        if name in errors:
            yield f"errors.{name}", errors[name], APPENDIX if name == "line" else ()


def _check_names(text: Text, path) -> None:
    """Every {名称} of the text is one the draft gives (检查占位符), checked before any workbook is read."""
    from .figures import REGISTRY

    known = {*text.data.get("values", {}), *text.data.get("project_values", {}), *SCORES.values(), *GIVEN}
    known |= {name for name, _, _ in REGISTRY}
    for where, template, extra in _templates(text.data):
        try:
            names = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
        except ValueError as exc:
            raise ReportTextError(
                f"自评报告文字模板“{text.source}”中 {where} 的花括号不成对（{exc}）：占位符写作 {{名称}}。", path
            ) from exc
        for name in names:
            if name not in known and name not in extra:
                raise ReportTextError(
                    f"自评报告文字模板“{text.source}”中 {where} 的占位符 {{{name}}} 不认识：请写 [values] 中的名称、"
                    "指标名称或该文件开头列出的名称。",
                    path,
                )


def money(value: Decimal, unit: str) -> str:
    """An amount in 万元 written in `unit` with thousands separators and 2 decimals, half-up: 4870.15 → 48,701,500.00."""
    number = (Decimal(value) * UNITS[unit]).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{number:,.2f}"


def percent(value: Decimal) -> str:
    """A fraction as a percentage with 2 decimals, half-up: 0.86986… → 86.99%."""
    return f"{rounded(Decimal(value), 'rate') * 100:.2f}%"


def score(value) -> str:
    """A score as the seed writes it: whole points without decimals (95), else 2 decimals (8.76)."""
    number = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{number:.0f}" if number == number.to_integral_value() else f"{number:.2f}"


class Writer(string.Formatter):
    """Fills a template's `{名称}` from Values (填写占位符), in the units and words of the text."""

    def __init__(self, text: Text, values: dict[str, Value]):
        self.text, self.values = text, values

    def fill(self, template: str, extra: dict[str, Value] | None = None) -> str:
        saved = self.values
        if extra:
            self.values = {**saved, **extra}
        try:
            return self.format(template)
        finally:
            self.values = saved

    def get_value(self, key, args, kwargs):
        if key not in self.values:
            raise ReportTextError(
                f"自评报告文字模板“{self.text.source}”中的占位符 {{{key}}} 不认识：请写 [values] 中的名称或指标名称"
                "（见该文件开头的说明）。"
            )
        return self.values[key]

    def format_field(self, value, format_spec: str) -> str:
        return self.write(value, format_spec)

    def write(self, value: Value, spec: str = "", bare: bool = False) -> str:
        """One value as the text shows it; `bare`: an amount without its unit (in a table)."""
        if value.missing:
            return self.text.placeholder(value.name)
        if value.type == "amount":
            unit = self.text.unit("tables") if spec == "表格" else spec if spec in UNITS else self.text.unit("body")
            return money(value.value, unit) + ("" if bare else unit)
        if value.type == "rate":
            return percent(value.value)
        if value.type == "change":
            size = rounded(abs(Decimal(value.value)), "rate")
            if size == 0:
                return self.text.units.get("unchanged", "持平")
            word = self.text.units.get(
                "increase" if value.value > 0 else "decrease", "增加" if value.value > 0 else "减少"
            )
            return word + percent(size)
        if value.type == "score":
            return score(value.value)
        return str(value.value).strip()
