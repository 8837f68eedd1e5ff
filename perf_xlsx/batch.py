"""文件夹批处理: every workbook of a folder, in parallel worker processes; a bad file never stops the rest.

Each worker runs the same `api.fill` as a single-file run, so every result is identical to one,
and sends back the same Report (small and picklable). Outputs are written atomically by the
workers, so stopping with Ctrl-C leaves finished outputs and no half-written one. Which files,
and under which names, is decided in paths.py.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .paths import output_folder, output_names
from .report import Report, unprocessed
from .shown import shown as shown_name


def process(
    path: Path,
    out_dir: Path,
    scheme: str | None = None,
    recompute: bool = False,
    name: str | None = None,
    shown: str | None = None,
    form: str | None = None,
    values: bool = False,
    mark: bool = False,
    draft: bool = False,
    last_year: Path | None = None,
) -> Report:
    """Fill one workbook into `out_dir` as `name`; never raises: a file that cannot be processed gives
    a report with its reason (`error`) and the technical error behind it (`trace`, for --debug).
    `shown` is how the file is named in the results (文件), by default its name; `scheme`, `form`,
    `values`, `mark`, `draft` and `last_year` as for api.fill (None: the forms' family's scheme; each sheet's best family)."""
    from . import api

    try:
        report = api.fill(
            path,
            out_dir,
            recompute=recompute,
            scheme=scheme,
            name=name,
            form=form,
            values=values,
            mark=mark,
            draft=draft,
            last_year=last_year,
        )
    except Exception as exc:  # an unreadable file, or a bug: either must not stop the batch
        report = unprocessed(path, exc)
    report.name = shown_name(shown) if shown else report.name
    return report


#: The cyclic collector's first threshold while workbooks are filled one after another (批量处理时的回收阈值).
#: Reading, checking and writing one workbook makes a few hundred thousand short-lived objects (cells,
#: slots, findings, XML pieces), nearly all freed at once by reference counting; at Python's default
#: (700) the collector ran some 80 times per twenty-project workbook and took about 7% of its time,
#: finding next to nothing. At this threshold it runs a few times per workbook; the peak memory of a
#: worker did not change (make bench: 每个进程内存峰值).
BATCH_GC_THRESHOLD = 50_000


@contextlib.contextmanager
def _batch_collector() -> Iterator[None]:
    """The collector at BATCH_GC_THRESHOLD for a sequential run, the caller's thresholds given back after."""
    before = gc.get_threshold()
    gc.set_threshold(BATCH_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _work(args) -> tuple[int, Report]:
    from .lifeline import Stopped, busy

    index, path, out_dir, scheme, recompute, shown, name, form, values, mark, draft, last_year = args
    try:
        with busy():
            return index, process(path, out_dir, scheme, recompute, name, shown, form, values, mark, draft, last_year)
    except Stopped as stop:  # unwound (its temporary file removed): end here, not in the pool's loop
        os._exit(stop.code if isinstance(stop.code, int) else 1)


def _start_worker(run_time, parent: int) -> None:
    """Workers leave Ctrl-C to the main process, which stops handing out files; a file being written
    is finished (and renamed into place) first, so nothing is left half-written. They end when the main
    process is gone (lifeline.hold: kill -9 leaves no orphan), and stamp their outputs with the main
    process's time of the run (clock.share)."""
    import signal

    from . import clock, lifeline

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    lifeline.hold(parent)
    clock.share(run_time)
    gc.freeze()  # what the worker imported is never garbage: out of the collector's way for good
    gc.set_threshold(BATCH_GC_THRESHOLD, *gc.get_threshold()[1:])


def lost(path: Path, shown: str) -> Report:
    """The row of a file whose worker ended before it was done (处理进程意外结束): killed by the system
    (memory), by someone, or stopped; no output was written."""
    return Report(
        file=Path(path),
        name=shown,
        error=f"文件“{shown_name(shown)}”：处理它的进程意外结束（可能内存不足，或被系统或他人结束），没有写出输出文件；"
        "请用 -j 1 重试。",
    )


#: The resource tracker's warning, in English, of the pool's locks it frees after the run was killed.
_TRACKER_WARNING = "ignore::UserWarning:multiprocessing.resource_tracker"


def _context():
    """forkserver where there is one (fast, no inherited threads), else spawn (Windows). The resource
    tracker it starts is told (by a -W option, which it takes from sys.warnoptions) not to print its
    English warning when it frees the pool's locks of a run that was killed: it frees them in silence."""
    if _TRACKER_WARNING not in sys.warnoptions:
        sys.warnoptions.append(_TRACKER_WARNING)
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def run(
    paths: Iterable[Path],
    folder: Path,
    out_dir: Path,
    jobs: int | None = None,
    scheme: str | None = None,
    recompute: bool = False,
    progress: Callable[[int, int, Report], None] | None = None,
    form: str | None = None,
    values: bool = False,
    mark: bool = False,
    draft: bool = False,
    last_years: dict[Path, Path] | None = None,
) -> list[Report]:
    """Process `paths` with `jobs` worker processes (default: CPUs); rows come back in the order of `paths`.
    `last_years`: each workbook's last year's (与上年配对, pairing.py), checked against it."""
    paths = list(paths)
    jobs = max(1, jobs or os.cpu_count() or 1)
    names = output_names(paths, folder, out_dir)
    tasks = [
        (
            i,
            p,
            output_folder(p, folder, out_dir),
            scheme,
            recompute,
            p.relative_to(folder).as_posix(),
            names[p],
            form,
            values,
            mark,
            draft,
            (last_years or {}).get(p),
        )
        for i, p in enumerate(paths)
    ]
    rows: list[Report | None] = [None] * len(paths)
    done = 0
    if jobs == 1 or len(paths) <= 1:
        with _batch_collector():
            for task in tasks:
                index, row = _work(task)
                rows[index] = row
                done += 1
                if progress:
                    progress(done, len(paths), row)
        return rows  # type: ignore[return-value]
    from . import clock

    with ProcessPoolExecutor(
        max_workers=min(jobs, len(paths)),
        mp_context=_context(),
        initializer=_start_worker,
        initargs=(clock.run_time(), os.getpid()),
    ) as pool:
        futures = {pool.submit(_work, task): task for task in tasks}
        try:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    index, row = future.result()
                except BrokenProcessPool:  # a worker was killed: this file, and those it held, are lost
                    index, row = task[0], lost(task[1], task[5])
                rows[index] = row
                done += 1
                if progress:
                    progress(done, len(paths), row)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return rows  # type: ignore[return-value]


def batch_notes(rows: list[Report]) -> list[tuple[str, str]]:
    """提示 about the folder as a whole: one unit filed twice, mixed years."""
    notes = []
    seen: dict[str, str] = {}
    for row in rows:
        if row.unit:
            if row.unit in seen:
                notes.append((row.name, f"单位“{row.unit}”重复：与“{seen[row.unit]}”为同一单位，请确认是否重复报送"))
            else:
                seen[row.unit] = row.name
    years = sorted({row.year for row in rows if row.year})
    if len(years) > 1:
        for row in rows:
            if row.year and row.year != years[-1]:
                notes.append((row.name, f"年度为 {row.year}，与其他文件（{years[-1]}）不一致"))
    return notes
