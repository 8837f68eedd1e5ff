"""文件夹批处理: every workbook of a folder, in parallel worker processes; a bad file never stops the rest.

Each worker runs the same `api.fill` as a single-file run, so every result is identical to one;
only a small picklable summary (BatchRow) comes back. Outputs are written atomically by the
workers, so stopping with Ctrl-C leaves finished outputs and no half-written one.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .api import OUTPUT_DIR, OUTPUT_SUFFIX

SUFFIXES = (".xlsx", ".xlsm", ".xls")
SUMMARY_NAME = "汇总.xlsx"


@dataclass
class BatchRow:
    """One workbook's result in a folder run (汇总行)."""

    file: str
    unit: str | None = None
    year: int | None = None
    rates: dict[str, str | None] = field(default_factory=dict)
    scores: dict[str, str | None] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "rounding": 0})
    errors: list[tuple[str, str]] = field(default_factory=list)  # (表!单元格, message) of every 错误
    output: str | None = None
    reason: str | None = None  # why the file could not be processed

    @property
    def status(self) -> str:
        if self.reason:
            return "无法处理"
        return "有错误" if self.counts["error"] else "通过"

    @property
    def ok(self) -> bool:
        return self.reason is None and self.counts["error"] == 0


def is_candidate(path: Path) -> bool:
    """A workbook a clerk dropped in: not a lock file (~$), not hidden, not one of our own outputs."""
    name = path.name
    return (
        path.suffix.lower() in SUFFIXES
        and not name.startswith(("~$", "."))
        and not path.stem.endswith(OUTPUT_SUFFIX)
        and name != SUMMARY_NAME
    )


def find_workbooks(folder: Path, recursive: bool = False, exclude: Path | None = None) -> list[Path]:
    """The workbooks of `folder` (and its subfolders with `recursive`), hidden folders and `exclude` skipped."""
    folder = Path(folder)
    found = []
    walker = os.walk(folder) if recursive else [(str(folder), [], os.listdir(folder))]
    for root, dirs, files in walker:
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d != OUTPUT_DIR
            and (exclude is None or Path(root, d).resolve() != exclude.resolve())
        )
        for name in files:
            path = Path(root, name)
            if is_candidate(path) and path.is_file():
                found.append(path)
    return sorted(found, key=lambda p: str(p.relative_to(folder)))


def output_folder(path: Path, folder: Path, out_dir: Path) -> Path:
    """Where a file's output goes: its subfolder, mirrored under `out_dir` (same names never collide)."""
    return out_dir / path.parent.relative_to(folder)


def output_names(paths: Iterable[Path], folder: Path, out_dir: Path) -> dict[Path, str]:
    """Each file's output name (输出文件名), unique within its output folder (see api.output_names)."""
    from .api import output_names as names_in_one_folder

    groups: dict[Path, list[Path]] = {}
    for path in paths:
        groups.setdefault(output_folder(path, folder, out_dir), []).append(path)
    names: dict[Path, str] = {}
    for group in groups.values():
        names.update(names_in_one_folder(group))
    return names


def process(
    path: Path, out_dir: Path, scheme: str = "national", recompute: bool = False, name: str | None = None
) -> BatchRow:
    """Fill one workbook into `out_dir` as `name`; never raises (a bad file becomes a row with its reason)."""
    from . import api
    from .errors import PerfXlsxError

    row = BatchRow(file=path.name)
    try:
        report = api.fill(path, out_dir, recompute=recompute, scheme=scheme, name=name)
    except PerfXlsxError as exc:
        row.reason = exc.describe()
        return row
    except Exception as exc:  # a bug must not stop the batch
        row.reason = f"文件“{path.name}”：处理时发生内部错误（{type(exc).__name__}）"
        return row
    row.unit, row.year = report.unit, report.year
    row.rates = {name: (None if fig.value is None else f"{fig.percent:.2f}") for name, fig in report.figures.items()}
    row.scores = dict(report.scores)
    row.counts = report.counts
    row.errors = [(f.where, f.message) for f in report.findings if f.severity == "error"]
    row.output = str(report.output)
    return row


def _work(args) -> tuple[int, BatchRow]:
    index, path, out_dir, scheme, recompute, shown, name = args
    row = process(path, out_dir, scheme, recompute, name)
    row.file = shown
    return index, row


def _ignore_interrupt() -> None:
    """Workers leave Ctrl-C to the main process, which stops handing out files; a file being written
    is finished (and renamed into place) first, so nothing is left half-written."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context():
    """forkserver where there is one (fast, no inherited threads), else spawn (Windows)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def run(
    paths: Iterable[Path],
    folder: Path,
    out_dir: Path,
    jobs: int | None = None,
    scheme: str = "national",
    recompute: bool = False,
    progress: Callable[[int, int, BatchRow], None] | None = None,
) -> list[BatchRow]:
    """Process `paths` with `jobs` worker processes (default: CPUs); rows come back in the order of `paths`."""
    paths = list(paths)
    jobs = max(1, jobs or os.cpu_count() or 1)
    names = output_names(paths, folder, out_dir)
    tasks = [
        (i, p, output_folder(p, folder, out_dir), scheme, recompute, p.relative_to(folder).as_posix(), names[p])
        for i, p in enumerate(paths)
    ]
    rows: list[BatchRow | None] = [None] * len(paths)
    done = 0
    if jobs == 1 or len(paths) <= 1:
        for task in tasks:
            index, row = _work(task)
            rows[index] = row
            done += 1
            if progress:
                progress(done, len(paths), row)
        return rows  # type: ignore[return-value]
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(paths)), mp_context=_context(), initializer=_ignore_interrupt
    ) as pool:
        futures = [pool.submit(_work, task) for task in tasks]
        try:
            for future in as_completed(futures):
                index, row = future.result()
                rows[index] = row
                done += 1
                if progress:
                    progress(done, len(paths), row)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return rows  # type: ignore[return-value]


def batch_notes(rows: list[BatchRow]) -> list[tuple[str, str]]:
    """提示 about the folder as a whole: one unit filed twice, mixed years."""
    notes = []
    seen: dict[str, str] = {}
    for row in rows:
        if row.unit:
            if row.unit in seen:
                notes.append((row.file, f"单位“{row.unit}”重复：与“{seen[row.unit]}”为同一单位，请确认是否重复报送"))
            else:
                seen[row.unit] = row.file
    years = sorted({row.year for row in rows if row.year})
    if len(years) > 1:
        for row in rows:
            if row.year and row.year != years[-1]:
                notes.append((row.file, f"年度为 {row.year}，与其他文件（{years[-1]}）不一致"))
    return notes
