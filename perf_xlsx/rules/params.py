"""What each rule kind takes (规则参数): one frozen dataclass per kind, checked when the catalogue loads.

A field without a default is required. The types a rules.toml value may have:
- `str`: a TOML string;
- `tuple[str, ...]`: a TOML array of strings (field-key glob patterns, column ids…); a lone string is refused,
  since it would be read as its characters;
- `Decimal` (a limit, a ratio): a TOML integer (`100`) or a string holding a decimal number (`"0.5"`); a TOML
  float (`0.5`) is refused, because it is a binary fraction, not the decimal written;
- a nested dataclass (`budget = { block = "…", field = "…" }`): a TOML inline table, checked the same way.

A kind's `placeholders` are the message-template fields it supplies beyond the common ones (MESSAGE_FIELDS),
`message_fields` replaces the common ones, and `templates` names its other template parameters with the fields
each is given. Templates are checked at load too: a misspelt {placeholder} would fail in every workbook.
A `__post_init__` may refuse a combination of values by raising ParamError with a Chinese reason.
The kinds are in kinds.py; `reading`, `recompute` and `output` are catalogue entries for findings the reader,
`fill --recompute` and the writing of the output emit (EMITTED), which the audit does not run.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

#: The active scoring scheme's words every message may use (scoring.scheme_texts).
SCHEME_FIELDS = ("grades", "weights", "qualitative")
#: Fields every message template may use (see Audit.finding).
MESSAGE_FIELDS = (
    "label",
    "where",
    "stated",
    "computed",
    "difference",
    "tolerance",
    "formula",
    "detail",
    *SCHEME_FIELDS,
)

#: Kinds whose findings are emitted outside the audit: by the reader (`read-*`), by `fill --recompute`, and
#: by fill as it writes the output (`output-*`).
EMITTED = ("reading", "recompute", "output")

PARAMS: dict[str, type] = {}


class ParamError(ValueError):
    """A rule's parameters that do not fit together (参数不一致); the message is Chinese."""


def params(kind: str):
    """Register the dataclass as the parameters of `kind`."""

    def register(cls: type) -> type:
        PARAMS[kind] = cls
        return cls

    return register


# ---- identities ---------------------------------------------------------------------------------
@params("identity")
@dataclass(frozen=True)
class Identity:
    """derived = its parts: every derivation whose kind is `derivation` (one or a list) and whose target
    matches one of `targets`. `capped_message`: the template when the scheme caps a 总分."""

    derivation: str | tuple[str, ...]
    targets: tuple[str, ...]
    capped_message: str = ""
    templates: ClassVar[dict[str, tuple[str, ...]]] = {"capped_message": (*MESSAGE_FIELDS, "sum", "cap")}

    @property
    def derivations(self) -> tuple[str, ...]:
        return (self.derivation,) if isinstance(self.derivation, str) else self.derivation


@params("rows-equal")
@dataclass(frozen=True)
class RowsEqual:
    """The same institution's row of two tables agrees: `left` and `right` as "table.column"."""

    left: str
    right: str

    def __post_init__(self) -> None:
        for name in ("left", "right"):
            if getattr(self, name).count(".") != 1:
                raise ParamError(f'{name} 应写成“表.列”（如 "spending.total"），实为“{getattr(self, name)}”')


@params("equals")
@dataclass(frozen=True)
class Equals:
    """Two fields agree: `left` and `right`, or `left` and one of `right_any`."""

    left: str
    right: str = ""
    right_any: tuple[str, ...] = ()
    both_forms: bool = False  # a check between two forms a workbook need not both hold: silent without one

    def __post_init__(self) -> None:
        if bool(self.right) == bool(self.right_any):
            raise ParamError("right 与 right_any 应写且只写一个")


@params("at-most")
@dataclass(frozen=True)
class AtMost:
    """Σ `parts` ≤ `total`, for each of `columns`."""

    total: str
    parts: tuple[str, ...]
    columns: tuple[str, ...]


@params("projects")
@dataclass(frozen=True)
class Projects:
    """Σ 全年执行数 of the project sheets against the field `total`."""

    total: str


@params("duplicate-project")
@dataclass(frozen=True)
class DuplicateProject:
    """Two project sheets with the same 项目名称, 实施单位 and 全年执行数."""


# ---- 元/万元 --------------------------------------------------------------------------------------
_HINT = ("hint",)


@params("unit-slip")
@dataclass(frozen=True)
class UnitSlip:
    """A broken identity one amount explains, `ratio`× off; `too_big` / `too_small` are its {hint}s."""

    ratio: Decimal
    too_big: str
    too_small: str
    placeholders: ClassVar[tuple[str, ...]] = _HINT


@params("unit-slip-size")
@dataclass(frozen=True)
class UnitSlipSize:
    """An amount `size_ratio`× the department's size (the median of the `reference` totals); fields
    matching `exclude` are not checked."""

    size_ratio: Decimal
    reference: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    placeholders: ClassVar[tuple[str, ...]] = _HINT


@params("unit-slip-peers")
@dataclass(frozen=True)
class UnitSlipPeers:
    """An amount `peer_ratio`× the median of its column or row."""

    peer_ratio: Decimal
    placeholders: ClassVar[tuple[str, ...]] = _HINT


# ---- 合理性 ---------------------------------------------------------------------------------------
def _known_figure(name: str) -> None:
    from ..figures import REGISTRY

    names = [n for n, _, _ in REGISTRY]
    if name not in names:
        raise ParamError(f"没有名为“{name}”的指标；可用：{'、'.join(names)}")


@params("figure")
@dataclass(frozen=True)
class FigureLimit:
    """A §1 figure above `above` / below `below` (percent), or more than `gap` points from `other`."""

    figure: str
    above: Decimal | None = None
    below: Decimal | None = None
    other: str = ""
    gap: Decimal | None = None

    def __post_init__(self) -> None:
        _known_figure(self.figure)
        if self.other:
            _known_figure(self.other)
            if self.gap is None:
                raise ParamError("写了 other 就要写 gap（相差多少个百分点）")
        elif self.gap is not None:
            raise ParamError("写了 gap 就要写 other（与哪个指标比较）")
        elif self.above is None and self.below is None:
            raise ParamError("应写 above 或 below（或 other 与 gap）")


@params("no-reason")
@dataclass(frozen=True)
class NoReason:
    """`figure` below `below` (percent) and no 偏差原因 written."""

    figure: str
    below: Decimal

    def __post_init__(self) -> None:
        _known_figure(self.figure)


@params("negative")
@dataclass(frozen=True)
class Negative:
    """A stated amount below zero, except fields matching `allow`."""

    allow: tuple[str, ...] = ()


@params("zero-quota")
@dataclass(frozen=True)
class ZeroQuota:
    """编制数 0 with staff present."""


@params("over-weight")
@dataclass(frozen=True)
class OverWeight:
    """An indicator scored above its 分值."""


@params("qualitative-band")
@dataclass(frozen=True)
class QualitativeBand:
    """A qualitative indicator scored outside the band its 实际完成值 names."""

    placeholders: ClassVar[tuple[str, ...]] = ("actual", "band", "weight", "share", "span")


@dataclass(frozen=True)
class BudgetPart:
    """The budget part of a form's 分值: the scheme's block `block` is the one cell `field`."""

    block: str
    field: str


@params("weights")
@dataclass(frozen=True)
class Weights:
    """The 分值 of each part of `form` against the scheme's [weights]; their total against `total`,
    said with `total_message` ({stated}, {computed}, {detail})."""

    form: str
    budget: BudgetPart
    total: Decimal
    total_message: str
    templates: ClassVar[dict[str, tuple[str, ...]]] = {"total_message": ("stated", "computed", "detail")}


# ---- 完整性 ---------------------------------------------------------------------------------------
@params("required")
@dataclass(frozen=True)
class Required:
    """Each field matching `fields` (glob patterns over field keys) stated."""

    fields: tuple[str, ...]


@params("empty-block")
@dataclass(frozen=True)
class EmptyBlock:
    """A block of `blocks` (by 一级指标) of each of `forms` with no indicator filled in."""

    forms: tuple[str, ...]
    blocks: tuple[str, ...]


@params("unscored")
@dataclass(frozen=True)
class Unscored:
    """An indicator row whose 得分 is blank."""


# ---- emitted outside the audit ------------------------------------------------------------------
# ---- 连带 and the plausibility checks of form families ---------------------------------------------
@params("follows-wrong")
@dataclass(frozen=True)
class FollowsWrong:
    """A stated derived value that followed a value found wrong; `note` explains the rule in docs/rules.md."""

    note: str = ""
    placeholders: ClassVar[tuple[str, ...]] = ("typed",)


@params("negative-balance")
@dataclass(frozen=True)
class NegativeBalance:
    """A computed 当年结余 (`year_balance`) below 0 with no 上年结转 (`carryover`, "table.column"), or a
    computed 累计结余 (`cumulative`) below 0, said with `cumulative_message`, in each row of `table`."""

    table: str
    year_balance: str
    cumulative: str
    carryover: str
    cumulative_message: str
    templates: ClassVar[dict[str, tuple[str, ...]]] = {"cumulative_message": MESSAGE_FIELDS}


@params("score-times-actual")
@dataclass(frozen=True)
class ScoreTimesActual:
    """A percentage indicator scored 分值 × 实际值 instead of 分值 × min(实际/目标, 1); the form's 总分, when it
    adds up the scores as typed, said with `total_message` (it is short by the same amount)."""

    total_message: str
    placeholders: ClassVar[tuple[str, ...]] = ("weight", "actual", "target")
    templates: ClassVar[dict[str, tuple[str, ...]]] = {"total_message": (*MESSAGE_FIELDS, "rows")}


@params("block-points")
@dataclass(frozen=True)
class BlockPoints:
    """A block whose printed points differ from the Σ 分值 of its rows, or whose met rows' 得分 fall short
    (said with `met_message`)."""

    met_message: str
    placeholders: ClassVar[tuple[str, ...]] = ("points", "sum")
    templates: ClassVar[dict[str, tuple[str, ...]]] = {"met_message": (*MESSAGE_FIELDS, "points", "sum")}


@params("coefficient")
@dataclass(frozen=True)
class Coefficient:
    """A 得分系数 more than `gap` percentage points above what the indicator's 实际完成值 gives."""

    gap: Decimal


@params("listed-uses")
@dataclass(frozen=True)
class ListedUses:
    """The amounts a `text` field lists (`X万元用于…`) against the `total` field, for each form (keys below its prefix)."""

    text: str
    total: str


@params("reading")
@dataclass(frozen=True)
class Reading:
    """A reading problem (`read-<problem>`), emitted by the reader with its own message."""


@params("output")
@dataclass(frozen=True)
class Output:
    """Something about the output (`output-<what>`): a sheet renamed, content not kept; emitted by fill with
    its own message."""


@params("recompute")
@dataclass(frozen=True)
class Recompute:
    """A stated value replaced by `fill --recompute`; its message gets {label}, {stated}, {computed}."""

    message_fields: ClassVar[tuple[str, ...]] = ("label", "stated", "computed")


# ---- 与上年核对 (`--last-year`): run only when last year's workbook is given -----------------------
#: Placeholders every 与上年 message may use beyond the common ones: the two files, last year's cell and
#: label, and the two years.
LAST_YEAR_FIELDS = ("file", "last_file", "last_where", "last_label", "year", "last_year")


@params("last-year-year")
@dataclass(frozen=True)
class LastYearYear:
    """Last year's workbook is of the year before this year's (its year and this year's named)."""

    placeholders: ClassVar[tuple[str, ...]] = (*LAST_YEAR_FIELDS, "expected")


@params("last-year-equals")
@dataclass(frozen=True)
class LastYearEquals:
    """Each field matching `fields` (this year's 上年 figure) equals last year's field of the same row in the
    column `counterpart` (its 本年 figure), within the rounding envelope of both."""

    fields: tuple[str, ...]
    counterpart: str
    placeholders: ClassVar[tuple[str, ...]] = LAST_YEAR_FIELDS


@params("last-year-rows")
@dataclass(frozen=True)
class LastYearRows:
    """Each institution's `left` ("table.column") equals last year's `last` of the institution of the same
    name (the summary row with the summary row)."""

    left: str
    last: str
    note: str = ""
    placeholders: ClassVar[tuple[str, ...]] = LAST_YEAR_FIELDS

    def __post_init__(self) -> None:
        for name in ("left", "last"):
            if getattr(self, name).count(".") != 1:
                raise ParamError(f'{name} 应写成“表.列”（如 "spending.cumulative"），实为“{getattr(self, name)}”')


@params("last-year-change")
@dataclass(frozen=True)
class LastYearChange:
    """`field` changed from last year's by more than `limit` (a share: "0.2" is 20%)."""

    field: str
    limit: Decimal
    placeholders: ClassVar[tuple[str, ...]] = (*LAST_YEAR_FIELDS, "change", "limit")


@params("last-year-target")
@dataclass(frozen=True)
class LastYearTarget:
    """An indicator (by its name, on the form of the same kind: the 整体 form, a project form by 项目名称)
    whose 年度目标值 is below last year's 实际完成值 of the same indicator, in the same unit; a 反向 (≤)
    indicator is skipped (a lower ceiling is a stricter target)."""

    placeholders: ClassVar[tuple[str, ...]] = (*LAST_YEAR_FIELDS, "target", "last_actual")


@params("last-year-grade")
@dataclass(frozen=True)
class LastYearGrade:
    """The 评价等次 moved `bands` or more bands of the scoring scheme from last year's."""

    bands: Decimal
    placeholders: ClassVar[tuple[str, ...]] = (*LAST_YEAR_FIELDS, "grade", "last_grade")
