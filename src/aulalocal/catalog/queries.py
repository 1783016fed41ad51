"""Read-only questions to the catalog: status, one record, its related records."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite3

from aulalocal import kinds


@dataclass(frozen=True)
class Record:
    catalog: str
    kind: str
    id: str
    data: dict


@dataclass(frozen=True)
class Related:
    """A record named by another; ``title`` is None when it is not (yet) in the catalog."""

    field: str
    catalog: str
    kind: str
    id: str
    title: str | None


def status(db: sqlite3.Connection) -> dict:
    """The ``catalog status --json`` object of spec section 7."""
    counts: dict[str, dict[str, int]] = {}
    for catalog, kind, n in db.execute(
        "SELECT catalog, kind, COUNT(*) FROM records GROUP BY catalog, kind"
    ):
        counts.setdefault(catalog, {})[kind] = n
    catalogs = []
    for catalog, sequence, key_id, publisher, created, applied_at in db.execute(
        "SELECT catalog, sequence, key_id, publisher, created, applied_at FROM catalogs ORDER BY catalog"
    ).fetchall():
        catalogs.append(
            {
                "catalog": catalog,
                "sequence": sequence,
                "key_id": key_id,
                "publisher": publisher,
                "created": created,
                "applied_at": applied_at,
                "counts": counts.get(catalog, {}),
            }
        )
    return {"catalogs": catalogs}


def catalog_records(db: sqlite3.Connection, catalog: str) -> list[Record]:
    """Every record of one catalog, by kind and id."""
    rows = db.execute("SELECT catalog, kind, id, data FROM records WHERE catalog = ? ORDER BY kind, id", (catalog,))
    return [Record(c, k, i, json.loads(d)) for c, k, i, d in rows]


def catalog_header(db: sqlite3.Connection, catalog: str) -> dict | None:
    """What the catalog's last bundle said of it: publisher, created, sequence; None for a catalog not here."""
    row = db.execute("SELECT publisher, created, sequence FROM catalogs WHERE catalog = ?", (catalog,)).fetchone()
    return {"publisher": row[0], "created": row[1] or "", "sequence": row[2]} if row else None


def get_record(db: sqlite3.Connection, kind: str, id_: str, catalog: str | None = None) -> Record | None:
    sql = "SELECT catalog, kind, id, data FROM records WHERE kind = ? AND id = ?"
    params = [kind, id_]
    if catalog:
        sql += " AND catalog = ?"
        params.append(catalog)
    row = db.execute(sql + " ORDER BY catalog LIMIT 1", params).fetchone()
    return Record(row[0], row[1], row[2], json.loads(row[3])) if row else None


def related(db: sqlite3.Connection, record: Record, lang: str, named_by: bool = True) -> list[Related]:
    """Records this one names, and (with ``named_by``) records that name it (a program's year focuses...).

    Who names a record is a scan of every record's data (170 ms at 50,000
    records); a face that asks often keeps a ``listing.NamingIndex`` instead.
    """
    # Imported here: status() is asked at every start, before the window shows,
    # and needs none of the search module.
    from aulalocal.catalog.search import title_sql

    table = kinds.active()
    out: list[Related] = []
    for field, kind in table.kind(record.kind).relations.items():
        for id_ in record.data.get(field) or []:
            row = db.execute(
                f"SELECT {title_sql(lang)} FROM records r WHERE catalog = ? AND kind = ? AND id = ?",
                (record.catalog, kind, id_),
            ).fetchone()
            out.append(Related(field, record.catalog, kind, id_, row[0] if row else None))
    # Reverse links: who names this record. Bounded by the catalog size; the
    # LIKE prefilter keeps json_each off most rows.
    for field, naming in (table.named_by(record.kind) if named_by else {}).items():
        marks = ", ".join("?" * len(naming))
        rows = db.execute(
            f"""SELECT r.kind, r.id, {title_sql(lang)} FROM records r
                WHERE r.catalog = ? AND r.kind IN ({marks}) AND r.data LIKE ? AND EXISTS (
                  SELECT 1 FROM json_each(r.data, '$.{field}') WHERE value = ?)
                ORDER BY 3""",
            (record.catalog, *naming, f'%"{record.id}"%', record.id),
        ).fetchall()
        out.extend(Related("named_by", record.catalog, k, i, t) for k, i, t in rows)
    return out
