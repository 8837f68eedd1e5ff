"""The output is the input's package (工作簿包修补): the filled cells, the comments and the added sheets,
nothing else — images, charts, x14 data validation, extension parts and custom XML stay, byte for byte.

Everything goes through the public API (api.fill, perf_xlsx.package.WorkbookPackage) or the command line.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx import api, clock
from perf_xlsx.cli import cli
from perf_xlsx.package import CellWrite, WorkbookPackage
from tests import lo, rich_inputs
from tests.golden import SAMPLE
from tests.sheets import column, records

FORM, BASIC, IE = rich_inputs.FORM, rich_inputs.BASIC, rich_inputs.IE
ADDED_SHEETS = ["审核结果", "计算过程"]
#: openpyxl says so on loading the rich input (and its outputs, which keep the x14 validation).
pytestmark = pytest.mark.filterwarnings("ignore:Data Validation extension:UserWarning")


# ---- helpers -----------------------------------------------------------------------------------------
def parts(path: Path | bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path) if isinstance(path, bytes) else path) as z:
        return {n: z.read(n) for n in z.namelist()}


def sheet_parts(path: Path | bytes) -> dict[str, str]:
    """Sheet name → its part, as workbook.xml and its .rels say."""
    p = parts(path)
    book, rels = p["xl/workbook.xml"].decode(), p["xl/_rels/workbook.xml.rels"].decode()
    targets = {}
    for tag in re.findall(r"<Relationship [^>]*>", rels):
        rid, target = re.search(r'Id="([^"]+)"', tag)[1], re.search(r'Target="([^"]+)"', tag)[1]
        targets[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return {
        re.search(r'name="([^"]+)"', tag)[1]: targets[re.search(r'r:id="([^"]+)"', tag)[1]]
        for tag in re.findall(r"<sheet [^>]*>", book)
    }


def linked(path: Path, part: str) -> dict[str, str]:
    """The parts `part` links to, by relationship type (last word): e.g. {"comments": "xl/comments1.xml"}."""
    text = parts(path).get(rels_of(part), b"").decode()
    found = {}
    for tag in re.findall(r"<Relationship [^>]*>", text):
        kind, target = re.search(r'Type="[^"]*/(\w+)"', tag)[1], re.search(r'Target="([^"]+)"', tag)[1]
        where = target.lstrip("/") if target.startswith("/") else posixpath.join(posixpath.dirname(part), target)
        found[kind] = posixpath.normpath(where)
    return found


def rels_of(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels"


def load_warnings(path: Path) -> set[str]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        openpyxl.load_workbook(path).close()
    return {str(w.message) for w in seen}


def fill_cli(path: Path, out: Path, *extra: str) -> Path:
    result = CliRunner().invoke(cli, ["fill", str(path), "-o", str(out), *extra])
    assert result.exit_code in (0, 1), result.output
    return out / (path.stem.removesuffix("_已填") + "_已填.xlsx")


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Path:
    return rich_inputs.build_rich(tmp_path_factory.mktemp("rich") / "富样例.xlsx")


@pytest.fixture(scope="module")
def filled(rich, tmp_path_factory) -> Path:
    return fill_cli(rich, tmp_path_factory.mktemp("filled"))


# ---- the rich input: everything stays --------------------------------------------------------------
def test_untouched_parts_are_byte_identical(rich, filled):
    """Every part but the sheets written to (with their comments), styles.xml, workbook.xml(.rels),
    [Content_Types].xml and the added parts is the input's, byte for byte, in the input's order."""
    before, after = parts(rich), parts(filled)
    names = sheet_parts(filled)
    touched = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}
    for sheet in (BASIC, IE, FORM, "项目1", "项目2", "项目3", "项目4"):  # written to, or commented on
        part = names[sheet]
        links = linked(filled, part)
        touched |= {part, rels_of(part), links.get("comments", ""), links.get("vmlDrawing", "")}
    added = {names[s] for s in ADDED_SHEETS}
    assert set(before) <= set(after), "no part of the input is dropped"
    changed = sorted(n for n in before if before[n] != after[n])
    assert set(changed) <= touched, changed
    assert set(after) - set(before) <= added | touched, sorted(set(after) - set(before))
    for kept in (
        "xl/charts/chart1.xml",
        "xl/drawings/drawing1.xml",
        "xl/drawings/_rels/drawing1.xml.rels",
        "xl/media/image1.png",
        "xl/sharedStrings.xml",
        "xl/theme/theme1.xml",
        "docProps/core.xml",
        "docProps/app.xml",
        "docProps/custom.xml",
        "customXml/item1.xml",
        "customXml/itemProps1.xml",
        "customXml/_rels/item1.xml.rels",
        "_rels/.rels",
    ):
        assert after[kept] == before[kept], kept
    # the 自评表's drawing (seal and chart) is still its drawing
    assert (
        after[rels_of(names[FORM])] == before[rels_of(names[FORM])]
        or "drawing1.xml" in after[rels_of(names[FORM])].decode()
    )
    # entries: the input's order, then the added ones; each input entry keeps its compression
    order = list(after)
    assert order[: len(before)] == list(before)
    with zipfile.ZipFile(rich) as a, zipfile.ZipFile(filled) as b:
        assert all(b.getinfo(n).compress_type == a.getinfo(n).compress_type for n in before)


def test_everything_is_still_there(rich, filled):
    p = parts(filled)
    names = sheet_parts(filled)
    basic = p[names[BASIC]].decode()
    assert rich_inputs.X14_VALIDATION in basic  # the x14 list validation, untouched
    original = parts(rich)[names[BASIC]].decode()
    assert basic[: basic.index(">") + 1] == original[: original.index(">") + 1]  # mc:Ignorable root as it was
    assert 'x14ac:dyDescent="0.25"' in basic
    assert "<pic>" in p["xl/drawings/drawing1.xml"].decode().replace("xdr:", "")  # the seal
    assert "<c:chart " in p["xl/drawings/drawing1.xml"].decode()
    assert rich_inputs.WPS_BUILD in p["docProps/custom.xml"].decode()
    assert "customXml/item1.xml" in p["xl/_rels/workbook.xml.rels"].decode()
    assert load_warnings(filled) == load_warnings(rich)  # the x14 validation's, nothing new
    wb = openpyxl.load_workbook(filled)
    assert wb.sheetnames == openpyxl.load_workbook(rich).sheetnames + ADDED_SHEETS
    ws = wb[BASIC]
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation] == ["D7:F29"]
    assert [str(cf.sqref) for cf in ws.conditional_formatting] == ["D7:F29"]
    assert wb.defined_names[rich_inputs.DEFINED_NAME[0]].attr_text == rich_inputs.DEFINED_NAME[1].lstrip("=")
    sheet, cell, text = rich_inputs.LABEL_COMMENT
    assert wb[sheet][cell].comment.text == text  # a comment on a cell nobody flags: as it was
    sheet, cell, text = rich_inputs.FLAGGED_COMMENT
    merged = wb[sheet][cell].comment.text  # a flagged cell's comment: the clerk's text, then the finding
    assert merged.startswith(text + "\n【尾差】") and wb[sheet][cell].comment.author == "财政局"


def test_filled_values_are_those_of_the_sample(rich, filled, tmp_path):
    """The rich copy is filled exactly as the sample is: same cells, values and number formats."""
    sample = api.fill(SAMPLE, tmp_path)
    again = api.check(rich)
    assert {n: f.value for n, f in again.figures.items()} == {n: f.value for n, f in sample.figures.items()}
    ours, theirs = openpyxl.load_workbook(filled), openpyxl.load_workbook(sample.output)
    assert sample.filled
    for where in sample.filled:
        sheet, cell = where.split("!")
        assert (ours[sheet][cell].value, ours[sheet][cell].number_format) == (
            theirs[sheet][cell].value,
            theirs[sheet][cell].number_format,
        ), where
    for name in ADDED_SHEETS:
        assert [r for r in ours[name].iter_rows(values_only=True)] == [
            r for r in theirs[name].iter_rows(values_only=True)
        ]


def test_official_sheets_get_comments_not_colours_unless_marked(rich, filled, tmp_path):
    sheet, cell = IE, "H17"  # a 尾差
    plain, source = openpyxl.load_workbook(filled)[sheet][cell], openpyxl.load_workbook(rich)[sheet][cell]
    assert plain.comment.text.startswith("【尾差】") and plain.comment.author == "perfxlsx"
    assert plain.fill.fgColor.rgb == source.fill.fgColor.rgb and plain.fill.fill_type == source.fill.fill_type
    marked = openpyxl.load_workbook(fill_cli(rich, tmp_path, "--mark"))[sheet][cell]
    assert marked.fill.fill_type == "solid" and marked.fill.fgColor.rgb.endswith("DDEBF7")
    assert marked.number_format == source.number_format and marked.font.name == source.font.name


def test_marks_and_comments_on_sheets_written_by_openpyxl(tmp_path):
    """The sample's sheets bind no r: prefix on their root: comments bind it there, and the colours
    (--mark) then go to the right cells, the rest of the sheet as it was."""
    report = api.fill(SAMPLE, tmp_path, mark=True)
    done, source = openpyxl.load_workbook(report.output), openpyxl.load_workbook(SAMPLE)
    flagged = {(f.sheet, f.cell) for f in report.findings if f.sheet in source.sheetnames and f.cell}
    assert flagged
    for sheet, cell in flagged:
        assert done[sheet][cell].fill.fill_type == "solid" and done[sheet][cell].comment is not None
    for ws in source.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if (ws.title, cell.coordinate) not in flagged and cell.value is not None:
                    assert done[ws.title][cell.coordinate].value == cell.value
    before, after = parts(SAMPLE), parts(report.output)
    for part in sheet_parts(SAMPLE).values():
        dimension = re.search(r"<dimension [^>]*>", before[part].decode())[0]
        assert dimension in after[part].decode()


def test_findings_link_to_their_cells(filled):
    ws = openpyxl.load_workbook(filled)["审核结果"]
    sheet, cell = column(ws, "表") - 1, column(ws, "单元格") - 1
    rows = [r for r in ws.iter_rows(min_row=3) if r[cell].value]
    assert rows and all(r[cell].hyperlink.location == f"'{r[sheet].value}'!{r[cell].value}" for r in rows)


def test_running_again_on_the_output_replaces_the_added_sheets(filled, tmp_path):
    """An earlier output run again: its 审核结果/计算过程 are replaced where they stand, its comments renewed,
    not doubled; nothing accumulates (no part, no style)."""
    again = fill_cli(filled, tmp_path / "again")
    before, after = parts(filled), parts(again)
    assert list(after) == list(before)  # the same parts, in the same order: none added, none dropped
    assert [n for n in before if before[n] != after[n]] == [sheet_parts(filled)["计算过程"]]  # its 处理 column
    done = openpyxl.load_workbook(again)
    assert done.sheetnames == openpyxl.load_workbook(filled).sheetnames
    sheet, cell, text = rich_inputs.FLAGGED_COMMENT
    assert done[sheet][cell].comment.text.count(text) == 1 and done[sheet][cell].comment.text.count("【尾差】") == 1


def test_notes_typed_into_an_output_are_carried_over(rich, tmp_path):
    out = tmp_path / "out"
    first = fill_cli(rich, out)
    wb = openpyxl.load_workbook(first)
    ws = wb["审核结果"]
    ws.cell(row=3, column=column(ws, "说明"), value="已核实")
    key = ("规则编号", "表", "单元格")
    typed = tuple(records(ws)[0][k] for k in key)
    wb.save(first)  # the clerk types a 说明 and saves (openpyxl standing in for Excel)
    second = openpyxl.load_workbook(fill_cli(rich, out))["审核结果"]
    row = next(r for r in records(second) if tuple(r[k] for k in key) == typed)
    assert row["说明"] == "已核实"


# ---- cell writes through the public API ---------------------------------------------------------------
def written(data: bytes, data_only: bool = False):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning from openpyxl on what the patcher wrote
        return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)


def test_a_formula_is_written_with_its_cached_value():
    book = WorkbookPackage(SAMPLE.read_bytes())
    assert book.write_cells(BASIC, [CellWrite("D8", 336.25, formula="SUM(D9:D10)", number_format="#,##0.00")]) == [True]
    data = book.to_bytes()
    assert written(data)[BASIC]["D8"].value == "=SUM(D9:D10)"
    assert written(data, data_only=True)[BASIC]["D8"].value == 336.25
    again = WorkbookPackage(data)  # a formula cell is never written over…
    assert again.write_cells(BASIC, [CellWrite("D8", 1.0)]) == [False]
    chained = with_calc_chain(data, '<c r="D8" i="1"/>')
    ours = WorkbookPackage(chained)  # …unless it holds perfxlsx's own formula (a re-run): the chain goes
    assert ours.write_cells(BASIC, [CellWrite("D8", 1.0, replace_formula=True)]) == [True]
    out = ours.to_bytes()
    assert written(out)[BASIC]["D8"].value == 1.0
    assert "xl/calcChain.xml" not in parts(out) and "calcChain" not in parts(out)["[Content_Types].xml"].decode()
    untouched = WorkbookPackage(chained)  # a chain no formula of which is touched stays
    untouched.write_cells(BASIC, [CellWrite("D9", 2.0)])
    assert parts(untouched.to_bytes())["xl/calcChain.xml"] == parts(chained)["xl/calcChain.xml"]


def with_calc_chain(data: bytes, cells: str) -> bytes:
    """The package with a calculation chain (xl/calcChain.xml, as Excel saves one) listing `cells`."""
    source = parts(data)
    out = io.BytesIO()
    chain = f'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{cells}</calcChain>'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in source.items():
            if name == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdChain" Target="calcChain.xml" '
                    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"/></Relationships>',
                )
            if name == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/calcChain.xml" '
                    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>',
                )
            z.writestr(name, content)
        z.writestr("xl/calcChain.xml", chain)
    return out.getvalue()


def test_cells_and_rows_are_created_in_order(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"], ws["D1"], ws["A3"] = 1, 2, 3
    ws["B3"].border = openpyxl.styles.Border(left=openpyxl.styles.Side(style="thin"))  # General, with a border
    wb.save(tmp_path / "稀疏.xlsx")
    book = WorkbookPackage((tmp_path / "稀疏.xlsx").read_bytes())
    writes = [
        CellWrite("B1", "插在 A1 和 D1 之间"),
        CellWrite("F1", 4.5),  # after the last cell of a row
        CellWrite("B2", "<&>\"'"),  # a new row between two, text escaped
        CellWrite("C7", 12.5),  # a new row after the last
        CellWrite("B3", 0.5, number_format="0.00%"),  # General: the format is set, the border kept
    ]
    assert book.write_cells("表", writes) == [True] * len(writes)
    data = book.to_bytes()
    ws = written(data)["表"]
    assert [[c.value for c in row] for row in ws.iter_rows()][:3] == [
        [1, "插在 A1 和 D1 之间", None, 2, None, 4.5],
        [None, "<&>\"'", None, None, None, None],
        [3, 0.5, None, None, None, None],
    ]
    assert ws["C7"].value == 12.5
    assert ws["B3"].number_format == "0.00%" and ws["B3"].border.left.style == "thin"
    xml = parts(data)["xl/worksheets/sheet1.xml"].decode()
    assert re.findall(r'<row r="(\d+)"', xml) == ["1", "2", "3", "7"]
    assert re.findall(r'<c r="([A-Z]+)1"', xml) == ["A", "B", "D", "F"]
    assert re.search(r'<dimension ref="A1:F7"', xml)


@pytest.mark.parametrize(
    "between",
    ["", "<!-- 合并单元格 -->"],  # merges found by their tags alone, and element by element past a comment
)
def test_a_write_inside_a_merged_range_goes_to_its_top_left_cell(tmp_path, between):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"] = "标题"
    ws.merge_cells("A1:C1")
    ws.merge_cells("B3:B5")
    wb.save(tmp_path / "合并.xlsx")
    data = parts(tmp_path / "合并.xlsx")
    sheet = data["xl/worksheets/sheet1.xml"].decode()
    # a range down a whole column (scanned, not indexed by row), and overlapping ranges with no free cell
    extra = f'{between}<mergeCell ref="E1:E1048576"/><mergeCell ref="G2:H3"/><mergeCell ref="F1:G2"/>'
    sheet = re.sub(r'(<mergeCells count=")\d+(">)(.*?)(</mergeCells>)', rf"\g<1>5\g<2>\g<3>{extra}\g<4>", sheet)
    data["xl/worksheets/sheet1.xml"] = sheet.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in data.items():
            z.writestr(name, content)
    book = WorkbookPackage(buffer.getvalue())
    writes = [CellWrite("B1", "改写标题"), CellWrite("B4", 7), CellWrite("E70000", 8), CellWrite("H3", 9)]
    assert book.write_cells("表", writes) == [True, True, True, False]
    xml = parts(book.to_bytes())["xl/worksheets/sheet1.xml"].decode()
    cells = dict(re.findall(r'<c r="([A-Z]+\d+)"[^>]*>(.*?)</c>', xml))
    assert "改写标题" in cells["A1"] and cells["B3"] == "<v>7</v>" and cells["E1"] == "<v>8</v>"
    assert not re.search(r'<c r="(B1|B4|E70000|H3)"', xml)


def test_writes_keep_the_cells_formats():
    book = WorkbookPackage(SAMPLE.read_bytes())
    source = openpyxl.load_workbook(SAMPLE)[BASIC]
    writes = [
        CellWrite("F5", 0.8699, number_format="0.00%"),  # inside E5:F5: written at E5
        CellWrite("D7", 1.5, number_format="0.00%"),  # a cell with its own format keeps it
        CellWrite("H5", 0.5, number_format="0.00%"),  # cells the sheet did not have (General): one new xf
        CellWrite("H6", 0.25, number_format="0.00%"),
    ]
    assert book.write_cells(BASIC, writes) == [True] * len(writes)
    data = book.to_bytes()
    ws = written(data)[BASIC]
    assert (ws["E5"].value, ws["F5"].value) == (0.8699, None)
    assert ws["E5"].number_format == source["E5"].number_format and ws["E5"].font.b == source["E5"].font.b
    assert ws["D7"].number_format == source["D7"].number_format == "#,##0.00"
    assert ws["H5"].number_format == ws["H6"].number_format == "0.00%"
    xml = parts(data)[sheet_parts(data)[BASIC]].decode()
    assert re.search(r'<c r="H5" s="(\d+)"', xml)[1] == re.search(r'<c r="H6" s="(\d+)"', xml)[1]


def test_comments_go_where_the_schema_puts_them(rich):
    """<legacyDrawing> after <drawing> (the seal and the chart) and before <extLst> (the x14 validation)."""
    source = parts(SAMPLE)
    names = sheet_parts(SAMPLE)
    with_ext = source[names["项目1"]].decode().replace("</worksheet>", rich_inputs.X14_VALIDATION + "</worksheet>")
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        for name, content in source.items():
            z.writestr(name, with_ext.encode() if name == names["项目1"] else content)
    book = WorkbookPackage(data.getvalue())
    book.add_comments("项目1", {"B3": "一条批注", "C5": "另一条"})
    xml = parts(book.to_bytes())[names["项目1"]].decode()
    assert xml.index("<legacyDrawing ") < xml.index("<extLst>") and xml.endswith(
        rich_inputs.X14_VALIDATION + "</worksheet>"
    )
    form = parts(fill_cli(rich, Path(str(rich) + ".out")))[sheet_parts(rich)[FORM]].decode()
    assert form.index("<drawing ") < form.index("<legacyDrawing ")


def prefixed_and_positional(sheet_xml: str) -> str:
    """A sheet as some generators write it: the main namespace under the prefix x:, and rows and cells
    without an `r` where they follow the previous one."""
    xml = sheet_xml.replace('<worksheet xmlns="', '<x:worksheet xmlns:x="', 1)
    xml = re.sub(r"<(/?)(?!x:)([A-Za-z]\w*)([\s/>])", r"<\1x:\2\3", xml)
    previous = 0

    def row(match: re.Match[str]) -> str:
        nonlocal previous
        number, text = int(match[1]), _positional_cells(match[0])
        if number == previous + 1:
            text = text.replace(f' r="{number}"', "", 1)
        previous = number
        return text

    return re.sub(r'<x:row r="(\d+)".*?</x:row>', row, xml, flags=re.S)


def _positional_cells(row: str) -> str:
    previous = 0

    def cell(match: re.Match[str]) -> str:
        nonlocal previous
        column = openpyxl.utils.column_index_from_string(match[1])
        follows, previous = column == previous + 1, column
        return "<x:c" if follows else match[0]

    return re.sub(r'<x:c r="([A-Z]+)\d+"', cell, row)


def test_prefixed_namespace_and_positional_cells(tmp_path):
    source = parts(SAMPLE)
    names = sheet_parts(SAMPLE)
    odd = tmp_path / "前缀.xlsx"
    with zipfile.ZipFile(odd, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in source.items():
            if name in (names[BASIC], names[FORM]):
                data = prefixed_and_positional(data.decode()).encode()
            z.writestr(name, data)
    xml = parts(odd)[names[BASIC]].decode()
    assert re.search(r"<x:row (?![^>]*\br=)", xml) and re.search(r"<x:c (?![^>]*\br=)", xml)  # positional ones
    report = api.fill(odd, tmp_path / "out")
    sample = api.fill(SAMPLE, tmp_path / "sample")
    assert sorted(report.filled) == sorted(sample.filled)
    ours, theirs = openpyxl.load_workbook(report.output), openpyxl.load_workbook(sample.output)
    for where in sample.filled:
        sheet, cell = where.split("!")
        assert (ours[sheet][cell].value, ours[sheet][cell].number_format) == (
            theirs[sheet][cell].value,
            theirs[sheet][cell].number_format,
        )
    out = parts(report.output)[names[BASIC]].decode()
    assert "<c " not in out and "<c>" not in out and "<v>" not in out  # every element written with x:
    assert out.startswith(xml[: xml.index(">")])  # its root as it was (r: bound there for the comments)


# ---- deterministic, atomic --------------------------------------------------------------------------
def test_two_runs_give_the_same_bytes_with_source_date_epoch(rich, tmp_path, pinned_clock):
    first = api.fill(rich, tmp_path / "a").output
    clock.run_time.cache_clear()
    second = api.fill(rich, tmp_path / "b").output
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        assert {i.date_time for i in z.infolist()} == {pinned_clock.timetuple()[:6]}


def test_zip_entries_carry_the_date_of_the_run(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    clock.run_time.cache_clear()
    try:
        output = api.fill(SAMPLE, tmp_path).output
    finally:
        clock.run_time.cache_clear()
    with zipfile.ZipFile(output) as z:
        dates = {dt.date(*i.date_time[:3]) for i in z.infolist()}
    assert dates <= {dt.date.today(), dt.date.today() - dt.timedelta(days=1)}  # (a run across midnight)


def test_sample_output_opens_without_warnings(tmp_path):
    assert load_warnings(api.fill(SAMPLE, tmp_path).output) == set()


def test_a_package_the_patcher_does_not_handle_is_saved_the_old_way(tmp_path):
    """A styles part in UTF-16 (XML allows it, the patcher splices UTF-8 only): openpyxl completes the
    workbook as before."""
    source = parts(SAMPLE)
    odd = tmp_path / "编码.xlsx"
    with zipfile.ZipFile(odd, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in source.items():
            if name == "xl/styles.xml":
                data = '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16") + data.decode().encode("utf-16")[2:]
            z.writestr(name, data)
    report = api.fill(odd, tmp_path / "out")
    assert report.filled and openpyxl.load_workbook(report.output).sheetnames[-2:] == ADDED_SHEETS


# ---- a real spreadsheet client ------------------------------------------------------------------------
@pytest.mark.skipif(lo.soffice() is None or shutil.which("pdftotext") is None, reason="LibreOffice 未安装")
def test_libreoffice_opens_the_outputs(filled, tmp_path):
    sample = api.fill(SAMPLE, tmp_path / "sample").output
    for output in (sample, filled):
        text = "".join(lo.pages_text(lo.to_pdf(output, tmp_path))).replace(" ", "")
        assert "87.57%" in text and "部门整体支出绩效自评表" in text and "审核结果" in text
    # LibreOffice read the seal, the chart and the comments: it writes them back when it saves
    profile = tmp_path / "profile"
    subprocess.run(
        [lo.soffice(), "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "xlsx",
         "--outdir", str(tmp_path / "lo"), str(filled)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    resaved = parts(tmp_path / "lo" / filled.name)
    assert any(n.startswith("xl/media/") for n in resaved) and any(n.startswith("xl/charts/") for n in resaved)
    assert any(n.startswith("xl/comments") for n in resaved)


def test_a_package_is_completed_without_loading_it_into_openpyxl(tmp_path, monkeypatch):
    """Read by xlsx_grids, written by the package patcher: fill of an .xlsx never pays for an openpyxl load."""
    from perf_xlsx import api, loading

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl load of the input")

    monkeypatch.setattr(loading, "_load_ooxml", refuse)
    report = api.fill(SAMPLE, tmp_path)
    assert report.output.is_file() and "整体支出绩效自评表!H5" in report.filled
