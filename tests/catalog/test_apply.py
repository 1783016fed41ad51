"""The apply path (spec section 6 steps 3 to 5): all or nothing, sequences, full and delta."""

import pytest

from aulalocal.bundle import apply, source
from aulalocal.bundle.apply import apply_operations
from aulalocal.bundle.source import SourceInfo
from aulalocal.catalog import store
from aulalocal.catalog.queries import get_record, status
from aulalocal.catalog.search import search
from aulalocal.startup import open_data_folder
from aulalocal.errors import BundleError, Cancelled, SequenceError
from tests.conftest import SEEDS, title, write_source

RECORDS = {
    ("program", "huerto"): {"title": title("Huerto escolar", "Yachay wasi chakra"), "regions": ["Cusco"]},
    ("organization", "ong"): {"title": title("Una ONG"), "kind": "ngo"},
    ("legal_reference", "cp-183-b"): {"title": title("Artículo 183-B"), "article": "183-B"},
}


def apply_folder(db, folder, **kw):
    info = source.read_info(folder)
    return apply_operations(
        db, info, lambda: source.upsert_lines(folder), key_id="ABCD", file_sha256=source.content_sha256(folder), **kw
    )


def snapshot(db):
    return (
        db.execute("SELECT catalog, kind, id, data FROM records ORDER BY 1, 2, 3").fetchall(),
        db.execute("SELECT * FROM catalogs").fetchall(),
        db.execute("SELECT COUNT(*) FROM applied_bundles").fetchone(),
        [db.execute(f"SELECT COUNT(*) FROM {index}").fetchone() for index in store.FTS_INDEXES],
        db.execute("SELECT lang, word, records FROM search_words ORDER BY 1, 2").fetchall(),
    )


def test_full_apply_then_already_up_to_date(empty_folder, tmp_path):
    db = empty_folder.catalog
    folder = write_source(tmp_path / "src", RECORDS)
    result = apply_folder(db, folder)
    assert result.added == {"program": 1, "organization": 1, "legal_reference": 1}
    assert status(db)["catalogs"][0]["counts"] == {"program": 1, "organization": 1, "legal_reference": 1}
    ledger = db.execute("SELECT catalog, sequence, key_id, file_sha256 FROM applied_bundles").fetchall()
    assert ledger == [("test-catalog", 1, "ABCD", source.content_sha256(folder))]
    again = apply_folder(db, folder)
    assert again.up_to_date
    assert db.execute("SELECT COUNT(*) FROM applied_bundles").fetchone()[0] == 1


def test_full_bundle_leaves_exactly_its_records(empty_folder, tmp_path):
    db = empty_folder.catalog
    apply_folder(db, write_source(tmp_path / "v1", RECORDS))
    changed = dict(RECORDS)
    del changed[("organization", "ong")]
    changed[("program", "huerto")] = {"title": title("Huerto escolar renovado")}
    result = apply_folder(db, write_source(tmp_path / "v2", changed, sequence=2))
    assert result.removed == {"organization": 1}
    assert result.changed == {"program": 1}
    assert get_record(db, "organization", "ong") is None
    assert get_record(db, "program", "huerto").data["title"]["es"] == "Huerto escolar renovado"
    # The search index follows: old text is gone, new text is found.
    assert search(db, "renovado")
    assert not search(db, "ONG")


def test_a_bundle_only_changes_its_own_catalog(empty_folder, tmp_path):
    db = empty_folder.catalog
    apply_folder(db, write_source(tmp_path / "a", RECORDS, catalog="catalog-a"))
    apply_folder(db, write_source(tmp_path / "b", {("program", "otro"): {"title": title("Otro")}}, catalog="catalog-b"))
    counts = {c["catalog"]: c["counts"] for c in status(db)["catalogs"]}
    assert counts == {"catalog-a": {"program": 1, "organization": 1, "legal_reference": 1}, "catalog-b": {"program": 1}}


def test_invalid_record_anywhere_changes_nothing(empty_folder, tmp_path):
    db = empty_folder.catalog
    apply_folder(db, write_source(tmp_path / "v1", RECORDS))
    before = snapshot(db)
    bad = dict(RECORDS)
    bad[("program", "zz-last")] = {"title": {"qu": "Mana castellanopi"}}
    with pytest.raises(BundleError, match="'title'"):
        apply_folder(db, write_source(tmp_path / "v2", bad, sequence=2))
    assert snapshot(db) == before


def test_failure_inside_the_transaction_rolls_back(empty_folder, tmp_path):
    db = empty_folder.catalog
    apply_folder(db, write_source(tmp_path / "v1", RECORDS))
    before = snapshot(db)
    folder = write_source(tmp_path / "v2", {("program", f"p{i}"): {"title": title(f"P {i}")} for i in range(1200)}, sequence=2)
    calls = {"n": 0}

    def cancel_during_writes():
        # Validation checks cancel 3 times (every 500 lines of 1200) and once
        # after it; the fifth call is inside the write transaction.
        calls["n"] += 1
        return calls["n"] == 5

    with pytest.raises(Cancelled):
        apply_folder(db, folder, cancel=cancel_during_writes)
    assert calls["n"] == 5
    assert snapshot(db) == before


def test_rollback_and_reused_sequence_are_refused(empty_folder, tmp_path):
    db = empty_folder.catalog
    apply_folder(db, write_source(tmp_path / "v2", RECORDS, sequence=2))
    with pytest.raises(SequenceError, match="older"):
        apply_folder(db, write_source(tmp_path / "v1", RECORDS, sequence=1))
    other = dict(RECORDS)
    other[("program", "nuevo")] = {"title": title("Nuevo")}
    with pytest.raises(SequenceError, match="reuses sequence 2"):
        apply_folder(db, write_source(tmp_path / "v2b", other, sequence=2))


def test_delta_applies_on_its_base_only(empty_folder, tmp_path):
    db = empty_folder.catalog
    v1 = write_source(tmp_path / "v1", RECORDS)
    apply_folder(db, v1)
    changed = dict(RECORDS)
    del changed[("organization", "ong")]
    changed[("program", "nuevo")] = {"title": title("Programa nuevo")}
    v2 = write_source(tmp_path / "v2", changed, sequence=2)

    def apply_delta(base):
        info = SourceInfo("test-catalog", 2, "P", "2026-11-21T00:00:00Z", ["es"], base_sequence=base)
        return apply_operations(db, info, lambda: source.delta_lines(v1, v2), key_id="ABCD", file_sha256="d" * 64)

    with pytest.raises(SequenceError, match="sequence 5"):
        apply_delta(5)
    result = apply_delta(1)
    assert result.added == {"program": 1} and result.removed == {"organization": 1}
    assert get_record(db, "program", "nuevo") is not None
    assert get_record(db, "program", "huerto") is not None
    assert get_record(db, "organization", "ong") is None


def test_seed_catalog_is_loaded_through_the_same_path(seeded):
    cat = {c["catalog"]: c for c in status(seeded.catalog)["catalogs"]}["aulalocal-seed"]
    assert cat["sequence"] == source.read_info(SEEDS).sequence
    ledger = seeded.catalog.execute("SELECT catalog, file_sha256 FROM applied_bundles").fetchall()
    assert ledger and ledger[0][0] == "aulalocal-seed" and len(ledger[0][1]) == 64


def written_rows(db):
    """Every row an apply writes for its records, their search text and facets."""
    return (
        db.execute(
            "SELECT rowid, catalog, kind, id, data, data_sha256, title_es, title_qu, title_en"
            " FROM records ORDER BY rowid"
        ).fetchall(),
        db.execute("SELECT rowid, record, lang, title, body FROM search_text ORDER BY rowid").fetchall(),
        db.execute("SELECT record, facet, value FROM facets ORDER BY 1, 2, 3").fetchall(),
    )


def apply_counting_reads(db, folder, reads, folder_after_first_read=None):
    """apply_folder, with a source that counts its reads (and may change after the first)."""

    def lines():
        reads.append(1)
        return source.upsert_lines(folder if len(reads) == 1 else folder_after_first_read or folder)

    return apply_operations(
        db, source.read_info(folder), lines, key_id="ABCD", file_sha256=source.content_sha256(folder)
    )


def test_the_write_pass_gets_the_validated_lines_without_reading_again(empty_folder, tmp_path):
    db = empty_folder.catalog
    folder = write_source(tmp_path / "v1", RECORDS)
    # Read again, the source would now give a record that was never validated.
    invalid = {**RECORDS, ("program", "huerto"): {"title": {"qu": "Mana castellanopi"}}}
    reads = []
    apply_counting_reads(db, folder, reads, write_source(tmp_path / "changed", invalid))
    assert len(reads) == 1
    assert get_record(db, "program", "huerto").data == RECORDS[("program", "huerto")]


def test_over_the_budget_the_lines_are_read_again_into_the_same_rows(empty_folder, tmp_path, monkeypatch):
    folder = write_source(tmp_path / "src", RECORDS)
    kept_reads = []
    apply_counting_reads(empty_folder.catalog, folder, kept_reads)
    first_line = next(iter(source.upsert_lines(folder)))[0]
    # Room for the first line only: what was kept is dropped half way through.
    monkeypatch.setattr(apply, "KEPT_LINES_BYTES", len(first_line) + apply._KEPT_LINE_OVERHEAD)
    other = open_data_folder(tmp_path / "other", load_seed=False)
    try:
        reads = []
        apply_counting_reads(other.catalog, folder, reads)
        assert (len(kept_reads), len(reads)) == (1, 2)
        assert written_rows(other.catalog) == written_rows(empty_folder.catalog)
        assert written_rows(other.catalog)[1]
    finally:
        other.close()
