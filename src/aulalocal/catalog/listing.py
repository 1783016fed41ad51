"""Read-only listings of the catalog for a face that pages through it (the classroom web site).

A section of 15,000 records is listed a page at a time: its record rowids in
title order are asked once (``section_rowids``), a page's titles by rowid
(``titles``). ``version`` names the catalog's state, so a caller can keep
what it asked until an update changes it.
"""

from __future__ import annotations

import sqlite3
import sys

from aulalocal import kinds
from aulalocal.catalog.search import Hit, _title_lang_sql, title_sql

_IN_CHUNK = 500  # SQL variables per IN (...) list


def version(db: sqlite3.Connection) -> str:
    """Changes whenever a bundle is applied (or the catalog is rebuilt)."""
    row = db.execute(
        "SELECT group_concat(catalog || ' ' || sequence || ' ' || COALESCE(applied_at, ''), ',')"
        " FROM (SELECT * FROM catalogs ORDER BY catalog)"
    ).fetchone()
    return row[0] or ""


def kind_counts(db: sqlite3.Connection) -> dict[str, int]:
    """How many records of each kind the catalog holds."""
    return dict(db.execute("SELECT kind, COUNT(*) FROM records GROUP BY kind"))


def section_rowids(
    db: sqlite3.Connection, lang: str, kinds: tuple[str, ...], facets: dict[str, str] | None = None
) -> list[int]:
    """Rowids of the records of ``kinds`` (with every facet value of ``facets``), by title in ``lang``."""
    if not kinds:
        return []
    where = [f"r.kind IN ({', '.join('?' * len(kinds))})"]
    params: list = list(kinds)
    for facet, value in (facets or {}).items():
        where.append("r.rowid IN (SELECT record FROM facets WHERE facet = ? AND value = ?)")
        params += [facet, str(value)]
    sql = f"SELECT r.rowid FROM records r WHERE {' AND '.join(where)} ORDER BY {title_sql(lang)} COLLATE NOCASE, r.rowid"
    return [rowid for (rowid,) in db.execute(sql, params)]


def titles(db: sqlite3.Connection, rowids: list[int], lang: str) -> list[Hit]:
    """Hits (catalog, kind, id, title in ``lang`` or its fallback) for record rowids, in their order."""
    found: dict[int, Hit] = {}
    for start in range(0, len(rowids), _IN_CHUNK):
        part = rowids[start : start + _IN_CHUNK]
        for rowid, *row in db.execute(
            f"SELECT r.rowid, r.catalog, r.kind, r.id, {title_sql(lang)}, {_title_lang_sql(lang)}"
            f" FROM records r WHERE r.rowid IN ({', '.join('?' * len(part))})",
            part,
        ):
            found[rowid] = Hit(*row)
    return [found[rowid] for rowid in rowids if rowid in found]


def referenced_media(db: sqlite3.Connection) -> set[str]:
    """SHA-256 of every media file a record of the catalog names (spec section 5, ``media``)."""
    rows = db.execute(
        "SELECT DISTINCT j.value FROM records r, json_each(r.data, '$.media') j"
        " WHERE instr(r.data, '\"media\"') AND json_valid(r.data) AND json_type(r.data, '$.media') = 'array'"
    )
    return {value for (value,) in rows if isinstance(value, str)}


def naming_records(db: sqlite3.Connection) -> dict[tuple[str, str, str], list[int]]:
    """(catalog, kind, id) of every record another one names -> rowids of the records that name it.

    ``queries.related`` finds them by scanning every record's data for one
    record; this is the same scan once, for a face that shows many records.
    """
    table = kinds.active()
    # (naming kind, field) -> kind of the records named
    targets = {(kind.name, field): named for kind in table.values() for field, named in kind.relations.items()}
    if not targets:
        return {}
    fields = sorted({field for _kind, field in targets})
    prefilter = " OR ".join(f"instr(r.data, '\"{field}\"')" for field in fields)
    found: dict[tuple[str, str, str], list[int]] = {}
    for rowid, catalog, kind, field, target in db.execute(
        f"SELECT r.rowid, r.catalog, r.kind, top.key, j.value FROM records r, json_each(r.data) top, json_each(top.value) j"
        f" WHERE ({prefilter}) AND top.key IN ({', '.join('?' * len(fields))}) AND top.type = 'array'",
        fields,
    ):
        named = targets.get((kind, field))
        if named is not None and isinstance(target, str):
            # One string per catalog: a 50,000-record catalog has 30,000 links.
            found.setdefault((sys.intern(catalog), named, target), []).append(rowid)
    return found
