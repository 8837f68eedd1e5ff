"""Strict Open XML (严格 Open XML 电子表格): read as an ordinary .xlsx, written as one.

Excel's "Strict Open XML 电子表格(*.xlsx)" save writes the ISO 29500 strict namespaces
(http://purl.oclc.org/ooxml/…) where an ordinary (transitional) workbook has http://schemas.openxmlformats.org/….
The elements are the same, so the package is read after mapping each strict namespace and relationship type to its
transitional twin (`transitional`); the output is then an ordinary .xlsx, and a 提示 says so — the package
patcher never writes strict namespaces. Run after guard.check_archive: it expands every XML part.
"""

from __future__ import annotations

import io
import zipfile

_P = b"http://purl.oclc.org/ooxml/"
_T = b"http://schemas.openxmlformats.org/"
#: Strict → transitional, the specific before the general (a relationship type before its namespace).
NAMESPACES: tuple[tuple[bytes, bytes], ...] = (
    (
        _P + b"officeDocument/relationships/extendedProperties",
        _T + b"officeDocument/2006/relationships/extended-properties",
    ),
    (
        _P + b"officeDocument/relationships/customProperties",
        _T + b"officeDocument/2006/relationships/custom-properties",
    ),
    (_P + b"officeDocument/relationships", _T + b"officeDocument/2006/relationships"),
    (_P + b"officeDocument/extendedProperties", _T + b"officeDocument/2006/extended-properties"),
    (_P + b"officeDocument/customProperties", _T + b"officeDocument/2006/custom-properties"),
    (_P + b"officeDocument/docPropsVTypes", _T + b"officeDocument/2006/docPropsVTypes"),
    (_P + b"officeDocument/sharedTypes", _T + b"officeDocument/2006/sharedTypes"),
    (_P + b"officeDocument/math", _T + b"officeDocument/2006/math"),
    (_P + b"officeDocument/bibliography", _T + b"officeDocument/2006/bibliography"),
    (_P + b"spreadsheetml/main", _T + b"spreadsheetml/2006/main"),
    (_P + b"drawingml/main", _T + b"drawingml/2006/main"),
    (_P + b"drawingml/chart", _T + b"drawingml/2006/chart"),
    (_P + b"drawingml/chartDrawing", _T + b"drawingml/2006/chartDrawing"),
    (_P + b"drawingml/spreadsheetDrawing", _T + b"drawingml/2006/spreadsheetDrawing"),
    (_P + b"drawingml/picture", _T + b"drawingml/2006/picture"),
    (_P + b"drawingml/diagram", _T + b"drawingml/2006/diagram"),
    (b' conformance="strict"', b""),
)
_TEXT = (".xml", ".rels", ".vml")


def is_strict(archive: zipfile.ZipFile) -> bool:
    """Whether the package's own relationships (_rels/.rels, a few hundred bytes) are in strict namespaces."""
    try:
        info = archive.getinfo("_rels/.rels")
    except KeyError:
        return False
    if info.file_size > 64 * 1024:
        return False
    return _P in archive.read(info)


def transitional(data: bytes) -> bytes:
    """The package `data` with its strict namespaces and relationship types made transitional, every part
    in its order and compression; parts not in XML (images) as they are."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.lower().endswith(_TEXT) and _P in content:
                for strict, ordinary in NAMESPACES:
                    content = content.replace(strict, ordinary)
            target.writestr(info, content, compress_type=info.compress_type)
    return out.getvalue()
