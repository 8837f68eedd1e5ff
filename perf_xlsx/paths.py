"""输出路径 (output paths): which files are workbooks, and where and under which name each one's
completed copy goes, and the mode a finished output is published with (publish_mode). One home for
these, used by a single-file run, a folder run and watch alike, so the three always agree. Low level:
imports nothing from the rest of perf_xlsx.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

#: 工作簿扩展名: the workbooks perfxlsx reads.
SUFFIXES = (".xlsx", ".xlsm", ".xls")
#: 输出文件夹: made beside the input file, or inside the input folder, unless -o names another.
OUTPUT_DIR = "已生成"
#: 输出文件名后缀: `<文件名>_已填.xlsx`.
OUTPUT_SUFFIX = "_已填"
#: 汇总表: written beside the outputs of a folder run.
SUMMARY_NAME = "汇总.xlsx"
#: Where Linux states a process's umask (a line `Umask:\t0022`), read without changing it.
PROC_STATUS = "/proc/self/status"


@functools.cache
def _umask() -> int:
    """The process's umask (文件权限掩码), read once: os.umask can only be read by setting it, so it is set to
    0 and at once put back, and never again, which keeps the moment another thread would create a file
    under umask 0 as short and as rare as it can be. Linux states it in /proc/self/status, read first."""
    try:
        with open(PROC_STATUS, encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a newly created file of the user gets (0o666 minus the umask, e.g. 0644 under umask 022)."""
    return 0o666 & ~_umask()


def publish_mode(path: Path | str, replacing: Path | str | None = None) -> None:
    """Give a file written as a private temporary file (mkstemp makes it 0600) the mode it is published
    with (发布权限), so that once renamed into place others read it as they read any of the user's files:
    the mode of the file it will replace (`replacing`, when there is one: a colleague's 0664 output on a
    shared drive stays 0664 after a re-run), else that of a newly created file of the user (file_mode).
    Call it before the rename."""
    mode = file_mode()
    if replacing is not None:
        try:
            existing = os.stat(replacing)
        except OSError:  # nothing to replace (or nothing that can be looked at): a new file
            pass
        else:
            if stat.S_ISREG(existing.st_mode):
                mode = stat.S_IMODE(existing.st_mode) & 0o777
    os.chmod(path, mode)


def is_candidate(path: Path) -> bool:
    """A workbook a clerk dropped in: not a lock file (~$), not hidden, not one of our own outputs."""
    name = path.name
    return (
        path.suffix.lower() in SUFFIXES
        and not name.startswith(("~$", "."))
        and not path.stem.endswith(OUTPUT_SUFFIX)
        and name != SUMMARY_NAME
    )


@dataclass
class Found:
    """What a look through a folder found (查找结果): its workbooks, and the subfolders that could not be
    read (`unreadable`: each with the error why), whose workbooks are therefore unknown."""

    workbooks: list[Path] = field(default_factory=list)
    unreadable: list[tuple[Path, OSError]] = field(default_factory=list)


def scan(folder: Path, recursive: bool = False, exclude: Path | None = None) -> Found:
    """The workbooks of `folder` (and its subfolders with `recursive`), hidden folders, 已生成 and
    `exclude` skipped; a subfolder that cannot be listed is named in `unreadable`, never skipped in
    silence. `folder` itself unreadable raises its OSError. A workbook's name in a folder that can be
    listed but not entered (r without x) is listed: reading it then says why it cannot be read."""
    folder = Path(folder)
    found = Found()
    skipped = None if exclude is None else os.path.realpath(exclude)

    def unreadable(exc: OSError) -> None:
        if exc.filename is not None and os.path.realpath(exc.filename) == os.path.realpath(folder):
            raise exc
        found.unreadable.append((Path(exc.filename or folder), exc))

    walker = os.walk(folder, onerror=unreadable) if recursive else [(str(folder), [], os.listdir(folder))]
    for root, dirs, files in walker:
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d != OUTPUT_DIR
            and (skipped is None or os.path.realpath(Path(root, d)) != skipped)
        )
        for name in files:
            path = Path(root, name)
            if is_candidate(path) and _is_file(path):
                found.workbooks.append(path)
    found.workbooks.sort(key=lambda p: str(p.relative_to(folder)))
    found.unreadable.sort(key=lambda pair: str(pair[0]))
    return found


def _is_file(path: Path) -> bool:
    """A plain file, or one that cannot be looked at (its reading will say why)."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:  # gone since it was listed (or a broken link)
        return False
    except OSError:
        return True


def find_workbooks(folder: Path, recursive: bool = False, exclude: Path | None = None) -> list[Path]:
    """The workbooks scan() finds (its unreadable subfolders left out)."""
    return scan(folder, recursive, exclude).workbooks


def output_folder(path: Path, folder: Path, out_dir: Path) -> Path:
    """Where a file of a folder run goes: its subfolder of `folder`, mirrored under `out_dir`."""
    return Path(out_dir) / Path(path).parent.relative_to(folder)


def output_names(paths: Iterable[Path], folder: Path | None = None, out_dir: Path | None = None) -> dict[Path, str]:
    """输出文件名 of workbooks: `<文件名>_已填.xlsx`, and never one name twice in one output folder.

    Without `folder`, all are written to one folder. With `folder` and `out_dir` (a folder run), each
    goes to its subfolder mirrored under `out_dir` (output_folder), and is unique there.

    Workbooks that would share a name (`a.xls` beside `a.xlsx`; case is ignored, as Windows does)
    keep their extension in it: `a（xls）_已填.xlsx`, `a（xlsx）_已填.xlsx`. A name still shared after
    that (only with contrived names) gets `（2）`, `（3）`… in the order of the file names. The
    same set of files always gives the same names.
    """
    if folder is None or out_dir is None:
        return _names_in_one_folder(paths)
    groups: dict[Path, list[Path]] = {}
    for path in paths:
        groups.setdefault(output_folder(path, folder, out_dir), []).append(Path(path))
    names: dict[Path, str] = {}
    for group in groups.values():
        names.update(_names_in_one_folder(group))
    return names


def original_stem(path: Path) -> str:
    """The file name an output was made from: `a_已填.xlsx` → `a`, so a re-run on an output is named as the
    first run was (never `a_已填_已填.xlsx`); any other name as it is."""
    stem = Path(path).stem
    return stem.removesuffix(OUTPUT_SUFFIX) or stem


def _names_in_one_folder(paths: Iterable[Path]) -> dict[Path, str]:
    ordered = sorted({Path(p) for p in paths}, key=lambda p: (p.name.casefold(), p.name))
    stems: dict[str, int] = {}
    for p in ordered:
        stems[original_stem(p).casefold()] = stems.get(original_stem(p).casefold(), 0) + 1
    proposed = {
        p: original_stem(p)
        if stems[original_stem(p).casefold()] == 1
        else f"{original_stem(p)}（{p.suffix[1:].lower()}）"
        for p in ordered
    }
    taken = {base.casefold() for base in proposed.values()}
    used: set[str] = set()
    names = {}
    for p in ordered:
        base = proposed[p]
        if base.casefold() in used:
            n = 2
            while f"{base}（{n}）".casefold() in taken:
                n += 1
            base = f"{base}（{n}）"
            taken.add(base.casefold())
        used.add(base.casefold())
        names[p] = f"{base}{OUTPUT_SUFFIX}.xlsx"
    return names


def output_name(path: Path) -> str:
    """`<文件名>_已填.xlsx`, named as a folder run of the input's folder names it (see output_names)."""
    path = Path(path)
    try:
        siblings = find_workbooks(path.parent) if path.parent.is_dir() else []
    except (OSError, ValueError):  # a folder that cannot be listed: nothing beside it to tell apart
        siblings = []
    return output_names([path, *(p for p in siblings if p.name != path.name)])[path]


def output_path(path: Path, out_dir: Path | None = None, name: str | None = None) -> Path:
    """The output `name` (default: output_name), by default in `已生成/` beside the input."""
    path = Path(path)
    folder = Path(out_dir) if out_dir is not None else path.parent / OUTPUT_DIR
    return folder / (name or output_name(path))
