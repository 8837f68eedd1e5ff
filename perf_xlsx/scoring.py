"""Scoring scheme (评分方案): weights, grade bands, optional local caps and the local bases of figures
(计算口径), from workbook_templates/scoring_*.toml.

The default is the national scheme; a locality changes scoring by adding a scheme file (see
scoring_local_caps.toml) and choosing it with `--scheme NAME`, not by changing code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources

from .errors import PerfXlsxError
from .labels import clean

DEFAULT_SCHEME = "national"


def _folder():
    return resources.files("perf_xlsx.workbook_templates")


def available_schemes() -> list[str]:
    """Names of the scheme files (scoring_<name>.toml)."""
    return sorted(
        p.name[len("scoring_") : -len(".toml")]
        for p in _folder().iterdir()
        if p.name.startswith("scoring_") and p.name.endswith(".toml")
    )


#: 三公经费变动率 basis → the 基础数据表 column of the 本年 side (the 上年 side is always 上年决算数).
SANGONG_BASES = {"决算": "final", "预算": "budget"}


@cache
def load_scheme(name: str = DEFAULT_SCHEME) -> dict:
    """Load `scoring_<name>.toml`; an unknown name, or a setting with a value it cannot have, is a usage error."""
    if name not in available_schemes():
        raise PerfXlsxError(f"没有名为“{name}”的评分方案；可用：{'、'.join(available_schemes())}")
    scheme = tomllib.loads(_folder().joinpath(f"scoring_{name}.toml").read_text("utf-8"))
    basis = scheme.get("figures", {}).get("sangong_change_basis", "决算")
    if basis not in SANGONG_BASES:
        raise PerfXlsxError(
            f"评分方案“{name}”的 sangong_change_basis 为“{basis}”，应为"
            f"{'或'.join(f'“{b}”' for b in SANGONG_BASES)}（scoring_{name}.toml）"
        )
    _check_bands(scheme, name)
    return scheme


def _check_bands(scheme: dict, name: str) -> None:
    """[qualitative] bands: 0 ≤ from ≤ to ≤ 100, and no word naming two bands."""
    owner: dict[str, str] = {}
    for band in scheme.get("qualitative", {}).get("bands", []):
        if not 0 <= band["from"] <= band["to"] <= 100:
            raise PerfXlsxError(
                f"评分方案“{name}”的定性指标档次“{band['name']}”为 {band['from']}%–{band['to']}%，"
                f"应在 0%–100% 之间且下限不大于上限（scoring_{name}.toml）"
            )
        for word in band["words"]:
            if owner.setdefault(word, band["name"]) != band["name"]:
                raise PerfXlsxError(
                    f"评分方案“{name}”中“{word}”同时属于定性指标档次“{owner[word]}”和"
                    f"“{band['name']}”（scoring_{name}.toml）"
                )


def sangong_change_basis(scheme: str = DEFAULT_SCHEME) -> str:
    """三公经费变动率的口径 *(local)*: "决算" compares 本年决算数 with 上年决算数 (湘西, the default);
    "预算" compares 本年预算数 with 上年决算数 (see scoring_national.toml)."""
    return load_scheme(scheme).get("figures", {}).get("sangong_change_basis", "决算")


def scheme_weights(scheme: str = DEFAULT_SCHEME) -> dict[str, Decimal]:
    """一级指标权重 (block weights) of a scheme by block name: 预算执行 10, 产出指标 50, 效益指标 30, 满意度指标 10."""
    return {name: Decimal(str(weight)) for name, weight in load_scheme(scheme)["weights"].items()}


def in_block(level1: str, block: str) -> bool:
    """An indicator's 一级指标 belongs to a scheme block (所属一级指标): "产出指标", "产出" and "产出指标（50分）"
    all belong to 产出指标."""
    return bool(level1) and level1.startswith(block.removesuffix("指标"))


def grade_of(total: Decimal, scheme: str = DEFAULT_SCHEME) -> str:
    """评价等次: the first band (highest floor first) whose floor 总分 reaches; ≥90 优, ≥80 良, ≥60 中, else 差."""
    bands = sorted(load_scheme(scheme)["grades"], key=lambda b: -b["floor"])
    for band in bands:
        if total >= Decimal(str(band["floor"])):
            return band["name"]
    return bands[-1]["name"]


def cap_total(total: Decimal, rate: Decimal | None, scheme: str = DEFAULT_SCHEME) -> tuple[Decimal, str]:
    """*(local)* 总分上限 by 预算执行率 band: returns the capped total and a note saying why (else "")."""
    if rate is None:
        return total, ""
    percent = (Decimal(rate) * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)  # as printed: 89.996% is 90.00%
    for cap in load_scheme(scheme).get("caps", []):
        if Decimal(str(cap["from"])) <= percent < Decimal(str(cap["below"])):
            limit = Decimal(str(cap["max_total"]))
            if total > limit:
                return limit, f"预算执行率 {percent:.2f}% 在 {cap['from']}%–{cap['below']}% 之间，总分封顶 {limit}"
    return total, ""


@dataclass(frozen=True)
class Band:
    """定性指标评分档次: a band a 实际完成值 may name (达成 …), and its share of the 分值 in percent (both ends included)."""

    name: str
    low: Decimal
    high: Decimal

    def bounds(self, weight: Decimal) -> tuple[Decimal, Decimal]:
        """The band's scores for a 分值: 分值 × percent, half-up to 0.01 as scores are shown."""
        cent = Decimal("0.01")
        return (
            (weight * self.low / 100).quantize(cent, ROUND_HALF_UP),
            (weight * self.high / 100).quantize(cent, ROUND_HALF_UP),
        )


_CLOSING_MARKS = "。.，,；;！!"


def named_band(text: object, scheme: str = DEFAULT_SCHEME) -> Band | None:
    """The band a 实际完成值 names (see [qualitative] of the scheme file): the whole cell, spaces and a closing
    mark removed, is one of a band's words, optionally followed by one of the suffixes. None otherwise."""
    if not isinstance(text, str):
        return None
    qualitative = load_scheme(scheme).get("qualitative", {})
    said = clean(text).rstrip(_CLOSING_MARKS)  # NFKC: ，→ ,
    for band in qualitative.get("bands", []):
        for word in band["words"]:
            if said == word or (said.startswith(word) and said[len(word) :] in qualitative.get("suffixes", [])):
                return Band(band["name"], Decimal(str(band["from"])), Decimal(str(band["to"])))
    return None
