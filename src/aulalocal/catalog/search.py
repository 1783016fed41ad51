"""Full-text search over the catalog (FTS5, bm25), with kind and facet filters."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlite_utils

from aulalocal.catalog.text import fold_apostrophes
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


def search(
    db: sqlite_utils.Database,
    text: str,
    lang: str = "es",
    kind: str | None = None,
    facets: dict[str, str] | None = None,
    catalog: str | None = None,
    limit: int = 50,
) -> list[Hit]:
    """Records matching ``text`` in ``lang`` (Spanish where a text is missing), best first."""
    query = fts_query(text)
    if query is None:
        return []
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
    rows = db.execute(sql, [*HIGHLIGHT, query, lang, *params, limit]).fetchall()
    return [Hit(*row) for row in rows]


def browse(
    db: sqlite_utils.Database,
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


def facet_values(db: sqlite_utils.Database, kind: str | None = None) -> dict[str, list[str]]:
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
