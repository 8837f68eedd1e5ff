"""Label normalisation (标签规范化) so fields are found by their labels, however a clerk typed them."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["clean", "label_key", "split_inline"]

_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_CN_NUM = "一二三四五六七八九十百零〇"
_UNIT = r"(?:万元|元|人|㎡|m2|%|个)"

# Decorations removed by label_key (after clean(), so colons/brackets are ASCII).
_LEADING = re.compile(
    r"^(?:"
    r"[0-9]+[、.](?![0-9])"  # 1、  1.  1．  (but not the number '1.5')
    r"|[0-9]+\)"  # 1)
    r"|\([0-9]+\)"  # (1)  （1）  ①
    rf"|[{_CN_NUM}]+[、.]"  # 一、  十二、
    rf"|\([{_CN_NUM}]+\)"  # (一)  （十二）
    r"|其中:"  # 其中：
    r")"
)
_TRAILING = re.compile(rf"(?::|\({_UNIT}\)|\(单位:{_UNIT}\))$")

# split_inline works on the original text so the value keeps its characters.
_QIZHONG = re.compile(r"^\s*(?:其\s*中\s*[:：﹕]\s*)+")
_COLON = re.compile(r"[:：﹕]")


def _circled_to_parens(text: str) -> str:
    """'①' -> '(1)' before NFKC, which would otherwise turn it into a bare '1' (圆圈序号)."""
    out = []
    for c in text:
        if c > "\u2400" and "CIRCLED" in unicodedata.name(c, ""):
            n = unicodedata.numeric(c, None)
            if n is not None and n == int(n):
                out.append(f"({int(n)})")
                continue
        out.append(c)
    return "".join(out)


def clean(text: object) -> str:
    """NFKC and remove all whitespace (去空白); None -> '', other values -> str(value)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    # Repeat: a removed space can let NFKC compose what it separated ('A \u0301' -> 'Á').
    while (out := _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))) != text:
        text = out
    return out


#: The longest text the label functions remember (their caches): labels are short, and a long text (a
#: paragraph of 实际完成情况) is rarely met again and would only hold memory in a worker of a long batch.
REMEMBERED_CHARS = 200


def label_key(text: object) -> str:
    """clean(), then strip enumerations, '其中:', trailing ':' and unit brackets (标签键)."""
    if isinstance(text, str):
        return _text_key(text) if len(text) <= REMEMBERED_CHARS else _text_key.__wrapped__(text)
    return _key(clean(text))


@lru_cache(maxsize=1 << 14)
def _text_key(text: str) -> str:
    """label_key of a text, remembered: a workbook's sheets, and the forms of one family, repeat their labels."""
    return _key(clean(_circled_to_parens(text)))


def _key(key: str) -> str:
    """A cleaned text without its enumeration, '其中:', trailing ':' and unit brackets."""
    while True:
        stripped = _TRAILING.sub("", _LEADING.sub("", key, count=1), count=1)
        if stripped == key:
            return key
        key = stripped


_ANNOTATION = re.compile(r"\([^()]*\)$")


def bare_key(key: str) -> str:
    """A label key without the bracketed annotations at its end (标注): a formula, a unit, points or a
    letter, as headers carry them: `得分(20分×执行率)` → `得分`, `预算数(A)` → `预算数`. A key that is
    nothing but brackets stays as it is. Remembered, as label_key is."""
    return _bare_key(key) if len(key) <= REMEMBERED_CHARS else _bare_key.__wrapped__(key)


@lru_cache(maxsize=1 << 14)
def _bare_key(key: str) -> str:
    while (stripped := _ANNOTATION.sub("", key)) != key and stripped:
        key = stripped
    return key


def split_inline(text: object) -> tuple[str, str] | None:
    """Label and value typed into one cell (同格标签与值): '单位：万元' -> ('单位', '万元')."""
    if text is None:
        return None
    text = text if isinstance(text, str) else str(text)
    return _split_inline(text) if len(text) <= REMEMBERED_CHARS else _split_inline.__wrapped__(text)


@lru_cache(maxsize=1 << 14)
def _split_inline(text: str) -> tuple[str, str] | None:
    """split_inline of a text, remembered (every text cell of every sheet is asked)."""
    raw = _QIZHONG.sub("", text)
    m = _COLON.search(raw)
    if m is None:
        return None
    label = label_key(raw[: m.start()])
    if not label:
        return None
    return label, raw[m.end() :].strip()
