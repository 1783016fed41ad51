"""The write side of the catalog: records, their index rows, and the ledger.

Every function here runs inside the one transaction that ``bundle.apply``
opens, on the raw connection: sqlite-utils' bulk helpers commit on their own,
which would break all-or-nothing.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
import threading
from dataclasses import dataclass

from aulalocal.catalog.text import SEARCH_LANGS, facet_rows, search_indexes, search_rowid, search_rows


@dataclass(frozen=True)
class CatalogState:
    catalog: str
    sequence: int
    key_id: str | None
    file_sha256: str | None
    publisher: str | None = None
    created: str | None = None
    applied_at: str | None = None
    # The 32 bytes of the key the catalog is bound to, as hex: the key id
    # alone is a name its maker chooses. None for the shipped catalog, and
    # for a catalog pinned before version 5 until bundle.trust.upgrade_pins.
    public_key: str | None = None


def get_state(conn: sqlite3.Connection, catalog: str) -> CatalogState | None:
    row = conn.execute(
        "SELECT catalog, sequence, key_id, file_sha256, publisher, created, applied_at, public_key"
        " FROM catalogs WHERE catalog = ?",
        (catalog,),
    ).fetchone()
    return CatalogState(*row) if row else None


def pinned_by_id_only(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(catalog, key id) of the catalogs whose pin has no whole key yet."""
    return conn.execute(
        "SELECT catalog, key_id FROM catalogs WHERE key_id IS NOT NULL AND public_key IS NULL ORDER BY catalog"
    ).fetchall()


def pin_whole_key(conn: sqlite3.Connection, catalog: str, key_id: str, public_key: str) -> None:
    conn.execute(
        "UPDATE catalogs SET public_key = ? WHERE catalog = ? AND key_id = ? AND public_key IS NULL",
        (public_key, catalog, key_id),
    )


# Rows per INSERT statement (fewer where SQLite allows fewer variables).
_ROWS_PER_STATEMENT = 512
# Text held before it goes to the helper thread, and batches handed to it but
# not written yet: together they bound the memory of a large apply.
_FLUSH_CHARS = 4_000_000
_QUEUED = 2
# While the helper thread has nothing to do (at the start of an apply), a
# batch goes to it as soon as it holds this much: it then starts writing
# after a few dozen records instead of several hundred.
_IDLE_FLUSH_CHARS = 500_000
# Search text added to the full-text indexes per statement: at most this much
# waits; less when the helper thread would otherwise sit idle, but never under
# the minimum (small index segments cost more to merge).
_INDEX_CHARS = 16_000_000
_MIN_INDEX_CHARS = 4_000_000
# Records indexed per statement when every index is made anew (a migration).
_INDEX_SLICE = 5_000
_SEARCH_COLUMNS = "(rowid, record, lang, title, body)"
_INSERT_RECORD = "INSERT INTO records (...) VALUES (...)"  # a tag: written by _insert_many
_RECORD_COLUMNS = "(rowid, catalog, kind, id, data, data_sha256, title_es, title_qu, title_en)"
_UPDATE_RECORD = (
    "UPDATE records SET data = ?, data_sha256 = ?, title_es = ?, title_qu = ?, title_en = ?"
    " WHERE rowid = ?"
)
_DELETE_RECORD = "DELETE FROM records WHERE rowid = ?"
# The full-text indexes over search_text: their columns and the rowids each
# holds (one language). Triggers keep them in step with it (catalog/db.py,
# migration 6), except while a RecordWriter writes: see there.
FTS_INDEXES = search_indexes()
# A set of rowids passed as one JSON array parameter: no variable limit, one statement.
_IN_JSON = "IN (SELECT value FROM json_each(?))"
# FTS5 settings while a RecordWriter works (the ones before are put back
# after), and FTS5's defaults: a larger buffer of pending terms, and merging
# segments 8 at a time instead of 4, make fewer and larger index segments and
# rewrite each less often. The buffer costs at most its size in memory.
_FTS_OPTIONS = {"hashsize": 16 << 20, "automerge": 8}
_FTS_DEFAULTS = {"hashsize": 1 << 20, "automerge": 4}


def _max_variables(conn: sqlite3.Connection) -> int:
    try:
        return conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # Python 3.11+
    except AttributeError:
        return 999  # the smallest default of any SQLite


def _insert_many(conn: sqlite3.Connection, table: str, columns: str, rows: list[tuple]) -> None:
    """Insert ``rows`` with as few statements as the variable limit allows.

    Statements of the largest size, then of half that size and so on for
    the rest: a table's inserts share at most ten statements. A statement of
    its own size for each last group was prepared again at each batch, and
    Python's sqlite3 keeps the last 128 it prepared (a few hundred kB each at
    these sizes): 45 MB held by the catalog's connection after an apply of
    50,000 records, for as long as the app ran.
    """
    if not rows:
        return
    width = len(rows[0])
    group = "(" + ", ".join("?" * width) + ")"
    size = max(1, min(_ROWS_PER_STATEMENT, _max_variables(conn) // width))
    done = 0
    while done < len(rows):
        while size > len(rows) - done:
            size //= 2
        conn.execute(
            f"INSERT INTO {table} {columns} VALUES " + ", ".join([group] * size),
            [v for row in rows[done : done + size] for v in row],
        )
        done += size


def _index_search_rows(conn: sqlite3.Connection, rowids: list[int], delete: bool) -> None:
    """Add rows of search_text to the full-text indexes, or take them out (``delete``)."""
    if not rowids:
        return
    rowids = sorted(rowids)
    for table, (columns, (low, high)) in FTS_INDEXES.items():
        # The language's rows are one run of the sorted rowids.
        part = rowids[bisect.bisect_left(rowids, low) : bisect.bisect_right(rowids, high)]
        if not part:
            continue
        names = ", ".join(columns)
        command, head = (f"{table}, ", "'delete', ") if delete else ("", "")
        conn.execute(
            f"INSERT INTO {table} ({command}rowid, {names}) SELECT {head}rowid, {names}"
            f" FROM search_text WHERE rowid {_IN_JSON} ORDER BY rowid",
            (json.dumps(part),),
        )


def index_all(conn: sqlite3.Connection, progress=None, cancel=None) -> None:
    """Fill the (empty) full-text indexes from the whole of search_text, in slices.

    ``progress(done, total)`` after each slice (records); ``cancel()`` true
    stops with ``Cancelled`` (the caller's transaction then rolls back).
    """
    from aulalocal.errors import N_, Cancelled

    total = conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    old = _set_fts_options(conn, dict.fromkeys(FTS_INDEXES, _FTS_OPTIONS))
    done = 0
    for table, (columns, (low, high)) in FTS_INDEXES.items():
        names = ", ".join(columns)
        start = low
        while start <= high:
            if cancel is not None and cancel():
                raise Cancelled(N_("Cancelled. Nothing was changed."))
            # A slice of rowids at most _INDEX_SLICE records wide, by record number.
            row = conn.execute(
                f"SELECT rowid FROM search_text WHERE rowid >= ? AND rowid <= ? ORDER BY rowid"
                f" LIMIT 1 OFFSET {_INDEX_SLICE}",
                (start, high),
            ).fetchone()
            end = high if row is None else row[0] - 1
            count = conn.execute(
                f"INSERT INTO {table} (rowid, {names}) SELECT rowid, {names} FROM search_text"
                " WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                (start, end),
            ).rowcount
            done += max(count, 0)
            if progress is not None:
                # Each record has one row in each index: the work is rows indexed, in records.
                progress(min(total, done // len(FTS_INDEXES)), total)
            start = end + 1
    _set_fts_options(conn, old)


def refresh_words(conn: sqlite3.Connection) -> None:
    """Make the catalog's vocabulary (``search_words`` and its trigram index) anew from the full-text indexes.

    Inside the caller's transaction. It reads every index's term list
    (fts5vocab), which costs about what reading the index once does.
    """
    conn.execute("INSERT INTO search_words_fts (search_words_fts) VALUES ('delete-all')")
    conn.execute("DELETE FROM search_words")
    for lang in SEARCH_LANGS:
        conn.execute(
            "INSERT INTO search_words (lang, word, records) SELECT ?, term, doc FROM"
            f" search_vocab_{lang}",
            (lang,),
        )
    conn.execute("INSERT INTO search_words_fts (search_words_fts) VALUES ('rebuild')")


class _Batch:
    """Writes handed over together: record rows in order, then search and facet rows."""

    def __init__(self, records: list[tuple[str, tuple]], stale: list[int], stale_indexed: list[int]) -> None:
        self.records = records  # (statement, parameters), in order
        self.stale = stale  # records whose search and facet rows go first
        self.stale_indexed = stale_indexed  # of those, the ones in the full-text indexes
        self.search: list[tuple] = []
        self.facets: list[tuple] = []
        self.index: list[int] = []  # search rows to add to the full-text indexes, at the end

    def run(self, conn: sqlite3.Connection, stop: threading.Event) -> None:
        """Write the batch; once ``stop`` is set, no further statement."""
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
        if stop.is_set():
            return
        if self.stale:
            # Out of the full-text indexes first: FTS5 needs the text it indexed.
            old = conn.execute(
                f"SELECT rowid FROM search_text WHERE record {_IN_JSON}", (json.dumps(self.stale_indexed),)
            ).fetchall()
            _index_search_rows(conn, [rowid for (rowid,) in old], delete=True)
            stale = json.dumps(self.stale)
            conn.execute(f"DELETE FROM search_text WHERE record {_IN_JSON}", (stale,))
            conn.execute(f"DELETE FROM facets WHERE record {_IN_JSON}", (stale,))
            if stop.is_set():
                return
        self.search.sort()
        _insert_many(conn, "search_text", _SEARCH_COLUMNS, self.search)
        _insert_many(conn, "facets", "(record, facet, value)", self.facets)
        if not stop.is_set():
            _index_search_rows(conn, self.index, delete=False)


def _set_fts_options(
    conn: sqlite3.Connection, options: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    """Set FTS5 options per index (``{table: {option: value}}``); returns the values they had."""
    old: dict[str, dict[str, int]] = {}
    for table, values in options.items():
        stored = dict(conn.execute(f"SELECT k, v FROM {table}_config"))
        old[table] = {name: stored.get(name, _FTS_DEFAULTS[name]) for name in values}
        for name, value in values.items():
            conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES (?, ?)", (name, value))
    return old


def _drop_search_triggers(conn: sqlite3.Connection) -> list[str]:
    """Drop the triggers on search_text; returns their SQL, to make them again."""
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'search_text'"
        " ORDER BY name"
    ).fetchall()
    for name, _sql in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in triggers]


class RecordWriter:
    """Writes and deletes a catalog's records, their search text and facets, in batches.

    Use it as a ``with`` block inside the caller's transaction, and leave the
    block before the transaction commits: writes are held and made a few
    statements per thousand records, each batch by a helper thread while the
    next one is prepared (SQLite works without Python's lock); the caller must
    not use the connection inside the block. Leaving the block on an exception
    stops the helper; the caller then rolls back.

    Triggers would index each row of search_text as it is written, and FTS5
    writes its pending terms out as a new index segment at the end of every
    statement: many small segments, whose merging was most of an apply's
    time. So the block drops the triggers and keeps the full-text indexes
    (``FTS_INDEXES``) itself: the rows it deletes are taken out as it goes,
    the rows it writes are added several batches at a time, in one statement
    per index and in rowid order (FTS5 also writes a segment out whenever a
    rowid is lower than the one before). At its end it makes the triggers
    again as they were, in the same transaction: no other connection ever
    sees the catalog without them.
    """

    def __init__(self, conn: sqlite3.Connection, catalog: str) -> None:
        self.conn = conn
        self.catalog = catalog
        self._rowids: dict[tuple[str, str], int] = {}
        self.hashes: dict[tuple[str, str], str] = {}
        for kind, id_, rowid, sha in conn.execute(
            "SELECT kind, id, rowid, data_sha256 FROM records WHERE catalog = ?", (catalog,)
        ):
            self._rowids[(kind, id_)] = rowid
            self.hashes[(kind, id_)] = sha
        self._next = conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM records").fetchone()[0]
        # Records whose search and facet rows are (or will be, once the batches
        # handed over are written) in the database.
        self._written: set[int] = set(self._rowids.values())
        self._stale: set[int] = set()  # of those, rows to delete with the next batch
        # Of those, the ones whose search rows are not in the full-text indexes
        # yet: the rows' rowids and length.
        self._unindexed: dict[int, tuple[list[int], int]] = {}
        self._unindexed_chars = 0
        self._records: list[tuple[str, tuple]] = []
        self._pending: dict[int, tuple[list[tuple], list[tuple]]] = {}
        self._pending_chars = 0
        self._triggers: list[str] = []
        self._fts_options: dict[str, dict[str, int]] = {}
        self._background = True
        self._pool = None  # a ThreadPoolExecutor, made on first use (kept off the start-up path)
        self._running: list = []  # Futures of the batches handed over, oldest first
        self._stop = threading.Event()

    def __enter__(self) -> "RecordWriter":
        self._fts_options = _set_fts_options(self.conn, dict.fromkeys(FTS_INDEXES, _FTS_OPTIONS))
        self._triggers = _drop_search_triggers(self.conn)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self._abort()  # the rollback puts back the triggers and the FTS5 settings
            return
        self._hand_over(last=True)
        for sql in self._triggers:
            self.conn.execute(sql)
        _set_fts_options(self.conn, self._fts_options)
        refresh_words(self.conn)

    def write(self, kind: str, id_: str, data: dict, data_json: str, data_sha256: str) -> None:
        """Insert or replace one record (``data``, stored as ``data_json``) with its search and facet rows."""
        titles = data["title"]
        values = (data_json, data_sha256, titles.get("es"), titles.get("qu"), titles.get("en"))
        rowid = self._rowids.get((kind, id_))
        if rowid is not None:
            self._records.append((_UPDATE_RECORD, (*values, rowid)))
            if rowid in self._written:
                self._stale.add(rowid)
        else:
            rowid = self._next
            self._next += 1
            self._records.append((_INSERT_RECORD, (rowid, self.catalog, kind, id_, *values)))
            self._rowids[(kind, id_)] = rowid
        self.hashes[(kind, id_)] = data_sha256
        search = [
            (search_rowid(record, lang, kind), record, lang, title, body)
            for record, lang, title, body in search_rows(rowid, kind, data)
        ]
        self._pending[rowid] = (search, facet_rows(rowid, kind, data))
        self._pending_chars += len(data_json) + sum(len(row[4]) for row in search)
        if self._pending_chars > _FLUSH_CHARS or (
            self._pending_chars > _IDLE_FLUSH_CHARS and self._background and self._helper_idle()
        ):
            self._hand_over(last=False)

    def delete(self, kind: str, id_: str) -> bool:
        """Remove one record; False when the catalog does not have it."""
        rowid = self._rowids.pop((kind, id_), None)
        if rowid is None:
            return False
        self.hashes.pop((kind, id_), None)
        self._pending.pop(rowid, None)
        if rowid in self._written:
            self._stale.add(rowid)
        self._records.append((_DELETE_RECORD, (rowid,)))
        return True

    def _helper_idle(self) -> bool:
        return all(running.done() for running in self._running)

    def _abort(self) -> None:
        """Drop what is held and stop the helper thread (after its current statement)."""
        self._stop.set()
        self._records, self._pending = [], {}
        for running in self._running:
            try:
                running.result()
            except BaseException:  # noqa: BLE001 - the caller is already failing
                pass
        self._running = []
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _run(self, batch: _Batch) -> None:
        """One batch, in the helper thread; none after one has failed."""
        if self._stop.is_set():
            return
        try:
            batch.run(self.conn, self._stop)
        except BaseException:
            # SQLite may have rolled the transaction back by itself (a full
            # disk): the batches queued behind this one would then each be
            # committed on their own.
            self._stop.set()
            raise

    def _hand_over(self, last: bool) -> None:
        """Hand what is held to the helper thread; with ``last``, wait until all is written."""
        stale = sorted(self._stale)
        stale_indexed = []
        for rowid in stale:
            unindexed = self._unindexed.pop(rowid, None)
            if unindexed is None:
                stale_indexed.append(rowid)
            else:
                self._unindexed_chars -= unindexed[1]
        batch = _Batch(self._records, stale, stale_indexed)
        for rowid, (s_rows, f_rows) in self._pending.items():
            batch.search += s_rows
            batch.facets += f_rows
            chars = sum(len(row[3]) + len(row[4]) for row in s_rows)
            self._unindexed[rowid] = ([row[0] for row in s_rows], chars)
            self._unindexed_chars += chars
        if (
            last
            or self._unindexed_chars > _INDEX_CHARS
            or (self._helper_idle() and self._unindexed_chars > _MIN_INDEX_CHARS)
        ):
            batch.index = sorted(r for rowids, _chars in self._unindexed.values() for r in rowids)
            self._unindexed, self._unindexed_chars = {}, 0
        self._written.difference_update(self._stale)
        self._written.update(self._pending)
        self._records, self._stale, self._pending, self._pending_chars = [], set(), {}, 0
        while len(self._running) >= _QUEUED:  # in order; bounds what is held
            self._running.pop(0).result()
        if not self._background:
            self._run(batch)
            return
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aulalocal-writer")
            try:  # a connection made with check_same_thread=True stays in its thread
                self._pool.submit(lambda: self.conn.execute("SELECT 1").fetchone()).result()
            except sqlite3.ProgrammingError:
                self._pool.shutdown()
                self._pool, self._background = None, False
                self._run(batch)
                return
        self._running.append(self._pool.submit(self._run, batch))
        if last:
            try:
                while self._running:
                    self._running.pop(0).result()
            finally:
                self._pool.shutdown()
                self._pool = None


def record_applied(
    conn: sqlite3.Connection,
    state: CatalogState,
    base_sequence: int | None,
    stored_file: str | None,
) -> None:
    """The ledger row and the catalog's new state, in the apply transaction."""
    conn.execute(
        "INSERT INTO applied_bundles (catalog, sequence, base_sequence, key_id, public_key, file_sha256,"
        " publisher, created, applied_at, stored_file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            state.catalog,
            state.sequence,
            base_sequence,
            state.key_id,
            state.public_key,
            state.file_sha256,
            state.publisher,
            state.created,
            state.applied_at,
            stored_file,
        ),
    )
    conn.execute(
        "INSERT OR REPLACE INTO catalogs (catalog, sequence, key_id, public_key, publisher, created,"
        " applied_at, file_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            state.catalog,
            state.sequence,
            state.key_id,
            state.public_key,
            state.publisher,
            state.created,
            state.applied_at,
            state.file_sha256,
        ),
    )
