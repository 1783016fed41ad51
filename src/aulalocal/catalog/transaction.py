"""The one write transaction of an apply: all of it, or nothing (spec section 6, step 5)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from aulalocal.errors import N_, StorageError


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE``, committed when the block ends; anything raised in it rolls it back.

    A catalog another process is writing is ``StorageError`` before the block runs.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StorageError(
            N_("The catalog is busy with another update. Try again when it has finished.")
        ) from exc
    try:
        yield
        conn.execute("COMMIT")
    except BaseException as exc:
        # SQLite rolls back by itself on some errors (a full disk): only roll
        # back what is still open.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        elif isinstance(exc, sqlite3.Error):
            # After rolling back by itself, SQLite fails the connection's next
            # read once with the same error while it recovers: let that be
            # this read, not the caller's.
            try:
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.Error:
                pass
        raise


def storage_error(exc: sqlite3.Error) -> StorageError:
    """A failed write, in the teacher's words (SQLite's own are in English)."""
    text = str(exc).lower()
    if "full" in text:
        return StorageError(
            N_("The laptop's disk is full. Free some space and try again; nothing was changed.")
        )
    if "readonly" in text or "read-only" in text:
        return StorageError(
            N_("The data folder is read-only. Check its permissions; nothing was changed.")
        )
    return StorageError(
        N_("The catalog could not be written; nothing was changed. Run 'aulalocal doctor'.")
    )
