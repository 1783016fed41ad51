"""Strict JSON for bundle content (spec section 3).

``json.loads`` is lenient where a bundle must not be: it keeps the last of two
equal keys, accepts ``NaN`` and ``Infinity``, turns ``1e400`` into infinity and
recurses as deep as the input goes. ``loads`` here refuses all of that, and
refuses nesting deeper than 32 levels before the parser even starts, so a
hostile 100,000-deep array costs one linear scan, not a stack.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

from aulalocal.errors import N_, BundleError

__all__ = ["MAX_DEPTH", "loads"]

# Spec section 3: "nesting deeper than 32 levels makes the bundle invalid".
# The outermost object or array is level 1.
MAX_DEPTH = 32

# A JSON string literal (unrolled loop: no backtracking blow-up on long strings).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
# \ud800-\udfff written as an escape: json would hand back a lone surrogate,
# which is not Unicode text and breaks later when stored or shown.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]|\\u[dD][c-fC-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(Exception):
    """Raised inside json's hooks; turned into a BundleError by ``loads``."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template)
        self.template = template
        self.params = params


def _pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(N_("{what} has the key \"{key}\" twice in one object."), key=key)
            seen.add(key)
    return obj


def _parse_constant(name: str) -> Any:
    raise _Refused(N_("{what} contains {value}, which JSON does not allow."), value=name)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(N_("{what} contains a number that is too large."))
    return value


# json.loads with hooks makes a new decoder at every call.
_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs_hook, parse_constant=_parse_constant, parse_float=_parse_float
)


def _too_deep(text: str) -> bool:
    """Nesting deeper than ``MAX_DEPTH`` outside string literals, found without recursion."""
    # Nesting is at most the number of opening brackets. A record has a few
    # dozen, so the scan below (most of a strict parse's time) is only for
    # texts that have more.
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    # C-level iteration: fast even for a megabyte of brackets.
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > MAX_DEPTH


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def loads(data: bytes, what: str) -> object:
    """Parse ``data`` as strict UTF-8 JSON; ``what`` names it in error messages.

    Raises ``BundleError`` for invalid UTF-8 (a byte-order mark included),
    invalid JSON, a duplicate key in any object, nesting deeper than
    ``MAX_DEPTH``, ``NaN``/``Infinity``, numbers out of range, and escaped
    lone surrogates.
    """
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        raise BundleError(N_("{what} is not valid UTF-8 text."), what=what) from None
    if _too_deep(text):
        raise BundleError(
            N_("{what} is nested deeper than {limit} levels."), what=what, limit=MAX_DEPTH
        )
    try:
        value = _DECODER.decode(text)
    except _Refused as refused:
        raise BundleError(refused.template, what=what, **refused.params) from None
    except json.JSONDecodeError as exc:
        raise BundleError(
            N_("{what} is not valid JSON (line {line}, column {column})."),
            what=what,
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except (ValueError, RecursionError):
        # ValueError: an integer with more digits than Python converts.
        raise BundleError(N_("{what} contains a number that is too large."), what=what) from None
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        raise BundleError(N_("{what} contains text that is not valid Unicode."), what=what)
    return value
