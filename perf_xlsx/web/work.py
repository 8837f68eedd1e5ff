"""工作进程 (the worker side of perfxlsx serve): what a pool process runs for one uploaded file, and for 汇总.

Each file goes through batch.process, the same call a folder run makes, so the completed workbook is
the one `perfxlsx fill` writes. Its result is written into the job folder by the worker itself, as JSON
(what the page shows) and as the pickled Report (what 汇总 is built from, the same rows a folder run's
汇总.xlsx is): a finished result is on disk before the server hears of it, and survives a restart.
Imports neither Starlette nor pandas at module level, so a worker starts light.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
from pathlib import Path

from ..outfile import write_atomically
from ..report import SEVERITIES, Report

#: The file of a result in a job's results folder: <n>.json (shown) and <n>.pickle (the Report), and the
#: preview of its completed 自评表, <n>.preview.json (preview.py).
RESULT_JSON = "{n}.json"
RESULT_PICKLE = "{n}.pickle"
RESULT_PREVIEW = "{n}.preview.json"


def run_file(path: str, out_dir: str, shown: str, draft: bool, when: dt.datetime, results: str, n: int) -> dict:
    """Fill one uploaded workbook into `out_dir` (never raises for a bad file: batch.process turns it into a
    report with its Chinese reason), stamped with the job's time of the run, and record its result."""
    from .. import clock
    from ..batch import process

    clock.share(when)
    report = process(Path(path), Path(out_dir), shown=shown, draft=draft)
    write_preview(report, Path(results), n)  # before the result: a finished file has its preview
    return record(report, Path(results), n)


def write_preview(report: Report, results: Path, n: int) -> None:
    """Write the preview of the completed 自评表 (preview.build) into `results`. A preview that cannot be
    built costs the file nothing: the preview then says so, in Chinese."""
    from .preview import build

    try:
        data = build(report)
    except Exception:  # a completed workbook the preview cannot read: the result stands without it
        data = {"note": "无法生成已填自评表的预览；请下载已填工作簿查看。"}
    results.mkdir(parents=True, exist_ok=True)
    write_atomically(json.dumps(data, ensure_ascii=False).encode("utf-8"), results / RESULT_PREVIEW.format(n=n))


def record(report: Report, results: Path, n: int) -> dict:
    """Write a file's result (JSON and the pickled Report) atomically into `results`; returns the JSON."""
    shown = describe(report)
    results.mkdir(parents=True, exist_ok=True)
    write_atomically(pickle.dumps(report), results / RESULT_PICKLE.format(n=n))
    write_atomically(json.dumps(shown, ensure_ascii=False).encode("utf-8"), results / RESULT_JSON.format(n=n))
    return shown


def describe(report: Report) -> dict:
    """What the page shows of a report: its figures, scores, counts and findings as the JSON of `check
    --json` has them, and the names of the files written (inside the job's output folder)."""
    data = report.as_json()
    return {
        "name": report.name,
        "unit": report.unit,
        "year": report.year,
        "status": report.status,
        "error": report.error,
        "counts": report.counts,
        "rates": {name: fig["value"] for name, fig in data["figures"].items()},
        "scores": report.scores,
        "findings": [
            {
                "severity": f.severity,
                "severity_zh": SEVERITIES.get(f.severity, f.severity),
                "sheet": f.sheet,
                "cell": f.cell,
                "message": f.message,
            }
            for f in report.findings
        ],
        "workbook": report.output.name if report.output is not None else None,
        "draft": report.draft.name if report.draft is not None else None,
    }


def load_reports(paths: list[str]) -> list[Report]:
    """The Reports pickled by `record` (files this server wrote into its own --data folder)."""
    reports = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                reports.append(pickle.load(handle))  # only files this server wrote itself
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            continue  # deleted by the sweep meanwhile, or written by another version: left out
    return reports


def summary_table(paths: list[str]) -> dict:
    """The 汇总 table (summary.summary_frame) of the given results, as text for the page: columns and rows,
    those of 汇总.xlsx's 汇总 sheet first (status, grade, counts, reason), then the other rates."""
    from ..summary import KINDS, RATES, SUMMARY_COLUMNS, summary_frame

    frame = summary_frame(load_reports(paths))
    frame = frame[SUMMARY_COLUMNS + [rate for rate in RATES if rate not in SUMMARY_COLUMNS]]
    kinds = {
        "percent": lambda v: f"{v * 100:.2f}%",
        "score": lambda v: f"{v:.2f}",
        "money": lambda v: f"{v:,.2f}",
        "count": lambda v: f"{v:.0f}",
    }
    rows = []
    for record_ in frame.to_dict(orient="records"):
        row = []
        for column, value in record_.items():
            if value is None or (isinstance(value, float) and value != value):
                row.append("")
            else:
                show = kinds.get(KINDS.get(column, "text"))
                row.append(show(value) if show else str(value))
        rows.append(row)
    return {"columns": [str(c) for c in frame.columns], "rows": rows}


def summary_file(paths: list[str], out: str) -> str:
    """Write 汇总.xlsx (summary.write_summary, as a folder run does) of the given results to `out`."""
    from ..summary import write_summary

    return os.fspath(write_summary(load_reports(paths), Path(out)))
