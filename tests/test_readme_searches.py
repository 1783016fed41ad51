"""Every search the README shows finds something in the shipped catalog (issue 14)."""

import re
import shlex

from aulalocal.catalog.search import search
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def command_examples() -> list[tuple[str, str | None]]:
    """(query, --lang) of every `aulalocal search` command line in the README."""
    out = []
    for line in README.splitlines():
        words = line.strip().split(" ", 1)
        if not line.startswith("    ") or "aulalocal search " not in line or words[0].startswith("#"):
            continue
        args = shlex.split(line.split("aulalocal search ", 1)[1].split("#")[0])
        lang = args[args.index("--lang") + 1] if "--lang" in args else None
        out.append((args[0], lang))
    return out


def prose_examples() -> list[str]:
    """The words in code spans of the README's **Search** bullet."""
    bullet = re.search(r"^- \*\*Search\*\*(.*?)(?=^- \*\*)", README, re.S | re.M).group(1)
    return re.findall(r"`([^`]+)`", bullet)


def test_the_readme_has_search_examples():
    assert len(command_examples()) >= 3 and len(prose_examples()) >= 3
    assert ("p'anqa", "qu") in command_examples()  # a Quechua word with its apostrophe


def test_every_search_command_in_the_readme_finds_something(seeded):
    for query, lang in command_examples():
        assert search(seeded.catalog, query, lang=lang or "es"), (query, lang)


def test_every_search_word_in_the_readme_finds_something_in_some_language(seeded):
    for query in prose_examples():
        assert any(search(seeded.catalog, query, lang=lang) for lang in ("es", "qu", "en")), query


def test_numbers_and_exact_words_in_the_shipped_catalog(seeded):
    """Issue 14: "100000", "100.000" and "100,000" find the OLPC record; "36%" ranks the 36 % records before Aula 365."""
    for typed in ("100000", "100.000", "100,000"):
        for lang in ("es", "qu", "en"):
            assert "olpc-peru" in [h.id for h in search(seeded.catalog, typed, lang=lang)], (typed, lang)
    hits = [h.id for h in search(seeded.catalog, "36%", lang="es")]
    with_36 = {"bibliotecas-para-el-desarrollo", "beyond-access", "biblioteca-nacional-peru"}
    assert set(hits[:3]) == with_36 and "aula-365" in hits[3:]
