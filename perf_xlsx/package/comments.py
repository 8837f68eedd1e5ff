"""批注 (cell comments): a comments part and its VML drawing, added to a sheet or merged into its own.

Excel shows a comment from two parts: commentsN.xml holds the text, a VML drawing holds the note's
box (one <v:shape> per commented cell); the sheet names the drawing in <legacyDrawing>. A sheet that
already has comments keeps them: new comments go into its parts, and text for a cell that already has
a comment is appended to it as a new paragraph (as openpyxl did, without losing the old formatting).
Comments are not printed (Excel's default), so an official form prints as it was.
"""

from __future__ import annotations

import re

from . import parts as P
from . import xmltext as X
from .cells import FLAT, Worksheet, coordinate, position
from .parts import Package, Unsupported

COMMENTS_TYPE = P.RT + "/comments"
VML_TYPE = P.RT + "/vmlDrawing"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
VML_NS = {
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "x": "urn:schemas-microsoft-com:office:excel",
}
#: What the schema puts after <legacyDrawing> in a worksheet.
AFTER_LEGACY = (
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)
SHAPETYPE = (
    '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>'
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
    '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)


def has_comments(pkg: Package, part: str) -> bool:
    """Whether the sheet `part` has a comments part."""
    return any(r.type == COMMENTS_TYPE for r in P.relationships(pkg, part))


def add_comments(pkg: Package, part: str, sheet: Worksheet, notes: dict[tuple[int, int], str], author: str) -> None:
    """Attach `notes` ((row, column) → text) to the sheet whose part is `part`. Comments by `author` already
    there (an earlier output's) are replaced by the new ones, or removed when the cell has none now."""
    rels = P.relationships(pkg, part)
    existing = next((r.part for r in rels if r.type == COMMENTS_TYPE and r.part and pkg.exists(r.part)), None)
    if existing is None and not notes:
        return
    if existing is not None:
        comments_part = existing
        before = pkg.text(comments_part)
        text, new, dropped = _merge(before, notes, author)
        if text != before:
            pkg.write(comments_part, text)
    else:
        comments_part = pkg.unused_name("xl/comments{}.xml")
        text, new, dropped = _merge(_EMPTY_COMMENTS, notes, author)
        pkg.write(comments_part, text)
        P.add_relationship(pkg, part, COMMENTS_TYPE, comments_part)
        P.set_override(pkg, comments_part, COMMENTS_CT)
    shapes = [(cell, notes[cell]) for cell in sorted(new)]
    vml_part = _legacy_drawing(pkg, part, sheet)
    if vml_part is not None:
        vml = pkg.text(vml_part)
        changed = _with_shapes(_without_shapes(vml, dropped), shapes) if shapes else _without_shapes(vml, dropped)
        if changed != vml:
            pkg.write(vml_part, changed)
        return
    if not shapes:
        return
    vml_part = pkg.unused_name("xl/drawings/vmlDrawing{}.vml")
    block = _free_block(pkg)
    vml = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        f'xmlns:x="urn:schemas-microsoft-com:office:excel">{SHAPETYPE.format(block=block)}</xml>'
    )
    pkg.write(vml_part, _with_shapes(vml, shapes, first=1024 * block + 1))
    if not P.ensure_default(pkg, "vml", VML_CT):
        P.set_override(pkg, vml_part, VML_CT)
    rid = P.add_relationship(pkg, part, VML_TYPE, vml_part)
    text, prefix = X.bind_namespace(sheet.text, X.REL_NS)  # openpyxl's sheets do not bind r: on their root
    at = X.insert_before(text, X.root(text, FLAT), AFTER_LEGACY, FLAT)
    sheet.text = text[:at] + f'<{sheet.prefix}legacyDrawing {prefix}id="{rid}"/>' + text[at:]


_EMPTY_COMMENTS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<comments xmlns="{X.MAIN_NS}"><authors></authors><commentList></commentList></comments>'
)


def _legacy_drawing(pkg: Package, part: str, sheet: Worksheet) -> str | None:
    """The VML drawing the sheet's <legacyDrawing> names, if any."""
    element = sheet.parts.get("legacyDrawing")
    if element is None:
        return None
    match = re.search(r"\s[\w.\-]+:id\s*=\s*\"([^\"]*)\"", element.tag(sheet.text))
    rel = next((r for r in P.relationships(pkg, part) if match and r.id == match.group(1)), None)
    if rel is None or rel.part is None or not pkg.exists(rel.part):
        raise Unsupported("legacyDrawing 指向的部件不存在")
    return rel.part


def _merge(
    text: str, notes: dict[tuple[int, int], str], author: str
) -> tuple[str, set[tuple[int, int]], set[tuple[int, int]]]:
    """The comments part with `notes` in it. A comment by `author` (an earlier run's) is replaced, or removed
    when its cell has no note now; another's gets the note appended, unless it holds it already. Returns the
    part, the cells that got a new <comment> and those whose comment was removed (for their VML boxes)."""
    top = X.root(text)
    p = top.prefix
    sections = {e.name: e for e in X.children(text, top)}
    authors, listing = sections.get("authors"), sections.get("commentList")
    if authors is None or listing is None:
        raise Unsupported("批注部件缺少 authors 或 commentList")
    names = [X.unescape(e.inner(text)) for e in X.children(text, authors)] if not authors.empty else []
    edits: list[tuple[int, int, str]] = []
    present = []  # ((row, column), element)
    for element in X.children(text, listing) if not listing.empty else []:
        ref = X.attr(element.tag(text), "ref")
        if element.name == "comment" and ref:
            present.append((position(ref), element))
    dropped: set[tuple[int, int]] = set()
    for cell, element in present:
        index = X.attr(element.tag(text), "authorId") or ""
        ours = index.isdigit() and int(index) < len(names) and names[int(index)] == author
        if ours and cell in notes:
            edits.append(_replaced(text, element, notes[cell], p))
        elif ours:
            edits.append((element.start, element.end, ""))
            dropped.add(cell)
        elif cell in notes and not _holds(text, element, notes[cell]):
            edits.append(_appended(text, element, notes[cell], p))
    new = set(notes) - {cell for cell, _ in present}
    if not new:
        return X.splice(text, edits), new, dropped
    if author in names:
        author_id = names.index(author)
    else:
        author_id = len(names)
        new_author = f"<{p}author>{X.escape(author)}</{p}author>"
        if authors.empty:
            opened = re.sub(r"\s*/>$", ">", authors.tag(text))
            edits.append((authors.start, authors.end, f"{opened}{new_author}</{p}authors>"))
        else:
            edits.append((authors.close_start, authors.close_start, new_author))
    inserts: dict[int, list[str]] = {}
    for cell in sorted(new):
        place = next((e.start for c, e in present if c > cell), listing.close_start)
        inserts.setdefault(place, []).append(
            f'<{p}comment ref="{coordinate(*cell)}" authorId="{author_id}"><{p}text>'
            f'<{p}t xml:space="preserve">{X.escape(notes[cell])}</{p}t></{p}text></{p}comment>'
        )
    if listing.empty:
        opened = re.sub(r"\s*/>$", ">", listing.tag(text))
        body = "".join(inserts.pop(listing.close_start))
        edits.append((listing.start, listing.end, f"{opened}{body}</{p}commentList>"))
    edits += [(place, place, "".join(xmls)) for place, xmls in inserts.items()]
    return X.splice(text, edits), new, dropped


def _text_of(text: str, comment: X.Element) -> X.Element:
    body = next((e for e in X.children(text, comment) if e.name == "text"), None)
    if body is None or body.empty:
        raise Unsupported("批注缺少 text")
    return body


def _holds(text: str, comment: X.Element, note: str) -> bool:
    """Whether a comment's text holds `note` already (appended by an earlier run)."""
    inner = _text_of(text, comment).inner(text)
    plain = X.unescape("".join(re.findall(r"<(?:[\w.\-]+:)?t(?:\s[^>]*)?>([^<]*)<", inner)))
    return note in plain


def _replaced(text: str, comment: X.Element, note: str, p: str) -> tuple[int, int, str]:
    """A comment's text replaced by `note` (an earlier run's comment, written anew)."""
    body = _text_of(text, comment)
    return body.open_end, body.close_start, f'<{p}t xml:space="preserve">{X.escape(note)}</{p}t>'


def _appended(text: str, comment: X.Element, note: str, p: str) -> tuple[int, int, str]:
    """A new run (<r>) at the end of a comment's text: the note as a new paragraph."""
    body = _text_of(text, comment)
    parts = X.children(text, body)
    place = next((e.start for e in parts if e.name in ("rPh", "phoneticPr")), body.close_start)
    runs = [e for e in parts if e.name == "r"]
    font = next((e for e in X.children(text, runs[-1]) if e.name == "rPr"), None) if runs else None
    look = text[font.start : font.end] if font is not None else ""  # the font of the comment's last run
    return place, place, f'<{p}r>{look}<{p}t xml:space="preserve">\n{X.escape(note)}</{p}t></{p}r>'


def _free_block(pkg: Package) -> int:
    """A shape-id block (o:idmap data) no VML drawing of the workbook uses yet."""
    used = {0}
    for name in pkg.names():
        if name.lower().endswith(".vml"):
            for data in re.findall(r"idmap\b[^>]*\bdata=\"([\d,\s]+)\"", pkg.read(name).decode("utf-8", "replace")):
                used |= {int(n) for n in re.findall(r"\d+", data)}
    return max(used) + 1


def _without_shapes(vml: str, cells: set[tuple[int, int]]) -> str:
    """The VML drawing without the note boxes of `cells` (comments removed)."""
    if not cells:
        return vml

    def one(match: re.Match[str]) -> str:
        shape = match.group(0)
        row = re.search(r"<(?:\w+:)?Row>\s*(\d+)\s*<", shape)
        column = re.search(r"<(?:\w+:)?Column>\s*(\d+)\s*<", shape)
        note = 'ObjectType="Note"' in shape
        if note and row and column and (int(row.group(1)) + 1, int(column.group(1)) + 1) in cells:
            return ""
        return shape

    return re.sub(r"<(\w+):shape\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?</\1:shape>", one, vml, flags=re.S)


def _with_shapes(vml: str, shapes: list[tuple[tuple[int, int], str]], first: int | None = None) -> str:
    """The VML drawing with one note box per new comment, before its closing </xml>."""
    end = vml.rfind("</xml>")
    if end < 0:
        raise Unsupported("VML 绘图没有 </xml>")
    ids = [int(n) for n in re.findall(r"_x0000_s(\d+)", vml)]
    next_id = max(ids) + 1 if ids else (first or 1025)
    head = vml[: vml.find(">", vml.find("<xml")) + 1] if "<xml" in vml else ""
    local = "".join(f' xmlns:{k}="{uri}"' for k, uri in VML_NS.items() if f'xmlns:{k}="{uri}"' not in head)
    extra = (
        ""
        if "_x0000_t202" in vml
        else SHAPETYPE.split("</o:shapelayout>", 1)[1].replace("<v:shapetype", f"<v:shapetype{local}", 1)
    )
    boxes = []
    for n, ((row, column), note) in enumerate(shapes):
        lines = note.count("\n")
        height = 40 + 18 * lines + len(note) // 2
        boxes.append(
            f'<v:shape{local} id="_x0000_s{next_id + n}" type="#_x0000_t202" style="position:absolute;'
            f'margin-left:59.25pt;margin-top:1.5pt;width:320px;height:{height}px;z-index:{n + 1};visibility:hidden" '
            'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
            '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
            '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill>'
            f"<x:Row>{row - 1}</x:Row><x:Column>{column - 1}</x:Column></x:ClientData></v:shape>"
        )
    return vml[:end] + extra + "".join(boxes) + vml[end:]
