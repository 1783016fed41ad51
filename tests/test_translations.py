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
            plain = PLACEHOLDER.sub("", re.sub(r"`[^`]*`|'[a-z]+ [a-z -]+'|--[a-z-]+|\S+\.(db|minisig|pub|key|aulabundle)", "", text))
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
