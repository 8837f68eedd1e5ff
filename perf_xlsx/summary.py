"""汇总.xlsx: one row per workbook of a folder run, every 错误, and charts (written with xlsxwriter).

Sheets: 汇总 (frozen header, filters, number formats, rows with 错误 or unreadable highlighted; the
files with 错误 first, then those that could not be processed, then those that pass, each group by
单位), 错误清单 (every 错误 of every file, and the folder-level 提示), 图表 (总分 and 预算执行率 by unit,
highest 总分 first, and the files, 错误, 提示 and 尾差 counted by 状态). The table is a pandas DataFrame
(summary_frame) with exact Decimals; numbers become floats only as they are written. Document times
are pinned so the same results give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .batch import batch_notes
from .figures import REGISTRY
from .paths import publish_mode
from .report import Report

if TYPE_CHECKING:
    import pandas as pd

RATES = [name for name, _, _ in REGISTRY]
SCORES = ["预算执行", "产出", "效益", "满意度", "总分"]
COUNTS = {"error": "错误", "warning": "提示", "rounding": "尾差"}
HEADER = ["文件", "单位", "年度", *RATES, *SCORES, "等次", *COUNTS.values(), "状态", "原因"]
#: The order of the groups of 汇总: what needs the clerk's attention first.
STATUS_ORDER = ["有错误", "无法处理", "通过"]
PINNED = dt.datetime(2000, 1, 1)
#: Rates are stored as fractions and shown as percentages, as the forms themselves do (0.8757 → 87.57%).
PERCENT = "0.00%"
#: The 图表 sheet: the charts stand right of its two small tables (单位 × 总分、执行率; counts by 状态).
CHART_COLUMN = 6


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _fraction(percent: str | None) -> Decimal | None:
    """A rate as the report prints it (`"87.57"`, percent) as the fraction a form stores (0.8757), exactly."""
    return None if percent is None else Decimal(percent).scaleb(-2)


def summary_frame(rows: list[Report]) -> pd.DataFrame:
    """The 汇总 table (汇总表): one row per workbook, columns as HEADER (rates as fractions, 0.8757 for
    87.57%, and scores as Decimal, None where blank), sorted by 状态 (STATUS_ORDER), then 单位 (in character code order; a file
    whose 单位 was not read comes last), then 文件."""
    import pandas as pd

    records = [
        {
            "文件": row.name,
            "单位": row.unit,
            "年度": row.year,
            **{name: _fraction(row.rate(name)) for name in RATES},
            **{name: _decimal(row.scores.get(name)) for name in SCORES},
            "等次": row.scores.get("等次"),
            **{label: row.counts[severity] for severity, label in COUNTS.items()},
            "状态": row.status,
            "原因": row.error,
        }
        for row in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=HEADER).astype(object)
    frame["状态"] = pd.Categorical(frame["状态"], categories=STATUS_ORDER, ordered=True)
    return frame.sort_values(["状态", "单位", "文件"], na_position="last", kind="stable").reset_index(drop=True)


def status_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Files and findings by 状态 (按状态统计): 文件数, 错误, 提示, 尾差 per group, and a 合计 row."""
    counts = (
        frame.groupby("状态", observed=False)
        .agg(文件数=("文件", "size"), **{label: (label, "sum") for label in COUNTS.values()})
        .astype(int)
    )
    counts.index = counts.index.astype(str)
    counts.loc["合计"] = counts.sum()
    return counts


def write_summary(rows: list[Report], path: Path) -> Path:
    """Write 汇总.xlsx atomically (temp file + rename), with the mode the user's umask gives new files."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = summary_frame(rows)
    fd, tmp = tempfile.mkstemp(prefix=".~perfxlsx-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"title": "绩效自评汇总", "author": "perfxlsx", "created": PINNED})
        _summary_sheet(wb, frame)
        _errors_sheet(wb, rows)
        _charts_sheet(wb, frame)
        wb.close()
        publish_mode(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _summary_sheet(wb, frame: pd.DataFrame) -> None:
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
    pct = wb.add_format({**font, "border": 1, "num_format": PERCENT})
    score = wb.add_format({**font, "border": 1, "num_format": "0.00"})
    count = wb.add_format({**font, "border": 1, "num_format": "0"})
    bad = wb.add_format({"bg_color": "#FFC7CE"})
    lost = wb.add_format({"bg_color": "#D9D9D9"})
    formats = {"年度": count, **dict.fromkeys(RATES, pct), **dict.fromkeys(SCORES, score)}
    formats.update(dict.fromkeys(COUNTS.values(), count))
    ws.write_row(0, 0, HEADER, head)
    ws.set_row(0, 42)
    for r, record in enumerate(frame.itertuples(index=False), start=1):
        for c, (name, value) in enumerate(zip(HEADER, record)):
            style = formats.get(name, text)
            if value is None or (isinstance(value, float) and value != value):
                ws.write_blank(r, c, None, style)
            elif style is text:
                ws.write_string(r, c, str(value), text)
            else:
                ws.write_number(r, c, float(value), style)
    rows = len(frame)
    last_col = len(HEADER) - 1
    status_col = xl_col(HEADER.index("状态"))
    if rows:
        ws.conditional_format(
            1, 0, rows, last_col, {"type": "formula", "criteria": f'=${status_col}2="无法处理"', "format": lost}
        )
        ws.conditional_format(
            1, 0, rows, last_col, {"type": "formula", "criteria": f'=${status_col}2="有错误"', "format": bad}
        )
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(rows, 1), last_col)
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


def _charts_sheet(wb, frame: pd.DataFrame) -> None:
    """Bar charts of 总分 and 预算执行率 by unit (highest 总分 first), from a small table of the readable
    workbooks beside them; under it, files and findings counted by 状态."""
    ws = wb.add_worksheet("图表")
    font = {"font_name": "宋体", "font_size": 10}
    head = wb.add_format({**font, "bold": True, "border": 1, "bg_color": "#F2F2F2"})
    text = wb.add_format({**font, "border": 1})
    number = wb.add_format({**font, "border": 1, "num_format": "0.00"})
    pct = wb.add_format({**font, "border": 1, "num_format": PERCENT})
    count = wb.add_format({**font, "border": 1, "num_format": "0"})
    usable = frame[frame["状态"] != "无法处理"]
    usable = usable.assign(名称=usable["单位"].where(usable["单位"].notna(), usable["文件"]))
    repeated = usable["名称"].duplicated(keep=False)
    usable["名称"] = usable["名称"].where(~repeated, usable["名称"] + "（" + usable["文件"] + "）")
    usable = usable.sort_values("总分", ascending=False, na_position="last", kind="stable")
    ws.set_column(0, 0, 30)
    ws.set_column(1, 2, 12)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    stats_row = len(usable) + 2 if len(usable) else 2
    ws.write_row(stats_row, 0, ["状态", "文件数", *COUNTS.values()], head)
    for i, (status, counts) in enumerate(status_counts(frame).iterrows(), start=stats_row + 1):
        ws.write_string(i, 0, status, text)
        ws.write_row(i, 1, [int(v) for v in counts], count)
    if usable.empty:
        ws.write_string(0, 0, "没有可以作图的结果", text)
        return
    ws.write_row(0, 0, ["单位", "总分", "预算执行率"], head)
    for i, (name, total, rate) in enumerate(zip(usable["名称"], usable["总分"], usable["预算执行率"]), start=1):
        ws.write_string(i, 0, name, text)
        for col, value, style in ((1, total, number), (2, rate, pct)):
            ws.write_number(i, col, float(value), style) if value is not None else ws.write_blank(i, col, None, style)
    n = len(usable)
    height = max(280, 26 * n + 90)
    for k, (title, col) in enumerate((("各单位总分", 1), ("各单位预算执行率", 2))):
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
        ws.insert_chart(1 + k * (height // 20 + 2), CHART_COLUMN, chart)
