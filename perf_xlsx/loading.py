"""Opening a workbook file (打开工作簿): its sheets as Grids, and the openpyxl workbook when one is needed.

Before anything is loaded the file is checked: is it there, what is it really (sniff.py), is it within
the limits and free of XML entity tricks (guard.py). `read_workbook` then reads an .xlsx/.xlsm straight
from its package (xlsx_grids.py, 快速读取: several times faster than an openpyxl load, the same Grids)
and loads the openpyxl workbook only when something asks for it (writing the completed copy); a file
that reader does not expect is read by openpyxl as before. A legacy .xls is read by calamine
(legacy.py). Every failure is a PerfXlsxError with a Chinese message naming the file.
"""

from __future__ import annotations

import io
import os
import stat
import warnings
import zipfile
from pathlib import Path
from typing import Any

from . import guard, sniff, strict
from .errors import (
    DamagedWorkbook,
    EncryptedWorkbook,
    MissingFile,
    UnreadableWorkbook,
    UnsafeWorkbook,
    WrongFileType,
    read_advice,
)
from .grid import Grid
from .paths import SUFFIXES

_OOXML = ("xlsx", "xlsm")
_SAVE_AS = "请用 Excel 或 WPS 打开后另存为 .xlsx 再试。"
_ADVICE = {
    "pdf": "无法从 PDF 中读取表格；请找到原始的 Excel 或 WPS 表格，另存为 .xlsx 再试。",
    "word": "请把表格放到 Excel 或 WPS 表格中，另存为 .xlsx 再试。",
    "doc": "请把表格放到 Excel 或 WPS 表格中，另存为 .xlsx 再试。",
    "csv": "CSV 只有文字、没有表样格式；请用 Excel 或 WPS 打开原始表格后另存为 .xlsx 再试。",
    "zip": "如表格在压缩包里，请先解压，再处理其中的 .xlsx 文件。",
    "empty": "文件可能在下载或复制时出错，请重新获取文件。",
    "truncated": "文件可能在下载、复制或作为邮件附件时中断；请重新获取文件，或用 Excel/WPS 打开修复后另存为 .xlsx 再试。",
    "text": "请用 Excel 或 WPS 打开原始的表格，另存为 .xlsx 再试。",
    "unknown": "文件可能已损坏或只是改了扩展名；请用 Excel 或 WPS 打开后另存为 .xlsx 再试。",
}
_ENCRYPTED = (
    "工作簿设有打开密码（已加密），无法读取；请在 Excel 或 WPS 中输入密码打开，撤销密码"
    "（Excel：文件→信息→保护工作簿→用密码进行加密，清空密码；WPS：文件→文档加密→密码加密，清空密码）"
    "后保存为 .xlsx，再试。"
)


class Opened:
    """A workbook file as read (已读取的工作簿): one Grid per worksheet, and the openpyxl workbook — loaded on
    first access, from the bytes the Grids were read from, so check and inspect never pay for it."""

    def __init__(
        self, path: Path, grids: list[Grid], data: bytes | None = None, workbook: Any = None, strict: bool = False
    ):
        self.path, self.grids, self._data, self._workbook = path, grids, data, workbook
        self.strict = strict  # a Strict Open XML package, read (and written) as an ordinary one (strict.py)

    @property
    def data(self) -> bytes | None:
        """The package's bytes as read (a strict package's made transitional); None for an .xls."""
        return self._data

    @property
    def loaded(self) -> bool:
        """Has the openpyxl workbook been loaded (or come with the file, as an .xls's does)?"""
        return self._workbook is not None

    @property
    def workbook(self) -> Any:
        """The openpyxl workbook (formulas kept, so a completed copy keeps them)."""
        if self._workbook is None:
            self._workbook = _load_ooxml(self.path, data=self._data, checked=self._data is not None)
        return self._workbook


def read_workbook(path: Path) -> Opened:
    """Read `path` into Grids, after the same checks as open_workbook — never modifies it."""
    path = Path(path)
    kind, size = _identify(path)
    if kind in _OOXML:
        guard.check_file_size(path, size)
        return _read_ooxml(path)
    guard.check_file_size(path, size)
    from .legacy import open_xls

    workbook = open_xls(path)
    return Opened(path, grids_of(workbook, path), workbook=workbook)


def open_workbook(path: Path):
    """Load `path` with openpyxl (formulas kept, so a completed copy keeps them) — never modifies it."""
    path = Path(path)
    kind, size = _identify(path)
    guard.check_file_size(path, size)
    if kind in _OOXML:
        return _load_ooxml(path)
    from .legacy import open_xls

    return open_xls(path)


def _identify(path: Path) -> tuple[str, int]:
    """What the file really is ("xlsx", "xlsm" or "xls", under a suffix that says so) and its size;
    anything else raises the error that says what it is instead."""
    size = _regular_file(path)
    try:
        kind = sniff.sniff(path)
    except OSError as exc:
        raise UnreadableWorkbook(f"无法读取文件（{read_advice(exc)}）。", path) from exc
    suffix = path.suffix.lower()
    if kind == "encrypted":
        raise EncryptedWorkbook(_ENCRYPTED, path)
    if (kind in _OOXML and suffix in SUFFIXES) or (kind == "xls" and suffix == ".xls"):
        return kind, size
    raise _wrong_type(path, kind, suffix)


def _read_ooxml(path: Path) -> Opened:
    """An .xlsx/.xlsm read by xlsx_grids; by openpyxl when that reader raises (a construct it does not
    expect: openpyxl then gives the same Grids, or the error for a broken file). A Strict Open XML package
    is read as an ordinary one (strict.py)."""
    try:
        data = path.read_bytes()
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:
        raise _load_error(path, exc) from exc
    with archive:
        guard.check_archive(path, archive)
        is_strict = strict.is_strict(archive)
        grids = None if is_strict else _grids_or_none(path, archive)
    if is_strict:  # read as an ordinary package (within the limits just checked)
        try:
            data = strict.transitional(data)
        except Exception as exc:
            raise _load_error(path, exc) from exc
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            grids = _grids_or_none(path, archive)
    if grids is None:
        workbook = _load_ooxml(path, data=data, checked=True)
        return Opened(path, grids_of(workbook, path, data), data, workbook, is_strict)
    for grid in grids:
        guard.check_rows(path, grid.title, (grid.max_row, grid.max_col))
    return Opened(path, grids, data, strict=is_strict)


def _grids_or_none(path: Path, archive: zipfile.ZipFile) -> list[Grid] | None:
    """The Grids xlsx_grids reads, or None when it meets what it does not expect (openpyxl then reads it)."""
    from .xlsx_grids import grids_from_package

    try:
        return grids_from_package(path, archive)
    except Exception:  # any surprise: openpyxl reads it as before
        return None


def _regular_file(path: Path) -> int:
    """The file's size; refuses what is missing, a folder, or not a plain file (a pipe would block)."""
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise MissingFile("文件不存在，请检查文件名和所在文件夹。", path) from exc
    except OSError as exc:
        raise MissingFile(f"无法访问文件（{read_advice(exc)}）。", path) from exc
    if stat.S_ISDIR(info.st_mode):
        raise MissingFile("这是一个文件夹，不是工作簿文件。", path)
    if not stat.S_ISREG(info.st_mode):
        raise MissingFile("这不是普通文件（可能是设备或管道），无法作为工作簿读取。", path)
    if not os.access(path, os.R_OK):
        raise UnreadableWorkbook("没有读取该文件的权限；请复制到有权限的文件夹，或请管理员开放读取权限后再试。", path)
    return info.st_size


def _wrong_type(path: Path, kind: str, suffix: str) -> UnreadableWorkbook:
    if path.name.startswith("~$") and kind not in _OOXML + ("xls",):
        return WrongFileType(
            f"这是 Excel 或 WPS 打开“{path.name[2:]}”时生成的临时锁文件，不是工作簿；"
            "请处理原文件（关闭 Excel/WPS 后锁文件会自动消失）。",
            path,
            "lock",
        )
    if kind == "truncated":
        return DamagedWorkbook(f"文件不完整或已损坏（zip 结构缺失）。{_ADVICE['truncated']}", path)
    what = sniff.describe(kind)
    if kind in _OOXML + ("xls",):  # a workbook under a name we do not read
        named = f"扩展名却是“{suffix or '（无）'}”"
        if kind == "xls" and suffix == ".et":
            return WrongFileType(
                "这是 WPS 表格文件（.et），perfxlsx 不直接读取；请用 WPS 打开后另存为 .xlsx 再试。", path, "et"
            )
        if kind == "xls":
            return WrongFileType(
                f"这其实是{what}，{named}；请用 Excel 或 WPS 打开后另存为 .xlsx 再试（也可以把扩展名改为 .xls）。",
                path,
                kind,
            )
        return WrongFileType(f"这其实是{what}，{named}；请把扩展名改为 .xlsx，或{_SAVE_AS}", path, kind)
    if kind == "empty":
        return WrongFileType(f"文件是空的（0 字节），不是工作簿。{_ADVICE['empty']}", path, kind)
    advice = _ADVICE.get(kind, _SAVE_AS)
    return WrongFileType(f"这是{what}，不是 Excel 工作簿（.xlsx）。{advice}", path, kind)


def _load_ooxml(
    path: Path, data_only: bool = False, read_only: bool = False, data: bytes | None = None, checked: bool = False
):
    """openpyxl's load of `path` (or of `data`, its bytes as read before); `checked`: guard.check_archive
    has passed on these bytes already."""
    import openpyxl

    from .fast_merge import quick_merges

    try:
        if read_only:  # read lazily after this returns: from memory, so no file handle is left open
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return openpyxl.load_workbook(
                    io.BytesIO(path.read_bytes() if data is None else data),
                    data_only=data_only,
                    read_only=True,
                    keep_links=False,
                )
        with (
            open(path, "rb") if data is None else io.BytesIO(data) as handle,
            zipfile.ZipFile(handle) as archive,
        ):
            if not checked:
                guard.check_archive(path, archive)
            with warnings.catch_warnings(), quick_merges():
                warnings.simplefilter("ignore")
                # links to other workbooks kept: the completed copy is saved from this load, and a formula
                # such as =[1]Sheet1!A1 shows #NAME? once its link is gone
                workbook = openpyxl.load_workbook(handle, data_only=data_only, keep_links=True)
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # openpyxl, zipfile and the XML parser raise many kinds
        raise _load_error(path, exc) from exc
    workbook.template = False  # the completed copy is a plain workbook, never a template
    workbook.vba_archive = None  # …nor macro-enabled: macros are neither run nor kept
    for ws in workbook.worksheets:
        guard.check_rows(path, ws.title, (ws.max_row, ws.max_column))
    return workbook


def _load_error(path: Path, exc: Exception) -> UnreadableWorkbook:
    from defusedxml import DefusedXmlException

    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 10:  # openpyxl wraps the parser's error in its own
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    if any(isinstance(e, DefusedXmlException) or "amplification" in str(e) for e in chain):
        return UnsafeWorkbook(
            "文件含有 XML 实体定义（DOCTYPE/ENTITY），正常的工作簿不会有，可能是恶意构造的文件；"
            "已拒绝读取。请确认文件来源，用 Excel 或 WPS 打开后另存为 .xlsx 再试。",
            path,
        )
    if isinstance(exc, MemoryError):
        return guard.TooLarge(
            "文件内容太多，读取时内存不足；请删除无关的工作表后另存为 .xlsx 再试。", path, limit="memory"
        )
    if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
        return UnreadableWorkbook(f"无法读取文件（{read_advice(exc)}）。", path)
    return DamagedWorkbook(
        f"工作簿内部结构有误，无法读取（{type(chain[-1]).__name__}），文件可能已损坏；{_SAVE_AS}", path
    )


def grids_of(workbook, path: Path, data: bytes | None = None) -> list[Grid]:
    """One Grid per worksheet; a formula cell shows its cached result (the value Excel last showed).

    A formula saved without a result (as some programs write them) is worked out when it is simple
    (formulas.py) and otherwise left as a CellIssue that the reader reports at its cell. `data`: the
    file's bytes, if already read.
    """
    grids = [Grid.from_openpyxl(ws) for ws in workbook.worksheets]
    pending = [(g, pos) for g in grids for pos in g.formulas]
    if not pending:
        return grids
    missing = _put_cached(grids, pending, path, data)
    if missing:
        from .formulas import resolve

        resolve(grids, missing)
    for grid in {id(g): g for g, _ in pending}.values():
        grid.__post_init__()
    return grids


def _put_cached(
    grids: list[Grid], pending, path: Path, data: bytes | None = None
) -> list[tuple[Grid, tuple[int, int]]]:
    """Put each formula's cached result into its grid; returns the formula cells that have none."""
    cache: dict[str, dict] = {}
    cached = _load_ooxml(path, data_only=True, read_only=True, data=data)
    try:
        for title in {g.title for g, _ in pending}:
            if title in cached.sheetnames:
                cache[title] = {
                    (cell.row, cell.column): cell.value
                    for row in cached[title].iter_rows()
                    for cell in row
                    if getattr(cell, "value", None) is not None
                }
    except Exception as exc:
        raise _load_error(path, exc) from exc
    finally:
        cached.close()
    missing = []
    for grid, pos in pending:
        value = cache.get(grid.title, {}).get(pos)
        if value is None:
            missing.append((grid, pos))
        else:
            grid.values[pos] = value
    return missing
