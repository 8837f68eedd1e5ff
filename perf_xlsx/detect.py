"""Which form a sheet holds (表样识别): every family's layouts scored against the sheet's labels.

A layout's signature is its title fragments and the labels of its sections, fields, rows and
columns (each with its variants). A sheet matches a layout by its title (in the first rows) and by
the share of the signature found anywhere on it; the best score wins, ties go to the family listed
first. A sheet is taken for a form when its title is there, or, without a title, when at least
half of the signature is. What was matched, and how surely, is kept for `inspect` and the reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .families import Family, families
from .grid import Grid, LabelMatcher
from .labels import label_key
from .layout import Field, SheetLayout
from .model import SheetForm

#: Rows searched for a title: a title pushed down by a few inserted rows is still a title.
TITLE_ROWS = 12
#: Without its title, a sheet is a form when at least this share of the signature is on it.
UNTITLED_SHARE = 0.5


@dataclass(frozen=True)
class SheetMatch:
    """How one sheet matched one layout (识别结果)."""

    family: Family
    layout: SheetLayout
    title: bool  # the title was found
    found: tuple[str, ...]  # signature labels found
    missing: tuple[str, ...]  # signature labels not found

    @property
    def share(self) -> float:
        total = len(self.found) + len(self.missing)
        return len(self.found) / total if total else 0.0

    @property
    def score(self) -> float:
        """0–1: a title counts as much as the whole signature."""
        return (self.share + (1.0 if self.title else 0.0)) / 2

    @property
    def recognised(self) -> bool:
        return self.title or self.share >= UNTITLED_SHARE

    @property
    def kind(self) -> str:
        return self.layout.kind


@dataclass
class Signature:
    """A layout's labels, each a group of variants, by the name shown when it is missing."""

    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, variants) -> None:
        variants = tuple(v for v in variants if v)
        if variants:
            self.labels.setdefault(label_key(variants[0]), variants)


def signature(layout: SheetLayout) -> Signature:
    """Every label a sheet of this layout prints (section titles, fields, rows, columns)."""
    sig = Signature()

    def fields(items) -> None:
        for item in items or ():
            if isinstance(item, Field):
                sig.add(item.labels)

    for section in layout.sections:
        if section.get("title_labels"):
            sig.add(section["title_labels"])
        elif section.get("title") and section["type"] != "text":
            sig.add([section["title"]])
        for name in ("fields", "rows", "columns"):
            fields(section.get(name))
        for lst in section.get("lists", ()):
            fields([lst["total"], *lst["items"]])
        for name in ("total", "grade"):
            fields([section[name]] if name in section else [])
    return sig


#: Each layout's signature as ready matchers, built once per layout (by identity: layouts live as long
#: as their family, which is loaded once).
_MATCHERS: dict[int, tuple[SheetLayout, tuple[tuple[str, LabelMatcher], ...]]] = {}


def _matchers(layout: SheetLayout) -> tuple[tuple[str, LabelMatcher], ...]:
    cached = _MATCHERS.get(id(layout))
    if cached is None or cached[0] is not layout:
        cached = (layout, tuple((name, LabelMatcher(v)) for name, v in signature(layout).labels.items()))
        _MATCHERS[id(layout)] = cached
    return cached[1]


def match(grid: Grid, family: Family, layout: SheetLayout) -> SheetMatch:
    """Score one sheet against one layout."""
    rows = range(1, TITLE_ROWS + 1)
    title = any(grid.contains(label_key(fragment), rows) for fragment in layout.title_keys)
    index = grid.label_index()
    found: list[str] = []
    missing: list[str] = []
    for name, matcher in _matchers(layout):
        (found if matcher.matches_any(index) else missing).append(name)
    return SheetMatch(family, layout, title, tuple(found), tuple(missing))


def candidates(grid: Grid, only: Family | None = None) -> list[SheetMatch]:
    """Every (family, layout) scored against the sheet, best first (ties: the family listed first)."""
    pool = [only] if only is not None else list(families())
    scored = [match(grid, family, layout) for family in pool for layout in family.layouts]
    order = {id(m): i for i, m in enumerate(scored)}
    return sorted(scored, key=lambda m: (-m.score, order[id(m)]))


def identify(grid: Grid, only: Family | None = None) -> tuple[SheetMatch | None, SheetMatch | None]:
    """(the form the sheet holds, or None; the best candidate, for saying what was nearest)."""
    ranked = candidates(grid, only)
    best = ranked[0] if ranked else None
    chosen = next((m for m in ranked if m.recognised), None)
    return chosen, best


def unrecognised_message(forms: list[SheetForm], form: str | None = None) -> str:
    """未识别的表样: no sheet is a known form. Names the nearest family and layout, and its labels missing."""
    within = f"（已用 --form 限定为“{form}”）" if form else ""
    nearest = max(forms, key=lambda f: (f.title, f.share), default=None)
    advice = "请确认表格标题和栏目名称未被删改；本地表样可按 README“如何添加本地表样”添加，或用 --form 指定表样系列。"
    if nearest is None or not nearest.family_name:
        return f"未识别的表样{within}：工作簿中没有可读的工作表。"
    if not nearest.title and nearest.share == 0:
        known = "、".join(f.name for f in families())
        return (
            f"未识别的表样{within}：各工作表中既没有已知表样（{known}，见 perfxlsx forms）的标题，"
            f"也没有它们的栏目名称。{advice}"
        )
    layout_name = _layout_title(nearest)
    missing = "、".join(nearest.missing[:8]) + ("等" if len(nearest.missing) > 8 else "")
    total = round(nearest.share * 100)
    return (
        f"未识别的表样{within}：没有一张工作表是已知的表样。最接近的是工作表“{nearest.sheet}”与"
        f"{nearest.family_name}表样“{layout_name}”（{'标题相符' if nearest.title else '未找到标题'}，"
        f"标签相符 {total}%），缺少：{missing or '（无）'}。{advice}"
    )


def _layout_title(form: SheetForm) -> str:
    for family in families():
        if family.name == form.family_name:
            for layout in family.layouts:
                if layout.kind == form.prefix:
                    return label_key(layout.title)
    return form.prefix
