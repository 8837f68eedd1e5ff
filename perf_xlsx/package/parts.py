"""包部件 (package parts): the zip's parts in their order, their relationships and content types.

A Package holds the input's bytes; a part is read when asked for, and only the parts edited, added or
removed differ from the input when it is written out (zip.py). Relationships (.rels) and
[Content_Types].xml are edited as text, like every other part (see xmltext).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import quote, unquote

from . import xmltext as X
from .xmltext import Unsupported

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


class Package:
    """工作簿包: the input zip's parts, in their order, with the edits made to them."""

    def __init__(self, data: bytes):
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        infos: dict[str, zipfile.ZipInfo] = {}
        order: list[str] = []
        for info in self._zip.infolist():
            if info.filename not in infos:
                order.append(info.filename)
            infos[info.filename] = info  # a name twice: the last one is what readers see
        self.infos = infos
        self.order = order
        self.edited: dict[str, bytes] = {}
        self.added: list[str] = []
        self.removed: set[str] = set()
        self._lower = {name.lower(): name for name in order}

    # ---- parts --------------------------------------------------------------------------------
    def find(self, name: str) -> str | None:
        """The part's name as stored (part names are case-insensitive), or None."""
        if name in self.edited or (name in self.infos and name not in self.removed):
            return name
        found = self._lower.get(name.lower())
        return found if found is not None and found not in self.removed else None

    def exists(self, name: str) -> bool:
        return self.find(name) is not None

    def read(self, name: str) -> bytes:
        stored = self.find(name)
        if stored is None:
            raise Unsupported(f"缺少部件 {name}")
        if stored in self.edited:
            return self.edited[stored]
        try:
            return self._zip.read(self.infos[stored])
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as exc:  # a part no reader needed
            raise Unsupported(f"部件 {name} 无法解压") from exc

    def text(self, name: str) -> str:
        """A part's text; parts not in UTF-8 are not patched."""
        data = self.read(name)
        if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:200]:
            raise Unsupported(f"部件 {name} 不是 UTF-8 编码")
        try:
            return data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
        except UnicodeDecodeError as exc:
            raise Unsupported(f"部件 {name} 不是 UTF-8 编码") from exc

    def write(self, name: str, text: str | bytes) -> None:
        """Replace or add a part."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        stored = self.find(name)
        if stored is None:
            stored = name
            self.added.append(name)
            self._lower[name.lower()] = name
        self.edited[stored] = data

    def remove(self, name: str) -> None:
        stored = self.find(name)
        if stored is None:
            return
        self.edited.pop(stored, None)
        if stored in self.added:
            self.added.remove(stored)
            del self._lower[stored.lower()]
        else:
            self.removed.add(stored)

    def names(self) -> list[str]:
        """The parts as they will be written: the input's, in order, then the added ones."""
        return [n for n in self.order if n not in self.removed] + list(self.added)

    def unused_name(self, pattern: str) -> str:
        """The first free name of `pattern` (e.g. "xl/worksheets/sheet{}.xml") counting from 1."""
        n = 1
        while self.exists(pattern.format(n)):
            n += 1
        return pattern.format(n)


# ---- relationships ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str  # as written
    external: bool
    part: str | None  # the target part's name (internal ones)


def rels_name(part: str) -> str:
    """The relationships part of `part` (部件关系): xl/workbook.xml → xl/_rels/workbook.xml.rels."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels") if part else ROOT_RELS


def resolve(source: str, target: str) -> str:
    """The part a relationship of `source` points to."""
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relationships(pkg: Package, source: str) -> list[Relationship]:
    """The relationships of `source` ("" for the package's own)."""
    name = rels_name(source)
    if not pkg.exists(name):
        return []
    text = pkg.text(name)
    out = []
    for element in X.children(text, X.root(text)):
        if element.name != "Relationship":
            continue
        tag = element.tag(text)
        target = X.attr(tag, "Target") or ""
        external = (X.attr(tag, "TargetMode") or "").lower() == "external"
        out.append(
            Relationship(
                X.attr(tag, "Id") or "",
                X.attr(tag, "Type") or "",
                target,
                external,
                None if external else resolve(source, target),
            )
        )
    return out


def target_text(pkg: Package, source: str, part: str, type_: str) -> str:
    """How a new relationship of `source` names `part`: absolute when the existing ones of its type are
    (as openpyxl writes worksheets), else relative (as Excel writes them)."""
    existing = [r for r in relationships(pkg, source) if not r.external]
    existing = [r for r in existing if r.type == type_] or existing
    if existing and all(r.target.startswith("/") for r in existing):
        return quote("/" + part)
    return quote(posixpath.relpath(part, posixpath.dirname(source) or "."))


def add_relationship(pkg: Package, source: str, type_: str, part: str) -> str:
    """Add a relationship from `source` to `part`; returns its new Id."""
    name = rels_name(source)
    taken = {r.id for r in relationships(pkg, source)}
    n = len(taken) + 1
    while f"rId{n}" in taken:
        n += 1
    rid = f"rId{n}"
    new = f'<Relationship Type="{X.escape(type_, True)}" Target="{X.escape(target_text(pkg, source, part, type_), True)}" Id="{rid}" />'
    if not pkg.exists(name):
        pkg.write(
            name,
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_RELS_NS}">{new}</Relationships>',
        )
        return rid
    text = pkg.text(name)
    top = X.root(text)
    text, top = X.expanded(text, top)
    pkg.write(name, text[: top.close_start] + X.with_prefix(new, top.prefix) + text[top.close_start :])
    return rid


def _edit_relationship(pkg: Package, source: str, rid: str, new: str | None) -> None:
    name = rels_name(source)
    text = pkg.text(name)
    for element in X.children(text, X.root(text)):
        if element.name == "Relationship" and X.attr(element.tag(text), "Id") == rid:
            pkg.write(name, text[: element.start] + (new or "") + text[element.end :])
            return
    raise Unsupported(f"找不到关系 {rid}")


def remove_relationship(pkg: Package, source: str, rid: str) -> None:
    _edit_relationship(pkg, source, rid, None)


def repoint_relationship(pkg: Package, source: str, rid: str, type_: str, part: str) -> None:
    """The relationship `rid` of `source` now points to `part` (a sheet replaced in place keeps its Id)."""
    text = pkg.text(rels_name(source))
    prefix = X.root(text).prefix
    target = target_text(pkg, source, part, type_)
    new = f'<{prefix}Relationship Type="{X.escape(type_, True)}" Target="{X.escape(target, True)}" Id="{X.escape(rid, True)}" />'
    _edit_relationship(pkg, source, rid, new)


def reachable(pkg: Package) -> set[str]:
    """Every part reachable from the package's relationships (可达部件), .rels parts included."""
    seen: set[str] = set()
    todo = [""]
    while todo:
        source = todo.pop()
        rels = rels_name(source)
        stored = pkg.find(rels)
        if stored is None:
            continue
        seen.add(stored)
        for rel in relationships(pkg, source):
            found = pkg.find(rel.part) if rel.part else None
            if found is not None and found not in seen:
                seen.add(found)
                todo.append(found)
    return seen


# ---- content types ----------------------------------------------------------------------------------
def content_type(pkg: Package, part: str) -> str | None:
    """A part's content type: its Override, else the Default of its extension."""
    text = pkg.text(CONTENT_TYPES)
    ext = part.rsplit(".", 1)[-1].lower() if "." in posixpath.basename(part) else ""
    default = None
    for element in X.children(text, X.root(text)):
        tag = element.tag(text)
        if element.name == "Override" and (X.attr(tag, "PartName") or "").lstrip("/").lower() == part.lower():
            return X.attr(tag, "ContentType")
        if element.name == "Default" and (X.attr(tag, "Extension") or "").lower() == ext:
            default = X.attr(tag, "ContentType")
    return default


def set_override(pkg: Package, part: str, type_: str | None) -> None:
    """Give `part` its own content type (None: remove its Override)."""
    text = pkg.text(CONTENT_TYPES)
    top = X.root(text)
    for element in X.children(text, top):
        if (
            element.name == "Override"
            and (X.attr(element.tag(text), "PartName") or "").lstrip("/").lower() == part.lower()
        ):
            text = text[: element.start] + text[element.end :]
            break
    if type_ is not None:
        top = X.root(text)
        text, top = X.expanded(text, top)
        new = X.with_prefix(
            f'<Override PartName="/{X.escape(part, True)}" ContentType="{X.escape(type_, True)}" />', top.prefix
        )
        text = text[: top.close_start] + new + text[top.close_start :]
    pkg.write(CONTENT_TYPES, text)


def ensure_default(pkg: Package, extension: str, type_: str) -> bool:
    """A Default content type for `extension` unless there is one; False when there is one of another type."""
    text = pkg.text(CONTENT_TYPES)
    top = X.root(text)
    for element in X.children(text, top):
        tag = element.tag(text)
        if element.name == "Default" and (X.attr(tag, "Extension") or "").lower() == extension:
            return X.attr(tag, "ContentType") == type_
    text, top = X.expanded(text, top)
    first = next((e.start for e in X.children(text, top)), top.close_start)  # Defaults first, as Excel writes
    new = X.with_prefix(f'<Default Extension="{extension}" ContentType="{X.escape(type_, True)}" />', top.prefix)
    pkg.write(CONTENT_TYPES, text[:first] + new + text[first:])
    return True


def drop_default(pkg: Package, content: str) -> None:
    """Remove the Default entries of content type `content`."""
    text = pkg.text(CONTENT_TYPES)
    edits = [
        (e.start, e.end, "")
        for e in X.children(text, X.root(text))
        if e.name == "Default" and X.attr(e.tag(text), "ContentType") == content
    ]
    if edits:
        pkg.write(CONTENT_TYPES, X.splice(text, edits))
