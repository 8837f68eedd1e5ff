"""The time of the run (运行时间), stamped on the entries of the zips perfxlsx writes (.xlsx parts, 打包上报).

One time per process, taken on first use, so every entry of every file of one run carries the same
time. `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds convention) pins it: the same
input then gives the same bytes, which the tests and a bureau comparing two runs rely on.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from functools import cache

#: The earliest time a zip entry can hold (DOS dates start in 1980).
ZIP_EPOCH = dt.datetime(1980, 1, 1)


@cache
def run_time() -> dt.datetime:
    """Local time of the run (naive, as zip entries hold it), or SOURCE_DATE_EPOCH when set (read as UTC)."""
    pinned = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if pinned.isdigit():
        return max(dt.datetime.fromtimestamp(int(pinned), dt.UTC).replace(tzinfo=None), ZIP_EPOCH)
    return max(dt.datetime.now().replace(microsecond=0), ZIP_EPOCH)


def zip_time() -> tuple[int, int, int, int, int, int]:
    """run_time() as a zip entry's date_time (whole seconds; zip keeps even seconds)."""
    t = run_time()
    return (t.year, t.month, t.day, t.hour, t.minute, t.second)


def share(t: dt.datetime) -> None:
    """Take `t` as the time of this run: a folder run's worker processes take the main process's, so
    every file of one run carries the same time (passed on as SOURCE_DATE_EPOCH, read back as UTC)."""
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(t.timetuple()))
    run_time.cache_clear()
