"""The sheets perfxlsx adds (审核结果, 计算过程), read by their column headers (row 2) as a clerk reads them."""

from __future__ import annotations

from typing import Any


def header(ws) -> list[str]:
    return [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))]


def column(ws, name: str) -> int:
    """The 1-based column of header `name`."""
    return header(ws).index(name) + 1


def records(ws) -> list[dict[str, Any]]:
    """Every row below the header as {header: value}."""
    names = header(ws)
    return [dict(zip(names, row, strict=False)) for row in ws.iter_rows(min_row=3, values_only=True)]
