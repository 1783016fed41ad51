"""The full-text checks of doctor and repair (catalog.health) cover every full-text index the schema has."""

import sqlite3

import pytest

from aulalocal.catalog import health
from aulalocal.catalog.db import open_catalog
from aulalocal.catalog.text import rowid_range, text_index


def fts5_tables(db) -> set[str]:
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
    return {name for name, sql in rows if "using fts5(" in sql.lower()}


def test_the_checked_indexes_are_the_catalogs_full_text_indexes(tmp_path):
    db = open_catalog(tmp_path / "catalog.db")
    assert set(health.FULL_TEXT_INDEXES) == fts5_tables(db)
    health.check_search_indexes(db)  # a sound new catalog passes


@pytest.mark.parametrize("lang", ["es", "qu", "en"])
def test_a_language_index_out_of_step_with_its_text_is_found(tmp_path, lang):
    db = open_catalog(tmp_path / "catalog.db")
    low, _high = rowid_range(lang)
    index = text_index(lang)
    # A row in the index that search_text does not hold (a write that went half way).
    db.execute(f"INSERT INTO {index} (rowid, title, body) VALUES (?, 'yachay', 'wasi')", (low,))
    with pytest.raises(sqlite3.DatabaseError):
        health.check_search_indexes(db)
