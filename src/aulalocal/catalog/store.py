"""The write side of the catalog: records, their index rows, and the ledger.

Every function here runs inside the one transaction that ``bundle.apply``
opens, on the raw connection: sqlite-utils' bulk helpers commit on their own,
which would break all-or-nothing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from aulalocal.catalog.text import facet_rows, search_rows


@dataclass(frozen=True)
class CatalogState:
    catalog: str
    sequence: int
    key_id: str | None
    file_sha256: str | None
    publisher: str | None = None
    created: str | None = None
    applied_at: str | None = None


def get_state(conn: sqlite3.Connection, catalog: str) -> CatalogState | None:
    row = conn.execute(
        "SELECT catalog, sequence, key_id, file_sha256, publisher, created, applied_at"
        " FROM catalogs WHERE catalog = ?",
        (catalog,),
    ).fetchone()
    return CatalogState(*row) if row else None


def record_hashes(conn: sqlite3.Connection, catalog: str) -> dict[tuple[str, str], str]:
    rows = conn.execute("SELECT kind, id, data_sha256 FROM records WHERE catalog = ?", (catalog,))
    return {(kind, id_): sha for kind, id_, sha in rows}


def _drop_index_rows(conn: sqlite3.Connection, rowid: int) -> None:
    conn.execute("DELETE FROM search_text WHERE record = ?", (rowid,))
    conn.execute("DELETE FROM facets WHERE record = ?", (rowid,))


def write_record(
    conn: sqlite3.Connection, catalog: str, kind: str, id_: str, data: dict, data_sha256: str
) -> None:
    """Insert or replace one record with its search and facet rows."""
    titles = data["title"]
    values = (
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        data_sha256,
        titles.get("es"),
        titles.get("qu"),
        titles.get("en"),
    )
    row = conn.execute(
        "SELECT rowid FROM records WHERE catalog = ? AND kind = ? AND id = ?", (catalog, kind, id_)
    ).fetchone()
    if row:
        rowid = row[0]
        _drop_index_rows(conn, rowid)
        conn.execute(
            "UPDATE records SET data = ?, data_sha256 = ?, title_es = ?, title_qu = ?, title_en = ?"
            " WHERE rowid = ?",
            (*values, rowid),
        )
    else:
        rowid = conn.execute(
            "INSERT INTO records (catalog, kind, id, data, data_sha256, title_es, title_qu, title_en)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (catalog, kind, id_, *values),
        ).lastrowid
    conn.executemany(
        "INSERT INTO search_text (record, lang, title, body) VALUES (?, ?, ?, ?)",
        search_rows(rowid, data),
    )
    conn.executemany(
        "INSERT INTO facets (record, facet, value) VALUES (?, ?, ?)", facet_rows(rowid, kind, data)
    )


def delete_record(conn: sqlite3.Connection, catalog: str, kind: str, id_: str) -> bool:
    row = conn.execute(
        "SELECT rowid FROM records WHERE catalog = ? AND kind = ? AND id = ?", (catalog, kind, id_)
    ).fetchone()
    if not row:
        return False
    _drop_index_rows(conn, row[0])
    conn.execute("DELETE FROM records WHERE rowid = ?", (row[0],))
    return True


def record_applied(
    conn: sqlite3.Connection,
    state: CatalogState,
    base_sequence: int | None,
    stored_file: str | None,
) -> None:
    """The ledger row and the catalog's new state, in the apply transaction."""
    conn.execute(
        "INSERT INTO applied_bundles (catalog, sequence, base_sequence, key_id, file_sha256,"
        " publisher, created, applied_at, stored_file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            state.catalog,
            state.sequence,
            base_sequence,
            state.key_id,
            state.file_sha256,
            state.publisher,
            state.created,
            state.applied_at,
            stored_file,
        ),
    )
    conn.execute(
        "INSERT OR REPLACE INTO catalogs (catalog, sequence, key_id, publisher, created,"
        " applied_at, file_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            state.catalog,
            state.sequence,
            state.key_id,
            state.publisher,
            state.created,
            state.applied_at,
            state.file_sha256,
        ),
    )
