"""Full-text search over the catalog (FTS5, bm25), with kind and facet filters.

Each language has two FTS5 indexes over its rows of ``search_text``: the
full text, and the titles alone (``catalog.text.text_index``,
``title_index``); a kind is a rowid range of both
(``catalog.text.search_rowid``). A search lists the records holding the
last word whole first, then those holding only a longer word it begins;
in each, the records whose title matches first, then the others.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from aulalocal.catalog.text import (
    RECORD_MASK,
    SEARCH_LANGS,
    fold_apostrophes,
    rowid_range,
    text_index,
    title_index,
)
from aulalocal.i18n import CONTENT_FALLBACK

_TOKEN = re.compile(r"[^\W_]+(?:\u02bc[^\W_]+)*")
# A number typed with thousands separators ("100,000", "100.000"), and one
# typed without ("100000"): each also looks for the other way of writing it.
_GROUPED_NUMBER = re.compile(r"[^\w]*(\d{1,3}(?:[.,]\d{3})+)[^\w]*")
_PLAIN_NUMBER = re.compile(r"[^\w]*([1-9]\d{3,})[^\w]*")
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


def _groups(text: str) -> list[list[tuple[str, ...]]]:
    """The query's phrases: per whitespace-separated chunk, its tokens, and their other spellings.

    "183-B" is the phrase ("183", "B"); "100,000" is ("100", "000") or
    ("100000",), and "100000" the same two the other way round.
    """
    groups = []
    for chunk in fold_apostrophes(text).split():
        tokens = tuple(_TOKEN.findall(chunk))
        if not tokens:
            continue
        forms = [tokens]
        grouped, plain = _GROUPED_NUMBER.fullmatch(chunk), _PLAIN_NUMBER.fullmatch(chunk)
        if grouped:
            forms.append((re.sub(r"[.,]", "", grouped.group(1)),))
        elif plain:
            digits = plain.group(1)
            head = len(digits) % 3 or 3
            forms.append((digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))))
        groups.append(forms)
    return groups


def _phrase(tokens: tuple[str, ...], prefix: bool) -> str:
    return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")


def fts_query(text: str, prefix: bool = True) -> str | None:
    """The FTS5 query for what a user typed; None when it holds no word.

    Each whitespace-separated chunk is a phrase of its tokens ("183-B" is the
    phrase "183 b"), or of its other spellings (a number); with ``prefix``,
    the last one matches as a prefix, for search as you type.
    """
    groups = _groups(text)
    if not groups:
        return None
    parts = []
    for number, forms in enumerate(groups):
        last = prefix and number == len(groups) - 1
        phrases = [_phrase(tokens, last) for tokens in forms]
        parts.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    return " AND ".join(parts)


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


_IN_CHUNK = 500  # SQL variables per IN (...) list


def _phases(lang: str, text: str) -> list[tuple[str, str, str]]:
    """(index, rank, FTS5 query) of each phase of a search, in order.

    The last word whole, then as a prefix ("36%" finds the 36% before
    "Aula 365"); in each, the title index (ranked by the title's relevance),
    then the full text (title matches weigh ten times body matches).
    """
    exact, prefix = fts_query(text, prefix=False), fts_query(text)
    title, full = title_index(lang), text_index(lang)
    phases = []
    for query in (exact, prefix):
        phases.append((title, f"bm25({title})", query))
        phases.append((full, f"bm25({full}, 10.0, 1.0)", query))
    return phases


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

    Every match is ranked. The records holding the last word whole come
    first, then those holding only a longer word it begins; in each, the
    records whose title matches come first, by relevance of the title, then
    the records that match elsewhere, by relevance (title matches weigh ten
    times body matches). ``limit`` None or negative: all of them. Only the
    first ``snippets`` hits (all when None) get their snippet;
    ``snippets_for()`` makes the others'.
    """
    if fts_query(text) is None or limit == 0 or lang not in SEARCH_LANGS:
        return []
    limit = -1 if limit is None or limit < 0 else limit
    scope = _scope(lang, kind, facets, catalog)
    found: list[int] = []
    seen: set[int] = set()
    for table, rank, query in _phases(lang, text):
        if 0 <= limit <= len(found):
            break
        # Fewer than ``limit`` were found before: a phase's best ``limit``
        # hold its best ``limit - len(found)`` not yet found.
        new = [r for r in _ranked(db, table, rank, query, scope, limit) if r not in seen]
        if limit >= 0:
            new = new[: limit - len(found)]
        found += new
        seen.update(new)
    return _hits(db, found, lang, text, snippets)


def _scope(lang: str, kind: str | None, facets: dict[str, str] | None, catalog: str | None):
    """(SQL conditions on ``{fts}.rowid``, their parameters) for the rows a search in ``lang`` looks at.

    A kind is a rowid range, which FTS5 applies inside the index; the other
    filters are sets of records, each made once per query.
    """
    where, params = [], []
    if kind:
        span = rowid_range(lang, kind)
        if span is not None:
            where.append("{fts}.rowid BETWEEN ? AND ?")
            params += list(span)
        else:  # a kind this version has no code for: its rows by name
            where.append(f"{{fts}}.rowid & {RECORD_MASK} IN (SELECT rowid FROM records WHERE kind = ?)")
            params.append(kind)
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


# -- did you mean --------------------------------------------------------------
# A word the catalog does not have is matched against the words it has
# (``search_words``, made at every apply from the full-text indexes): the
# candidates sharing most of its three-letter pieces (FTS5's trigram index),
# the closest of them by difflib's similarity ratio, the commonest on a tie.

_CANDIDATES = 40
_SIMILAR = 0.8  # difflib ratio: "huaskaran"/"huascaran" 0.89, "linae"/"linea" 0.8, "platypus"/"plays" 0.77


def suggest(
    db: sqlite3.Connection,
    text: str,
    lang: str = "es",
    kind: str | None = None,
    facets: dict[str, str] | None = None,
    catalog: str | None = None,
) -> str | None:
    """``text`` with its unknown words spelled as the catalog's closest words; None when none helps.

    For a search that found nothing: the words of ``lang``'s texts (a word
    is known when the catalog has it, the last one when a word begins with
    it) replace the unknown ones, and the result is offered only when it
    finds something with the same filters. The other words stay as typed.
    """
    if lang not in SEARCH_LANGS:
        return None
    folded = fold_apostrophes(text)  # the same length as text: positions carry over
    tokens = list(_TOKEN.finditer(folded))
    pieces, at, changed = [], 0, False
    for number, token in enumerate(tokens):
        word = _fold(token.group())
        last = number == len(tokens) - 1
        if len(word) < 3 or word.isdigit() or _known(db, lang, word, prefix=last):
            continue
        better = _closest(db, lang, word)
        if better is None:
            continue
        pieces += [text[at : token.start()], _spelling(db, lang, better)]
        at, changed = token.end(), True
    if not changed:
        return None
    suggestion = "".join(pieces) + text[at:]
    if not search(db, suggestion, lang, kind, facets, catalog, limit=1, snippets=0):
        return None
    return suggestion


def _known(db, lang: str, word: str, prefix: bool) -> bool:
    if prefix:
        sql = "SELECT 1 FROM search_words WHERE lang = ? AND word >= ? AND word < ? LIMIT 1"
        params = (lang, word, word + "\U0010ffff")
    else:
        sql, params = "SELECT 1 FROM search_words WHERE lang = ? AND word = ?", (lang, word)
    return db.execute(sql, params).fetchone() is not None


def _closest(db, lang: str, word: str) -> str | None:
    """The catalog's word in ``lang`` most like ``word`` (both folded), if one is like it enough."""
    pieces = sorted({word[i : i + 3] for i in range(len(word) - 2)})
    query = " OR ".join('"' + piece.replace('"', '""') + '"' for piece in pieces)
    rows = db.execute(
        "SELECT w.word, w.records FROM search_words_fts f JOIN search_words w ON w.rowid = f.rowid"
        " WHERE search_words_fts MATCH ? AND w.lang = ? ORDER BY bm25(search_words_fts) LIMIT ?",
        (query, lang, _CANDIDATES),
    ).fetchall()
    best, best_key = None, (_SIMILAR, 0)
    for candidate, records in rows:
        if candidate == word or candidate.isdigit():
            continue
        key = (difflib.SequenceMatcher(None, word, candidate).ratio(), records)
        if key >= best_key:
            best, best_key = candidate, key
    return best


def _spelling(db, lang: str, word: str) -> str:
    """How the catalog writes ``word`` (folded: no accents, lower case), as found in its first match."""
    index = text_index(lang)
    row = db.execute(
        f"SELECT s.title, s.body FROM {index} JOIN search_text s ON s.rowid = {index}.rowid"
        f" WHERE {index} MATCH ? LIMIT 1",
        ('"' + word + '"',),
    ).fetchone()
    pattern = re.compile(_letters(word) + r"(?![^\W_])")
    for field in row or ():
        lower = (field or "").lower()
        if len(lower) == len(field or ""):
            found = next(_matches(pattern, lower), None)
            if found is not None:
                return field[found.start() : found.end()]
    return word


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


def _phrases(text: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """The query's phrases as folded tokens, as ``fts_query`` reads them: per chunk, each spelling."""
    return tuple(tuple(tuple(_fold(t) for t in form) for form in forms) for forms in _groups(text))


def _letters(token: str) -> str:
    # Each letter also matches its accented forms (lower case: the text is lowered first).
    return "".join(
        f"[{re.escape(ch)}{_VARIANTS[ch].lower()}]" if ch in _VARIANTS else re.escape(ch) for ch in token
    )


@functools.lru_cache(maxsize=64)
def _snippet_pattern(groups: tuple[tuple[tuple[str, ...], ...], ...]) -> re.Pattern | None:
    """What marks a match in lower-cased text: each phrase, its words in a row, the last word a prefix."""
    alternatives = []
    for number, forms in enumerate(groups):
        for phrase in forms:
            words = [_letters(t) for t in phrase]
            if number == len(groups) - 1:
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
