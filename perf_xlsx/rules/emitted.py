"""Findings emitted outside the audit (读取问题与重算记录), titled and graded by their catalogue entries.

The reader's problems become `read-<problem>` findings; a value `fill --recompute` replaced becomes a
`recomputed` one. Their title, severity and (for recomputed) message template are in rules.toml.
"""

from __future__ import annotations

from typing import Any

from ..derive import Completion
from ..model import Slot
from ..report import Finding
from .catalogue import rule


def reading_findings(completion: Completion) -> list[Finding]:
    """Reading problems (a field not found, a value not readable) as findings, so none is silent.

    A value that cannot be known — unreadable text, an error value (#DIV/0!), a formula perfxlsx does
    not work out, a number merged over two fields — is an 错误; the rest (not found, hidden, a duplicate
    sheet) are 提示: as rules.toml grades them."""
    out = []
    for p in completion.filing.problems:
        entry = rule(f"read-{p['kind']}")
        out.append(
            Finding(
                rule=entry.id,
                severity=entry.severity,
                sheet=p["sheet"],
                cell=p["cell"],
                message=p["message"],
                title=entry.title,
            )
        )
    return out


def recomputed_finding(slot: Slot, old: Any, new: Any, old_text: str, new_text: str) -> Finding:
    """A stated value `fill --recompute` replaced by its computed value (the old one is kept in a comment)."""
    entry = rule("recomputed")
    return Finding(
        rule=entry.id,
        severity=entry.severity,
        sheet=slot.sheet,
        cell=slot.cell,
        labels=[slot.label],
        stated=old,
        computed=new,
        title=entry.title,
        value_type=slot.type,
        scale=slot.scale,
        message=entry.message.format(label=slot.label, stated=old_text, computed=new_text),
    )


def output_finding(rule_id: str, message: str, sheet: str | None = None) -> Finding:
    """Something fill says about the output it writes (`output-<what>`, 输出提示): a sheet of ours renamed
    beside a clerk's sheet of the same name, content of the input that does not survive."""
    entry = rule(rule_id)
    return Finding(rule=entry.id, severity=entry.severity, sheet=sheet, cell=None, message=message, title=entry.title)
