"""Sheet names: written in the publisher's language, recognized in any of the app's languages.

A kind's sheet is named by its plural in ``kinds`` ("Programas"); the first
sheet holds the catalog header ("Catálogo") and the last the values of the
drop-down lists ("Listas"). Reading, a name matches whatever its letter case,
accents and spaces, in Spanish, Quechua or English, or as the kind's own name
(``program``); a CSV file is named the same way (``program.csv``,
``Programas.csv``). A sheet whose name starts with "#" is a publisher's notes
and is not read.
"""

from __future__ import annotations

import re
import unicodedata

from aulalocal import i18n, kinds
from aulalocal.errors import N_

HEADER = "catalog"
LISTS = "lists"
HEADER_NAME = N_("Catalog")
LISTS_NAME = N_("Lists")
# Excel's rules for a sheet's name: at most 31 characters, none of these.
MAX_NAME = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_APOSTROPHES = "'’ʼ´`"


def _clean(name: str) -> str:
    name = _FORBIDDEN.sub(" ", name).strip().strip(_APOSTROPHES).strip()
    return name[:MAX_NAME].rstrip()


def sheet_name(kind_name: str) -> str:
    """A kind's sheet name in the current language."""
    kind = kinds.active().get(kind_name)
    return _clean(i18n.gettext(kind.plural)) if kind else kind_name


def header_name() -> str:
    return _clean(i18n.gettext(HEADER_NAME))


def lists_name() -> str:
    return _clean(i18n.gettext(LISTS_NAME))


def normalized(name: str) -> str:
    """A name as compared: no case, accents, apostrophes, extra spaces or '_'."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c) and c not in _APOSTROPHES)
    return " ".join(letters.replace("_", " ").split())


def _names() -> dict[str, str]:
    """Normalized name -> what the sheet holds: a kind's name, HEADER or LISTS."""
    table: dict[str, str] = {}

    def add(role: str, *msgids: str) -> None:
        table[normalized(role)] = role
        for msgid in msgids:
            for lang in i18n.LANGUAGES:
                table.setdefault(normalized(_clean(i18n.gettext_in(lang, msgid))), role)

    add(HEADER, HEADER_NAME)
    add(LISTS, LISTS_NAME)
    for kind in kinds.active().values():
        add(kind.name, kind.plural, kind.label)
    return table


def recognize(name: str) -> str | None:
    """What a sheet (or CSV file) named ``name`` holds: a kind's name, HEADER, LISTS; None if nothing known."""
    return _names().get(normalized(name))


def is_note(name: str) -> bool:
    return name.lstrip().startswith("#")
