"""汇总.xlsx: one row per workbook of a folder run, one per project, every 错误, and charts (written with
xlsxwriter).

Sheets: 汇总 (one row per workbook; frozen header, filters, number formats, rows with 错误 or unreadable
highlighted; the files with 错误 first, then those that could not be processed, then those that pass,
each group by 单位), 项目汇总 (one row per project form, 项目支出绩效自评表, of every workbook, those
holding only project forms included: its 万元 amounts, 执行率, scores, 等次 and the findings on its sheet;
the files in the order of 汇总), 错误清单 (every 错误 of every file, and the folder-level 提示), 图表
(总分 and 预算执行率 by unit, highest 总分 first, value axes from 0 and every bar labelled with its
value; and the files, 错误, 提示 and 尾差 counted by 状态).
Rates are stored as fractions with a 0.00% format, as the forms store them. The tables are pandas
DataFrames (summary_frame, project_frame) with exact Decimals; numbers become floats only as they are
written. Document times are pinned so the same results give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Mapping
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
#: 项目汇总: a project's amounts (万元, as its form shows them) and scores, by their ProjectResult keys.
MONEY = {"年初预算数": "年初预算数（万元）", "全年预算数": "全年预算数（万元）", "全年执行数": "全年执行数（万元）"}
PROJECT_SCORES = {"预算执行": "预算执行得分", "绩效指标": "绩效指标得分", "总分": "总分"}
PROJECT_HEADER = ["文件", "单位", "项目名称", "表", *MONEY.values(), "执行率", *PROJECT_SCORES.values(), "等次"]
PROJECT_HEADER += list(COUNTS.values())
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
    87.57%, and scores as Decimal, None where blank), sorted by 状态 (STATUS_ORDER), then 单位 (in
    character code order; a file whose 单位 was not read comes last), then 文件."""
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
    return _by_status(records, HEADER)


def project_frame(rows: list[Report]) -> pd.DataFrame:
    """The 项目汇总 table (项目汇总表): one row per project form (项目支出绩效自评表) of every workbook, those
    holding only project forms included; columns as PROJECT_HEADER: amounts in 万元 and scores as
    Decimal, 执行率 as a fraction, None where blank, and the 错误, 提示 and 尾差 found on its sheet.
    The files in the order of 汇总 (summary_frame), each one's projects in the order of its sheets."""
    records = []
    for row in rows:
        for project in row.projects:
            found = project.findings(row.findings)
            records.append(
                {
                    "文件": row.name,
                    "单位": row.unit,
                    "项目名称": project.name,
                    "表": project.sheet,
                    **{label: _decimal(project.figures.get(key)) for key, label in MONEY.items()},
                    "执行率": _fraction(project.figures.get("执行率")),
                    **{label: _decimal(project.scores.get(key)) for key, label in PROJECT_SCORES.items()},
                    "等次": project.scores.get("等次"),
                    **{label: sum(1 for f in found if f.severity == s) for s, label in COUNTS.items()},
                    "状态": row.status,
                }
            )
    return _by_status(records, [*PROJECT_HEADER, "状态"]).drop(columns="状态")


def _by_status(records: list[dict], columns: list[str]) -> pd.DataFrame:
    """Records as a frame of Python objects (Decimal stays Decimal), sorted by the 状态 of their file
    (STATUS_ORDER), then 单位 (a blank one last), then 文件; stable, so a file's rows keep their order."""
    import pandas as pd

    frame = pd.DataFrame.from_records(records, columns=columns).astype(object)
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
        _projects_sheet(wb, project_frame(rows))
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
    """汇总: one row per workbook; those with 错误 red, the unreadable grey."""
    kinds = {"年度": "count", **dict.fromkeys(RATES, "percent"), **dict.fromkeys(SCORES, "score")}
    kinds.update(dict.fromkeys(COUNTS.values(), "count"))
    status = xl_col(HEADER.index("状态"))
    highlight = [(f'=${status}2="无法处理"', "#D9D9D9"), (f'=${status}2="有错误"', "#FFC7CE")]
    widths = {"文件": 34, "单位": 28, "原因": 50}
    _table_sheet(wb, "汇总", frame, kinds, widths, highlight)


def _projects_sheet(wb, frame: pd.DataFrame) -> None:
    """项目汇总: one row per project form; a project with a 错误 on its sheet red."""
    kinds = {**dict.fromkeys(MONEY.values(), "money"), "执行率": "percent"}
    kinds.update(dict.fromkeys(PROJECT_SCORES.values(), "score"))
    kinds.update(dict.fromkeys(COUNTS.values(), "count"))
    highlight = [(f"=${xl_col(PROJECT_HEADER.index('错误'))}2>0", "#FFC7CE")]
    widths = {"文件": 30, "单位": 24, "项目名称": 30, "表": 12, **dict.fromkeys(MONEY.values(), 12)}
    _table_sheet(wb, "项目汇总", frame, kinds, widths, highlight, empty="本次处理的工作簿中没有项目支出绩效自评表")


def _table_sheet(
    wb,
    name: str,
    frame: pd.DataFrame,
    kinds: dict[str, str],
    widths: Mapping[str, float],
    highlight: list[tuple[str, str]],
    empty: str = "",
) -> None:
    """A sheet holding `frame` (表格): a header row, frozen with the first two columns, and filters; each
    column written as its kind (percent, score, money, count; text otherwise), Decimals as floats;
    rows where a highlight's formula (on row 2) holds get its colour; `empty` said under the header when
    there are no rows."""
    ws = wb.add_worksheet(name)
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
    number_formats = {"percent": PERCENT, "score": "0.00", "money": "#,##0.00", "count": "0"}
    styles = {kind: wb.add_format({**font, "border": 1, "num_format": f}) for kind, f in number_formats.items()}
    text = wb.add_format({**font, "border": 1})
    columns = list(frame.columns)
    ws.write_row(0, 0, columns, head)
    ws.set_row(0, 42)
    for r, record in enumerate(frame.itertuples(index=False), start=1):
        for c, (column, value) in enumerate(zip(columns, record)):
            kind = kinds.get(column)
            style = styles[kind] if kind else text
            if value is None or (isinstance(value, float) and value != value):
                ws.write_blank(r, c, None, style)
            elif kind is None:
                ws.write_string(r, c, str(value), text)
            else:
                ws.write_number(r, c, float(value), style)
    rows, last_col = len(frame), len(columns) - 1
    if not rows and empty:
        ws.write_string(1, 0, empty, wb.add_format(font))
    for criteria, colour in highlight if rows else []:
        ws.conditional_format(
            1,
            0,
            rows,
            last_col,
            {"type": "formula", "criteria": criteria, "format": wb.add_format({"bg_color": colour})},
        )
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(rows, 1), last_col)
    for c, column in enumerate(columns):
        ws.set_column(c, c, widths.get(column, 10))
    _page(ws)


def _page(ws) -> None:
    """Printing (打印): A4 landscape, one page wide (as many pages down as it takes), the header row on each."""
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
    """Bar charts of 总分 and 预算执行率 by unit (highest 总分 first), from a small table beside them of the
    readable workbooks that have either (not those holding only project forms: see 项目汇总); under it,
    files and findings counted by 状态. The value axes start at 0 (不截断坐标轴), 总分 runs to 100, and
    each bar is labelled with its value, so 94.73 beside 95.00 looks as close as it is."""
    ws = wb.add_worksheet("图表")
    font = {"font_name": "宋体", "font_size": 10}
    head = wb.add_format({**font, "bold": True, "border": 1, "bg_color": "#F2F2F2"})
    text = wb.add_format({**font, "border": 1})
    number = wb.add_format({**font, "border": 1, "num_format": "0.00"})
    pct = wb.add_format({**font, "border": 1, "num_format": PERCENT})
    count = wb.add_format({**font, "border": 1, "num_format": "0"})
    usable = frame[(frame["状态"] != "无法处理") & (frame["总分"].notna() | frame["预算执行率"].notna())]
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
    charts = (
        ("各单位总分", 1, "0.00", "0", "总分（分，从 0 起）", usable["总分"]),
        ("各单位预算执行率", 2, PERCENT, "0%", "预算执行率（从 0% 起）", usable["预算执行率"]),
    )
    for k, (title, col, shown, ticks, axis, values) in enumerate(charts):
        known = [v for v in values if v is not None]
        chart = wb.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": title,
                "categories": ["图表", 1, 0, n, 0],
                "values": ["图表", 1, col, n, col],
                "fill": {"color": "#4F81BD"},
                "data_labels": {"value": True, "num_format": shown, "font": {"name": "宋体", "size": 9}},
            }
        )
        chart.set_title({"name": title, "name_font": {"name": "宋体", "size": 12}})
        chart.set_legend({"none": True})
        value_axis = {
            "name": axis,
            "name_font": {"name": "宋体", "size": 9, "bold": False},
            "num_font": {"name": "宋体", "size": 9},
            "num_format": ticks,
            "min": 0 if min(known, default=0) >= 0 else float(min(known)),  # a negative rate (wrong) still shows
        }
        if col == 1 and all(v <= 100 for v in known):
            value_axis["max"] = 100
        chart.set_x_axis(value_axis)  # in a bar chart the x axis is the horizontal, value axis
        chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"name": "宋体", "size": 9}})
        chart.set_size({"width": 560, "height": height})
        ws.insert_chart(1 + k * (height // 20 + 2), CHART_COLUMN, chart)
