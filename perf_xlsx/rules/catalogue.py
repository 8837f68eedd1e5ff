"""The rule catalogue (审核规则目录), loaded from workbook_templates/rules.toml and checked as it loads.

Every rule is checked before any workbook is read: its kind exists, its severity is known, each of its
parameters is one its kind declares (params.py), of the declared type, and none required is missing; its
message template uses only fields its kind supplies. Anything wrong raises RuleCatalogueError naming the
file, the rule id and every problem, so a broken catalogue stops the program at start rather than
failing as a 提示 in every workbook.

The environment variable PERFXLSX_RULES names another rules.toml to use instead of the shipped one (a
local catalogue, or a test's).
"""

from __future__ import annotations

import dataclasses
import os
import re
import string
import tomllib
import types
import typing
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..errors import RuleCatalogueError, os_reason
from .params import EMITTED, MESSAGE_FIELDS, PARAMS, ParamError

SEVERITY_ZH = {"error": "错误", "warning": "提示", "rounding": "尾差"}
#: Severities a rule may be given (尾差 is what an identity broken only by rounding becomes).
RULE_SEVERITIES = ("error", "warning")
RULES_ENV = "PERFXLSX_RULES"
#: Rules the program refers to by id, with their kind: the reader's problems (`read-<problem>`), the values
#: --recompute replaces, what fill says about its output (`output-<what>`), and unit-slip, whose ratio and hints every 元/万元 check uses. A catalogue must have them.
REFERENCED = {
    "read-not-found": "reading",
    "read-unreadable": "reading",
    "read-error-value": "reading",
    "read-formula": "reading",
    "read-merged-fields": "reading",
    "read-hidden": "reading",
    "read-duplicate-sheet": "reading",
    "read-project-only": "reading",
    "read-block-missing": "reading",
    "recomputed": "recompute",
    "output-sheet-renamed": "output",
    "output-not-kept": "output",
    "unit-slip": "unit-slip",
}

P = TypeVar("P")


@dataclass(frozen=True)
class Rule(Generic[P]):
    """One rule (审核规则): id, family, severity, Chinese title, message template, kind and its typed parameters."""

    id: str
    family: str
    severity: str
    title: str
    kind: str
    params: P
    message: str = ""
    formula: str = ""

    @property
    def audited(self) -> bool:
        """Run by the audit (not a finding the reader or --recompute emits)."""
        return self.kind not in EMITTED


_CORE = ("id", "family", "severity", "title", "kind", "message", "formula")
_REQUIRED_CORE = ("id", "family", "severity", "title", "kind")


def load_rules() -> tuple[Rule, ...]:
    """Every rule of the catalogue in use, in catalogue order; raises RuleCatalogueError when it is broken."""
    return _load(os.environ.get(RULES_ENV, ""))


def rule(rule_id: str) -> Rule:
    """The catalogue entry of `rule_id` (KeyError when there is none)."""
    return _by_id(os.environ.get(RULES_ENV, ""))[rule_id]


@cache
def _by_id(override: str) -> dict[str, Rule]:
    return {r.id: r for r in _load(override)}


@cache
def _load(override: str) -> tuple[Rule, ...]:
    if override:
        where: Path | str = Path(override)
        try:
            text = Path(override).read_text("utf-8")
        except OSError as exc:
            raise RuleCatalogueError(
                [("", f"无法读取（{RULES_ENV} 指定的文件：{os_reason(exc, reading=True)}）")], where
            ) from exc
        except UnicodeDecodeError as exc:
            raise RuleCatalogueError([("", f"不是 UTF-8 编码的文本（{RULES_ENV} 指定的文件）")], where) from exc
    else:
        source = resources.files("perf_xlsx.workbook_templates").joinpath("rules.toml")
        where, text = str(source), source.read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleCatalogueError([("", _toml_error(exc))], where) from exc
    return parse(data, where)


def parse(data: dict[str, Any], where: Path | str = "rules.toml") -> tuple[Rule, ...]:
    """The rules of a parsed rules.toml, every problem of every rule collected into one RuleCatalogueError."""
    problems: list[tuple[str, str]] = []
    for key in data:
        if key != "rules":
            problems.append(("", f"未知的顶层项“{key}”（规则应写在 [[rules]] 下）"))
    entries = data.get("rules")
    if not isinstance(entries, list) or not entries:
        problems.append(("", "没有任何规则（应有若干 [[rules]]）"))
        entries = []
    rules: list[Rule] = []
    seen: set[str] = set()  # every id written, valid rule or not
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            problems.append(("", f"第 {number} 条规则应为一个表（[[rules]]），实为{_what(entry)}"))
            continue
        named = isinstance(entry.get("id"), str) and entry["id"].strip()
        mistakes: list[str] = []
        made = _rule(entry, mistakes)
        if named and entry["id"] in seen:
            mistakes.append("编号重复")
        problems += [(entry["id"], m) if named else ("", f"第 {number} 条规则：{m}") for m in mistakes]
        if named:
            seen.add(entry["id"])
        if made is not None and not mistakes:
            rules.append(made)
    kinds = {r.id: r.kind for r in rules}
    for rule_id, kind in REFERENCED.items():
        if rule_id not in seen:
            problems.append((rule_id, f"缺少这条规则（程序按编号使用它；kind = “{kind}”）"))
        elif rule_id in kinds and kinds[rule_id] != kind:
            problems.append((rule_id, f"kind 应为“{kind}”（程序按编号使用它），实为“{kinds[rule_id]}”"))
    if problems:
        raise RuleCatalogueError(problems, where)
    return tuple(rules)


def _rule(entry: dict[str, Any], mistakes: list[str]) -> Rule | None:
    """One [[rules]] entry as a Rule, or None; what is wrong with it is added to `mistakes`."""
    core: dict[str, str] = {}
    for key in _CORE:
        if key not in entry:
            if key in _REQUIRED_CORE:
                mistakes.append(f"缺少 {key}")
            continue
        if not isinstance(entry[key], str) or (key in _REQUIRED_CORE and not entry[key].strip()):
            mistakes.append(f"{key} 应为非空的文字（字符串），实为{_what(entry[key])}")
            continue
        core[key] = entry[key]
    if "severity" in core and core["severity"] not in RULE_SEVERITIES:
        wanted = "或".join(f"“{s}”（{SEVERITY_ZH[s]}）" for s in RULE_SEVERITIES)
        mistakes.append(
            f"严重程度 severity = “{core['severity']}”无效，应为{wanted}{_nearest(core['severity'], RULE_SEVERITIES)}"
        )
    kind = core.get("kind")
    if kind is None:
        return None
    spec = PARAMS.get(kind)
    if spec is None:
        mistakes.append(f"未知的规则类型 kind = “{kind}”{_nearest(kind, PARAMS)}；可用：{'、'.join(PARAMS)}")
        return None
    values = {k: v for k, v in entry.items() if k not in _CORE}
    params = _build(spec, values, "", mistakes)
    if kind not in ("reading", "output") and "message" not in core and "message" not in entry:
        mistakes.append("缺少 message（消息模板）")
    allowed = getattr(spec, "message_fields", MESSAGE_FIELDS) + getattr(spec, "placeholders", ())
    templates = [("message", core.get("message", ""), allowed)]
    if params is not None:
        templates += [(n, getattr(params, n), fields) for n, fields in getattr(spec, "templates", {}).items()]
    for name, template, fields in templates:
        mistakes += _template_mistakes(name, template, fields)
    if mistakes or params is None:
        return None
    return Rule(params=params, **core)


def _build(spec: Any, values: dict[str, Any], prefix: str, mistakes: list[str]) -> Any:
    """An instance of the parameters dataclass `spec` from `values`, or None; mistakes added."""
    fields = {f.name: f for f in _fields(spec)}
    hints = typing.get_type_hints(spec)
    count = len(mistakes)
    missing = [
        name
        for name, f in fields.items()
        if name not in values and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    for key in values:
        if key in fields:
            continue
        near = get_close_matches(key, list(fields), n=1, cutoff=0.6)
        if near and near[0] in missing:  # a misspelt required parameter: said once
            missing.remove(near[0])
            mistakes.append(f"参数名“{prefix}{key}”拼写有误，应为“{prefix}{near[0]}”")
        else:
            known = "、".join(prefix + k for k in fields) or "（无）"
            mistakes.append(f"未知参数“{prefix}{key}”{_nearest(key, fields, prefix)}；这类规则的参数有：{known}")
    for name in missing:
        mistakes.append(f"缺少参数“{prefix}{name}”（应为{_type_zh(hints[name])}）")
    kwargs: dict[str, Any] = {}
    for name in fields:
        if name not in values:
            continue
        try:
            kwargs[name] = _convert(values[name], hints[name], f"{prefix}{name}", mistakes)
        except _Reported:
            pass
        except ParamError as exc:
            mistakes.append(f"参数“{prefix}{name}”{exc}")
    if len(mistakes) > count:
        return None
    try:
        return spec(**kwargs)
    except ParamError as exc:
        mistakes.append(str(exc))
        return None


def _convert(value: Any, hint: Any, name: str, mistakes: list[str]) -> Any:
    """`value` as the declared type `hint`; raises ParamError saying what was expected."""
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    options = tuple(o for o in options if o is not type(None))
    for option in options:
        if option is str and isinstance(value, str):
            return value
        if option is bool and isinstance(value, bool):
            return value
        if typing.get_origin(option) is tuple and isinstance(value, list):
            bad = [i for i, v in enumerate(value, 1) if not isinstance(v, str)]
            if bad:
                raise ParamError(f"应为字符串列表，第 {bad[0]} 项是{_what(value[bad[0] - 1])}")
            return tuple(value)
        if option is Decimal and not isinstance(value, bool) and isinstance(value, (int, str)):
            try:
                number = Decimal(value.strip() if isinstance(value, str) else value)
            except InvalidOperation:
                raise ParamError(f'应为数，如 100 或 "0.5"，实为“{value}”') from None
            if not number.is_finite():
                raise ParamError(f"应为有限的数，实为“{value}”")
            return number
        if option is Decimal and isinstance(value, float):
            raise ParamError(f'是 TOML 小数 {value!r}，请写成整数或加引号的十进制数（如 "{value!r}"），以免二进制舍入')
        if dataclasses.is_dataclass(option) and isinstance(value, dict):
            built = _build(option, value, f"{name}.", mistakes)
            if built is None:
                raise _Reported
            return built
    raise ParamError(f"应为{_type_zh(hint)}，实为{_what(value)}")


class _Reported(ParamError):
    """A nested table whose own mistakes are already listed."""


def _template_mistakes(name: str, template: str, allowed: tuple[str, ...]) -> list[str]:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError:
        return [f"{name} 的花括号不成对（占位符写作 {{label}}，文字中的花括号写作 {{{{ 和 }}}}）"]
    out = []
    for field in fields:
        base = re.split(r"[.\[]", field, maxsplit=1)[0]
        if base not in allowed:
            shown = "、".join(f"{{{a}}}" for a in allowed)
            near = get_close_matches(base, allowed, n=1)
            hint = f"（是否应为 {{{near[0]}}}？）" if near else ""
            out.append(f"{name} 中的占位符 {{{field}}} 未知{hint}；可用：{shown}")
    return out


def _fields(spec: Any) -> tuple[dataclasses.Field, ...]:
    return dataclasses.fields(spec)


def _nearest(word: str, choices, prefix: str = "") -> str:
    near = get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"（是否应为“{prefix}{near[0]}”？）" if near else ""


def _type_zh(hint: Any) -> str:
    if isinstance(hint, types.UnionType):
        return "或".join(_type_zh(a) for a in typing.get_args(hint) if a is not type(None))
    if hint is str:
        return "文字（字符串）"
    if hint is Decimal:
        return '数（整数，或加引号的十进制数如 "0.5"）'
    if typing.get_origin(hint) is tuple:
        return '字符串列表（如 ["a", "b"]）'
    if dataclasses.is_dataclass(hint):
        return f"表（{{ {', '.join(f.name + ' = …' for f in _fields(hint))} }}）"
    return str(hint)


def _what(value: Any) -> str:
    """A TOML value's type, in Chinese, with the value."""
    names = {bool: "逻辑值", int: "整数", float: "小数", str: "文字", list: "列表", dict: "表"}
    kind = next((zh for t, zh in names.items() if isinstance(value, t)), "日期或时间")
    if isinstance(value, (list, dict)):
        return kind
    return f"{kind}“{value}”" if isinstance(value, str) else f"{kind} {value!r}"


def _toml_error(exc: tomllib.TOMLDecodeError) -> str:
    at = re.search(r"line (\d+), column (\d+)", str(exc))
    where = f"第 {at.group(1)} 行第 {at.group(2)} 列附近" if at else ""
    return f"不是有效的 TOML 文件：{where}格式有误（{exc}）"
