"""Search ranks every match (issue 20): a best match written last still comes first.

The catalog is generated: more records whose title says the word than a
search once ranked (the first 1,000 title matches and 2,000 text matches in
index order), and a best match of each kind written after them all.
"""

import pytest

from aulalocal.bundle import source
from aulalocal.bundle.apply import apply_operations
from aulalocal.catalog.search import search
from tests.conftest import title, write_source

TITLED = 1100  # records whose title holds "educación", once each
MENTIONED = 2100  # records that mention "aprendizaje" in their body only


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from aulalocal.startup import open_data_folder

    tmp = tmp_path_factory.mktemp("ranking")
    records = {}
    for n in range(TITLED):
        records[("program", f"titulo-{n:05d}")] = {
            "title": title(f"Educación para la escuela número {n}"),
            "summary": title("Un programa."),
        }
    for n in range(MENTIONED):
        records[("program", f"mencion-{n:05d}")] = {
            "title": title(f"Registro {n}"),
            "summary": title("Un programa de aprendizaje entre muchas otras cosas que hace la escuela."),
        }
    # Written last (the source is read in file name order): the best of each phase.
    records[("program", "zz-educacion")] = {"title": title("Educación educación"), "summary": title("Otro.")}
    records[("program", "zz-aprendizaje")] = {
        "title": title("Registro final"),
        "summary": title("Aprendizaje, aprendizaje y aprendizaje."),
    }
    folder = write_source(tmp / "src", records)
    data = open_data_folder(tmp / "data", load_seed=False)
    apply_operations(
        data.catalog, source.read_info(folder), lambda: source.upsert_lines(folder),
        key_id=None, file_sha256="0" * 64,
    )
    yield data.catalog
    data.close()


def ids(hits):
    return [h.id for h in hits]


def test_the_best_title_match_comes_first_wherever_it_is_in_the_index(db):
    assert db.execute("SELECT MAX(rowid) FROM records").fetchone()[0] > 1000
    for limit in (10, 50, 200):
        assert ids(search(db, "educación", limit=limit))[0] == "zz-educacion"
    assert ids(search(db, "educaci", limit=5))[0] == "zz-educacion"  # as typed, a prefix


def test_the_best_text_match_comes_first_after_the_title_matches(db):
    hits = ids(search(db, "aprendizaje", limit=10))
    assert hits[0] == "zz-aprendizaje"
    everything = ids(search(db, "aprendizaje", limit=None))
    assert len(everything) == MENTIONED + 1 and everything[0] == "zz-aprendizaje"


def test_title_matches_all_come_before_text_matches(db):
    # "escuela" is in TITLED titles and in MENTIONED bodies.
    hits = search(db, "escuela", limit=None)
    assert len(hits) == TITLED + MENTIONED
    assert {h.id[:6] for h in hits[:TITLED]} == {"titulo"}
    assert {h.id[:7] for h in hits[TITLED:]} == {"mencion"}
    # A limit cuts the same list.
    assert ids(search(db, "escuela", limit=TITLED + 5)) == ids(hits[: TITLED + 5])
