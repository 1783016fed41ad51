"""Search: case, accents, Quechua apostrophes, prefixes, ranking, kinds, facets, languages."""

import pytest

from aulalocal.bundle import source
from aulalocal.bundle.apply import apply_operations
from aulalocal.catalog.search import browse, facet_values, fts_query, search
from aulalocal.catalog.text import fold_apostrophes
from tests.conftest import title, write_source

RECORDS = {
    ("program", "educacion-rural"): {
        "title": title("Educación rural en Cusco", "Cusco suyupi yachay", "Rural education in Cusco"),
        "summary": title("Un programa para escuelas rurales."),
        "regions": ["Cusco"],
        "levels": ["primary"],
        "settings": ["rural"],
    },
    ("program", "zorzal"): {
        "title": title("El zorzal lector"),
        "body": title("Cuentos del p'unchay y del zorzal.", "P’unchaypi willakuykuna."),
        "regions": ["Puno"],
        "levels": ["secondary"],
    },
    ("program", "mencion"): {
        "title": title("Bibliotecas"),
        "body": title("Menciona la educación de pasada."),
    },
    ("legal_reference", "cp-183-b"): {
        "title": title("Código Penal, artículo 183-B", "Código Penal, 183-B articulo"),
        "article": "183-B",
    },
    ("legal_reference", "cp-183"): {"title": title("Código Penal, artículo 183"), "article": "183"},
    ("safety_guide", "guia"): {
        "title": title("Guía para padres"),
        "audience": ["parent"],
        "topics": ["grooming", "reporting"],
    },
    ("year_focus", "anio-1"): {"title": title("Año 1"), "year": 1, "focus": title("Lectura")},
}


@pytest.fixture
def db(empty_folder, tmp_path):
    folder = write_source(tmp_path / "src", RECORDS)
    apply_operations(
        empty_folder.catalog,
        source.read_info(folder),
        lambda: source.upsert_lines(folder),
        key_id=None,
        file_sha256="0" * 64,
    )
    return empty_folder.catalog


def ids(hits):
    return [h.id for h in hits]


def test_case_and_accents_are_ignored(db):
    assert "educacion-rural" in ids(search(db, "EDUCACION"))
    assert "educacion-rural" in ids(search(db, "educación"))


def test_title_matches_rank_before_body_mentions(db):
    assert ids(search(db, "educacion"))[:2] == ["educacion-rural", "mencion"]


def test_last_word_is_a_prefix(db):
    assert ids(search(db, "zorz")) == ["zorzal"]
    assert ids(search(db, "educacion rur")) == ["educacion-rural"]
    # Only the last word is a prefix.
    assert search(db, "zorz lector") == []


@pytest.mark.parametrize("typed", ["p'unchay", "p’unchay", "pʼunchay", "p´unchay", "p`unchay"])
def test_quechua_apostrophe_variants_are_one_letter(db, typed):
    assert ids(search(db, typed)) == ["zorzal"]


def test_apostrophe_is_a_letter_not_a_separator(db):
    # "punchay" without the apostrophe is another word, and "unchay" is no word here.
    assert search(db, "punchay") == []
    assert search(db, "unchay") == []
    assert fold_apostrophes("p'unchay 'hola' l´") == "p\u02bcunchay  hola  l "


def test_article_numbers(db):
    assert ids(search(db, "183-B"))[0] == "cp-183-b"
    assert "cp-183" in ids(search(db, "183"))


def test_language_and_spanish_fallback(db):
    hits = search(db, "yachay", lang="qu")
    assert ids(hits) == ["educacion-rural"]
    assert hits[0].title == "Cusco suyupi yachay" and hits[0].title_lang == "qu"
    # A record with no Quechua text is found by its Spanish text, titled in Spanish.
    fallback = search(db, "bibliotecas", lang="qu")
    assert ids(fallback) == ["mencion"] and fallback[0].title_lang == "es"
    # Quechua words are not found in the Spanish index.
    assert search(db, "yachay", lang="es") == []


def test_kind_and_facet_filters(db):
    assert set(ids(search(db, "codigo", kind="legal_reference"))) == {"cp-183", "cp-183-b"}
    assert search(db, "codigo", kind="program") == []
    assert ids(search(db, "zorzal", facets={"region": "Puno"})) == ["zorzal"]
    assert search(db, "zorzal", facets={"region": "Cusco"}) == []
    assert ids(browse(db, kind="program", facets={"level": "primary"})) == ["educacion-rural"]
    assert ids(browse(db, facets={"topic": "grooming", "audience": "parent"})) == ["guia"]
    assert ids(browse(db, facets={"year": "1"})) == ["anio-1"]
    assert facet_values(db, "program")["region"] == ["Cusco", "Puno"]


def test_snippet_marks_the_match(db):
    hit = search(db, "zorzal")[0]
    assert "\u0002zorzal\u0003" in hit.snippet.lower()


@pytest.mark.parametrize("text", ["", "   ", "'''", "-", '"', "*", "AND", "NEAR(", "a OR b"])
def test_odd_input_never_breaks_the_query(db, text):
    search(db, text)  # must not raise: FTS5 syntax is never taken from the user
    assert fts_query(text) is None or fts_query(text).startswith('"')
