"""What of a record is searched and filtered: its text per language and its facets."""

from __future__ import annotations

import re

from aulalocal import kinds
from aulalocal.i18n import LANGUAGES, localized

# Typed variants of the Quechua apostrophe (spec section 7). Inside a word they
# become U+02BC, which the FTS5 unicode61 tokenizer treats as a letter.
APOSTROPHES = "'\u2019\u02bc\u00b4`"
_LETTER_APOSTROPHE = "\u02bc"
# One pattern per apostrophe, starting with it: the regex engine then jumps
# from one occurrence to the next at C speed, where a leading character class
# is tried at every position (that took an apply more time than the rest of
# its search text preparation).
_IN_WORD = {a: re.compile(rf"{a}(?<=\w{a})(?=\w)") for a in APOSTROPHES if a != _LETTER_APOSTROPHE}
# After the in-word ones became U+02BC, the stray ones lack a letter on one side.
_STRAY = {a: re.compile(rf"{a}(?:(?<!\w{a})|(?!\w))") for a in APOSTROPHES}


def fold_apostrophes(text: str) -> str:
    """One apostrophe inside words, none outside them."""
    # Much text has no apostrophe at all: a few substring scans (C speed, and
    # instant for a character wider than any in the text) settle it.
    present = [a for a in APOSTROPHES if a in text]
    if not present:
        return text
    # One kind at a time gives what all kinds at once would: an apostrophe
    # becomes U+02BC only between two letters, so never next to another kind
    # whose fate that could change; and a stray one becomes a space only
    # where a letter was missing on one side anyway.
    for a in present:
        if a in _IN_WORD:
            text = _IN_WORD[a].sub(_LETTER_APOSTROPHE, text)
    for a in APOSTROPHES:
        if a in text:
            text = _STRAY[a].sub(" ", text)
    return text


# The rowid of a search_text row says what it is: bits 32 and up hold the
# language and the kind (its code in the kind table, 3 bits), the low 32 bits
# the record's rowid. A search in one language (and kind) is then a rowid
# range, which FTS5 answers inside the index instead of joining every match
# to its row.
LANG_CODES = {"es": 0, "qu": 1, "en": 2}
# A language or kind not listed (a newer app's data).
OTHER_CODE = kinds.OTHER_CODE
RECORD_BITS = 32
RECORD_MASK = (1 << RECORD_BITS) - 1


def search_rowid(record: int, lang: str, kind: str) -> int:
    """The search_text rowid of a record's text in ``lang``."""
    code = LANG_CODES.get(lang, OTHER_CODE) * 8 + kinds.active().code(kind)
    return (code << RECORD_BITS) | record


def rowid_range(lang: str, kind: str | None = None) -> tuple[int, int] | None:
    """Lowest and highest search_text rowid of ``lang`` (and ``kind``); None when not known."""
    table = kinds.active()
    if lang not in LANG_CODES or (kind is not None and kind not in table):
        return None
    first = LANG_CODES[lang] * 8 + (table.code(kind) if kind is not None else 0)
    last = first if kind is not None else LANG_CODES[lang] * 8 + 7
    return first << RECORD_BITS, ((last + 1) << RECORD_BITS) - 1


# Each language has full-text indexes of its own (catalog/db.py, migration 6):
# FTS5's bm25 counts, for every query, the rows holding each of its words
# in the whole index, so one index for all languages did three times that
# work and weighed a word by how common it was in the other languages too.
SEARCH_LANGS = tuple(LANG_CODES)


def text_index(lang: str) -> str:
    """The full-text index (title and body) of ``lang``'s search text."""
    return f"search_text_fts_{lang}"


def title_index(lang: str) -> str:
    """The index of ``lang``'s titles alone."""
    return f"search_title_fts_{lang}"


def search_indexes() -> dict[str, tuple[tuple[str, ...], tuple[int, int]]]:
    """Every full-text index over search_text: its columns and the rowids it holds."""
    out = {}
    for lang in SEARCH_LANGS:
        span = rowid_range(lang)
        out[text_index(lang)] = (("title", "body"), span)
        out[title_index(lang)] = (("title",), span)
    return out


def search_rowid_sql(record: str, lang: str, kind: str) -> str:
    """SQL computing ``search_rowid`` from column expressions (for migrations)."""
    langs = " ".join(f"WHEN '{k}' THEN {v}" for k, v in LANG_CODES.items())
    codes = " ".join(f"WHEN '{k}' THEN {v}" for k, v in kinds.active().codes.items())
    return (
        f"(((CASE {lang} {langs} ELSE {OTHER_CODE} END) * 8"
        f" + (CASE {kind} {codes} ELSE {OTHER_CODE} END)) << {RECORD_BITS}) | {record}"
    )


def facet_rows(record: int, kind: str, data: dict) -> list[tuple[int, str, str]]:
    rows = []
    for facet in kinds.active().kind(kind).facets:
        value = data.get(facet.field)
        values = value if isinstance(value, list) else [value] if value is not None else []
        rows.extend((record, facet.name, str(v)) for v in values)
    return rows


def search_rows(record: int, kind: str, data: dict) -> list[tuple[int, str, str, str]]:
    """One row per language: (record, lang, title, body), Spanish where a text is missing.

    The body is the kind's searched fields: their localized texts, then their plain values.
    """
    texts: list[dict] = []
    plain: list[str] = []
    for field, type_ in kinds.active().kind(kind).searched:
        value = data.get(field)
        if value is not None:
            texts += type_.texts(value)
            plain += type_.words(value)
    rows = []
    for lang in LANGUAGES:
        title = localized(data.get("title"), lang)[0]
        body = "\n".join([localized(f, lang)[0] for f in texts] + plain)
        rows.append((record, lang, fold_apostrophes(title), fold_apostrophes(body)))
    return rows
