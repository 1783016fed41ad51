"""Search finds words however they are typed (issue 14): numbers with or without
thousands separators, an exact word before a longer one it begins, and a
suggestion from the catalog's own words for a misspelling, in every language."""

import pytest

from aulalocal.bundle import source
from aulalocal.bundle.apply import apply_operations
from aulalocal.catalog.search import search, suggest
from tests.conftest import title, write_source

RECORDS = {
    ("program", "olpc"): {
        "title": title("Una laptop por niño", "Sapanka wawapaq huk antañiqiq", "One Laptop per Child"),
        "summary": title(
            "Se distribuyeron cerca de 100,000 laptops.",
            "Yaqa 100,000 antañiqiqkunata rakirqanku.",
            "Close to 100,000 laptops were distributed.",
        ),
    },
    ("program", "census"): {
        "title": title("Censo escolar"),
        "summary": title("Registró 250000 estudiantes y 3.000 escuelas."),
    },
    ("program", "aula-365"): {
        "title": title("Aula 365 (Movistar)"),
        "summary": title("Portal con más de 3,000 recursos."),
    },
    ("program", "bibliotecas"): {
        "title": title("Bibliotecas para el Desarrollo"),
        "summary": title("Logró un aumento del 36 % en las visitas.", None, "A 36% increase in visits."),
    },
    ("program", "huascaran"): {
        "title": title("Proyecto Huascarán", "Huascarán llamk'ay", "Huascarán project"),
        "summary": title(
            "Educación a distancia para escuelas rurales.",
            "Karu yachachiy ayllukunapi yachay wasikunapaq.",
            "Distance education for rural schools.",
        ),
    },
    ("legal_reference", "ley-30096"): {
        "title": title("Ley 30096, de delitos informáticos"),
        "article": "30096",
    },
}


@pytest.fixture
def db(empty_folder, tmp_path):
    folder = write_source(tmp_path / "src", RECORDS)
    apply_operations(
        empty_folder.catalog, source.read_info(folder), lambda: source.upsert_lines(folder),
        key_id=None, file_sha256="0" * 64,
    )
    return empty_folder.catalog


def ids(hits):
    return [h.id for h in hits]


@pytest.mark.parametrize("typed", ["100000", "100.000", "100,000", "100 000"])
@pytest.mark.parametrize("lang", ["es", "qu", "en"])
def test_a_number_is_found_however_its_thousands_are_typed(db, typed, lang):
    assert ids(search(db, typed, lang=lang)) == ["olpc"]


@pytest.mark.parametrize("typed", ["250000", "250,000", "250.000"])
def test_a_number_written_without_separators_is_found_with_them(db, typed):
    assert ids(search(db, typed)) == ["census"]


def test_numbers_that_are_not_thousands_stay_as_typed(db):
    assert ids(search(db, "30096")) == ["ley-30096"]  # its own token, also found by "30,096"
    assert ids(search(db, "30,096")) == ["ley-30096"]
    assert search(db, "3,5") == []  # a decimal is not read as 35
    # "3,000" and "3.000" are one number, both ways of writing it found.
    assert set(ids(search(db, "3000"))) == {"aula-365", "census"}


def test_the_number_is_marked_in_the_snippet(db):
    (hit,) = search(db, "100000")
    assert "\u0002100,000\u0003" in hit.snippet


@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_exact_word_ranks_before_a_longer_word_it_begins(db, lang):
    # "Aula 365" has "36" as the beginning of a word in its title; the
    # libraries record has "36" whole, in its text only.
    hits = ids(search(db, "36%", lang=lang))
    assert hits[:2] == ["bibliotecas", "aula-365"]
    assert ids(search(db, "36", lang=lang))[:2] == ["bibliotecas", "aula-365"]
    assert ids(search(db, "365", lang=lang)) == ["aula-365"]


@pytest.mark.parametrize(
    ("lang", "typed", "meant"),
    [
        ("es", "educasion", "Educación"),
        ("es", "huaskaran", "Huascarán"),
        ("qu", "huaskaran", "Huascarán"),
        ("en", "huaskaran", "Huascarán"),
        ("qu", "yachachiyy", "yachachiy"),
        ("en", "educaton", "education"),
        ("es", "escuelas rurals", "escuelas rurales"),
        ("es", "distancia educasion", "distancia Educación"),
    ],
)
def test_a_misspelling_gets_the_catalogs_own_word(db, lang, typed, meant):
    assert search(db, typed, lang=lang) == []
    better = suggest(db, typed, lang=lang)
    assert better is not None and better.casefold() == meant.casefold()
    assert search(db, better, lang=lang)


def test_no_suggestion_when_nothing_is_close_or_it_would_find_nothing(db):
    assert suggest(db, "zzzqqxx") is None
    assert suggest(db, "educación") is None  # known: nothing to correct
    assert suggest(db, "platypus", lang="en") is None
    # The corrected spelling must find something with the same filters.
    assert suggest(db, "huaskaran", kind="program") == "Huascarán"
    assert suggest(db, "huaskaran", kind="legal_reference") is None


def test_the_vocabulary_follows_every_apply(db, tmp_path):
    records = dict(RECORDS)
    del records[("program", "huascaran")]
    records[("program", "chaski")] = {"title": title("Chaski de lectura")}
    folder = write_source(tmp_path / "v2", records, sequence=2)
    apply_operations(db, source.read_info(folder), lambda: source.upsert_lines(folder), key_id=None, file_sha256="1" * 64)
    assert suggest(db, "huaskaran") is None
    assert suggest(db, "chaskii") == "Chaski"
