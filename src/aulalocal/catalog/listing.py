"""Read-only listings of the catalog for a face that pages through it (the classroom web site).

A section of 15,000 records is listed a page at a time: its record rowids in
title order are asked once (``section_rowids``), a page's titles by rowid
(``titles``). ``version`` names the catalog's state, so a caller can keep
what it asked until an update changes it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator

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


def naming_links(db: sqlite3.Connection) -> Iterator[tuple[str, str, str, int]]:
    """(catalog, kind, id) of a record another one names, and the rowid of the one that names it; every link.

    ``queries.related`` finds them by scanning every record's data for one
    record; this is the same scan once, for a face that shows many records.
    """
    table = kinds.active()
    # (naming kind, field) -> kind of the records named
    targets = {(kind.name, field): named for kind in table.values() for field, named in kind.relations.items()}
    if not targets:
        return
    fields = sorted({field for _kind, field in targets})
    prefilter = " OR ".join(f"instr(r.data, '\"{field}\"')" for field in fields)
    for rowid, catalog, kind, field, target in db.execute(
        f"SELECT r.rowid, r.catalog, r.kind, top.key, j.value FROM records r, json_each(r.data) top, json_each(top.value) j"
        f" WHERE ({prefilter}) AND top.key IN ({', '.join('?' * len(fields))}) AND top.type = 'array'",
        fields,
    ):
        named = targets.get((kind, field))
        if named is not None and isinstance(target, str):
            yield catalog, named, target, rowid


def _link_key(catalog: str, kind: str, id_: str) -> int:
    digest = hashlib.blake2b(f"{catalog}\x1f{kind}\x1f{id_}".encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


class NamingIndex:
    """Who names whom, in two arrays: 16 bytes a link (a 50,000-record catalog has 30,000 of them).

    A dict of (catalog, kind, id) to lists of rowids held the same in 7 MB.
    Records are found by a 64-bit hash of what they are named by, sorted; two
    of 30,000 names share a hash about once in 10^10 catalogs, and would
    only show one more "named by" link.
    """

    def __init__(self, links: Iterable[tuple[str, str, str, int]]) -> None:
        keys, rowids = array("q"), array("q")
        for catalog, kind, id_, rowid in links:
            keys.append(_link_key(catalog, kind, id_))
            rowids.append(rowid)
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self._keys = array("q", (keys[n] for n in order))
        self._rowids = array("q", (rowids[n] for n in order))

    @classmethod
    def of(cls, db: sqlite3.Connection) -> "NamingIndex":
        return cls(naming_links(db))

    def __len__(self) -> int:
        return len(self._keys)

    def naming(self, catalog: str, kind: str, id_: str) -> list[int]:
        """Rowids of the records that name (catalog, kind, id), in rowid order."""
        key = _link_key(catalog, kind, id_)
        start = bisect_left(self._keys, key)
        end = bisect_right(self._keys, key, lo=start)
        return sorted(self._rowids[start:end])
