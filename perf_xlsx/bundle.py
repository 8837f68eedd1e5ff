"""打包上报: one zip with every completed workbook and 汇总.xlsx, so one attachment goes by email."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import zipfile
from pathlib import Path

from .report import Report


def bundle_name(folder: Path, day: dt.date | None = None) -> str:
    """`<文件夹名>_<YYYYMMDD>.zip`."""
    return f"{Path(folder).resolve().name}_{(day or dt.date.today()):%Y%m%d}.zip"


def write_bundle(rows: list[Report], summary: Path, out_dir: Path, folder: Path) -> Path:
    """Zip the outputs (paths relative to `out_dir`) and 汇总.xlsx, atomically, names in UTF-8."""
    target = Path(out_dir) / bundle_name(folder)
    members = [r.output for r in rows if r.output is not None] + [Path(summary)]
    fd, tmp = tempfile.mkstemp(prefix=".~perfxlsx-", suffix=".zip", dir=out_dir)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in members:
                info = zipfile.ZipInfo(path.relative_to(out_dir).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.flag_bits |= 0x800  # UTF-8 names, so Chinese file names survive on Windows
                archive.writestr(info, path.read_bytes())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
