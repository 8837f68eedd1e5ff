"""文件夹批处理 through the command line: good, wrong and unreadable workbooks in one folder."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perf_xlsx import api, paths
from perf_xlsx.figures import Figure
from perf_xlsx.report import Finding, Report
from perf_xlsx.summary import status_counts, summary_frame, write_summary
from tests.golden import SAMPLE
from tests.rule_cases import variant


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from perf_xlsx.cli import main; main()", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


@pytest.fixture
def folder(tmp_path):
    """好.xlsx (the sample), 错.xlsx (a total typed wrong), 坏.xlsx (not a workbook), a lock file, a hidden file."""
    drop = tmp_path / "各单位"
    drop.mkdir()
    shutil.copy(SAMPLE, drop / "好.xlsx")
    shutil.copy(variant(tmp_path, {"ie.income.1.total": 6096.32}), drop / "错.xlsx")
    (drop / "坏.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (drop / "~$好.xlsx").write_bytes(b"owner lock")
    (drop / ".隐藏.xlsx").write_bytes(b"hidden")
    return drop


def test_folder_run_outputs_summary_and_exit_code(folder, tmp_path):
    out = tmp_path / "out"
    result = run("fill", str(folder), "-o", str(out), "--jobs", "2")
    assert result.returncode == 1, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["好_已填.xlsx", "汇总.xlsx", "错_已填.xlsx"]
    lines = result.stdout.splitlines()
    assert any(line.startswith("好.xlsx") and "95.00/优" in line and "通过" in line for line in lines)
    assert any(line.startswith("错.xlsx") and "有错误" in line for line in lines)
    assert any(line.startswith("坏.xlsx") and "无法处理" in line and "另存为" in line for line in lines)
    assert "共 3 个文件：通过 1，有错误 1，无法处理 1" in result.stdout
    assert "Traceback" not in result.stderr
    wb = openpyxl.load_workbook(out / "汇总.xlsx")
    assert wb.sheetnames == ["汇总", "各项比率", "项目汇总", "错误清单", "图表"]
    rows = list(wb["汇总"].iter_rows(values_only=True))
    header = rows[0]
    by_file = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    assert set(by_file) == {"好.xlsx", "错.xlsx", "坏.xlsx"}
    assert by_file["好.xlsx"]["预算执行率"] == pytest.approx(0.8757) and by_file["好.xlsx"]["总分"] == 95  # 87.57%
    assert by_file["错.xlsx"]["状态"] == "有错误" and by_file["错.xlsx"]["错误"] >= 1
    assert by_file["坏.xlsx"]["状态"] == "无法处理" and "zip" in by_file["坏.xlsx"]["原因"]
    assert [r[0] for r in rows[1:]] == ["错.xlsx", "坏.xlsx", "好.xlsx"]  # 有错误, 无法处理, 通过
    errors = list(wb["错误清单"].iter_rows(min_row=2, values_only=True))
    assert any(r[0] == "错.xlsx" and r[1] == "错误" and r[2].startswith("收支情况!") for r in errors)
    assert any(r[0] == "错.xlsx" and r[1] == "提示" and "重复" in r[3] for r in errors)  # same unit twice
    charts = list(wb["图表"].iter_rows(values_only=True))
    assert charts[3][0] is None and charts[4][:5] == ("状态", "文件数", "错误", "提示", "尾差")  # under 2 units
    by_status = {r[0]: r[1:5] for r in charts[5:9]}
    assert by_status["有错误"][:2] == (1, by_file["错.xlsx"]["错误"]) and by_status["无法处理"] == (1, 0, 0, 0)
    assert by_status["通过"] == (1, 0, by_file["好.xlsx"]["提示"], 8)  # the seed's 8 尾差
    assert by_status["合计"][0] == 3 and by_status["合计"][3] == by_file["错.xlsx"]["尾差"] + 8


def test_each_result_identical_to_a_single_file_run(folder, tmp_path, pinned_clock):
    one, two = tmp_path / "one", tmp_path / "two"
    run("fill", str(folder), "-o", str(one), "--jobs", "1", "-q")
    run("fill", str(folder), "-o", str(two), "--jobs", "2", "-q")
    single = api.fill(folder / "好.xlsx", tmp_path / "single").output
    for name in ("好_已填.xlsx", "错_已填.xlsx", "汇总.xlsx"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert (one / "好_已填.xlsx").read_bytes() == single.read_bytes()


def test_recursive_mirrors_subfolders(tmp_path):
    drop = tmp_path / "全市"
    for sub in ("甲县", "乙县"):
        (drop / sub).mkdir(parents=True)
        shutil.copy(SAMPLE, drop / sub / "基础数据表.xlsx")  # the same name in two folders
    out = tmp_path / "out"
    assert "没有" in run("fill", str(drop), "-o", str(out)).stderr  # not recursive: nothing at the top
    run("fill", str(drop), "-o", str(out), "-r", "-q")
    assert (out / "甲县" / "基础数据表_已填.xlsx").exists() and (out / "乙县" / "基础数据表_已填.xlsx").exists()


def test_bundle_contains_exactly_the_outputs(folder, tmp_path):
    out = tmp_path / "out"
    run("fill", str(folder), "-o", str(out), "--bundle", "-q")
    bundles = list(out.glob("各单位_*.zip"))
    assert len(bundles) == 1
    with explorer(bundles[0]) as archive:
        assert sorted(archive.namelist()) == ["好_已填.xlsx", "汇总.xlsx", "错_已填.xlsx"]
        assert archive.read("好_已填.xlsx") == (out / "好_已填.xlsx").read_bytes()


def explorer(path: Path) -> zipfile.ZipFile:
    """The zip as the file manager of Chinese Windows reads it: names without the UTF-8 flag in GBK (cp936)."""
    return zipfile.ZipFile(path, metadata_encoding="cp936")


def _unicode_path(extra: bytes) -> tuple[int, int, str] | None:
    """The Info-ZIP Unicode Path field (0x7075) of an entry's extra data: (version, name CRC-32, name)."""
    while len(extra) >= 4:
        tag, size = struct.unpack("<HH", extra[:4])
        if tag == 0x7075:
            version, crc = struct.unpack("<BI", extra[4:9])
            return version, crc, extra[9 : 4 + size].decode("utf-8")
        extra = extra[4 + size :]
    return None


@pytest.mark.skipif(sys.platform == "win32", reason="umask and Unix modes")
def test_bundle_reads_on_chinese_windows_and_carries_the_run_time(folder, tmp_path):
    """Names as GBK bytes without the UTF-8 flag (Explorer's zip folder reads cp936 whatever the flag says),
    each with a Unicode Path field naming it exactly; a name GBK cannot write in UTF-8 with the flag. Entries
    carry the time of the run (SOURCE_DATE_EPOCH pins it), and the zip and its files follow the umask."""
    shutil.copy(SAMPLE, folder / "表😀.xlsx")  # no emoji in GBK
    out = tmp_path / "out"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}  # 2023-11-14 22:13:20 UTC
    result = subprocess.run(
        [sys.executable, "-c", "from perf_xlsx.cli import main; main()", "fill", str(folder), "-o", str(out)]
        + ["--bundle", "-q", "--jobs", "1"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        preexec_fn=lambda: os.umask(0o027),
        timeout=300,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr  # 错.xlsx has an error
    [bundle] = out.glob("*.zip")
    assert bundle.name == "各单位_20231114.zip"
    assert stat.S_IMODE(bundle.stat().st_mode) == 0o640  # 0o666 less the umask, not mkstemp's 0o600
    names = ["好_已填.xlsx", "汇总.xlsx", "表😀_已填.xlsx", "错_已填.xlsx"]
    with explorer(bundle) as archive:
        assert sorted(archive.namelist()) == sorted(names)
        for info in archive.infolist():
            assert info.date_time == (2023, 11, 14, 22, 13, 20)
            assert stat.S_IMODE(info.external_attr >> 16) == 0o640 and info.create_system == 3
            assert archive.read(info) == (out / info.filename).read_bytes()
            if info.filename == "表😀_已填.xlsx":
                assert info.flag_bits & 0x800 and _unicode_path(info.extra) is None  # UTF-8, flagged
                continue
            assert not info.flag_bits & 0x800  # GBK, as Explorer reads it
            stored = info.filename.encode("gbk")
            assert _unicode_path(info.extra) == (1, zlib.crc32(stored), info.filename)
    with zipfile.ZipFile(bundle) as archive:  # Python's own reader: cp437 names, but it reads every entry
        assert len(archive.namelist()) == 4 and archive.testzip() is None
        assert "表😀_已填.xlsx" in archive.namelist()
    if shutil.which("unzip"):
        listed = subprocess.run(["unzip", "-l", str(bundle)], capture_output=True, timeout=60)
        assert listed.returncode == 0, listed.stderr


def _same_name_folder(tmp_path: Path) -> Path:
    """a.xlsx, a.xlsm and a.xls (three different units: the old .xls beside its re-saved copies) and b.xlsx."""
    from tests.hostile import xls_bytes

    drop = tmp_path / "同名"
    drop.mkdir()
    api.write_template(drop / "a.xlsx", 2022, "甲单位")
    api.write_template(drop / "a.xlsm", 2022, "乙单位")  # an .xlsx's content under .xlsm reads the same
    old = api.write_template(tmp_path / "丙.xlsx", 2022, "丙单位")
    (drop / "a.xls").write_bytes(xls_bytes(openpyxl.load_workbook(old)))
    api.write_template(drop / "b.xlsx", 2022, "丁单位")
    return drop


def _unit_of(path: Path) -> str:
    return openpyxl.load_workbook(path, read_only=True)["基础数据表"]["A2"].value


def test_same_name_with_other_extensions_never_share_an_output(tmp_path):
    """a.xls beside a.xlsx: each keeps its extension in its output's name, so neither overwrites the other."""
    drop, out = _same_name_folder(tmp_path), tmp_path / "out"
    result = run("fill", str(drop), "-o", str(out), "--jobs", "2", "--bundle", "-q")
    assert result.returncode == 0 and result.stderr == "", result.stderr  # no zip warning about duplicate names
    names = {
        "a（xls）_已填.xlsx": "丙单位",
        "a（xlsm）_已填.xlsx": "乙单位",
        "a（xlsx）_已填.xlsx": "甲单位",
        "b_已填.xlsx": "丁单位",
    }
    assert sorted(p.name for p in out.glob("*_已填.xlsx")) == sorted(names)
    for name, unit in names.items():
        assert unit in _unit_of(out / name), name
    summary = openpyxl.load_workbook(out / "汇总.xlsx")["汇总"]
    header = [c.value for c in summary[1]]
    listed = {r[0]: r[header.index("单位")] for r in summary.iter_rows(min_row=2, values_only=True)}
    assert listed == {"a.xls": "丙单位", "a.xlsm": "乙单位", "a.xlsx": "甲单位", "b.xlsx": "丁单位"}
    with explorer(next(out.glob("同名_*.zip"))) as archive:
        assert sorted(archive.namelist()) == sorted([*names, "汇总.xlsx"])
        assert archive.read("a（xls）_已填.xlsx") == (out / "a（xls）_已填.xlsx").read_bytes()
    # the same folder gives the same names; a single-file run names its output as the folder run does
    again = tmp_path / "again"
    run("fill", str(drop), "-o", str(again), "--jobs", "1", "-q")
    assert sorted(p.name for p in again.glob("*_已填.xlsx")) == sorted(names)
    single = run("fill", str(drop / "a.xls"), "-o", str(tmp_path / "single"))
    assert single.returncode == 0 and (tmp_path / "single" / "a（xls）_已填.xlsx").is_file(), single.stdout
    assert "丙单位" in _unit_of(tmp_path / "single" / "a（xls）_已填.xlsx")


def test_output_names_are_unique_even_for_contrived_names():
    names = paths.output_names(
        [Path("a.xlsx"), Path("a.xls"), Path("a（xls）.xlsx"), Path("B.xlsx"), Path("b.XLSX"), Path("c.xls")]
    )
    assert names == {
        Path("a.xls"): "a（xls）_已填.xlsx",
        Path("a.xlsx"): "a（xlsx）_已填.xlsx",
        Path("a（xls）.xlsx"): "a（xls）（2）_已填.xlsx",
        Path("B.xlsx"): "B（xlsx）_已填.xlsx",
        Path("b.XLSX"): "b（xlsx）（2）_已填.xlsx",
        Path("c.xls"): "c_已填.xlsx",
    }


def test_watch_names_outputs_as_a_folder_run(tmp_path):
    from perf_xlsx.watch import Watcher

    drop, out = _same_name_folder(tmp_path), tmp_path / "out"
    watcher = Watcher(drop, out)
    assert watcher.step() == []  # first look: sizes not yet seen twice
    rows = watcher.step()
    assert {Path(r.output).name for r in rows} == {
        "a（xls）_已填.xlsx",
        "a（xlsm）_已填.xlsx",
        "a（xlsx）_已填.xlsx",
        "b_已填.xlsx",
    }


def test_outputs_are_never_picked_up_again(folder):
    run("fill", str(folder), "-q")  # default output folder inside the dropped folder
    again = run("fill", str(folder), "-q")
    assert "共 3 个文件" in again.stdout  # not 5: 已生成/ and its outputs are skipped


def test_watch_processes_dropped_files(tmp_path):
    drop, out = tmp_path / "投递", tmp_path / "out"
    drop.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from perf_xlsx.cli import main; main()",
            "watch",
            str(drop),
            "-o",
            str(out),
            "--interval",
            "0.2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        shutil.copy(SAMPLE, drop / "甲.xlsx")
        assert _wait_for(out / "甲_已填.xlsx") and _wait_for(out / "汇总.xlsx")
        shutil.copy(SAMPLE, drop / "乙.xlsx")
        assert _wait_for(out / "乙_已填.xlsx")
        assert _wait_for_rows(out / "汇总.xlsx", 2)
        time.sleep(1)  # several more polls: nothing new, nothing of its own picked up
        assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
            "乙_已填.xlsx",
            "汇总.xlsx",
            "甲_已填.xlsx",
        ]
    finally:
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert stdout.count("总分 95.00") == 2 and "已停止监视" in stdout and "Traceback" not in stderr


def _wait_for(path: Path, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.1)
    return False


def _wait_for_rows(path: Path, rows: int, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if openpyxl.load_workbook(path)["汇总"].max_row == rows + 1:
                return True
        except Exception:  # being replaced right now
            pass
        time.sleep(0.2)
    return False


def test_ctrl_c_stops_cleanly(tmp_path):
    """Ctrl-C reaches the whole process group, as in a terminal: finished outputs stay, none is half-written."""
    import os

    drop, out = tmp_path / "多", tmp_path / "out"
    drop.mkdir()
    for n in range(40):
        shutil.copy(SAMPLE, drop / f"单位{n:02d}.xlsx")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from perf_xlsx.cli import main; main()",
            "fill",
            str(drop),
            "-o",
            str(out),
            "--jobs",
            "2",
            "-q",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        start_new_session=True,
    )
    assert _wait_for(out / "单位00_已填.xlsx") or _wait_for(out / "单位01_已填.xlsx")
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "已中止" in stderr and "Traceback" not in stderr
    outputs = list(out.iterdir())
    assert not [p for p in outputs if p.name.startswith(".")]  # no temporary files left
    assert 0 < len(outputs) < 40
    for path in outputs:  # every output is a whole workbook
        openpyxl.load_workbook(path, read_only=True).close()


def _row(file: str, unit: str | None, total: str | None, errors: int = 0, reason: str | None = None) -> Report:
    """A folder run's result for one file: 预算执行率 87.57%, the 总分 given, `errors` 错误, 2 提示, 1 尾差."""
    findings = [Finding("r", severity, "表", "A1", "…") for severity in ["error"] * errors + ["warning"] * 2]
    row = Report(file=Path(file), unit=unit, year=2022 if unit else None, error=reason)
    row.figures = {"预算执行率": Figure("预算执行率", "", None if total is None else Decimal("0.8757"))}
    row.scores = {"总分": total, "等次": None if total is None else "优"}
    row.findings = [*findings, Finding("r", "rounding", "表", "A2", "…")]
    return row


def test_summary_is_grouped_by_status_then_unit_with_exact_numbers(tmp_path):
    rows = [
        _row("c.xlsx", "乙局", "95.10"),
        _row("b.xlsx", "甲局", "61.5", errors=2),
        _row("x.xlsx", None, None, reason="不是工作簿"),
        _row("a.xlsx", "甲局", "99.99"),
        _row("d.xlsx", None, "70.00"),  # no unit read: after those that have one
    ]
    frame = summary_frame(rows)
    assert list(frame["文件"]) == ["b.xlsx", "x.xlsx", "c.xlsx", "a.xlsx", "d.xlsx"]  # 乙 before 甲: code order
    assert list(frame.columns)[:3] == ["文件", "单位", "年度"] and list(frame.columns)[-2:] == ["状态", "原因"]
    assert frame.loc[0, "总分"] == Decimal("61.5") and frame.loc[1, "总分"] is None  # Decimal, not float
    assert frame.loc[0, "预算执行率"] == Decimal("0.8757")  # a fraction, as the forms store it
    counts = status_counts(frame)
    assert counts.loc["有错误"].to_list() == [1, 2, 2, 1]
    assert counts.loc["通过"].to_list() == [3, 0, 6, 3]
    assert counts.loc["合计"].to_list() == [5, 2, 10, 5]

    wb = openpyxl.load_workbook(write_summary(rows, tmp_path / "汇总.xlsx"))
    table = list(wb["汇总"].iter_rows(values_only=True))
    assert [r[0] for r in table[1:]] == ["b.xlsx", "x.xlsx", "c.xlsx", "a.xlsx", "d.xlsx"]
    header = table[0]
    assert table[4][header.index("总分")] == 99.99 and table[2][header.index("总分")] is None
    charts = list(wb["图表"].iter_rows(values_only=True))
    assert [r[:2] for r in charts[1:5]] == [
        ("甲局（a.xlsx）", 99.99),
        ("乙局", 95.1),
        ("d.xlsx", 70),
        ("甲局（b.xlsx）", 61.5),
    ]
    assert charts[6][:5] == ("状态", "文件数", "错误", "提示", "尾差") and charts[10][:2] == ("合计", 5)


def test_summary_of_unreadable_files_only(tmp_path):
    wb = openpyxl.load_workbook(write_summary([_row("x.xlsx", None, None, reason="坏")], tmp_path / "汇总.xlsx"))
    charts = list(wb["图表"].iter_rows(values_only=True))
    assert charts[0][0] == "没有可以作图的结果"
    assert charts[3][:2] == ("有错误", 0) and charts[4][:2] == ("无法处理", 1)


def test_a_sequential_run_collects_rarely_and_gives_the_thresholds_back(folder, tmp_path):
    """While workbooks are filled one after another the cyclic collector runs at batch.BATCH_GC_THRESHOLD;
    the caller's thresholds are given back after (an API caller's process is not changed for good)."""
    import gc

    from perf_xlsx import batch

    before = gc.get_threshold()
    seen = []
    files = sorted(p for p in folder.iterdir() if p.suffix == ".xlsx" and not p.name.startswith(("~$", ".")))
    rows = batch.run(files, folder, tmp_path / "out", jobs=1, progress=lambda *_: seen.append(gc.get_threshold()))
    assert len(rows) == len(files) == len(seen) == 3
    assert {t[0] for t in seen} == {batch.BATCH_GC_THRESHOLD} != {before[0]}
    assert gc.get_threshold() == before
