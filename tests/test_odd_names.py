"""Odd file names (异常文件名): names not in UTF-8 are processed and shown with "�" everywhere; names
that could escape a folder never reach a zip member name.

A GBK name copied from Windows is bytes Python gives as lone surrogates; no encoder writes them, so
xlsxwriter, zipfile and the terminal once failed on them. The name as shown (terminal, 汇总.xlsx,
JSON, zip) has "�" for each such byte; the output file keeps the input's own bytes.
"""

from __future__ import annotations

import json
import ntpath
import os
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from perf_xlsx.bundle import member_names, member_part
from tests.faults import assert_chinese, drop, run, shared_folder

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="file names as bytes (POSIX)")

GBK = "测试".encode("gbk") + b".xlsx"  # b"\xb2\xe2\xca\xd4.xlsx"
SHOWN = "����.xlsx"


def test_gbk_file_name_is_processed_and_shown_with_replacement_characters():
    """The run completes (exit 0): terminal, 汇总.xlsx, zip and JSON name the file `����.xlsx`; the
    output is written under the input's own bytes."""
    with shared_folder() as place:
        folder = place / "各单位"
        drop(folder, GBK, "乙.xlsx")
        out = place / "输出"
        result = run("fill", str(folder), "-o", str(out), "-q", "--bundle", "-j", "1")
        assert result.returncode == 0, result.stderr
        assert_chinese(result, out)
        assert any(line.startswith(SHOWN) and "通过" in line for line in result.stdout.splitlines())
        assert os.fsencode(sorted(out.glob("*_已填.xlsx"))[-1].name) == "测试".encode("gbk") + "_已填.xlsx".encode()
        summary = openpyxl.load_workbook(out / "汇总.xlsx", read_only=True)
        assert SHOWN in {row[0] for row in summary["汇总"].iter_rows(values_only=True)}
        (zipped,) = out.glob("*.zip")
        with zipfile.ZipFile(zipped) as archive:
            assert sorted(i.filename for i in archive.infolist() if i.flag_bits & 0x800) == ["����_已填.xlsx"]
            assert archive.testzip() is None
        listed = run("check", str(folder), "--json")
        assert listed.returncode == 0 and SHOWN in {row["file"] for row in json.loads(listed.stdout)}


HOSTILE = [
    "甲\\..\\..\\逃出.xlsx",
    "C:逃出.xlsx",
    "C:\\Windows\\逃出.xlsx",
    "换\n行.xlsx",
    "\\\\server\\share\\逃出.xlsx",
    "..",
    "CON.xlsx",
    "尾点.",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_member_part_is_one_plain_name(name):
    part = member_part(name)
    assert not set(part) & set('\\/:<>"|?*\n\r\t') and part not in ("", ".", "..")
    assert not part.endswith((".", " ")) and part.split(".")[0].upper() != "CON"


def name_of(info: zipfile.ZipInfo) -> str:
    """A member's name as the Chinese-Windows file manager reads it: GBK, unless flagged UTF-8."""
    return info.filename if info.flag_bits & 0x800 else info.filename.encode("cp437").decode("gbk")


def unpack_as_windows(archive: zipfile.ZipFile, into: str = "D:\\解压") -> list[str]:
    """Where each member would land when a Windows tool unpacks it (`\\` and `/` both separators, a
    drive or a leading separator taken as given): the paths, normalised."""
    return [ntpath.normpath(ntpath.join(into, name_of(info))) for info in archive.infolist()]


def test_zip_members_never_escape_the_folder_they_are_unpacked_into():
    """Input names (and a subfolder name) holding `\\`, `..`, `C:`, a newline: the zip's member names
    are plain, unique, and unpacked the Windows way every one lands inside the target folder."""
    with shared_folder() as place:
        folder = place / "各单位"
        drop(folder, *HOSTILE[:5], "甲.xlsx")
        drop(folder / "上\\..\\..\\级", "乙.xlsx")
        out = place / "输出"
        result = run("fill", "-r", str(folder), "-o", str(out), "-q", "--bundle", "-j", "1")
        assert result.returncode == 0, result.stderr
        (zipped,) = out.glob("*.zip")
        with zipfile.ZipFile(zipped) as archive:
            names = [name_of(i) for i in archive.infolist()]
            landed = unpack_as_windows(archive)
        assert len(names) == 8 and len({n.casefold() for n in names}) == 8
        assert all(path.startswith("D:\\解压\\") for path in landed), landed
        assert all(not set(n) & set("\\:\n") for n in names), names
        assert "上_.._.._级/乙_已填.xlsx" in names and "甲_.._.._逃出_已填.xlsx" in names


def test_member_names_are_unique_ignoring_case():
    base = Path("/输出")
    paths = [base / "A.xlsx", base / "a.xlsx", base / "a:b.xlsx", base / "a_b.xlsx"]
    assert member_names(paths, base) == ["A.xlsx", "a（2）.xlsx", "a_b.xlsx", "a_b（2）.xlsx"]
