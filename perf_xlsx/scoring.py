"""Scoring scheme (评分方案): weights, grade bands, optional local caps and the local bases of figures
(计算口径), from workbook_templates/scoring_*.toml or a scheme file of the user's.

The default is the national scheme; a locality changes scoring by adding a scheme file (see
scoring_local_caps.toml) and choosing it with `--scheme NAME` (or `--scheme path/to/file.toml`), not by
changing code. A scheme may `extends` another and give only what differs (方案继承, see _merged).
The texts that describe a scheme — the grade bands, the weights, the qualitative bands — are made from
it (scheme_texts), so 审核结果, 计算过程, the rule messages and the template never restate them by hand.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import PerfXlsxError, read_advice
from .labels import clean

DEFAULT_SCHEME = "national"
#: A `--scheme` (or `extends`) ending in this names a scheme file by its path, not a packaged scheme by name.
SCHEME_FILE_SUFFIX = ".toml"


def _folder() -> Traversable:
    return resources.files("perf_xlsx.workbook_templates")


def available_schemes() -> list[str]:
    """Names of the scheme files (scoring_<name>.toml)."""
    return sorted(
        p.name[len("scoring_") : -len(".toml")]
        for p in _folder().iterdir()
        if p.name.startswith("scoring_") and p.name.endswith(".toml")
    )


def is_scheme_file(scheme: str) -> bool:
    """Does `scheme` name a file (a path ending in .toml) rather than a packaged scheme?"""
    return str(scheme).lower().endswith(SCHEME_FILE_SUFFIX)


#: 三公经费变动率 basis → the 基础数据表 column of the 本年 side (the 上年 side is always 上年决算数).
SANGONG_BASES = {"决算": "final", "预算": "budget"}


@cache
def load_scheme(name: str = DEFAULT_SCHEME) -> dict:
    """Load a scheme: a packaged one by name (`scoring_<name>.toml`), or a scheme file by its path (`….toml`).
    Its `extends` chain is resolved (see _merged). An unknown name or file, a broken file, an unknown parent,
    a cycle of `extends`, or a setting with a value it cannot have is a usage error (PerfXlsxError)."""
    file = _scheme_file(str(name))
    scheme = _resolved(file, ())
    where = _shown(file)
    label = scheme.get("name", name)
    basis = scheme.get("figures", {}).get("sangong_change_basis", "决算")
    if basis not in SANGONG_BASES:
        raise PerfXlsxError(
            f"评分方案“{label}”的 sangong_change_basis 为“{basis}”，应为"
            f"{'或'.join(f'“{b}”' for b in SANGONG_BASES)}（{where}）"
        )
    _check_weights_and_grades(scheme, label, where)
    _check_bands(scheme, label, where)
    return scheme


def _scheme_file(name: str) -> Traversable:
    """The file of a scheme named on the command line or in the API: a path, or a packaged scheme's name."""
    if is_scheme_file(name):
        path = Path(name)
        if not path.is_file():
            raise PerfXlsxError(f"评分方案文件“{name}”不存在")
        return path
    if name not in available_schemes():
        raise PerfXlsxError(
            f"没有名为“{name}”的评分方案；可用：{'、'.join(available_schemes())}，或评分方案文件（.toml）的路径"
        )
    return _folder().joinpath(f"scoring_{name}.toml")


def _shown(file: Traversable) -> str:
    """A scheme file as messages name it: a packaged one by its file name, a user's by its path."""
    return str(file) if isinstance(file, Path) and file.parent != Path(str(_folder())) else file.name


def _read(file: Traversable) -> dict:
    try:
        return tomllib.loads(file.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PerfXlsxError(f"评分方案文件“{_shown(file)}”不是有效的 TOML（{exc}）") from exc
    except OSError as exc:
        raise PerfXlsxError(f"无法读取评分方案文件“{_shown(file)}”（{read_advice(exc)}）") from exc


def _resolved(file: Traversable, chain: tuple[str, ...]) -> dict:
    """A scheme file with its `extends` chain merged in (parent first); `chain`: the files that extend it."""
    own = _read(file)
    parent = own.pop("extends", None)
    if parent is None:
        return own
    own.setdefault("name", file.name.removeprefix("scoring_").removesuffix(".toml"))  # never the parent's
    if not isinstance(parent, str) or not parent:
        raise PerfXlsxError(f'评分方案文件“{_shown(file)}”的 extends 应为一个评分方案的名称，如 extends = "national"')
    parent_file = _parent_file(parent, file)
    seen = (*chain, _identity(file))
    if _identity(parent_file) in seen:
        loop = [*seen[seen.index(_identity(parent_file)) :], _identity(parent_file)]
        raise PerfXlsxError(
            f"评分方案文件“{_shown(file)}”的 extends 形成循环：{' → '.join(Path(p).name for p in loop)}"
        )
    return _merged(_resolved(parent_file, seen), own)


def _parent_file(parent: str, child: Traversable) -> Traversable:
    """What `extends` names: a packaged scheme by name, or a file (….toml) relative to the child's folder."""
    if is_scheme_file(parent):
        path = Path(parent)
        if not path.is_absolute() and isinstance(child, Path):
            path = child.parent / path
        if not path.is_file():
            raise PerfXlsxError(f"评分方案文件“{_shown(child)}”的 extends 指向的“{parent}”不存在")
        return path
    if parent not in available_schemes():
        raise PerfXlsxError(
            f"评分方案文件“{_shown(child)}”的 extends 指向的评分方案“{parent}”不存在；"
            f"可用：{'、'.join(available_schemes())}"
        )
    return _folder().joinpath(f"scoring_{parent}.toml")


def _identity(file: Traversable) -> str:
    """One string per file, however it was named (for finding a cycle of `extends`)."""
    return str(file.resolve()) if isinstance(file, Path) else str(file)


def _merged(parent: dict, child: dict) -> dict:
    """A child scheme over its parent (继承规则): tables (`[weights]`, `[figures]`, `[qualitative]`, …) merge key
    by key, recursively; everything else — a number, a text, an array, an array of tables such as `[[grades]]`,
    `[[caps]]` or `[[qualitative.bands]]` — is the child's when the child gives it, whole (the parent's array is
    replaced, never appended to). A child's `name` is its own (by default its file's: scoring_<name>.toml)."""
    out = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def _check_weights_and_grades(scheme: dict, label: str, where: str) -> None:
    """[weights]: a number ≥ 0 for each part; [[grades]]: at least one, each a name and a floor (a number)."""
    weights = scheme.get("weights")
    if not isinstance(weights, dict) or not weights:
        raise PerfXlsxError(f"评分方案“{label}”没有 [weights]（各部分的分值）（{where}）")
    for part, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            raise PerfXlsxError(f"评分方案“{label}”中“{part}”的权重为“{weight}”，应为不小于 0 的数（{where}）")
    grades = scheme.get("grades")
    if not isinstance(grades, list) or not grades:
        raise PerfXlsxError(f"评分方案“{label}”没有 [[grades]]（评价等次）（{where}）")
    for grade in grades:
        floor = grade.get("floor") if isinstance(grade, dict) else None
        name = grade.get("name") if isinstance(grade, dict) else None
        if not isinstance(name, str) or not name or isinstance(floor, bool) or not isinstance(floor, int | float):
            raise PerfXlsxError(f"评分方案“{label}”的评价等次 {grade} 应写明 name（等次）和 floor（最低分）（{where}）")


def _check_bands(scheme: dict, name: str, where: str) -> None:
    """[qualitative] bands: 0 ≤ from ≤ to ≤ 100, and no word naming two bands."""
    owner: dict[str, str] = {}
    for band in scheme.get("qualitative", {}).get("bands", []):
        if not 0 <= band["from"] <= band["to"] <= 100:
            raise PerfXlsxError(
                f"评分方案“{name}”的定性指标档次“{band['name']}”为 {band['from']}%–{band['to']}%，"
                f"应在 0%–100% 之间且下限不大于上限（{where}）"
            )
        for word in band["words"]:
            if owner.setdefault(word, band["name"]) != band["name"]:
                raise PerfXlsxError(
                    f"评分方案“{name}”中“{word}”同时属于定性指标档次“{owner[word]}”和“{band['name']}”（{where}）"
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


def _grades(scheme: str) -> list[dict]:
    """The scheme's [[grades]], highest floor first."""
    return sorted(load_scheme(scheme)["grades"], key=lambda b: -b["floor"])


def grade_of(total: Decimal, scheme: str = DEFAULT_SCHEME) -> str:
    """评价等次: the first band (highest floor first) whose floor 总分 reaches, else the lowest band (see
    grades_text)."""
    bands = _grades(scheme)
    for band in bands:
        if total >= Decimal(str(band["floor"])):
            return band["name"]
    return bands[-1]["name"]


def _number(value: int | float | Decimal) -> str:
    """A number of a scheme file as texts show it: 90 → "90", 85.5 → "85.5", 90.0 → "90"."""
    return f"{Decimal(str(value)).normalize():f}"


def grades_text(scheme: str = DEFAULT_SCHEME) -> str:
    """等次划分 in words, from the scheme's [[grades]]: "≥90 优，≥80 良，≥60 中，其余 差" (national)."""
    bands = _grades(scheme)
    if len(bands) == 1:
        return f"一律 {bands[0]['name']}"
    return "，".join([*(f"≥{_number(b['floor'])} {b['name']}" for b in bands[:-1]), f"其余 {bands[-1]['name']}"])


def weights_text(scheme: str = DEFAULT_SCHEME) -> str:
    """权重分配 in words, from the scheme's [weights]: "预算执行 10、产出指标 50、效益指标 30、满意度指标 10"."""
    return "、".join(f"{name} {_number(weight)}" for name, weight in scheme_weights(scheme).items())


def total_weight(scheme: str = DEFAULT_SCHEME) -> Decimal:
    """总分的分值: Σ of the scheme's [weights] (100 in the national scheme)."""
    return sum(scheme_weights(scheme).values(), Decimal(0))


def qualitative_text(scheme: str = DEFAULT_SCHEME) -> str:
    """定性指标档次 in words, from the scheme's [qualitative]: "达成 80%–100%，部分达成 60%–80%，…"."""
    bands = load_scheme(scheme).get("qualitative", {}).get("bands", [])
    return "，".join(f"{b['name']} {_number(b['from'])}%–{_number(b['to'])}%" for b in bands) or "无"


def scheme_texts(scheme: str = DEFAULT_SCHEME) -> dict[str, str]:
    """The placeholders a rule's message or formula may use for the active scheme (rules.toml's header):
    {grades} (grades_text), {weights} (weights_text), {qualitative} (qualitative_text)."""
    return {"grades": grades_text(scheme), "weights": weights_text(scheme), "qualitative": qualitative_text(scheme)}


def with_scheme(text: str, scheme: str = DEFAULT_SCHEME) -> str:
    """`text` with the scheme_texts placeholders filled in; any other brace (“∈ {全年预算数, 全年执行数}”) is
    left as it is."""
    for key, value in scheme_texts(scheme).items():
        text = text.replace("{" + key + "}", value)
    return text


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
