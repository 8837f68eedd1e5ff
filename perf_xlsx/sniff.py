"""What a file really is (文件类型识别): from its first bytes and its zip or OLE2 directory, never its name.

`sniff(path)` reads no more than the head of the file and the archive's directory, so it is cheap for
any file; `describe(kind)` is the Chinese name a clerk knows the format by.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

#: kind -> what a clerk calls it (文件类型名称)
NAMES = {
    "xlsx": "Excel 工作簿（.xlsx）",
    "xlsm": "启用宏的 Excel 工作簿（.xlsm）",
    "xlsb": "Excel 二进制工作簿（.xlsb）",
    "xls": "旧版 Excel 97-2003 工作簿（.xls）或 WPS 表格文件（.et）",
    "encrypted": "设有打开密码的（加密的）工作簿",
    "ods": "OpenDocument 电子表格（.ods）",
    "odf": "OpenDocument 文档（.odt/.odp）",
    "word": "Word 文档（.docx）",
    "doc": "旧版 Word 文档（.doc）",
    "powerpoint": "PowerPoint 演示文稿",
    "ole": "Office 97-2003 格式的其他文档",
    "zip": "zip 压缩包",
    "pdf": "PDF 文件",
    "csv": "CSV 文本文件（逗号分隔的纯文本）",
    "html": "网页（HTML）文件",
    "xml2003": "Excel 2003 XML 表格",
    "text": "纯文本文件",
    "empty": "空文件（0 字节）",
    "truncated": "不完整的 zip/xlsx 文件",
    "unknown": "无法识别格式的文件",
}


def sniff(path: Path) -> str:
    """The kind of file at `path` (a key of NAMES). Reads the head and the archive directory only."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if not head:
        return "empty"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(OLE2):
        return _ole(path)
    if head.startswith(b"PK"):
        return _zip(path)
    return _text(head)


def _zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                mime = archive.read(info).strip() if info.file_size < 200 else b""
                return "ods" if mime == ODS_MIME else "odf"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        return "truncated"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if any(n.startswith("xl/") for n in names):
        return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    if any(n.startswith("word/") for n in names):
        return "word"
    if any(n.startswith("ppt/") for n in names):
        return "powerpoint"
    return "zip"


def _ole(path: Path) -> str:
    """Old Office files and encrypted new ones share the OLE2 container: tell them apart by stream names."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except Exception:  # olefile raises several kinds for a broken directory
        return "xls"
    if {"EncryptionInfo", "EncryptedPackage"} & streams:
        return "encrypted"
    if {"Workbook", "Book"} & streams:
        return "xls"
    if "WordDocument" in streams:
        return "doc"
    if "PowerPoint Document" in streams:
        return "powerpoint"
    return "ole"


_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    elif _BINARY.search(head):
        return "unknown"
    else:
        text = _decoded(head)
    low = text.lstrip("\ufeff \r\n\t").lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in low:
        return "xml2003"
    if low.startswith(("<!doctype html", "<html")) or re.search(r"<(table|html)[\s>]", low):
        return "html"
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    separated = sum(1 for line in lines if "," in line or "\t" in line or "，" in line)
    if lines and separated >= max(1, (len(lines) + 1) // 2):
        return "csv"
    return "text"


def _decoded(head: bytes) -> str:
    """UTF-8, else GB18030 (what Chinese Windows writes); a character cut at the 4 KB edge is dropped."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:
                return head[: exc.start].decode(encoding, errors="replace")
    return head.decode("gb18030", errors="replace")


def describe(kind: str) -> str:
    """The Chinese name of a sniffed kind."""
    return NAMES.get(kind, NAMES["unknown"])
