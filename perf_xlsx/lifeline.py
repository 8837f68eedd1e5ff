"""工作进程的生命线 (a worker's lifeline): a worker of a folder run ends when the run that started it is gone.

A worker is not the child of the run's process (forkserver forks it), so nothing ends it when that
process is killed (kill -9, a closed terminal): it would wait for work for ever, holding the forkserver
and the resource tracker alive with it, and the terminal's output open. So each worker watches the run's
process: on Linux through a pidfd (woken the moment it exits), elsewhere by looking twice a second.
When it is gone the worker stops as it does on SIGTERM: the file it is writing is abandoned through its
cleanups (its temporary file removed, nothing half-written left), then it exits.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Iterator

#: Seconds a worker is given to unwind (remove its temporary file) before it is ended outright.
GRACE = 3.0
#: Seconds between two looks at the run's process where there is no pidfd.
POLL = 0.5


class Stopped(SystemExit):
    """Raised in a worker told to stop (SIGTERM, or its run gone) while it works on a file: unwinds
    through every cleanup (busy)."""


#: Whether the worker is working on a file (busy): only then is there anything to unwind.
_working = False


@contextlib.contextmanager
def busy() -> Iterator[None]:
    """Around the work on one file: a stop in it unwinds (Stopped); outside it, the worker just ends."""
    global _working
    _working = True
    try:
        yield
    finally:
        _working = False


def _stop(signum, frame) -> None:
    if not _working:  # waiting for work, or still starting: nothing to clean up, and no one to tell
        os._exit(128 + signum)
    raise Stopped(128 + signum)


def hold(parent: int) -> None:
    """In a worker: SIGTERM unwinds it (Stopped), and a thread stops it once process `parent` is gone."""
    signal.signal(signal.SIGTERM, _stop)
    threading.Thread(target=_watch, args=(parent,), name="perfxlsx-lifeline", daemon=True).start()


def _watch(parent: int) -> None:
    _wait_for_exit(parent)
    if sys.platform != "win32":
        os.kill(os.getpid(), signal.SIGTERM)  # unwinds the main thread through its cleanups (_stop)
        time.sleep(GRACE)
    os._exit(1)


def _wait_for_exit(parent: int) -> None:
    if sys.platform == "win32":  # spawned: the run's process is this one's parent, with a handle to wait on
        import multiprocessing

        process = multiprocessing.parent_process()
        if process is not None:
            process.join()
        return
    try:
        fd = os.pidfd_open(parent)  # Linux 5.3+: readable once the process has exited
    except ProcessLookupError:
        return
    except (AttributeError, OSError):
        while _alive(parent):
            time.sleep(POLL)
        return
    try:
        select.select([fd], [], [])
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
