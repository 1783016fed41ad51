"""The command line of spec section 7 and issue 2: output, exit codes, one-line errors."""

import json
import os
import subprocess
import sys

import pytest

from aulalocal.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("aulalocal ")


def test_help_lists_the_commands_and_window_options(capsys):
    # The window's options are parsed without the subcommands (start-up time);
    # --help must still name them all.
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert all(word in out for word in ("--data-dir", "--screenshot", "catalog", "bundle", "trust", "doctor"))


def test_window_options_with_an_unknown_one_are_a_usage_error(capsys):
    code, _out, err = run(capsys, "--lang", "es", "--bogus")
    assert code == 2 and "--bogus" in err and err.count("\n") == 1


def test_status_on_a_new_data_folder_holds_the_seed(capsys, tmp_path):
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "new"), "catalog", "status", "--json")
    assert code == 0
    (seed,) = [c for c in json.loads(out)["catalogs"] if c["catalog"] == "aulalocal-seed"]
    counts = seed["counts"]
    assert counts["program"] >= 40
    assert counts["organization"] >= 20
    assert counts["resource"] >= 15
    assert counts["legal_reference"] >= 22
    assert counts["safety_guide"] >= 10
    assert counts["year_focus"] >= 5
    assert seed["sequence"] >= 1


MONTHS = {
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
    # MediaWiki's Quechua (translations/glossary-qu.md, "Dates and times")
    "qu": "iniru phiwriru marsu awril mayukilla hunyu hulyu awustu sitimri uktuwri nuwimri disimri".split(),
    "en": "January February March April May June July August September October November December".split(),
}


@pytest.mark.parametrize("lang", ["es", "qu", "en"])
def test_status_shows_each_catalogs_content_date_in_the_language(capsys, seeded_dir, real_translations, lang):
    from tests.conftest import SEEDS

    created = json.loads((SEEDS / "catalog.json").read_text(encoding="utf-8"))["created"]
    year, month, day = (int(part) for part in created[:10].split("-"))
    name = MONTHS[lang][month - 1]
    line = {
        "es": f"Fecha del contenido: {day} de {name} de {year}",
        "qu": f"Qillqakunapa p'unchawnin: {day} {name} {year}",
        "en": f"Content date: {name} {day}, {year}",
    }[lang]
    code, out, _ = run(capsys, "--data-dir", str(seeded_dir), "--lang", lang, "catalog", "status")
    assert code == 0
    assert out.splitlines()[1] == "  " + line
    code, out, _ = run(capsys, "--data-dir", str(seeded_dir), "catalog", "status", "--json")
    (seed,) = [c for c in json.loads(out)["catalogs"] if c["catalog"] == "aulalocal-seed"]
    assert seed["created"] == created


def test_data_dir_from_environment(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("AULALOCAL_DATA_DIR", str(tmp_path / "env"))
    code, _, _ = run(capsys, "catalog", "status", "--json")
    assert code == 0 and (tmp_path / "env" / "catalog.db").exists()
    assert (tmp_path / "env" / "userdata.db").exists()


def test_search_json(capsys, seeded_dir):
    code, out, _ = run(capsys, "--data-dir", str(seeded_dir), "search", "educacion", "--json")
    hits = json.loads(out)
    assert code == 0 and hits
    assert set(hits[0]) == {"kind", "id", "catalog", "title"}
    assert any("Educación" in h["title"] for h in hits)


def test_search_quechua_titles(capsys, seeded_dir):
    code, out, _ = run(capsys, "--data-dir", str(seeded_dir), "search", "yachay", "--lang", "qu", "--json")
    hits = json.loads(out)
    assert code == 0 and hits
    assert all("yachay" in h["title"].lower() or h for h in hits)
    titles_es = json.loads(
        run(capsys, "--data-dir", str(seeded_dir), "search", "yachay", "--lang", "es", "--json")[1]
    )
    assert len(hits) > len(titles_es)


def test_search_article(capsys, seeded_dir):
    code, out, _ = run(capsys, "--data-dir", str(seeded_dir), "search", "183-B", "--json")
    assert json.loads(out)[0]["id"] == "cp-183-b"


def test_show_names_related_records(capsys, seeded_dir):
    code, out, _ = run(capsys, "--data-dir", str(seeded_dir), "show", "program", "construyendo-escuelas-exitosas", "--json")
    record = json.loads(out)
    assert code == 0 and record["data"]["title"]["es"]
    related = {(r["kind"], r["id"]): r["title"] for r in record["related"]}
    assert related[("organization", "ipae")]
    assert ("year_focus", "cee-anio-1") in related
    code, text, _ = run(capsys, "--data-dir", str(seeded_dir), "show", "program", "olpc-peru", "--lang", "qu")
    assert code == 0 and "0.12" in text and "1.18" in text


def test_show_missing_record_is_one_line_error(capsys, seeded_dir):
    code, out, err = run(capsys, "--data-dir", str(seeded_dir), "show", "program", "no-such-thing")
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1


def test_usage_error_exit_2_one_line(capsys):
    code, _, err = run(capsys, "search")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1


def test_doctor_reports_ok_and_damage(capsys, seeded_dir, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en")
    code, out, _ = run(capsys, "--data-dir", str(seeded_dir), "doctor")
    assert code == 0 and "catalog.db: ok" in out and "userdata.db: ok" in out
    (seeded_dir / "catalog.db").write_bytes(b"\0" * 4096)
    code, out, _ = run(capsys, "--data-dir", str(seeded_dir), "doctor")
    assert code == 1 and "catalog.db" in out


def test_corrupt_catalog_is_one_line_error_not_a_traceback(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "catalog.db").write_bytes(b"garbage" * 1000)
    env = dict(os.environ, LANGUAGE="es")
    proc = subprocess.run(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(data), "search", "x"],
        capture_output=True, text=True, env=env,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_without_a_screen_the_app_explains_instead_of_crashing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["LANGUAGE"] = "en"
    proc = subprocess.run([sys.executable, "-m", "aulalocal", "--data-dir", str(tmp_path / "d")], capture_output=True, text=True, env=env)
    assert proc.returncode == 0
    assert "aulalocal-seed" in proc.stdout and "No screen" in proc.stdout


def test_messages_follow_the_language_setting(capsys, tmp_path, monkeypatch, real_translations):
    from aulalocal.catalog.userdata import set_setting
    from aulalocal.startup import open_data_folder

    monkeypatch.setenv("LANGUAGE", "en")
    folder = open_data_folder(tmp_path / "d")
    set_setting(folder.userdata, "language", "es")
    folder.close()
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "show", "program", "no-such-thing")
    assert code == 1 and err.startswith("error: No hay")


@pytest.mark.parametrize(
    ("lang", "typed", "said"),
    [
        ("es", "educasion", "¿Quiso decir “educación”?"),
        ("es", "huaskaran", "¿Quiso decir “Huascarán”?"),
        ("qu", "educasion", "“Educación” nisqatachu maskayta munarqanki?"),
        ("qu", "huaskaran", "“Huascarán” nisqatachu maskayta munarqanki?"),
        ("en", "educasion", "Did you mean “education”?"),
        ("en", "huaskaran", "Did you mean “Huascarán”?"),
    ],
)
def test_search_suggests_the_catalogs_spelling_of_a_misspelled_word(capsys, seeded_dir, real_translations, lang, typed, said):
    code, out, err = run(capsys, "--data-dir", str(seeded_dir), "--lang", lang, "search", typed, "--lang", lang)
    assert code == 0 and err == said + "\n"
    code, out, err = run(capsys, "--data-dir", str(seeded_dir), "--lang", lang, "search", typed, "--lang", lang, "--json")
    assert code == 0 and json.loads(out) == [] and err == said + "\n"
    code, _out, err = run(capsys, "--data-dir", str(seeded_dir), "search", "huascaran", "--json")
    assert code == 0 and err == ""
