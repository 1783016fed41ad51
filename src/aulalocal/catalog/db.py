"""Opening the two databases, with their migrations.

``catalog.db`` holds what publishers send; ``userdata.db`` holds what the
teacher makes. Each has a list of migrations; ``PRAGMA user_version`` is the
number of migrations applied. ``userdata.db`` is copied aside before a
migration, since nothing a teacher wrote may be lost.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aulalocal.errors import N_, DamagedCatalog, StorageError
from aulalocal.logfile import log_detail

if TYPE_CHECKING:
    import sqlite_utils

# Migrations get a sqlite-utils Database; everything else works on the plain
# connection: sqlite-utils takes about 0.1 s to import, too much for every start.
# A long one also gets the caller's progress and cancel callbacks.
@dataclass(frozen=True)
class MigrationTask:
    progress: Callable[[int, int], None] | None = None  # (done, total)
    cancel: Callable[[], bool] | None = None


Migration = Callable[..., None]

# The tokenizer folds case and accents; the Quechua apostrophe is stored as
# U+02BC, a letter to unicode61, so it stays inside words (see search.py).
# Every migration step can run again after a kill midway: sqlite-utils commits
# inside some of its calls, so a step is not one transaction.
FTS_TOKENIZE = "unicode61 remove_diacritics 2"


def _catalog_v1(db: sqlite_utils.Database) -> None:
    db["catalogs"].create(
        {
            "catalog": str,
            "sequence": int,
            "key_id": str,
            "publisher": str,
            "created": str,
            "applied_at": str,
            "file_sha256": str,
        },
        pk="catalog",
        if_not_exists=True,
    )
    db["applied_bundles"].create(
        {
            "id": int,
            "catalog": str,
            "sequence": int,
            "base_sequence": int,
            "key_id": str,
            "file_sha256": str,
            "publisher": str,
            "created": str,
            "applied_at": str,
            "stored_file": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db["records"].create(
        {
            "rowid": int,
            "catalog": str,
            "kind": str,
            "id": str,
            "data": str,
            "data_sha256": str,
            "title_es": str,
            "title_qu": str,
            "title_en": str,
        },
        pk="rowid",
        if_not_exists=True,
    )
    db["records"].create_index(["catalog", "kind", "id"], unique=True, if_not_exists=True)
    db["records"].create_index(["kind", "title_es"], if_not_exists=True)
    db["search_text"].create(
        {"rowid": int, "record": int, "lang": str, "title": str, "body": str},
        pk="rowid",
        if_not_exists=True,
    )
    db["search_text"].create_index(["record"], if_not_exists=True)
    db["search_text"].enable_fts(
        ["title", "body"], tokenize=FTS_TOKENIZE, create_triggers=True, replace=True
    )


def _catalog_v2(db: sqlite_utils.Database) -> None:
    # Facets (region, level, setting, audience, topic, year) as rows, so a
    # filter is an indexed lookup instead of JSON parsing on every query.
    db["facets"].create({"record": int, "facet": str, "value": str}, if_not_exists=True)
    db["facets"].create_index(["facet", "value", "record"], if_not_exists=True)
    db["facets"].create_index(["record"], if_not_exists=True)
    from aulalocal.catalog.text import facet_rows

    db.execute("DELETE FROM facets")
    for rowid, kind, data in db.execute("SELECT rowid, kind, data FROM records").fetchall():
        db.conn.executemany(
            "INSERT INTO facets (record, facet, value) VALUES (?, ?, ?)",
            facet_rows(rowid, kind, json.loads(data)),
        )


def _search_triggers(db: sqlite_utils.Database) -> None:
    # One set of triggers keeps both full-text indexes in step with search_text.
    db.execute(
        """CREATE TRIGGER search_text_ai AFTER INSERT ON search_text BEGIN
  INSERT INTO search_text_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
  INSERT INTO search_title_fts (rowid, title) VALUES (new.rowid, new.title);
END"""
    )
    db.execute(
        """CREATE TRIGGER search_text_ad AFTER DELETE ON search_text BEGIN
  INSERT INTO search_text_fts (search_text_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
  INSERT INTO search_title_fts (search_title_fts, rowid, title) VALUES ('delete', old.rowid, old.title);
END"""
    )
    db.execute(
        """CREATE TRIGGER search_text_au AFTER UPDATE ON search_text BEGIN
  INSERT INTO search_text_fts (search_text_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
  INSERT INTO search_title_fts (search_title_fts, rowid, title) VALUES ('delete', old.rowid, old.title);
  INSERT INTO search_text_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
  INSERT INTO search_title_fts (rowid, title) VALUES (new.rowid, new.title);
END"""
    )


def _drop_v3_search_indexes(db: sqlite_utils.Database) -> None:
    """In the step's own transaction: the triggers and the two full-text indexes of versions 3 to 5."""
    if not db.conn.in_transaction:
        db.execute("BEGIN IMMEDIATE")
    for trigger in ("search_text_ai", "search_text_ad", "search_text_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE IF EXISTS search_text_fts")
    db.execute("DROP TABLE IF EXISTS search_title_fts")


def _catalog_v3(db: sqlite_utils.Database) -> None:
    # Search speed (issue 6). search_text rowids now say the row's language and
    # kind (catalog.text.search_rowid), so a search in one language is a rowid
    # range inside the FTS index; a small title-only index answers title
    # matches as one types. Prefix indexes: a short last word ("183-B" ends in
    # "b") would otherwise be expanded to every word it starts, over the whole
    # index, at every keystroke (100 ms at 50,000 records). The full-text index
    # has only the one-letter prefixes: each prefix length adds about a tenth
    # to the time to apply a bundle (bench/, docs/benchmarks.md). Raw SQL in one
    # transaction (sqlite-utils helpers commit): a kill midway leaves version 2
    # as it was, and the step rebuilds everything from search_text, so it can
    # always run again.
    from aulalocal.catalog.text import search_rowid_sql

    _drop_v3_search_indexes(db)
    db.execute("DROP TABLE IF EXISTS search_text_v3")
    db.execute(
        "CREATE TABLE search_text_v3 (rowid INTEGER PRIMARY KEY, record INTEGER, lang TEXT, title TEXT, body TEXT)"
    )
    db.execute(
        "INSERT INTO search_text_v3 (rowid, record, lang, title, body)"
        f" SELECT {search_rowid_sql('s.record', 's.lang', 'r.kind')}, s.record, s.lang, s.title, s.body"
        " FROM search_text s JOIN records r ON r.rowid = s.record"
    )
    db.execute("DROP TABLE search_text")
    db.execute("ALTER TABLE search_text_v3 RENAME TO search_text")
    db.execute("CREATE INDEX idx_search_text_record ON search_text (record)")
    db.execute(
        "CREATE VIRTUAL TABLE search_text_fts USING fts5(title, body,"
        f" tokenize='{FTS_TOKENIZE}', prefix='1', content='search_text', content_rowid='rowid')"
    )
    db.execute(
        "CREATE VIRTUAL TABLE search_title_fts USING fts5(title,"
        f" tokenize='{FTS_TOKENIZE}', prefix='1 2 3 4', content='search_text', content_rowid='rowid')"
    )
    db.execute("INSERT INTO search_text_fts (search_text_fts) VALUES ('rebuild')")
    db.execute("INSERT INTO search_title_fts (search_title_fts) VALUES ('rebuild')")
    _search_triggers(db)
    # migrate() writes the version and commits: both land together.


def _catalog_v4(db: sqlite_utils.Database) -> None:
    # Search text written before this kept no apostrophe inside Quechua words
    # ("p'unchay" was indexed as "p unchay"): write it again for the records
    # that have one. Updating in place keeps rowids; the triggers keep FTS in step.
    from aulalocal.catalog.text import search_rows

    rows = db.execute(
        "SELECT rowid, kind, data FROM records WHERE data LIKE '%''%' OR data LIKE '%\u2019%'"
        " OR data LIKE '%\u02bc%' OR data LIKE '%\u00b4%' OR data LIKE '%`%'"
    ).fetchall()
    for rowid, kind, data in rows:
        for record, lang, title, body in search_rows(rowid, kind, json.loads(data)):
            db.execute(
                "UPDATE search_text SET title = ?, body = ? WHERE record = ? AND lang = ?",
                (title, body, record, lang),
            )


def _catalog_v5(db: sqlite_utils.Database) -> None:
    # Catalogs were pinned to a key id, 8 bytes a key's maker chooses freely:
    # pin the whole 32-byte key (hex). Old pins get it from the one trusted
    # key with their id when the data folder opens (bundle.trust.upgrade_pins).
    for table in ("catalogs", "applied_bundles"):
        if "public_key" not in db[table].columns_dict:
            db[table].add_column("public_key", str)


# Prefix indexes. The full-text index has the one-letter prefixes (a short
# last word, as in "183-B", would otherwise be expanded to every word it
# starts, over the whole index: 100 ms at 50,000 records); each prefix
# length costs about a tenth more to index (docs/benchmarks.md). Titles are
# few and short: their prefixes of 1 and 2 letters answer the first keys
# typed; longer prefixes are expanded quickly enough.
TEXT_PREFIX = "1"
TITLE_PREFIX = "1 2"


def search_index_sql() -> list[str]:
    """The statements that make the search indexes of migration 6 over an existing search_text.

    Per language: a view of its rows (their rowids say their language,
    ``catalog.text.search_rowid``), the full-text and title indexes over it,
    and a vocabulary table over the full-text index. Then the catalog's
    words, with a trigram index to find a word that was mistyped, and the
    triggers that keep every index in step with search_text.
    """
    from aulalocal.catalog.text import SEARCH_LANGS, rowid_range, text_index, title_index

    sql = []
    inserts, deletes = [], []
    for lang in SEARCH_LANGS:
        low, high = rowid_range(lang)
        view, text, title = f"search_text_{lang}", text_index(lang), title_index(lang)
        sql.append(
            f"CREATE VIEW {view} AS SELECT rowid AS id, title, body FROM search_text"
            f" WHERE rowid BETWEEN {low} AND {high}"
        )
        sql.append(
            f"CREATE VIRTUAL TABLE {text} USING fts5(title, body, tokenize='{FTS_TOKENIZE}',"
            f" prefix='{TEXT_PREFIX}', content='{view}', content_rowid='id')"
        )
        sql.append(
            f"CREATE VIRTUAL TABLE {title} USING fts5(title, tokenize='{FTS_TOKENIZE}',"
            f" prefix='{TITLE_PREFIX}', content='{view}', content_rowid='id')"
        )
        sql.append(f"CREATE VIRTUAL TABLE search_vocab_{lang} USING fts5vocab({text}, row)")
        for table, cols in ((text, "title, body"), (title, "title")):
            new_cols = ", ".join(f"new.{c}" for c in cols.split(", "))
            old_cols = ", ".join(f"old.{c}" for c in cols.split(", "))
            inserts.append(
                f"  INSERT INTO {table} (rowid, {cols}) SELECT new.rowid, {new_cols}"
                f" WHERE new.rowid BETWEEN {low} AND {high};"
            )
            deletes.append(
                f"  INSERT INTO {table} ({table}, rowid, {cols}) SELECT 'delete', old.rowid, {old_cols}"
                f" WHERE old.rowid BETWEEN {low} AND {high};"
            )
    sql += [
        "CREATE TABLE search_words (rowid INTEGER PRIMARY KEY, lang TEXT NOT NULL, word TEXT NOT NULL,"
        " records INTEGER NOT NULL)",
        "CREATE UNIQUE INDEX idx_search_words_lang_word ON search_words (lang, word)",
        "CREATE VIRTUAL TABLE search_words_fts USING fts5(word, tokenize='trigram',"
        " content='search_words', content_rowid='rowid')",
        "CREATE TRIGGER search_text_ai AFTER INSERT ON search_text BEGIN\n" + "\n".join(inserts) + "\nEND",
        "CREATE TRIGGER search_text_ad AFTER DELETE ON search_text BEGIN\n" + "\n".join(deletes) + "\nEND",
        "CREATE TRIGGER search_text_au AFTER UPDATE ON search_text BEGIN\n"
        + "\n".join(deletes + inserts)
        + "\nEND",
    ]
    return sql


def _drop_search_indexes(db: sqlite_utils.Database) -> None:
    from aulalocal.catalog.text import SEARCH_LANGS, text_index, title_index

    for name in ("search_words_fts", "search_words"):
        db.execute(f"DROP TABLE IF EXISTS {name}")
    for lang in SEARCH_LANGS:
        for name in (f"search_vocab_{lang}", text_index(lang), title_index(lang)):
            db.execute(f"DROP TABLE IF EXISTS {name}")
        db.execute(f"DROP VIEW IF EXISTS search_text_{lang}")


def _catalog_v6(db: sqlite_utils.Database, task: MigrationTask | None = None) -> None:
    # One full-text index per language (issue 20), a vocabulary of the
    # catalog's words for "did you mean" (issue 14). Raw SQL in the step's
    # transaction: a kill or a cancel leaves version 5 as it was; the indexes
    # are rebuilt from search_text, a slice of records at a time, so a long
    # one says how far it is and can be cancelled.
    from aulalocal.catalog.store import index_all, refresh_words

    _drop_v3_search_indexes(db)
    _drop_search_indexes(db)  # a step that ran before, and its version was never written
    for statement in search_index_sql():
        db.execute(statement)
    index_all(db.conn, task.progress if task else None, task.cancel if task else None)
    refresh_words(db.conn)


CATALOG_MIGRATIONS: list[Migration] = [_catalog_v1, _catalog_v2, _catalog_v3, _catalog_v4, _catalog_v5, _catalog_v6]


def _userdata_v1(db: sqlite_utils.Database) -> None:
    db["favorites"].create(
        {"catalog": str, "kind": str, "id": str, "created": str},
        pk=("catalog", "kind", "id"),
        if_not_exists=True,
    )
    db["notes"].create(
        {"catalog": str, "kind": str, "id": str, "text": str, "updated": str},
        pk=("catalog", "kind", "id"),
        if_not_exists=True,
    )
    db["settings"].create({"key": str, "value": str}, pk="key", if_not_exists=True)


def _userdata_v2(db: sqlite_utils.Database) -> None:
    # The record's titles when the note or favorite was made, so an item a
    # later update removed can still be named.
    for table in ("notes", "favorites"):
        if "title" not in db[table].columns_dict:
            db[table].add_column("title", str)
    db["recent_searches"].create({"query": str, "used": str}, pk="query", if_not_exists=True)


USERDATA_MIGRATIONS: list[Migration] = [_userdata_v1, _userdata_v2]


def connect(path: Path) -> sqlite3.Connection:
    """Open an SQLite file with the pragmas every connection here uses."""
    try:
        # Autocommit: transactions are opened explicitly (BEGIN IMMEDIATE)
        # where all-or-nothing matters.
        conn = sqlite3.connect(
            str(path), timeout=10, check_same_thread=False, isolation_level=None
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error as exc:
        log_detail(path.parent, f"cannot open {path}", exc)
        raise StorageError(
            N_("Cannot open the database {path}. Run 'aulalocal doctor'."), path=str(path)
        ) from exc
    return conn


_local = threading.local()


def read_db(path: str | Path) -> sqlite3.Connection:
    """This thread's read-only connection to an SQLite file (opened once per thread).

    For the faces' background threads (the window's workers, the classroom
    web site's request threads): a connection is never shared between threads.
    """
    dbs = getattr(_local, "dbs", None)
    if dbs is None:
        dbs = _local.dbs = {}
    key = str(path)
    db = dbs.get(key)
    if db is None:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        db = dbs[key] = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=10)
    return db


def keep_small(db: sqlite3.Connection, cache_kib: int) -> None:
    """Bound a read connection's memory: a page cache of ``cache_kib`` KB and no memory map.

    For a server's many threads reading a few rows each: SQLite's default
    2 MB cache per connection, and a memory-mapped 600 MB file counted in
    the process's memory, would be paid once per thread.
    """
    db.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
    db.execute("PRAGMA mmap_size = 0")


def migrate(
    conn: sqlite3.Connection,
    migrations: list[Migration],
    backup_of: Path | None = None,
    task: MigrationTask | None = None,
) -> int:
    """Bring ``conn`` up to the newest schema; returns the old version.

    Each step is one transaction: a step cancelled (``task.cancel``, raising
    ``Cancelled``) or failed leaves the steps before it done and itself undone.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(migrations):
        raise StorageError(
            N_("This data was written by a newer version of AulaLocal. Update AulaLocal first.")
        )
    if version == len(migrations):
        return version
    if backup_of is not None and version > 0 and backup_of.exists():
        backup = backup_of.with_name(f"{backup_of.name}.v{version}.bak")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        from aulalocal.fileio import copy_file  # only now: it is not needed at every start

        copy_file(backup_of, backup)
    import sqlite_utils

    db = sqlite_utils.Database(conn, execute_plugins=False)
    for number, step in enumerate(migrations[version:], start=version + 1):
        with conn:
            if step in _LONG_STEPS:
                step(db, task)
            else:
                step(db)
            conn.execute(f"PRAGMA user_version = {number}")
    return version


def create(path: Path, migrations: list[Migration]) -> None:
    """A new database at ``path``, made under a temporary name and named once its schema is complete.

    So a file under the real name that is empty or has no schema is damage (a
    disk or a copy that lost it), never a first start that was interrupted.
    Two starts at once: the first one named wins, the other's file is dropped.
    """
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.new-", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        conn = connect(tmp)
        try:
            migrate(conn, migrations)
            settle_wal(conn)
        finally:
            conn.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:  # no hard links on this file system
            if not path.exists():
                os.replace(tmp, path)
    except sqlite3.Error as exc:
        raise _corrupt(tmp, exc) from exc
    finally:
        for leftover in (tmp, *wal_files(tmp)):
            leftover.unlink(missing_ok=True)


def wal_files(path: Path) -> tuple[Path, Path]:
    """The write-ahead log and its index beside a database: they belong to that file alone."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def settle_wal(conn: sqlite3.Connection) -> None:
    """Everything in the database file itself, synced: it can then be renamed or copied alone."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to an existing file, closed afterwards (it never creates one)."""
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def schema_version(path: Path) -> int | None:
    """``PRAGMA user_version`` of an existing file; None for an empty one (0 bytes)."""
    if path.stat().st_size == 0:
        return None
    with reading(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def _open(
    path: Path, migrations: list[Migration], empty: StorageError, backup: bool, task: MigrationTask | None = None
) -> sqlite3.Connection:
    if not path.exists():
        create(path, migrations)
    try:
        if not schema_version(path):  # 0 bytes, or no migration ever ran: damage
            raise empty
    except sqlite3.Error as exc:
        raise _corrupt(path, exc) from exc
    db = connect(path)
    try:
        migrate(db, migrations, backup_of=path if backup else None, task=task)
    except sqlite3.Error as exc:
        db.close()
        raise _corrupt(path, exc) from exc
    except BaseException:  # a migration cancelled (Cancelled) or interrupted
        db.close()
        raise
    return db


def open_catalog(path: Path, task: MigrationTask | None = None) -> sqlite3.Connection:
    """The catalog; created when missing (the caller knows whether that is a new laptop).

    A long migration reports to ``task`` and stops when it asks (``Cancelled``).
    """
    return _open(path, CATALOG_MIGRATIONS, catalog_damaged(), backup=False, task=task)


# The steps that take a MigrationTask: the long ones.
_LONG_STEPS = {_catalog_v6}


def catalog_needs_migration(path: Path) -> bool:
    """Whether opening the catalog at ``path`` will migrate an existing schema (perhaps for long)."""
    try:
        version = schema_version(path) if path.exists() else None
    except (OSError, sqlite3.Error):
        return False  # open_catalog says what is wrong
    return bool(version) and version < len(CATALOG_MIGRATIONS)


def open_userdata(path: Path) -> sqlite3.Connection:
    """The teacher's notes, favorites and settings. An empty file is never written over."""
    return _open(path, USERDATA_MIGRATIONS, userdata_damaged(), backup=True)


def catalog_damaged() -> DamagedCatalog:
    return DamagedCatalog(
        N_(
            "The catalog on this laptop (catalog.db) is damaged or missing. Run 'aulalocal doctor --repair':"
            " it is rebuilt from the shipped catalog and the updates this laptop kept; notes and favorites are not touched."
        )
    )


def userdata_damaged() -> StorageError:
    return StorageError(
        N_(
            "userdata.db, which holds the notes and favorites, is empty or damaged; it was not changed."
            " Run 'aulalocal doctor --repair' to put back its newest copy (userdata.db.vN.bak beside it), or ask your school IT helper."
        )
    )


def _corrupt(path: Path, exc: Exception) -> StorageError:
    log_detail(path.parent, f"damaged database {path}", exc)
    if path.name == "catalog.db":
        return catalog_damaged()
    return StorageError(
        N_("The database {path} is damaged. Run 'aulalocal doctor'."), path=str(path)
    )
