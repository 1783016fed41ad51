"""The write side of the catalog: records, their index rows, and the ledger.

Every function here runs inside the one transaction that ``bundle.apply``
opens, on the raw connection: sqlite-utils' bulk helpers commit on their own,
which would break all-or-nothing.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass

from aulalocal.catalog.text import facet_rows, search_rowid, search_rows


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


# Rows of search text written per statement. The FTS5 indexes are kept by
# triggers, and FTS5 writes its pending terms out at every statement: one
# statement per row made an index segment per row, most of an apply's time.
_ROWS_PER_STATEMENT = 512
# Search text held before it is written (bounds the memory of a large apply).
_FLUSH_CHARS = 4_000_000
_SEARCH_COLUMNS = "(rowid, record, lang, title, body)"
_INSERT_RECORD = "INSERT INTO records (...) VALUES (...)"  # a tag: written by _insert_many
_RECORD_COLUMNS = "(rowid, catalog, kind, id, data, data_sha256, title_es, title_qu, title_en)"
_UPDATE_RECORD = (
    "UPDATE records SET data = ?, data_sha256 = ?, title_es = ?, title_qu = ?, title_en = ?"
    " WHERE rowid = ?"
)
_DELETE_RECORD = "DELETE FROM records WHERE rowid = ?"


def _max_variables(conn: sqlite3.Connection) -> int:
    try:
        return conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # Python 3.11+
    except AttributeError:
        return 999  # the smallest default of any SQLite


def _insert_many(conn: sqlite3.Connection, table: str, columns: str, rows: list[tuple]) -> None:
    """Insert ``rows`` with as few statements as the variable limit allows."""
    if not rows:
        return
    width = len(rows[0])
    group = "(" + ", ".join("?" * width) + ")"
    full = max(1, min(_ROWS_PER_STATEMENT, _max_variables(conn) // width))
    sql = f"INSERT INTO {table} {columns} VALUES " + ", ".join([group] * full)
    done = 0
    while len(rows) - done >= full:
        conn.execute(sql, [v for row in rows[done : done + full] for v in row])
        done += full
    rest = rows[done:]
    if rest:
        conn.execute(
            f"INSERT INTO {table} {columns} VALUES " + ", ".join([group] * len(rest)),
            [v for row in rest for v in row],
        )


class _Batch:
    """Writes handed over together: record rows in order, then search and facet rows."""

    def __init__(self, records: list[tuple[str, tuple]], stale: list[int]) -> None:
        self.records = records  # (statement, parameters), in order
        self.stale = stale  # records whose search and facet rows go first
        self.search: list[tuple] = []
        self.facets: list[tuple] = []

    def run(self, conn: sqlite3.Connection, stop: threading.Event | None = None) -> None:
        # Runs of the same statement go together: inserts as multi-row
        # statements (few round trips, so a helper thread seldom waits for
        # Python's lock), the rest to executemany.
        start = 0
        while start < len(self.records):
            sql = self.records[start][0]
            end = start
            while end < len(self.records) and self.records[end][0] == sql:
                end += 1
            params = [p for _sql, p in self.records[start:end]]
            if sql == _INSERT_RECORD:
                _insert_many(conn, "records", _RECORD_COLUMNS, params)
            else:
                conn.executemany(sql, params)
            start = end
        for first in range(0, len(self.stale), 500):
            if stop is not None and stop.is_set():
                return
            part = self.stale[first : first + 500]
            marks = ", ".join("?" * len(part))
            # In rowid order, for the reason below.
            conn.execute(
                "DELETE FROM search_text WHERE rowid IN"
                f" (SELECT rowid FROM search_text WHERE record IN ({marks}))",
                part,
            )
            conn.execute(f"DELETE FROM facets WHERE record IN ({marks})", part)
        if stop is not None and stop.is_set():
            return
        # FTS5 also writes out its pending terms whenever a rowid is lower than
        # the one before: in rowid order it does so once per batch.
        self.search.sort()
        _insert_many(conn, "search_text", _SEARCH_COLUMNS, self.search)
        _insert_many(conn, "facets", "(record, facet, value)", self.facets)


class RecordWriter:
    """Writes and deletes a catalog's records, their search text and facets, in batches.

    Use it inside the caller's transaction, and leave the ``with`` block (or call
    ``flush``) before the transaction commits: writes are held and made a few
    statements per thousand records. With ``background=True`` a batch is written
    by a helper thread while the next one is prepared (SQLite works without
    Python's lock); the caller must not use the connection until ``flush``
    returns. Leaving the block on an exception stops the helper before the
    caller rolls back.
    """

    def __init__(self, conn: sqlite3.Connection, catalog: str, preload: bool = True,
                 background: bool = False) -> None:
        """``preload``: read the catalog's record ids and hashes once (``hashes``), for many writes."""
        self.conn = conn
        self.catalog = catalog
        self._preloaded = preload
        self._rowids: dict[tuple[str, str], int] = {}
        self.hashes: dict[tuple[str, str], str] = {}
        if preload:
            for kind, id_, rowid, sha in conn.execute(
                "SELECT kind, id, rowid, data_sha256 FROM records WHERE catalog = ?", (catalog,)
            ):
                self._rowids[(kind, id_)] = rowid
                self.hashes[(kind, id_)] = sha
        self._next = conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM records").fetchone()[0]
        # Records whose search and facet rows are (or will be, once the batches
        # handed over are written) in the database.
        self._indexed: set[int] = set(self._rowids.values())
        self._stale: set[int] = set()  # of those, rows to delete with the next batch
        self._records: list[tuple[str, tuple]] = []
        self._pending: dict[int, tuple[list[tuple], list[tuple]]] = {}
        self._pending_chars = 0
        self._background = background and preload
        self._pool = None  # a ThreadPoolExecutor, made on first use (kept off the start-up path)
        self._running = None  # the Future of the batch being written
        self._stop = threading.Event()

    def _rowid(self, kind: str, id_: str) -> int | None:
        rowid = self._rowids.get((kind, id_))
        if rowid is None and not self._preloaded:
            row = self.conn.execute(
                "SELECT rowid FROM records WHERE catalog = ? AND kind = ? AND id = ?",
                (self.catalog, kind, id_),
            ).fetchone()
            if row:
                rowid = self._rowids[(kind, id_)] = row[0]
                self._indexed.add(rowid)
        return rowid

    def __enter__(self) -> "RecordWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.flush()
        else:
            self.abort()

    def write(self, kind: str, id_: str, data: dict, data_sha256: str) -> None:
        """Insert or replace one record with its search and facet rows."""
        titles = data["title"]
        values = (
            json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            data_sha256,
            titles.get("es"),
            titles.get("qu"),
            titles.get("en"),
        )
        rowid = self._rowid(kind, id_)
        if rowid is not None:
            self._records.append((_UPDATE_RECORD, (*values, rowid)))
            if rowid in self._indexed:
                self._stale.add(rowid)
        else:
            rowid = self._next
            self._next += 1
            self._records.append((_INSERT_RECORD, (rowid, self.catalog, kind, id_, *values)))
            self._rowids[(kind, id_)] = rowid
        self.hashes[(kind, id_)] = data_sha256
        search = [
            (search_rowid(record, lang, kind), record, lang, title, body)
            for record, lang, title, body in search_rows(rowid, data)
        ]
        self._pending[rowid] = (search, facet_rows(rowid, kind, data))
        self._pending_chars += len(values[0]) + sum(len(row[4]) for row in search)
        if self._pending_chars > _FLUSH_CHARS:
            self._hand_over(wait=False)

    def delete(self, kind: str, id_: str) -> bool:
        """Remove one record; False when the catalog does not have it."""
        rowid = self._rowid(kind, id_)
        if rowid is None:
            return False
        del self._rowids[(kind, id_)]
        self.hashes.pop((kind, id_), None)
        self._pending.pop(rowid, None)
        if rowid in self._indexed:
            self._stale.add(rowid)
        self._records.append((_DELETE_RECORD, (rowid,)))
        return True

    def flush(self) -> None:
        """Write everything held, and wait until it is written."""
        self._hand_over(wait=True)

    def abort(self) -> None:
        """Drop what is held and stop the helper thread (after its current statement)."""
        self._stop.set()
        self._records, self._pending = [], {}
        if self._running is not None:
            try:
                self._running.result()
            except BaseException:  # noqa: BLE001 - the caller is already failing
                pass
            self._running = None
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _hand_over(self, wait: bool) -> None:
        batch = _Batch(self._records, sorted(self._stale))
        for s_rows, f_rows in self._pending.values():
            batch.search += s_rows
            batch.facets += f_rows
        self._indexed.difference_update(self._stale)
        self._indexed.update(self._pending)
        self._records, self._stale, self._pending, self._pending_chars = [], set(), {}, 0
        if self._running is not None:  # one batch at a time, in order
            running, self._running = self._running, None
            running.result()
        if not self._background:
            batch.run(self.conn)
            return
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aulalocal-writer")
            try:  # a connection made with check_same_thread=True stays in its thread
                self._pool.submit(lambda: self.conn.execute("SELECT 1").fetchone()).result()
            except sqlite3.ProgrammingError:
                self._pool.shutdown()
                self._pool, self._background = None, False
                batch.run(self.conn)
                return
        self._running = self._pool.submit(batch.run, self.conn, self._stop)
        if wait:
            running, self._running = self._running, None
            try:
                running.result()
            finally:
                self._pool.shutdown()
                self._pool = None


def write_record(
    conn: sqlite3.Connection, catalog: str, kind: str, id_: str, data: dict, data_sha256: str
) -> None:
    """Insert or replace one record with its search and facet rows.

    For many records, ``RecordWriter`` does the same in far fewer statements.
    """
    with RecordWriter(conn, catalog, preload=False) as writer:
        writer.write(kind, id_, data, data_sha256)


def delete_record(conn: sqlite3.Connection, catalog: str, kind: str, id_: str) -> bool:
    with RecordWriter(conn, catalog, preload=False) as writer:
        return writer.delete(kind, id_)


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
