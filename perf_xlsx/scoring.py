"""Scoring scheme (评分方案): weights and grade bands, read from workbook_templates/scoring_*.toml."""
from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import cache
from importlib import resources

DEFAULT_SCHEME = "national"


@cache
def load_scheme(name: str = DEFAULT_SCHEME) -> dict:
    """Load `scoring_<name>.toml` from workbook_templates/."""
    text = resources.files("perf_xlsx.workbook_templates").joinpath(f"scoring_{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def grade_of(total: Decimal, scheme: str = DEFAULT_SCHEME) -> str:
    """评价等次: the first band (highest floor first) whose floor 总分 reaches; ≥90 优, ≥80 良, ≥60 中, else 差."""
    for band in sorted(load_scheme(scheme)["grades"], key=lambda b: -b["floor"]):
        if total >= Decimal(str(band["floor"])):
            return band["name"]
    return load_scheme(scheme)["grades"][-1]["name"]
