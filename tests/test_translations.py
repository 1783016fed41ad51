"""Every message the code says is translated, in every language, with its placeholders intact."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from aulalocal.i18n import BABEL_LOCALES, LANGUAGES

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src" / "aulalocal"
PLACEHOLDER = re.compile(r"\{[a-z_]*(?::[^}]*)?\}")
# Words that would mean English was left in a Quechua message.
ENGLISH = re.compile(
    r"\b(the|and|of|to|with|file|files|update|updates|drive|key|error|search|settings|print|"
    r"please|this|that|not|cannot|could|was|were|is|are|catalog|record|records)\b",
    re.IGNORECASE,
)


def code_messages() -> set[str]:
    """What the code marks for translation now, extracted fresh (not the committed .pot)."""
    keywords = dict(DEFAULT_KEYWORDS)
    keywords["N_"] = None
    keywords["Nn_"] = (1, 2)
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(str(SRC), keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(lang: str):
    with (REPO / "translations" / lang / "LC_MESSAGES" / "aulalocal.po").open("rb") as fh:
        return read_po(fh, locale=BABEL_LOCALES[lang])


def strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_in_the_code_is_translated(lang):
    translated = {key(m) for m in catalog(lang) if m.id and not m.fuzzy and all(strings(m))}
    missing = sorted(code_messages() - translated)
    assert not missing, f"{len(missing)} messages lack a {lang} translation (run `make i18n`, then translate): {missing[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_survive_translation(lang):
    for message in catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        forms = [set(PLACEHOLDER.findall(text)) for text in strings(message)]
        # A singular form may leave out {count}; the form used for "many"
        # (the last, or the only one) must carry every placeholder.
        assert all(form <= expected for form in forms), f"{lang}: {ids[0]!r} -> {strings(message)!r}"
        assert forms[-1] == expected, f"{lang}: {ids[0]!r} -> {strings(message)!r}"


def test_quechua_has_one_plural_form_and_no_english_left():
    qu = catalog("qu")
    assert qu.num_plurals == 1
    for message in qu:
        if not message.id:
            continue
        for text in strings(message):
            plain = PLACEHOLDER.sub("", re.sub(r"`[^`]*`|'[a-z]+ [a-z -]+'|--[a-z-]+|\S+\.(db|minisig|pub|key|aulabundle|json)", "", text))
            assert not ENGLISH.search(plain), f"English left in Quechua: {text!r}"


def test_coverage_command_passes_the_thresholds(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(tmp_path / "d"), "i18n", "coverage", "--json"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    import json

    report = json.loads(proc.stdout)
    assert report["failures"] == []
    assert all(report["ui"][lang]["percent"] == 100.0 for lang in LANGUAGES)
    assert all(share == 100.0 for kind in report["content"]["qu"].values() for field, share in kind.items() if field != "body")


def _coverage_of(*records):
    import json
    import sqlite3

    from aulalocal.translation_coverage import content_coverage

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE records (kind TEXT, data TEXT)")
    db.executemany("INSERT INTO records VALUES (?, ?)", [(kind, json.dumps(data)) for kind, data in records])
    return content_coverage(db)


def test_coverage_counts_a_copied_text_as_untranslated_unless_a_proper_name():
    copied = {"title": {"es": "Semilla Digital", "qu": "Semilla Digital", "en": "Digital Seed"},
              "summary": {"es": "Un proyecto.", "qu": "Huk proyecto.", "en": "Huk proyecto."}}
    named = {"title": {"es": "Semilla Digital", "qu": "Semilla Digital", "en": "Semilla Digital"},
             "summary": {"es": "Un proyecto.", "qu": "Huk proyecto.", "en": "A project."},
             "proper_names": ["title"]}
    assert _coverage_of(("program", copied))["qu"]["program"] == {"title": 0.0, "summary": 0.0}
    assert _coverage_of(("program", copied))["en"]["program"] == {"title": 100.0, "summary": 0.0}
    assert _coverage_of(("program", named))["qu"]["program"] == {"title": 100.0, "summary": 100.0}
    assert _coverage_of(("program", copied), ("program", named))["qu"]["program"]["title"] == 50.0


def test_coverage_counts_every_localized_field():
    year = {
        "title": {"es": "Año 1", "qu": "1 kaq wata"},
        "year": 1,
        "focus": {"es": "Lectura", "qu": "Ñawinchay"},
        "activities": [{"es": "Leer", "qu": "Ñawinchay"}, {"es": "Escribir", "qu": "Escribir"}, {"es": "Contar"}],
        "links": [{"label": {"es": "Informe", "qu": "Willakuy qillqa"}, "url": "https://example.org/"}],
    }
    program = {
        "title": {"es": "Feria", "qu": "Feria"},
        "practice": {"equity": {"es": "Para todos", "qu": "Llapanpaq"}},
        "evidence": {"es": "Poca", "qu": "Pisi"},
        "proper_names": ["title"],
    }
    law = {"title": {"es": "Artículo 1", "qu": "1 articulo"}, "penalty": {"es": "Prisión", "qu": "Prisión"}}
    shares = _coverage_of(("year_focus", year), ("program", program), ("legal_reference", law))["qu"]
    assert shares["year_focus"] == {"title": 100.0, "focus": 100.0, "activities": 100.0 / 3, "links.label": 100.0}
    assert shares["program"] == {"title": 100.0, "practice.equity": 100.0, "evidence": 100.0}
    assert shares["legal_reference"] == {"title": 100.0, "penalty": 0.0}


def test_coverage_fails_under_the_threshold_in_any_field():
    from aulalocal.translation_coverage import Coverage

    ui = {lang: {"percent": 100.0} for lang in LANGUAGES}
    content = {"qu": {"year_focus": {"activities": 99.0, "body": 96.0, "title": 100.0}}}
    assert Coverage(ui, content).failures() == ["content qu year_focus.activities: 99.0% < 100.0%"]
