"""Field types of record data (spec section 5): how a value is checked, and what of it is text.

A type's ``texts`` are the localized texts in a value and its ``words`` the
plain values (names, codes, years): what search indexes and the detail view
reads. Both are given only validated data, but stay quiet on anything else:
a database written by a newer version is read with them too.
"""

from __future__ import annotations

import re
from datetime import date

from aulalocal.errors import N_

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,127}")
SHA256_RE = re.compile(r"[0-9a-f]{64}")
LANG_RE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
COUNTRY_RE = re.compile(r"[A-Z]{2}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Tags that match LANG_RE, spared the regex: nearly every text has them.
_USUAL_LANGS = frozenset(("es", "qu", "en"))

WRONG_TYPE = N_("wrong type")
NOT_ALLOWED = N_("value not allowed")


class Invalid(Exception):
    """A field problem: the field's name and an untranslated template saying what is wrong."""

    def __init__(self, field: str, template: str) -> None:
        super().__init__(field)
        self.field = field
        self.template = template


def check_localized(value, field: str) -> None:
    """A localized text: language tag -> string, Spanish required."""
    if not isinstance(value, dict):
        raise Invalid(field, WRONG_TYPE)
    for lang, text in value.items():
        if not isinstance(text, str) or (lang not in _USUAL_LANGS and not LANG_RE.fullmatch(lang)):
            raise Invalid(field, WRONG_TYPE)
    if not value.get("es"):
        raise Invalid(field, N_("Spanish text ('es') is missing"))


class FieldType:
    def check(self, value, field: str) -> None:
        """Raise ``Invalid`` naming ``field`` when ``value`` breaks the format."""
        raise NotImplementedError

    def texts(self, value) -> list[dict]:
        return [text for _path, text in self.texts_at(value, "")]

    def texts_at(self, value, field: str) -> list[tuple[str, dict]]:
        """(path, localized text) inside ``value``: ``field``, ``field[2]``, ``field.equity``, ``field[0].label``."""
        return []

    def words(self, value) -> list[str]:
        return []


class Localized(FieldType):
    def check(self, value, field: str) -> None:
        check_localized(value, field)

    def texts_at(self, value, field: str) -> list[tuple[str, dict]]:
        return [(field, value)] if isinstance(value, dict) else []


class LocalizedList(FieldType):
    def check(self, value, field: str) -> None:
        if not isinstance(value, list):
            raise Invalid(field, WRONG_TYPE)
        for i, item in enumerate(value):
            check_localized(item, f"{field}[{i}]")

    def texts_at(self, value, field: str) -> list[tuple[str, dict]]:
        if not isinstance(value, list):
            return []
        return [(f"{field}[{i}]", item) for i, item in enumerate(value) if isinstance(item, dict)]


class LocalizedParts(FieldType):
    """An object of optional localized texts, each read under its own heading (a practice's)."""

    def __init__(self, parts: dict[str, str]) -> None:
        self.parts = parts  # key -> heading (msgid)

    def check(self, value, field: str) -> None:
        if not isinstance(value, dict):
            raise Invalid(field, WRONG_TYPE)
        for key in self.parts:
            if key in value:
                check_localized(value[key], f"{field}.{key}")

    def texts_at(self, value, field: str) -> list[tuple[str, dict]]:
        if not isinstance(value, dict):
            return []
        return [(f"{field}.{key}", value[key]) for key in self.parts if isinstance(value.get(key), dict)]


class Links(FieldType):
    """``[{"label": localized, "url": string}]``: shown, never opened without a click."""

    def check(self, value, field: str) -> None:
        if not isinstance(value, list):
            raise Invalid(field, WRONG_TYPE)
        for link in value:
            if not isinstance(link, dict) or not isinstance(link.get("url"), str):
                raise Invalid(field, WRONG_TYPE)
            check_localized(link.get("label"), f"{field}.label")

    def texts_at(self, value, field: str) -> list[tuple[str, dict]]:
        if not isinstance(value, list):
            return []
        return [
            (f"{field}[{i}].label", link["label"])
            for i, link in enumerate(value)
            if isinstance(link, dict) and isinstance(link.get("label"), dict)
        ]


class Strings(FieldType):
    """A list of strings, each matching ``pattern`` or one of ``allowed`` when given."""

    def __init__(self, pattern: re.Pattern | None = None, allowed: tuple[str, ...] = ()) -> None:
        self.pattern = pattern
        self.allowed = allowed

    def check(self, value, field: str) -> None:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid(field, WRONG_TYPE)
        for v in value:
            if self.pattern is not None and not self.pattern.fullmatch(v):
                raise Invalid(field, NOT_ALLOWED)
            if self.allowed and v not in self.allowed:
                raise Invalid(field, NOT_ALLOWED)

    def words(self, value) -> list[str]:
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class Countries(Strings):
    """ISO 3166 country codes ("PE"), stored as codes and shown by their names ("Perú")."""

    def __init__(self) -> None:
        super().__init__(pattern=COUNTRY_RE)


class Ids(Strings):
    """Ids of records of another kind: a relation. A missing record is shown as unavailable."""

    def __init__(self, kind: str) -> None:
        super().__init__(pattern=ID_RE)
        self.kind = kind


class Text(FieldType):
    """One string, one of ``allowed`` when given."""

    def __init__(self, allowed: tuple[str, ...] = ()) -> None:
        self.allowed = allowed

    def check(self, value, field: str) -> None:
        if not isinstance(value, str):
            raise Invalid(field, WRONG_TYPE)
        if self.allowed and value not in self.allowed:
            raise Invalid(field, NOT_ALLOWED)

    def words(self, value) -> list[str]:
        return [value] if isinstance(value, str) else []


class Integer(FieldType):
    def __init__(self, low: int | None = None, high: int | None = None) -> None:
        self.low = low
        self.high = high

    def check(self, value, field: str) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid(field, WRONG_TYPE)
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise Invalid(field, NOT_ALLOWED)

    def words(self, value) -> list[str]:
        return [str(value)] if isinstance(value, int) else []


class Date(FieldType):
    """``YYYY-MM-DD``."""

    def check(self, value, field: str) -> None:
        if not isinstance(value, str):
            raise Invalid(field, WRONG_TYPE)
        try:
            date.fromisoformat(value)
        except ValueError:
            raise Invalid(field, N_("not a date (YYYY-MM-DD)")) from None
        if not _DATE_RE.fullmatch(value):
            raise Invalid(field, N_("not a date (YYYY-MM-DD)"))


class Field:
    """One field of a kind's record data.

    ``search``: its texts and words are indexed for search (the title always is).
    ``label``: how the detail view names it (a msgid): a heading for a text, a
    line under "Details" for a plain value; a field without one is not shown
    there on its own (ids, media, dates, enumerations used only to filter).
    ``lead``: read before the body, as what the record is about (a year focus's focus).
    """

    # A plain class, as the others of this package: they are made at every
    # start, and a dataclass costs about a millisecond to define.
    __slots__ = ("name", "type", "required", "search", "label", "lead")

    def __init__(
        self, name: str, type: FieldType, *, required: bool = False, search: bool = False,
        label: str = "", lead: bool = False,
    ) -> None:
        self.name = name
        self.type = type
        self.required = required
        self.search = search
        self.label = label
        self.lead = lead

    def __repr__(self) -> str:
        return f"Field({self.name!r}, {type(self.type).__name__})"


# Every kind has these (spec section 5), in this reading order, its own fields
# going in after ``summary`` (the lead ones) and after ``tags`` (the others).
TITLE = Field("title", Localized(), required=True)
SUMMARY = Field("summary", Localized(), search=True, label=N_("Summary"))
BODY = Field("body", Localized(), search=True, label=N_("Description"))
TAGS = Field("tags", Strings(), search=True)
LINKS = Field("links", Links(), search=True, label=N_("Links (no internet needed to read this; open only when connected)"))
MEDIA = Field("media", Strings(pattern=SHA256_RE))
UPDATED = Field("updated", Date())
COMMON_FIELDS = (TITLE, SUMMARY, BODY, TAGS, LINKS, MEDIA, UPDATED)
