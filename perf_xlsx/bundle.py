"""打包上报: one zip with every completed workbook and 汇总.xlsx, so one attachment goes by email.

The zip is opened by finance bureaus on Windows, most often in the file manager's built-in zip folder,
which ignores the zip's UTF-8 flag and reads every name in the OEM code page — GBK (cp936) on Chinese
Windows. So each name is written as GBK bytes without the flag, plus an Info-ZIP Unicode Path extra
field (0x7075) holding the exact UTF-8 name for the tools that read it (7-Zip, Info-ZIP unzip, WinRAR,
Bandizip). A name GBK cannot write falls back to UTF-8 with the flag set (Explorer shows it garbled,
every other tool right).

Member names are made safe to unpack (member_names): a file name may hold `\\`, `:`, `..` parts or a
newline on Linux, and Windows tools take `\\` for a folder separator; each such character becomes "_",
so no member can land outside the folder the zip is unpacked into.

Entries carry the time of the run (clock.zip_time, pinned by SOURCE_DATE_EPOCH), and the zip and the
files it holds are readable as the user's umask allows, like any file the user makes.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
import struct
import zipfile
import zlib
from pathlib import Path

from . import temps
from .clock import run_time, zip_time
from .errors import OutputNotWritable, write_advice
from .paths import file_mode, publish_mode
from .report import Report
from .shown import shown

#: The code page the Chinese-Windows file manager reads zip names in.
NAME_ENCODING = "gbk"
#: Info-ZIP Unicode Path extra field: id, then version 1, CRC-32 of the name as stored, the UTF-8 name.
UNICODE_PATH = 0x7075
_UTF8_FLAG = 0x800


def bundle_name(folder: Path, day: dt.date | None = None) -> str:
    """`<文件夹名>_<YYYYMMDD>.zip`, by default of the day of the run (the day its entries carry)."""
    return f"{_folder_name(folder)}_{(day or run_time().date()):%Y%m%d}.zip"


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


#: Characters no Windows file name may hold (and `/`, `\`, the separators), each written as "_" in a member name.
_NOT_IN_NAMES = set('<>:"|?*/\\')
#: Names Windows reserves for devices, whatever the extension (CON.xlsx opens the console).
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def member_part(part: str) -> str:
    """One folder or file name made safe to unpack anywhere (成员名的一级): no separator (`/`, `\\`), no drive
    (`C:`), no character Windows refuses, no control character or undecodable byte (shown as "�"), never
    `.` or `..`, never a device name, no trailing dot or space (Windows drops them)."""
    text = "".join("_" if ch in _NOT_IN_NAMES else ch for ch in shown(part)).rstrip(" .")
    if not text.strip("."):
        text = "_" + text
    if text.split(".")[0].upper() in _DEVICES:
        text = "_" + text
    return text


def member_name(path: Path, base: Path) -> str:
    """The name of `path` in the zip: its path under `base`, each part made safe (member_part), joined by "/"."""
    return "/".join(member_part(part) for part in Path(path).relative_to(base).parts)


def member_names(paths: list[Path], base: Path) -> list[str]:
    """member_name of each, made unique (Windows ignores case): a later one that would repeat an earlier
    name gets （2）, （3）… before its extension."""
    names, taken = [], set()
    for path in paths:
        name = member_name(path, base)
        stem, dot, ext = name.rpartition(".")
        if not dot or "/" in ext:
            stem, dot, ext = name, "", ""
        n = 2
        while name.casefold() in taken:
            name = f"{stem}（{n}）{dot}{ext}"
            n += 1
        taken.add(name.casefold())
        names.append(name)
    return names


def write_bundle(rows: list[Report], summary: Path, out_dir: Path, folder: Path) -> Path:
    """Zip the outputs (named by their path under `out_dir`, made safe: member_names) and 汇总.xlsx,
    atomically. A failure to write is an OutputNotWritable naming the zip; a zip name too long for the
    disk is blamed on the folder name it is made from."""
    target = Path(out_dir) / bundle_name(folder)
    try:
        return _write_bundle(rows, summary, out_dir, target)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise OutputNotWritable(
                f"压缩包文件名过长（超过系统允许的 255 字节）：它由文件夹名“{shown(_folder_name(folder))}”加日期组成；"
                "请把该文件夹改一个短一些的名字再试，或不加 --bundle。各已填工作簿和汇总表已写出。",
                target,
            ) from exc
        raise OutputNotWritable(f"无法写出上报压缩包：{write_advice(exc)}", target) from exc


def _folder_name(folder: Path) -> str:
    return Path(os.path.realpath(folder)).name


def _write_bundle(rows: list[Report], summary: Path, out_dir: Path, target: Path) -> Path:
    members = [r.output for r in rows if r.output is not None] + [Path(summary)]
    mode = file_mode()
    fd, tmp = temps.make(out_dir, ".zip")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, name in zip(members, member_names(members, out_dir)):
                info = GbkZipInfo(name, date_time=zip_time())
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix: the mode below is the file's, whichever system made the zip
                info.external_attr = (stat.S_IFREG | mode) << 16
                archive.writestr(info, path.read_bytes())
        publish_mode(tmp, target)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
