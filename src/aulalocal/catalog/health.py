"""Whether a database file is sound: SQLite's integrity check and the full-text indexes' own (doctor, rebuild)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aulalocal.catalog.db import reading
from aulalocal.catalog.text import search_indexes

# Every language's full-text and title index (migration 6), and the trigram
# index over the catalog's words ("did you mean").
FULL_TEXT_INDEXES = (*search_indexes(), "search_words_fts")


def integrity(conn: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA integrity_check`` says: ``["ok"]`` for a sound database."""
    return [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version (migrations applied)."""
    return conn.execute("PRAGMA user_version").fetchone()[0]


def sound(path: Path) -> bool:
    """Whether the file ``path`` passes the integrity check (False if it cannot be read)."""
    try:
        with reading(path) as conn:
            return integrity(conn) == ["ok"]
    except sqlite3.Error:
        return False


def check_search_indexes(conn: sqlite3.Connection) -> None:
    """Each full-text index against the text it indexes; ``sqlite3.DatabaseError`` if one disagrees."""
    # rank 1: the index is compared with its content table too (every one is
    # an external-content index); without it, FTS5 checks only the index's
    # own structure and passes an index that lacks rows or has extra ones.
    for table in FULL_TEXT_INDEXES:
        conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
