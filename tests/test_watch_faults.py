"""`watch` under faults (监视时的故障): nothing that happens to one file or to the folders kills it with a
traceback. A file is reported (a GBK name shown with "�", an empty file as empty) and the watch goes on;
a read-only output folder is said for each file and the watch goes on; the watched folder deleted or
made unreadable ends it with exit 1 and a Chinese line naming it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults import ROOT, as_plain_user, command, drop, english, shared_folder
from tests.golden import SAMPLE

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and file names")

INTERVAL = "0.2"


class Watch:
    """A `perfxlsx watch` subprocess whose output is read as it comes."""

    def __init__(self, folder: Path, out: Path, log: Path, plain_user: bool = False):
        self.log = log
        argv, extra = as_plain_user(command("watch", str(folder), "-o", str(out), "--interval", INTERVAL))
        if not plain_user:
            argv, extra = command("watch", str(folder), "-o", str(out), "--interval", INTERVAL), {}
        self.handle = open(log, "w", encoding="utf-8")  # noqa: SIM115 (closed by end())
        self.process = subprocess.Popen(argv, stdout=self.handle, stderr=subprocess.STDOUT, **extra)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait_for(self, words: str, seconds: float = 60) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if words in self.text():
                return self.text()
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"“{words}” never came; the watch said:\n{self.text()}")

    def end(self, seconds: float = 30) -> int:
        try:
            return self.process.wait(seconds)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.handle.close()


def _arrive(path: Path) -> None:
    """A workbook dropped in as a copy does: written under another name, then renamed."""
    part = path.with_name(".part")
    shutil.copy(SAMPLE, part)
    os.chmod(part, 0o644)
    os.replace(part, path)


def test_watch_goes_on_through_odd_names_empty_files_and_a_read_only_output_then_stops_when_the_folder_goes():
    with shared_folder() as place:
        folder, out = place / "收件", place / "输出"
        drop(folder)
        out.mkdir()
        os.chmod(out, 0o777)
        watch = Watch(folder, out, place / "watch.log", plain_user=True)
        try:
            watch.wait_for("正在监视")
            _arrive(Path(os.fsdecode(os.path.join(os.fsencode(folder), "测试".encode("gbk") + b".xlsx"))))
            watch.wait_for("����.xlsx：湘西自治州人民政府办公室")
            (folder / "空.xlsx").write_bytes(b"")
            watch.wait_for("错误：文件“空.xlsx”：文件是空的（0 字节）")
            if ROOT:  # the watch runs as nobody: a folder of root's it may not write
                os.chmod(out, 0o755)
            else:
                os.chmod(out, 0o555)
            _arrive(folder / "甲.xlsx")
            watch.wait_for("错误：文件“甲_已填.xlsx”：无法在文件夹")
            watch.wait_for("错误：文件“汇总.xlsx”：无法写出汇总表：没有写入权限")
            os.chmod(out, 0o777)
            _arrive(folder / "乙.xlsx")
            watch.wait_for("乙.xlsx：湘西自治州人民政府办公室")
            shutil.rmtree(folder)
            code = watch.end()
        finally:
            watch.end()
        text = watch.text()
        assert code == 1 and "Traceback" not in text
        assert f"错误：文件夹“{folder}”：被监视的文件夹已不存在或已断开" in text
        assert english(text, folder, out) == []
        assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
            "乙_已填.xlsx",
            "汇总.xlsx",
            os.fsdecode("测试".encode("gbk") + "_已填.xlsx".encode()),
        ]
        assert [p for p in out.iterdir() if p.name.startswith(".~perfxlsx-")] == []


def test_watch_ends_cleanly_when_the_folder_becomes_unreadable():
    with shared_folder() as place:
        folder, out = place / "收件", place / "输出"
        drop(folder)
        watch = Watch(folder, out, place / "watch.log", plain_user=True)
        try:
            watch.wait_for("正在监视")
            os.chmod(folder, 0o700 if ROOT else 0o000)  # root's, and closed to nobody
            code = watch.end()
        finally:
            watch.end()
            os.chmod(folder, 0o777)
        text = watch.text()
        assert code == 1 and "Traceback" not in text, text
        assert f"错误：文件夹“{folder}”：无法读取（没有读取权限" in text and text.rstrip().endswith("已停止监视。")
