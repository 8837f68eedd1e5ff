"""汇总.xlsx: one row per workbook of a folder run, one per project, every 错误, and charts (written with
xlsxwriter).

Sheets: 汇总 (one row per workbook: 预算执行率, the scores, 等次, the counts of findings, 状态 and 原因;
the files with 错误 first, then those that could not be processed, then those that pass, each group by
单位; rows with 错误 red, unreadable ones grey), 各项比率 (the same rows with all the rates), 项目汇总
(one row per project form, 项目支出绩效自评表, of every workbook, those holding only project forms
included: its 万元 amounts, 执行率, scores, 等次 and the findings on its sheet; the files in the order
of 汇总), 错误清单 (every 错误 of every file, and the folder-level 提示), 图表 (总分 and 预算执行率 by
unit, highest 总分 first, value axes from 0 and every bar labelled with its value; and the files, 错误,
提示 and 尾差 counted by 状态), and with --last-year 与上年比较 (comparison_frame: this year's and last year's
rates, 总分 and 等次 by unit, and the change). The tables have a frozen header and filters.

Rates are stored as fractions with a 0.00% format, as the forms store them. Every sheet prints on A4
landscape, one page wide, its header row on each page, in 宋体 10 pt (charts 9 pt and up); the columns
are narrow enough (which is why the rates have a sheet of their own) that fitting to the width keeps
90% or more, and rows with wrapped text are as high as it needs.

The tables are pandas DataFrames (summary_frame, project_frame) with exact Decimals; numbers become
floats only as they are written. Document times are pinned so the same results give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import temps
from .batch import batch_notes
from .errors import OutputNotWritable, write_advice
from .figures import REGISTRY
from .paths import publish_mode
from .report import Report

if TYPE_CHECKING:
    import pandas as pd

    from .pairing import Pairing

RATES = [name for name, _, _ in REGISTRY]
SCORES = ["预算执行", "产出", "效益", "满意度", "总分"]
COUNTS = {"error": "错误", "warning": "提示", "rounding": "尾差"}
#: summary_frame's columns, all that is known of a workbook; 汇总 and 各项比率 each show a part of them.
HEADER = ["文件", "单位", "年度", *RATES, *SCORES, "等次", *COUNTS.values(), "状态", "原因"]
#: 项目汇总: a project's amounts (万元, as its form shows them) and scores, by their ProjectResult keys.
MONEY = {"年初预算数": "年初预算数（万元）", "全年预算数": "全年预算数（万元）", "全年执行数": "全年执行数（万元）"}
PROJECT_SCORES = {"预算执行": "预算执行得分", "绩效指标": "绩效指标得分", "总分": "总分"}
PROJECT_HEADER = ["文件", "单位", "项目名称", "表", *MONEY.values(), "执行率", *PROJECT_SCORES.values(), "等次"]
PROJECT_HEADER += list(COUNTS.values())
#: 汇总 and 各项比率 (one row per workbook each): summary_frame's columns split so that each sheet, fit to
#: the width of an A4 page, still prints at 9 pt or more; 预算执行率, behind the 预算执行 score, in both.
SUMMARY_COLUMNS = ["文件", "单位", "年度", "预算执行率", *SCORES, "等次", *COUNTS.values(), "状态", "原因"]
RATE_COLUMNS = ["文件", "单位", *RATES, "状态"]
#: How each number column is stored and shown (its kind); text otherwise.
KINDS = {
    "年度": "count",
    **dict.fromkeys([*RATES, "执行率"], "percent"),
    **dict.fromkeys([*SCORES, *PROJECT_SCORES.values()], "score"),
    **dict.fromkeys(MONEY.values(), "money"),
    **dict.fromkeys(COUNTS.values(), "count"),
    **{f"{rate}{part}": "percent" for rate in RATES for part in ("（本年）", "（上年）", "变动")},
    **{f"总分{part}": "score" for part in ("（本年）", "（上年）", "变动")},
}
#: Column widths (列宽, in Excel's character units) of the tables, by column, else by kind: narrow enough
#: that the widest sheet, fit to an A4 landscape page, prints at 90% or more; long text wraps (WRAP).
WIDTHS = {
    "文件": 22,
    "单位": 18,
    "项目名称": 24,
    "表": 8,
    "年度": 6,
    "等次": 5,
    "状态": 8,
    "原因": 30,
    "严重程度": 8,
    "位置": 16,
    "说明": 96,
    "文件（本年）": 22,
    "文件（上年）": 22,
    "等次（本年）": 5,
    "等次（上年）": 5,
}
KIND_WIDTHS = {"percent": 8.5, "score": 7, "money": 10, "count": 5, "text": 10}
WRAP = {"文件", "单位", "项目名称", "原因", "说明", "文件（本年）", "文件（上年）"}
FONT_SIZE = 10
LINE_HEIGHT = 13.5  # points, a line of FONT_SIZE text
#: Page margins in inches (页边距): narrow at the sides, room for the header row at the top.
MARGINS = {"left": 0.25, "right": 0.25, "top": 0.6, "bottom": 0.6}
#: The order of the groups of 汇总: what needs the clerk's attention first.
STATUS_ORDER = ["有错误", "无法处理", "通过"]
PINNED = dt.datetime(2000, 1, 1)
#: Rates are stored as fractions and shown as percentages, as the forms themselves do (0.8757 → 87.57%).
PERCENT = "0.00%"
#: The 图表 sheet: the charts stand right of its two small tables (单位 × 总分、执行率; counts by 状态).
CHART_COLUMN = 6
CHART_WIDTH = 640  # pixels: with the tables, within an A4 landscape page at 90% (see _page)


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


#: 与上年比较: the figures compared, this year's and last year's side by side, and the change.
def _year_frame(records: list[dict]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame.from_records(records, columns=["键", "文件", "单位", "年度", *RATES, "总分", "等次"]).astype(
        object
    )


def _year_record(key: str, name: str, report: Report) -> dict:
    return {
        "键": key,
        "文件": name,
        "单位": report.unit,
        "年度": report.year,
        **{rate: _fraction(report.rate(rate)) for rate in RATES},
        "总分": _decimal(report.scores.get("总分")),
        "等次": report.scores.get("等次"),
    }


def comparison_groups(columns: list[str]) -> list[int]:
    """Where each group of 与上年比较's columns starts: the files, each figure's 本年/上年/变动, the 等次, 说明."""
    starts = [1]
    for i, column in enumerate(columns):
        if column.endswith("（本年）") and not column.startswith("文件") or column == "说明":
            starts.append(i)
    return starts


def comparison_frame(rows: list[Report], pairing: Pairing | None) -> pd.DataFrame:
    """The 与上年比较 table: one row per unit, this year's and last year's rates, 总分 and 等次 side by side
    and the change (rates in points, as fractions; 总分 in points), a merge (outer, on the pairing) of this
    year's table with last year's. A workbook with no last year's, and a last year's workbook no workbook
    of this year took, have their row too, with why in 说明."""
    this = _year_frame([_year_record(row.name, row.name, row) for row in rows if row.error is None])
    last_records = [
        _year_record(row.name, row.last_year_report.name, row.last_year_report)
        for row in rows
        if row.last_year_report is not None
    ]
    olds = pairing.unmatched_last if pairing is not None else []
    last_records += [
        {"键": f"上年:{old.path}", "文件": old.path.name, "单位": old.unit, "年度": old.year} for old in olds
    ]
    last = _year_frame(last_records)
    merged = this.merge(last, on="键", how="outer", suffixes=("（本年）", "（上年）"), sort=False)
    out = merged[["文件（本年）", "文件（上年）"]].copy()
    out.insert(0, "单位", merged["单位（本年）"].where(merged["单位（本年）"].notna(), merged["单位（上年）"]))
    for name in [*RATES, "总分"]:
        now, before = merged[f"{name}（本年）"], merged[f"{name}（上年）"]
        out[f"{name}（本年）"] = now
        out[f"{name}（上年）"] = before
        out[f"{name}变动"] = [
            a - b if isinstance(a, Decimal) and isinstance(b, Decimal) else None for a, b in zip(now, before)
        ]
    out["等次（本年）"] = merged["等次（本年）"]
    out["等次（上年）"] = merged["等次（上年）"]
    notes = {row.name: row.last_year_note for row in rows if row.last_year_note}
    out["说明"] = [
        notes.get(key)
        if key in notes
        else ("上年有、本年文件夹中没有对应的工作簿" if str(key).startswith("上年:") else None)
        for key in merged["键"]
    ]
    return out.astype(object).where(out.notna(), None).reset_index(drop=True)


def write_summary(rows: list[Report], path: Path, pairing: Pairing | None = None) -> Path:
    """Write 汇总.xlsx atomically (temp file + rename), with the mode of the one it replaces or the one the
    user's umask gives new files. A failure to write (a full disk, a read-only folder…) is an
    OutputNotWritable naming 汇总.xlsx, the earlier 汇总.xlsx left as it was."""
    path = Path(path)
    try:
        return _write_summary(rows, path, pairing)
    except OSError as exc:
        raise OutputNotWritable(f"无法写出汇总表：{write_advice(exc)}", path) from exc


def _write_summary(rows: list[Report], path: Path, pairing: Pairing | None = None) -> Path:
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    path.parent.mkdir(parents=True, exist_ok=True)
    frame = summary_frame(rows)
    fd, tmp = temps.make(path.parent, ".xlsx")
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"title": "绩效自评汇总", "author": "perfxlsx", "created": PINNED})
        styles = _styles(wb)
        status = [("状态", '="无法处理"', styles["lost"]), ("状态", '="有错误"', styles["bad"])]
        _table_sheet(wb, styles, "汇总", frame[SUMMARY_COLUMNS], status)
        _table_sheet(wb, styles, "各项比率", frame[RATE_COLUMNS], status)
        _table_sheet(
            wb,
            styles,
            "项目汇总",
            project_frame(rows),
            [("错误", ">0", styles["bad"])],
            empty="本次处理的工作簿中没有项目支出绩效自评表",
        )
        _errors_sheet(wb, styles, rows)
        if pairing is not None:  # --last-year: 与上年比较
            table = comparison_frame(rows, pairing)
            _table_sheet(wb, styles, "与上年比较", table, [], groups=comparison_groups(list(table.columns)))
        _charts_sheet(wb, styles, frame)
        try:
            wb.close()
        except FileCreateError as exc:  # xlsxwriter's wrapper of the OSError of a full disk, a lost folder…
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
            raise cause from exc
        publish_mode(Path(tmp), path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _styles(wb) -> dict:
    """The cell formats of every sheet (单元格格式): 宋体 10 pt, borders; numbers by kind (KINDS)."""
    font = {"font_name": "宋体", "font_size": FONT_SIZE}
    cell = {**font, "border": 1, "valign": "vcenter"}
    head = {**cell, "bold": True, "bg_color": "#F2F2F2", "text_wrap": True, "align": "center"}
    number_formats = {"percent": PERCENT, "score": "0.00", "money": "#,##0.00", "count": "0"}
    return {
        "head": wb.add_format(head),
        "text": wb.add_format(cell),
        "wrap": wb.add_format({**cell, "text_wrap": True}),
        "plain": wb.add_format(font),
        **{kind: wb.add_format({**cell, "num_format": f}) for kind, f in number_formats.items()},
        "bad": wb.add_format({"bg_color": "#FFC7CE"}),
        "lost": wb.add_format({"bg_color": "#D9D9D9"}),
    }


def _table_sheet(
    wb,
    styles: dict,
    name: str,
    frame: pd.DataFrame,
    highlight: list[tuple[str, str, Any]],
    empty: str = "",
    groups: list[int] | None = None,
) -> None:
    """A sheet holding `frame` (表格): a header row, frozen with the first two columns, and filters; each
    column written as its kind (KINDS: percent, score, money, count; text, wrapped where WRAP) and
    width (WIDTHS), Decimals as floats; a row whose `column` meets a highlight's condition (`="有错误"`,
    `>0`) gets its format; `empty` said under the header when there are no rows. `groups`: a table too
    wide for one page (the first column of each group of columns kept together), printed across pages
    at full size (_pages_across) instead of fitted to one page wide."""
    ws = wb.add_worksheet(name)
    columns = list(frame.columns)
    widths = [WIDTHS.get(column) or KIND_WIDTHS[KINDS.get(column, "text")] for column in columns]
    ws.write_row(0, 0, columns, styles["head"])
    ws.set_row(0, _height(zip(columns, widths)))
    for r, record in enumerate(frame.itertuples(index=False), start=1):
        wrapped = [(v, w) for column, v, w in zip(columns, record, widths) if column in WRAP and isinstance(v, str)]
        ws.set_row(r, _height(wrapped))
        for c, (column, value) in enumerate(zip(columns, record)):
            kind = KINDS.get(column)
            style = styles[kind or ("wrap" if column in WRAP else "text")]
            if value is None or (isinstance(value, float) and value != value):
                ws.write_blank(r, c, None, style)
            elif kind is None:
                ws.write_string(r, c, str(value), style)
            else:
                ws.write_number(r, c, float(value), style)
    rows, last_col = len(frame), len(columns) - 1
    if not rows and empty:
        ws.write_string(1, 0, empty, styles["plain"])
    for column, condition, style in highlight if rows else []:
        criteria = f"=${xl_col(columns.index(column))}2{condition}"
        ws.conditional_format(1, 0, rows, last_col, {"type": "formula", "criteria": criteria, "format": style})
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(rows, 1), last_col)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    _page(ws, fit=groups is None)
    if groups is not None:
        _pages_across(ws, widths, groups)


def _height(cells: Iterable[tuple[str, float]]) -> float:
    """The height (points) of a row whose wrapped text cells are `cells` (text, column width): as many lines
    as the longest needs. Set by hand because a spreadsheet opening the file does not always fit rows
    to wrapped text (LibreOffice does not)."""
    lines = max((_lines(text, width) for text, width in cells), default=1)
    return LINE_HEIGHT * lines + 3


def _lines(text: str, width: float) -> int:
    """Lines `text` wraps to in a column `width` characters wide (CJK characters count as two), at FONT_SIZE."""
    import math
    import unicodedata

    per_line = max(width - 1, 1) * 10 / FONT_SIZE
    return sum(
        max(1, math.ceil(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in part) / per_line))
        for part in str(text).split("\n")
    )


def _page(ws, fit: bool = True) -> None:
    """Printing (打印): A4 landscape, narrow margins, one page wide (as many pages down as it takes; `fit`),
    the header row on each page. The columns (WIDTHS) are chosen so that fitting a sheet to the width keeps
    it at 90% or more, so its 10 pt prints at 9 pt or more."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(**MARGINS)
    if fit:
        ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


#: An A4 landscape page between MARGINS, in column-width units, counted as 8 pixels at 96 dpi (a unit is 7 px
#: in Excel with Calibri 11 and about 8 in LibreOffice, sheet_style.CHAR_PX: the narrower count never spills).
PAGE_UNITS = ((297 / 25.4 - MARGINS["left"] - MARGINS["right"]) * 96) / 8


def _pages_across(ws, widths: list[float], groups: list[int]) -> None:
    """A wide table on paper (跨页打印): at full size (not fitted, see _page), its first column (单位) repeated on every page, pages
    across before down, and each page break between two groups of columns (a figure's 本年, 上年 and 变动
    stay on one page)."""
    ws.repeat_columns(0)
    ws.print_across()
    first = widths[0] + 1
    breaks, used = [], first
    for start, end in zip(groups, [*groups[1:], len(widths)]):
        group = sum(w + 1 for w in widths[start:end])
        if used + group > PAGE_UNITS and used > first:
            breaks.append(start)
            used = first
        used += group
    ws.set_v_pagebreaks(breaks)


def xl_col(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(index)


def _errors_sheet(wb, styles: dict, rows: list[Report]) -> None:
    """错误清单: every 错误 and every file that could not be processed, then the folder-level 提示."""
    ws = wb.add_worksheet("错误清单")
    header = ["文件", "严重程度", "位置", "说明"]
    ws.write_row(0, 0, header, styles["head"])
    lines = []
    for row in rows:
        if row.error:
            lines.append([row.name, "无法处理", "", row.error])
        lines += [[row.name, "错误", finding.where, finding.message] for finding in row.errors]
    lines += [[file, "提示", "", message] for file, message in batch_notes(rows)]
    for r, line in enumerate(lines, start=1):
        ws.write_row(r, 0, line, styles["wrap"])
        ws.set_row(r, _height(zip(line, (WIDTHS[column] for column in header))))
    for c, column in enumerate(header):
        ws.set_column(c, c, WIDTHS[column])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(lines), 1), len(header) - 1)
    _page(ws)


def _charts_sheet(wb, styles: dict, frame: pd.DataFrame) -> None:
    """Bar charts of 总分 and 预算执行率 by unit (highest 总分 first), from a small table beside them of the
    readable workbooks that have either (not those holding only project forms: see 项目汇总); under it,
    files and findings counted by 状态. The value axes start at 0 (不截断坐标轴), 总分 runs to 100, and
    each bar is labelled with its value, so 94.73 beside 95.00 looks as close as it is."""
    ws = wb.add_worksheet("图表")
    head, text, number, pct, count = (styles[k] for k in ("head", "wrap", "score", "percent", "count"))
    usable = frame[(frame["状态"] != "无法处理") & (frame["总分"].notna() | frame["预算执行率"].notna())]
    usable = usable.assign(名称=usable["单位"].where(usable["单位"].notna(), usable["文件"]))
    repeated = usable["名称"].duplicated(keep=False)
    usable["名称"] = usable["名称"].where(~repeated, usable["名称"] + "（" + usable["文件"] + "）")
    usable = usable.sort_values("总分", ascending=False, na_position="last", kind="stable")
    name_width = WIDTHS["单位"] + 6
    ws.set_column(0, 0, name_width)
    ws.set_column(1, 1, KIND_WIDTHS["score"])
    ws.set_column(2, 2, KIND_WIDTHS["percent"] + 1.5)
    _page(ws)
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
        ws.set_row(i, _height([(name, name_width)]))
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
        chart.set_size({"width": CHART_WIDTH, "height": height})
        ws.insert_chart(1 + k * (height // 20 + 2), CHART_COLUMN, chart)
