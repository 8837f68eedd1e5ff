"""The rule catalogue (审核规则目录), loaded from workbook_templates/rules.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

SEVERITY_ZH = {"error": "错误", "warning": "提示", "rounding": "尾差"}


@dataclass(frozen=True)
class Rule:
    """One rule (审核规则): id, family, severity, Chinese title, message template, kind and parameters."""

    id: str
    family: str
    severity: str
    title: str
    kind: str
    message: str
    formula: str = ""
    params: dict = field(default_factory=dict, hash=False, compare=False)

    def get(self, key: str, default=None):
        return self.params.get(key, default)


_CORE = {"id", "family", "severity", "title", "kind", "message", "formula"}


@cache
def load_rules() -> tuple[Rule, ...]:
    """Every rule of the catalogue, in catalogue order."""
    text = resources.files("perf_xlsx.workbook_templates").joinpath("rules.toml").read_text("utf-8")
    rules = []
    for entry in tomllib.loads(text)["rules"]:
        params = {k: v for k, v in entry.items() if k not in _CORE}
        rules.append(Rule(**{k: entry[k] for k in _CORE if k in entry}, params=params))
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise ValueError("rules.toml: duplicate rule id")
    return tuple(rules)
