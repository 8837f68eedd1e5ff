"""Opening a workbook file (打开工作簿): openpyxl for the layout, cached formula results for values."""
from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

from .errors import UnreadableWorkbook
from .grid import Grid

SUPPORTED = (".xlsx", ".xlsm")


def open_workbook(path: Path):
    """Load `path` with openpyxl (formulas kept, so a completed copy keeps them) — never modifies it."""
    import openpyxl

    path = Path(path)
    if not path.exists():
        raise UnreadableWorkbook("文件不存在。", path)
    if path.suffix.lower() not in SUPPORTED:
        raise UnreadableWorkbook(f"不支持的文件类型“{path.suffix}”，请在 Excel 或 WPS 中另存为 .xlsx 后再试。", path)
    if not zipfile.is_zipfile(path):
        raise UnreadableWorkbook("不是有效的 Excel 工作簿（.xlsx 应为 zip 格式），文件可能已损坏或只是改了扩展名；请用 Excel 或 WPS 打开后另存为 .xlsx。", path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds; all mean the same to a clerk
        raise UnreadableWorkbook(f"无法读取工作簿（{type(exc).__name__}），请用 Excel 或 WPS 打开后另存为 .xlsx。", path) from exc


def grids_of(workbook, path: Path) -> list[Grid]:
    """One Grid per worksheet; a formula cell shows its cached result (the value Excel last showed)."""
    grids = [Grid.from_openpyxl(ws) for ws in workbook.worksheets]
    formula_cells = [(g, pos) for g in grids for pos, v in g.values.items() if isinstance(v, str) and v.startswith("=")]
    if formula_cells:
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cached = openpyxl.load_workbook(path, data_only=True, read_only=True, keep_links=False)
        try:
            cache = {}
            for grid, (r, c) in formula_cells:
                if grid.title not in cache:
                    cache[grid.title] = {(cell.row, cell.column): cell.value
                                         for row in cached[grid.title].iter_rows() for cell in row
                                         if getattr(cell, "value", None) is not None}
                grid.values[(r, c)] = cache[grid.title].get((r, c))
        finally:
            cached.close()
        for grid in {id(g): g for g, _ in formula_cells}.values():
            grid.__post_init__()
    return grids
