"""Errors the library raises (异常). Each carries a Chinese message that names the file; the CLI prints it."""
from __future__ import annotations

from pathlib import Path


class PerfXlsxError(Exception):
    """Base: something the user must fix (用户可处理的错误)."""

    kind = "error"

    def __init__(self, message: str, path: Path | str | None = None, sheet: str | None = None,
                 cell: str | None = None):
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


class NotABasicDataWorkbook(PerfXlsxError):
    """The workbook opens but holds none of the forms (不是基础数据表)."""

    kind = "not-a-form"


class OutputNotWritable(PerfXlsxError):
    """The completed workbook could not be written (无法写出)."""

    kind = "not-writable"
