"""不怕坏文件: every case of tests/hostile.py gets one clear Chinese answer, loses nothing, hangs on nothing.

For each case: the library's exact answer (the error's `kind`, or the findings' rule ids and cells);
through the command line, the exit code, no traceback, a single line naming the file; the input's
bytes and modification time unchanged; no temporary file left; no output for an unreadable input.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perf_xlsx import api, paths
from perf_xlsx.errors import PerfXlsxError
from tests import hostile
from tests.sheets import column

OLD = 1_600_000_000  # a fixed old mtime, as a file from a shared drive has
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


@dataclass
class Case:
    kind: str | None = None  # PerfXlsxError.kind, or None: the workbook is read
    detail: str | None = None  # WrongFileType.actual / TooLarge.limit
    rules: list[tuple[str, str]] = field(default_factory=list)  # (rule, 表!单元格 or 表) that must be found
    exit: int = 0  # through `perfxlsx fill FILE -o OUT`
    words: tuple[str, ...] = ()  # in the message


UNREADABLE = 1
CASES: dict[str, Case] = {
    # formats
    "xlsx_sample": Case(),
    "xlsm_macro": Case(),
    "xls_legacy": Case(),
    "xls_renamed": Case("wrong-type", "xls", exit=UNREADABLE, words=("97-2003", ".et", "另存为 .xlsx")),
    "et_file": Case("wrong-type", "et", exit=UNREADABLE, words=("WPS", "另存为 .xlsx")),
    "ods_renamed": Case("wrong-type", "ods", exit=UNREADABLE, words=("OpenDocument", "另存为 .xlsx")),
    "csv_renamed": Case("wrong-type", "csv", exit=UNREADABLE, words=("CSV", "另存为 .xlsx")),
    "docx_renamed": Case("wrong-type", "word", exit=UNREADABLE, words=("Word", "另存为 .xlsx")),
    "pdf_renamed": Case("wrong-type", "pdf", exit=UNREADABLE, words=("PDF", "另存为 .xlsx")),
    "html_export": Case("wrong-type", "html", exit=UNREADABLE, words=("网页", "另存为 .xlsx")),
    "xml2003": Case("wrong-type", "xml2003", exit=UNREADABLE, words=("2003 XML", "另存为 .xlsx")),
    "xlsb_renamed": Case("wrong-type", "xlsb", exit=UNREADABLE, words=(".xlsb", "另存为 .xlsx")),
    "plain_zip": Case("wrong-type", "zip", exit=UNREADABLE, words=("压缩包", "解压")),
    "empty_file": Case("wrong-type", "empty", exit=UNREADABLE, words=("0 字节", "重新获取")),
    "encrypted": Case("encrypted", exit=UNREADABLE, words=("密码", "撤销密码")),
    # damaged and hostile
    "not_a_zip": Case("wrong-type", "unknown", exit=UNREADABLE, words=("无法识别", "另存为 .xlsx")),
    "truncated": Case("damaged", exit=UNREADABLE, words=("不完整", "重新获取")),
    "truncated_tail": Case("damaged", exit=UNREADABLE, words=("不完整",)),
    "corrupt_member": Case("damaged", exit=UNREADABLE, words=("损坏", "sheet1.xml")),
    "zip_bomb": Case("too-large", "expanded", exit=UNREADABLE, words=("300 MB", "200 MB", "未解压")),
    "ratio_bomb": Case("too-large", "ratio", exit=UNREADABLE, words=("100:1", "压缩炸弹")),
    "many_members": Case("too-large", "members", exit=UNREADABLE, words=("10000",)),
    "laughs_sheet": Case("unsafe", exit=UNREADABLE, words=("ENTITY", "已拒绝")),
    "laughs_strings": Case("unsafe", exit=UNREADABLE, words=("sharedStrings", "已拒绝")),
    "laughs_late": Case("unsafe", exit=UNREADABLE, words=("ENTITY", "已拒绝")),
    "million_rows": Case("too-large", "rows", exit=UNREADABLE, words=("表“数据”", "1000000 行", "65536")),
    "rows_200k": Case("too-large", "rows", exit=UNREADABLE, words=("200000 行",)),
    "rows_no_dimension": Case("too-large", "rows", exit=UNREADABLE, words=("70000 行",)),
    "stray_far_cell": Case("too-large", "rows", exit=UNREADABLE, words=("表“基础数据表”", "F1000000")),
    "wide_columns": Case("too-large", "columns", exit=UNREADABLE, words=("2000 列", "1024")),
    "wide_dimension": Case("too-large", "columns", exit=UNREADABLE, words=("表“数据”", "AMK10", "1025 列", "1024 列")),
    "tall_four_columns": Case("too-large", "rows", exit=UNREADABLE, words=("表“数据”", "100000 行 × 4 列")),
    "huge_merge": Case("too-large", "rows", exit=UNREADABLE, words=("合并单元格", "1048576")),
    "merge_area": Case("too-large", "merged", exit=UNREADABLE, words=("合并单元格", "200000")),
    "big_sheet_xml": Case("too-large", "sheet-size", exit=UNREADABLE, words=("表“数据”", "10 MB")),
    "empty_workbook": Case("not-a-form", exit=UNREADABLE, words=("未识别的表样",)),
    "no_sheets": Case("not-a-form", exit=UNREADABLE, words=("未识别的表样",)),
    "unrelated_workbook": Case("not-a-form", exit=UNREADABLE, words=("未识别的表样",)),
    # odd content
    "formulas_uncached": Case(),
    "formula_cached": Case(),
    "formula_unsupported": Case(rules=[("read-formula", "基础数据表!F12")], exit=1, words=("VLOOKUP",)),
    "formula_div0": Case(rules=[("read-error-value", "基础数据表!F11")], exit=1, words=("#DIV/0!", "除数为零")),
    "error_values": Case(
        rules=[("read-error-value", "基础数据表!F12"), ("read-error-value", "收支情况!D8")],
        exit=1,
        words=("#REF!", "#N/A"),
    ),
    "xls_error_values": Case(
        rules=[("read-error-value", "基础数据表!F12"), ("read-error-value", "收支情况!D8")],
        exit=1,
        words=("#REF!", "#N/A"),
    ),
    "typed_error_text": Case(rules=[("read-error-value", "基础数据表!F21")], exit=1, words=("#DIV/0!",)),
    "date_in_amount": Case(rules=[("read-unreadable", "基础数据表!F12")], exit=1, words=("日期", "2022-12-31")),
    "bool_in_amount": Case(rules=[("read-unreadable", "基础数据表!F10")], exit=1, words=("逻辑值", "TRUE")),
    "approx_text": Case(rules=[("read-unreadable", "基础数据表!F12")], exit=1, words=("约22", "约数")),
    "units_in_text": Case(),
    "hidden_sheet": Case(rules=[("read-hidden", "项目1")], words=("隐藏",)),
    "hidden_rows": Case(rules=[("read-hidden", "基础数据表!F12")], words=("隐藏", "F12")),
    "duplicate_sheet": Case(rules=[("read-duplicate-sheet", "基础数据表 (2)")], words=("同一种表",)),
    "missing_section": Case(rules=[("read-not-found", "收支情况")], words=("固定资产",)),
    "formula_injection": Case(),
    # names and odd files
    "spaces_name": Case(),
    "long_name": Case(),
    "longest_name": Case(exit=1, words=("文件名过长",)),
    "fifo": Case("missing", exit=UNREADABLE, words=("不是普通文件",)),
    "folder_named_xlsx": Case("missing", exit=0, words=("文件夹",)),
}


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from perf_xlsx.cli import main; main()", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def fill(path: Path, out: Path, *more: str) -> subprocess.CompletedProcess:
    return run("fill", str(path), "-o", str(out), *more)


def state(path: Path):
    """What must not change about an input: its bytes (for a plain file) and its mtime."""
    info = path.stat()
    if path.is_file():
        return path.read_bytes(), info.st_mtime_ns
    return sorted(p.name for p in path.iterdir()) if path.is_dir() else None, info.st_mtime_ns


def leftovers(*folders: Path) -> list[Path]:
    """Temporary files of an interrupted save (.~perfxlsx-*) anywhere under `folders`."""
    return [p for f in folders if f.exists() for p in f.rglob(".~perfxlsx-*")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    made = hostile.build_all(tmp_path_factory.mktemp("hostile"))
    for path in made.values():
        os.utime(path, (OLD, OLD))
    return made


def test_there_are_at_least_forty_cases():
    assert set(CASES) == set(hostile.BUILDERS) and len(CASES) >= 40


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name, corpus, tmp_path):
    case, path = CASES[name], corpus[name]
    before = state(path)
    started = time.monotonic()
    # the library's answer
    if case.kind:
        with pytest.raises(PerfXlsxError) as info:
            api.check(path)
        error = info.value
        assert error.kind == case.kind, error.describe()
        assert (getattr(error, "actual", None) or getattr(error, "limit", None)) == case.detail
        message = error.describe()
        assert message.startswith(f"文件“{path.name}”"), message
    else:
        report = api.check(path)
        found = {(f.rule, f.where) for f in report.findings}
        assert set(case.rules) <= found, sorted(found)
        message = "\n".join(f.message for f in report.findings)
        if case.exit == 0:
            assert report.counts["error"] == 0, [
                (f.rule, f.where, f.message) for f in report.findings if f.severity == "error"
            ]
    assert time.monotonic() - started < 10, "bounded time"
    if name != "longest_name":  # (that one is about the output's name: only `fill` meets it)
        for word in case.words:
            assert word in message, message
    # the command line's answer
    out = tmp_path / "out"
    result = fill(path, out)
    shown = result.stdout + result.stderr
    assert result.returncode == case.exit, shown
    assert "Traceback" not in shown and "Error:" not in shown
    if case.exit or case.kind:  # the command line prints every 错误 (提示 go to 审核结果)
        for word in case.words:
            assert word in shown, shown
    if case.kind and case.kind != "missing" or name == "fifo":
        assert result.stderr == f"错误：{message}\n"  # one line, naming the file
        assert not out.exists() or not any(out.rglob("*_已填.xlsx"))
    elif name == "longest_name":
        assert result.stderr.startswith("错误：文件“") and result.stderr.count("\n") == 1
    elif not case.kind:
        done = openpyxl.load_workbook(out / f"{path.stem}_已填.xlsx", read_only=True)
        listed = "\n".join(str(v) for row in done["审核结果"].iter_rows(values_only=True) for v in row if v)
        done.close()
        for rule, where in case.rules:
            assert rule in listed and where.split("!")[-1] in listed, listed
        for word in case.words:
            assert word in listed, listed
    # nothing lost, nothing half-written
    assert state(path) == before
    assert leftovers(out, path.parent) == []


def test_openpyxl_parses_with_defusedxml():
    """Entity bombs past the quick pre-scan (laughs_late) are stopped by the XML parser itself."""
    import openpyxl.xml
    import openpyxl.xml.functions as functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")


# ---- what the readable ones give -------------------------------------------------------------------
def test_xlsm_output_is_a_plain_workbook_without_macros(corpus, tmp_path):
    report = api.fill(corpus["xlsm_macro"], tmp_path)
    assert report.output.name == "带宏_已填.xlsx"
    with zipfile.ZipFile(report.output) as z:
        types = z.read("[Content_Types].xml").decode()
        assert "spreadsheetml.sheet.main+xml" in types and "macroEnabled" not in types
        assert not any("vba" in n.lower() for n in z.namelist())
    assert report.counts["error"] == 0 and report.scores["总分"] == "95.00"


def test_xls_output_keeps_sheets_values_and_merges(corpus, tmp_path):
    report = api.fill(corpus["xls_legacy"], tmp_path)
    assert report.output.name == "旧版_已填.xlsx"
    sample, done = openpyxl.load_workbook(hostile.SAMPLE), openpyxl.load_workbook(report.output)
    assert done.sheetnames == sample.sheetnames + ["审核结果", "计算过程"]
    for ws in sample.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert done[ws.title][cell.coordinate].value == cell.value, (ws.title, cell.coordinate)
        assert {str(m) for m in done[ws.title].merged_cells.ranges} == {str(m) for m in ws.merged_cells.ranges}
    same = api.check(hostile.SAMPLE)
    assert {n: f.value for n, f in report.figures.items()} == {n: f.value for n, f in same.figures.items()}
    assert report.scores == same.scores and sorted(report.filled) == sorted(
        api.fill(hostile.SAMPLE, tmp_path / "x").filled
    )
    # completed as a package like an .xlsx: a derived cell holds its formula and the value computed
    values = openpyxl.load_workbook(report.output, data_only=True)
    assert str(done["基础数据表"]["E5"].value).startswith("=") and round(values["基础数据表"]["E5"].value, 4) == 0.8699
    time.sleep(1.1)  # a clock-stamped document time would now differ
    again = api.fill(corpus["xls_legacy"], tmp_path / "again")  # the same .xls, the same bytes
    assert again.output.read_bytes() == report.output.read_bytes()


def test_xls_error_values_read_as_in_xlsx(corpus, tmp_path):
    """An .xls cell showing #REF! or #N/A is that error, as in the same workbook saved as .xlsx (not a blank 0)."""

    def errors(report):
        return [(f.rule, f.severity, f.where, f.message) for f in report.findings if f.rule == "read-error-value"]

    xls, xlsx = api.fill(corpus["xls_error_values"], tmp_path), api.check(corpus["error_values"])
    assert errors(xls) == errors(xlsx) and len(errors(xls)) == 2
    assert {n: f.value for n, f in xls.figures.items()} == {n: f.value for n, f in xlsx.figures.items()}
    done = openpyxl.load_workbook(xls.output)
    assert (done["基础数据表"]["F12"].value, done["基础数据表"]["F12"].data_type) == ("#REF!", "e")
    assert (done["收支情况"]["D8"].value, done["收支情况"]["D8"].data_type) == ("#N/A", "e")


def test_uncached_formulas_are_worked_out_exactly(corpus, tmp_path):
    path = corpus["formulas_uncached"]
    ev = api.evaluate(path)
    wb = openpyxl.load_workbook(path)
    for key, (sheet, cell, formula) in hostile._formula_cells(wb).items():
        assert wb[sheet][cell].value == formula  # a formula in the file, no saved result
        assert ev.filing.slots[key].value == api.evaluate(hostile.SAMPLE).filing.slots[key].value, key
    assert not [f for f in ev.report.findings if f.rule.startswith("read-")]
    report = api.fill(path, tmp_path)
    done = openpyxl.load_workbook(report.output)
    sheet, cell, formula = hostile._formula_cells(wb)["ie.income.1.total"]
    assert done[sheet][cell].value == formula  # the completed copy keeps the formula


def test_saved_formula_results_are_used(corpus):
    ev = api.evaluate(corpus["formula_cached"])
    assert ev.filing.slots["basic.funds.sangong.final"].value == Decimal("258.48")
    assert not [f for f in ev.report.findings if f.rule == "read-formula"]


def test_units_typed_in_cells(corpus):
    slots = api.evaluate(corpus["units_in_text"]).filing.slots
    assert slots["basic.funds.public.final"].value == Decimal("1105.73")
    assert slots["ie.assets.summary.total"].value == Decimal("12933.17")  # 1.293317亿
    assert slots["basic.funds.car_purchase.final"].value == Decimal("85.51")  # 855,100元


def test_formula_like_text_is_written_as_text(corpus, tmp_path):
    report = api.fill(corpus["formula_injection"], tmp_path)
    added = {"审核结果": None, "计算过程": None}
    with zipfile.ZipFile(report.output) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        for name in added:
            rid = re.search(rf'<sheet[^>]*name="{name}"[^>]*r:id="(\w+)"', book)[1]
            target = re.search(rf'<Relationship[^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)[1]
            added[name] = z.read(target.lstrip("/")).decode()
    for xml in added.values():  # the official sheets' filled cells hold perfxlsx's formulas; these none
        assert "<f>" not in xml and "<f " not in xml
    for name, xml in added.items():
        texts = [v for k, v in hostile.INJECTED.items() if k != "actual" or name == "计算过程"]
        for text in texts:
            cells = [c for c in re.findall(r"<c [^>]*>.*?</c>", xml) if text in c]
            assert cells, (name, text)
            assert all(re.search(r't="(s|inlineStr)"', c) for c in cells), (name, text, cells[:1])


def test_formula_like_note_carried_from_an_earlier_output_stays_text(corpus, tmp_path):
    first = api.fill(corpus["approx_text"], tmp_path)
    wb = openpyxl.load_workbook(first.output)
    ws = wb["审核结果"]
    note = ws.cell(row=3, column=column(ws, "说明"))
    note.value, note.data_type = '=HYPERLINK("http://example.invalid","点我")', "s"
    wb.save(first.output)
    second = api.fill(corpus["approx_text"], tmp_path)
    assert any(f.note.startswith("=HYPERLINK") for f in second.findings)
    with zipfile.ZipFile(second.output) as z:
        assert not any("<f>HYPERLINK" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


# ---- files, folders and outputs --------------------------------------------------------------------
def copy_sample(folder: Path, name: str = "样例.xlsx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    shutil.copy(hostile.SAMPLE, path)
    os.utime(path, (OLD, OLD))
    return path


def test_folder_skips_lock_and_hidden_files_silently(tmp_path):
    drop = tmp_path / "各单位"
    copy_sample(drop)
    (drop / "~$样例.xlsx").write_bytes(b"\x0cowner")
    (drop / ".样例.xlsx").write_bytes(b"hidden")
    out = tmp_path / "out"
    result = run("fill", str(drop), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "~$" not in result.stdout + result.stderr and ".样例" not in result.stdout + result.stderr
    assert sorted(p.name for p in out.glob("*_已填.xlsx")) == ["样例_已填.xlsx"]


def test_read_only_input_folder(tmp_path):
    """Output elsewhere (-o) works; the default 已生成 beside the input cannot be made: a clear message."""
    drop = tmp_path / "只读"
    path = copy_sample(drop)
    if ROOT:  # root ignores permissions: a file where the 已生成 folder would go does the same
        (drop / paths.OUTPUT_DIR).write_bytes(b"")
    before = state(path)
    os.chmod(drop, 0o555)
    try:
        ok = fill(path, tmp_path / "别处")
        assert ok.returncode == 0 and (tmp_path / "别处" / "样例_已填.xlsx").is_file(), ok.stderr
        refused = run("fill", str(path))
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert refused.stderr.startswith("错误：文件“样例_已填.xlsx”：无法在文件夹") and "-o" in refused.stderr
        assert state(path) == before and leftovers(drop) == []
    finally:
        os.chmod(drop, 0o755)


def test_output_folder_is_a_file(tmp_path):
    path = copy_sample(tmp_path / "in")
    blocker = tmp_path / "输出"
    blocker.write_text("不是文件夹", encoding="utf-8")
    for target in (blocker, blocker / "子文件夹"):
        result = fill(path, target)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert (
            result.stderr.startswith("错误：文件“样例_已填.xlsx”：无法在文件夹")
            and "用 -o 换一个输出文件夹" in result.stderr
        )
    assert blocker.read_text(encoding="utf-8") == "不是文件夹"


@pytest.mark.skipif(ROOT, reason="root writes anywhere: test_output_folder_is_a_file covers it")
def test_output_folder_without_write_permission(tmp_path):
    path = copy_sample(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    os.chmod(out, 0o555)
    try:
        result = fill(path, out)
        assert result.returncode == 1 and "没有写入权限" in result.stderr and "Traceback" not in result.stderr
    finally:
        os.chmod(out, 0o755)


def test_existing_output_locked_keeps_the_earlier_output(tmp_path):
    """An output open elsewhere: simulated by a folder in its place (and, for non-root, a read-only
    output in a read-only folder). The earlier output stays exactly as it was."""
    path = copy_sample(tmp_path / "in")
    out = tmp_path / "out"
    taken = out / "样例_已填.xlsx"
    taken.mkdir(parents=True)
    (taken / "旧.txt").write_text("earlier", encoding="utf-8")
    result = fill(path, out)
    assert result.returncode == 1 and "已被一个文件夹占用" in result.stderr and "Traceback" not in result.stderr
    assert (taken / "旧.txt").read_text(encoding="utf-8") == "earlier" and leftovers(out) == []
    if not ROOT:
        shutil.rmtree(taken)
        assert fill(path, out).returncode == 0
        earlier = taken.read_bytes()
        os.chmod(taken, 0o444)
        os.chmod(out, 0o555)
        try:
            again = fill(path, out)
            assert again.returncode == 1 and "没有写入权限" in again.stderr and "Traceback" not in again.stderr
            assert taken.read_bytes() == earlier
        finally:
            os.chmod(out, 0o755)


def test_missing_file(tmp_path):
    result = fill(tmp_path / "没有这个文件.xlsx", tmp_path / "out")
    assert (
        result.returncode == 1
        and result.stderr == "错误：文件“没有这个文件.xlsx”：文件不存在，请检查文件名和所在文件夹。\n"
    )


# ---- output safety ---------------------------------------------------------------------------------
def test_failure_while_building_the_output_leaves_nothing(tmp_path, monkeypatch):
    from perf_xlsx.package import WorkbookPackage

    out = tmp_path / "out"
    earlier = copy_sample(out, "样例_已填.xlsx").read_bytes()
    path = copy_sample(tmp_path / "in")
    before = state(path)

    def broken(self):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(WorkbookPackage, "to_bytes", broken)
    with pytest.raises(PerfXlsxError) as info:
        api.fill(path, out)
    assert info.value.kind == "not-writable" and "没有写出任何文件" in info.value.describe()
    assert sorted(p.name for p in out.iterdir()) == ["样例_已填.xlsx"]
    assert (out / "样例_已填.xlsx").read_bytes() == earlier and state(path) == before


def test_failure_while_renaming_leaves_no_temp_file(tmp_path, monkeypatch):
    out = tmp_path / "out"
    path = copy_sample(tmp_path / "in")

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(PerfXlsxError) as info:
        api.fill(path, out)
    assert info.value.kind == "not-writable" and "磁盘空间已满" in info.value.describe()
    assert list(out.iterdir()) == []


def test_the_column_limit_is_checked_before_any_cell_is_read(corpus, monkeypatch):
    """The dimension's columns count, not only its rows: A1:AMK10 is refused from the zip directory and the
    head of the part, before xlsx_grids or openpyxl reads a cell."""
    from perf_xlsx import loading, xlsx_grids

    def refuse(*args, **kwargs):
        raise AssertionError("a cell was read")

    monkeypatch.setattr(xlsx_grids, "grids_from_package", refuse)
    monkeypatch.setattr(loading, "_load_ooxml", refuse)
    for name, words in (("wide_dimension", "（10 行 × 1025 列）"), ("tall_four_columns", "（100000 行 × 4 列）")):
        with pytest.raises(PerfXlsxError) as info:
            api.check(corpus[name])
        assert words in info.value.describe() and "表“数据”" in info.value.describe()
