"""打包上报: one zip with every completed workbook and 汇总.xlsx, so one attachment goes by email.

The zip is opened by finance bureaus on Windows, most often in the file manager's built-in zip folder,
which ignores the zip's UTF-8 flag and reads every name in the OEM code page — GBK (cp936) on Chinese
Windows. So each name is written as GBK bytes without the flag, plus an Info-ZIP Unicode Path extra
field (0x7075) holding the exact UTF-8 name for the tools that read it (7-Zip, Info-ZIP unzip, WinRAR,
Bandizip). A name GBK cannot write falls back to UTF-8 with the flag set (Explorer shows it garbled,
every other tool right).

Entries carry the time of the run (clock.zip_time, pinned by SOURCE_DATE_EPOCH), and the zip and the
files it holds are readable as the user's umask allows, like any file the user makes.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

from .clock import run_time, zip_time
from .paths import file_mode, publish_mode
from .report import Report

#: The code page the Chinese-Windows file manager reads zip names in.
NAME_ENCODING = "gbk"
#: Info-ZIP Unicode Path extra field: id, then version 1, CRC-32 of the name as stored, the UTF-8 name.
UNICODE_PATH = 0x7075
_UTF8_FLAG = 0x800


def bundle_name(folder: Path, day: dt.date | None = None) -> str:
    """`<文件夹名>_<YYYYMMDD>.zip`, by default of the day of the run (the day its entries carry)."""
    return f"{Path(folder).resolve().name}_{(day or run_time().date()):%Y%m%d}.zip"


class GbkZipInfo(zipfile.ZipInfo):
    """An entry whose name is stored as GBK bytes (no UTF-8 flag) with a Unicode Path extra field, as the
    Windows file manager reads names; a name GBK cannot encode is stored in UTF-8 with the flag."""

    def __init__(self, filename: str, date_time=(1980, 1, 1, 0, 0, 0)):
        super().__init__(filename, date_time)
        try:
            stored = self.filename.encode(NAME_ENCODING)
        except UnicodeEncodeError:
            return  # UTF-8 with the flag (see _encodeFilenameFlags): no extra field needed
        if not self.filename.isascii():
            unicode_name = self.filename.encode("utf-8")
            body = struct.pack("<BI", 1, zlib.crc32(stored)) + unicode_name
            self.extra = struct.pack("<HH", UNICODE_PATH, len(body)) + body

    def _encodeFilenameFlags(self):
        try:
            return self.filename.encode(NAME_ENCODING), self.flag_bits & ~_UTF8_FLAG
        except UnicodeEncodeError:
            return self.filename.encode("utf-8"), self.flag_bits | _UTF8_FLAG


def write_bundle(rows: list[Report], summary: Path, out_dir: Path, folder: Path) -> Path:
    """Zip the outputs (paths relative to `out_dir`) and 汇总.xlsx, atomically."""
    target = Path(out_dir) / bundle_name(folder)
    members = [r.output for r in rows if r.output is not None] + [Path(summary)]
    mode = file_mode()
    fd, tmp = tempfile.mkstemp(prefix=".~perfxlsx-", suffix=".zip", dir=out_dir)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in members:
                info = GbkZipInfo(path.relative_to(out_dir).as_posix(), date_time=zip_time())
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix: the mode below is the file's, whichever system made the zip
                info.external_attr = (stat.S_IFREG | mode) << 16
                archive.writestr(info, path.read_bytes())
        publish_mode(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
