"""作业 (jobs) of perfxlsx serve: each upload is a job, a folder under --data named by a random id.

    <data>/<id>/job.json      what was uploaded (names as shown, names as stored), when, with or without a draft
    <data>/<id>/in/…          the uploaded files, under sanitised names (safe_name): never outside in/
    <data>/<id>/out/…         the completed workbooks and 自评报告 drafts (api.fill's names)
    <data>/<id>/results/<n>.json, <n>.pickle   each file's result, written by the worker that processed it
    <data>/<id>/results/<n>.preview.json       the preview of its completed 自评表 (preview.py), written first

job.json is written once, after the whole upload arrived; a folder without it is an upload cut short
(never listed, swept). A file is finished when its result exists, so a restart loses no finished result
and knows which files are still to do. Jobs older than the configured age are deleted. No Starlette here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ..outfile import write_atomically
from ..shown import shown as shown_name
from .work import RESULT_JSON, RESULT_PICKLE, RESULT_PREVIEW

#: A job's id: 16 hex digits (64 random bits), the only names under --data that are jobs.
JOB_ID = re.compile(r"^[0-9a-f]{16}$")
JOB_FILE = "job.json"
#: Characters no file name gets (Windows forbids them; "/" and "\\" are folder separators anywhere).
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\ufffd]')
#: Names Windows reserves for devices, whatever the extension (a server may run on a clerk's Windows PC).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
#: The longest stem a stored name keeps (characters): well within any file system's 255 bytes in UTF-8.
MAX_STEM = 60
#: An upload cut short (no job.json) is swept once it is this old (seconds).
UNFINISHED_AGE = 3600


@dataclass(frozen=True)
class Limits:
    """上传限制: the largest file (bytes), the most files in one upload, and how long a job is kept (seconds)."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_files: int = 50
    keep_seconds: float = 7 * 24 * 3600


def decode_name(raw: bytes) -> str:
    """A file name as the browser sent it: UTF-8 (every current browser), else GBK/GB18030 (an old
    browser on a Chinese Windows), else bytes shown as they are (Latin-1, never fails)."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def safe_name(name: str) -> str:
    """The name an uploaded file is stored under: its last path component only (`../../x.xlsx`,
    `C:\\Users\\x.xlsx` and `/etc/x.xlsx` all give `x.xlsx`), with control characters, undecodable bytes
    and characters Windows forbids replaced by "_", no leading dot, a shortened stem, never empty."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _FORBIDDEN.sub("_", shown_name(name)).strip().lstrip(".").strip()
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 8:
        stem, suffix = name, ""
    stem = stem[:MAX_STEM].rstrip(" .") or "文件"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return f"{stem}.{suffix}" if suffix else stem


def _write_json(path: Path, data: dict) -> None:
    write_atomically(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"), path)


class Job:
    """One job's folder (see the module's docstring)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.id = folder.name

    @property
    def inputs(self) -> Path:
        return self.folder / "in"

    @property
    def outputs(self) -> Path:
        return self.folder / "out"

    @property
    def results(self) -> Path:
        return self.folder / "results"

    def meta(self) -> dict:
        return json.loads((self.folder / JOB_FILE).read_text(encoding="utf-8"))

    def store_as(self, name: str) -> Path:
        """A new path in in/ for an uploaded file called `name` (safe_name; "(2)" added if taken). Raises
        ValueError if it would not be directly inside in/ (which safe_name rules out)."""
        clean = safe_name(name)
        stem, dot, suffix = clean.rpartition(".")
        if not dot:
            stem, suffix = clean, ""
        candidate, k = clean, 1
        while (self.inputs / candidate).exists():
            k += 1
            candidate = f"{stem} ({k}).{suffix}" if suffix else f"{stem} ({k})"
        path = self.inputs / candidate
        if path.resolve().parent != self.inputs.resolve():
            raise ValueError(f"unsafe upload name {name!r}")
        return path

    def seal(self, files: list[tuple[str, Path]], draft: bool, when: dt.datetime) -> None:
        """Record the upload as complete: each file's name as shown and as stored."""
        _write_json(
            self.folder / JOB_FILE,
            {
                "id": self.id,
                "created": time.time(),
                "when": when.isoformat(),
                "draft": draft,
                "files": [{"name": shown, "stored": path.name} for shown, path in files],
            },
        )

    def when(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.meta()["when"])

    def result(self, n: int) -> dict | None:
        try:
            return json.loads((self.results / RESULT_JSON.format(n=n)).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def preview(self, n: int) -> bytes | None:
        """The preview JSON of file `n` as written (None: not yet, or not for this file)."""
        try:
            return (self.results / RESULT_PREVIEW.format(n=n)).read_bytes()
        except OSError:
            return None

    def result_pickles(self) -> list[Path]:
        return [p for n in range(len(self.meta()["files"])) if (p := self.results / RESULT_PICKLE.format(n=n)).exists()]

    def unfinished(self) -> list[int]:
        return [n for n in range(len(self.meta()["files"])) if self.result(n) is None]

    def status(self) -> dict:
        """The job as the page shows it: each file's name, state (pending, done, error) and result."""
        meta = self.meta()
        files = []
        for n, entry in enumerate(meta["files"]):
            result = self.result(n)
            state = "pending" if result is None else ("error" if result.get("error") else "done")
            files.append({"n": n, "name": entry["name"], "state": state, "result": result})
        return {
            "id": self.id,
            "created": meta["created"],
            "files": files,
            "done": all(f["state"] != "pending" for f in files),
        }

    def output_file(self, name: str | None) -> Path | None:
        """A file of out/ by the name a result gave, only if it is directly inside out/ and exists."""
        if not name or name != safe_name_unchanged(name):
            return None
        path = self.outputs / name
        return path if path.is_file() and path.resolve().parent == self.outputs.resolve() else None


def safe_name_unchanged(name: str) -> str:
    """`name` if it is a bare file name (no separator, not . or ..), else "" (never equal to it)."""
    return name if name not in ("", ".", "..") and "/" not in name and "\\" not in name else ""


class Store:
    """The --data folder: its jobs, a new job, and the sweep of old ones."""

    def __init__(self, root: Path, limits: Limits | None = None):
        self.root = Path(root)
        self.limits = limits or Limits()
        self.root.mkdir(parents=True, exist_ok=True)

    def new_job(self) -> Job:
        while True:
            folder = self.root / secrets.token_hex(8)
            try:
                folder.mkdir(mode=0o700)
                break
            except FileExistsError:  # 64 random bits: practically never
                continue
        job = Job(folder)
        for sub in (job.inputs, job.outputs, job.results):
            sub.mkdir()
        return job

    def job(self, job_id: str) -> Job | None:
        """The finished upload `job_id`, or None (not an id, unknown, or still being uploaded)."""
        if not JOB_ID.match(job_id):
            return None
        job = Job(self.root / job_id)
        return job if (job.folder / JOB_FILE).is_file() else None

    def jobs(self) -> list[Job]:
        """Every complete job, oldest first."""
        found = []
        for entry in os.scandir(self.root):
            if JOB_ID.match(entry.name) and (job := self.job(entry.name)) is not None:
                try:
                    found.append((job.meta()["created"], job))
                except (OSError, ValueError, KeyError):
                    continue
        return [job for _, job in sorted(found, key=lambda pair: pair[0])]

    def discard(self, job: Job) -> None:
        shutil.rmtree(job.folder, ignore_errors=True)

    def sweep(self, now: float | None = None) -> list[str]:
        """Delete the jobs older than limits.keep_seconds, and uploads cut short; returns their ids."""
        now = time.time() if now is None else now
        gone = []
        for entry in os.scandir(self.root):
            if not JOB_ID.match(entry.name):
                continue
            job = Job(Path(entry.path))
            try:
                created = job.meta()["created"]
                old = now - created > self.limits.keep_seconds
            except (OSError, ValueError, KeyError):
                try:
                    old = now - entry.stat().st_mtime > UNFINISHED_AGE
                except OSError:
                    continue
            if old:
                self.discard(job)
                gone.append(entry.name)
        return gone
