"""The command line in the user's language (issue 14): help for everything,
``--lang`` before ``--help``, argparse's own words translated, plurals."""

from __future__ import annotations

import argparse
import re

import pytest
from babel.messages.extract import extract_from_file

from aulalocal import argparse_i18n, i18n
from aulalocal.cli import _parser, main
from tests.test_translations import code_messages


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_help(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    assert exit_info.value.code == 0
    return capsys.readouterr().out


# --------------------------------------------------------------------------
# Help text for every option and command


def parsers(parser: argparse.ArgumentParser, name: str = "aulalocal"):
    """``(name, parser)`` for the parser and every subcommand under it."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                yield from parsers(sub, f"{name} {command}")


def without_help(parser: argparse.ArgumentParser) -> list[str]:
    """Every option, argument, command group and command that has no help text."""
    missing = []
    for name, sub in parsers(parser, parser.prog):
        for action in sub._actions:
            what = f"{name} {'/'.join(action.option_strings) or action.metavar or action.dest}"
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(what)
            if isinstance(action, argparse._SubParsersAction):
                helped = {choice.dest for choice in action._choices_actions if choice.help}
                missing += [f"{name} {command}" for command in action.choices if command not in helped]
    return missing


def test_every_option_argument_and_command_has_help():
    assert without_help(_parser()) == []


def test_the_help_check_finds_what_lacks_help():
    parser = argparse.ArgumentParser(prog="x")
    parser.add_argument("--quiet", action="store_true")
    sub = parser.add_subparsers(dest="command", help="commands")
    sub.add_parser("serve").add_argument("port")
    sub.add_parser("explained", help="has help")
    assert without_help(parser) == ["x --quiet", "x serve", "x serve port"]


# --------------------------------------------------------------------------
# --lang applies to --help, and argparse's words are translated


def english_fragments() -> list[str]:
    """The words of argparse's messages, without their placeholders: none may show in es or qu."""
    fragments = []
    for msgid in [*argparse_i18n.MESSAGES, *argparse_i18n.PLURALS]:
        for part in re.split(r"%(?:\(\w+\))?[sr]", msgid):
            part = part.strip(" :()")
            if len(part) >= 4:
                fragments.append(part)
    return fragments


def english_in(text: str) -> list[str]:
    return [part for part in english_fragments() if re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text)]


def test_the_english_check_finds_argparse_words():
    assert set(english_in("usage: x [-h]\n\noptions:\n  -h, --help  show this help message and exit")) == {
        "usage", "options", "show this help message and exit"
    }


HEADINGS = {"es": ("uso: ", "opciones:"), "qu": ("imayna purichina: ", "akllanakuna:")}


@pytest.mark.parametrize("lang", ["es", "qu"])
@pytest.mark.parametrize("command", [[], ["bundle"], ["bundle", "build"], ["search"]])
def test_lang_applies_to_help(capsys, real_translations, monkeypatch, lang, command):
    monkeypatch.setenv("LANGUAGE", "en")  # the system says English: --lang wins
    out = run_help(capsys, "--lang", lang, *command, "--help")
    usage, options = HEADINGS[lang]
    assert out.startswith(usage) and options in out
    assert english_in(out) == []


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_every_help_page_is_free_of_argparse_english(real_translations, lang):
    i18n.set_language(lang)
    argparse_i18n.install()
    for name, parser in parsers(_parser()):
        text = parser.format_help()
        assert english_in(text) == [], f"{lang}: {name} --help"


def test_help_without_lang_follows_the_system(capsys, real_translations, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "qu")
    assert run_help(capsys, "--help").startswith("imayna purichina: ")
    monkeypatch.setenv("LANGUAGE", "en")
    assert run_help(capsys, "--help").startswith("usage: ")


# Messages argparse says only to the author of a program that misuses it
# (or with features AulaLocal does not use: FileType, its own error()).
AUTHOR_ERRORS = {
    ".__call__() not defined",
    "conflicting subparser: %s",
    "conflicting subparser alias: %s",
    "cannot merge actions - two groups are named %r",
    "'required' is an invalid argument for positionals",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "dest= is required for options like %r",
    "invalid conflict_resolution value: %r",
    "conflicting option string: %s",
    "mutually exclusive arguments must be optional",
    "cannot have multiple subparser arguments",
    "%r is not callable",
    "argument \"-\" with mode %r",
    "can't open '%(filename)s': %(error)s",
    "%(prog)s: error: %(message)s\n",  # cli._Parser.error says errors its own way
    "show program's version number and exit",  # --version has its own help
}


def test_every_argparse_message_a_user_can_see_is_listed():
    """Read from the running Python's argparse, so a new Python's new message fails here."""
    found = set()
    for _line, message, _comments, _context in extract_from_file(
        "python", argparse.__file__, keywords={"_": None, "ngettext": (1, 2)}
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    listed = set(argparse_i18n.MESSAGES) | set(argparse_i18n.PLURALS)
    assert sorted(found - AUTHOR_ERRORS - listed) == []
    assert "usage: " in found  # the extraction worked


# --------------------------------------------------------------------------
# Usage errors: one translated line, exit 2

USAGE_ERRORS = {
    # argv: the translated words in es, in qu
    ("search",): ("faltan estos argumentos: PALABRAS", "kay chanikunam muchusqa: RIMAKUNA"),
    ("show", "nokind", "x"): ("opción no válida: 'nokind'", "'nokind' manam allinchu"),
    ("--bogus",): ("argumentos desconocidos: --bogus", "mana riqsisqa chanikuna: --bogus"),
    ("search", "x", "--limit"): ("se esperaba un valor", "huk chanitam muchun"),
    ("search", "x", "--limit", "many"): ("valor no válido: 'many'", "'many' chaniqa manam allinchu"),
    ("search", "x", "--json=yes"): ("esta opción no lleva valor", "kay akllanaqa manam chaniyuqchu"),
    ("bundle",): ("faltan estos argumentos: COMANDO", "kay chanikunam muchusqa: COMANDO"),
    ("--text-size", "huge"): ("opción no válida: 'huge'", "'huge' manam allinchu"),
}


@pytest.mark.parametrize("argv", list(USAGE_ERRORS), ids=" ".join)
@pytest.mark.parametrize("lang", ["es", "qu"])
def test_usage_errors_are_one_translated_line(capsys, real_translations, monkeypatch, lang, argv):
    monkeypatch.setenv("LANGUAGE", "en")
    code, out, err = run(capsys, "--lang", lang, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert USAGE_ERRORS[argv][0 if lang == "es" else 1] in err
    assert english_in(err) == []


def test_a_usage_error_points_to_the_help_of_its_command(capsys, real_translations):
    code, _out, err = run(capsys, "--lang", "es", "bundle", "build", "fuente")
    assert code == 2
    assert err.endswith("(vea 'aulalocal bundle build --help')\n")
    assert "--sequence, --out" in err


# --------------------------------------------------------------------------
# Plurals: a count with a noun is a plural message

# Messages with a count that need no plural form, and why.
NO_PLURAL = {
    "The first {count} results for “{text}” in {section}. Add a word to find fewer.": "count is the search limit (200)",
}


def test_every_message_with_a_counted_noun_is_a_plural_message():
    counted = [m for m in code_messages() if re.search(r"\{count\}\s+[^\W\d_]", m)]
    keywords = {"ngettext": (1, 2), "Nn_": (1, 2)}
    plural = set()
    from babel.messages.extract import extract_from_dir

    from tests.test_translations import SRC

    for _file, _line, message, _comments, _ctx in extract_from_dir(str(SRC), keywords=keywords):
        if isinstance(message, tuple):
            plural.add(message[0])
    assert counted and plural
    assert sorted(set(counted) - plural - set(NO_PLURAL)) == []


def test_plural_forms_follow_the_language(real_translations):
    text = ("Copied {count} file to {path}.", "Copied {count} files to {path}.")
    forms = {}
    for lang in ("es", "qu", "en"):
        i18n.set_language(lang)
        forms[lang] = [i18n.ngettext(*text, n).format(count=n, path="X") for n in (1, 2)]
    assert forms["es"] == ["Se copió 1 archivo a X.", "Se copiaron 2 archivos a X."]
    assert forms["en"] == ["Copied 1 file to X.", "Copied 2 files to X."]
    assert forms["qu"] == ["1 willañiqi X nisqaman iskaychasqa.", "2 willañiqi X nisqaman iskaychasqa."]


# --------------------------------------------------------------------------
# trust list


@pytest.mark.parametrize(
    "lang, words",
    [
        ("es", "Esta computadora todavía no confía en ninguna clave de editor."),
        ("qu", "Kay antañiqiqqa manaraqmi mayqin riqsichiqpa llawintapas iñinchu."),
        ("en", "This laptop trusts no publisher key yet."),
    ],
)
def test_trust_list_says_when_there_are_no_keys(capsys, tmp_path, real_translations, lang, words):
    code, out, err = run(capsys, "--data-dir", str(tmp_path / "d"), "--lang", lang, "trust", "list")
    assert code == 0 and err == ""
    assert out.startswith(words) and out.count("\n") == 1


def test_trust_list_names_where_a_key_comes_from(capsys, tmp_path, real_translations):
    from aulalocal.bundle import minisign, trust
    from aulalocal.startup import open_data_folder

    folder = open_data_folder(tmp_path / "d")
    public, _secret = minisign.generate_keypair("Red Rural")
    trust.add_key(folder.keys_dir, public)
    folder.close()
    code, out, _err = run(capsys, "--data-dir", str(tmp_path / "d"), "--lang", "es", "trust", "list")
    assert code == 0
    assert f"{public.key_id_hex}  Red Rural  [agregada en esta computadora]" in out
    assert "added" not in out
