"""显示名 (names as shown): a file or folder name made fit for text (terminal, 汇总.xlsx, JSON, zip).

A name on a Linux disk is bytes; Python gives bytes that are not UTF-8 (a GBK name copied from Windows,
常见于从 Windows 拷来的压缩包) as lone surrogates, which no encoder writes. Each becomes the
replacement character "�"; control characters (a newline in a name) become "�" too. Only the name
as shown changes: the file itself is read and its output written under its own bytes.
"""

from __future__ import annotations

import os
import re

REPLACEMENT = "\ufffd"
#: Lone surrogates (undecodable bytes under surrogateescape) and the C0/C1 control characters.
_UNSHOWABLE = re.compile(r"[\ud800-\udfff\x00-\x1f\x7f-\x9f]")
#: The same without line breaks and tabs: for whole messages, which may span lines.
_UNSHOWABLE_IN_TEXT = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def shown(name: str | os.PathLike) -> str:
    """A name as shown: its undecodable bytes and control characters replaced by "�"."""
    return _UNSHOWABLE.sub(REPLACEMENT, os.fspath(name))


def printable(text: str) -> str:
    """A whole message made writable by any UTF-8 encoder; its line breaks and tabs kept."""
    return _UNSHOWABLE_IN_TEXT.sub(REPLACEMENT, text)
