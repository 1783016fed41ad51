"""Issue 12, point 5: the escaping under every line the CLI prints and every error message."""

from __future__ import annotations

import json
import unicodedata

import pytest

from aulalocal.errors import MAX_PARAMETER, AulaLocalError, BundleError, N_, message
from aulalocal.safetext import fill, one_line, paragraphs, to_json, wrap

# Written out here, not imported: the test states the policy on its own.
BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
SEPARATORS = [0x2028, 0x2029]


def expected_escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@pytest.mark.parametrize("code", range(0xA0))
def test_every_code_point_up_to_c1_is_printable_or_escaped(code):
    ch = chr(code)
    if 0x20 <= code < 0x7F:
        assert one_line(ch) == ch
        assert paragraphs(ch) == ch
    else:  # C0, DEL, C1
        assert one_line(ch) == expected_escape(code)
        assert paragraphs(ch) == (ch if ch in "\n\t" else expected_escape(code))


@pytest.mark.parametrize("code", BIDI + SEPARATORS)
def test_bidi_controls_and_line_separators_are_escaped(code):
    assert one_line(f"a{chr(code)}b") == f"a{expected_escape(code)}b"
    assert paragraphs(chr(code)) == expected_escape(code)


def test_a_lone_surrogate_from_an_undecodable_file_name_is_escaped():
    name = b"bundle-\xff.aulabundle".decode("utf-8", "surrogateescape")
    assert one_line(name) == "bundle-\\udcff.aulabundle"
    one_line(name).encode("utf-8")  # printable on a UTF-8 terminal


def test_escaped_text_holds_nothing_a_terminal_acts_on():
    everything = "".join(map(chr, range(0x3000))) + "\ud800\udfff"
    for shown in (one_line(everything), paragraphs(everything)):
        controls = {ch for ch in shown if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") and ch not in "\n\t"}
        assert controls == set()
        assert not set(shown) & set(map(chr, BIDI))
    assert "\n" not in one_line(everything) and "\t" not in one_line(everything)


def test_ordinary_text_is_unchanged_and_escaping_is_idempotent():
    text = "Educación rural: ñawi, Ñuqanchik yachanchik — «comillas» 40 000 € \\path\\x1b ☺ 漢字 👩‍🏫"
    assert one_line(text) == text
    hostile = "a\x1b[2J\nerror: forged\u202e"
    assert one_line(one_line(hostile)) == one_line(hostile) == "a\\x1b[2J\\x0aerror: forged\\u202e"


def test_paragraphs_keep_line_breaks_and_normalize_crlf():
    assert paragraphs("uno\r\ndos\n\ttres") == "uno\ndos\n\ttres"
    assert paragraphs("over\rwrite") == "over\\x0dwrite"


def test_fill_makes_every_parameter_one_line_and_keeps_number_formats():
    line = fill("{name} at {percent:.1f}% of {count}", name="x\n\x1b[31merror: y", percent=12.345, count=7)
    assert line == "x\\x0a\\x1b[31merror: y at 12.3% of 7"


def test_json_stays_valid_readable_and_equal():
    value = {"título\u202e": ["Ñuqa", "a\x1b\x9b\x85\u2028\x7f", "bad-\udcff"], "n": 1}
    text = to_json(value, indent=2)
    assert json.loads(text) == value
    assert "Ñuqa" in text and "título" in text  # non-ASCII stays readable
    for code in [*range(0x20), *range(0x7F, 0xA0), *BIDI, *SEPARATORS, 0xDCFF]:
        assert chr(code) not in text.replace("\n", "")
    normal = {"title": "Educación en línea", "ids": ["cp-183-b"], "q": 'dice "hola"\n'}
    assert to_json(normal, indent=2) == json.dumps(normal, ensure_ascii=False, indent=2)


def test_wrap_indents_every_row_and_fits_the_terminal():
    text = "corto\n\n" + " " * 300 + "error: forged " + "漢" * 100 + " " + "w" * 200 + "\n\tfin"
    rows = wrap(text, 60)
    for row in rows:
        assert row == "" or row.startswith("  ")
        assert sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in row) <= 59
    assert rows[:2] == ["  corto", ""]
    assert rows[-1] == "      fin"
    assert "error: forged" in "".join(rows)


def test_wrap_keeps_spacing_between_words():
    assert wrap("program/x  Título", 80) == ["  program/x  Título"]


def test_an_error_message_is_one_line_whatever_its_parameters_hold():
    key = "\nerror: forged\x1b]0;owned\x07\r\u202e"
    exc = BundleError(N_("{where}: invalid record, field '{field}': {problem}."), where="records/0001.jsonl:1", field=key, problem="unknown key")
    text = exc.message()
    assert "\n" not in text and "\x1b" not in text and "\r" not in text and "\u202e" not in text
    assert "\\x0aerror: forged\\x1b]0;owned\\x07\\x0d\\u202e" in text
    assert "\n" not in str(exc)  # what a log records


def test_a_huge_parameter_is_cut():
    text = message(N_("manifest.json lists {name} twice."), name="k" * 100_000)
    assert len(text) < MAX_PARAMETER + 100 and "…" in text


def test_a_template_without_parameters_keeps_its_braces():
    assert AulaLocalError("{not a field}").message() == "{not a field}"
