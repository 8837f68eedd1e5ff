"""写出文件 (writing an output file): atomically, with every failure explained in Chinese.

The bytes go to a temporary file in the target's folder (temps.py), which is then renamed over the target: a
crash or a full disk never leaves half a workbook, and an earlier output stays as it was until the
new one is complete. Every failure is an OutputNotWritable naming the reason and what to do.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from . import temps
from .errors import OutputNotWritable, write_advice, write_explained
from .paths import publish_mode
from .shown import shown


def build_failed(path: Path, exc: BaseException) -> OutputNotWritable:
    """The error for an output that could not be built (nothing is on disk yet); an OSError (a full
    disk for a library's own temporary file, a lost folder) is explained as any failed write is."""
    if isinstance(exc, OSError):
        return OutputNotWritable(f"无法生成输出工作簿：{write_advice(exc)}", path)
    return OutputNotWritable(
        f"生成输出工作簿时出错（{type(exc).__name__}：{str(exc)[:60]}），没有写出任何文件，"
        "原文件未改动；请加 --debug 重试，把输入文件和输出一并反馈给开发者。",
        path,
    )


def write_atomically(data: bytes, path: Path) -> None:
    """Write `data` to `path` through a temporary file and a rename (原子写出)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = temps.make(path.parent, ".xlsx")
    except OSError as exc:
        raise OutputNotWritable(f"无法在文件夹“{shown(path.parent)}”中写入（{write_explained(exc)}）。", path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        publish_mode(tmp, path)  # the mode of the output it replaces, or the user's umask; not 0600
        if os.path.isdir(path):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        os.replace(tmp, path)
    except IsADirectoryError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputNotWritable(
            f"要写出的位置“{path.name}”已被一个文件夹占用，无法写出工作簿；请移走或改名该文件夹，"
            "或用 -o 换一个输出文件夹。",
            path,
        ) from exc
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputNotWritable(f"无法写出：{write_advice(exc)}", path) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
