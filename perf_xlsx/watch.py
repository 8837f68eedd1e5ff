"""监视文件夹: process each workbook dropped into (or changed in) a folder once it has finished being
written (its size and time unchanged over one interval; an empty file over EMPTY_ROUNDS intervals, since
a copy may create it before writing); its own outputs are never picked up again.

Nothing that happens to one file stops the watch: a file that cannot be read or written is reported
(its row says why) and the watch goes on; 汇总.xlsx that cannot be written is said, and tried again with
the next file. The watched folder gone (a USB stick pulled, the folder deleted or renamed) or no longer
readable stops the watch with a FolderError that names it.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from pathlib import Path

from . import batch
from .errors import FolderError, PerfXlsxError, unreadable_folder
from .paths import SUMMARY_NAME, output_folder, output_names, scan
from .report import Report
from .shown import shown
from .summary import write_summary

#: Intervals an empty (0-byte) file must stay empty before it is processed (and reported as empty).
EMPTY_ROUNDS = 3


def _ignore(message: str) -> None:
    pass


class Watcher:
    """Polls `folder`; `step()` processes what is ready and returns the new reports. `tell` is given
    what the watch says besides them (a Chinese line: 汇总.xlsx not written, a subfolder unreadable)."""

    def __init__(self, folder: Path, out_dir: Path, scheme: str | None = None, tell: Callable[[str], None] = _ignore):
        self.folder, self.out_dir, self.scheme, self.tell = Path(folder), Path(out_dir), scheme, tell
        self.seen: dict[Path, tuple[int, int]] = {}  # last size/time observed
        self.same: dict[Path, int] = {}  # how many looks in a row it has been so
        self.done: dict[Path, tuple[int, int]] = {}  # size/time when last processed
        self.rows: dict[Path, Report] = {}

    def _signature(self, path: Path) -> tuple[int, int] | None:
        try:
            stat = path.stat()
        except FileNotFoundError:  # vanished between listing and looking
            return None
        except OSError:  # cannot be looked at: processing it says why
            return (-1, 0)
        return stat.st_size, stat.st_mtime_ns

    def _listed(self) -> list[Path]:
        try:
            return scan(self.folder, exclude=self.out_dir).workbooks
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ENODEV, errno.ENXIO, errno.EIO, errno.ESTALE):
                raise FolderError(
                    "被监视的文件夹已不存在或已断开（U 盘可能已拔出，或文件夹被删除、改名），已停止监视。"
                    "请恢复该文件夹后重新运行 perfxlsx watch。",
                    self.folder,
                ) from exc
            raise FolderError(f"{unreadable_folder(self.folder, exc).message}已停止监视。", self.folder) from exc

    def step(self) -> list[Report]:
        ready = []
        present = self._listed()
        names = output_names(present, self.folder, self.out_dir)  # as a folder run would name them
        for path in present:
            signature = self._signature(path)
            if signature is None:
                continue
            self.same[path] = self.same.get(path, 0) + 1 if self.seen.get(path) == signature else 0
            self.seen[path] = signature
            needed = EMPTY_ROUNDS if signature[0] == 0 else 1
            if self.same[path] >= needed and self.done.get(path) != signature:
                ready.append(path)
        new_rows = []
        for path in ready:
            row = batch.process(path, output_folder(path, self.folder, self.out_dir), self.scheme, name=names[path])
            self.done[path] = self.seen[path]
            self.rows[path] = row
            new_rows.append(row)
        if new_rows:
            try:
                write_summary([self.rows[p] for p in sorted(self.rows)], self.out_dir / SUMMARY_NAME)
            except PerfXlsxError as exc:
                self.tell(f"错误：{exc.describe()}监视继续，下一个文件处理后再试。")
        return new_rows

    def run(
        self, interval: float, report: Callable[[Report], None], should_stop: Callable[[], bool] = lambda: False
    ) -> None:
        """Step every `interval` seconds until `should_stop`; a FolderError (the folder gone) ends it."""
        while not should_stop():
            try:
                rows = self.step()
            except FolderError:
                raise
            except Exception as exc:  # a bug: said, and the watch goes on
                self.tell(
                    f"错误：监视文件夹“{shown(self.folder)}”时发生内部错误（{type(exc).__name__}），"
                    "监视继续；如反复出现，请把这段输出反馈给开发者。"
                )
                rows = []
            for row in rows:
                report(row)
            time.sleep(interval)
