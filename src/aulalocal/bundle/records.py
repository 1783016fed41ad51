"""Record operations (spec sections 4 and 5): parsing and validation.

Every record, from a USB bundle or from the seed folder, passes through
``parse_operation`` before the database is touched.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

from aulalocal import kinds
from aulalocal.bundle.strictjson import loads
from aulalocal.errors import N_, BundleError, Phrase
from aulalocal.kinds import ID_RE, NOT_ALLOWED, WRONG_TYPE, Invalid

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


_UPSERT_KEYS = frozenset(("op", "kind", "id", "data"))
_DELETE_KEYS = frozenset(("op", "kind", "id"))


def validate_data(kind: kinds.Kind, data: object) -> None:
    """Raise ``Invalid`` for a record that breaks section 5; unknown fields pass."""
    if not isinstance(data, dict):
        raise Invalid("data", WRONG_TYPE)
    for field in kind.required:
        if field not in data:
            raise Invalid(field, N_("required field missing"))
    checks = kind.checks
    for field, value in data.items():
        check = checks.get(field)
        if check is not None:
            check.check(value, field)


def parse_operation(line: bytes, where: str, allow_delete: bool = True) -> Operation:
    """One JSON line of a records file, validated. ``where`` is "file:line"."""
    obj = loads(line, where)
    try:
        if not isinstance(obj, dict):
            raise Invalid("", WRONG_TYPE)
        op, kind, id_ = obj.get("op"), obj.get("kind"), obj.get("id")
        if op not in ("upsert", "delete"):
            raise Invalid("op", NOT_ALLOWED)
        allowed = _UPSERT_KEYS if op == "upsert" else _DELETE_KEYS
        if not obj.keys() <= allowed:
            raise Invalid(sorted(obj.keys() - allowed)[0], N_("unknown key"))
        known = kinds.active().get(kind) if isinstance(kind, str) else None
        if known is None:
            raise BundleError(
                N_("{where}: unknown record kind '{kind}'."), where=where, kind=str(kind)[:64]
            )
        if not isinstance(id_, str) or not ID_RE.fullmatch(id_):
            raise Invalid("id", NOT_ALLOWED)
        if op == "delete":
            if not allow_delete:
                raise BundleError(
                    N_("{where}: a full bundle may not delete records."), where=where
                )
            return Operation("delete", kind, id_)
        if "data" not in obj:
            raise Invalid("data", N_("required field missing"))
        validate_data(known, obj["data"])
    except Invalid as problem:
        raise BundleError(
            N_("{where}: invalid record, field '{field}': {problem}."),
            where=where,
            field=problem.field,
            problem=Phrase(problem.template),
        ) from None
    return Operation("upsert", kind, id_, obj["data"])

