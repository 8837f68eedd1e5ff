"""Faults of the operating system (系统故障): each is one Chinese line naming the file or folder, exit 1,
no traceback, no English, nothing left behind.

Permission faults are real (run as `nobody` when root: tests/faults.py). A full or read-only disk is
injected (the subprocess's function raising that OSError: said in each test). Everything else (a
file where a folder must be, a symlink loop, a name too long) is real.
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest

from perf_xlsx import errors, temps
from tests.faults import assert_chinese, drop, english, run, shared_folder

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions, symlinks and modes")

ERRNOS = [
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EEXIST,
    errno.ENOTDIR,
    errno.EISDIR,
    errno.ENAMETOOLONG,
    errno.ENOENT,
    errno.ELOOP,
    errno.EIO,
    errno.EBUSY,
]


@pytest.mark.parametrize("number", ERRNOS, ids=errno.errorcode.get)
def test_every_os_error_is_explained_in_chinese_with_what_to_do(number):
    exc = OSError(number, os.strerror(number), "/某处/文件.xlsx")
    for text in (
        errors.write_advice(exc),
        errors.read_advice(exc),
        errors.unwritable_folder("/输出", exc).describe(),
        errors.unreadable_folder("/输入", exc).describe(),
    ):
        assert os.strerror(number) not in text and english(text, "/某处/文件.xlsx") == [], text
        assert "；" in text and not text.startswith("系统错误"), text  # a reason, then what to do


@pytest.fixture
def place():
    with shared_folder() as base:
        yield base


def test_unreadable_target_folder_is_exit_1_with_a_reason(place):
    """Given as the target, a folder that cannot be listed: exit 1 and why, not click's usage error."""
    folder = place / "各单位"
    drop(folder, "样例.xlsx")
    os.chmod(folder, 0o311)  # enterable, not listable
    for command in ("fill", "check"):
        result = run(command, str(folder), plain_user=True)
        assert result.returncode == 1, result.stderr
        assert result.stderr == (
            f"错误：文件夹“{folder}”：无法读取（没有读取权限；请让该文件夹或文件的所有者开放读取权限，"
            "或把它复制到自己的文件夹中再处理）。\n"
        )


def test_folder_listable_but_not_enterable_names_each_file(place):
    """r without x: the names can be read, the files cannot: each is a row saying so, exit 1."""
    folder = place / "各单位"
    drop(folder, "甲.xlsx", "乙.xlsx")
    os.chmod(folder, 0o744)
    out = place / "输出"
    result = run("fill", str(folder), "-o", str(out), "-j", "1", "-q", plain_user=True)
    assert result.returncode == 1
    assert_chinese(result, folder, out)
    for name in ("甲.xlsx", "乙.xlsx"):
        assert f"无法处理：文件“{name}”：无法访问文件（没有读取权限" in result.stdout
    assert "共 2 个文件：通过 0，有错误 0，无法处理 2" in result.stdout


def test_recursive_run_names_an_unreadable_subfolder_and_does_not_pass(place):
    """fill -r: a subfolder that cannot be read is a row of its own (无法处理, in the table, 汇总.xlsx and
    JSON) naming it, and the run exits 1: its workbooks are never skipped without a word."""
    tree = place / "全县"
    drop(tree, "甲.xlsx")
    drop(tree / "乡镇", "乙.xlsx")
    os.chmod(tree / "乡镇", 0o700)  # root's: nobody cannot list it
    os.chmod(tree, 0o777)
    out = place / "输出"
    result = run("fill", "-r", str(tree), "-o", str(out), "-j", "1", "--json", plain_user=True)
    assert result.returncode == 1, result.stderr
    import json

    rows = {row["file"]: row for row in json.loads(result.stdout)}
    assert rows["甲.xlsx"]["status"] == "通过"
    assert rows["乡镇/"]["status"] == "无法处理"
    assert rows["乡镇/"]["error"].startswith(f"文件夹“{tree / '乡镇'}”：无法读取（没有读取权限")
    assert rows["乡镇/"]["error"].endswith("其中的工作簿没有处理。")
    summary = openpyxl.load_workbook(out / "汇总.xlsx", read_only=True)
    assert any(row[0] == "乡镇/" for row in summary["汇总"].iter_rows(values_only=True))


@pytest.mark.parametrize("shape", ["file", "below-a-file", "symlink-loop"])
def test_output_folder_that_cannot_be(place, shape):
    """-o names a file (EEXIST), a path through a file (ENOTDIR), or a symlink loop (ELOOP, once an
    internal RuntimeError): one Chinese line naming the output folder, for a file and a folder run."""
    folder = place / "各单位"
    (path,) = drop(folder, "样例.xlsx")
    blocker = place / "占位"
    blocker.write_text("不是文件夹", encoding="utf-8")
    if shape == "symlink-loop":
        (place / "环甲").symlink_to(place / "环乙")
        (place / "环乙").symlink_to(place / "环甲")
    out = {"file": blocker, "below-a-file": blocker / "子", "symlink-loop": place / "环甲" / "输出"}[shape]
    reason = {
        "file": "同名的文件已存在，而这里需要一个文件夹",
        "below-a-file": "路径中有一项是文件而不是文件夹",
        "symlink-loop": "路径中的快捷方式（符号链接）循环",
    }[shape]
    for target in (folder, path) if shape == "symlink-loop" else (folder,):  # a single file: test_hostile
        result = run("fill", str(target), "-o", str(out), "-q")
        assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
        assert reason in result.stderr and f"“{out}”" in result.stderr and "内部错误" not in result.stderr
        assert_chinese(result, out, folder)
    assert blocker.read_text(encoding="utf-8") == "不是文件夹"


def test_read_only_disk(place):
    """A read-only disk, injected: every temporary file fails with EROFS (as on a write-protected USB stick)."""
    (path,) = drop(place / "各单位", "样例.xlsx")
    out = place / "输出"
    inject = (
        "import errno, tempfile\n"
        "def refuse(*a, dir=None, **k): raise OSError(errno.EROFS, 'Read-only file system', dir)\n"
        "tempfile.mkstemp = refuse"
    )
    result = run("fill", str(path), "-o", str(out), inject=inject)
    assert result.returncode == 1
    assert result.stderr == (
        f"错误：文件“样例_已填.xlsx”：无法在文件夹“{out}”中写入（位于只读的磁盘或文件夹；请用 -o 换一个可写的输出文件夹）。\n"
    )


def test_disk_full_while_the_summary_is_written(place):
    """The disk fills up while 汇总.xlsx is written (injected: xlsxwriter's zip writes raise ENOSPC): the
    outputs stand, the earlier 汇总.xlsx is kept, no temporary file is left, exit 1 naming 汇总.xlsx."""
    folder = place / "各单位"
    drop(folder, "样例.xlsx")
    out = place / "输出"
    out.mkdir()
    (out / "汇总.xlsx").write_bytes(b"earlier")
    inject = (
        "import errno, zipfile, xlsxwriter.workbook as w\n"
        "class Full(zipfile.ZipFile):\n"
        "    def writestr(self, *a, **k): raise OSError(errno.ENOSPC, 'No space left on device')\n"
        "w.ZipFile = Full"
    )
    result = run("fill", str(folder), "-o", str(out), "-j", "1", "-q", inject=inject)
    assert result.returncode == 1
    assert_chinese(result, out, folder)
    assert result.stderr == (
        "错误：文件“汇总.xlsx”：无法写出汇总表：磁盘空间已满；请清理磁盘，或用 -o 换一个输出文件夹。"
        "原有的输出文件未改动。\n"
    )
    assert "样例.xlsx" in result.stdout and "通过" in result.stdout  # the table is still shown
    assert sorted(p.name for p in out.iterdir()) == ["样例_已填.xlsx", "汇总.xlsx"]
    assert (out / "汇总.xlsx").read_bytes() == b"earlier"


def test_disk_full_while_an_output_is_written(place):
    """The disk fills up while a completed workbook is written (injected: its write raises ENOSPC)."""
    (path,) = drop(place / "各单位", "样例.xlsx")
    out = place / "输出"
    inject = (
        "import errno, os\n"
        "class Full:\n"
        "    def __init__(self, fd, *a, **k): self.fd = fd\n"
        "    def __enter__(self): return self\n"
        "    def __exit__(self, *a): os.close(self.fd)\n"
        "    def write(self, data): raise OSError(errno.ENOSPC, 'No space left on device')\n"
        "os.fdopen = Full"
    )
    result = run("fill", str(path), "-o", str(out), inject=inject)
    assert result.returncode == 1 and "磁盘空间已满；请清理磁盘" in result.stderr
    assert_chinese(result, out)
    assert list(out.iterdir()) == []


def test_zip_name_too_long_is_blamed_on_the_folder_name(place):
    """A folder name of 249 bytes makes `<文件夹名>_<日期>.zip` too long: the message says the zip's name
    is made from the folder's, not that the output folder cannot be written; the rest is written."""
    folder = place / ("长" * 83)
    drop(folder, "样例.xlsx")
    out = place / "输出"
    result = run("fill", str(folder), "-o", str(out), "-q", "--bundle")
    assert result.returncode == 1
    assert "压缩包文件名过长" in result.stderr and f"文件夹名“{'长' * 83}”" in result.stderr
    assert "无法写入输出文件夹" not in result.stderr
    assert_chinese(result, out, folder)
    assert sorted(p.name for p in out.iterdir()) == ["样例_已填.xlsx", "汇总.xlsx"]


def test_unforeseen_os_error_is_still_one_chinese_line(place):
    """An OSError raised where none was foreseen (injected into the folder run) reaches the last net."""
    folder = place / "各单位"
    drop(folder, "样例.xlsx")
    inject = (
        "import errno, perf_xlsx.cli as c\n"
        "def broken(*a, **k): raise OSError(errno.EIO, 'Input/output error', '/网络盘/各单位')\n"
        "c._run_folder = broken"
    )
    result = run("fill", str(folder), inject=inject)
    assert result.returncode == 1
    assert result.stderr.startswith("错误：“/网络盘/各单位”：磁盘读写出错")
    assert_chinese(result, "/网络盘/各单位")


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporary_files_are_removed_and_reported(place):
    """Temporary files a killed run left (its process gone, or older than temps.STALE_AFTER) are removed
    by the next run into the folder and named; one of a run still writing is left alone."""
    (path,) = drop(place / "各单位", "样例.xlsx")
    out = place / "输出"
    out.mkdir()
    host = temps._host()
    dead = out / f".~perfxlsx-{host}-{_dead_pid()}-abc.xlsx"
    live = out / f".~perfxlsx-{host}-{os.getpid()}-def.xlsx"
    old = out / ".~perfxlsx-x8y9z0.xlsx"  # an earlier version's name, from some time ago
    for temp in (dead, live, old):
        temp.write_bytes(b"PK half")
    os.utime(old, (time.time() - temps.STALE_AFTER - 60,) * 2)
    result = run("fill", str(path), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert f"提示：已删除上次运行中断时留下的临时文件“{dead.name}”（文件夹“{out}”）。" in result.stderr
    assert f"“{old.name}”" in result.stderr and live.name not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([live.name, "样例_已填.xlsx"])
    assert socket.gethostname()  # the host tag is made from it


def test_outputs_honour_the_umask_and_a_rerun_keeps_their_mode(place):
    """Under umask 077 new outputs are 0600; an existing output, 汇总.xlsx or zip a colleague made 0664
    stays 0664 after a re-run (shared drives): the mode of the file replaced wins."""
    folder = place / "各单位"
    drop(folder, "甲.xlsx", "乙.xlsx")
    out = place / "输出"
    first = run("fill", str(folder), "-o", str(out), "-q", "--bundle", "-j", "1")
    assert first.returncode == 0, first.stderr
    (zipped,) = out.glob("*.zip")
    for name in ("甲_已填.xlsx", "汇总.xlsx", zipped.name):
        os.chmod(out / name, 0o664)
    (out / "乙_已填.xlsx").unlink()
    again = subprocess.run(
        [sys.executable, "-c", "from perf_xlsx.launch import main; main()", "fill", str(folder), "-o", str(out)]
        + ["-q", "--bundle", "-j", "1"],
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(0o077),
    )
    assert again.returncode == 0, again.stderr
    modes = {p.name: p.stat().st_mode & 0o777 for p in out.iterdir()}
    assert modes == {"甲_已填.xlsx": 0o664, "汇总.xlsx": 0o664, zipped.name: 0o664, "乙_已填.xlsx": 0o600}
    with zipfile.ZipFile(zipped) as archive:
        assert archive.testzip() is None


def test_an_os_error_while_building_or_processing_is_said_in_chinese():
    """An OSError where none was foreseen (a library's own temporary file on a full disk; a file that
    vanished mid-run) is explained like any other, never "内部错误（PermissionError）"."""
    from perf_xlsx.outfile import build_failed
    from perf_xlsx.report import unprocessed

    built = build_failed("样例_已填.xlsx", OSError(errno.ENOSPC, "No space left on device")).describe()
    assert built == (
        "文件“样例_已填.xlsx”：无法生成输出工作簿：磁盘空间已满；请清理磁盘，或用 -o 换一个输出文件夹。原有的输出文件未改动。"
    )
    row = unprocessed("样例.xlsx", PermissionError(errno.EACCES, "Permission denied", "/共享/样例.xlsx"))
    assert row.error == "文件“样例.xlsx”：处理时出现系统错误：没有权限（“/共享/样例.xlsx”）。请检查后再试。"
