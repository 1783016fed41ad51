"""One cell's value, as the readers give it, made into what a field holds.

Readers (``xlsx``, ``ods``, ``csvfiles``) give plain Python values: ``None``
for an empty cell, ``str``, ``int``, ``float``, ``bool``, ``date`` or
``datetime``, and ``Formula`` or ``ErrorValue`` for what a spreadsheet
program computes. Formulas are never evaluated, and their last computed
value is not used either: a cell holds what the publisher typed, or it is
refused. Text starting with "=" typed as text (Excel and LibreOffice: start
it with an apostrophe) is text.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

from aulalocal.errors import N_

# A spreadsheet cell holds at most this many characters (Excel's limit):
# longer text cannot come from a spreadsheet program, and is refused.
MAX_CELL_CHARS = 32_767


class Formula(str):
    """A formula cell: its formula, never evaluated."""


class ErrorValue(str):
    """A cell showing a spreadsheet error such as #N/A or #REF!."""


class CellProblem(Exception):
    """What is wrong with one cell (or one column of a row); the reader adds the sheet and row."""

    def __init__(self, column: str, template: str, **params: object) -> None:
        super().__init__(template)
        self.column = column
        self.template = template
        self.params = params


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not isinstance(value, (Formula, ErrorValue)) and not value.strip())


def check_computed(value: object, column: str) -> None:
    if isinstance(value, Formula):
        raise CellProblem(
            column,
            N_("the cell holds a formula ({formula}); formulas are not calculated: type the value itself"),
            formula=value,
        )
    if isinstance(value, ErrorValue):
        raise CellProblem(column, N_("the cell shows an error ({value}): type the value itself"), value=value)


def text(value: object, column: str) -> str | None:
    """The cell as text (None when empty): numbers as written without '.0', dates as YYYY-MM-DD."""
    check_computed(value, column)
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellProblem(column, N_("a yes/no value ({value}) where text was expected"), value=str(value).upper())
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value, column)
    if isinstance(value, datetime):
        return _date_of_datetime(value, column)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (time, timedelta)):
        raise CellProblem(column, N_("a time of day where text was expected"))
    if not isinstance(value, str):
        raise CellProblem(column, N_("a value of an unknown type"))
    if len(value) > MAX_CELL_CHARS:
        raise CellProblem(column, N_("the cell holds more than {limit} characters"), limit=MAX_CELL_CHARS)
    cleaned = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return cleaned or None


def identifier(value: object, column: str) -> str | None:
    """An id: typed as text. A number lost its leading zeros ("0012" became 12), so it is refused."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellProblem(
            column,
            N_("the id was typed as a number ({value}); format the column as text and type it again"),
            value=_number_text(value, column),
        )
    return text(value, column)


def integer(value: object, column: str) -> int | None:
    """A whole number: a number cell (2008 or 2008.0) or digits typed as text."""
    check_computed(value, column)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellProblem(column, N_("a yes/no value ({value}) where a whole number was expected"), value=str(value).upper())
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        digits = value.strip()
        sign = digits[:1] if digits[:1] in "+-" else ""
        if digits[len(sign):].isdigit() and digits[len(sign):].isascii() and len(digits) <= 19:
            return int(digits)
    shown = _number_text(value, column) if isinstance(value, float) else str(value)
    raise CellProblem(column, N_("'{value}' is not a whole number"), value=shown)


def day(value: object, column: str) -> str | None:
    """A date as YYYY-MM-DD: a date cell, or the text typed that way (checked by the field's type)."""
    check_computed(value, column)
    if isinstance(value, datetime):
        return _date_of_datetime(value, column)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellProblem(column, N_("a number where a date (YYYY-MM-DD) was expected"))
    return text(value, column)


def _date_of_datetime(value: datetime, column: str) -> str:
    if value.time() != time(0, 0):
        raise CellProblem(column, N_("a date with a time of day ({value}); write the date only"), value=value.isoformat(sep=" "))
    return value.date().isoformat()


def _number_text(value: float | int, column: str) -> str:
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise CellProblem(column, N_("'{value}' is not a number a catalog can hold"), value=str(value))
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
