"""Schema migrations: PRAGMA user_version, data kept, userdata backed up first."""

import json

import pytest
import sqlite_utils

from aulalocal.catalog import db as dbmod
from aulalocal.bundle import source
from aulalocal.bundle.apply import apply_operations
from aulalocal.catalog.search import browse, search
from aulalocal.errors import StorageError
from tests.conftest import title, write_source
from tests.test_fileio import IN_THE_WAY, plant, unchanged, victim  # noqa: F401 (a fixture)


def make_old(path, migrations, version):
    db = dbmod.connect(path)
    dbmod.migrate(db, migrations[:version])
    return db


def test_userdata_from_version_1_keeps_notes_and_is_backed_up(tmp_path):
    path = tmp_path / "userdata.db"
    old = make_old(path, dbmod.USERDATA_MIGRATIONS, 1)
    old.execute(
        "INSERT INTO notes (catalog, kind, id, text, updated) VALUES ('c', 'program', 'p', 'Mi nota', 'x')"
    )
    old.execute("INSERT INTO settings (key, value) VALUES ('language', 'qu')")
    old.close()

    db = dbmod.open_userdata(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(dbmod.USERDATA_MIGRATIONS)
    assert db.execute("SELECT text, title FROM notes").fetchall() == [("Mi nota", None)]
    assert db.execute("SELECT value FROM settings").fetchall() == [("qu",)]
    assert "title" in {row[1] for row in db.execute("PRAGMA table_info(favorites)")}
    backup = tmp_path / "userdata.db.v1.bak"
    assert backup.exists()
    kept = dbmod.connect(backup)
    assert kept.execute("SELECT text FROM notes").fetchall() == [("Mi nota",)]


def test_catalog_from_version_1_gets_facets_of_existing_records(tmp_path):
    path = tmp_path / "catalog.db"
    old = make_old(path, dbmod.CATALOG_MIGRATIONS, 1)
    data = {"title": {"es": "Huascarán"}, "regions": ["Lima"], "settings": ["rural"]}
    old.execute(
        "INSERT INTO records (catalog, kind, id, data, data_sha256, title_es) VALUES (?, ?, ?, ?, ?, ?)",
        ("c", "program", "huascaran", json.dumps(data), "0" * 64, "Huascarán"),
    )
    old.close()

    db = dbmod.open_catalog(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(dbmod.CATALOG_MIGRATIONS)
    assert [h.id for h in browse(db, facets={"region": "Lima", "setting": "rural"})] == ["huascaran"]


def test_a_migration_interrupted_midway_can_run_again(tmp_path):
    path = tmp_path / "catalog.db"
    db = make_old(path, dbmod.CATALOG_MIGRATIONS, 1)
    dbmod.CATALOG_MIGRATIONS[1](sqlite_utils.Database(db))  # ran, but the version was never written
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()
    assert dbmod.open_catalog(path).execute("PRAGMA user_version").fetchone()[0] == len(dbmod.CATALOG_MIGRATIONS)


def test_newer_schema_is_refused_clearly(tmp_path):
    path = tmp_path / "userdata.db"
    db = dbmod.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StorageError, match="newer version"):
        dbmod.open_userdata(path)


def test_corrupt_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "catalog.db"
    path.write_bytes(b"this is not an sqlite file at all" * 200)
    with pytest.raises(StorageError, match="doctor"):
        dbmod.open_catalog(path)


def test_catalog_version_4_rewrites_quechua_search_text_split_at_the_apostrophe(tmp_path):
    # Before version 4 the apostrophe was folded and then replaced by a space:
    # "p'unchay" was indexed as "p unchay" and could not be found as typed.
    folder = write_source(
        tmp_path / "src",
        {("program", "zorzal"): {"title": title("El zorzal", "P'unchaypi willakuykuna")}},
    )
    path = tmp_path / "catalog.db"
    db = dbmod.open_catalog(path)
    apply_operations(db, source.read_info(folder), lambda: source.upsert_lines(folder), key_id=None, file_sha256="0" * 64)
    db.execute("UPDATE search_text SET title = 'P unchaypi willakuykuna' WHERE lang = 'qu'")
    db.execute("PRAGMA user_version = 3")
    assert [h.id for h in search(db, "p'unchaypi", lang="qu")] == []
    db.close()

    db = dbmod.open_catalog(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(dbmod.CATALOG_MIGRATIONS)
    assert [h.id for h in search(db, "p'unchaypi", lang="qu")] == ["zorzal"]
    assert [h.id for h in search(db, "unchaypi", lang="qu")] == []


def test_catalog_version_5_adds_the_whole_pinned_key_and_keeps_the_pins(tmp_path):
    # Before version 5 a catalog was pinned to its key id only (8 bytes its
    # maker chooses); the 32-byte key is filled in from the trust store
    # (bundle.trust.upgrade_pins), never guessed here.
    path = tmp_path / "catalog.db"
    old = make_old(path, dbmod.CATALOG_MIGRATIONS, 4)
    old.execute("INSERT INTO catalogs (catalog, sequence, key_id, file_sha256) VALUES ('minedu-pe', 3, 'ABCD', 'f')")
    old.execute("INSERT INTO applied_bundles (catalog, sequence, key_id, file_sha256) VALUES ('minedu-pe', 3, 'ABCD', 'f')")
    old.close()
    db = dbmod.open_catalog(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(dbmod.CATALOG_MIGRATIONS)
    assert db.execute("SELECT catalog, sequence, key_id, public_key FROM catalogs").fetchall() == [("minedu-pe", 3, "ABCD", None)]
    assert db.execute("SELECT key_id, public_key FROM applied_bundles").fetchall() == [("ABCD", None)]


@pytest.mark.parametrize("planted", IN_THE_WAY)
def test_the_backup_before_a_migration_is_never_written_through_what_has_its_name(tmp_path, victim, planted):
    path = tmp_path / "userdata.db"
    old = make_old(path, dbmod.USERDATA_MIGRATIONS, 1)
    old.execute("INSERT INTO notes (catalog, kind, id, text, updated) VALUES ('c', 'program', 'p', 'Mi nota', 'x')")
    old.close()
    plant(planted, tmp_path / "userdata.db.v1.bak", victim)
    with pytest.raises(StorageError) as err:
        dbmod.open_userdata(path)
    assert "in its place" in err.value.message()
    unchanged(victim)
    kept = dbmod.connect(path)  # not migrated: the notes are as they were
    assert kept.execute("PRAGMA user_version").fetchone()[0] == 1
    assert kept.execute("SELECT text FROM notes").fetchall() == [("Mi nota",)]
