"""The catalog header sheet: one row per item (catalog id, publisher, languages, created).

    field       value                              # help
    catalog     minedu-pe                          ...
    publisher   Ministerio de Educación del Perú
    languages   es; qu; en
    created     2026-11-20                         (optional)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from aulalocal.bundle.header import MAX_PUBLISHER, format_created, is_catalog_id, is_language_tag, is_publisher, parse_created
from aulalocal.errors import N_
from aulalocal.sheets import cells
from aulalocal.sheets.cells import CellProblem

FIELD, VALUE = "field", "value"
HELP = N_("help")
KEYS = ("catalog", "publisher", "languages", "created")
REQUIRED = ("catalog", "publisher", "languages")
_HELP = {
    "catalog": N_("The catalog's id: lowercase letters, digits and dashes (minedu-pe). Choose it once, never change it."),
    "publisher": N_("Your name as schools see it (1 to 200 characters)."),
    "languages": N_("The languages of the texts, separated by ;. Spanish (es) is required; qu is Quechua, en English."),
    "created": N_("Optional: when this content was written (YYYY-MM-DD). Each bundle records when it was built."),
}


@dataclass
class Header:
    catalog: str
    publisher: str
    languages: list[str]
    created: str = ""


def help_text(key: str) -> str:
    from aulalocal.i18n import gettext as _

    return _(_HELP[key])


def rows(header: Header) -> list[list[object]]:
    """The sheet's rows, the column names first (the help column's starts with "#": it is not read)."""
    from aulalocal.i18n import gettext as _

    return [
        [FIELD, VALUE, "# " + _(HELP)],
        ["catalog", header.catalog, help_text("catalog")],
        ["publisher", header.publisher, help_text("publisher")],
        ["languages", "; ".join(header.languages), help_text("languages")],
        ["created", header.created[:10] if header.created.endswith("T00:00:00Z") else header.created, help_text("created")],
    ]


def decode(values: dict[str, tuple[int, object]]) -> tuple[Header | None, list[tuple[int, CellProblem]]]:
    """The header from key -> (row number, cell); every problem as (row, problem)."""
    problems: list[tuple[int, CellProblem]] = []
    found: dict[str, object] = {}
    for key in REQUIRED:
        if key not in values or cells.is_empty(values[key][1]):
            row = values[key][0] if key in values else 0
            problems.append((row, CellProblem(VALUE, N_("'{key}' is required in the catalog sheet"), key=key)))
    for key, (row, cell) in values.items():
        try:
            if key == "created":
                found[key] = _created(cell)
            elif key == "languages":
                found[key] = _languages(cell)
            else:
                found[key] = cells.text(cell, VALUE)
        except CellProblem as problem:
            problems.append((row, problem))
            continue
        # The rules of every catalog header (bundle.header), said cell by cell.
        if key == "catalog" and found[key] is not None and not is_catalog_id(found[key]):
            problems.append((row, CellProblem(VALUE, N_("'{value}' is not a valid catalog id (lowercase letters, digits and dashes, 3 to 64)"), value=found[key])))
        if key == "publisher" and found[key] is not None and not is_publisher(found[key]):
            if len(found[key]) > MAX_PUBLISHER:
                problems.append((row, CellProblem(VALUE, N_("the publisher's name is longer than 200 characters"))))
            else:
                problems.append((row, CellProblem(VALUE, N_("the publisher's name must be one line of printable text"))))
    if problems:
        return None, problems
    return Header(found["catalog"], found["publisher"], found["languages"], found.get("created") or ""), []


def _languages(cell: object) -> list[str]:
    raw = cells.text(cell, VALUE)
    if raw is None:
        return []
    langs = [part.strip() for part in re.split(r"[;,\s]+", raw) if part.strip()]
    for lang in langs:
        if not is_language_tag(lang):
            raise CellProblem(VALUE, N_("'{value}' is not a language tag (such as es, qu, en)"), value=lang)
    if "es" not in langs:
        raise CellProblem(VALUE, N_("Spanish (es) must be one of the languages"))
    return list(dict.fromkeys(langs))


def _created(cell: object) -> str:
    if isinstance(cell, datetime):
        return format_created(cell)
    if isinstance(cell, date):
        return f"{cell.isoformat()}T00:00:00Z"
    raw = cells.text(cell, VALUE)
    if raw is None:
        return ""
    try:
        if parse_created(raw) is not None:
            return raw
        return f"{date.fromisoformat(raw).isoformat()}T00:00:00Z" if len(raw) == 10 else _bad(raw)
    except ValueError:
        return _bad(raw)


def _bad(raw: str) -> str:
    raise CellProblem(VALUE, N_("'{value}' is not a date (YYYY-MM-DD)"), value=raw)
