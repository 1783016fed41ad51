"""What the catalog says it holds: each catalog's state and the applied-bundles ledger (reads).

``store`` writes both in the apply transaction; these are the questions
asked of them elsewhere: at every start (kept light: nothing but sqlite3),
by ``bundle export``, ``doctor`` and the rebuild, and the first start.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def sequence_of(conn: sqlite3.Connection, catalog: str) -> int | None:
    """The sequence the laptop has of ``catalog``; None when it has none of it."""
    row = conn.execute("SELECT sequence FROM catalogs WHERE catalog = ?", (catalog,)).fetchone()
    return None if row is None else row[0]


def states(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """(sequence, file SHA-256, "" if none) of each catalog."""
    return {c: (s, sha or "") for c, s, sha in conn.execute("SELECT catalog, sequence, file_sha256 FROM catalogs")}


def has_id_only_pins(conn: sqlite3.Connection) -> bool:
    """Whether a catalog is bound to a key id only (pinned before catalog schema 5): ``store.pinned_by_id_only``."""
    return conn.execute(
        "SELECT 1 FROM catalogs WHERE key_id IS NOT NULL AND public_key IS NULL LIMIT 1"
    ).fetchone() is not None


def applied_file(conn: sqlite3.Connection, stored_file: str) -> bool:
    """Whether the ledger has the apply of the bundle kept as ``stored_file`` (``bundle.kept``)."""
    return conn.execute("SELECT 1 FROM applied_bundles WHERE stored_file = ?", (stored_file,)).fetchone() is not None


def kept_applies(conn: sqlite3.Connection) -> list[tuple[str, int, int | None, str, str]]:
    """(catalog, sequence, base sequence, kept file, its SHA-256) of each applied bundle that was kept, in apply order."""
    return conn.execute(
        "SELECT catalog, sequence, base_sequence, stored_file, file_sha256 FROM applied_bundles"
        " WHERE stored_file IS NOT NULL ORDER BY catalog, sequence"
    ).fetchall()


def date_applied(path: Path, when: str) -> None:
    """Every catalog and ledger row of the catalog file ``path`` dated ``when`` (a first start's copy)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")  # the caller syncs the whole file after
        with conn:
            conn.execute("BEGIN")
            conn.execute("UPDATE catalogs SET applied_at = ?", (when,))
            conn.execute("UPDATE applied_bundles SET applied_at = ?", (when,))
    finally:
        conn.close()  # the last connection: its WAL is checkpointed into the file and removed
