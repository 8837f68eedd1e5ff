"""快速读取 (perf_xlsx/xlsx_grids.py) gives the Grids the openpyxl path gives, field by field.

The reference is `loading.grids_of(loading.open_workbook(path), path)`: openpyxl's load, Grid.from_openpyxl,
the cached results of a data_only pass and formulas.resolve. Compared on every workbook the tests build
or ship (the samples, the form families, the messy and hostile fixtures, the rule cases' variants, the
golden inputs and outputs), on hand-written packages for the constructs those do not have (shared
formulas, inline strings, cells without an address, 1904 dates, prefixed namespaces, a sheet of styles
only…), and on random sheets (hypothesis). Then the wiring: check and inspect never load the openpyxl
workbook, fill still writes through it, and a file the fast reader does not expect is read by openpyxl
with the same result, or the same error.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perf_xlsx import api, loading, xlsx_grids
from perf_xlsx.errors import PerfXlsxError
from perf_xlsx.grid import Grid
from perf_xlsx.loading import grids_of, open_workbook, read_workbook
from perf_xlsx.numbers import CellIssue
from perf_xlsx.xlsx_grids import Unexpected, grids_from_package
from tests import families, hostile, messy
from tests.golden import SAMPLE, blank_template, filled_sample
from tests.rule_cases import BASES, CASES, base_of, variant

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ("title", "values", "formats", "merges", "max_row", "max_col", "formulas", "hidden", "hidden_rows")


def plain(value):
    """A CellIssue (a formula without a result that was not worked out) as what it says: it has no ==."""
    if isinstance(value, CellIssue):
        return ("CellIssue", value.shown, value.message, value.kind, value.reason)
    return value


def fields(grid: Grid) -> list:
    out = [getattr(grid, name) for name in FIELDS]
    out[1] = {pos: plain(v) for pos, v in grid.values.items()}
    return out


def differences(path: Path) -> list[str]:
    """Where grids_from_package differs from the openpyxl path (empty: the same Grids); openpyxl's load
    without the checks in front of it, which want the workbook part where Excel puts it."""
    expected = grids_of(loading._load_ooxml(path), path)
    got = grids_from_package(path)
    for grid in (*expected, *got):
        grid.values = {pos: plain(v) for pos, v in grid.values.items()}
    out = [f"{len(got)} sheets, openpyxl {len(expected)}"] if len(got) != len(expected) else []
    for mine, theirs in zip(got, expected):
        for name in FIELDS:
            a, b = getattr(mine, name), getattr(theirs, name)
            if name in ("values", "formats", "formulas") and a != b:
                keys = sorted(set(a) | set(b))
                wrong = [(k, a.get(k, "—"), b.get(k, "—")) for k in keys if a.get(k, "—") != b.get(k, "—")]
                wrong += [(k, type(a[k]).__name__, type(b[k]).__name__) for k in keys if k in a and k in b]
                out.append(f"{theirs.title} {name}: {[w for w in wrong if w[1] != w[2]][:5]}")
            elif a != b or type(a) is not type(b):
                out.append(f"{theirs.title} {name}: {str(a)[:200]} ≠ openpyxl {str(b)[:200]}")
        for pos, value in theirs.values.items():  # 1 and 1.0, True and 1 are equal but not the same
            if type(mine.values.get(pos)) is not type(value):
                out.append(f"{theirs.title} {pos}: {mine.values.get(pos)!r} ≠ openpyxl {value!r}")
    return out


def assert_same(path: Path) -> None:
    assert differences(path) == [], path.name


# ---- the workbooks the tests build or ship --------------------------------------------------------
@pytest.mark.parametrize("path", sorted((ROOT / "samples").glob("*.xlsx")), ids=lambda p: p.name)
def test_samples(path):
    assert_same(path)


@pytest.fixture(scope="module")
def family_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("families")
    return {name: build(folder) for name, build in families.BUILDERS.items()}


@pytest.mark.parametrize("name", sorted(families.BUILDERS))
def test_family_fixtures(name, family_files):
    assert_same(family_files[name])


@pytest.fixture(scope="module")
def messy_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("messy")
    return {name: build(folder / f"{name}.xlsx") for name, build in messy.BUILDERS.items()}


@pytest.mark.parametrize("name", sorted(messy.BUILDERS))
def test_messy_fixtures(name, messy_files):
    assert_same(messy_files[name])


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, Path]:
    return hostile.build_all(tmp_path_factory.mktemp("hostile"))


def outcome(read) -> tuple:
    """(error kind, message) of a read that fails, else ("grids", the Grids' fields)."""
    try:
        grids = read()
    except PerfXlsxError as exc:
        return type(exc).__name__, exc.describe()
    return "grids", [fields(g) for g in grids]


@pytest.mark.parametrize("name", sorted(hostile.BUILDERS))
def test_hostile_fixtures(name, hostile_files):
    """Broken and hostile files: the fast path refuses them with the same error, or reads the same Grids."""
    path = hostile_files[name]
    fast = outcome(lambda: read_workbook(path).grids)
    assert fast == outcome(lambda: grids_of(open_workbook(path), path))
    if fast[0] == "grids" and path.suffix in (".xlsx", ".xlsm"):
        assert_same(path)  # read by the fast reader itself, not by the fallback


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_case_variants(rule, tmp_path):
    """The variants tests/test_rules.py checks each rule on: the one where it fires and the one where it is silent."""
    fire, _, quiet = CASES[rule]
    bases = BASES.get(rule, (None, None))
    for n, (changes, base_name) in enumerate(((fire, bases[0]), (quiet, bases[1]))):
        folder = tmp_path / str(n)
        folder.mkdir()
        assert_same(variant(folder, changes, base=base_of(base_name, folder)))


def test_golden_workbooks(tmp_path):
    """The golden snapshots' workbooks: the filled sample (comments, 审核结果, 计算过程) and a blank template."""
    assert_same(filled_sample(tmp_path / "filled"))
    assert_same(blank_template(tmp_path))


def test_filled_family_fixtures(family_files, tmp_path):
    """Completed copies are read again (a second run, a clerk's check of the output)."""
    for name in ("c_department", "b_project", "mixed_c_and_n"):
        assert_same(api.fill(family_files[name], tmp_path / name).output)


# ---- hand-written packages ----------------------------------------------------------------------
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

#: cellXfs: 0 General, 1 a date, 2 a custom date-time, 3 a duration, 4 a custom number, 5 percent, 6 text
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
    '<numFmt numFmtId="165" formatCode="[h]:mm:ss"/><numFmt numFmtId="166" formatCode="#,##0.00_ "/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="1"><fill><patternFill/></fill></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/>'
    '<xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="10"/><xf numFmtId="49"/></cellXfs></styleSheet>'
)


def package(
    sheets: list[tuple[str, str]],
    strings: list[str] | None = None,
    workbook_pr: str = "",
    extra: dict[str, str] | None = None,
    sheet_attrs: dict[str, str] | None = None,
    workbook_dir: str = "xl",
    absolute_targets: bool = False,
) -> bytes:
    """A workbook package written by hand: `sheets` as (name, worksheet XML), shared strings as given
    (each an <si> body), the styles above; `extra` parts added as they stand."""
    out = io.BytesIO()
    sheet_attrs = sheet_attrs or {}
    overrides = [(f"/{workbook_dir}/workbook.xml", hostile.WORKBOOK_CT), ("/xl/styles.xml", STYLES_CT)]
    overrides += [(f"/{workbook_dir}/worksheets/sheet{i}.xml", SHEET_CT) for i in range(1, len(sheets) + 1)]
    if strings is not None:
        overrides.append((f"/{workbook_dir}/sharedStrings.xml", STRINGS_CT))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{ct}"/>' for p, ct in overrides)
            + "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RELS}/officeDocument" '
            f'Target="{workbook_dir}/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"{sheet_attrs.get(name, "")}/>'
            for i, (name, _) in enumerate(sheets, 1)
        )
        z.writestr(
            f"{workbook_dir}/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}">{workbook_pr}<sheets>{entries}</sheets></workbook>',
        )
        prefix = f"/{workbook_dir}/" if absolute_targets else ""
        z.writestr(
            f"{workbook_dir}/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PKG}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="{prefix}worksheets/sheet{i}.xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + "</Relationships>",
        )
        z.writestr("xl/styles.xml", STYLES)  # where openpyxl looks for it, wherever the workbook part is
        for i, (_, xml) in enumerate(sheets, 1):
            z.writestr(f"{workbook_dir}/worksheets/sheet{i}.xml", xml)
        if strings is not None:
            z.writestr(
                f"{workbook_dir}/sharedStrings.xml",
                f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
                + "".join(f"<si>{s}</si>" for s in strings)
                + "</sst>",
            )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def sheet(body: str, head: str = "", tail: str = "", root: str = f'<worksheet xmlns="{MAIN}">') -> str:
    return f"{root}{head}<sheetData>{body}</sheetData>{tail}</worksheet>"


def written(tmp_path: Path, data: bytes, name: str = "hand.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


STRINGS = [
    "<t>部门整体支出</t>",
    '<t xml:space="preserve">  前后空格  </t>',
    '<r><t>富</t></r><r><rPr><b/><sz val="11"/></rPr><t>文本</t></r>',  # rich text runs, joined
    '<t>预算</t><rPh sb="0" eb="2"><t>よさん</t></rPh>',  # a phonetic run is not part of the text
    '<r><t>前</t></r><rPh sb="0" eb="1"><t>まえ</t></rPh><r><t>后</t></r>',
    "<t>x005F_x000D_ 转义</t>",  # openpyxl drops 'x005F_'
    "<t></t>",  # an empty string is a value, not a blank cell
    "<t>A&amp;B &lt;C&gt;</t>",
]

HAND = {
    "values of every type": sheet(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
        '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c>'
        '<c r="G1" t="s"><v>6</v></c><c r="H1" t="s"><v>7</v></c></row>'
        '<row r="2"><c r="A2"><v>42</v></c><c r="B2"><v>42.0</v></c><c r="C2"><v>1.5E-3</v></c>'
        '<c r="D2" t="n"><v>-7</v></c><c r="E2" s="4"><v>1234.5</v></c><c r="F2" s="5"><v>0.8757</v></c>'
        '<c r="G2" s="6"><v>12</v></c><c r="H2"><v>1e20</v></c></row>'
        '<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="b"><v>0</v></c><c r="C3" t="e"><v>#DIV/0!</v></c>'
        '<c r="D3" t="e"><v>#N/A</v></c><c r="E3" t="str"><v>公式文字</v></c><c r="F3" t="d"><v>2022-12-31T00:00:00</v></c>'
        '<c r="G3" t="inlineStr"><is><t>行内</t></is></c>'
        '<c r="H3" t="inlineStr"><is><r><t>行</t></r><r><t>内</t></r><rPh sb="0" eb="1"><t>x</t></rPh></is></c></row>'
        '<row r="4"><c r="A4" s="1"><v>44926</v></c><c r="B4" s="2"><v>44926.5</v></c><c r="C4" s="3"><v>1.25</v></c>'
        '<c r="D4" s="1"><v>0.5</v></c><c r="E4" s="1"><v>59</v></c><c r="F4" s="1"><v>61</v></c>'
        '<c r="G4" s="1"><v>1e10</v></c><c r="H4" s="1"><v></v></c></row>'
        '<row r="5"><c r="A5" s="4"/><c r="B5" t="s"/><c r="C5" t="inlineStr"/><c r="D5" t="str"><v></v></c></row>'
    ),
    "cells and rows without addresses": sheet(
        '<row><c t="inlineStr"><is><t>一</t></is></c><c><v>1</v></c><c r="E1"><v>5</v></c><c><v>6</v></c></row>'
        '<row r="3"><c><v>7</v></c></row><row><c r="B4"><v>8</v></c><c><v>9</v></c></row>'
    ),
    "shared formulas": sheet(
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><f>A1+B1</f><v>3</v></c></row>'
        '<row r="2"><c r="A2"><v>3</v></c><c r="B2"><v>4</v></c><c r="C2"><f t="shared" ref="C2:C4" si="0">A2+B2</f><v>7</v></c></row>'
        '<row r="3"><c r="A3"><v>5</v></c><c r="B3"><v>6</v></c><c r="C3"><f t="shared" si="0"/><v>11</v></c></row>'
        '<row r="4"><c r="A4"><v>7</v></c><c r="B4"><v>8</v></c><c r="C4"><f t="shared" si="0"/></c>'
        '<c r="D4"><f t="shared" ref="D4:E4" si="1">SUM($A$1:A4)</f><v>16</v></c><c r="E4"><f t="shared" si="1"/><v>20</v></c></row>'
        '<row r="5"><c r="A5"><f t="array" ref="A5">SUM(A1:A4*B1:B4)</f><v>100</v></c>'
        '<c r="B5" t="str"><f>"文字"&amp;A1</f><v>文字1</v></c><c r="C5" t="b"><f>A1&gt;0</f><v>1</v></c>'
        '<c r="D5" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="E5"><f>ROUND(A1/3,2)</f></c>'
        '<c r="F5"><f>VLOOKUP(1,A1:B4,2,FALSE)</f></c><c r="G5" s="1"><f>A4+44000</f><v>44007</v></c></row>'
    ),
    "merged ranges": sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c><c r="B1" t="inlineStr"><is><t>被合并</t></is></c>'
        '<c r="C1"><v>3</v></c></row><row r="2"><c r="A2"><f>C1*2</f><v>6</v></c><c r="B2"><f>C1</f><v>3</v></c></row>',
        tail='<mergeCells count="3"><mergeCell ref="A1:B1"/><mergeCell ref="B2:D3"/><mergeCell ref="F7:G9"/></mergeCells>',
    ),
    "hidden rows and a sheet of styles only": sheet(
        '<row r="1" hidden="1"><c r="A1" s="4"/></row><row r="2" ht="20" customHeight="1"/>'
        '<row r="3" hidden="true"/><row r="4" hidden="0" ht="12"/><row r="9" spans="1:3"><c r="C9" s="1"/></row>'
    ),
    "empty sheet": sheet(""),
    "no sheetData": f'<worksheet xmlns="{MAIN}"><dimension ref="A1"/></worksheet>',  # (no <sheetData> at all)
    "stale dimension": sheet(
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v>2</v></c></row>'
        '<row r="5"><c r="A5"><f>A1+1</f><v>2</v></c><c r="D5"><f>A1+3</f><v>4</v></c></row>',
        head='<dimension ref="A1:B2"/>',
    ),
    "no dimension, formulas": sheet(
        '<row r="1"><c r="B1"><v>1</v></c><c r="A1"><f>B1*2</f><v>2</v></c></row>'
        '<row r="2"><c r="A2"><f>B1+1</f><v>2</v></c><c r="C2"><f>B1+3</f><v>4</v></c></row>'
    ),
    "hyperlinks and comments": sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>链接</t></is></c></row>',
        tail='<hyperlinks><hyperlink ref="A1" r:id="rId1" xr:uid="{1}" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision"/>'
        '<hyperlink ref="A1:C1" location="\'数据\'!A1"/></hyperlinks>',
        root=f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">',
    ),
}


def test_hand_written_packages(tmp_path):
    links_rels = (
        f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RELS}/hyperlink" '
        'Target="http://example.com/" TargetMode="External"/>'
        f'<Relationship Id="rId2" Type="{RELS}/comments" Target="../comments1.xml"/></Relationships>'
    )
    comments = (
        f'<comments xmlns="{MAIN}"><authors><author>张三</author></authors><commentList>'
        '<comment ref="K20" authorId="0"><text><t>批注</t></text></comment></commentList></comments>'
    )
    sheets = list(HAND.items())
    index = next(i for i, (name, _) in enumerate(sheets, 1) if name == "hyperlinks and comments")
    data = package(
        [(name.replace(",", "，"), xml) for name, xml in sheets],
        STRINGS,
        extra={f"xl/worksheets/_rels/sheet{index}.xml.rels": links_rels, "xl/comments1.xml": comments},
        sheet_attrs={"merged ranges": ' state="hidden"', "empty sheet": ' state="veryHidden"'},
    )
    path = written(tmp_path, data)
    assert_same(path)
    grids = {g.title: g for g in grids_from_package(path)}
    values = grids["values of every type"].values
    assert values[(1, 3)] == "富文本" and values[(1, 4)] == "预算" and values[(1, 5)] == "前后" and values[(1, 7)] == ""
    assert values[(4, 1)] == dt.datetime(2022, 12, 31) and values[(4, 3)] == dt.timedelta(hours=30)
    assert grids["shared formulas"].formulas[(3, 3)] == "=A3+B3" and grids["shared formulas"].values[(4, 3)] == 15
    assert grids["hyperlinks and comments"].max_row == 20  # the comment's cell counts


@pytest.mark.parametrize(
    "case",
    ["1904 dates", "prefixed namespaces", "absolute targets", "workbook elsewhere", "strings only in styles"],
)
def test_hand_written_variants(case, tmp_path):
    body = HAND["values of every type"]
    kwargs: dict = {}
    if case == "1904 dates":
        kwargs["workbook_pr"] = '<workbookPr date1904="1"/>'
    elif case == "prefixed namespaces":  # <x:c>: what some exporters write
        body = body.replace("<", "<x:").replace("<x:/", "</x:").replace(f'<x:worksheet xmlns="{MAIN}">', "")
        body = f'<x:worksheet xmlns:x="{MAIN}">' + body
    elif case == "absolute targets":
        kwargs["absolute_targets"] = True
    elif case == "workbook elsewhere":
        kwargs["workbook_dir"] = "book"
    data = package([("数据", body), ("空", sheet(""))], STRINGS, **kwargs)
    if case == "strings only in styles":  # no sharedStrings part at all: only numbers and inline strings
        data = package([("数据", HAND["cells and rows without addresses"])], None)
    path = written(tmp_path, data)
    assert_same(path)
    grid = grids_from_package(path)[0]
    if case == "1904 dates":
        assert grid.values[(4, 1)] == dt.datetime(2027, 1, 1)  # 1462 days after the 1900 reading
    if case == "prefixed namespaces":
        assert grid.values[(1, 1)] == "部门整体支出"


def test_chartsheets_are_skipped_and_dialog_sheets_read_as_openpyxl_does(tmp_path):
    data = package([("数据", HAND["merged ranges"]), ("图表", "<chartsheet/>"), ("对话框", sheet(""))], STRINGS)
    data = hostile.rezip(
        data,
        {
            "xl/_rels/workbook.xml.rels": (
                f'<Relationships xmlns="{PKG}">'
                f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{RELS}/chartsheet" Target="chartsheets/sheet1.xml"/>'
                f'<Relationship Id="rId3" Type="{RELS}/dialogsheet" Target="dialogsheets/sheet1.xml"/>'
                "</Relationships>"
            ).encode()
        },
        add={
            "xl/chartsheets/sheet1.xml": f'<chartsheet xmlns="{MAIN}"><sheetViews><sheetView workbookViewId="0"/></sheetViews></chartsheet>'.encode(),
            "xl/chartsheets/_rels/sheet1.xml.rels": f'<Relationships xmlns="{PKG}"/>'.encode(),
            "xl/dialogsheets/sheet1.xml": f'<dialogsheet xmlns="{MAIN}"><sheetData/></dialogsheet>'.encode(),
        },
    )
    path = written(tmp_path, data)
    assert_same(path)
    assert [g.title for g in grids_from_package(path)] == [g.title for g in open_workbook(path).worksheets]


def test_duplicate_and_odd_sheet_names(tmp_path):
    body = HAND["shared formulas"]
    path = written(tmp_path, package([("表", body), ("表", body), ("", body), ("表1", sheet(""))], STRINGS))
    assert [w.title for w in open_workbook(path).worksheets] == ["表", "表1", "Sheet", "表11"]
    with pytest.raises(Unexpected):  # a renamed duplicate's results are found by another sheet's name: openpyxl's way
        grids_from_package(path)
    assert outcome(lambda: read_workbook(path).grids) == outcome(lambda: grids_of(open_workbook(path), path))


@pytest.mark.parametrize("part", [997, 64 * 1024])
def test_a_sheet_read_a_part_at_a_time(part, tmp_path, monkeypatch):
    """A sheet's XML is parsed a part at a time and its finished rows dropped: any cut gives the same Grids."""
    monkeypatch.setattr(xlsx_grids, "PART", part)
    assert_same(SAMPLE)
    rows = []
    for r in range(1, 4001):
        hidden = ' hidden="1"' if r % 7 == 0 else ""
        cached = f"<v>{r * 3.0}</v>" if r % 3 else ""
        rows.append(
            f'<row r="{r}"{hidden}><c r="A{r}" t="inlineStr"><is><t>第{r}行</t></is></c>'
            f'<c r="B{r}" s="{r % 7}"><v>{r * 1.5}</v></c><c r="C{r}"><f>B{r}*2</f>{cached}</c></row>'
        )
    body = "".join(rows)
    path = written(
        tmp_path, package([("大表", sheet(body, tail='<mergeCells><mergeCell ref="D1:E3999"/></mergeCells>'))], [])
    )
    assert path.stat().st_size and len(body) > 4 * part
    assert_same(path)


# ---- random sheets ----------------------------------------------------------------------------------
_text = st.text(alphabet=st.sampled_from("预算执行率合计 %ab1.-"), min_size=0, max_size=6)
_cell = st.one_of(
    st.tuples(st.just("n"), st.integers(-(10**12), 10**12).map(str)),
    st.tuples(st.just("n"), st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr)),
    st.tuples(st.just("s"), st.integers(0, len(STRINGS) - 1).map(str)),
    st.tuples(st.just("inlineStr"), _text),
    st.tuples(st.just("b"), st.sampled_from(["0", "1"])),
    st.tuples(st.just("e"), st.sampled_from(["#DIV/0!", "#REF!", "#N/A"])),
    st.tuples(st.just("str"), _text),
    st.tuples(st.just("f"), st.sampled_from(["A1+1", "SUM(A1:B2)", "ROUND(B1/3,2)", "1/0", "NOW()"])),
    st.tuples(st.just("empty"), st.just("")),
)


@st.composite
def random_sheets(draw) -> str:
    rows = []
    for r in sorted(draw(st.sets(st.integers(1, 12), max_size=8))):
        cells = []
        for c in sorted(draw(st.sets(st.integers(1, 8), max_size=6))):
            kind, text = draw(_cell)
            address = f' r="{openpyxl.utils.get_column_letter(c)}{r}"' if draw(st.booleans()) or not cells else ""
            style = f' s="{draw(st.integers(0, 6))}"' if draw(st.booleans()) else ""
            if kind == "inlineStr":
                cells.append(f'<c{address}{style} t="inlineStr"><is><t>{text}</t></is></c>')
            elif kind == "f":
                cached = f"<v>{draw(st.integers(0, 99))}</v>" if draw(st.booleans()) else ""
                cells.append(f"<c{address}{style}><f>{text}</f>{cached}</c>")
            elif kind == "empty":
                cells.append(f"<c{address}{style}/>")
            else:
                cells.append(f'<c{address}{style} t="{kind}"><v>{text}</v></c>')
            if address == "":
                break  # without an address a cell takes the next column: keep the addresses that follow apart
        hidden = ' hidden="1"' if draw(st.booleans()) else ""
        rows.append(f'<row r="{r}"{hidden}>{"".join(cells)}</row>')
    merges = draw(
        st.lists(st.tuples(st.integers(1, 10), st.integers(1, 6), st.integers(0, 2), st.integers(0, 2)), max_size=3)
    )
    refs = []
    taken: set[tuple[int, int]] = set()
    for r, c, h, w in merges:
        area = {(rr, cc) for rr in range(r, r + h + 1) for cc in range(c, c + w + 1)}
        if not area & taken:  # Excel never writes overlapping ranges
            taken |= area
            refs.append(f"{openpyxl.utils.get_column_letter(c)}{r}:{openpyxl.utils.get_column_letter(c + w)}{r + h}")
    tail = f'<mergeCells count="{len(refs)}">' + "".join(f'<mergeCell ref="{x}"/>' for x in refs) + "</mergeCells>"
    head = '<dimension ref="A1:H12"/>' if draw(st.booleans()) else ""
    return sheet("".join(rows), head=head, tail=tail if refs else "")


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")  # openpyxl's, on a random serial out of range
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=random_sheets(), second=random_sheets(), date1904=st.booleans())
def test_random_sheets(first, second, date1904, tmp_path):
    pr = '<workbookPr date1904="1"/>' if date1904 else ""
    path = written(tmp_path, package([("甲", first), ("乙", second)], STRINGS, workbook_pr=pr))
    try:
        expected = outcome(lambda: grids_of(open_workbook(path), path))
    except Exception:  # a random sheet openpyxl itself cannot read (e.g. a cell moved onto another's address)
        return
    assert outcome(lambda: read_workbook(path).grids) == expected
    try:
        grids_from_package(path)
    except Unexpected:
        return  # read by openpyxl instead, with the same result (above)
    assert differences(path) == []


# ---- wiring ---------------------------------------------------------------------------------------
def test_check_and_inspect_never_load_the_workbook(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl.load_workbook called")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(openpyxl.reader.excel, "load_workbook", refuse)
    ev = api.evaluate(SAMPLE)
    assert not ev.opened.loaded
    assert api.check(SAMPLE).figures
    assert api.inspect(SAMPLE).sheets


def test_fill_loads_the_workbook_from_the_bytes_read(tmp_path):
    """The workbook a completed copy is written through is the file as it was read, not as it is now."""
    source = tmp_path / "in.xlsx"
    shutil.copy(SAMPLE, source)
    ev = api.evaluate(source)
    source.write_bytes(b"changed after reading")
    assert ev.workbook is ev.workbook and ev.opened.loaded  # loaded once, on first access
    assert ev.workbook.sheetnames == [g.title for g in ev.opened.grids]


def old_way(monkeypatch) -> None:
    """From here on, loading reads .xlsx/.xlsm as it did before 快速读取: openpyxl's load, then grids_of."""

    def read(path: Path) -> loading.Opened:
        workbook = open_workbook(path)
        return loading.Opened(path, grids_of(workbook, path), workbook=workbook)

    monkeypatch.setattr(loading, "_read_ooxml", read)


def test_fill_gives_the_same_output_either_way(tmp_path, monkeypatch):
    fast = api.fill(SAMPLE, tmp_path / "fast")
    old_way(monkeypatch)
    slow = api.fill(SAMPLE, tmp_path / "slow")
    assert fast.output.read_bytes() == slow.output.read_bytes()
    assert fast.as_json() == {**slow.as_json(), "output": fast.as_json()["output"]}


def data_table(folder: Path) -> Path:
    """The sample with a data table formula (Excel's 模拟运算表) in a cell off the forms: left to openpyxl."""
    path = folder / "模拟运算表.xlsx"
    shutil.copy(SAMPLE, path)
    messy.patch_cell(
        path, 0, r'<c r="A1"', r'<c r="Z99"><f t="dataTable" ref="Z99" dt2D="0" dtr="0" r1="A1"/></c><c r="A1"'
    )
    return path


def test_an_odd_file_is_read_by_openpyxl_with_the_same_result(tmp_path, monkeypatch):
    path = data_table(tmp_path)
    with pytest.raises(Unexpected):
        grids_from_package(path)
    opened = read_workbook(path)
    assert opened.loaded  # read by openpyxl: its workbook is kept, not loaded again to fill
    assert [fields(g) for g in opened.grids] == [fields(g) for g in grids_of(open_workbook(path), path)]
    fast = api.check(path).as_json()
    old_way(monkeypatch)
    assert fast == api.check(path).as_json()


def test_a_broken_file_gives_the_same_message_either_way(tmp_path, monkeypatch):
    data = hostile.rezip(
        SAMPLE.read_bytes(), {"xl/styles.xml": b"<styleSheet xmlns='x'><cellXfs><xf numFmtId='z'/></cellXfs>"}
    )
    path = written(tmp_path, data, "坏样式.xlsx")
    with pytest.raises(PerfXlsxError) as fast:
        api.check(path)
    old_way(monkeypatch)
    with pytest.raises(PerfXlsxError) as slow:
        api.check(path)
    assert (fast.value.kind, fast.value.describe()) == (slow.value.kind, slow.value.describe())
