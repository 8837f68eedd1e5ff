"""Field keys (字段键): the names of the values read from a workbook, built and taken apart here only.

A key is dotted, `<form>.<section>.<field…>`: the form's prefix (`basic`, `ie`, `dept`, `proj1`, `cover`,
`overview`: one per sheet read, see layout.py), the id of a section of its layout, then the ids of the row
and column within it (`dept.money.total.rate`, `ie.income.summary.total`). An indicator row is
`<form>.indicators[n].<column>`; a form's 总分 `<form>.closing.total`. Rule parameters that name a column
of another table write it `table.column`.
"""

from __future__ import annotations

SEP = "."
PROJECT = "proj"  # prefix of the n-th 项目支出绩效自评表: proj1, proj2 …


def join(*parts: object) -> str:
    """`join("dept", "money", "total", "rate")` → `dept.money.total.rate`."""
    return SEP.join(str(p) for p in parts)


def split(key: str) -> list[str]:
    """The parts of a key: `ie.income.3.total` → ["ie", "income", "3", "total"]."""
    return key.split(SEP)


def prefix(key: str) -> str:
    """The form a key belongs to: `proj2.money.total.rate` → `proj2`."""
    return key.split(SEP, 1)[0]


def parent(key: str) -> str:
    """The key without its last part: `dept.indicators[3].score` → `dept.indicators[3]`."""
    return key.rsplit(SEP, 1)[0]


def project(n: int) -> str:
    """The prefix of the n-th 项目支出绩效自评表."""
    return f"{PROJECT}{n}"


def project_number(form: str) -> str:
    """`proj3` → `3`; "" for a prefix that is not a project's."""
    return form[len(PROJECT) :] if form.startswith(PROJECT) else ""


def indicator(form: str, n: int) -> str:
    """The n-th indicator row of a form (1-based): `dept.indicators[7]`."""
    return f"{form}{SEP}indicators[{n}]"


def subtotal(form: str, column: str) -> str:
    """A 合计/小计 row of a form's indicator table: `dept.indicators.subtotal.score`."""
    return join(form, "indicators", "subtotal", column)


def money_total(form: str, column: str) -> str:
    """A column of a form's 年度资金总额 row: `proj1.money.total.rate`."""
    return join(form, "money", "total", column)


def head(form: str, field: str) -> str:
    """A field of a form's head (表头): `proj1.head.name`."""
    return join(form, "head", field)


def closing_total(form: str) -> str:
    """A form's 总分."""
    return join(form, "closing", "total")


def closing_grade(form: str) -> str:
    """A form's 评价等次."""
    return join(form, "closing", "grade")


def table_column(text: str) -> tuple[str, str]:
    """A rule parameter naming a column of a table, `income.total` → ("income", "total")."""
    table, column = text.split(SEP)
    return table, column
