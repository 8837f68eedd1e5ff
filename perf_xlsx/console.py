"""Terminal renderings (终端输出): the folder summary table and the progress bar, width-aware for Chinese."""

from __future__ import annotations

import sys
import unicodedata

from .batch import batch_notes
from .report import Report


def width(text: str) -> int:
    """Columns a text takes in a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    if width(text) > columns:
        while width(text + "…") > columns:
            text = text[:-1]
        text += "…"
    return text + " " * (columns - width(text))


def table(rows: list[Report]) -> list[str]:
    """One line per file (单位, 总分/等次, 错误/提示/尾差, 状态) and a totals line."""
    lines = [f"{pad('文件', 30)} {pad('单位', 24)} {pad('总分/等次', 12)} {pad('错误/提示/尾差', 14)} 状态"]
    for row in rows:
        score = f"{row.scores.get('总分') or '—'}/{row.scores.get('等次') or '—'}" if not row.error else "—"
        c = row.counts
        counts = f"{c['error']}/{c['warning']}/{c['rounding']}" if not row.error else "—"
        status = row.status if not row.error else f"无法处理：{row.error}"
        lines.append(f"{pad(row.name, 30)} {pad(row.unit or '', 24)} {pad(score, 12)} {pad(counts, 14)} {status}")
    passed = sum(1 for r in rows if r.ok)
    failed = sum(1 for r in rows if r.error is None and not r.ok)
    lost = sum(1 for r in rows if r.error is not None)
    lines.append(f"共 {len(rows)} 个文件：通过 {passed}，有错误 {failed}，无法处理 {lost}")
    for file, message in batch_notes(rows):
        lines.append(f"提示：{file}：{message}")
    return lines


class Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()

    def __call__(self, done: int, total: int, row: Report) -> None:
        if not self.enabled:
            return
        filled = int(30 * done / max(total, 1))
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {pad(row.name, 40)}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()
