"""Checks before loading (读取前检查): limits on size, expansion and rows, and no XML entity tricks.

Everything here reads only the zip directory and the first few kilobytes of a few parts, so it costs
milliseconds for any file; a workbook beyond a limit is refused before a single cell is loaded.
The limits are documented in README.md (## 限制).
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from pathlib import Path

from .errors import DamagedWorkbook, TooLarge, UnsafeWorkbook

MB = 1024 * 1024
MAX_FILE_BYTES = 50 * MB  # 文件大小
MAX_MEMBERS = 10_000  # zip 中的部件数
MAX_EXPANDED = 200 * MB  # 解压后合计
MAX_RATIO, RATIO_FLOOR = 100, 10 * MB  # 压缩比上限（只看解压后超过 10 MB 的部件）
MAX_SHEET_XML = 10 * MB  # 单张工作表解压后
MAX_CELL_XML = 20 * MB  # 全部工作表与共享字符串解压后合计（决定读取时间和内存）
MAX_ROWS, MAX_COLS = 65_536, 1_024  # 一张工作表的行、列
MAX_MERGED = 200_000  # 一张工作表中合并单元格覆盖的单元格数（openpyxl 为每一格建一个对象）

_HEAD = 64 * 1024
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?\"")
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml$")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?\"")


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def check_file_size(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise TooLarge(
            f"文件有 {_mb(size)}，超过上限 {_mb(MAX_FILE_BYTES)}；基础数据表一般不到 1 MB，"
            "请删除无关的工作表、图片后另存为 .xlsx 再试。",
            path,
            limit="file-size",
        )


def check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    """Sizes from the zip directory (nothing expanded), then the head of each XML part."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise TooLarge(
            f"文件内部有 {len(infos)} 个部件，超过上限 {MAX_MEMBERS}，不像正常的工作簿；已拒绝读取。",
            path,
            limit="members",
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_EXPANDED:
        raise TooLarge(
            f"文件解压后有 {_mb(total)}，超过上限 {_mb(MAX_EXPANDED)}（可能是“压缩炸弹”）；已拒绝读取，"
            "未解压任何内容。请确认文件来源，删除无关内容后另存为 .xlsx 再试。",
            path,
            limit="expanded",
        )
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise TooLarge(
                f"文件中的“{info.filename}”压缩比超过 {MAX_RATIO}:1（解压后 {_mb(info.file_size)}），"
                "是“压缩炸弹”的特征；已拒绝读取，未解压任何内容。请确认文件来源。",
                path,
                limit="ratio",
            )
    names = sheet_names(path, archive)
    cells = 0
    for info in infos:
        is_sheet = bool(_SHEET_PART.match(info.filename))
        sheet = names.get(info.filename)
        if is_sheet or info.filename == "xl/sharedStrings.xml":
            cells += info.file_size
        if info.filename.endswith((".xml", ".rels", ".vml")) and not info.is_dir():
            head = _head(path, archive, info)
            if _DTD.search(head) or _DTD.search(head.replace(b"\x00", b"")):
                raise UnsafeWorkbook(
                    f"文件中的“{info.filename}”含有 XML 实体定义（DOCTYPE/ENTITY），正常的工作簿不会有，"
                    "可能是恶意构造的文件；已拒绝读取。请确认文件来源，用 Excel 或 WPS 打开后另存为 .xlsx 再试。",
                    path,
                )
            match = _DIMENSION.search(head) if is_sheet else None
            if match:  # the row count says more to a clerk than the size, so it comes first
                check_rows(path, sheet, _last(match))
        if is_sheet and info.file_size > MAX_SHEET_XML:
            raise TooLarge(
                f"工作表内容解压后有 {_mb(info.file_size)}，超过上限 {_mb(MAX_SHEET_XML)}；"
                "请删除多余的行列，或把该表移到另一个工作簿后再试。",
                path,
                sheet,
                "sheet-size",
            )
        if is_sheet:
            check_merges(path, sheet, _merges(path, archive, info))
    if cells > MAX_CELL_XML:
        raise TooLarge(
            f"全部工作表内容解压后有 {_mb(cells)}，超过上限 {_mb(MAX_CELL_XML)}；"
            "请删除无关的工作表后另存为 .xlsx 再试。",
            path,
            limit="sheet-size",
        )


def check_rows(path: Path, sheet: str | None, last: tuple[int, int], where: str = "") -> None:
    """Refuse a sheet that reaches beyond MAX_ROWS rows or MAX_COLS columns."""
    rows, cols = last
    if rows > MAX_ROWS or cols > MAX_COLS:
        from openpyxl.utils import get_column_letter

        corner = f"{get_column_letter(min(cols, 18278))}{rows}"
        raise TooLarge(
            f"已用区域延伸到 {where or corner}（{rows} 行 × {cols} 列），超过上限 {MAX_ROWS} 行 × {MAX_COLS} 列；"
            "请删除表格下方、右侧多余的行列（或把表格复制到新工作簿）后另存为 .xlsx 再试。",
            path,
            sheet,
            "rows" if rows > MAX_ROWS else "columns",
        )


def check_merges(path: Path, sheet: str | None, ranges) -> None:
    """Refuse merged ranges reaching beyond the row/column limits or covering more than MAX_MERGED cells."""
    covered = 0
    for r1, c1, r2, c2 in ranges:
        check_rows(path, sheet, (max(r1, r2), max(c1, c2)), "合并单元格")
        covered += (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
        if covered > MAX_MERGED:
            raise TooLarge(
                f"合并单元格共覆盖 {covered} 个以上的单元格，超过上限 {MAX_MERGED}；请取消多余的合并"
                "（或把表格复制到新工作簿）后另存为 .xlsx 再试。",
                path,
                sheet,
                "merged",
            )


def _merges(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """(r1, c1, r2, c2) of every <mergeCell> of a sheet part, read in a stream (mergeCells come last)."""
    tail = b""
    try:
        with archive.open(info) as member:
            while chunk := member.read(1024 * 1024):
                text = tail + chunk
                end = 0
                for m in _MERGE.finditer(text):
                    yield _merge_range(*m.groups())
                    end = m.end()
                tail = text[max(end, len(text) - 200) :]
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise DamagedWorkbook(
            f"文件已损坏（“{info.filename}”无法解压），请重新获取文件，或用 Excel/WPS 打开修复后另存为 .xlsx 再试。",
            path,
        ) from exc


def _last(match) -> tuple[int, int]:
    """(rows, columns) of a <dimension ref="A1:D100000"> (its last cell), read from the bytes of the part."""
    from openpyxl.utils import column_index_from_string

    col, row = (match.group(3), match.group(4)) if match.group(3) else (match.group(1), match.group(2))
    return int(row), column_index_from_string(col.decode("ascii").upper())


@functools.lru_cache(maxsize=1 << 14)
def _merge_range(col1: bytes, row1: bytes, col2: bytes | None, row2: bytes | None) -> tuple[int, int, int, int]:
    """(r1, c1, r2, c2) of a matched <mergeCell> (remembered: a folder's workbooks share their forms)."""
    from openpyxl.utils import column_index_from_string

    c1, r1 = column_index_from_string(col1.decode().upper()), int(row1)
    c2, r2 = (column_index_from_string(col2.decode().upper()), int(row2)) if col2 and row2 else (c1, r1)
    return r1, c1, r2, c2


def _head(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as member:
            return member.read(_HEAD)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise DamagedWorkbook(
            f"文件已损坏（“{info.filename}”无法解压），请重新获取文件，或用 Excel/WPS 打开修复后另存为 .xlsx 再试。",
            path,
        ) from exc


def sheet_names(path: Path, archive: zipfile.ZipFile) -> dict[str, str]:
    """{part name: sheet name} from workbook.xml and its rels, for messages; {} if they cannot be read."""
    try:
        from defusedxml.ElementTree import fromstring

        sizes = {i.filename: i.file_size for i in archive.infolist()}
        if sizes.get("xl/workbook.xml", MB) >= MB or sizes.get("xl/_rels/workbook.xml.rels", MB) >= MB:
            return {}
        book = fromstring(archive.read("xl/workbook.xml"))
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        out = {}
        for sheet in book.iter():  # in either namespace: transitional, or Strict Open XML (strict.py)
            if not str(sheet.tag).endswith("}sheet"):
                continue
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("relationships}id")), None)
            target = targets.get(rid, "").lstrip("/")
            out[target if target.startswith("xl/") else f"xl/{target}"] = sheet.get("name")
        return out
    except Exception:  # names are a courtesy in messages; the real checks follow
        return {}
