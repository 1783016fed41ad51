"""A catalog's header: its id, sequence, time, publisher and languages (spec section 3).

One validator for every header there is: a bundle's ``manifest.json``
(``manifest``), the ``catalog.json`` of a source folder (the seed catalog the
app ships, a publisher's folder being built: ``source``), and the catalog
sheet of a publisher's workbook (``sheets.header``, which says what is wrong
cell by cell with the same rules).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from aulalocal.bundle.entries import shown_name
from aulalocal.errors import N_, BundleError

FIELDS = ("catalog", "sequence", "base_sequence", "created", "publisher", "languages")

CATALOG_ID = re.compile(r"[a-z0-9][a-z0-9-]{2,63}")
_CREATED = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?Z"
)
CREATED_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # what a bundle built here says

# BCP 47 (RFC 5646) well-formed language tags: langtag or private use. The
# irregular grandfathered tags (i-klingon...) have no place in a school catalog.
_ALNUM = "[A-Za-z0-9]"
_BCP47 = re.compile(
    r"(?:"
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4}|[A-Za-z]{5,8})"  # language
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    rf"(?:-[0-9A-WY-Za-wy-z](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    rf"(?:-[xX](?:-{_ALNUM}{{1,8}})+)?"  # private use
    rf"|[xX](?:-{_ALNUM}{{1,8}})+"
    r")"
)
MAX_LANGUAGE_TAG = 64
MAX_PUBLISHER = 200
_MAX_INT = 2**63 - 1  # SQLite's INTEGER


@dataclass(frozen=True)
class Header:
    """A validated header."""

    catalog: str
    sequence: int
    base_sequence: Optional[int]
    created: str  # RFC 3339 UTC, as written: "2026-11-20T10:00:00Z"
    publisher: str
    languages: tuple[str, ...]

    @property
    def is_delta(self) -> bool:
        """A DELTA bundle applies only on top of ``base_sequence``."""
        return self.base_sequence is not None

    @property
    def created_at(self) -> datetime:
        """``created`` as an aware UTC datetime (fractions beyond microseconds dropped)."""
        return parse_created(self.created)  # type: ignore[return-value]


def is_int(value: object) -> bool:
    # bool is an int subclass in Python, but true is not a sequence number.
    return type(value) is int


def is_catalog_id(value: object) -> bool:
    return isinstance(value, str) and CATALOG_ID.fullmatch(value) is not None


def is_sequence(value: object) -> bool:
    return is_int(value) and 1 <= value <= _MAX_INT


def is_base_sequence(base: object, sequence: int) -> bool:
    """``null`` (a FULL bundle), or a sequence below ``sequence`` (a DELTA)."""
    return base is None or (is_int(base) and 1 <= base < sequence)


def parse_created(value: object) -> Optional[datetime]:
    """An RFC 3339 UTC timestamp (``2026-11-20T10:00:00Z``) as a datetime; None if it is not one."""
    if not isinstance(value, str):
        return None
    match = _CREATED.fullmatch(value)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                        int((fraction or "0").ljust(6, "0")[:6]), tzinfo=timezone.utc)
    except ValueError:
        return None


def format_created(when: datetime) -> str:
    """A UTC time as a bundle built here gives it."""
    return when.strftime(CREATED_FORMAT)


def is_publisher(value: object) -> bool:
    """A display name: 1 to 200 characters of text on one line, not only spaces."""
    return (isinstance(value, str) and 1 <= len(value) <= MAX_PUBLISHER and bool(value.strip())
            and all(ch.isprintable() or ch == " " for ch in value))


def is_language_tag(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_LANGUAGE_TAG and _BCP47.fullmatch(value) is not None


def check_header(obj: Mapping[str, object], file: str) -> Header:
    """The header fields of ``obj`` (``FIELDS``; other keys are the caller's), validated.

    Raises ``BundleError`` naming ``file`` and the first field that is wrong.
    """
    for key in FIELDS:
        if key not in obj:
            raise BundleError(N_("{file} lacks the field {key}."), file=file, key=key)
    catalog = obj["catalog"]
    if not is_catalog_id(catalog):
        raise BundleError(N_("{file} has an invalid catalog id."), file=file)
    sequence = obj["sequence"]
    if not is_sequence(sequence):
        raise BundleError(N_("{file} has an invalid sequence: it must be a whole number from 1."), file=file)
    base = obj["base_sequence"]
    if not is_base_sequence(base, sequence):
        raise BundleError(
            N_("{file} has an invalid base_sequence: it must be null, "
               "or a whole number of at least 1 and smaller than the sequence."),
            file=file,
        )
    created = obj["created"]
    if parse_created(created) is None:
        raise BundleError(
            N_("{file} has an invalid created time: it must look like 2026-11-20T10:00:00Z."), file=file
        )
    publisher = obj["publisher"]
    if not is_publisher(publisher):
        raise BundleError(
            N_("{file} has an invalid publisher name: it must be 1 to 200 characters of text."), file=file
        )
    languages = obj["languages"]
    if not isinstance(languages, list):
        raise BundleError(N_("{file} has an invalid list of languages."), file=file)
    for tag in languages:
        if not is_language_tag(tag):
            raise BundleError(N_("{file} has an invalid language tag {tag}."),
                              file=file, tag=shown_name(str(tag)))
    if len({tag.lower() for tag in languages}) != len(languages):
        raise BundleError(N_("{file} lists a language twice."), file=file)
    return Header(catalog, sequence, base, created, publisher, tuple(languages))
