"""Legacy .xls workbooks (旧版 Excel 97-2003 工作簿): read with calamine into a new openpyxl workbook.

What carries over to the completed .xlsx: the values (a formula's last result), every sheet under its
own name and in its order, hidden sheets, merged ranges, text that looks like a formula kept as text,
error values (#DIV/0!, read from the file's records: calamine gives them as blank).
The layout is recreated: columns get a width estimated from their content, cells 宋体 10 pt wrapped,
merged titles centred, thin borders over the table, each sheet set to print on A4 one page wide. What
is lost: the original fonts, colours, borders, row heights, number formats, print areas, formulas,
comments, pictures and data validation (calamine reads values only).
"""

from __future__ import annotations

import unicodedata
from copy import copy
from pathlib import Path

from .errors import DamagedWorkbook, EncryptedWorkbook, TooLarge
from .guard import check_merges, check_rows
from .template import FONT, PINNED_TIME

_FORMULA_START = ("=", "+", "-", "@")
MAX_AREA = 2_000_000  # cells (rows × columns) of one .xls sheet: calamine holds the whole rectangle


def open_xls(path: Path):
    """The .xls at `path` as an openpyxl Workbook (values and layout as far as they can be read)."""
    import python_calamine as calamine
    from openpyxl import Workbook

    stream = _workbook_stream(path)
    for name, rows, cols in declared_sizes(path, stream):
        check_rows(path, name, (rows, cols))
        if rows * cols > MAX_AREA:
            raise TooLarge(
                f"已用区域有 {rows} 行 × {cols} 列，超过 .xls 的上限 {MAX_AREA} 个单元格；请删除多余的行列，"
                "或用 Excel/WPS 另存为 .xlsx 再试。",
                path,
                name,
                "area",
            )
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise EncryptedWorkbook(_ENCRYPTED, path) from exc
    except Exception as exc:  # CalamineError, XmlError, … all mean a broken file
        raise DamagedWorkbook(
            f"无法读取这个 .xls 文件（{_short(exc)}），文件可能已损坏；请用 Excel 或 WPS 打开后另存为 .xlsx 再试。",
            path,
        ) from exc
    errors = error_cells(stream)
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the new workbook's empty default sheet
    workbook.properties.created = workbook.properties.modified = PINNED_TIME  # the same .xls, the same bytes
    try:
        for meta in book.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
                continue  # chart sheets, macro sheets: nothing to read
            sheet = book.get_sheet_by_name(meta.name)
            if sheet.end is not None:
                check_rows(path, meta.name, (sheet.end[0] + 1, sheet.end[1] + 1))
            try:
                merges = sheet.merged_cell_ranges or []
            except Exception:  # merged ranges are layout only: the values still count
                merges = []
            check_merges(path, meta.name, [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in merges])
            ws = workbook.create_sheet(_title(meta.name, workbook))
            if "Visible" not in str(meta.visible) or "Very" in str(meta.visible):
                ws.sheet_state = "hidden"
            _fill(ws, sheet.to_python(skip_empty_area=False), merges, errors.get(meta.name, {}))
    except calamine.PasswordError as exc:
        raise EncryptedWorkbook(_ENCRYPTED, path) from exc
    except (calamine.CalamineError, calamine.XmlError, calamine.ZipError, ValueError) as exc:
        raise DamagedWorkbook(
            f"这个 .xls 文件的内容无法完整读取（{_short(exc)}），请用 Excel 或 WPS 打开后另存为 .xlsx 再试。", path
        ) from exc
    finally:
        book.close()
    return workbook


_ENCRYPTED = (
    "工作簿设有打开密码（已加密），无法读取；请在 Excel 或 WPS 中输入密码打开，撤销密码"
    "（Excel：文件→信息→保护工作簿→用密码进行加密，清空密码；WPS：文件→文档加密→密码加密，清空密码）"
    "后保存为 .xlsx，再试。"
)


def _workbook_stream(path: Path) -> bytes | None:
    """The BIFF stream of an .xls (Workbook, or Book for BIFF5); None when it cannot be read."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            return ole.openstream("Workbook" if ole.exists("Workbook") else "Book").read()
    except Exception:  # an odd container: calamine's own reading decides
        return None


def _sheet_offsets(data: bytes) -> list[tuple[str, int]]:
    """(sheet name, stream offset of its BOF) from the BOUNDSHEET records of the workbook globals."""
    import struct

    sheets, pos = [], 0
    while pos + 4 <= len(data):
        kind, size = struct.unpack_from("<HH", data, pos)
        body = data[pos + 4 : pos + 4 + size]
        if kind == 0x0085 and size >= 8:  # BOUNDSHEET: stream offset of the sheet, its name
            n = body[6]
            wide = body[7] & 1
            raw = body[8 : 8 + 2 * n].decode("utf-16-le", "replace") if wide else body[8 : 8 + n].decode("latin-1")
            sheets.append((raw, struct.unpack_from("<I", body)[0]))
        elif kind == 0x000A:  # EOF of the workbook globals
            break
        pos += 4 + size
    return sheets


def declared_sizes(path: Path, data: bytes | None = None) -> list[tuple[str, int, int]]:
    """(sheet, rows, columns) from each sheet's BIFF DIMENSIONS record, read before calamine builds the
    sheet (it allocates the whole used rectangle); [] when the stream cannot be walked."""
    import struct

    data = _workbook_stream(path) if data is None else data
    if data is None:
        return []
    try:
        out = []
        for sheet, start in _sheet_offsets(data):
            pos = start
            for _ in range(200):  # DIMENSIONS comes within the first records of a sheet
                if pos + 4 > len(data):
                    break
                kind, size = struct.unpack_from("<HH", data, pos)
                if kind == 0x0200:
                    rows, cols = (
                        struct.unpack_from("<IIHH", data, pos + 4)[1::2]
                        if size >= 14
                        else struct.unpack_from("<HHHH", data, pos + 4)[1::2]
                    )
                    out.append((sheet, rows, cols))
                    break
                if kind == 0x000A:
                    break
                pos += 4 + size
        return out
    except Exception:  # an odd stream: calamine's own reading decides
        return []


#: BIFF error codes (错误值代码) → the error value Excel shows.
ERROR_CODES = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}


def error_cells(data: bytes | None) -> dict[str, dict[tuple[int, int], str]]:
    """Cells showing an error value (错误值单元格), by sheet and 0-based (row, column): a BOOLERR record
    holding an error, or a FORMULA record whose last result is one. calamine reads both as blank, which
    would count as 0; the .xlsx path reads them as `#DIV/0!` and so on, and now the .xls path does too."""
    import struct

    found: dict[str, dict[tuple[int, int], str]] = {}
    if data is None:
        return found
    try:
        for sheet, start in _sheet_offsets(data):
            cells: dict[tuple[int, int], str] = {}
            pos, depth = start, 0
            while pos + 4 <= len(data):
                kind, size = struct.unpack_from("<HH", data, pos)
                body = data[pos + 4 : pos + 4 + size]
                if kind in (0x0809, 0x0409, 0x0209, 0x0009):  # BOF: the sheet's own, or an embedded chart's
                    depth += 1
                elif kind == 0x000A:
                    depth -= 1
                    if depth <= 0:
                        break
                elif depth == 1 and kind == 0x0205 and size >= 8 and body[7] == 1:  # BOOLERR holding an error
                    row, col = struct.unpack_from("<HH", body)
                    cells[(row, col)] = ERROR_CODES.get(body[6], "#VALUE!")
                elif depth == 1 and kind == 0x0006 and size >= 14 and body[6] == 2 and body[12:14] == b"\xff\xff":
                    row, col = struct.unpack_from("<HH", body)  # FORMULA whose cached result is an error
                    cells[(row, col)] = ERROR_CODES.get(body[8], "#VALUE!")
                pos += 4 + size
            if cells:
                found[sheet] = cells
    except Exception:  # an odd stream: what was found so far still counts
        pass
    return found


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:80]


def _title(name: str, workbook) -> str:
    """A sheet name openpyxl accepts (xls allows a few characters xlsx does not)."""
    from openpyxl.workbook.child import INVALID_TITLE_REGEX

    title = INVALID_TITLE_REGEX.sub("_", name)[:31] or "Sheet"
    while title in workbook.sheetnames:
        title = title[:29] + "_2"
    return title


def _width(value) -> int:
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in max(text.splitlines() or [""], key=len))


_NOTE = ("说明", "注：", "注:", "填表说明", "填报单位", "单位：", "单位:")
MAX_BORDERED = 20_000  # cells: larger sheets are not forms and get no borders


def _table_rows(values: dict[tuple[int, int], object]) -> range:
    """The rows of the form's table (表格区域): from the first to the last row holding two or more
    values, not counting the title, `单位：万元` lines and notes."""
    counts: dict[int, int] = {}
    for (r, _), value in values.items():
        if not (isinstance(value, str) and value.strip().startswith(_NOTE)):
            counts[r] = counts.get(r, 0) + 1
    rows = [r for r, n in counts.items() if n >= 2 and r > 1]
    return range(min(rows), max(rows) + 1) if rows else range(0)


def _fill(ws, rows, merges, errors: dict[tuple[int, int], str] | None = None) -> None:
    """Values into the same cells, 宋体 10 pt wrapped, thin borders over the table, merged titles centred;
    `errors` (0-based row, column → `#DIV/0!`…) are the error values calamine gave as blank."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    errors = errors or {}
    values = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                values[(r, c)] = ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
    for (r, c), code in errors.items():
        if values.get((r + 1, c + 1)) is None:
            values[(r + 1, c + 1)] = code
    merged_top = {(r1 + 1, c1 + 1) for (r1, c1), (r2, c2) in merges if (r1, c1) != (r2, c2)}
    table = _table_rows(values)
    last_col = max((c for _, c in values), default=0)
    cells = set(values)
    if len(table) * last_col <= MAX_BORDERED:
        cells |= {(r, c) for r in table for c in range(1, last_col + 1)}
    thin = Side(style="thin", color="000000")
    looks: dict[tuple[bool, bool], object] = {}
    for r, c in sorted(cells):
        cell = ws.cell(row=r, column=c)
        if (r, c) in values:
            cell.value = values[(r, c)]
            if cell.value == errors.get((r - 1, c - 1)):
                cell.data_type = "e"  # an error value, as openpyxl reads one from an .xlsx
            elif isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                cell.data_type = "s"  # text stays text, never a formula
        look = ((r, c) in merged_top, r in table)
        if look not in looks:
            cell.font = Font(name=FONT, size=10)
            cell.alignment = Alignment(horizontal="center" if look[0] else None, vertical="center", wrap_text=True)
            if look[1]:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            looks[look] = cell._style
        else:
            cell._style = copy(looks[look])
    for (r1, c1), (r2, c2) in merges:
        if (r1, c1) != (r2, c2):
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    widths: dict[int, int] = {}
    for (r, c), value in values.items():
        if (r, c) not in merged_top:
            widths[c] = max(widths.get(c, 0), _width(value))
    width_of = {c: min(max(widths.get(c, 0) + 2, 8), 30) for c in range(1, last_col + 1)}
    for c, width in width_of.items():
        ws.column_dimensions[get_column_letter(c)].width = width
    _heights(ws, values, merges, width_of)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _heights(ws, values, merges, width_of: dict[int, int]) -> None:
    """Row heights for wrapped text (a spreadsheet does not grow rows for merged cells by itself)."""
    import math

    span = {(r1 + 1, c1 + 1): (r2 - r1 + 1, range(c1 + 1, c2 + 2)) for (r1, c1), (r2, c2) in merges}
    lines: dict[int, float] = {}
    for (r, c), value in values.items():
        if not isinstance(value, str):
            continue
        rows, cols = span.get((r, c), (1, range(c, c + 1)))
        room = max(sum(width_of.get(k, 8) for k in cols) - 1, 4)
        need = sum(max(1, math.ceil(_width(part) / room)) for part in value.splitlines() or [""]) / rows
        lines[r] = max(lines.get(r, 1), need)
    for r, n in lines.items():
        if n > 1:
            ws.row_dimensions[r].height = min(409, round(14 * n + 2))
