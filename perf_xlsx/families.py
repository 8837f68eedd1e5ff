"""Form families (表样系列): the layouts one kind of bureau issues, plus the scoring scheme they go with.

A family is a TOML file in workbook_templates/families/ (or in a folder named by the environment
variable PERFXLSX_FORMS, for a bureau's own forms): its id, Chinese name, scheme and the layout
files of its sheets. Layout files are looked up beside the family file first, then in
workbook_templates/. Adding a family is a data change: no Python code names one.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import PerfXlsxError
from .layout import SheetLayout, layout_from_text
from .model import Filing
from .scoring import DEFAULT_SCHEME

#: Environment variable naming extra folders of family files (os.pathsep-separated).
FORMS_ENV = "PERFXLSX_FORMS"


@dataclass(frozen=True)
class Family:
    """One form family (表样系列): e.g. 湖南 (基础数据表 + 收支情况 + 整体支出绩效自评表)."""

    id: str
    name: str
    title: str
    scheme: str
    layouts: tuple[SheetLayout, ...]
    source: str
    priority: int = 100
    notes: str = ""

    @property
    def label(self) -> str:
        """How messages name it: `湖南（hunan）`."""
        return f"{self.name}（{self.id}）"


def _package_folder() -> Traversable:
    return resources.files("perf_xlsx.workbook_templates")


def _extra_folders() -> list[Path]:
    value = os.environ.get(FORMS_ENV, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def _read_family(text: str, source: str, folder: Traversable | Path) -> Family:
    def fail(problem: str) -> PerfXlsxError:
        return PerfXlsxError(f"表样系列文件“{source}”{problem}；请改正该文件")

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"不是有效的 TOML（{exc}）") from exc
    for key in ("id", "name", "layouts"):
        if key not in data:
            raise fail(f"缺少 {key}")
    layouts = []
    for name in data["layouts"]:
        layout_text = _layout_text(name, folder)
        if layout_text is None:
            raise fail(f"所列的表样文件“{name}”不存在（在它所在的文件夹和 workbook_templates/ 中都没有找到）")
        try:
            layouts.append(layout_from_text(layout_text, name))
        except (KeyError, ValueError, TypeError, tomllib.TOMLDecodeError) as exc:
            raise fail(f"所列的表样文件“{name}”有误（{exc}）") from exc
    return Family(
        id=data["id"],
        name=data["name"],
        title=data.get("title", data["name"]),
        scheme=data.get("scheme", "national"),
        layouts=tuple(layouts),
        source=source,
        priority=int(data.get("priority", 100)),
        notes=data.get("notes", ""),
    )


def _layout_text(name: str, folder: Traversable | Path) -> str | None:
    for base in (folder, _package_folder()):
        candidate = base.joinpath(name)
        if candidate.is_file():
            return candidate.read_text("utf-8")
    return None


def _is_layout(text: str) -> bool:
    """A layout file (it describes a sheet: `kind` and `sections`/`tables`), not a family file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False  # reported as a broken family file
    return "kind" in data and ("sections" in data or "tables" in data) and "layouts" not in data


@cache
def _load(extra: tuple[str, ...]) -> tuple[Family, ...]:
    found: dict[str, Family] = {}
    package = _package_folder().joinpath("families")
    sources: list[tuple[Traversable | Path, str]] = [(package, "workbook_templates/families")]
    sources += [(Path(folder), str(folder)) for folder in extra]
    for folder, shown in sources:
        if not folder.is_dir():
            raise PerfXlsxError(f"表样文件夹“{shown}”不存在（环境变量 {FORMS_ENV}）")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if not (entry.name.endswith(".toml") and entry.is_file()):
                continue
            text = entry.read_text("utf-8")
            if _is_layout(text):
                continue  # a layout file a family lists, kept beside it
            family = _read_family(text, f"{shown}/{entry.name}", folder)
            found[family.id] = family  # a bureau's own file replaces a shipped one of the same id
    return tuple(sorted(found.values(), key=lambda f: (f.priority, f.id)))


def families() -> tuple[Family, ...]:
    """Every family, shipped ones and those of PERFXLSX_FORMS, in the order ties are decided."""
    return _load(tuple(str(p) for p in _extra_folders()))


def scheme_of(filing: Filing) -> str:
    """The scoring scheme a workbook is scored by when the user names none: its family's. A workbook
    mixing families takes the family of its 部门整体 form, else of its first form."""
    read = [f for f in filing.forms if f.recognised]
    chosen = next((f for f in read if f.kind == "department_form"), read[0] if read else None)
    if chosen is None:
        return DEFAULT_SCHEME
    family = next((f for f in families() if f.id == chosen.family), None)
    return family.scheme if family is not None else DEFAULT_SCHEME


def schemes_of(filing: Filing) -> dict[str, str]:
    """Each recognised form's scoring scheme (评分方案), by its prefix: its family's."""
    by_id = {f.id: f.scheme for f in families()}
    return {f.prefix: by_id[f.family] for f in filing.forms if f.recognised and f.family in by_id}


def find_family(name: str) -> Family:
    """The family a user named (by id or Chinese name), for `--form`; an unknown name is a usage error."""
    for family in families():
        if name in (family.id, family.name):
            return family
    known = "、".join(f.label for f in families())
    raise PerfXlsxError(f"没有名为“{name}”的表样系列；可用：{known}（perfxlsx forms 列出全部）")
