"""汇总.xlsx of a folder run, through the command line: its sheets, charts, number formats and file mode."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perf_xlsx import paths
from perf_xlsx.summary import RATES
from samples.synthetic import SAMPLE as SYNTHETIC
from tests.families import BUILDERS
from tests.golden import SAMPLE


def run(*args: str, umask: int = -1) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from perf_xlsx.cli import main; main()", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        umask=umask,
    )


@pytest.fixture(scope="module")
def done(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """One folder run over the 湘西 sample (4 project sheets), the synthetic sample (3 projects), and a national
    and a Hubei workbook holding only a project form: 汇总.xlsx, and the --json report of each file by name."""
    tmp = tmp_path_factory.mktemp("summary")
    drop, out = tmp / "各单位", tmp / "out"
    drop.mkdir()
    shutil.copy(SAMPLE, drop / "湘西.xlsx")
    shutil.copy(SYNTHETIC, drop / "模拟.xlsx")
    BUILDERS["n_project"](drop)
    BUILDERS["b_project"](drop)
    result = run("fill", str(drop), "-o", str(out), "--json", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    return out / "汇总.xlsx", {r["file"]: r for r in json.loads(result.stdout)}


def table(ws) -> list[dict]:
    """A sheet's rows as dicts by its header (row 1)."""
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def fraction(percent: str | None) -> float | None:
    """A rate as the JSON report prints it (`"87.57"`) as the fraction the workbooks store."""
    return None if percent is None else float(Decimal(percent) / 100)


def test_rates_are_fractions_with_a_percent_format_in_every_sheet(done):
    """As the forms store them (0.8757 shown as 87.57%), never 87.57 with a `0.00"%"` format."""
    path, reports = done
    wb = openpyxl.load_workbook(path)
    assert [r["文件"] for r in table(wb["各项比率"])] == [r["文件"] for r in table(wb["汇总"])]
    for row in table(wb["各项比率"]):
        for name in RATES:
            assert row[name] == fraction(reports[row["文件"]]["figures"][name]["value"]), (row["文件"], name)
    for row in table(wb["汇总"]):
        assert row["预算执行率"] == fraction(reports[row["文件"]]["figures"]["预算执行率"]["value"])
    percent = []
    for ws in wb:
        for cells in ws.iter_rows():
            for cell in cells:
                assert '"%"' not in cell.number_format, (ws.title, cell.coordinate)
                if "%" in cell.number_format:
                    assert cell.number_format == "0.00%", (ws.title, cell.coordinate)
                    percent.append(ws.title)
    assert set(percent) == {"汇总", "各项比率", "项目汇总", "图表"}
    rate = next(r["预算执行率"] for r in table(wb["图表"]) if r["单位"] == "湘西自治州人民政府办公室")
    assert rate == pytest.approx(0.8757)


def test_projects_sheet_has_one_row_per_project_as_the_report_gives_it(done):
    """项目汇总: every project form of every workbook, the project-only ones (national, Hubei) too, in the order
    of 汇总 and of the sheets; its money, 执行率 (a fraction), scores and counts those of the JSON report."""
    path, reports = done
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "各项比率", "项目汇总", "错误清单", "图表"]
    rows = table(wb["项目汇总"])
    expected = [
        (name, project) for name in (r["文件"] for r in table(wb["汇总"])) for project in reports[name]["projects"]
    ]
    assert len(rows) == len(expected) == 4 + 3 + 1 + 1
    assert {"n_project.xlsx", "b_project.xlsx"} <= {row["文件"] for row in rows}
    for row, (name, project) in zip(rows, expected):
        assert (row["文件"], row["单位"], row["项目名称"], row["表"]) == (
            name,
            reports[name]["unit"],
            project["name"],
            project["sheet"],
        )
        figures, scores = project["figures"], project["scores"]
        assert row["执行率"] == fraction(figures["执行率"]), row
        for key in ("年初预算数", "全年预算数", "全年执行数"):
            assert row[f"{key}（万元）"] == (None if figures[key] is None else float(figures[key])), (row, key)
        for key, column in (("预算执行", "预算执行得分"), ("绩效指标", "绩效指标得分"), ("总分", "总分")):
            assert row[column] == (None if scores[key] is None else float(scores[key])), (row, key)
        assert row["等次"] == scores["等次"]
        assert [row["错误"], row["提示"], row["尾差"]] == list(project["counts"].values())
    national = next(row for row in rows if row["文件"] == "n_project.xlsx")
    assert national["执行率"] is not None and national["总分"] is not None  # scored, not only listed
    sheet = wb["项目汇总"]
    assert [sheet.cell(2, c).number_format for c in (5, 8, 9, 11)] == ["#,##0.00", "0.00%", "0.00", "0.00"]
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref == f"A1:O{len(rows) + 1}"


def test_project_frame_keeps_exact_decimals_in_the_order_of_the_summary():
    """project_frame: Decimals (a fraction for 执行率), None where blank, the findings of each project's own sheet;
    the files as 汇总 orders them (有错误 first), each one's projects in sheet order."""
    from perf_xlsx.report import Finding, ProjectResult, Report
    from perf_xlsx.summary import PROJECT_HEADER, project_frame

    def project(sheet: str, rate: str | None) -> ProjectResult:
        figures = {"全年预算数": "85.60", "全年执行数": "81.24", "执行率": rate}
        return ProjectResult(sheet, f"项目{sheet}", "national", figures, {"总分": "98.98", "等次": "优"})

    good = Report(file=Path("a.xlsx"), unit="甲局", projects=[project("P2", "94.91"), project("P1", None)])
    bad = Report(file=Path("b.xlsx"), unit="乙局", projects=[project("表", "100.00")])
    bad.findings = [Finding("r", "error", "表", "A1", "…"), Finding("r", "warning", "其他", "A1", "…")]
    frame = project_frame([good, bad])
    assert list(frame.columns) == PROJECT_HEADER
    assert list(frame["表"]) == ["表", "P2", "P1"]
    assert list(frame["执行率"]) == [Decimal("1.0000"), Decimal("0.9491"), None]
    assert frame.loc[1, "全年执行数（万元）"] == Decimal("81.24") and frame.loc[1, "年初预算数（万元）"] is None
    assert frame.loc[0, ["错误", "提示", "尾差"]].to_list() == [1, 0, 0]  # the 提示 is on another sheet


def test_projects_sheet_of_a_run_without_project_forms(tmp_path):
    drop, out = tmp_path / "各单位", tmp_path / "out"
    drop.mkdir()
    BUILDERS["c_department"](drop)
    assert run("fill", str(drop), "-o", str(out), "-q").returncode == 0
    sheet = openpyxl.load_workbook(out / "汇总.xlsx")["项目汇总"]
    assert sheet["A1"].value == "文件" and sheet["A2"].value == "本次处理的工作簿中没有项目支出绩效自评表"
    assert sheet.max_row == 2


def test_charts_start_at_zero_and_label_their_bars(done):
    """图表: each value axis starts at 0 (总分 runs to 100), each bar carries its value, the rate as a percentage;
    the workbooks holding only project forms have no 总分 or 预算执行率 to draw and are left out."""
    path, reports = done
    with zipfile.ZipFile(path) as archive:
        charts = [archive.read(n).decode() for n in sorted(archive.namelist()) if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    for xml, shown in zip(charts, ("0.00", "0.00%")):
        value_axis = re.search(r"<c:valAx>.*?</c:valAx>", xml, re.S).group(0)
        assert '<c:min val="0"/>' in value_axis
        labels = re.search(r"<c:dLbls>.*?</c:dLbls>", xml, re.S).group(0)
        assert '<c:showVal val="1"/>' in labels and f'<c:numFmt formatCode="{shown}"' in labels
    assert '<c:max val="100"/>' in charts[0]
    rows = table(openpyxl.load_workbook(path)["图表"])
    drawn = [r["单位"] for r in rows[: [r["单位"] for r in rows].index(None)]]  # the table the charts draw
    scored = [r for r in reports.values() if r["scores"]["总分"] is not None]  # the two full workbooks
    assert drawn == [r["unit"] for r in sorted(scored, key=lambda r: -Decimal(r["scores"]["总分"]))]
    assert reports["n_project.xlsx"]["unit"] not in drawn and reports["b_project.xlsx"]["unit"] not in drawn


def column_px(width: float) -> int:
    """A column's width in pixels, as Excel converts it (its unit is the default font's digit, 7 px)."""
    return int((256 * width + int(128 / 7)) / 256 * 7)


def printed_width_px(ws, archive: zipfile.ZipFile, index: int) -> int:
    """How wide a sheet prints before fitting: its columns up to the last used one, or to a chart's right edge."""
    widths = {}
    for dim in ws.column_dimensions.values():
        for col in range(dim.min, dim.max + 1):
            widths[col] = dim.width
    px = [column_px(widths.get(c, 8.43)) for c in range(1, 64)]
    edge = sum(px[: ws.max_column])
    rels = f"xl/worksheets/_rels/sheet{index}.xml.rels"
    targets = (
        re.findall(r'Target="\.\./(drawings/drawing\d+\.xml)"', archive.read(rels).decode())
        if (rels in archive.namelist())
        else []
    )
    for drawing in targets:  # charts: their anchors' right edges (column, offset in EMU)
        for col, offset in re.findall(
            r"<xdr:to><xdr:col>(\d+)</xdr:col><xdr:colOff>(\d+)</xdr:colOff>", archive.read(f"xl/{drawing}").decode()
        ):
            edge = max(edge, sum(px[: int(col)]) + int(offset) // 9525)
    return edge


def test_every_sheet_prints_readably_on_a4_landscape(done):
    """Each sheet: A4 landscape, one page wide and as many down as it takes, its header row on every page, no
    font under 9 pt (cells and charts), and columns narrow enough that fitting them to the page keeps 90% or
    more, so 10 pt text prints at 9 pt or more; a row whose wrapped text needs two lines is two lines high."""
    path, _ = done
    wb = openpyxl.load_workbook(path)
    with zipfile.ZipFile(path) as archive:
        for index, ws in enumerate(wb, start=1):
            setup = ws.page_setup
            assert (setup.orientation, setup.paperSize) == ("landscape", 9), ws.title
            assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (None, 1), ws.title
            assert setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1", ws.title
            fonts = {cell.font.sz for cells in ws.iter_rows() for cell in cells if cell.value is not None}
            assert min(fonts) >= 9, ws.title
            printable = (11.69 - ws.page_margins.left - ws.page_margins.right) * 96
            assert printable / printed_width_px(ws, archive, index) >= 0.9, ws.title
        assert printed_width_px(wb["图表"], archive, wb.sheetnames.index("图表") + 1) > 560  # its charts counted
        sizes = [
            int(sz)
            for n in archive.namelist()
            if n.startswith("xl/charts/")
            for sz in re.findall(r'sz="(\d+)"', archive.read(n).decode())
        ]
        assert sizes and min(sizes) >= 900
    projects = wb["项目汇总"]
    height = {projects.cell(r, 3).value: projects.row_dimensions[r].height for r in range(2, projects.max_row + 1)}
    assert height["2022年农村公路日常养护项目"] >= 2 * 13.5 > height["模拟项目1"]  # 26 characters wide in 24


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)], ids=oct)
def test_summary_mode_follows_the_umask(tmp_path, umask, mode):
    """tempfile.mkstemp makes 0600; the published 汇总.xlsx is 0666 minus the umask, as any new file of the user."""
    drop, out = tmp_path / "各单位", tmp_path / "out"
    drop.mkdir()
    BUILDERS["n_project"](drop)
    result = run("fill", str(drop), "-o", str(out), "-q", umask=umask)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((out / "汇总.xlsx").stat().st_mode) == mode
    assert not [p for p in Path(out).iterdir() if p.name.startswith(".")]  # no temporary file left


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
@pytest.mark.parametrize("proc", [True, False], ids=["proc-status", "os-umask"])
def test_publish_mode_reads_the_umask_either_way(tmp_path, monkeypatch, proc):
    """The umask from /proc/self/status, or (elsewhere) by setting it and putting it back: the same mode, the
    umask unchanged after."""
    if not proc:
        monkeypatch.setattr(paths, "PROC_STATUS", str(tmp_path / "no-such-file"))
    previous = os.umask(0o002)
    try:
        paths._umask.cache_clear()
        (tmp_path / "f").write_bytes(b"")
        os.chmod(tmp_path / "f", 0o600)
        paths.publish_mode(tmp_path / "f")
        assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o664
        assert os.umask(0o002) == 0o002  # put back as it was
    finally:
        os.umask(previous)
        paths._umask.cache_clear()
