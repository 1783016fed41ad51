"""Records asked for by key or all at once: for translation coverage and for the window's lists."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator

Key = tuple[str, str, str]  # (catalog, kind, id)
TITLE_LANGUAGES = ("es", "qu", "en")  # the records table's title columns


def every_record(db: sqlite3.Connection) -> Iterator[tuple[str, dict]]:
    """(kind, data) of every record of every catalog."""
    for kind, data in db.execute("SELECT kind, data FROM records"):
        yield kind, json.loads(data)


def titles_for(db: sqlite3.Connection, keys: Iterable[Key]) -> dict[Key, dict[str, str | None]]:
    """The titles (language -> text) of the records ``keys`` that are in the catalog."""
    found = {}
    for key in keys:
        row = db.execute(
            "SELECT title_es, title_qu, title_en FROM records WHERE catalog = ? AND kind = ? AND id = ?", key
        ).fetchone()
        if row:
            found[tuple(key)] = dict(zip(TITLE_LANGUAGES, row))
    return found


def catalog_of(db: sqlite3.Connection, kind: str, id_: str) -> str | None:
    """The catalog holding a record of this kind and id (the first by name if several do)."""
    row = db.execute(
        "SELECT catalog FROM records WHERE kind = ? AND id = ? ORDER BY catalog LIMIT 1", (kind, id_)
    ).fetchone()
    return None if row is None else row[0]
