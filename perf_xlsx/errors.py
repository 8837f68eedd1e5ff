"""Errors the library raises (异常). Each carries a Chinese message that names the file; the CLI prints it.

Every class has a `kind`, a stable id for programs and tests (the message is for people).
"""

from __future__ import annotations

import errno
from pathlib import Path


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
            where.append(f"文件“{self.path.name}”")
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
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "位于只读的磁盘或文件夹",
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "磁盘配额已满",
    errno.ENAMETOOLONG: "文件名过长（超过系统允许的长度）",
    errno.EEXIST: "同名的文件已存在，而这里需要一个文件夹",
    errno.ENOTDIR: "路径中有一项是文件而不是文件夹",
    errno.EISDIR: "该位置是一个文件夹",
    errno.ENOENT: "路径不存在",
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.ELOOP: "路径中的快捷方式（符号链接）循环",
}


def write_advice(exc: OSError) -> str:
    """Why an output could not be written and what to do, in Chinese (写出失败的原因与建议)."""
    if exc.errno == errno.ENAMETOOLONG:
        return "输出文件名过长（超过系统允许的 255 字节）；请把输入文件改一个短一些的名字再试。"
    if exc.errno == errno.ENOSPC:
        return "磁盘空间已满；请清理磁盘，或用 -o 换一个输出文件夹。"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY, errno.ETXTBSY) or getattr(exc, "winerror", None) == 32:
        return (
            f"{os_reason(exc)}；如该文件正在 Excel 或 WPS 中打开，请先关闭再试，或用 -o 换一个输出文件夹。"
            "原有的输出文件未改动。"
        )
    return f"{os_reason(exc)}；请用 -o 换一个输出文件夹。原有的输出文件未改动。"


def os_reason(exc: OSError) -> str:
    """An operating-system error in Chinese (系统错误原因), for messages."""
    if getattr(exc, "winerror", None) == 32:  # Windows: the file is open in Excel/WPS
        return "文件正被其他程序（如 Excel 或 WPS）打开"
    if exc.errno is None:
        return type(exc).__name__
    return _REASONS.get(exc.errno, f"系统错误 {exc.errno}")


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
