"""The record kinds: one table says what each kind is; ``catalog``, ``bundle`` and the faces derive from it.

``active()`` is the table in use: ``STANDARD``, the kinds of bundle format 1,
unless ``use()`` puts another in place (a test with a made-up kind). The core
and the CLI ask for it when they need it rather than keeping a copy; the UI
builds its sidebar from it once, at import (``ui.sections.sections_of``
builds one for any table). This package imports only ``aulalocal.errors``
and the standard library; docs/architecture.md tells where a new kind goes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aulalocal.kinds.fields import (
    COMMON_FIELDS, ID_RE, NOT_ALLOWED, WRONG_TYPE, Countries, Field, FieldType, Ids, Integer, Invalid, Links,
    Localized, LocalizedList, LocalizedParts, Strings, Text,
)
from aulalocal.kinds.standard import KINDS as _STANDARD_KINDS
from aulalocal.kinds.table import OTHER_CODE, Facet, Kind, KindTableError, Section, Table

__all__ = [
    "COMMON_FIELDS", "ID_RE", "NOT_ALLOWED", "OTHER_CODE", "STANDARD", "WRONG_TYPE", "Countries", "Facet", "Field",
    "FieldType", "Ids", "Integer", "Invalid", "Kind", "KindTableError", "Links", "Localized",
    "LocalizedList", "LocalizedParts", "Section", "Strings", "Table", "Text", "active", "use",
]

STANDARD = Table(_STANDARD_KINDS)
_active = STANDARD


def active() -> Table:
    return _active


@contextmanager
def use(table: Table) -> Iterator[Table]:
    """Make ``table`` the active one for the duration of the ``with`` block."""
    global _active
    previous, _active = _active, table
    try:
        yield table
    finally:
        _active = previous
