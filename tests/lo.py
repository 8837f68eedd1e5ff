"""LibreOffice as the real spreadsheet client (真实客户端检验): workbook → PDF → text or PNG.

Used by tests/test_libreoffice.py and by `make render`. LibreOffice renders every Chinese character as
a box unless a CJK font is installed, and lays columns out wider unless Carlito (Calibri's metric twin, which the
workbooks' default font falls back to) is; .ci/run installs them (Debian: libreoffice-calc-nogui,
poppler-utils, fonts-wqy-zenhei, fonts-crosextra-carlito).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require(package: str = "libreoffice-calc-nogui", pdftotext: bool = True) -> None:
    """Called at the top of a test module that needs LibreOffice (and pdftotext): without them the module is
    skipped with what to install, unless PERFXLSX_REQUIRE_LIBREOFFICE=1 (CI), which makes it a failure."""
    import os

    import pytest

    if soffice() is not None and (not pdftotext or shutil.which("pdftotext") is not None):
        return
    if os.environ.get("PERFXLSX_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("LibreOffice/pdftotext 未安装，而 PERFXLSX_REQUIRE_LIBREOFFICE=1 要求运行这些测试", pytrace=False)
    extra = " poppler-utils fonts-wqy-zenhei" if pdftotext else ""
    pytest.skip(f"LibreOffice 未安装（apt-get install {package}{extra}）", allow_module_level=True)


def to_pdf(workbook: Path, folder: Path) -> Path:
    """Convert with a private profile (so parallel runs and a user's settings do not interfere)."""
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        subprocess.run(
            [
                soffice(),
                "--headless",
                f"-env:UserInstallation={profile.as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(workbook),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = folder / (workbook.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice produced no PDF for {workbook}")
    return pdf


#: A LibreOffice profile setting: recalculate every formula of an .xlsx on load ("0": always), never
#: trusting (or lacking) the cached values.
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculated(workbooks: list[Path], folder: Path) -> list[Path]:
    """Each workbook opened in LibreOffice with every formula recalculated, saved again as .xlsx into
    `folder` (same names; the formulas' results are then the cached values, read with data_only=True).
    One LibreOffice run for all, with a private profile set to recalculate on load."""
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(
            [
                soffice(),
                "--headless",
                f"-env:UserInstallation={profile.as_uri()}",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                str(folder),
                *map(str, workbooks),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = [folder / p.name for p in workbooks]
    missing = [p.name for p in out if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice produced no workbook for {', '.join(missing)}")
    return out


def pages_text(pdf: Path) -> list[str]:
    """The text of each page (pdftotext, layout kept)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True).stdout
    return out.decode("utf-8").split("\f")[:-1] if out.endswith(b"\f") else out.decode("utf-8").split("\f")


_WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')


def words(pdf: Path) -> list[list[tuple[str, float]]]:
    """The words of each page with their height in pt (pdftotext -bbox: yMax − yMin, the font's ascent to
    descent, so about 1.3 × the font size of the text as printed)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True).stdout
    pages = out.decode("utf-8").split("<page ")[1:]
    return [[(html.unescape(m[3]), float(m[2]) - float(m[1])) for m in _WORD.finditer(page)] for page in pages]


def only_sheet(workbook: Path, sheet: str, target: Path) -> Path:
    """A copy of `workbook` holding just `sheet` (to render one form on its own)."""
    wb = openpyxl.load_workbook(workbook)
    for name in wb.sheetnames:
        if name != sheet:
            del wb[name]
    wb.save(target)
    return target


def render_pages(document: Path, png: Path, pages: int = 2, dpi: int = 80) -> list[Path]:
    """The first `pages` pages of a document (the 自评报告 .docx) as PNGs `<png stem>-1.png`, `-2.png` …"""
    with tempfile.TemporaryDirectory() as tmp:
        pdf = to_pdf(document, Path(tmp))
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", str(pages), str(pdf), str(png.with_suffix(""))],
            check=True,
        )
    return sorted(png.parent.glob(f"{png.stem}-*.png"))


def render(workbook: Path, sheet: str, png: Path, dpi: int = 80) -> Path:
    """The first page of one sheet as a PNG, for a person to look at."""
    with tempfile.TemporaryDirectory() as tmp:
        single = only_sheet(workbook, sheet, Path(tmp) / "sheet.xlsx")
        pdf = to_pdf(single, Path(tmp))
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(png.with_suffix("")),
            ],
            check=True,
        )
    return png


if __name__ == "__main__":  # make render
    from perf_xlsx import api
    from tests.golden import SAMPLE

    if soffice() is None:
        sys.exit(
            "需要 LibreOffice：apt-get install libreoffice-calc-nogui poppler-utils fonts-wqy-zenhei fonts-crosextra-carlito"
        )
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
    report = api.fill(SAMPLE, out, draft=True)
    for name in openpyxl.load_workbook(report.output, read_only=True).sheetnames:  # every sheet, its first page
        print(f"已生成：{render(report.output, name, out / f'{name}.png')}")
    for page in render_pages(report.draft, out / "自评报告.png"):  # the draft's first pages
        print(f"已生成：{page}")
