"""A translator's to-do list: the cells of a workbook still to translate (``i18n coverage --sheet``).

For every text with Spanish, the cell of the other language (Quechua by
default) that is empty, or that holds the Spanish text unchanged, with its
sheet, row and column and the Spanish to translate. Rows that cannot be read
yet (a workbook still in work) are left out and said on stderr.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from aulalocal.errors import N_, Nn_, message
from aulalocal.sheets.layout import kind_sheets
from aulalocal.sheets.read import SheetRecord, read_book, read_source

SHOWN_CHARS = 100


@dataclass
class Todo:
    sheet: str
    row: int
    column: str
    spanish: str
    same_as_spanish: bool

    def as_json(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "es": self.spanish, "same_as_spanish": self.same_as_spanish}


def column_of(path: str, lang: str) -> str:
    """The column of a text path (``kinds.Kind.localized_texts``): links[0].label -> links_1_label_qu."""
    column = re.sub(r"\[(\d+)\]", lambda m: f"_{int(m.group(1)) + 1}", path).replace(".", "_")
    return f"{column}_{lang}"


def todo(records: list[SheetRecord], lang: str) -> list[Todo]:
    """What ``translation_coverage`` counts as not translated, cell by cell (proper names are not)."""
    from aulalocal import kinds
    from aulalocal.translation_coverage import translated

    sheets = kind_sheets()
    found = []
    for record in records:
        _cells, as_json = sheets[record.kind].encode(record.data)
        names = record.data.get("proper_names")
        names = set(names) if isinstance(names, list) else set()
        for path, text in kinds.active().kind(record.kind).localized_texts(record.data):
            spanish = text.get("es")
            if not isinstance(spanish, str) or not spanish or translated(text, lang, proper_name=path in names):
                continue
            field = re.split(r"[.\[]", path)[0]
            column = f"json:{field}" if field in as_json else column_of(path, lang)
            found.append(Todo(record.sheet, record.row, column, spanish, bool(text.get(lang))))
    return found


def print_todo(path: Path, lang: str, as_json: bool, out) -> int:
    """Print the list (``out`` prints a line); 0, or the workbook's exit status when it cannot be read at all."""
    from aulalocal.i18n import gettext as _
    from aulalocal.sheets.vocabulary import language_name
    from aulalocal.safetext import fill, one_line, to_json

    source, problems = read_source(read_book(path), keep_going=True)
    if source is None:
        raise problems.error()
    for line in problems.error().details() or ([problems.error().message()] if problems else []):
        print("warning: " + line, file=sys.stderr)
    items = todo(source.sheet_records, lang)
    if as_json:
        out(to_json([item.as_json() for item in items], indent=2))
        return 0
    for item in items:
        shown = one_line(item.spanish)
        shown = shown if len(shown) <= SHOWN_CHARS else shown[: SHOWN_CHARS - 1] + "…"
        template = N_("{sheet}, row {row}, column {column} (same as Spanish): {text}") if item.same_as_spanish else N_("{sheet}, row {row}, column {column}: {text}")
        out(message(template, sheet=item.sheet, row=item.row, column=item.column, text=shown))
    out(message(Nn_("{count} text to translate into {language}.", "{count} texts to translate into {language}."), count=len(items), language=language_name(lang)))
    return 0

