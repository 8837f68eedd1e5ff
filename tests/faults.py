"""Helpers for the fault tests (故障测试): run the command line as a plain user, or with a fault injected,
in a folder every user may enter, and check that what it says is Chinese and names what failed.

Tests run as root here and in CI, and root ignores permissions: a permission fault is then produced by
running the command as the unprivileged user `nobody` (uid 65534), in a folder it may enter. A fault no
user can cause at will (a full disk, a read-only disk) is injected: the command runs in a subprocess
whose `os`/library function is replaced, first, by one that raises that OSError.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.golden import SAMPLE

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOBODY = 65534
#: ASCII words a Chinese message may hold: the program, its options, and the names of file types and programs.
ALLOWED_WORDS = {
    "perfxlsx",
    "excel",
    "wps",
    "xlsx",
    "xlsm",
    "xls",
    "zip",
    "debug",
    "bundle",
    "json",
    "help",
    "watch",
    "ctrl",
}
#: Python's own words: a traceback, an exception's class, an English strerror.
ENGLISH = re.compile(
    r"Traceback|Error\b|Exception|denied|No such|No space|Read-only|File exists|Not a directory|too long"
)


def _as_nobody() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def command(*args: str, inject: str = "") -> list[str]:
    """The argv of `perfxlsx args…` through perf_xlsx.launch, with the Python statements `inject` run first."""
    return [sys.executable, "-c", f"{inject}\nfrom perf_xlsx.launch import main; main()", *args]


def as_plain_user(argv: list[str]) -> tuple[list[str], dict]:
    """`argv` run as `nobody` when root (else as it is): through setpriv where there is one (a Python
    installed under /root stays executable for it), else by setuid before the exec."""
    if not ROOT:
        return argv, {}
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv], {}
    return argv, {"preexec_fn": _as_nobody}


def run(
    *args: str, inject: str = "", plain_user: bool = False, timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """perfxlsx with `args`, to its end: as `nobody` with `plain_user` when root, after `inject`."""
    argv, extra = as_plain_user(command(*args, inject=inject)) if plain_user else (command(*args, inject=inject), {})
    return subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", timeout=timeout, cwd=cwd, **extra)


def english(text: str, *known: Path | str) -> list[str]:
    """The English words of `text`, the paths `known` (named by the message, as given) taken out first."""
    for path in sorted(map(str, known), key=len, reverse=True):
        text = text.replace(path, "")
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() not in ALLOWED_WORDS] + ENGLISH.findall(text)


def assert_chinese(result: subprocess.CompletedProcess, *known: Path | str) -> None:
    """No traceback and no English word in what the run printed (its paths aside)."""
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    assert english(text, *known) == [], text


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A fresh folder under the system's temporary folder, which every user may enter and write (0777):
    pytest's own tmp_path is private to root. Removed at the end, whatever permissions a test left."""
    base = Path(tempfile.mkdtemp(prefix="perfxlsx-faults-"))
    os.chmod(base, 0o777)
    try:
        yield base
    finally:
        for folder, dirs, _ in os.walk(base):
            for d in dirs:
                os.chmod(Path(folder, d), 0o777)
        shutil.rmtree(base, ignore_errors=True)


def drop(folder: Path, *names: str) -> list[Path]:
    """Copies of the sample under `names` (bytes or str) in `folder` (made 0777), readable by anyone."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o777)
    made = []
    for name in names:
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(name))))
        shutil.copy(SAMPLE, path)
        os.chmod(path, 0o644)
        made.append(path)
    return made
