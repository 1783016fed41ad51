"""A laptop's first day from the databases the build made (aulalocal.firststart, issue 20).

They must hold exactly what the seed path makes (migrations, then the shipped
catalog through the same validation and apply code), be used only on an
empty data folder, and only when they were made from these seeds and this code.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from aulalocal import firststart, paths
from aulalocal.startup import open_data_folder
from tests.conftest import REPO

DATED = {"catalogs": "applied_at", "applied_bundles": "applied_at"}


def dump(db_path) -> dict:
    """Everything a database holds: schema, version, journal mode, and every row of every stored table."""
    conn = sqlite3.connect(str(db_path))
    try:
        out = {
            "user_version": conn.execute("PRAGMA user_version").fetchone()[0],
            "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
            "schema": conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall(),
        }
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
        )]
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            columns = [c[0] for c in cursor.description]
            rows = []
            for row in cursor:
                row = dict(zip(columns, row))
                if DATED.get(table) in row:
                    assert row[DATED[table]]  # dated, whichever way it was made
                    row[DATED[table]] = "when it was applied"
                rows.append(row)
            out[table] = sorted(rows, key=repr)  # some FTS5 tables have no rowid
        return out
    finally:
        conn.close()


def listing(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def prebuilt(tmp_path, monkeypatch):
    dest = tmp_path / "first-start"
    firststart.build(dest)
    monkeypatch.setattr(paths, "first_start_dir", lambda: dest)
    return dest


@pytest.fixture
def installs(monkeypatch):
    """The results of firststart.install calls."""
    results = []
    real = firststart.install

    def spy(path, seeds=None):
        results.append(real(path, seeds))
        return results[-1]

    monkeypatch.setattr(firststart, "install", spy)
    return results


def test_a_first_start_holds_exactly_what_the_seed_path_makes(tmp_path, prebuilt, installs):
    copied = open_data_folder(tmp_path / "copied")
    copied.close()
    assert installs == [True]
    built = open_data_folder(tmp_path / "built", use_prebuilt=False)
    built.close()
    assert installs == [True]
    assert listing(tmp_path / "copied") == listing(tmp_path / "built") == ["catalog.db", "userdata.db"]
    for name in firststart.DATABASES:
        assert dump(tmp_path / "copied" / name) == dump(tmp_path / "built" / name), name
    # Dated when it was copied, as an apply then would be; and it opens as any folder does.
    conn = sqlite3.connect(str(prebuilt / "catalog.db"))
    (built_at,) = conn.execute("SELECT applied_at FROM catalogs").fetchone()
    conn.close()
    conn = sqlite3.connect(str(prebuilt / "catalog.db"))
    conn.execute("UPDATE catalogs SET applied_at = '2020-01-01T00:00:00Z'")
    conn.commit()
    conn.close()
    again = open_data_folder(tmp_path / "again")
    try:
        (applied_at,) = again.catalog.execute("SELECT applied_at FROM catalogs").fetchone()
        assert applied_at >= built_at > "2020-01-01T00:00:00Z"
        assert again.catalog.execute("SELECT COUNT(*) FROM records").fetchone()[0] > 100
    finally:
        again.close()


def test_it_is_used_only_for_the_seeds_and_code_it_was_made_from(tmp_path, prebuilt, installs):
    made_from = json.loads((prebuilt / firststart.STAMP).read_text())
    for part in ("seeds", "code"):
        (prebuilt / firststart.STAMP).write_text(json.dumps(dict(made_from, **{part: "0" * 64})))
        folder = open_data_folder(tmp_path / part)
        folder.close()
        assert installs[-1] is False
        assert dump(tmp_path / part / "catalog.db")["records"]  # built the usual way instead
    # Other seeds than the shipped ones (a test's, a publisher's folder): not used either.
    other = tmp_path / "other-seeds"
    other.mkdir()
    (other / "catalog.json").write_text("{}")
    (prebuilt / firststart.STAMP).write_text(json.dumps(made_from))
    (tmp_path / "new").mkdir()
    assert firststart.install(tmp_path / "new", other) is False
    assert listing(tmp_path / "new") == []


def test_only_a_never_used_folder_gets_it(tmp_path, prebuilt, installs):
    used = tmp_path / "used"
    (used / "bundles").mkdir(parents=True)  # a kept bundle's folder: not a new laptop
    folder = open_data_folder(used)
    folder.close()
    assert installs == []
    # A folder that has the teacher's data keeps it, and is never overwritten.
    folder = open_data_folder(tmp_path / "school")
    folder.userdata.execute("INSERT INTO settings (key, value) VALUES ('language', 'qu')")
    folder.close()
    (tmp_path / "school" / "catalog.db").unlink()
    folder = open_data_folder(tmp_path / "school")
    try:
        assert folder.userdata.execute("SELECT value FROM settings").fetchall() == [("qu",)]
    finally:
        folder.close()
    assert installs == [True]
    # No seed wanted: nothing copied.
    folder = open_data_folder(tmp_path / "empty", load_seed=False)
    folder.close()
    assert installs == [True]


def test_a_copy_never_replaces_a_database_made_meanwhile(tmp_path, prebuilt):
    new = tmp_path / "new"
    new.mkdir()
    (new / "userdata.db").write_bytes(b"made by another start")
    assert firststart.install(new) is True
    assert (new / "userdata.db").read_bytes() == b"made by another start"
    assert listing(new) == ["catalog.db", "userdata.db"]  # no temporary copy left


def test_a_first_start_from_it_loads_no_migration_or_bundle_code(tmp_path, prebuilt):
    # What makes it fast: sqlite-utils (the migrations) and the bundle code stay unloaded.
    code = (
        "import sys, json; from pathlib import Path; from aulalocal import paths;"
        f" paths.first_start_dir = lambda: Path({str(prebuilt)!r});"
        "from aulalocal.startup import open_data_folder;"
        f" open_data_folder({str(tmp_path / 'fresh')!r}).close();"
        " print(json.dumps(sorted(m for m in sys.modules if m.startswith(('sqlite_utils', 'aulalocal.bundle')))))"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
