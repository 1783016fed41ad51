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


# Ranking every match with bm25 costs about a microsecond a match: fine for a
# word in a few hundred records, 50-100 ms for a word in most of 50,000. So a
# search ranks at most this many matches of each phase, the first ones in index
# order; a word found more often than that tells little about relevance anyway.
TITLE_RANK_WINDOW = 1000
TEXT_RANK_WINDOW = 2000
_TITLE_RANK = "bm25(search_title_fts)"
_IN_CHUNK = 500  # SQL variables per IN (...) list


def search(
    db: sqlite3.Connection,
    text: str,
    lang: str = "es",
    kind: str | None = None,
    facets: dict[str, str] | None = None,
    catalog: str | None = None,
    limit: int = 50,
) -> list[Hit]:
    """Records matching ``text`` in ``lang`` (Spanish where a text is missing), best first.

    Records whose title matches come first, best first; then the records that
    match elsewhere, by relevance (title matches weigh ten times body matches).
    """
    query = fts_query(text)
    if query is None:
        return []
    span = rowid_range(lang, kind)
    if span is None or limit is None or limit < 0:
        return _search_everything(db, query, lang, kind, facets, catalog, limit)
    where, params = _filters(None, facets, catalog)
    found = _ranked(db, "search_title_fts", _TITLE_RANK, query, span, where, params, limit, TITLE_RANK_WINDOW)
    if len(found) < limit:
        seen = set(found)
        more = _ranked(
            db, "search_text_fts", _RANK, query, span, where, params, limit + len(found), TEXT_RANK_WINDOW
        )
        found += [rowid for rowid in more if rowid not in seen][: limit - len(found)]
    return _hits(db, found, lang, _phrases(text))


def search_titles(
    db: sqlite3.Connection,
    text: str,
    lang: str = "es",
    kind: str | None = None,
    facets: dict[str, str] | None = None,
    catalog: str | None = None,
    limit: int = 10,
) -> list[Hit]:
    """Records whose title in ``lang`` matches ``text``, best first, without snippets.

    The cheap first answer while someone types (a small title index with
    prefix indexes); ``search`` gives the full list after.
    """
    query = fts_query(text)
    span = rowid_range(lang, kind)
    if query is None or limit is None or limit <= 0:
        return []
    if span is None:
        return search(db, text, lang, kind, facets, catalog, limit)
    where, params = _filters(None, facets, catalog)
    found = _ranked(db, "search_title_fts", _TITLE_RANK, query, span, where, params, limit, TITLE_RANK_WINDOW)
    return _hits(db, found, lang, None)


def _ranked(db, table: str, rank: str, query: str, span: tuple[int, int], where: list[str],
            params: list, limit: int, window: int) -> list[int]:
    """search_text rowids of the best ``limit`` matches among the first ``window`` in ``span``."""
    low, high = span
    join = f" JOIN records r ON r.rowid = {table}.rowid & {RECORD_MASK}" if where else ""
    match = f"FROM {table}{join} WHERE {table} MATCH ? AND {table}.rowid BETWEEN ? AND ?" + "".join(
        " AND " + w for w in where
    )
    # Matches come out of the index in rowid order: the window's last rowid is
    # a cheap walk, then only the window is ranked.
    last = db.execute(
        f"SELECT {table}.rowid {match} LIMIT 1 OFFSET ?", [query, low, high, *params, window - 1]
    ).fetchone()
    if last is not None:
        high = last[0]
    rows = db.execute(f"SELECT {table}.rowid {match} ORDER BY {rank} LIMIT ?", [query, low, high, *params, limit])
    return [rowid for (rowid,) in rows]


def _chunks(values: list, size: int = _IN_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _hits(db, rowids: list[int], lang: str, phrases: list[list[str]] | None) -> list[Hit]:
    """Hits for search_text rowids, in their order: titles, and snippets when ``phrases``."""
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
    bodies: dict[int, str] = {}
    if phrases is not None:
        for part in _chunks(rowids):
            marks = ", ".join("?" * len(part))
            bodies.update(db.execute(f"SELECT rowid, body FROM search_text WHERE rowid IN ({marks})", part))
    marker = _snippet_pattern(tuple(tuple(p) for p in phrases)) if phrases else None
    hits = []
    for rowid in rowids:
        record = records.get(rowid & RECORD_MASK)
        if record is None:
            continue
        snippet = _snippet(bodies.get(rowid) or "", marker) if phrases is not None else ""
        hits.append(Hit(*record, snippet))
    return hits


def _search_everything(db, query: str, lang: str, kind, facets, catalog, limit) -> list[Hit]:
    """Every match ranked (no limit, or a language or kind this version has no code for)."""
    where, params = _filters(kind, facets, catalog)
    sql = f"""
        SELECT r.catalog, r.kind, r.id, {title_sql(lang)}, {_title_lang_sql(lang)},
               snippet(search_text_fts, 1, ?, ?, '…', 12)
        FROM search_text_fts
        JOIN search_text s ON s.rowid = search_text_fts.rowid
        JOIN records r ON r.rowid = s.record
        WHERE search_text_fts MATCH ? AND s.lang = ?
        {''.join(' AND ' + w for w in where)}
        ORDER BY {_RANK}
        LIMIT ?
    """
    rows = db.execute(sql, [*HIGHLIGHT, query, lang, *params, -1 if limit is None else limit]).fetchall()
    return [Hit(*row) for row in rows]


# -- snippets ------------------------------------------------------------------
# FTS5's snippet() needs the match's cursor, and a query ranks before it emits:
# snippets of the ranked window would cost as much as the ranking. The few
# shown are made here instead, like FTS5 makes them: about SNIPPET_TOKENS words
# around the first match, matched words marked, "…" where text was cut.

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


def _phrases(text: str) -> list[list[str]]:
    """The query's phrases as folded tokens, as ``fts_query`` splits them."""
    phrases = []
    for chunk in fold_apostrophes(text).split():
        tokens = [_fold(t) for t in _TOKEN.findall(chunk)]
        if tokens:
            phrases.append(tokens)
    return phrases


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
