"""What the teacher makes: favorites, notes and settings (``userdata.db``).

Items are named by (catalog, kind, id), never by a catalog row, so they
survive every update, also one that removes the record: the title kept with
them still names it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlite3

from aulalocal.catalog.changes import USERDATA, Changes


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Item:
    catalog: str
    kind: str
    id: str
    title: dict  # the record's localized title when the item was saved
    text: str = ""
    updated: str = ""


def get_setting(db: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_setting(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))


def is_favorite(db: sqlite3.Connection, catalog: str, kind: str, id_: str) -> bool:
    return bool(
        db.execute(
            "SELECT 1 FROM favorites WHERE catalog = ? AND kind = ? AND id = ?", (catalog, kind, id_)
        ).fetchone()
    )


def set_favorite(
    db: sqlite3.Connection, catalog: str, kind: str, id_: str, title: dict, on: bool
) -> Changes:
    if on:
        db.execute(
            "INSERT OR REPLACE INTO favorites (catalog, kind, id, created, title) VALUES (?, ?, ?, ?, ?)",
            (catalog, kind, id_, _now(), json.dumps(title, ensure_ascii=False)),
        )
    else:
        db.execute(
            "DELETE FROM favorites WHERE catalog = ? AND kind = ? AND id = ?", (catalog, kind, id_)
        )
    return USERDATA


def favorites(db: sqlite3.Connection) -> list[Item]:
    rows = db.execute(
        "SELECT catalog, kind, id, title, '', created FROM favorites ORDER BY created DESC"
    ).fetchall()
    return [Item(c, k, i, json.loads(t or "{}"), x, u) for c, k, i, t, x, u in rows]


def get_note(db: sqlite3.Connection, catalog: str, kind: str, id_: str) -> str:
    row = db.execute(
        "SELECT text FROM notes WHERE catalog = ? AND kind = ? AND id = ?", (catalog, kind, id_)
    ).fetchone()
    return row[0] if row else ""


def save_note(
    db: sqlite3.Connection, catalog: str, kind: str, id_: str, title: dict, text: str
) -> Changes:
    """Save as typed; an emptied note is deleted."""
    if text.strip():
        db.execute(
            "INSERT OR REPLACE INTO notes (catalog, kind, id, text, updated, title) VALUES (?, ?, ?, ?, ?, ?)",
            (catalog, kind, id_, text, _now(), json.dumps(title, ensure_ascii=False)),
        )
    else:
        db.execute("DELETE FROM notes WHERE catalog = ? AND kind = ? AND id = ?", (catalog, kind, id_))
    return USERDATA


def notes(db: sqlite3.Connection) -> list[Item]:
    rows = db.execute(
        "SELECT catalog, kind, id, title, text, updated FROM notes ORDER BY updated DESC"
    ).fetchall()
    return [Item(c, k, i, json.loads(t or "{}"), x, u) for c, k, i, t, x, u in rows]


def kept_title(db: sqlite3.Connection, catalog: str, kind: str, id_: str) -> dict:
    """The title kept with the note, else the favorite, of a record ({} when neither keeps one)."""
    for table in ("notes", "favorites"):
        row = db.execute(
            f"SELECT title FROM {table} WHERE catalog = ? AND kind = ? AND id = ?", (catalog, kind, id_)
        ).fetchone()
        title = json.loads(row[0] or "{}") if row else {}
        if title:
            return title
    return {}


def orphaned(items: list[Item], catalog_db: sqlite3.Connection) -> set[tuple[str, str, str]]:
    """The items whose record is no longer in the catalog (removed by an update)."""
    gone = set()
    for item in items:
        if not catalog_db.execute(
            "SELECT 1 FROM records WHERE catalog = ? AND kind = ? AND id = ?",
            (item.catalog, item.kind, item.id),
        ).fetchone():
            gone.add((item.catalog, item.kind, item.id))
    return gone
