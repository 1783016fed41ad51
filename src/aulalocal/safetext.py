"""Text from records, bundles, drives and databases, made safe to show.

Such text is hostile until shown otherwise: an ESC sequence in a title can
recolour, clear or retitle a teacher's terminal, a CR or backspace can
overwrite what the program printed, a newline in a file name can forge a
second ``error:`` line, and a bidi override (U+202E) can show ``gpj.exe`` as
``exe.jpg``. Every such character is shown as a visible escape instead:

- ``\\xNN`` for code points below U+0100 (``\\x1b`` for ESC, ``\\x0a`` for a
  newline where one may not be), ``\\uNNNN`` above. Control Pictures such as
  U+241B exist only for C0 and DEL; one notation for all is easier to read
  and to search for.
- A backslash stays a backslash: escaping is then idempotent, so a message
  that carries another message (a scan line holding an error) is never
  escaped twice, and ordinary text is printed exactly as before.

Made visible: C0 controls (U+0000-U+001F), DEL (U+007F) and C1 controls
(U+0080-U+009F; U+009B is a one-byte CSI to some terminals), the bidi
embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the
invisible marks that reorder neutral characters (U+061C, U+200E, U+200F),
the line and paragraph separators (U+2028, U+2029, line breaks to many
viewers and to ``str.splitlines``), and lone surrogates (an undecodable byte
in a file name on a drive; UTF-8 output cannot encode them at all).
Spanish, Quechua and English text never needs any of them. Other format
characters (zero-width space, soft hyphen, joiners) neither move the cursor
nor reorder text, and emoji need the joiners, so they pass.

This module knows nothing of Qt or the terminal size beyond what it is told.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata

__all__ = ["fill", "one_line", "paragraphs", "to_json", "wrap"]

# Beyond C0: DEL and C1, the bidi marks, the line and paragraph separators, lone surrogates.
_ABOVE_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
_ALL = "\x00-\x1f" + _ABOVE_C0
# Paragraph text keeps its line breaks (LF) and tabs (see ``paragraphs``).
_IN_PARAGRAPHS = "\x00-\x08\x0b-\x1f" + _ABOVE_C0
# What json.dumps(ensure_ascii=False) leaves raw: it escapes C0 itself.
_IN_JSON = _ABOVE_C0
_SPACES = "( +)"
# A unit that a row is never cut inside: an escape, or one character.
_UNIT = r"\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|."


@functools.cache
def _pattern(text: str) -> re.Pattern:
    # Compiled at first use: the classes cost milliseconds, and the window's
    # start, which imports this module through the errors, is timed.
    return re.compile(text, re.DOTALL)


def _unsafe(chars: str) -> re.Pattern:
    return _pattern(f"[{chars}]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(value: object) -> str:
    """``value`` as text that stays on one line and changes no terminal state."""
    return _unsafe(_ALL).sub(_escape, str(value))


def paragraphs(text: str) -> str:
    """Record text that keeps its line breaks and tabs; every other control made visible.

    CRLF line ends become LF (a publisher's spreadsheet may write them); any
    other CR would return the cursor over the line, so it is escaped.
    Where the lines go is the caller's care (``wrap`` indents them).
    """
    text = text.replace("\r\n", "\n")
    return _unsafe(_IN_PARAGRAPHS).sub(_escape, text)


def fill(template: str, **params: object) -> str:
    """``template.format(**params)`` with every parameter made one line.

    Numbers pass unchanged so that format specs such as ``{percent:.1f}`` work.
    """
    safe = {
        name: value if isinstance(value, (int, float)) else one_line(value)
        for name, value in params.items()
    }
    return template.format(**safe)


def to_json(value: object, indent: int | None = None) -> str:
    """JSON text for a terminal or a script: non-ASCII stays readable, controls do not pass.

    ``json.dumps`` escapes C0 controls only; the rest of the unsafe set is
    written as ``\\uNNNN`` escapes, which every JSON parser reads back as the
    same string. Outside strings JSON is ASCII, so only strings change.
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _unsafe(_IN_JSON).sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _width(text: str) -> int:
    # East Asian wide and fullwidth characters take two columns. Everything
    # else counts one, combining marks too: counting too wide only wraps a
    # little early, counting too narrow would let the terminal wrap instead.
    return sum(map(_char_width, text))


def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _pieces(word: str, width: int) -> list[str]:
    """A word wider than a row, cut into rows, never inside an escape such as ``\\x1b``."""
    pieces, current, used = [], [], 0
    for unit in _pattern(_UNIT).findall(word):
        unit_width = _width(unit)
        if used and used + unit_width > width:
            pieces.append("".join(current))
            current, used = [], 0
        current.append(unit)
        used += unit_width
    return pieces + ["".join(current)]


def wrap(text: str, columns: int, indent: str = "  ") -> list[str]:
    """Paragraph text as rows of at most ``columns - 1`` columns, each starting with ``indent``.

    The terminal then never wraps a row itself, so every row of record text
    on the screen starts with the indent and none can pass for a line of the
    program's own (a heading, an ``error:``) however its text is padded.
    Blank lines stay blank (paragraph breaks).
    """
    width = max(columns - 1 - _width(indent), 20)
    rows = []
    for line in paragraphs(text).expandtabs(4).split("\n"):
        row, gap = "", ""
        # Spaces between words are kept; at a row's end they are dropped.
        for token in _pattern(_SPACES).split(line):
            if token.startswith(" ") or not token:
                gap = token if row else gap + token
                continue
            if _width(row + gap + token) <= width:
                row, gap = row + gap + token, ""
                continue
            if row:
                rows.append(indent + row)
            *full, row = _pieces(token, width)
            rows.extend(indent + piece for piece in full)
            gap = ""
        rows.append(indent + row if row else "")
    return rows
