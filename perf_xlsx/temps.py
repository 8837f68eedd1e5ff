"""临时文件 (temporary files): the hidden `.~perfxlsx-*` file an output is written to before it is renamed
into place, and the sweep of those a killed run left behind.

An output is written beside its target (a rename across disks is not atomic), so a run killed while it
writes (kill -9, power cut) strands its temporary file in the user's folder. Each name carries the host
and the process that made it: `.~perfxlsx-<host>-<pid>-<random>.xlsx`. A later run into the folder
removes (and names) those whose process is gone, or, from another computer on a shared drive or of an
older version, those older than STALE_AFTER: no output takes that long to write. A temporary file of a
run still writing (here or elsewhere) is never touched.
"""

from __future__ import annotations

import hashlib
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

PREFIX = ".~perfxlsx-"
#: Seconds after which any temporary file is stale, whoever made it.
STALE_AFTER = 600


def _host() -> str:
    """This computer, as 6 hex digits (a name may be long or not ASCII)."""
    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def make(folder: Path | str, suffix: str) -> tuple[int, str]:
    """A new temporary file in `folder` (like tempfile.mkstemp: 0600, open): its descriptor and path."""
    return tempfile.mkstemp(prefix=f"{PREFIX}{_host()}-{os.getpid()}-", suffix=suffix, dir=folder)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill(pid, 0) would send Ctrl-C there: rely on the age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def is_stale(path: Path, now: float | None = None) -> bool:
    """A temporary file no run is writing any more (遗留的临时文件)."""
    parts = path.name[len(PREFIX) :].split("-")
    try:
        age = (now or time.time()) - path.lstat().st_mtime
    except OSError:
        return False
    if age > STALE_AFTER:
        return True
    if len(parts) >= 3 and parts[0] == _host() and parts[1].isdigit():
        return not _alive(int(parts[1]))
    return False


def sweep(folder: Path | str, recursive: bool = False) -> list[Path]:
    """Remove the stale temporary files of `folder` (and its subfolders with `recursive`); the ones
    removed. A folder that does not exist, or cannot be read, has none that can be removed."""
    folder = Path(folder)
    removed = []
    try:
        candidates = folder.rglob(f"{PREFIX}*") if recursive else folder.glob(f"{PREFIX}*")
        for path in sorted(candidates):
            if is_stale(path):
                try:
                    path.unlink()
                except OSError:
                    continue
                removed.append(path)
    except OSError:
        pass
    return removed
