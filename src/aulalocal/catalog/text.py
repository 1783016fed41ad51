"""What of a record is searched and filtered: its text per language and its facets."""

from __future__ import annotations

import re

from aulalocal.i18n import LANGUAGES, localized

# Typed variants of the Quechua apostrophe (spec section 7). Inside a word they
# become U+02BC, which the FTS5 unicode61 tokenizer treats as a letter.
APOSTROPHES = "'\u2019\u02bc\u00b4`"
_IN_WORD = re.compile(rf"(?<=\w)[{APOSTROPHES}](?=\w)")
_STRAY = re.compile(rf"[{APOSTROPHES}]")


def fold_apostrophes(text: str) -> str:
    """One apostrophe inside words, none outside them."""
    return _STRAY.sub(" ", _IN_WORD.sub("\u02bc", text))


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
