"""与上年配对 (`--last-year DIR` in a folder run): each workbook with last year's of the same unit.

A workbook is known by its 单位 (the unit name it states, compared as labels are: spaces and punctuation
aside) and its 预算编码 when its 封面 gives one. Two workbooks pair when their codes agree, or, when either
has no code, when their unit names agree. A unit that matches no workbook, or more than one, is not
paired: it is listed (本年无上年 / 上年无本年), never guessed by file name or position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .labels import label_key

BUDGET_CODE = "cover.head.budget_code"


@dataclass(frozen=True)
class Identity:
    """Who a workbook is (单位, 预算编码, 年度), as read from it; `unit` None: not read."""

    path: Path
    unit: str | None
    code: str | None = None
    year: int | None = None
    problem: str = ""  # why it could not be read (Chinese), when it could not


@dataclass
class Pairing:
    """This year's workbooks with last year's: `pairs` (this → last), and what stayed unpaired, with why."""

    pairs: dict[Path, Path] = field(default_factory=dict)
    unmatched: dict[Path, str] = field(default_factory=dict)  # this year's file → why it has no last year
    unmatched_last: list[Identity] = field(default_factory=list)  # last year's files no workbook took


def identify(path: Path) -> Identity:
    """The unit, 预算编码 and year a workbook states; a file that cannot be read gives its reason."""
    from .errors import PerfXlsxError
    from .loading import read_workbook
    from .reading import read_grids

    try:
        filing = read_grids(path, read_workbook(path).grids)
    except PerfXlsxError as exc:
        return Identity(path, None, problem=exc.describe())
    except Exception as exc:  # an unreadable file is listed, never a traceback
        return Identity(path, None, problem=f"文件“{path.name}”无法读取（{type(exc).__name__}）")
    slot = filing.slots.get(BUDGET_CODE)
    code = str(slot.value).strip() if slot is not None and slot.value not in (None, "") else None
    return Identity(path, filing.unit, code, filing.year)


def _same(a: Identity, b: Identity) -> bool:
    if a.code and b.code:
        return a.code == b.code
    return bool(a.unit and b.unit and label_key(a.unit) == label_key(b.unit))


def pair(this: list[Identity], last: list[Identity]) -> Pairing:
    """Pair each of `this` with the one of `last` of the same unit (see the module's docstring)."""
    out = Pairing()
    taken: set[Path] = set()
    for mine in this:
        if mine.unit is None and not mine.code:
            out.unmatched[mine.path] = "未识别单位名称，无法与上年配对"
            continue
        matches = [old for old in last if _same(mine, old)]
        theirs = [m for m in this if m is not mine and any(_same(m, old) for old in matches)]
        if len(matches) == 1 and not theirs:
            out.pairs[mine.path] = matches[0].path
            taken.add(matches[0].path)
        elif not matches:
            out.unmatched[mine.path] = f"上年文件夹中没有单位“{mine.unit or mine.code}”的工作簿，未与上年核对"
        else:
            names = "、".join(f"“{m.path.name}”" for m in matches)
            out.unmatched[mine.path] = (
                f"单位“{mine.unit or mine.code}”在两年中不止一个工作簿（上年：{names}），未配对，请逐个用 --last-year 核对"
            )
    out.unmatched_last = [old for old in last if old.path not in taken]
    return out
