"""Quechua words for dates and durations, shipped with the app.

CLDR (through babel) gives Spanish month names and Spanish time units for
``qu`` ("2 Diciembre 2026", "1 segundo"). These words come instead from one
established source, MediaWiki's Quechua interface (``wikimedia/mediawiki``,
``languages/i18n/qu.json``; message keys in the comments), the same source the
catalog's Quechua texts follow. See ``translations/glossary-qu.md``.
"""

from __future__ import annotations

from datetime import date

# MW "january" ... "december".
MONTHS = (
    "iniru", "phiwriru", "marsu", "awril", "mayukilla", "hunyu",
    "hulyu", "awustu", "sitimri", "uktuwri", "nuwimri", "disimri",
)

# MW "seconds" ... "years" ("$1 sikundu", "$1 p'unchaw"): one form for every
# number, as Quechua does not mark the plural after a numeral.
UNITS = {
    "year": "wata",
    "month": "killa",
    "week": "simana",
    "day": "p'unchaw",
    "hour": "ura",
    "minute": "minutu",
    "second": "sikundu",
}


def format_date(value: date) -> str:
    """"24 nuwimri 2026": day, month, year, as MediaWiki writes a date."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_duration(value: str, unit: str) -> str:
    """"12 p'unchaw" from an already formatted number and a unit name."""
    return f"{value} {UNITS[unit]}"
