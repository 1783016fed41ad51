"""What of a record is searched and filtered: its text per language and its facets."""

from __future__ import annotations

import re

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
# language and the kind, the low 32 bits the record's rowid. A search in one
# language (and kind) is then a rowid range, which FTS5 answers inside the
# index instead of joining every match to its row.
LANG_CODES = {"es": 0, "qu": 1, "en": 2}
KIND_CODES = {
    "program": 0,
    "safety_guide": 1,
    "year_focus": 2,
    "organization": 3,
    "resource": 4,
    "legal_reference": 5,
}
OTHER_CODE = 7  # a language or kind not listed above (a newer app's data)
RECORD_BITS = 32
RECORD_MASK = (1 << RECORD_BITS) - 1


def search_rowid(record: int, lang: str, kind: str) -> int:
    """The search_text rowid of a record's text in ``lang``."""
    code = LANG_CODES.get(lang, OTHER_CODE) * 8 + KIND_CODES.get(kind, OTHER_CODE)
    return (code << RECORD_BITS) | record


def rowid_range(lang: str, kind: str | None = None) -> tuple[int, int] | None:
    """Lowest and highest search_text rowid of ``lang`` (and ``kind``); None when not known."""
    if lang not in LANG_CODES or (kind is not None and kind not in KIND_CODES):
        return None
    first = LANG_CODES[lang] * 8 + (KIND_CODES[kind] if kind is not None else 0)
    last = first if kind is not None else LANG_CODES[lang] * 8 + 7
    return first << RECORD_BITS, ((last + 1) << RECORD_BITS) - 1


def search_rowid_sql(record: str, lang: str, kind: str) -> str:
    """SQL computing ``search_rowid`` from column expressions (for migrations)."""
    langs = " ".join(f"WHEN '{k}' THEN {v}" for k, v in LANG_CODES.items())
    kinds = " ".join(f"WHEN '{k}' THEN {v}" for k, v in KIND_CODES.items())
    return (
        f"(((CASE {lang} {langs} ELSE {OTHER_CODE} END) * 8"
        f" + (CASE {kind} {kinds} ELSE {OTHER_CODE} END)) << {RECORD_BITS}) | {record}"
    )


# Facet name -> record field, per kind.
FACET_FIELDS = {
    "program": {"region": "regions", "level": "levels", "setting": "settings", "country": "countries"},
    "safety_guide": {"audience": "audience", "topic": "topics"},
    "year_focus": {"year": "year"},
    "organization": {"country": "countries"},
}
FACETS = ("region", "level", "setting", "audience", "topic", "year", "country")


def facet_rows(record: int, kind: str, data: dict) -> list[tuple[int, str, str]]:
    rows = []
    for facet, field in FACET_FIELDS.get(kind, {}).items():
        value = data.get(field)
        values = value if isinstance(value, list) else [value] if value is not None else []
        rows.extend((record, facet, str(v)) for v in values)
    return rows


def _localized_fields(data: dict) -> list[dict]:
    fields = [data.get("summary"), data.get("body"), data.get("evidence"), data.get("focus"), data.get("penalty")]
    practice = data.get("practice") or {}
    fields += [practice.get(k) for k in ("equity", "systematisation", "replicability")]
    fields += list(data.get("activities") or [])
    fields += [link.get("label") for link in data.get("links") or []]
    return [f for f in fields if isinstance(f, dict)]


def _plain_fields(data: dict) -> list[str]:
    values: list[str] = []
    for key in ("tags", "regions", "countries", "authors"):
        values += [v for v in data.get(key) or [] if isinstance(v, str)]
    for key in ("instrument", "article", "publisher"):
        if isinstance(data.get(key), str):
            values.append(data[key])
    for key in ("year", "year_start", "year_end"):
        if isinstance(data.get(key), int):
            values.append(str(data[key]))
    return values


def search_rows(record: int, data: dict) -> list[tuple[int, str, str, str]]:
    """One row per language: (record, lang, title, body), Spanish where a text is missing."""
    plain = _plain_fields(data)
    localized_fields = _localized_fields(data)
    rows = []
    for lang in LANGUAGES:
        title = localized(data.get("title"), lang)[0]
        body = "\n".join([localized(f, lang)[0] for f in localized_fields] + plain)
        rows.append((record, lang, fold_apostrophes(title), fold_apostrophes(body)))
    return rows
