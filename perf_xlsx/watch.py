"""监视文件夹: process each workbook dropped into (or changed in) a folder once it has finished being
written (its size and time unchanged over one interval); its own outputs are never picked up again."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from . import batch
from .paths import SUMMARY_NAME, find_workbooks, output_folder, output_names
from .report import Report
from .summary import write_summary


class Watcher:
    """Polls `folder`; `step()` processes what is ready and returns the new reports."""

    def __init__(self, folder: Path, out_dir: Path, scheme: str | None = None):
        self.folder, self.out_dir, self.scheme = Path(folder), Path(out_dir), scheme
        self.seen: dict[Path, tuple[int, int]] = {}  # last size/time observed
        self.done: dict[Path, tuple[int, int]] = {}  # size/time when last processed
        self.rows: dict[Path, Report] = {}

    def _signature(self, path: Path) -> tuple[int, int] | None:
        try:
            stat = path.stat()
        except OSError:  # vanished between listing and looking
            return None
        return stat.st_size, stat.st_mtime_ns

    def step(self) -> list[Report]:
        ready = []
        present = find_workbooks(self.folder, exclude=self.out_dir)
        names = output_names(present, self.folder, self.out_dir)  # as a folder run would name them
        for path in present:
            signature = self._signature(path)
            if signature is None:
                continue
            stable = self.seen.get(path) == signature and signature[0] > 0
            self.seen[path] = signature
            if stable and self.done.get(path) != signature:
                ready.append(path)
        new_rows = []
        for path in ready:
            row = batch.process(path, output_folder(path, self.folder, self.out_dir), self.scheme, name=names[path])
            self.done[path] = self.seen[path]
            self.rows[path] = row
            new_rows.append(row)
        if new_rows:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            write_summary([self.rows[p] for p in sorted(self.rows)], self.out_dir / SUMMARY_NAME)
        return new_rows

    def run(
        self, interval: float, report: Callable[[Report], None], should_stop: Callable[[], bool] = lambda: False
    ) -> None:
        while not should_stop():
            for row in self.step():
                report(row)
            time.sleep(interval)
