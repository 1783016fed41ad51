"""A long catalog migration at start: progress, cancel leaves the old catalog as it was (issue 20)."""

import json
import sqlite3

import pytest

from aulalocal.bundle import source
from aulalocal.bundle.apply import apply_operations
from aulalocal.catalog import db as dbmod
from aulalocal.catalog import store
from aulalocal.catalog.search import search
from aulalocal.ui import migration
from tests.conftest import title, write_source


@pytest.fixture
def old_catalog(tmp_path):
    """A catalog of schema 5 (one full-text index for every language) with 40 records."""
    records = {("program", f"p{n:02d}"): {"title": title(f"Educación rural {n}")} for n in range(40)}
    folder = write_source(tmp_path / "src", records)
    path = tmp_path / "catalog.db"
    conn = dbmod.connect(path)
    dbmod.migrate(conn, dbmod.CATALOG_MIGRATIONS[:5])
    lines = list(source.upsert_lines(folder))
    conn.execute("BEGIN")
    for rowid, (line, _where) in enumerate(lines, start=1):
        op = json.loads(line)
        data = op["data"]
        conn.execute(
            "INSERT INTO records (rowid, catalog, kind, id, data, data_sha256, title_es) VALUES (?, 'c', ?, ?, ?, '', ?)",
            (rowid, op["kind"], op["id"], json.dumps(data), data["title"]["es"]),
        )
        for record, lang, t, body in store.search_rows(rowid, op["kind"], data):
            conn.execute(
                "INSERT INTO search_text (rowid, record, lang, title, body) VALUES (?, ?, ?, ?, ?)",
                (store.search_rowid(record, lang, op["kind"]), record, lang, t, body),
            )
    conn.execute("COMMIT")
    conn.close()
    return path


def version(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def test_an_old_catalog_is_migrated_with_progress_and_searches_after(qtbot, old_catalog, monkeypatch):
    monkeypatch.setattr(store, "_INDEX_SLICE", 5)
    seen = []
    real = dbmod.open_catalog
    monkeypatch.setattr(migration, "open_catalog", lambda path, task: real(path, dbmod.MigrationTask(
        progress=lambda done, total: (seen.append((done, total)), task.progress(done, total)), cancel=task.cancel
    )))
    assert dbmod.catalog_needs_migration(old_catalog)
    assert migration.migrate_catalog(old_catalog) is True
    assert version(old_catalog) == len(dbmod.CATALOG_MIGRATIONS)
    assert len(seen) > 5 and seen[-1] == (40, 40) and all(d <= t for d, t in seen)
    assert not dbmod.catalog_needs_migration(old_catalog)
    db = dbmod.open_catalog(old_catalog)
    assert len(search(db, "educación", limit=None)) == 40
    db.close()


def test_cancelling_the_migration_leaves_the_old_catalog(qtbot, old_catalog, monkeypatch):
    monkeypatch.setattr(store, "_INDEX_SLICE", 5)
    monkeypatch.setattr(migration, "SHOW_AFTER_MS", 0)
    calls = {"n": 0}
    real = dbmod.open_catalog

    def cancel_at_third_slice(path, task):
        def cancel():
            calls["n"] += 1
            return calls["n"] >= 3 or task.cancel()
        return real(path, dbmod.MigrationTask(progress=task.progress, cancel=cancel))

    monkeypatch.setattr(migration, "open_catalog", cancel_at_third_slice)
    assert migration.migrate_catalog(old_catalog) is False
    assert version(old_catalog) == 5
    conn = sqlite3.connect(old_catalog)
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    assert "search_text_fts" in tables and "search_text_fts_es" not in tables
    assert conn.execute("SELECT COUNT(*) FROM search_text_fts WHERE search_text_fts MATCH 'rural'").fetchone()[0] == 120
    conn.close()
