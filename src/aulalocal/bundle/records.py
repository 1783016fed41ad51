"""Record operations (spec sections 4 and 5): parsing and validation.

Every record, from a USB bundle or from the seed folder, passes through
``parse_operation`` before the database is touched.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from aulalocal.bundle.strictjson import loads
from aulalocal.errors import N_, BundleError

KINDS = ("program", "safety_guide", "year_focus", "organization", "resource", "legal_reference")
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,127}")
SHA256_RE = re.compile(r"[0-9a-f]{64}")
LANG_RE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
COUNTRY_RE = re.compile(r"[A-Z]{2}")
# Tags that match LANG_RE, spared the regex: nearly every text has them.
_USUAL_LANGS = frozenset(("es", "qu", "en"))
# One encoder for every record: json.dumps with options makes a new one at each call.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Operation:
    op: str  # "upsert" or "delete"
    kind: str
    id: str
    data: dict | None = None

    @cached_property
    def data_json(self) -> str:
        """``data`` as canonical JSON (keys sorted): stored as it is, and hashed."""
        return _CANONICAL.encode(self.data)

    @property
    def data_sha256(self) -> str:
        return hashlib.sha256(self.data_json.encode("utf-8")).hexdigest()


class _Invalid(Exception):
    """A field problem; ``parse_operation`` turns it into a BundleError."""

    def __init__(self, field: str, template: str) -> None:
        super().__init__(field)
        self.field = field
        self.template = template


_WRONG_TYPE = N_("wrong type")


def _localized(value, field: str, required_es: bool = True) -> None:
    if not isinstance(value, dict):
        raise _Invalid(field, _WRONG_TYPE)
    for lang, text in value.items():
        if not isinstance(text, str) or (lang not in _USUAL_LANGS and not LANG_RE.fullmatch(lang)):
            raise _Invalid(field, _WRONG_TYPE)
    if required_es and not value.get("es"):
        raise _Invalid(field, N_("Spanish text ('es') is missing"))


def _string_list(value, field: str, pattern: re.Pattern | None = None, allowed=None) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Invalid(field, _WRONG_TYPE)
    for v in value:
        if pattern is not None and not pattern.fullmatch(v):
            raise _Invalid(field, N_("value not allowed"))
        if allowed is not None and v not in allowed:
            raise _Invalid(field, N_("value not allowed"))


def _integer(value, field: str, low: int | None = None, high: int | None = None) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Invalid(field, _WRONG_TYPE)
    if (low is not None and value < low) or (high is not None and value > high):
        raise _Invalid(field, N_("value not allowed"))


def _string(value, field: str, allowed=None) -> None:
    if not isinstance(value, str):
        raise _Invalid(field, _WRONG_TYPE)
    if allowed is not None and value not in allowed:
        raise _Invalid(field, N_("value not allowed"))


def _links(value, field: str) -> None:
    if not isinstance(value, list):
        raise _Invalid(field, _WRONG_TYPE)
    for link in value:
        if not isinstance(link, dict) or not isinstance(link.get("url"), str):
            raise _Invalid(field, _WRONG_TYPE)
        _localized(link.get("label"), f"{field}.label")


def _date(value, field: str) -> None:
    if not isinstance(value, str):
        raise _Invalid(field, _WRONG_TYPE)
    try:
        date.fromisoformat(value)
    except ValueError:
        raise _Invalid(field, N_("not a date (YYYY-MM-DD)")) from None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise _Invalid(field, N_("not a date (YYYY-MM-DD)"))


def _practice(value, field: str) -> None:
    if not isinstance(value, dict):
        raise _Invalid(field, _WRONG_TYPE)
    for key in ("equity", "systematisation", "replicability"):
        if key in value:
            _localized(value[key], f"{field}.{key}")


def _ids(value, field: str) -> None:
    _string_list(value, field, pattern=ID_RE)


def _localized_list(value, field: str) -> None:
    if not isinstance(value, list):
        raise _Invalid(field, _WRONG_TYPE)
    for i, item in enumerate(value):
        _localized(item, f"{field}[{i}]")


def _enum_list(*allowed: str):
    return lambda value, field: _string_list(value, field, allowed=allowed)


def _enum(*allowed: str):
    return lambda value, field: _string(value, field, allowed=allowed)


COMMON_FIELDS = {
    "title": _localized,
    "summary": _localized,
    "body": _localized,
    "tags": _string_list,
    "links": _links,
    "media": lambda value, field: _string_list(value, field, pattern=SHA256_RE),
    "updated": _date,
}

KIND_FIELDS = {
    "program": {
        "organization_ids": _ids,
        "countries": lambda value, field: _string_list(value, field, pattern=COUNTRY_RE),
        "regions": _string_list,
        "settings": _enum_list("rural", "urban", "peri-urban"),
        "levels": _enum_list("early", "primary", "secondary", "adult", "teacher"),
        "year_start": _integer,
        "year_end": _integer,
        "practice": _practice,
        "evidence": _localized,
    },
    "safety_guide": {
        "audience": _enum_list("teacher", "parent", "student"),
        "topics": _enum_list(
            "safe-use", "privacy", "grooming", "cyberbullying", "sexual-exploitation", "reporting"
        ),
        "legal_reference_ids": _ids,
        "organization_ids": _ids,
    },
    "year_focus": {
        "year": lambda value, field: _integer(value, field, 1, 6),
        "focus": _localized,
        "activities": _localized_list,
        "program_ids": _ids,
    },
    "organization": {
        "kind": _enum(
            "government", "ngo", "international", "company", "network", "university", "school"
        ),
        "countries": lambda value, field: _string_list(value, field, pattern=COUNTRY_RE),
    },
    "resource": {
        "year": _integer,
        "authors": _string_list,
        "publisher": _string,
        "kind": _enum("report", "paper", "study", "chapter", "law", "other"),
    },
    "legal_reference": {
        "instrument": _string,
        "article": _string,
        "penalty": _localized,
    },
}

REQUIRED_FIELDS = {kind: ("title",) for kind in KINDS} | {"year_focus": ("title", "year", "focus")}
_CHECKS = {kind: COMMON_FIELDS | fields for kind, fields in KIND_FIELDS.items()}
_UPSERT_KEYS = frozenset(("op", "kind", "id", "data"))
_DELETE_KEYS = frozenset(("op", "kind", "id"))


def validate_data(kind: str, data: object) -> None:
    """Raise ``_Invalid`` for a record that breaks section 5; unknown fields pass."""
    if not isinstance(data, dict):
        raise _Invalid("data", _WRONG_TYPE)
    for field in REQUIRED_FIELDS[kind]:
        if field not in data:
            raise _Invalid(field, N_("required field missing"))
    checks = _CHECKS[kind]
    for field, value in data.items():
        check = checks.get(field)
        if check is not None:
            check(value, field)


def parse_operation(line: bytes, where: str, allow_delete: bool = True) -> Operation:
    """One JSON line of a records file, validated. ``where`` is "file:line"."""
    obj = loads(line, where)
    try:
        if not isinstance(obj, dict):
            raise _Invalid("", _WRONG_TYPE)
        op, kind, id_ = obj.get("op"), obj.get("kind"), obj.get("id")
        if op not in ("upsert", "delete"):
            raise _Invalid("op", N_("value not allowed"))
        allowed = _UPSERT_KEYS if op == "upsert" else _DELETE_KEYS
        if not obj.keys() <= allowed:
            raise _Invalid(sorted(obj.keys() - allowed)[0], N_("unknown key"))
        if kind not in KINDS:
            raise BundleError(
                N_("{where}: unknown record kind '{kind}'."), where=where, kind=str(kind)[:64]
            )
        if not isinstance(id_, str) or not ID_RE.fullmatch(id_):
            raise _Invalid("id", N_("value not allowed"))
        if op == "delete":
            if not allow_delete:
                raise BundleError(
                    N_("{where}: a full bundle may not delete records."), where=where
                )
            return Operation("delete", kind, id_)
        if "data" not in obj:
            raise _Invalid("data", N_("required field missing"))
        validate_data(kind, obj["data"])
    except _Invalid as problem:
        from aulalocal.i18n import gettext

        raise BundleError(
            N_("{where}: invalid record, field '{field}': {problem}."),
            where=where,
            field=problem.field,
            problem=_Translated(problem.template, gettext),
        ) from None
    return Operation("upsert", kind, id_, obj["data"])


class _Translated:
    """A message part translated when the whole message is formatted."""

    def __init__(self, template: str, gettext) -> None:
        self.template = template
        self.gettext = gettext

    def __format__(self, spec: str) -> str:
        return format(self.gettext(self.template), spec)

    def __str__(self) -> str:
        return self.gettext(self.template)
