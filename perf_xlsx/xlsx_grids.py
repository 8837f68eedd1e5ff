"""快速读取: a workbook's sheets as Grids straight from the package (zip + expat), without openpyxl's load.

`grids_from_package(path)` gives what `loading.grids_of(loading.open_workbook(path), path)` gives, field
by field: the same titles (deduplicated as openpyxl does), values (ints and floats as openpyxl casts
them, dates by the cell's number format and the workbook's 1900/1904 epoch, shared and inline strings
with their rich-text runs joined and phonetic runs left out, booleans, error codes), number formats,
merged ranges (in openpyxl's order), max_row/max_col (every <c> counts, a styled empty one too, and
every cell a merged range, hyperlink or comment makes openpyxl create), formula texts (a shared
formula's dependents translated from the master as openpyxl translates them), hidden sheets and
hidden rows. A formula cell then shows its cached result as loading._put_cached's data_only pass sees
it (which stops at the sheet's <dimension>), and a formula saved without one is worked out by
formulas.resolve, as loading.grids_of does.

It is several times faster because nothing else is built: no Cell objects, no styles beyond the number
formats, no borders for merged cells, no second pass for the cached results. tests/test_xlsx_grids.py
compares it with the openpyxl path on every workbook the tests build.

Anything this reader does not expect raises (a DOCTYPE in any part at once, so no entity is ever
expanded): loading then reads the file with openpyxl, which gives the same Grids or the proper error.
So a rare construct may cost speed, never a different result. The limits of guard.py are checked by
loading before this runs.
"""

from __future__ import annotations

import gc
import posixpath
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import (
    BUILTIN_FORMATS,
    BUILTIN_FORMATS_MAX_SIZE,
    BUILTIN_FORMATS_REVERSE,
    is_date_format,
    is_timedelta_format,
)
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.workbook.child import INVALID_TITLE_REGEX, avoid_duplicate_name
from openpyxl.xml.constants import COMMENTS_NS, SHARED_STRINGS, SHEET_MAIN_NS, XLSM, XLSX, XLTM, XLTX

from .grid import Grid

MAIN = SHEET_MAIN_NS
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKBOOK_TYPES = (XLTM, XLTX, XLSM, XLSX)  # the order openpyxl looks for the workbook part in
STYLES = "xl/styles.xml"
MAX_ROW, MAX_COL = 1_048_576, 18_278
PART = 1 << 20  # bytes of a sheet's XML parsed before its finished rows are read and dropped

# expat names a namespaced element "<namespace URI> <local name>", whatever prefix the file used (<x:c>)
_NAMES = {local: f"{MAIN} {local}" for local in ("v", "f", "is", "t", "row", "mergeCells", "hyperlinks")}
_V, _F, _IS, _T, _ROW, _MERGES, _LINKS = _NAMES.values()
_DIMENSION, _DATA = f"{MAIN} dimension", f"{MAIN} sheetData"
_SI = f"{MAIN} si"
_RID = f"{REL} id"


class Unexpected(ValueError):
    """Something this reader does not handle as openpyxl would: loading reads the file with openpyxl."""


# ---- XML ------------------------------------------------------------------------------------------
def _refuse(*_args) -> None:
    raise Unexpected("DOCTYPE or entity declaration")


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse  # no DTD, so no entity can be declared, let alone expanded
    parser.EntityDeclHandler = _refuse
    return parser


def _tree(data: bytes) -> Element:
    """A part as an ElementTree tree, built in C (tags as expat names them: "<namespace URI> <local name>")."""
    builder = TreeBuilder()
    parser = _parser()
    parser.StartElementHandler = builder.start  # C methods: no Python call per element
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.Parse(data, True)
    return builder.close()


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _attrs(element: Element) -> set[str]:
    """The attributes openpyxl passes on to its classes (namespaced ones are dropped)."""
    return {k for k in element.attrib if " " not in k}


def _bool(value: str | None) -> bool:
    """openpyxl's Bool descriptor on an attribute: absent, 'false', 'f', '0' and '' are False, any other text True."""
    return value is not None and value not in ("false", "f", "0") and bool(value)


def _cast_number(value: str) -> int | float:
    """openpyxl.worksheet._reader._cast_number."""
    if "." in value or "E" in value or "e" in value:
        return float(value)
    return int(value)


# ---- the package ------------------------------------------------------------------------------------
@dataclass
class Rel:
    id: str | None
    type: str
    target: str


def _rels(archive: zipfile.ZipFile, name: str) -> list[Rel]:
    """openpyxl.packaging.relationship.get_dependents: targets made absolute (no leading '/')."""
    root = _tree(archive.read(name))
    rels: list[Rel] = []
    parent = posixpath.split(posixpath.dirname(name))[0]
    for el in root:
        rtype, target = el.get("Type"), el.get("Target")
        if rtype is None or target is None or _attrs(el) - {"Id", "Type", "Target", "TargetMode"}:
            return []  # openpyxl drops them all (with a warning)
        if el.get("TargetMode") != "External":
            target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(parent, target))
        rels.append(Rel(el.get("Id"), rtype, target))
    return rels


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


@dataclass
class Styles:
    """Per cellXfs index: the number format code (None: openpyxl fails on it) and whether it shows a
    date or a duration; openpyxl.styles.stylesheet's _normalise_numbers and the number_format getter."""

    formats: list[str | None] = field(default_factory=lambda: ["General"])
    dates: set[int] = field(default_factory=set)
    durations: set[int] = field(default_factory=set)


def _styles(archive: zipfile.ZipFile, names: set[str]) -> Styles:
    if STYLES not in names:
        return Styles()
    root = _tree(archive.read(STYLES))
    custom: dict[int, str] = {}
    xf_ids: list[int] = []
    for el in root:
        tag = _local(el.tag)
        if tag == "numFmts":
            custom = {}
            for fmt in el:
                if _local(fmt.tag) == "numFmt":
                    nid, code = fmt.get("numFmtId"), fmt.get("formatCode")
                    if nid is None or code is None:
                        raise Unexpected("numFmt without id or code")
                    custom[int(nid)] = code
        elif tag == "cellXfs":
            xf_ids = [int(xf.get("numFmtId", 0)) for xf in el if _local(xf.tag) == "xf"]
    if not xf_ids:
        return Styles()  # openpyxl keeps its defaults
    added: dict[str, int] = {}  # openpyxl's wb._number_formats, in the order the styles add them
    ids: list[int] = []
    styles = Styles([])
    for idx, number in enumerate(xf_ids):
        code = custom.get(number) if number in custom else BUILTIN_FORMATS.get(number)
        if number in custom:  # a builtin code by its builtin id, else numbered on from 164 as it comes
            assert code is not None
            if code in BUILTIN_FORMATS_REVERSE:
                number = BUILTIN_FORMATS_REVERSE[code]
            else:
                number = added.setdefault(code, len(added)) + BUILTIN_FORMATS_MAX_SIZE
        if is_date_format(code):
            styles.dates.add(idx)
        if is_timedelta_format(code):
            styles.durations.add(idx)
        ids.append(number)
    codes = list(added)
    for number in ids:
        if number < BUILTIN_FORMATS_MAX_SIZE:
            styles.formats.append(BUILTIN_FORMATS.get(number, "General"))
        else:  # a custom id the file does not define: openpyxl looks it up among the custom formats
            custom_index = number - BUILTIN_FORMATS_MAX_SIZE
            styles.formats.append(codes[custom_index] if custom_index < len(codes) else None)
    return styles


def _text(element: Element) -> str:
    """openpyxl's Text.from_tree(element).content for an <si> or <is>: its own <t>, then each run's <t>
    (children matched by local name, whatever their namespace; the last <t> counts); a phonetic run
    (<rPh>, the reading of the characters) is not part of the text."""
    plain: str | None = None
    runs: list[str] = []
    for child in element:
        tag = child.tag
        local = "t" if tag == _T else _local(tag)
        if local == "t":
            plain = child.text
        elif local == "r":
            run = None
            for part in child:
                if part.tag == _T or _local(part.tag) == "t":
                    run = part.text
            if run is not None:
                runs.append(run)
        elif local == "rPh":
            int(child.get("sb", "")), int(child.get("eb", ""))  # openpyxl fails without them
    return (plain or "") + "".join(runs) if runs else plain or ""


def _shared_strings(data: bytes) -> list[str]:
    """openpyxl.reader.strings.read_string_table."""
    root = _tree(data)
    items = [el for el in root if el.tag == _SI]
    if sum(1 for _ in root.iter(_SI)) != len(items):
        raise Unexpected("<si> elsewhere than directly in <sst>")
    return [_text(el).replace("x005F_", "") for el in items]


# ---- a worksheet ----------------------------------------------------------------------------------
_COLUMNS: dict[str, int] = {}  # column letters → number, as addresses have them


def _coordinate(text: str) -> tuple[int, int]:
    """openpyxl.utils.cell.coordinate_to_tuple of an address of letters then digits (else raises)."""
    letters = text.rstrip("0123456789")
    column = _COLUMNS.get(letters)
    if column is None:
        column = column_index_from_string(letters)  # raises for what is no column
        _COLUMNS[letters] = column
    row = int(text[len(letters) :]) if len(letters) < len(text) else 0
    if row < 1:
        raise Unexpected(f"cell address {text}")
    return row, column


_RANGES: dict[str, tuple[int, int, int, int]] = {}


def _range(ref: str) -> tuple[int, int, int, int]:
    """(min_row, min_col, max_row, max_col) of a range as openpyxl's CellRange reads it (else raises),
    remembered: the project sheets of a workbook merge the same ranges."""
    bounds = _RANGES.get(ref)
    if bounds is not None:
        return bounds
    if "!" in ref:
        raise Unexpected(f"range with a sheet name: {ref}")
    c1, r1, c2, r2 = range_boundaries(ref)
    if c1 is None or r1 is None or c2 is None or r2 is None:
        raise Unexpected(f"whole rows or columns: {ref}")
    if not (1 <= c1 <= c2 <= MAX_COL and 1 <= r1 <= r2 <= MAX_ROW):
        raise Unexpected(f"range out of bounds: {ref}")
    if len(_RANGES) < 100_000:
        _RANGES[ref] = r1, c1, r2, c2
    return r1, c1, r2, c2


def _cells_of(ref: str) -> list[tuple[int, int]]:
    """The cells openpyxl's ws[ref] creates."""
    r1, c1, r2, c2 = _range(ref)
    if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
        raise Unexpected("hyperlink or comment over a huge range")
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


@dataclass
class Sheet:
    """One worksheet as read: values (a formula cell's is its text), number formats, formulas, the
    formula results the data_only pass would see, merged ranges, hidden rows, and the extent."""

    title: str  # as openpyxl names the worksheet
    name: str  # as workbook.xml names it (the data_only pass finds sheets by this)
    hidden: bool
    values: dict[tuple[int, int], object] = field(default_factory=dict)
    formats: dict[tuple[int, int], str | None] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    cached: dict[tuple[int, int], object] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    links: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (ref, r:id, location)
    max_row: int = 0  # 0: no cell at all (openpyxl then says 1)
    max_col: int = 0
    ordered: bool = True  # cells came row by row, left to right: values are in the order openpyxl sorts them

    def reach(self, row: int, col: int) -> None:
        if row > self.max_row:
            self.max_row = row
        if col > self.max_col:
            self.max_col = col


class _SheetParser:
    """openpyxl.worksheet._reader.WorkSheetParser.parse and WorksheetReader.bind_cells, together with
    what the data_only read-only pass of loading._put_cached sees of each formula's result."""

    def __init__(self, sheet: Sheet, shared: list[str], styles: Styles, epoch):
        self.sheet, self.shared, self.styles, self.epoch = sheet, shared, styles, epoch
        self.row_counter = 0
        self.shared_formulae: dict[str | None, Translator] = {}
        self.dimension: tuple[int | None, int | None] = (None, None)  # (max_col, max_row) of <dimension>
        self.ro_counter, self.ro_stopped = 1, False  # ReadOnlyWorksheet._cells_by_row's row counter
        self.last = (0, 0)  # the address of the cell read last
        self.started = False

    def parse(self, data: bytes) -> None:
        """The sheet's XML goes to expat a part at a time, into the C TreeBuilder; after each part the rows
        finished so far are read and dropped, so a sheet at guard's limit never stands whole as a tree."""
        builder = TreeBuilder()
        parser = _parser()
        found: list[Element] = []  # the root element, then the first <sheetData>

        def start(name: str, attrs: dict) -> Element:  # only until <sheetData> starts
            element = builder.start(name, attrs)
            if not found or name == _DATA:
                found.append(element)
            if name == _DATA:
                parser.StartElementHandler = builder.start  # from here on no Python call per element
            return element

        parser.StartElementHandler = start
        parser.EndElementHandler = builder.end
        parser.CharacterDataHandler = builder.data
        view = memoryview(data)
        for at in range(0, len(data), PART):
            parser.Parse(view[at : at + PART], False)
            if len(found) == 2:
                self.rows(found[0], found[1], done=False)
        parser.Parse(b"", True)
        root = builder.close()
        if len(found) == 2:
            self.rows(root, found[1], done=True)
        if not self.started:  # no <sheetData> at all
            self.dimension = self.bounds(root)
        if self.bounds(root) != self.dimension or any(True for _ in root.iter(_ROW)):
            raise Unexpected("<row> or <dimension> elsewhere than where Excel writes them")
        sheet = self.sheet
        for merges in root.iter(_MERGES):  # the last <mergeCells> counts, as in openpyxl
            refs = [el.get("ref") for el in merges if _local(el.tag) == "mergeCell"]
            sheet.merges = [_range(ref) for ref in refs if ref is not None]
            if len(sheet.merges) != len(refs):
                raise Unexpected("mergeCell without ref")
        for links in root.iter(_LINKS):
            sheet.links = [self.link(el.attrib) for el in links if _local(el.tag) == "hyperlink"]

    def rows(self, root: Element, sheet_data: Element, done: bool) -> None:
        """Read the finished rows of <sheetData> (all once `done`; the last may still be growing before),
        then drop them from the tree."""
        if not self.started:
            self.started = True
            self.dimension = self.bounds(root)  # it comes before <sheetData>, as it must
        count = len(sheet_data) if done else len(sheet_data) - 1
        for element in sheet_data[:count]:
            if sum(1 for _ in element.iter(_ROW)) != (element.tag == _ROW):
                raise Unexpected("<row> inside a <row> or elsewhere in <sheetData>")
            if element.tag == _ROW:
                self.row(element)
        del sheet_data[:count]

    @staticmethod
    def bounds(root: Element) -> tuple[int | None, int | None]:
        """(max_col, max_row) of the <dimension> before the end of <sheetData>, as ReadOnlyWorksheet reads it."""
        here = [el for el in root if el.tag in (_DIMENSION, _DATA)]
        if sum(1 for _ in root.iter(_DIMENSION)) != sum(1 for el in here if el.tag == _DIMENSION):
            raise Unexpected("<dimension> elsewhere than directly in <worksheet>")
        if not here or here[0].tag == _DATA:
            return None, None
        ref = here[0].get("ref")
        if ref is None:
            raise Unexpected("dimension without ref")
        _, _, max_col, max_row = range_boundaries(ref)
        return max_col, max_row

    @staticmethod
    def link(attrs: dict) -> tuple[str, str | None, str | None]:
        """(ref, r:id, location) of a <hyperlink>; what openpyxl's Hyperlink would read otherwise raises."""
        ref = attrs.get("ref")
        if ref is None or {k for k in attrs if " " not in k} - {"ref", "location", "tooltip", "display"}:
            raise Unexpected("hyperlink openpyxl may read otherwise")
        return ref, attrs.get(_RID), attrs.get("location")

    def row(self, element: Element) -> None:
        """WorkSheetParser.parse_row and parse_cell, in both passes; bind_cells."""
        attrs = element.attrib
        if "r" in attrs:
            self.row_counter = int(attrs["r"])  # openpyxl also takes "3.0" here, then fails on it in RowDimension
        else:
            self.row_counter += 1
        idx = self.row_counter
        if idx < 1:
            raise Unexpected(f"row {idx}")
        sheet, styles = self.sheet, self.styles
        if len(attrs) > 2 or attrs.keys() - {"r", "spans"}:
            self.row_dimension(idx, attrs)
        formats, dates, shared, columns = styles.formats, styles.dates, self.shared, _COLUMNS
        values, cell_formats = sheet.values, sheet.formats
        max_row, max_col, last = sheet.max_row, sheet.max_col, self.last
        number = str(idx)  # an address in this row ends with it
        cut = -len(number)
        results = []  # (pos, column, cached result) of the row's formula cells
        column = 0
        for cell in element:  # every element directly in a <row> is read as a cell
            get = cell.get
            data_type = get("t", "n")
            coordinate = get("r")
            style = get("s")
            style_id = int(style) if style is not None else 0  # (s="" fails in openpyxl; int("") here)
            if coordinate:
                known = columns.get(coordinate[:cut]) if coordinate.endswith(number) else None
                if known is None:
                    row, column = _coordinate(coordinate)
                else:
                    row, column = idx, known
            else:
                column += 1
                row = idx
            pos = (row, column)
            if pos in cell_formats:
                raise Unexpected("two cells at one address")
            cell_formats[pos] = formats[style_id]  # (an unknown style index fails in openpyxl too)
            if pos < last:
                sheet.ordered = False
            last = pos
            if row > max_row:
                max_row = row
            if column > max_col:
                max_col = column
            v = f = inline = None
            for child in cell:  # the first <v>, <f> and <is>, as find() takes them
                tag = child.tag
                if tag == _V:
                    if v is None:
                        v = child
                elif tag == _F:
                    if f is None:
                        f = child
                elif tag == _IS and inline is None:
                    inline = child
            text = v.text if v is not None and data_type != "inlineStr" else None
            value: object
            if not text:
                value = _text(inline) if data_type == "inlineStr" and inline is not None else None
            elif data_type == "n" and style_id not in dates:
                value = _cast_number(text)
            elif data_type == "s":
                value = shared[int(text)]
            else:
                value = self.value(data_type, text, style_id)
            if f is not None:
                if value is not None:
                    results.append((pos, column, value))
                value = sheet.formulas[pos] = self.formula(f.text, f.attrib, coordinate)
            if value is not None:
                values[pos] = value
        sheet.max_row, sheet.max_col, self.last = max_row, max_col, last
        # what the data_only pass sees: rows in order up to the dimension's last, cells up to its last column
        if not self.ro_stopped:
            last_col, last_row = self.dimension
            if last_row is not None and idx > last_row:
                self.ro_stopped = True
            elif self.ro_counter <= idx:
                self.ro_counter = idx + 1
                width = last_col or column
                for pos, col, value in results:
                    if 1 <= col <= width:
                        sheet.cached[pos] = value

    def row_dimension(self, idx: int, attrs) -> None:
        """The RowDimension openpyxl makes of a row with more than its number and spans: whether it is hidden."""
        if not {k for k in attrs if " " not in k} - {"r", "spans"}:
            return
        if "visible" in attrs or "height" in attrs:
            raise Unexpected("row attribute openpyxl reads otherwise")
        if "s" in attrs:
            self.styles.formats[int(attrs["s"])]  # an unknown style fails in openpyxl
        if "ht" in attrs:
            float(attrs["ht"])
        if _bool(attrs.get("hidden")):
            self.sheet.hidden_rows.add(idx)
        else:
            self.sheet.hidden_rows.discard(idx)

    def value(self, data_type: str, text: str, style_id):
        """WorkSheetParser.parse_cell's value of a cell with a <v> (its formula aside: the data_only view),
        for what row() does not do itself: dates, booleans, ISO dates, errors and formula text results."""
        if data_type == "n":
            number = _cast_number(text)
            try:
                return from_excel(number, self.epoch, timedelta=style_id in self.styles.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        if data_type == "s":
            return self.shared[int(text)]
        if data_type == "b":
            return bool(int(text))
        if data_type == "d":
            return from_ISO8601(text)
        return text  # str, e (error codes) and any other type: the text as it stands

    def formula(self, text: str | None, attrs, coordinate: str | None) -> str:
        """WorkSheetParser.parse_formula, as Grid.from_openpyxl shows it."""
        value = "=" + (text or "")
        kind = attrs.get("t")
        if kind == "array":
            return "=" + value.lstrip("=")
        if kind == "shared":
            idx = attrs.get("si")
            if coordinate is None:
                raise Unexpected("shared formula in a cell without an address")
            if idx in self.shared_formulae:
                return self.shared_formulae[idx].translate_formula(coordinate)
            if value != "=":
                self.shared_formulae[idx] = Translator(value, coordinate)
            return value
        if kind == "dataTable":
            raise Unexpected("data table formula")
        return value


def _merge_and_link(sheet: Sheet, rels: list[Rel], archive: zipfile.ZipFile) -> None:
    """What openpyxl does once the cells are read: merged ranges keep their top-left value only
    (bind_merged_cells), hyperlinks and comments create the cells they sit on."""
    covered: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in sheet.merges:
        sheet.reach(r2, c2)
        covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) != (r1, c1))
    for pos in covered & sheet.values.keys():
        del sheet.values[pos]
        sheet.formulas.pop(pos, None)
    # openpyxl keeps merged ranges as set(CellRange for each in set(ranges)); they hash as these tuples
    sheet.merges = list(set(bounds for bounds in set(sheet.merges)))
    targets = {}
    for rel in reversed(rels):  # RelationshipList.get: the first with the id
        targets[rel.id] = rel.target
    for ref, rid, location in sheet.links:  # WorksheetReader.bind_hyperlinks
        if rid is not None and rid not in targets:
            raise Unexpected("hyperlink to a missing relationship")
        text = (targets[rid] if rid is not None else None) or location
        cells = _cells_of(ref)
        if ":" not in ref and cells[0] in covered:  # openpyxl moves it to its merged range's top-left cell
            row, col = cells[0]
            top = next((r1, c1) for r1, c1, r2, c2 in sheet.merges if r1 <= row <= r2 and c1 <= col <= c2)
            if top in covered:
                raise Unexpected("hyperlink on a merged cell of overlapping ranges")
            cells = [top]
        for pos in cells:
            sheet.reach(*pos)
            if pos not in covered and pos not in sheet.values and text is not None:
                sheet.values[pos] = _link_text(text)  # openpyxl shows the link's address in an empty cell
                sheet.ordered = False
    for rel in rels:
        if rel.type == COMMENTS_NS:
            for pos in _comment_cells(archive.read(rel.target)):
                sheet.reach(*pos)


def _link_text(text: str) -> str:
    """What Cell.value = text stores (Cell.check_string); text that would make a formula raises."""
    text = text[:32767]
    if ILLEGAL_CHARACTERS_RE.search(text) or (len(text) > 1 and text.startswith("=")):
        raise Unexpected("hyperlink address openpyxl refuses or reads as a formula")
    return text


def _comment_cells(data: bytes) -> list[tuple[int, int]]:
    """The cells of a comments part's comments (openpyxl creates each one to attach its comment)."""
    cells = []
    authors = 0
    for el in _tree(data):
        tag = _local(el.tag)
        if tag == "authors":
            authors = sum(1 for a in el if _local(a.tag) == "author")
        elif tag == "commentList":
            for comment in el:
                if _local(comment.tag) != "comment":
                    continue
                ref, author = comment.get("ref"), comment.get("authorId")
                if ref is None or author is None or not 0 <= int(author) < authors:
                    raise Unexpected("comment openpyxl may not read")
                cells += _cells_of(ref)
    return cells


# ---- the workbook ---------------------------------------------------------------------------------
@dataclass
class _Part:
    name: str  # as written in workbook.xml
    title: str  # as openpyxl names the worksheet
    hidden: bool
    part: str


def _find_parts(root: Element) -> tuple[str, str | None]:
    """(workbook part, shared strings part or None), from [Content_Types].xml as openpyxl finds them."""
    defaults, overrides = [], []
    for el in root:
        tag = _local(el.tag)
        if tag == "Default":
            if el.get("Extension") is None or el.get("ContentType") is None:
                raise Unexpected("Default without Extension or ContentType")
            defaults.append(el.get("ContentType"))
        elif tag == "Override":
            if el.get("PartName") is None or el.get("ContentType") is None:
                raise Unexpected("Override without PartName or ContentType")
            overrides.append((str(el.get("PartName")), el.get("ContentType")))
    workbook = next((part for kind in WORKBOOK_TYPES for part, ct in overrides if ct == kind), None)
    if workbook is None:
        if not set(defaults) & set(WORKBOOK_TYPES):
            raise Unexpected("no workbook part")
        workbook = "/xl/workbook.xml"
    strings = next((part for part, ct in overrides if ct == SHARED_STRINGS), None)
    return workbook[1:], (strings[1:] if strings is not None else None)


def _title(name: str, titles: list[str]) -> str:
    """The title openpyxl gives a sheet named `name` (Worksheet.title: checked, deduplicated)."""
    value = name or "Sheet"
    if INVALID_TITLE_REGEX.search(value):
        raise Unexpected("invalid sheet title")
    return avoid_duplicate_name(titles, value)


def _worksheets(archive: zipfile.ZipFile, workbook: str, names: set[str]) -> tuple[list[_Part], bool]:
    """The worksheets openpyxl reads, in order (chartsheets only take their names), and whether the
    workbook counts dates from 1904."""
    root = _tree(archive.read(workbook))
    date1904 = False
    sheets: list[Element] = []
    for el in root:
        tag = _local(el.tag)
        if tag == "workbookPr":
            date1904 = _bool(el.get("date1904"))
        elif tag == "sheets":
            sheets = list(el)
    rels: dict[str | None, Rel] | None = None
    parts: list[_Part] = []
    titles: list[str] = []
    for el in sheets:
        name, rid, state = el.get("name"), el.get(_RID), el.get("state", "visible")
        if (
            name is None
            or el.get("sheetId") is None
            or state not in ("visible", "hidden", "veryHidden")
            or _attrs(el) - {"name", "sheetId", "state"}
        ):
            raise Unexpected("a <sheet> openpyxl's ChildSheet may not read")
        int(str(el.get("sheetId")))
        if not rid:
            continue  # openpyxl drops it (with a warning)
        if rels is None:
            rels = {r.id: r for r in _rels(archive, _rels_path(workbook))}
        rel = rels[rid]
        if rel.target not in names:
            continue
        if "chartsheet" in rel.type and (not name or _rels_path(rel.target) not in names):
            raise Unexpected("chartsheet without a name or relationships (openpyxl fails on it)")
        title = _title(name, titles)
        titles.append(title)
        if "chartsheet" not in rel.type:  # dialog and macro sheets are read as worksheets, as openpyxl does
            parts.append(_Part(name, title, state != "visible", rel.target))
    return parts, date1904


def read_sheets(archive: zipfile.ZipFile) -> list[Sheet]:
    """Every worksheet of the package as openpyxl's load reads it, before formula results are put in."""
    names = set(archive.namelist())
    workbook, strings_part = _find_parts(_tree(archive.read("[Content_Types].xml")))
    shared: list[str] = []
    if strings_part is not None:
        shared = _shared_strings(archive.read(strings_part))
    parts, date1904 = _worksheets(archive, workbook, names)
    styles = _styles(archive, names)
    epoch = CALENDAR_MAC_1904 if date1904 else WINDOWS_EPOCH
    sheets = []
    for part in parts:
        sheet = Sheet(part.title, part.name, part.hidden)
        _SheetParser(sheet, shared, styles, epoch).parse(archive.read(part.part))
        rels_path = _rels_path(part.part)
        _merge_and_link(sheet, _rels(archive, rels_path) if rels_path in names else [], archive)
        sheets.append(sheet)
    return sheets


def _grid(sheet: Sheet) -> Grid:
    """The Grid of Grid.from_openpyxl (its cells in order of address)."""
    values = sheet.values if sheet.ordered else {pos: sheet.values[pos] for pos in sorted(sheet.values)}
    codes = sheet.formats
    formats = {pos: codes.get(pos, "General") for pos in values}  # (a cell only a hyperlink made: the default)
    if None in formats.values():
        raise Unexpected("a number format openpyxl cannot look up")
    return Grid(
        sheet.title,
        values,
        formats,  # type: ignore[arg-type]  # (no None left)
        sheet.merges,
        max(sheet.max_row, 1),
        max(sheet.max_col, 1),
        sheet.formulas if sheet.ordered else {pos: sheet.formulas[pos] for pos in sorted(sheet.formulas)},
        sheet.hidden,
        frozenset(sheet.hidden_rows),
    )


@contextmanager
def _collector_paused():
    """No cyclic garbage collection while the cells are read: they only accumulate (nothing to collect),
    and a large sheet would otherwise be traversed again and again (a third of its reading time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def grids_from_package(path: Path, archive: zipfile.ZipFile | None = None) -> list[Grid]:
    """One Grid per worksheet of the .xlsx/.xlsm at `path` (read from `archive` when given), equal to
    loading.grids_of(loading.open_workbook(path), path). Raises on whatever it does not expect."""
    if archive is None:
        with zipfile.ZipFile(path) as opened:
            return grids_from_package(path, opened)
    with _collector_paused():
        sheets = read_sheets(archive)
    by_name: dict[str, Sheet] = {}
    for sheet in sheets:
        by_name.setdefault(sheet.name, sheet)
    missing: list[tuple[Sheet, tuple[int, int]]] = []
    for sheet in sheets:  # loading._put_cached finds the results by the sheet's title among the names
        source = by_name.get(sheet.title)
        if sheet.formulas and source is not None and source is not sheet:
            raise Unexpected("renamed duplicate sheet with formulas")
        for pos in sheet.formulas:
            cached = sheet.cached.get(pos) if source is not None else None
            if cached is None:
                missing.append((sheet, pos))
            else:
                sheet.values[pos] = cached
    grids = [_grid(sheet) for sheet in sheets]
    if missing:
        from .formulas import resolve

        grid_of = {id(sheet): grid for sheet, grid in zip(sheets, grids)}
        unresolved = [(grid_of[id(sheet)], pos) for sheet, pos in missing]
        resolve(grids, unresolved)
        for grid in {id(g): g for g, _ in unresolved}.values():
            grid.__post_init__()
    return grids
