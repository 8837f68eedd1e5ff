"""Formulas saved without a result (未保存计算结果的公式), worked out exactly in Decimal.

Only what the forms use: numbers, cell references (`B5`, `$B$5`, `基础数据表!B5`, `'收支 情况'!B5`),
`+ - * /`, parentheses, `SUM(…)` over cells, ranges and expressions, and `ROUND(x, n)`. A tiny
recursive-descent parser — never eval. Anything else raises Unsupported with the reason, so the cell
is reported (rule read-formula) instead of guessed; an Excel error (÷0) raises FormulaError.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from openpyxl.utils import column_index_from_string

MAX_DEPTH = 40  # formulas referring to formulas
MAX_NESTING = 30  # parentheses and function calls inside one another
MAX_LENGTH = 2_000  # characters of one formula
FUNCTIONS = ("SUM", "ROUND")
ERRORS = ("#DIV/0!", "#REF!", "#VALUE!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA")


class Unsupported(Exception):
    """A formula perfxlsx does not work out; the message (Chinese) says what."""


class FormulaError(Exception):
    """The formula's result is an Excel error value, e.g. #DIV/0!."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)(?![A-Za-z0-9_])"
    r"|(?:(?P<sheet>'(?:[^']|'')+'|[^\W\d][\w.]*)!)?\$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>[0-9]{1,7})"
    r"(?::\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>[0-9]{1,7}))?(?![\w(!])"
    r"|(?P<func>[A-Za-z][A-Za-z0-9.]*)\s*\("
    r"|(?P<op>[-+*/(),])"
    r")"
)

#: a value source: (sheet, row, col) -> the cell's value (may raise Unsupported/FormulaError)
Lookup = Callable[[str, int, int], object]


def tokens(text: str) -> list[tuple]:
    """The formula's tokens: ('num', Decimal) ('ref', sheet|None, r1, c1, r2, c2) ('func', NAME) ('op', ch)."""
    if len(text) > MAX_LENGTH:
        raise Unsupported("公式过长")
    out: list[tuple] = []
    pos, text, depth = 0, text.rstrip(), 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unsupported(f"含有不支持的内容“{text[pos : pos + 12].strip()}”")
        pos = m.end()
        if m["number"]:
            out.append(("num", Decimal(m["number"])))
        elif m["func"] and m["func"].upper() not in FUNCTIONS:
            raise Unsupported(f"函数 {m['func'].upper()} 不在 perfxlsx 计算的范围内（只算 SUM、ROUND 和四则运算）")
        elif m["func"] or m["op"]:
            out.append(("func", m["func"].upper()) if m["func"] else ("op", m["op"]))
            depth += 1 if m["func"] or m["op"] == "(" else -1 if m["op"] == ")" else 0
            if depth > MAX_NESTING:
                raise Unsupported("括号嵌套过深")
        else:
            sheet = m["sheet"]
            if sheet and sheet.startswith("'"):
                sheet = sheet[1:-1].replace("''", "'")
            r1, c1 = int(m["r1"]), column_index_from_string(m["c1"].upper())
            r2, c2 = (int(m["r2"]), column_index_from_string(m["c2"].upper())) if m["c2"] else (r1, c1)
            if min(r1, r2) < 1 or max(r1, r2) > 1_048_576 or max(c1, c2) > 16_384:
                raise Unsupported("引用的单元格地址无效")
            out.append(("ref", sheet, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return out


class _Parser:
    def __init__(self, toks: list[tuple], sheet: str, lookup: Lookup, cells: Callable):
        self.toks, self.i, self.sheet, self.lookup, self.cells = toks, 0, sheet, lookup, cells

    def peek(self, *ops: str) -> bool:
        return self.i < len(self.toks) and self.toks[self.i][0] == "op" and self.toks[self.i][1] in ops

    def take(self, op: str) -> None:
        if not self.peek(op):
            raise Unsupported("公式不完整或写法有误")
        self.i += 1

    def expr(self) -> Decimal:
        value = self.term()
        while self.peek("+", "-"):
            op = self.toks[self.i][1]
            self.i += 1
            right = self.term()
            value = value + right if op == "+" else value - right
        return value

    def term(self) -> Decimal:
        value = self.unary()
        while self.peek("*", "/"):
            op = self.toks[self.i][1]
            self.i += 1
            right = self.unary()
            if op == "/" and right == 0:
                raise FormulaError("#DIV/0!")
            value = value * right if op == "*" else value / right
        return value

    def unary(self) -> Decimal:
        if self.peek("-"):
            self.i += 1
            return -self.unary()
        if self.peek("+"):
            self.i += 1
            return self.unary()
        return self.primary()

    def primary(self) -> Decimal:
        if self.i >= len(self.toks):
            raise Unsupported("公式不完整")
        tok = self.toks[self.i]
        self.i += 1
        if tok[0] == "num":
            return tok[1]
        if tok[0] == "ref":
            if tok[2:4] != tok[4:6]:
                raise Unsupported("区域只能用在 SUM 中")
            return _number(self.lookup(tok[1] or self.sheet, tok[2], tok[3]), strict=True)
        if tok[0] == "func":
            return self.call(tok[1])
        if tok == ("op", "("):
            value = self.expr()
            self.take(")")
            return value
        raise Unsupported("公式写法有误")

    def call(self, name: str) -> Decimal:
        if name == "SUM":
            total = Decimal(0)
            while not self.peek(")"):
                total += self.sum_arg()
                if not self.peek(")"):
                    self.take(",")
            self.take(")")
            return total
        if name == "ROUND":
            x = self.expr()
            self.take(",")
            n = self.expr()
            self.take(")")
            if n != n.to_integral_value() or abs(n) > 30:
                raise Unsupported("ROUND 的位数应为整数")
            step = Decimal(1).scaleb(-int(n))
            if n >= 0:
                return x.quantize(step, rounding=ROUND_HALF_UP)
            return (x / step).quantize(1, rounding=ROUND_HALF_UP) * int(step)
        raise Unsupported(f"函数 {name} 不在 perfxlsx 计算的范围内（只算 SUM、ROUND 和四则运算）")

    def sum_arg(self) -> Decimal:
        """A reference or range adds its numbers (text and empty cells are skipped, as Excel does)."""
        tok = self.toks[self.i] if self.i < len(self.toks) else None
        follows = self.toks[self.i + 1] if self.i + 1 < len(self.toks) else ("op", ")")
        if tok and tok[0] == "ref" and follows[0] == "op" and follows[1] in (",", ")"):
            self.i += 1
            sheet = tok[1] or self.sheet
            return sum(
                (_number(self.lookup(sheet, r, c), strict=False) for r, c in self.cells(sheet, *tok[2:6])), Decimal(0)
            )
        return self.expr()


def _number(value, strict: bool) -> Decimal:
    """A referenced cell's value as a number; empty is 0. Text is skipped in SUM (strict=False)."""
    from .numbers import CellIssue

    if value is None:
        return Decimal(0)
    if isinstance(value, str) and value.strip().upper() in ERRORS:
        raise FormulaError(value.strip().upper())
    if isinstance(value, CellIssue):
        raise Unsupported(value.reason or "引用的单元格无法计算")
    if isinstance(value, bool):
        if strict:
            raise Unsupported("引用的单元格是逻辑值")
        return Decimal(0)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if strict:
        raise Unsupported(f"引用的单元格不是数字（“{str(value)[:20]}”）")
    return Decimal(0)


def evaluate(text: str, sheet: str, lookup: Lookup, cells: Callable) -> Decimal:
    """The value of formula `text` (with or without the leading '=') on `sheet`.

    `lookup(sheet, row, col)` gives a cell's value; `cells(sheet, r1, c1, r2, c2)` the (row, col) of
    the non-empty cells of a range (so SUM(A:A)-sized ranges cost only what is filled).
    """
    body = text[1:] if text.startswith("=") else text
    with localcontext() as ctx:
        ctx.prec = 40
        try:
            parser = _Parser(tokens(body), sheet, lookup, cells)
            value = parser.expr()
        except (InvalidOperation, OverflowError) as exc:
            raise Unsupported("数值超出范围") from exc
        except RecursionError as exc:
            raise Unsupported("公式层层引用过深") from exc
        if parser.i != len(parser.toks):
            raise Unsupported("公式写法有误")
    return value


def resolve(grids, missing) -> None:
    """Put a value into each formula cell of `missing` [(grid, (row, col))] that has no saved result:
    the exact Decimal when the formula is simple, the error code (#DIV/0!) when it gives one, else a
    CellIssue saying why, which the reader reports at the cell (rule read-formula)."""
    from .numbers import CellIssue

    by_title = {g.title: g for g in grids}
    todo = {(g.title, pos): g.formulas[pos] for g, pos in missing}
    done: dict[tuple, object] = {}
    active: list[tuple] = []

    def value_of(title: str, pos: tuple[int, int]):
        key = (title, pos)
        if key in done:
            outcome = done[key]
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        if key not in todo:
            grid = by_title.get(title)
            if grid is None:
                raise Unsupported(f"引用了不存在的工作表“{title}”")
            return grid.values.get(pos)
        if key in active:
            raise Unsupported("公式循环引用")
        if len(active) >= MAX_DEPTH:
            raise Unsupported("公式层层引用过深")
        active.append(key)
        try:
            outcome = evaluate(todo[key], title, lambda s, r, c: value_of(s, (r, c)), cells)
        except (Unsupported, FormulaError) as exc:
            outcome = exc
        finally:
            active.pop()
        done[key] = outcome
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def cells(title: str, r1: int, c1: int, r2: int, c2: int):
        grid = by_title.get(title)
        if grid is None:
            raise Unsupported(f"引用了不存在的工作表“{title}”")
        if (r2 - r1 + 1) * (c2 - c1 + 1) <= len(grid.values):
            return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) in grid.values]
        return sorted(p for p in grid.values if r1 <= p[0] <= r2 and c1 <= p[1] <= c2)

    for grid, pos in missing:
        try:
            grid.values[pos] = value_of(grid.title, pos)
        except FormulaError as exc:
            grid.values[pos] = exc.code
        except Unsupported as exc:
            text = grid.formulas[pos]
            grid.values[pos] = CellIssue(
                text,
                f"公式“{text[:60]}”没有保存计算结果，perfxlsx 未计算它（{exc}）；"
                "请用 Excel 或 WPS 打开该文件并保存（会算出结果），或直接填写数值后再试",
                kind="formula",
                reason=str(exc),
            )
