"""Favorites, notes and settings survive catalog updates, also removals."""

from aulalocal.bundle import source
from aulalocal.bundle.apply import apply_operations
from aulalocal.catalog import userdata
from tests.conftest import title, write_source


def apply_folder(db, folder):
    apply_operations(
        db, source.read_info(folder), lambda: source.upsert_lines(folder),
        key_id=None, file_sha256=source.content_sha256(folder),
    )


def test_notes_and_favorites_outlive_the_record(empty_folder, tmp_path):
    cat, user = empty_folder.catalog, empty_folder.userdata
    records = {("program", "a"): {"title": title("Programa A", "A programa")}, ("program", "b"): {"title": title("B")}}
    apply_folder(cat, write_source(tmp_path / "v1", records))
    userdata.save_note(user, "test-catalog", "program", "a", records[("program", "a")]["title"], "Usar en 3.º grado")
    userdata.set_favorite(user, "test-catalog", "program", "a", records[("program", "a")]["title"], True)
    userdata.set_favorite(user, "test-catalog", "program", "b", records[("program", "b")]["title"], True)

    del records[("program", "a")]
    apply_folder(cat, write_source(tmp_path / "v2", records, sequence=2))

    notes = userdata.notes(user)
    assert [(n.id, n.text, n.title["qu"]) for n in notes] == [("a", "Usar en 3.º grado", "A programa")]
    assert userdata.orphaned(notes, cat) == {("test-catalog", "program", "a")}
    assert {f.id for f in userdata.favorites(user)} == {"a", "b"}
    assert userdata.orphaned(userdata.favorites(user), cat) == {("test-catalog", "program", "a")}


def test_empty_note_is_removed_and_settings_round_trip(empty_folder):
    user = empty_folder.userdata
    userdata.save_note(user, "c", "program", "a", {"es": "A"}, "texto")
    assert userdata.get_note(user, "c", "program", "a") == "texto"
    userdata.save_note(user, "c", "program", "a", {"es": "A"}, "   ")
    assert userdata.get_note(user, "c", "program", "a") == ""
    assert userdata.get_setting(user, "language") is None
    userdata.set_setting(user, "language", "qu")
    assert userdata.get_setting(user, "language") == "qu"
    assert not userdata.is_favorite(user, "c", "program", "a")
    userdata.set_favorite(user, "c", "program", "a", {"es": "A"}, True)
    assert userdata.is_favorite(user, "c", "program", "a")
    userdata.set_favorite(user, "c", "program", "a", {"es": "A"}, False)
    assert not userdata.is_favorite(user, "c", "program", "a")


def test_kept_title_and_the_catalogs_own_titles(empty_folder, tmp_path):
    from aulalocal.catalog.records import catalog_of, titles_for

    cat, user = empty_folder.catalog, empty_folder.userdata
    apply_folder(cat, write_source(tmp_path / "v1", {("program", "a"): {"title": title("Programa A", "A programa")}}))
    assert catalog_of(cat, "program", "a") == "test-catalog" and catalog_of(cat, "program", "zz") is None
    assert titles_for(cat, [("test-catalog", "program", "a"), ("test-catalog", "program", "zz")]) == {
        ("test-catalog", "program", "a"): {"es": "Programa A", "qu": "A programa", "en": None}
    }
    assert userdata.kept_title(user, "test-catalog", "program", "a") == {}
    userdata.set_favorite(user, "test-catalog", "program", "a", {"es": "Como favorito"}, True)
    assert userdata.kept_title(user, "test-catalog", "program", "a") == {"es": "Como favorito"}
    userdata.save_note(user, "test-catalog", "program", "a", {"es": "Con la nota"}, "texto")
    assert userdata.kept_title(user, "test-catalog", "program", "a") == {"es": "Con la nota"}  # the note's first
