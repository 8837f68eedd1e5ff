"""XML 文本拼接: finding elements in a part's text and splicing new text in, without re-serialising it.

An XML parser and serialiser would rename namespace prefixes, drop `mc:Ignorable` content it does not
know and reorder attributes; Excel then repairs or refuses the file. Here a part stays the text it
was: elements are located by their tags (comments, CDATA and processing instructions skipped) and
only the bytes of the elements concerned are replaced. Every function works on `str` (parts are
decoded as UTF-8; a part in another encoding is refused by package.parts).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

#: A tag, or a comment / CDATA section / processing instruction / DOCTYPE to step over.
_TAG = re.compile(
    r"<(?:!--.*?-->|!\[CDATA\[.*?\]\]>|\?.*?\?>|![^>]*>"
    r"|(?P<close>/)?(?P<prefix>[A-Za-z_][\w.\-]*:)?(?P<name>[A-Za-z_][\w.\-]*)"
    r"(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(?P<empty>/)?>)",
    re.S,
)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Unsupported(Exception):
    """A package this module does not patch (未支持的工作簿包): an XML part it cannot follow, a part in
    another encoding, a structure it does not know; the caller then saves the workbook with openpyxl."""


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Element:
    """One element in a part's text (元素位置): [start, end) is the whole element, [start, open_end) its
    start tag, [open_end, close_start) its content (empty for a self-closing element)."""

    prefix: str  # "x:" or ""
    name: str  # local name
    start: int
    open_end: int
    close_start: int
    end: int

    @property
    def empty(self) -> bool:
        return self.open_end == self.end

    def tag(self, text: str) -> str:
        return text[self.start : self.open_end]

    def inner(self, text: str) -> str:
        return text[self.open_end : self.close_start]


def _tags(text: str, pos: int, endpos: int) -> Iterator[re.Match[str]]:
    for match in _TAG.finditer(text, pos, endpos):
        if match.group("name") is not None:
            yield match


def _closing(text: str, match: re.Match[str], endpos: int, flat: frozenset[str]) -> tuple[int, int]:
    """(close_start, end) of the element whose start tag is `match`. Elements named in `flat` never
    nest and are skipped with a plain search for their end tag (sheetData, row: the big ones)."""
    if match.group("empty"):
        return match.end(), match.end()
    prefix, name = match.group("prefix") or "", match.group("name")
    if name in flat:
        close = text.find(f"</{prefix}{name}", match.end(), endpos)
        if close < 0:
            raise Unsupported(f"未闭合的元素 {prefix}{name}")
        return close, text.index(">", close) + 1
    depth = 0
    for tag in _tags(text, match.end(), endpos):
        if tag.group("empty"):
            continue
        if not tag.group("close"):
            depth += 1
        elif depth == 0:
            return tag.start(), tag.end()
        else:
            depth -= 1
    raise Unsupported(f"未闭合的元素 {prefix}{name}")


def children(text: str, parent: Element, flat: frozenset[str] = frozenset()) -> list[Element]:
    """The child elements of `parent` (子元素), in order."""
    found = []
    pos = parent.open_end
    while pos < parent.close_start:
        match = _TAG.search(text, pos, parent.close_start)
        while match is not None and match.group("name") is None:
            match = _TAG.search(text, match.end(), parent.close_start)
        if match is None:
            break
        if match.group("close"):
            raise Unsupported("多余的结束标记")
        close_start, end = _closing(text, match, parent.close_start, flat)
        found.append(
            Element(match.group("prefix") or "", match.group("name"), match.start(), match.end(), close_start, end)
        )
        pos = end
    return found


def root(text: str, flat: frozenset[str] = frozenset()) -> Element:
    """The document element (根元素); its end tag is the last tag of the document."""
    for match in _tags(text, 0, len(text)):
        prefix, name = match.group("prefix") or "", match.group("name")
        if match.group("empty"):
            return Element(prefix, name, match.start(), match.end(), match.end(), match.end())
        close = text.rfind(f"</{prefix}{name}")
        if close < match.end():
            raise Unsupported(f"未闭合的元素 {prefix}{name}")
        return Element(prefix, name, match.start(), match.end(), close, text.index(">", close) + 1)
    raise Unsupported("没有根元素")


def child(text: str, parent: Element, name: str, flat: frozenset[str] = frozenset()) -> Element | None:
    """The first child named `name` (local name), or None."""
    return next((e for e in children(text, parent, flat) if e.name == name), None)


@functools.cache
def _attribute(name: str) -> re.Pattern[str]:
    """The pattern of attribute `name` with its quoted value (compiled once per name)."""
    return re.compile(rf"\s{re.escape(name)}\s*=\s*(\"[^\"]*\"|'[^']*')")


def attr(tag: str, name: str) -> str | None:
    """The value of attribute `name` (e.g. "r", "r:id") in a start tag, unescaped; None when absent."""
    match = _attribute(name).search(tag)
    if match is None:
        return None
    value = match.group(1)[1:-1]
    return unescape(value) if "&" in value else value


def set_attr(tag: str, name: str, value: str | None) -> str:
    """The start tag with attribute `name` set to `value` (escaped), or removed when `value` is None."""
    pattern = _attribute(name)
    if value is None:
        return pattern.sub("", tag, count=1)
    new = f' {name}="{escape(value, quote=True)}"'
    if pattern.search(tag):
        return pattern.sub(lambda _: new, tag, count=1)
    cut = len(tag) - (2 if tag.endswith("/>") else 1)
    while cut > 0 and tag[cut - 1].isspace():
        cut -= 1
    return tag[:cut] + new + tag[cut:]


def namespace_prefix(tag: str, uri: str) -> str | None:
    """The prefix (with its colon) bound to `uri` in a start tag, "" for the default namespace, or None."""
    for match in re.finditer(r"\sxmlns(?::([\w.\-]+))?\s*=\s*(\"[^\"]*\"|'[^']*')", tag):
        if unescape(match.group(2)[1:-1]) == uri:
            return f"{match.group(1)}:" if match.group(1) else ""
    return None


def bind_namespace(text: str, uri: str, preferred: str = "r") -> tuple[str, str]:
    """The part's text with `uri` bound to a prefix on its root element (as Excel declares the
    relationships namespace there), and that prefix with its colon. An existing binding is used."""
    top = root(text)
    tag = top.tag(text)
    found = namespace_prefix(tag, uri)
    if found:
        return text, found
    prefix, n = preferred, 1
    while re.search(rf"\sxmlns:{re.escape(prefix)}\s*=", tag):
        prefix, n = f"{preferred}{n}", n + 1
    cut = top.open_end - (2 if tag.endswith("/>") else 1)
    return text[:cut] + f' xmlns:{prefix}="{escape(uri, True)}"' + text[cut:], f"{prefix}:"


def escape(text: str, quote: bool = False) -> str:
    """Text as XML character data (or an attribute value with `quote`); characters XML 1.0 does not allow
    are written as Excel writes them (_xHHHH_)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#\d+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED[name]

    return _ENTITY.sub(one, text)


def with_prefix(xml: str, prefix: str) -> str:
    """A fragment written without prefixes, its elements put into `prefix` (for a part whose main
    namespace is prefixed, as in <x:styleSheet>)."""
    if not prefix:
        return xml
    return re.sub(r"<(/?)(?![\w.\-]+:)([A-Za-z_][\w.\-]*)", rf"<\1{prefix}\2", xml)


def splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """`text` with each [start, end) replaced by its new text; the spans must not overlap."""
    out, pos = [], 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < pos:
            raise Unsupported("重叠的修改")
        out += [text[pos:start], new]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def insert_before(text: str, parent: Element, after_names: tuple[str, ...], flat: frozenset[str] = frozenset()) -> int:
    """Where a new child goes so the schema's order holds: before the first child named in
    `after_names` (the elements the schema puts after it), else at the parent's end. Returns the offset."""
    for element in children(text, parent, flat):
        if _effective_name(text, element, flat) in after_names:
            return element.start
    return parent.close_start


def _effective_name(text: str, element: Element, flat: frozenset[str]) -> str:
    """An element's local name; for an mc:AlternateContent wrapper (as Excel writes around <controls>),
    the name of the element its first choice holds."""
    if element.name != "AlternateContent" or element.empty:
        return element.name
    choice = next(iter(children(text, element, flat)), None)
    inner = children(text, choice, flat) if choice is not None and not choice.empty else []
    return inner[0].name if inner else element.name


def expanded(text: str, element: Element) -> tuple[str, Element]:
    """A self-closing element (<x/>) rewritten as an empty pair (<x></x>), so children can go in it."""
    if not element.empty:
        return text, element
    tag = text[element.start : element.end]
    opened = re.sub(r"\s*/>$", ">", tag)
    pair = f"{opened}</{element.prefix}{element.name}>"
    text = text[: element.start] + pair + text[element.end :]
    open_end = element.start + len(opened)
    return text, Element(element.prefix, element.name, element.start, open_end, open_end, element.start + len(pair))
