"""Quechua in one voice: the glossary's rules over every Quechua text of the UI and the catalog.

The rules live in ``translations/glossary-qu.md`` (read by ``tests/quechua_rules.py``):
forbidden variants, the Quechua word a Spanish term asks for, and no English.
"""

from __future__ import annotations

import json
import re

import pytest

from tests import quechua_rules
from tests.quechua_rules import all_texts, seed_files

TEXTS = all_texts()

# Words that say a Quechua text holds English. Not "a", which Spanish names have.
ENGLISH = re.compile(
    r"\b(the|of|and|for|in|on|with|to|from|by|into|through|without|among|about|at|as|or|is|are|was|were|be|"
    r"why|how|what|who|which|should|do|does|can|will|has|have|their|its|our|your|we|this|that|not|an)\b",
    re.IGNORECASE,
)
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# A command-line option (--from) is typed as it is, in every language.
OPTION = re.compile(r"--[a-z][a-z-]*")


def _plain(text: str) -> str:
    return " ".join(WORD.findall(text))


def _report(problems: list[str]) -> str:
    return f"{len(problems)} found, the first ones:\n" + "\n".join(problems[:25])


def test_the_texts_are_all_there():
    """Every localized field of every record counts, not only title, summary and body."""
    fields = {re.sub(r"\[\d+\]", "[]", t.where.split(": ", 1)[1]) for t in TEXTS if not t.where.startswith("po:")}
    assert {"title", "summary", "body", "practice.equity", "evidence", "focus", "activities[]", "penalty"} <= fields
    assert any(t.where.startswith("po:") for t in TEXTS)


def test_no_forbidden_variant_in_any_quechua_text():
    problems = []
    for rule in quechua_rules.spelling_rules():
        for text in TEXTS:
            for found in rule.variant.finditer(quechua_rules.PLACEHOLDER.sub("", text.qu)):
                problems.append(f"{text.where}: {found.group(0)!r} ({rule.why[:60]})")
    assert not problems, _report(problems)


@pytest.mark.parametrize(
    "before, after",
    [
        ("Wichqana wasipi 6 wata", "Wichq'ana wasipi 6 wata"),
        ("{enter}: qillqata ñawinchay; Enter", "{enter}: qillqata ñawinchay; Intro"),
        ("antawaykita, antawanta, antawayuq, antawam, antawakunata", "antañiqiqniykita, antañiqiqninta, antañiqiqniyuq, antañiqiqmi, antañiqiqkunata"),
        ("One Laptop per Child laptopkunata", "One Laptop per Child antañiqiqkunata"),
        ("ch'ipachiy icha PDF; ichaqa manam", "ch'ipachiy utaq PDF; ichaqa manam"),
        ("gobiernokuna imaynatas churanku", "gobiernokuna imaynatachus churanku"),
        ("sapanka yachakuqpa necesidadninman hina", "sapanka yachakuqpa muchusqanman hina"),
    ],
)
def test_the_rules_rewrite_a_variant_into_the_glossary_word(before, after):
    text = before
    for rule in quechua_rules.spelling_rules():
        text = rule.apply(text)
    assert text == after


def test_a_spanish_glossary_term_has_its_quechua_word():
    problems = []
    for spanish, quechua, _note in quechua_rules.required_words():
        for text in TEXTS:
            found = spanish.search(text.es)
            if found and not text.proper_name and not quechua.search(text.qu):
                problems.append(f"{text.where}: Spanish {found.group(0)!r}, Quechua lacks {quechua.pattern!r}")
    assert not problems, _report(problems)


def test_no_english_in_quechua_text():
    """English words only inside a name or an original title that the Spanish text quotes too."""
    problems = []
    for text in TEXTS:
        spanish = f" {_plain(text.es)} "
        words = WORD.findall(OPTION.sub(" ", text.qu))
        for i, word in enumerate(words):
            if ENGLISH.fullmatch(word):
                # Any three words around it that the Spanish text has too.
                windows = [" ".join(words[max(0, start) : start + 3]) for start in range(i - 2, i + 1)]
                if not any(f" {window} " in spanish for window in windows):
                    problems.append(f"{text.where}: {windows[1]!r}")
    assert not problems, _report(problems)


def test_no_english_record_name_where_spanish_has_its_own():
    """ "Digital Seed" where the catalog's name is "Semilla Digital"."""
    names = []
    for path in seed_files():
        title = json.loads(path.read_text(encoding="utf-8"))["title"]
        english = re.sub(r"\s*\(.*\)$", "", title["en"]).strip()
        if english and english.lower() not in title["es"].lower() and len(english.split()) > 1:
            names.append(english)
    problems = [
        f"{text.where}: {name!r}"
        for text in TEXTS
        if not text.where.startswith("po:")
        for name in names
        if name in text.qu and name not in text.es
    ]
    assert not problems, _report(problems)


KEY_NAMES = re.compile(r"\b(Enter|Shift|Backspace|Delete|Del|Home|End|Page ?Up|Page ?Down|PgUp|PgDn)\b")


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_key_names_as_latin_american_keyboards_print_them(lang):
    catalog = quechua_rules._catalog(lang)
    keys = [m for m in catalog if m.id and re.search(r"\b(Ctrl|Alt|Tab|Esc)\b|Arrow keys|Page Up", str(m.id))]
    assert keys, "no message names a key"
    for message in keys:
        for text in quechua_rules._forms(message):
            assert not KEY_NAMES.search(text), f"{lang}: {text!r}"
