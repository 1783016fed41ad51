"""The write side: RecordWriter keeps both full-text indexes exact, then puts the triggers back."""

import json
import re
import sqlite3

import pytest

from aulalocal.bundle.apply import apply_operations
from aulalocal.bundle.source import SourceInfo, operation_line
from aulalocal.catalog import health, store
from aulalocal.catalog.db import open_catalog
from aulalocal.catalog.search import search
from aulalocal.errors import Cancelled
from tests.conftest import title

WORDS = "yachay wasi yachachiq wawakuna ayllu llaqta ñan p'unchay kawsay".split()


def program(n: int, tag: str) -> dict:
    body = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(40))
    return {
        "title": title(f"Programa {tag} {n}", f"Yachay {tag} {n}", f"Program {tag} {n}"),
        "body": title(f"{body} {tag}", f"{body} {tag}qu"),
        "regions": [["Cusco", "Puno"][n % 2]],
    }


def apply(db, sequence, ops, base=None, cancel=None):
    info = SourceInfo("c-test", sequence, "P", "2026-11-21T00:00:00Z", ["es"], base_sequence=base)
    lines = [(operation_line(*op), f"records/0001.jsonl:{n}") for n, op in enumerate(ops, start=1)]
    return apply_operations(
        db, info, lambda: iter(lines), key_id="K", file_sha256=f"{sequence:064x}", cancel=cancel
    )


def triggers(db):
    return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()


def vocabulary(db):
    return db.execute("SELECT lang, word, records FROM search_words ORDER BY lang, word").fetchall()


def fresh_vocabulary(db):
    return sorted(
        (lang, term, doc)
        for lang in ("es", "qu", "en")
        for term, doc in db.execute(f"SELECT term, doc FROM search_vocab_{lang}")
    )


def assert_consistent(db, fresh_triggers):
    health.check_search_indexes(db)  # FTS5 compares each index with its text, the vocabulary's too
    records = db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    assert db.execute("SELECT COUNT(*) FROM search_text").fetchone()[0] == 3 * records
    orphans = "SELECT COUNT(*) FROM {} WHERE record NOT IN (SELECT rowid FROM records)"
    assert db.execute(orphans.format("search_text")).fetchone()[0] == 0
    assert db.execute(orphans.format("facets")).fetchone()[0] == 0
    assert triggers(db) == fresh_triggers
    # The vocabulary, made anew at every apply, is the indexes' own.
    assert vocabulary(db) == fresh_vocabulary(db)
    for table in store.FTS_INDEXES:
        settings = dict(db.execute(f"SELECT k, v FROM {table}_config"))
        for name, default in store._FTS_DEFAULTS.items():
            assert settings.get(name, default) == default


@pytest.fixture(params=[(8_000, 2_000), (40_000, 10**9)], ids=["index-often", "index-seldom"])
def small_batches(request, monkeypatch):
    """Many batches and index statements, even for a few records; or records
    written again while their first search rows wait to be indexed."""
    monkeypatch.setattr(store, "_FLUSH_CHARS", 3_000)
    monkeypatch.setattr(store, "_INDEX_CHARS", request.param[0])
    monkeypatch.setattr(store, "_MIN_INDEX_CHARS", request.param[1])


def filler(tag: str, count: int = 4) -> list:
    return [("upsert", "organization", f"o-{tag}-{n}", {"title": title(f"Org {n}")}) for n in range(count)]


def test_full_delta_and_repeated_writes_keep_the_indexes_exact(empty_folder, small_batches):
    db = empty_folder.catalog
    fresh = triggers(db)
    assert len(fresh) == 3

    apply(db, 1, [("upsert", "program", f"p{n}", program(n, "uno")) for n in range(60)])
    assert_consistent(db, fresh)
    assert len(search(db, "uno", limit=100)) == 60

    # A full bundle: 20 records gone, 20 changed, 20 as they were, 10 new, and
    # one record written twice (the later one counts).
    full = [("upsert", "program", f"p{n}", program(n, "dos" if n < 40 else "uno")) for n in range(20, 70)]
    full.insert(10, ("upsert", "program", "p25", program(25, "tres")))
    result = apply(db, 2, full)
    assert result.removed == {"program": 20} and result.added == {"program": 10}
    assert_consistent(db, fresh)
    assert {h.id for h in search(db, "uno", limit=100)} == {f"p{n}" for n in range(40, 70)}
    assert {h.id for h in search(db, "tres")} == {"p25"}
    assert "p25" not in {h.id for h in search(db, "dos", limit=100)}

    # A delta: written, deleted and written again; deleted twice; changed twice.
    delta = [
        ("upsert", "program", "p30", program(30, "cuatro")),
        *filler("a"),
        ("delete", "program", "p30"),
        *filler("b"),
        ("upsert", "program", "p30", program(30, "cinco")),
        ("delete", "program", "p31"),
        ("delete", "program", "p31"),
        ("delete", "program", "nunca"),
        ("upsert", "program", "p32", program(32, "cuatro")),
        ("upsert", "program", "p32", program(32, "seis")),
        ("upsert", "program", "nuevo", program(99, "cuatro")),
        *filler("c"),
        ("upsert", "program", "nuevo", program(99, "seis")),
    ]
    apply(db, 3, delta, base=2)
    assert_consistent(db, fresh)
    assert not search(db, "cuatro")
    assert {h.id for h in search(db, "cinco")} == {"p30"}
    assert {h.id for h in search(db, "seis")} == {"p32", "nuevo"}
    assert db.execute("SELECT COUNT(*) FROM records WHERE id = 'p31'").fetchone()[0] == 0


def test_a_failed_apply_leaves_triggers_and_indexes_as_they_were(empty_folder, small_batches):
    db = empty_folder.catalog
    fresh = triggers(db)
    apply(db, 1, [("upsert", "program", f"p{n}", program(n, "uno")) for n in range(30)])
    calls = {"n": 0}

    def cancel_while_writing():
        # Validation asks twice (every 500 lines) and once after; the fifth
        # call comes after 1,000 records were handed to the writer.
        calls["n"] += 1
        return calls["n"] == 5

    ops = [("upsert", "program", f"p{n}", program(n, "dos")) for n in range(1200)]
    with pytest.raises(Cancelled):
        apply(db, 2, ops, cancel=cancel_while_writing)
    assert calls["n"] == 5
    assert_consistent(db, fresh)
    assert len(search(db, "uno", limit=100)) == 30 and not search(db, "dos")


def test_triggers_keep_exactly_the_indexes_the_writer_keeps(tmp_path):
    # The writer drops the triggers and keeps FTS_INDEXES itself: both must
    # name the same tables and columns.
    db = open_catalog(tmp_path / "catalog.db")
    (insert,) = [sql for name, sql in triggers(db) if name == "search_text_ai"]
    kept = {
        table: tuple(c.strip() for c in columns.split(",") if c.strip() != "rowid")
        for table, columns in re.findall(r"INSERT INTO (\w+) \(([^)]*)\)", insert)
    }
    assert kept == {table: columns for table, (columns, _rowids) in store.FTS_INDEXES.items()}
    db.close()


class RecordingConnection:
    """A connection that notes the SQL of every statement it runs."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.statements: set[str] = set()

    def execute(self, sql, params=()):
        self.statements.add(sql)
        return self.conn.execute(sql, params)

    def getlimit(self, limit):
        return self.conn.getlimit(limit)


def test_inserts_of_any_size_share_a_few_statements(tmp_path):
    conn = RecordingConnection(sqlite3.connect(tmp_path / "t.db"))
    conn.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT, c)")
    conn.statements.clear()
    written = []
    for size in [*range(1, 2 * store._ROWS_PER_STATEMENT, 37), store._ROWS_PER_STATEMENT]:
        rows = [(len(written) + n + 1, f"fila {n}", None if n % 2 else n) for n in range(size)]
        store._insert_many(conn, "t", "(a, b, c)", rows)
        written += rows
    assert conn.conn.execute("SELECT a, b, c FROM t ORDER BY a").fetchall() == written
    # Each statement of another size is prepared again, and kept.
    assert len(conn.statements) <= store._ROWS_PER_STATEMENT.bit_length()


def test_an_idle_helper_thread_gets_the_first_records_without_waiting_for_more(empty_folder, monkeypatch):
    handed_over = []
    hand_over = store.RecordWriter._hand_over

    def noted(writer, last):
        handed_over.append(last)
        hand_over(writer, last)

    monkeypatch.setattr(store.RecordWriter, "_hand_over", noted)
    data = program(1, "uno")
    data_json = json.dumps(data)
    db = empty_folder.catalog
    db.execute("BEGIN IMMEDIATE")
    with store.RecordWriter(db, "c-test") as writer:
        for n in range(store._IDLE_FLUSH_CHARS // len(data_json) + 1):
            writer.write("program", f"p{n}", data, data_json, f"{n:064x}")
        assert handed_over and not any(handed_over)  # before the block ends
    db.execute("ROLLBACK")
