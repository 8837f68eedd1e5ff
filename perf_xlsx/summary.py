"""汇总.xlsx: one row per workbook of a folder run, every 错误, and charts (written with xlsxwriter).

Sheets: 汇总 (frozen header, filters, number formats, rows with 错误 or unreadable highlighted),
错误清单 (every 错误 of every file, and the folder-level 提示), 图表 (总分 and 预算执行率 by unit).
Document times are pinned so the same results give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from .batch import batch_notes
from .figures import REGISTRY
from .report import Report

RATES = [name for name, _, _ in REGISTRY]
SCORES = ["预算执行", "产出", "效益", "满意度", "总分"]
PINNED = dt.datetime(2000, 1, 1)


def _number(text: str | None):
    return None if text is None else float(text)


def write_summary(rows: list[Report], path: Path) -> Path:
    """Write 汇总.xlsx atomically (temp file + rename)."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~perfxlsx-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"title": "绩效自评汇总", "author": "perfxlsx", "created": PINNED})
        _summary_sheet(wb, rows)
        _errors_sheet(wb, rows)
        _charts_sheet(wb, rows)
        wb.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _summary_sheet(wb, rows: list[Report]) -> None:
    ws = wb.add_worksheet("汇总")
    font = {"font_name": "宋体", "font_size": 10}
    head = wb.add_format(
        {
            **font,
            "bold": True,
            "bg_color": "#F2F2F2",
            "border": 1,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
        }
    )
    text = wb.add_format({**font, "border": 1})
    pct = wb.add_format({**font, "border": 1, "num_format": '0.00"%"'})
    score = wb.add_format({**font, "border": 1, "num_format": "0.00"})
    count = wb.add_format({**font, "border": 1, "num_format": "0"})
    bad = wb.add_format({"bg_color": "#FFC7CE"})
    lost = wb.add_format({"bg_color": "#D9D9D9"})
    header = ["文件", "单位", "年度", *RATES, *SCORES, "等次", "错误", "提示", "尾差", "状态", "原因"]
    ws.write_row(0, 0, header, head)
    ws.set_row(0, 42)
    for r, row in enumerate(rows, start=1):
        ws.write_string(r, 0, row.name, text)
        ws.write_string(r, 1, row.unit or "", text)
        ws.write(r, 2, row.year, count) if row.year else ws.write_blank(r, 2, None, text)
        c = 3
        for name in RATES:
            value = _number(row.rate(name))
            ws.write(r, c, value, pct) if value is not None else ws.write_blank(r, c, None, pct)
            c += 1
        for name in SCORES:
            value = _number(row.scores.get(name))
            ws.write(r, c, value, score) if value is not None else ws.write_blank(r, c, None, score)
            c += 1
        ws.write_string(r, c, row.scores.get("等次") or "", text)
        for i, severity in enumerate(("error", "warning", "rounding"), start=1):
            ws.write_number(r, c + i, row.counts[severity], count)
        ws.write_string(r, c + 4, row.status, text)
        ws.write_string(r, c + 5, row.error or "", text)
    last_col = len(header) - 1
    status_col = xl_col(last_col - 1)
    if rows:
        ws.conditional_format(
            1, 0, len(rows), last_col, {"type": "formula", "criteria": f'=${status_col}2="无法处理"', "format": lost}
        )
        ws.conditional_format(
            1, 0, len(rows), last_col, {"type": "formula", "criteria": f'=${status_col}2="有错误"', "format": bad}
        )
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(len(rows), 1), last_col)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 28)
    ws.set_column(2, last_col - 1, 10)
    ws.set_column(last_col, last_col, 50)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def xl_col(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(index)


def _errors_sheet(wb, rows: list[Report]) -> None:
    ws = wb.add_worksheet("错误清单")
    font = {"font_name": "宋体", "font_size": 10}
    head = wb.add_format({**font, "bold": True, "bg_color": "#F2F2F2", "border": 1})
    text = wb.add_format({**font, "border": 1, "text_wrap": True, "valign": "top"})
    ws.write_row(0, 0, ["文件", "严重程度", "位置", "说明"], head)
    r = 1
    for row in rows:
        if row.error:
            ws.write_row(r, 0, [row.name, "无法处理", "", row.error], text)
            r += 1
        for finding in row.errors:
            ws.write_row(r, 0, [row.name, "错误", finding.where, finding.message], text)
            r += 1
    for file, message in batch_notes(rows):
        ws.write_row(r, 0, [file, "提示", "", message], text)
        r += 1
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 10)
    ws.set_column(2, 2, 20)
    ws.set_column(3, 3, 90)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(r - 1, 1), 3)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def _charts_sheet(wb, rows: list[Report]) -> None:
    """Bar charts of 总分 and 预算执行率 by unit, from a small table of the readable workbooks beside them."""
    ws = wb.add_worksheet("图表")
    font = {"font_name": "宋体", "font_size": 10}
    head = wb.add_format({**font, "bold": True, "border": 1, "bg_color": "#F2F2F2"})
    text = wb.add_format({**font, "border": 1})
    number = wb.add_format({**font, "border": 1, "num_format": "0.00"})
    usable = [r for r in rows if r.error is None]
    if not usable:
        ws.write_string(0, 0, "没有可以作图的结果", text)
        return
    units = [r.unit or r.name for r in usable]
    names = [f"{u}（{r.name}）" if units.count(u) > 1 else u for u, r in zip(units, usable)]
    ws.write_row(0, 0, ["单位", "总分", "预算执行率（%）"], head)
    for i, (name, row) in enumerate(zip(names, usable), start=1):
        ws.write_string(i, 0, name, text)
        for col, value in ((1, row.scores.get("总分")), (2, row.rate("预算执行率"))):
            ws.write(i, col, _number(value), number) if value is not None else ws.write_blank(i, col, None, number)
    n = len(usable)
    height = max(280, 26 * n + 90)
    for k, (title, col) in enumerate((("各单位总分", 1), ("各单位预算执行率（%）", 2))):
        chart = wb.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": title,
                "categories": ["图表", 1, 0, n, 0],
                "values": ["图表", 1, col, n, col],
                "fill": {"color": "#4F81BD"},
            }
        )
        chart.set_title({"name": title, "name_font": {"name": "宋体", "size": 12}})
        chart.set_legend({"none": True})
        chart.set_x_axis({"num_font": {"name": "宋体"}})
        chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体"}})
        chart.set_size({"width": 560, "height": height})
        ws.insert_chart(1 + k * (height // 20 + 2), 4, chart)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 2, 12)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
