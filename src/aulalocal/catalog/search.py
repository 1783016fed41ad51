"""Full-text search over the catalog (FTS5, bm25), with kind and facet filters.

Two FTS5 indexes over ``search_text``: the full text, and the titles alone.
A search lists the records whose title matches first, then the others; one
language (and kind) is a rowid range of both (``catalog.text.search_rowid``).
"""

from __future__ import annotations

import functools
import itertools
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from aulalocal.catalog.text import RECORD_MASK, fold_apostrophes, rowid_range
from aulalocal.i18n import CONTENT_FALLBACK

_TOKEN = re.compile(r"[^\W_]+(?:\u02bc[^\W_]+)*")
# Title matches weigh ten times body matches, so a record named by the query
# comes before records that merely mention it.
_RANK = "bm25(search_text_fts, 10.0, 1.0)"
HIGHLIGHT = ("\u0002", "\u0003")  # markers a view turns into emphasis; never HTML


@dataclass(frozen=True)
class Hit:
    catalog: str
    kind: str
    id: str
    title: str
    title_lang: str
    snippet: str = ""

    def as_json(self) -> dict:
        return {"kind": self.kind, "id": self.id, "catalog": self.catalog, "title": self.title}


def fts_query(text: str) -> str | None:
    """The FTS5 query for what a user typed; None when it holds no word.

    Each whitespace-separated chunk is a phrase of its tokens ("183-B" is the
    phrase "183 b"); the last one matches as a prefix, for search as you type.
    """
    phrases = []
    for chunk in fold_apostrophes(text).split():
        tokens = _TOKEN.findall(chunk)
        if tokens:
            phrases.append('"' + " ".join(tokens) + '"')
    if not phrases:
        return None
    phrases[-1] += "*"
    return " ".join(phrases)


def title_sql(lang: str, alias: str = "r") -> str:
    """SQL for the record title in ``lang`` or its fallback."""
    order = [lang] + [c for c in CONTENT_FALLBACK if c != lang]
    cols = ", ".join(f"NULLIF({alias}.title_{c}, '')" for c in order)
    return f"COALESCE({cols})"


def _title_lang_sql(lang: str, alias: str = "r") -> str:
    order = [lang] + [c for c in CONTENT_FALLBACK if c != lang]
    whens = " ".join(f"WHEN NULLIF({alias}.title_{c}, '') IS NOT NULL THEN '{c}'" for c in order)
    return f"CASE {whens} END"


def _filters(kind: str | None, facets: dict[str, str] | None, catalog: str | None):
    where, params = [], []
    if kind:
        where.append("r.kind = ?")
        params.append(kind)
    if catalog:
        where.append("r.catalog = ?")
        params.append(catalog)
    for facet, value in (facets or {}).items():
        where.append("r.rowid IN (SELECT record FROM facets WHERE facet = ? AND value = ?)")
        params += [facet, str(value)]
    return where, params


_TITLE_RANK = "bm25(search_title_fts)"
_IN_CHUNK = 500  # SQL variables per IN (...) list


def search(
    db: sqlite3.Connection,
    text: str,
    lang: str = "es",
    kind: str | None = None,
    facets: dict[str, str] | None = None,
    catalog: str | None = None,
    limit: int | None = 50,
    snippets: int | None = None,
) -> list[Hit]:
    """Records matching ``text`` in ``lang`` (Spanish where a text is missing), best first.

    Every match is ranked. Records whose title matches come first, by
    relevance of the title; then the records that match elsewhere, by
    relevance (title matches weigh ten times body matches). ``limit`` None
    or negative: all of them. Only the first ``snippets`` hits (all when None)
    get their snippet; ``snippets_for()`` makes the others'.
    """
    query = fts_query(text)
    if query is None or limit == 0:
        return []
    limit = -1 if limit is None or limit < 0 else limit
    scope = _scope(lang, kind, facets, catalog)
    found = _ranked(db, "search_title_fts", _TITLE_RANK, query, scope, limit)
    if limit < 0 or len(found) < limit:
        # Every title match is also a match of the full text: the best
        # ``limit`` of those hold the best ``limit - len(found)`` others.
        seen = set(found)
        others = [r for r in _ranked(db, "search_text_fts", _RANK, query, scope, limit) if r not in seen]
        found += others if limit < 0 else others[: limit - len(found)]
    return _hits(db, found, lang, text, snippets)


def _scope(lang: str, kind: str | None, facets: dict[str, str] | None, catalog: str | None):
    """(SQL conditions on ``{fts}.rowid``, their parameters) for the rows a search looks at.

    One language (and kind) is a rowid range, which FTS5 applies inside the
    index; the other filters are sets of records, each made once per query.
    """
    where, params = [], []
    span = rowid_range(lang, kind)
    if span is None:  # a language or kind this version has no code for: its rows by name
        span = rowid_range(lang)
        if span is None:
            where.append("{fts}.rowid IN (SELECT rowid FROM search_text WHERE lang = ?)")
            params.append(lang)
        if kind:
            where.append(f"{{fts}}.rowid & {RECORD_MASK} IN (SELECT rowid FROM records WHERE kind = ?)")
            params.append(kind)
    if span is not None:
        where.append("{fts}.rowid BETWEEN ? AND ?")
        params += list(span)
    if catalog:
        where.append(f"{{fts}}.rowid & {RECORD_MASK} IN (SELECT rowid FROM records WHERE catalog = ?)")
        params.append(catalog)
    for facet, value in (facets or {}).items():
        where.append(f"{{fts}}.rowid & {RECORD_MASK} IN (SELECT record FROM facets WHERE facet = ? AND value = ?)")
        params += [facet, str(value)]
    return where, params


def _ranked(db, table: str, rank: str, query: str, scope, limit: int) -> list[int]:
    """search_text rowids of the best ``limit`` matches in ``scope`` (all when negative), best first.

    FTS5 ranks every match (about a microsecond each); SQLite keeps the best
    ``limit`` as it goes rather than sorting them all.
    """
    where, params = scope
    conditions = "".join(" AND " + w.format(fts=table) for w in where)
    rows = db.execute(
        f"SELECT rowid FROM {table} WHERE {table} MATCH ?{conditions} ORDER BY {rank} LIMIT ?",
        [query, *params, limit],
    )
    return [rowid for (rowid,) in rows]


def _chunks(values: list, size: int = _IN_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _hits(db, rowids: list[int], lang: str, text: str, snippets: int | None) -> list[Hit]:
    """Hits for search_text rowids, in their order; the first ``snippets`` (all when None) with their snippet."""
    if not rowids:
        return []
    records: dict[int, tuple] = {}
    for part in _chunks([rowid & RECORD_MASK for rowid in rowids]):
        marks = ", ".join("?" * len(part))
        for row in db.execute(
            f"SELECT r.rowid, r.catalog, r.kind, r.id, {title_sql(lang)}, {_title_lang_sql(lang)}"
            f" FROM records r WHERE r.rowid IN ({marks})",
            part,
        ):
            records[row[0]] = row[1:]
    shown = rowids if snippets is None else rowids[: max(0, snippets)]
    bodies: dict[int, str] = {}
    for part in _chunks(shown):
        marks = ", ".join("?" * len(part))
        bodies.update(db.execute(f"SELECT rowid, body FROM search_text WHERE rowid IN ({marks})", part))
    marker = _snippet_pattern(_phrases(text))
    hits = []
    for rowid in rowids:
        record = records.get(rowid & RECORD_MASK)
        if record is not None:
            hits.append(Hit(*record, _snippet(bodies[rowid], marker) if rowid in bodies else ""))
    return hits


def snippets_for(db: sqlite3.Connection, text: str, lang: str, keys: list[tuple[str, str, str]]) -> list[str]:
    """The snippets of records ``keys`` ((catalog, kind, id)) for a search of ``text`` in ``lang``.

    For the hits a ``search`` returned without theirs: a list shows the first
    ones at once and asks for the others as they scroll into view.
    """
    marker = _snippet_pattern(_phrases(text))
    out = []
    for catalog, kind, id_ in keys:
        row = db.execute(
            "SELECT s.body FROM records r JOIN search_text s ON s.record = r.rowid AND s.lang = ?"
            " WHERE r.catalog = ? AND r.kind = ? AND r.id = ?",
            (lang, catalog, kind, id_),
        ).fetchone()
        out.append(_snippet(row[0], marker) if row else "")
    return out


# -- snippets ------------------------------------------------------------------
# FTS5's snippet() needs the match's cursor, and a query ranks every match
# before it emits any: snippets made there would cost as much as the ranking.
# The few shown are made here instead, like FTS5 makes them: about
# SNIPPET_TOKENS words around the first match, matched words marked, "…" where
# text was cut.

SNIPPET_TOKENS = 12
_WORD = re.compile(r"[^\W_]+")


def _variants() -> dict[str, str]:
    """Each unaccented lower-case letter and the accented letters that fold to it."""
    variants: dict[str, str] = {}
    for code in range(0xC0, 0x250):
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and base.isascii() and base.isalpha():
            variants[base.lower()] = variants.get(base.lower(), "") + ch
    return variants


_VARIANTS = _variants()
_FOLD = {ord(ch): base for base, chars in _VARIANTS.items() for ch in chars}


def _fold(text: str) -> str:
    """Lower case without accents (as the index folds a word)."""
    return text.lower().translate(_FOLD)


def _phrases(text: str) -> tuple[tuple[str, ...], ...]:
    """The query's phrases as folded tokens, as ``fts_query`` splits them."""
    phrases = []
    for chunk in fold_apostrophes(text).split():
        tokens = tuple(_fold(t) for t in _TOKEN.findall(chunk))
        if tokens:
            phrases.append(tokens)
    return tuple(phrases)


def _letters(token: str) -> str:
    # Each letter also matches its accented forms (lower case: the text is lowered first).
    return "".join(
        f"[{re.escape(ch)}{_VARIANTS[ch].lower()}]" if ch in _VARIANTS else re.escape(ch) for ch in token
    )


@functools.lru_cache(maxsize=64)
def _snippet_pattern(phrases: tuple[tuple[str, ...], ...]) -> re.Pattern | None:
    """What marks a match in lower-cased text: each phrase, its words in a row, the last word a prefix."""
    alternatives = []
    for number, phrase in enumerate(phrases):
        words = [_letters(t) for t in phrase]
        if number == len(phrases) - 1:
            words[-1] += r"[^\W_]*"
        else:
            words[-1] += r"(?![^\W_])"
        alternatives.append(r"[\W_]+".join(words))
    if not alternatives:
        return None
    # Longest first, so a phrase is marked whole rather than by a shorter one inside it.
    alternatives.sort(key=len, reverse=True)
    # No look-behind for the word start: it would be tried at every position of
    # the text; _matches checks it for the few candidates instead.
    return re.compile("|".join(alternatives))


def _matches(pattern: re.Pattern, text: str, start: int = 0, end: int | None = None):
    """The pattern's matches that begin a word."""
    end = len(text) if end is None else end
    while True:
        m = pattern.search(text, start, end)
        if m is None:
            return
        if m.start() == 0 or not text[m.start() - 1].isalnum():
            yield m
            start = m.end()
        else:
            start = m.start() + 1


def _snippet(body: str, pattern: re.Pattern | None) -> str:
    if not body:
        return ""
    lower = body.lower()
    if len(lower) != len(body):  # a letter whose lower case is longer: match case as it is
        lower = body
    first = next(_matches(pattern, lower), None) if pattern is not None else None
    at = 0 if first is None else first.start()
    # Two words before the first match (when there are), then the rest of the window.
    before = [m.span() for m in _WORD.finditer(body, max(0, at - 40), at)]
    if at > 40 and before and before[0][0] == at - 40:
        before = before[1:]  # cut in the middle
    before = before[-2:]
    words = before + [m.span() for m in itertools.islice(_WORD.finditer(body, at), SNIPPET_TOKENS - len(before))]
    if not words:
        return ""
    begin, end = words[0][0], words[-1][1]
    out = ["…"] if _WORD.search(body, 0, begin) else []
    pos = begin
    if pattern is not None:
        for m in _matches(pattern, lower, begin, end):
            out += [body[pos : m.start()], HIGHLIGHT[0], body[m.start() : m.end()], HIGHLIGHT[1]]
            pos = m.end()
    out.append(body[pos:end])
    if _WORD.search(body, end):
        out.append("…")
    return "".join(out)


def browse(
    db: sqlite3.Connection,
    lang: str = "es",
    kind: str | None = None,
    facets: dict[str, str] | None = None,
    catalog: str | None = None,
    limit: int = -1,
) -> list[Hit]:
    """Records of a section, by title."""
    where, params = _filters(kind, facets, catalog)
    sql = f"""
        SELECT r.catalog, r.kind, r.id, {title_sql(lang)} AS title, {_title_lang_sql(lang)}
        FROM records r
        {'WHERE ' + ' AND '.join(where) if where else ''}
        ORDER BY title COLLATE NOCASE
        LIMIT ?
    """
    return [Hit(*row) for row in db.execute(sql, [*params, limit]).fetchall()]


def facet_values(db: sqlite3.Connection, kind: str | None = None) -> dict[str, list[str]]:
    """The values each facet takes in a section, for filter menus."""
    sql = "SELECT f.facet, f.value FROM facets f JOIN records r ON r.rowid = f.record"
    params: list = []
    if kind:
        sql += " WHERE r.kind = ?"
        params.append(kind)
    sql += " GROUP BY f.facet, f.value ORDER BY f.facet, f.value"
    values: dict[str, list[str]] = {}
    for facet, value in db.execute(sql, params).fetchall():
        values.setdefault(facet, []).append(value)
    return values
