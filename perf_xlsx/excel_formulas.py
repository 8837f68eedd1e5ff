"""单元格公式 (live formulas): the Excel formula of each derived cell perfxlsx fills, where its value is
spreadsheet arithmetic, so that Excel or WPS keep it up to date when the clerk edits an input.

`formula_for(completion, result)` gives the formula text as stored in a cell's `<f>` (no leading `=`),
or None when the value is to stay a plain value. `live_cells(workbook, completion, filled)` gives, for
the cells fill_cells wrote, a `LiveCell` (sheet, cell, formula, cached value, number format) for each
that has a formula: what a package writer needs to store `<f>` with its `<v>`, so that a program reading
cached values (LibreOffice without recalculation, pandas, an import program) sees the same number as
Excel after recalculation. openpyxl cannot store a formula's cached value, so fill_cells keeps writing
values; these are for the package patcher that writes both.

The mapping is per derivation kind (model.Derivation), never per form:

- `sum`, `column_sum`: `SUM(C7:G7)` when every weight is +1 (contiguous cells as ranges), else the
  terms with their signs, `B7-C7-C18-F18`; a score total is `ROUND(…,2)`.
- `ratio`: `IF(OR(E5="",N(D5)=0),"",E5/D5)`: blank, as perfxlsx leaves it, when the numerator is blank
  or the denominator blank or 0.
- `budget_score`: `IF(OR(G5="",H5=""),"",ROUND(G5*MIN(H5,1),2))`: 分值 × min(执行率, 100%).
- `weighted_score`: `IF(OR(F9="",G9=""),"",ROUND(F9*G9,2))`: 指标权重 × 得分系数.
- `total_score`: `ROUND(SUM(I5,G14:G20),2)`, each part as the form shows it (a typed score with more
  than 2 decimals is `ROUND(…,2)` first, as derive.score_sum takes it); under a scheme with [[caps]],
  `MIN(总分, the cap of the band ROUND(执行率*100,2) falls in)` — overlapping bands as nested IFs in the
  order scoring.cap_total goes through them — and 总分 uncapped while the 执行率 cell is blank.
- `grade`: `IF(G21="","",IF(G21>=90,"优",IF(G21>=80,"良",IF(G21>=60,"中","差"))))` from the scheme's
  [[grades]], highest floor first, the lowest band as the rest (scoring.grade_of).
- `indicator_score` keeps its value: the score is read from text (`≥50个`, `达成`, a deadline), by the
  scheme's rules of direction, units and overshoot; that is no spreadsheet arithmetic.

An input is named by its cell (the top-left cell of a merged range, `'收支情况'!C9` on another sheet)
when that cell holds the number perfxlsx used: a number the clerk typed (referred to as it is), a blank
(0 in a sum, blank elsewhere, as perfxlsx counts it), or a derived cell perfxlsx fills itself (chains are
fine). The formula is None when an input has no cell on the form, or its cell holds text (`—`, `1,234`,
`87%` typed as text, a `标签：值` cell), an unreadable value, a typed value found wrong (set aside:
perfxlsx used the computed one), or a computed value the cell will not hold. The one input that is no
cell is the points a section title prints (`预算执行情况（20分）`, or the layout's default where it prints
none): a constant of the form, written into the formula as a number. Amounts are stored in the unit of
their sheet (writing.cell_value): an amount on a `单位：元` sheet entering a 万元 cell is `/10000`, a
万元 one entering a 元 cell `*10000`.

Rounding (舍入): the formula computes what perfxlsx computes, and rounds where perfxlsx rounds.
- Scores (`score`) are rounded half-up to 0.01 by perfxlsx (derive.rounded, the value shown and the
  value what is built on it uses): their formulas are `ROUND(…,2)`, and the cached value is the rounded
  score, so formula, cached value and display agree to the digit.
- Rates (`rate`) are carried unrounded by perfxlsx into what is built on them (预算执行得分 is 分值 ×
  the exact 执行率; only the 0.01% shown is rounded): their formulas are not rounded either, so that
  `ROUND(G5*MIN(H5,1),2)` on the cell gives perfxlsx's score. The cached value is the exact ratio (the
  formula's result); the cell's `0.00%` format shows it rounded half-up to 0.01%, as perfxlsx's value is
  shown. (A value written without formula, `--values`, is the rate rounded to 0.01%: it shows the same.)
  A filled rate that keeps a value (no formula) holds that rounded rate, not the one perfxlsx carries,
  so a formula does not build on it unless the two are equal.
- Amounts are sums of typed amounts: no rounding in perfxlsx, none in the formula (`#,##0.00`).
- 评价等次 compares the 总分 cell (rounded to 0.01 when perfxlsx fills it) with the scheme's floors, as
  grade_of compares the 总分 shown.

Where a formula and perfxlsx may part: only after an edit, never for the values perfxlsx computed —
a sum all of whose parts are blank shows 0 (perfxlsx leaves it blank), and Excel's binary floating point
may round a half-way score (x.xx5) the other way from perfxlsx's decimal arithmetic.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real
from typing import NamedTuple

from openpyxl.utils import column_index_from_string
from openpyxl.utils.cell import coordinate_from_string

from .derive import Completion, Result, rounded
from .layout import NUMBER_FORMATS
from .model import Derivation, Slot
from .reading import label_points
from .scoring import load_scheme

#: Derivation kinds that get a formula (when their inputs allow it).
FORMULA_KINDS = ("sum", "column_sum", "ratio", "budget_score", "weighted_score", "total_score", "grade")
#: Derivation kinds that always keep a value, and why.
VALUE_KINDS = {"indicator_score": "指标得分由指标值文字（≥50个、达成、时限）按评分方案解读得出，不是表格算式"}


class LiveCell(NamedTuple):
    """One filled cell as a live formula (公式单元格): what a package writer stores in it, as a tuple
    (sheet, cell, formula, cached_value, number_format).

    `sheet` and `cell` (A1, the top-left cell of a merged range) name it; `formula` is the text of `<f>`
    (no leading `=`); `cached_value` the formula's result as perfxlsx computed it, for `<v>` (float for
    amounts, rates and scores; int for counts; str for a grade, a `t="str"` result); `number_format` the
    cell's format (its own, or perfxlsx's for the type where it had none)."""

    sheet: str
    cell: str
    formula: str
    cached_value: float | int | str
    number_format: str


def formula_for(completion: Completion, result: Result, filled: Collection[str] | None = None) -> str | None:
    """The Excel formula of `result`'s cell (text of `<f>`, no `=`), or None where its value stays a value.

    `filled`: keys of the derived cells perfxlsx writes (default: completion.to_fill()); a derived input
    is referred to by its cell only when that cell will hold perfxlsx's value."""
    return _Formulas(completion, filled).formula(result)


def live_cells(
    workbook, completion: Completion, filled: Iterable[Result], built: dict[str, str | None] | None = None
) -> list[LiveCell]:
    """A LiveCell for each cell of `filled` (what writing.fill_cells wrote) that has a formula, in that
    order. The cells without formula hold their value, as fill_cells wrote it. `workbook` (openpyxl) gives
    each cell's own number format; None (a package, never loaded into openpyxl): the type's format.
    `built`: the formulas by key already built for exactly these filled cells (with_formulas' writes),
    taken as they are instead of being built again."""
    results = list(filled)
    keys = {r.key for r in results}
    formulas = _Formulas(completion, keys)
    if built is not None and set(built) == keys:
        formulas.memo.update(built)
    out = []
    for result in results:
        text = formulas.formula(result)
        if text is None:
            continue
        slot = completion.filing.slots[result.key]
        assert slot.sheet is not None and slot.cell is not None  # a filled cell is found
        cell = completion.filing.anchor(slot.sheet, slot.cell)
        number_format = workbook[slot.sheet][cell].number_format if workbook is not None else "General"
        if number_format == "General" and slot.type in NUMBER_FORMATS:
            number_format = NUMBER_FORMATS[slot.type]
        out.append(LiveCell(slot.sheet, cell, text, cached_value(slot, result.value), number_format))
    return out


def with_formulas(completion: Completion, planned: list) -> list:
    """The planned cell writes (writing.planned_writes: (result, CellWrite) pairs) with each derived cell that
    is spreadsheet arithmetic holding its formula, and as its cached result the value perfxlsx computed
    (cached_value): Excel and WPS update it when an input is edited, LibreOffice, pandas and an import
    program read the value without recalculating. A value read from text, or written inside a label, stays
    a value."""
    from dataclasses import replace

    formulas = _Formulas(completion, {result.key for result, _ in planned})
    out = []
    for result, write in planned:
        slot = completion.filing.slots[result.key]
        text = formulas.formula(result) if slot.inline_label is None else None
        if text is not None:
            write = replace(write, formula=text, value=cached_value(slot, result.value))
        out.append((result, write))
    return out


def cached_value(slot: Slot, value) -> float | int | str:
    """The formula's result as a cell stores it: amounts in the sheet's unit, scores rounded to 0.01 (as
    the formula rounds them), rates exact (the formula does not round them), counts whole, text as is."""
    if isinstance(value, str):
        return value
    if slot.type == "amount":
        return float(Decimal(value) / slot.scale)
    if slot.type == "score":
        return float(rounded(Decimal(value), "score"))
    if slot.type == "count":
        return int(value)
    return float(value)


# ---- building ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Term:
    """One operand of a formula: its text (a cell, a cell with its unit factor, a number), the cell it
    reads (`ref`, "" for a number), and for a bare cell where it stands, so that neighbouring cells can be
    written as a range."""

    text: str
    ref: str = ""
    sheet: str | None = None  # set for a bare cell only
    row: int = 0
    col: int = 0
    prefix: str = ""  # the `'表'!` of a cell on another sheet


class _Formulas:
    """The formulas of one completion, each built once (chains look at their inputs' formulas)."""

    def __init__(self, completion: Completion, filled: Collection[str] | None):
        self.c = completion
        self.slots = completion.filing.slots
        self.filled = set(filled) if filled is not None else {r.key for r in completion.to_fill()}
        self.memo: dict[str, str | None] = {}

    def formula(self, result: Result) -> str | None:
        key = result.key
        if key not in self.memo:
            self.memo[key] = None  # a cycle cannot come from the layouts; guard anyway
            self.memo[key] = self._build(result)
        return self.memo[key]

    def _build(self, result: Result) -> str | None:
        d = result.derivation
        target = self.slots.get(d.target)
        if target is None or not target.found or target.inline_label is not None or d.kind not in FORMULA_KINDS:
            return None
        return getattr(self, "_" + d.kind)(target, d)

    # ---- inputs -----------------------------------------------------------------------------------
    def holds_value(self, slot: Slot, in_sum: bool = False) -> bool:
        """Does `slot`'s cell hold the number perfxlsx used for it (see the module's docstring)? `in_sum`:
        as a bare operand of SUM, which skips text as perfxlsx skips an empty marker (`—`, `/`)."""
        if not slot.found or slot.inline_label is not None or slot.error is not None or slot.key in self.c.set_aside:
            return False
        if self.c.uses_stated(slot.key):
            return isinstance(slot.raw, Real) and not isinstance(slot.raw, bool)
        if slot.key in self.filled:
            result = self.c.results[slot.key]
            if slot.type == "rate" and self.formula(result) is None:  # filled as a value: rounded to 0.01%
                return rounded(result.value, "rate") == result.value
            return True
        # blank, or text read as nothing (perfxlsx: blank), and perfxlsx takes it as blank
        return (slot.raw is None or in_sum and isinstance(slot.raw, str)) and self.c.shown(slot.key) is None

    def constant(self, slot: Slot) -> Decimal | None:
        """The points a section title prints (or the layout's default where it prints none): an input
        that is no cell of its own."""
        if slot.key in self.c.results or slot.type != "score" or not isinstance(slot.value, Decimal):
            return None
        if slot.cell is None:
            return slot.value
        if isinstance(slot.raw, str) and slot.error is None and label_points(slot.raw) == slot.value:
            return slot.value
        return None

    def term(self, key: str, target: Slot, unit: Decimal = Decimal(1), in_sum: bool = False) -> _Term | None:
        """Input `key` as an operand of a formula in `target`'s cell; an amount converted to `unit` (万元
        per unit of the result: the target's scale, or 1 for a ratio's parts); `in_sum`: a SUM's operand.
        None: not referable."""
        slot = self.slots.get(key)
        if slot is None:
            return None
        constant = self.constant(slot)
        if constant is not None:
            return _Term(_number(constant))
        factor = slot.scale / unit if slot.type == "amount" else Decimal(1)
        if not self.holds_value(slot, in_sum and factor == 1):
            return None
        assert slot.cell is not None
        cell = self.c.filing.anchor(slot.sheet, slot.cell)
        prefix = "" if slot.sheet == target.sheet else f"{_quoted(slot.sheet or '')}!"
        ref = f"{prefix}{cell}"
        if factor != 1:
            return _Term(ref + (f"*{_number(factor)}" if factor > 1 else f"/{_number(1 / factor)}"), ref)
        letters, row = coordinate_from_string(cell)
        return _Term(ref, ref, slot.sheet, row, column_index_from_string(letters), prefix)

    def terms(
        self, keys: Iterable[str], target: Slot, unit: Decimal = Decimal(1), in_sum: bool = False
    ) -> list[_Term] | None:
        out = [self.term(key, target, unit, in_sum) for key in keys]
        return None if any(t is None for t in out) else out  # type: ignore[return-value]

    # ---- kinds ------------------------------------------------------------------------------------
    def _sum(self, target: Slot, d: Derivation) -> str | None:
        weights = [w for _, w in d.inputs]
        plain = all(w == 1 for w in weights)
        terms = self.terms([k for k, _ in d.inputs], target, target.scale, in_sum=plain)
        if not terms:
            return None
        if plain:
            body = f"SUM({_runs(terms)})"
        else:
            body = ""
            for term, weight in zip(terms, weights):
                sign = "-" if weight < 0 else ("+" if body else "")
                factor = "" if abs(weight) == 1 else f"{abs(weight)}*"
                body += f"{sign}{factor}{term.text}"
        return f"ROUND({body},2)" if target.type == "score" else body

    _column_sum = _sum

    def _ratio(self, target: Slot, d: Derivation) -> str | None:
        (num_key, _), (den_key, _) = d.inputs
        unit = target.scale if target.type == "amount" else Decimal(1)
        num, den = self.term(num_key, target, unit), self.term(den_key, target)
        if num is None or den is None:
            return None
        guard = [f'{num.ref}=""'] if num.ref else []
        guard += [f"N({den.ref})=0"] if den.ref else []
        body = f"{num.text}/" + (f"({den.text})" if den.text != den.ref and den.ref else den.text)
        if target.type == "score":
            body = f"ROUND({body},2)"
        return _guarded(guard, body)

    def _budget_score(self, target: Slot, d: Derivation) -> str | None:
        terms = self.terms([k for k, _ in d.inputs], target)
        if terms is None:
            return None
        weight, rate = terms
        return _guarded(_blank(terms), f"ROUND({weight.text}*MIN({rate.text},1),2)")

    def _weighted_score(self, target: Slot, d: Derivation) -> str | None:
        terms = self.terms([k for k, _ in d.inputs], target)
        if terms is None:
            return None
        weight, coefficient = terms
        return _guarded(_blank(terms), f"ROUND({weight.text}*{coefficient.text},2)")

    def _total_score(self, target: Slot, d: Derivation) -> str | None:
        terms = self.terms([k for k, _ in d.inputs], target, in_sum=True)
        if not terms:
            return None
        for i, (key, _) in enumerate(d.inputs):  # each score as the form shows it (derive.score_sum)
            value = self.slots[key].value if self.c.uses_stated(key) else None
            if isinstance(value, Decimal) and rounded(value, "score") != value:
                terms[i] = _Term(f"ROUND({terms[i].text},2)", terms[i].ref)
        total = f"ROUND(SUM({_runs(terms)}),2)"
        caps = load_scheme(self.c.scheme).get("caps", [])
        rate_key = f"{d.target.split('.')[0]}.money.total.rate"
        if not caps or rate_key not in self.slots:
            return total
        rate = self.term(rate_key, target)
        if rate is None:  # the rate has no cell of its own: capped only where it is not known at all
            return total if self.c.shown(rate_key) is None else None
        percent = f"ROUND({rate.text}*100,2)"  # as printed: scoring.cap_total
        bands = [tuple(Decimal(str(cap[k])) for k in ("from", "below", "max_total")) for cap in caps]
        ordered = sorted(bands)
        if all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:])):  # one band at most: MIN(总分, its cap)
            limit_of = total
            for low, below, limit in reversed(bands):
                limit_of = f"IF(AND({percent}>={_number(low)},{percent}<{_number(below)}),{_number(limit)},{limit_of})"
            capped = f"ROUND(MIN({total},{limit_of}),2)"
        else:  # overlapping bands: the first that caps, as cap_total goes through them
            capped = total
            for low, below, limit in reversed(bands):
                capped = (
                    f"IF(AND({percent}>={_number(low)},{percent}<{_number(below)},{total}>{_number(limit)}),"
                    f"{_number(rounded(limit, 'score'))},{capped})"
                )
        return f'IF({rate.text}="",{total},{capped})'

    def _grade(self, target: Slot, d: Derivation) -> str | None:
        total = self.term(d.inputs[0][0], target)
        if total is None:
            return None
        bands = sorted(load_scheme(self.c.scheme)["grades"], key=lambda b: -b["floor"])
        body = _text(bands[-1]["name"])
        for band in reversed(bands[:-1]):
            body = f"IF({total.text}>={_number(Decimal(str(band['floor'])))},{_text(band['name'])},{body})"
        return _guarded(_blank([total]), body)


# ---- text ---------------------------------------------------------------------------------------
def _number(value: Decimal) -> str:
    """A number as a formula writes it: 10000, 0.5, 94 (no exponent, no trailing zeros)."""
    return f"{Decimal(value).normalize():f}"


def _quoted(sheet: str) -> str:
    """A sheet name as a reference writes it: always quoted, a quote doubled (`'收支情况'`)."""
    return "'" + sheet.replace("'", "''") + "'"


def _text(value: str) -> str:
    return '"' + str(value).replace('"', '""') + '"'


def _blank(terms: list[_Term]) -> list[str]:
    """`X=""` for each operand that is a cell (a constant is never blank)."""
    return [f'{t.ref}=""' for t in terms if t.ref]


def _guarded(conditions: list[str], body: str) -> str:
    """`body`, blank (`""`) when any condition holds: perfxlsx leaves the cell blank then."""
    if not conditions:
        return body
    test = conditions[0] if len(conditions) == 1 else f"OR({','.join(conditions)})"
    return f'IF({test},"",{body})'


def _runs(terms: list[_Term]) -> str:
    """The operands of a SUM, neighbouring cells of one column or one row as a range (`G14:G20`)."""
    parts: list[str] = []
    run: list[_Term] = []

    def close() -> None:
        if len(run) == 1:
            parts.append(run[0].text)
        elif run:
            first, last = run[0].text, run[-1].text.removeprefix(run[-1].prefix)
            parts.append(f"{first}:{last}")
        run.clear()

    for term in terms:
        if term.sheet is None:
            close()
            parts.append(term.text)
            continue
        if run and _extends(run, term):
            run.append(term)
            continue
        close()
        run.append(term)
    close()
    return ",".join(parts)


def _extends(run: list[_Term], term: _Term) -> bool:
    """Is `term` the next cell of `run`, down its column or along its row?"""
    last = run[-1]
    if term.sheet != last.sheet:
        return False
    down = term.col == last.col and term.row == last.row + 1
    along = term.row == last.row and term.col == last.col + 1
    if len(run) == 1:
        return down or along
    return down if run[1].col == run[0].col else along
