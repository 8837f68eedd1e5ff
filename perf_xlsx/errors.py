"""Errors the library raises (异常). Each carries a Chinese message that names the file; the CLI prints it.

Every class has a `kind`, a stable id for programs and tests (the message is for people).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .shown import shown


class PerfXlsxError(Exception):
    """Base: something the user must fix (用户可处理的错误)."""

    kind = "error"

    def __init__(self, message: str, path: Path | str | None = None, sheet: str | None = None, cell: str | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.sheet = sheet
        self.cell = cell
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.path is not None:
            where.append(f"文件“{shown(self.path.name)}”")
        if self.sheet:
            where.append(f"表“{self.sheet}”")
        if self.cell:
            where.append(f"单元格 {self.cell}")
        return ("，".join(where) + "：" if where else "") + self.message


class UnreadableWorkbook(PerfXlsxError):
    """The file cannot be opened as a workbook (无法读取)."""

    kind = "unreadable"


class MissingFile(UnreadableWorkbook):
    """No such file, or not a regular file (文件不存在)."""

    kind = "missing"


class WrongFileType(UnreadableWorkbook):
    """The content is something else — PDF, Word, CSV, old .xls… (文件类型不符); `actual` says what."""

    kind = "wrong-type"

    def __init__(self, message: str, path=None, actual: str = "unknown"):
        self.actual = actual
        super().__init__(message, path)


class DamagedWorkbook(UnreadableWorkbook):
    """A workbook whose inside is broken or cut short (文件已损坏)."""

    kind = "damaged"


class EncryptedWorkbook(UnreadableWorkbook):
    """A workbook with an opening password (已加密)."""

    kind = "encrypted"


class UnsafeWorkbook(UnreadableWorkbook):
    """A workbook built to attack the reader, e.g. XML entity expansion (可疑文件)."""

    kind = "unsafe"


class TooLarge(UnreadableWorkbook):
    """Beyond a documented limit (超出限制); `limit` names which one (see guard.py, README 限制)."""

    kind = "too-large"

    def __init__(self, message: str, path=None, sheet: str | None = None, limit: str = ""):
        self.limit = limit
        super().__init__(message, path, sheet)


class NotABasicDataWorkbook(PerfXlsxError):
    """The workbook opens but holds none of the forms (不是基础数据表)."""

    kind = "not-a-form"


class OutputNotWritable(PerfXlsxError):
    """The completed workbook could not be written (无法写出)."""

    kind = "not-writable"


_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "位于只读的磁盘或文件夹",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "磁盘配额已满",
    errno.EFBIG: "文件超过了系统允许的大小",
    errno.ENAMETOOLONG: "文件名过长（超过系统允许的 255 字节）",
    errno.EEXIST: "同名的文件已存在，而这里需要一个文件夹",
    errno.ENOTDIR: "路径中有一项是文件而不是文件夹",
    errno.EISDIR: "该位置是一个文件夹",
    errno.ENOENT: "路径不存在",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.ELOOP: "路径中的快捷方式（符号链接）循环",
    errno.EIO: "磁盘读写出错（磁盘、U 盘或网络盘可能已断开或损坏）",
    errno.ENODEV: "磁盘或 U 盘已断开",
    errno.ENXIO: "磁盘或 U 盘已断开",
    errno.ESTALE: "网络盘上的文件已失效（可能已被别处删除或网络盘已重新连接）",
    errno.EMFILE: "同时打开的文件过多",
    errno.ENFILE: "同时打开的文件过多",
    errno.EINVAL: "文件名或路径不被该磁盘接受",
}
#: The same reasons where reading and writing differ (读取时的原因).
_READ_REASONS = {errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限"}
_WRITE_REASONS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限"}
#: What to do (怎么办), by errno: for writing an output, and for reading an input.
_WRITE_ADVICE = {
    errno.ENOSPC: "请清理磁盘，或用 -o 换一个输出文件夹",
    errno.EDQUOT: "请清理磁盘，或用 -o 换一个输出文件夹",
    errno.EFBIG: "请用 -o 换一个输出文件夹（换一块磁盘）",
    errno.EROFS: "请用 -o 换一个可写的输出文件夹",
    errno.ENAMETOOLONG: "请把输入文件或文件夹改一个短一些的名字再试",
    errno.EEXIST: "请移走或改名这个文件，或用 -o 换一个输出文件夹",
    errno.ENOTDIR: "请检查输出路径，或用 -o 换一个输出文件夹",
    errno.ELOOP: "请检查输出路径中的快捷方式，或用 -o 换一个输出文件夹",
    errno.EIO: "请检查磁盘或网络连接后再试，或用 -o 换一个输出文件夹",
    errno.EMFILE: "请关闭一些程序后再试，或用 -j 减少并行进程数",
    errno.ENFILE: "请关闭一些程序后再试，或用 -j 减少并行进程数",
}
_READ_ADVICE = {
    errno.EACCES: "请让该文件夹或文件的所有者开放读取权限，或把它复制到自己的文件夹中再处理",
    errno.EPERM: "请让该文件夹或文件的所有者开放读取权限，或把它复制到自己的文件夹中再处理",
    errno.ENOENT: "请检查文件名和所在文件夹",
    errno.ENOTDIR: "请检查路径",
    errno.ELOOP: "请检查路径中的快捷方式（符号链接）",
    errno.ENAMETOOLONG: "请把文件或文件夹改一个短一些的名字再试",
    errno.EIO: "请检查磁盘、U 盘或网络连接后再试",
    errno.ENODEV: "请重新插入 U 盘或连接磁盘后再试",
    errno.ENXIO: "请重新插入 U 盘或连接磁盘后再试",
    errno.ESTALE: "请重新打开该文件夹后再试",
    errno.EMFILE: "请关闭一些程序后再试，或用 -j 减少并行进程数",
    errno.ENFILE: "请关闭一些程序后再试，或用 -j 减少并行进程数",
}
#: The longest file name most file systems take (ext4, NTFS in UTF-16 units, APFS…), in bytes.
NAME_MAX = 255


def write_advice(exc: OSError) -> str:
    """Why an output could not be written and what to do, in Chinese (写出失败的原因与建议)."""
    if exc.errno == errno.ENAMETOOLONG:
        part = too_long_part(exc.filename)
        named = f"文件名“{shown(part)[:40]}…”" if part else "输出文件名"
        return f"{named}过长（超过系统允许的 255 字节）；请把输入文件改一个短一些的名字再试。"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY, errno.ETXTBSY) or getattr(exc, "winerror", None) == 32:
        return (
            f"{os_reason(exc)}；如该文件正在 Excel 或 WPS 中打开，请先关闭再试，或用 -o 换一个输出文件夹。"
            "原有的输出文件未改动。"
        )
    return f"{write_explained(exc)}。原有的输出文件未改动。"


def write_explained(exc: OSError) -> str:
    """`<原因>；<建议>` for a failed write, without a closing stop (for a message to embed)."""
    return f"{os_reason(exc)}；{_WRITE_ADVICE.get(exc.errno or 0, '请用 -o 换一个输出文件夹')}"


def read_advice(exc: OSError) -> str:
    """Why an input (file or folder) could not be read and what to do, in Chinese (读取失败的原因与建议)."""
    advice = _READ_ADVICE.get(exc.errno or 0, "请检查该文件或文件夹后再试")
    return f"{os_reason(exc, reading=True)}；{advice}"


def os_reason(exc: OSError, reading: bool | None = False) -> str:
    """An operating-system error in Chinese (系统错误原因), for messages: of a write, of a read (`reading`),
    or of either (`reading=None`: "没有权限")."""
    if getattr(exc, "winerror", None) == 32:  # Windows: the file is open in Excel/WPS
        return "文件正被其他程序（如 Excel 或 WPS）打开"
    if exc.errno is None:
        return "系统错误"
    own = {} if reading is None else _READ_REASONS if reading else _WRITE_REASONS
    return own.get(exc.errno) or _REASONS.get(exc.errno) or f"系统错误（错误号 {exc.errno}）"


def too_long_part(path: str | bytes | Path | None) -> str | None:
    """The part of `path` longer than a file name may be (超长的一级名称), or None."""
    if path is None:
        return None
    for part in Path(os.fsdecode(path)).parts:
        if len(os.fsencode(part)) > NAME_MAX:
            return part
    return None


class FolderError(PerfXlsxError):
    """A folder that cannot be listed, entered or written (文件夹无法读取或写入), named in full."""

    kind = "folder"

    def __init__(self, message: str, folder: Path | str):
        self.folder = Path(folder)
        super().__init__(message)

    def describe(self) -> str:
        return f"文件夹“{shown(self.folder)}”：{self.message}"


def unreadable_folder(folder: Path | str, exc: OSError) -> FolderError:
    """The error for a folder whose workbooks cannot be listed or reached (无法读取文件夹)."""
    return FolderError(f"无法读取（{read_advice(exc)}）。", folder)


def unwritable_folder(folder: Path | str, exc: OSError) -> FolderError:
    """The error for an output folder that cannot be made or written (无法写入输出文件夹)."""
    if exc.errno == errno.ENAMETOOLONG and (part := too_long_part(exc.filename or folder)):
        return FolderError(
            f"无法写入：其中的名称“{shown(part)[:40]}…”过长（超过系统允许的 255 字节）；请用 -o 换一个短一些的输出文件夹。",
            folder,
        )
    return FolderError(f"无法写入（{write_explained(exc)}）。", folder)


class RuleCatalogueError(PerfXlsxError):
    """The rule catalogue (审核规则目录, rules.toml) is broken: an unknown kind, a misspelt, missing or
    ill-typed parameter… `problems` lists (rule id, what is wrong); the message names the file too."""

    kind = "bad-rules"

    def __init__(self, problems: list[tuple[str, str]], path: Path | str):
        self.problems = problems
        self.rules = [rule for rule, _ in problems if rule]
        lines = [f"规则“{rule}”：{text}" if rule else text for rule, text in problems]
        self.source = str(path)
        super().__init__(lines[0] if len(lines) == 1 else "\n".join(f"  {x}" for x in lines), path)

    def describe(self) -> str:
        head = f"审核规则目录“{self.source}”"
        if len(self.problems) == 1:
            return f"{head}有误：{self.message}。未读取任何工作簿，请改正后再运行。"
        return f"{head}有 {len(self.problems)} 处错误：\n{self.message}\n未读取任何工作簿，请改正后再运行。"
