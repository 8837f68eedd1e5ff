"""The clerk's own content is never lost without a word (issue 16): sheets named like ours, a seal on the
自评表, a link to another workbook — on every way an output is written (the package patcher for an .xlsx,
openpyxl for an .xls and for a package the patcher leaves). Each case through the command line.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from perf_xlsx.cli import cli
from tests import clerk_content as cc
from tests import lo, rich_inputs
from tests.test_package import linked, parts, sheet_parts

pytestmark = pytest.mark.filterwarnings("ignore:Data Validation extension:UserWarning")


def fill(path: Path, out: Path, *extra: str) -> tuple[Path, str]:
    """`perfxlsx fill path -o out`: the output and what the terminal showed (no traceback, exit 0)."""
    result = CliRunner().invoke(cli, ["fill", str(path), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return out / (path.stem.removesuffix("_已填") + "_已填.xlsx"), result.output


def findings_rows(output: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(output, read_only=True)
    try:
        return [row for row in wb[sheet].iter_rows(min_row=3, values_only=True)]
    finally:
        wb.close()


# ---- 1. the clerk's sheets named 审核结果 and 计算过程 -----------------------------------------------------
@pytest.mark.parametrize("legacy", [False, True], ids=["xlsx-patched", "xls-openpyxl"])
def test_a_clerks_sheets_named_like_ours_are_kept_and_ours_renamed(tmp_path, legacy):
    source = cc.with_clerk_sheets(tmp_path / "in", legacy)
    output, shown = fill(source, tmp_path / "out")
    wb = openpyxl.load_workbook(output)
    assert wb.sheetnames[-4:] == ["审核结果", "计算过程", "审核结果(2)", "计算过程(2)"]
    for name, cell, value in cc.CLERK_SHEETS:  # the clerk's, as they were
        assert wb[name]["A1"].value == cc.CLERK_TITLES[name] and wb[name][cell].value == value
    assert wb["审核结果(2)"]["A1"].value.startswith("审核结果：")
    assert wb["计算过程(2)"]["A1"].value.startswith("计算过程")
    sheet, cell, formula = cc.CLERK_FORMULA
    if not legacy:  # (an .xls is read as values)
        assert wb[sheet][cell].value == formula  # still points to the clerk's sheet
    for base, ours in (("审核结果", "审核结果(2)"), ("计算过程", "计算过程(2)")):
        line = f"提示：{base} 文件“{source.name}”中已有名为“{base}”的工作表"
        assert line in shown and f"新表“{ours}”" in shown
    rules = [row[-1] for row in findings_rows(output, "审核结果(2)")]
    assert rules.count("output-sheet-renamed") == 2


def test_running_again_replaces_our_renamed_sheets_and_keeps_the_clerks(tmp_path):
    first, _ = fill(cc.with_clerk_sheets(tmp_path / "in"), tmp_path / "一")
    again, shown = fill(first, tmp_path / "二")
    assert "之前生成的已填工作簿" in shown
    wb = openpyxl.load_workbook(again)
    assert wb.sheetnames[-4:] == ["审核结果", "计算过程", "审核结果(2)", "计算过程(2)"]  # no 审核结果(3)
    assert wb["审核结果"]["A1"].value == cc.CLERK_TITLES["审核结果"]
    sheet, cell, formula = cc.CLERK_FORMULA
    assert wb[sheet][cell].value == formula


def test_an_earlier_outputs_sheets_are_still_replaced_in_place(tmp_path):
    first, _ = fill(rich_inputs.SAMPLE, tmp_path / "一")
    again, shown = fill(first, tmp_path / "二")
    assert openpyxl.load_workbook(again).sheetnames[-2:] == ["审核结果", "计算过程"]
    assert "output-sheet-renamed" not in str(findings_rows(again, "审核结果"))


# ---- 2. a seal on the 自评表 -------------------------------------------------------------------------
def test_the_seal_on_the_form_stays_when_the_package_is_patched(tmp_path):
    rich = rich_inputs.build_rich(tmp_path / "富样例.xlsx")
    output, shown = fill(rich, tmp_path / "out")
    form = sheet_parts(output)[rich_inputs.FORM]
    drawing = linked(output, form)["drawing"]
    image = linked(output, drawing)["image"]
    before, after = parts(rich), parts(output)
    assert "<pic>" in after[drawing].decode().replace("xdr:", "") and after[image] == before[image]
    assert "提示：文件" not in shown  # nothing lost, nothing to say


def test_a_package_openpyxl_saves_names_what_it_did_not_keep(tmp_path):
    """styles.xml in UTF-16: the patcher leaves it to openpyxl, whose save loses the seal (no Pillow),
    the customXml item and the x14 validation. The 提示 says so, and why."""
    rich = rich_inputs.build_rich(tmp_path / "富样例.xlsx")
    odd = cc.saved(tmp_path / "in", "富样例编码.xlsx", cc.utf16_styles(rich.read_bytes()))
    output, shown = fill(odd, tmp_path / "out")
    line = next(line for line in shown.splitlines() if "无法按部件原样修补" in line)
    assert f"文件“{odd.name}”" in line and "xl/styles.xml 不是 UTF-8 编码" in line
    kept = {n for n in parts(output)}
    if not any(n.startswith("xl/media/") for n in kept):
        assert "图片" in line
    if not any(n.startswith("customXml/") for n in kept):
        assert "自定义 XML 数据" in line
    assert "output-not-kept" in str(findings_rows(output, "审核结果"))


def test_an_xls_says_what_it_does_not_keep(tmp_path):
    source = cc.with_clerk_sheets(tmp_path / "in", legacy=True)
    _, shown = fill(source, tmp_path / "out")
    assert f"提示：文件“{source.name}”是旧版 .xls" in shown and "图片" in shown


# ---- 3. a formula referring to another workbook -------------------------------------------------------
def linked_workbook_parts(output: Path, cached: bool) -> None:
    """The link's parts, workbook.xml's <externalReferences>, its relationship and content type agree;
    the formula stays, with its cached value when `cached` (openpyxl writes formulas without one)."""
    p = parts(output)
    book = p["xl/workbook.xml"].decode()
    refs = re.findall(r'<externalReference r:id="([^"]+)"', book)
    assert len(refs) == 1 and book.index("</sheets>") < book.index("<externalReferences")
    rels = p["xl/_rels/workbook.xml.rels"].decode()
    tag = next(t for t in re.findall(r"<Relationship [^>]*>", rels) if f'Id="{refs[0]}"' in t)
    assert tag.endswith("/>") and "/externalLink" in tag
    target = re.search(r'Target="([^"]+)"', tag)[1]
    part = target.lstrip("/") if target.startswith("/") else "xl/" + target
    assert "<externalBook" in p[part].decode()
    link_rels = p[part.replace("externalLinks/", "externalLinks/_rels/") + ".rels"].decode()
    assert "其他单位.xlsx" in link_rels and 'TargetMode="External"' in link_rels
    assert f'PartName="/{part}"' in p["[Content_Types].xml"].decode()
    with zipfile.ZipFile(output) as z:
        sheet = z.read(sheet_parts(output)[cc.BASIC]).decode()
    value = "<v>22(\\.0)?</v>" if cached else ""
    assert re.search(rf'<c r="{cc.LINK_CELL}"[^>]*><f>\[1\]Sheet1!A1</f>{value}', sheet), sheet


@pytest.mark.parametrize("way", ["patched", "openpyxl"])
def test_a_link_to_another_workbook_survives(tmp_path, way):
    data = cc.external_link(cc.SAMPLE.read_bytes())
    source = cc.saved(tmp_path / "in", "外部链接.xlsx", data if way == "patched" else cc.utf16_styles(data))
    output, _ = fill(source, tmp_path / "out")
    linked_workbook_parts(output, cached=way == "patched")
    assert openpyxl.load_workbook(output)[cc.BASIC][cc.LINK_CELL].value == "=" + cc.LINK_FORMULA


@pytest.mark.skipif(lo.soffice() is None, reason="LibreOffice 未安装")
def test_libreoffice_shows_the_linked_value_not_name_error(tmp_path):
    """Every formula recalculated on load (the other workbook is not there): LibreOffice takes the linked
    value from the link part, 22, where a lost link gives #NAME?."""
    data = cc.external_link(cc.SAMPLE.read_bytes())
    outputs = []
    for way, content in (("patched", data), ("openpyxl", cc.utf16_styles(data))):
        source = cc.saved(tmp_path / way, "外部链接.xlsx", content)
        outputs.append(shutil.copy(fill(source, tmp_path / way / "out")[0], tmp_path / f"{way}.xlsx"))
    for recalculated in lo.recalculated([Path(p) for p in outputs], tmp_path / "lo"):
        value = openpyxl.load_workbook(recalculated, data_only=True)[cc.BASIC][cc.LINK_CELL].value
        assert value == 22, recalculated.name


# ---- 6. Strict Open XML ----------------------------------------------------------------------------------
def test_a_strict_open_xml_workbook_is_read_and_written_as_an_ordinary_one(tmp_path):
    source = cc.saved(tmp_path / "in", "严格格式.xlsx", cc.strict(cc.SAMPLE.read_bytes()))
    assert b"purl.oclc.org/ooxml" in parts(source)["xl/workbook.xml"]
    output, shown = fill(source, tmp_path / "out")
    ordinary, _ = fill(cc.SAMPLE, tmp_path / "ordinary")
    assert f"提示：文件“{source.name}”是 Strict Open XML 格式" in shown and "普通的 .xlsx" in shown
    assert not [n for n, data in parts(output).items() if b"purl.oclc.org/ooxml" in data]  # transitional
    assert 'conformance="strict"' not in parts(output)["xl/workbook.xml"].decode()
    strict_book, plain_book = openpyxl.load_workbook(output), openpyxl.load_workbook(ordinary)
    assert strict_book.sheetnames == plain_book.sheetnames
    for name in plain_book.sheetnames[:-2]:  # the forms, filled alike
        cells = lambda ws: [[c.value for c in row] for row in ws.iter_rows()]  # noqa: E731
        assert cells(strict_book[name]) == cells(plain_book[name]), name


def test_a_strict_workbook_keeps_its_seal(tmp_path):
    rich = rich_inputs.build_rich(tmp_path / "富样例.xlsx")
    source = cc.saved(tmp_path / "in", "严格富样例.xlsx", cc.strict(rich.read_bytes()))
    output, shown = fill(source, tmp_path / "out")
    drawing = linked(output, sheet_parts(output)[rich_inputs.FORM])["drawing"]
    assert "<pic>" in parts(output)[drawing].decode().replace("xdr:", "")
    assert "Strict Open XML" in shown and "无法按部件原样修补" not in shown


@pytest.mark.skipif(lo.soffice() is None or shutil.which("pdftotext") is None, reason="LibreOffice 未安装")
def test_libreoffice_opens_the_output_of_a_strict_workbook(tmp_path):
    source = cc.saved(tmp_path / "in", "严格格式.xlsx", cc.strict(cc.SAMPLE.read_bytes()))
    output, _ = fill(source, tmp_path / "out")
    text = "".join(lo.pages_text(lo.to_pdf(output, tmp_path))).replace(" ", "")
    assert "87.57%" in text and "审核结果" in text
