"""文字排版 (how a spreadsheet lays text out): the lines a text takes wrapped in a cell of a given width.

Excel, WPS and LibreOffice do not grow the rows of a written file, so whoever writes wrapped text must set
each row's height: the forms of the template (template.fit_row_heights) and the sheets perfxlsx adds
(sheet_style.fit_rows) count lines with the same model, measured against LibreOffice's layout.
"""

from __future__ import annotations

import functools
import re

#: Pixels of a character at 10 pt (96 dpi): a CJK one is a full em (13.33 px); others about 7 px, as wide as a
#: column unit (Calibri 11's digit). Measured against LibreOffice's layout of the sample (wqy-zenhei, Carlito).
CJK_PX, OTHER_PX = 13.33, 7.0
LINE_PT, ROW_PADDING_PT = 13.0, 4.0  # a line of 10 pt text, and the room above and below the lines


#: Punctuation a line never starts with (，。、）…) and never ends with (（“《…): kept with its neighbour, as
#: spreadsheets lay CJK text out (禁则).
_CLOSING = "，。、；：！？）》」』】〕”’%％,.;:!?)]}·…—"
_OPENING = "（《「『【〔“‘([{"
#: Where a line may break (the pieces kept whole): after a CJK character; a run of other characters (a number,
#: a word) whole; punctuation with the character it belongs to.
_CHUNK = re.compile(
    f"[{re.escape(_OPENING)}]*(?:[\u2e80-\uffff]|[^\u2e80-\uffff{re.escape(_OPENING + _CLOSING)}]+)?[{re.escape(_CLOSING)}]*"
)


@functools.lru_cache(maxsize=4096)
def wrapped_lines(text: str, column_px: float, size: float = 10.0) -> int:
    """Lines a text takes in a (merged) cell `column_px` wide, at `size` pt, wrapped as spreadsheets wrap it.
    Remembered for the texts met again (labels, formulas and 处理 repeat from project to project)."""
    usable = max(column_px - 6, 1.0)
    scale = size / 10
    cjk, other = CJK_PX * scale, OTHER_PX * scale
    lines = 0
    for part in text.split("\n"):
        if _px(part) * scale <= usable:  # the whole line fits: no break
            lines += 1
            continue
        line, used = 1, 0.0
        for chunk in _CHUNK.findall(part):
            if len(chunk) == 1:
                px = cjk if chunk >= "\u2e80" else other
            elif chunk:
                px = _px(chunk) * scale
            else:
                continue
            if used and used + px > usable:
                line, used = line + 1, 0.0
            used += px
            while used > usable:  # a chunk longer than the line
                line, used = line + 1, used - usable
        lines += line
    return lines


_CJK = re.compile("[\u2e80-\uffff]")


def _px(text: str) -> float:
    """Width of text at 10 pt in pixels: CJK_PX for each character from U+2E80 on, OTHER_PX for the rest."""
    wide = len(text) - len(_CJK.sub("", text)) if not text.isascii() else 0
    return wide * CJK_PX + (len(text) - wide) * OTHER_PX
