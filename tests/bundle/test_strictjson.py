"""Strict JSON: what json.loads lets through and a bundle must not."""

from __future__ import annotations

import time

import pytest

from aulalocal.bundle.strictjson import MAX_DEPTH, loads
from aulalocal.errors import BundleError


def test_parses_plain_json():
    assert loads(b'{"a": [1, 2.5, "x", true, null], "b": {"c": "\\u00e9"}}', "m") == {
        "a": [1, 2.5, "x", True, None],
        "b": {"c": "é"},
    }


def test_accepts_utf8_text_and_escaped_astral_characters():
    assert loads('{"t": "Wasiypi yachani ñ"}'.encode(), "m") == {"t": "Wasiypi yachani ñ"}
    assert loads(b'"\\ud83d\\ude00"', "m") == "\U0001F600"


def test_error_names_what_was_read():
    with pytest.raises(BundleError) as err:
        loads(b"{", "records/0001.jsonl line 3")
    assert "records/0001.jsonl line 3" in str(err.value)
    assert err.value.exit_code == 4


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe{}", b'{"a": "\xc3"}', b'"\xed\xa0\x80"', b"\xef\xbb\xbf{}"],
    ids=["utf16-bom", "truncated-sequence", "encoded-surrogate", "utf8-bom"],
)
def test_refuses_invalid_utf8_and_bom(data):
    with pytest.raises(BundleError):
        loads(data, "m")


@pytest.mark.parametrize(
    "data",
    [b'{"a": 1, "a": 2}', b'{"a": {"b": 1, "b": 1}}', b'[{"x": 0}, {"k": 1, "k": 1}]'],
)
def test_refuses_duplicate_keys_at_any_level(data):
    with pytest.raises(BundleError) as err:
        loads(data, "m")
    assert "twice" in str(err.value)


def test_same_key_in_different_objects_is_fine():
    assert loads(b'[{"k": 1}, {"k": 2}]', "m") == [{"k": 1}, {"k": 2}]


def test_depth_limit_is_exactly_32_levels():
    ok = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert MAX_DEPTH == 32
    loads(ok, "m")
    too_deep = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    with pytest.raises(BundleError) as err:
        loads(too_deep, "m")
    assert "32" in str(err.value)


def test_depth_counts_objects_and_arrays_together():
    data = b'{"a":' * 20 + b"[" * 13 + b"]" * 13 + b"}" * 20
    with pytest.raises(BundleError):
        loads(data, "m")


def test_many_brackets_side_by_side_are_not_nesting():
    data = b'{"a": [' + b", ".join([b'{"b": [1]}'] * 200) + b"]}"
    assert len(loads(data, "m")["a"]) == 200


def test_brackets_inside_strings_do_not_count():
    text = '{"a": "' + "[{" * 1000 + '\\"]]"}'
    assert loads(text.encode(), "m") == {"a": "[{" * 1000 + '"]]'}


def test_a_hundred_thousand_deep_array_is_refused_fast():
    data = b"[" * 100_000 + b"]" * 100_000
    start = time.perf_counter()
    with pytest.raises(BundleError):
        loads(data, "m")
    assert time.perf_counter() - start < 1.0


def test_unclosed_deep_array_is_refused():
    with pytest.raises(BundleError):
        loads(b"[" * 100_000, "m")


@pytest.mark.parametrize("data", [b"NaN", b"[Infinity]", b'{"x": -Infinity}', b"1e400", b"[-1e999]"])
def test_refuses_nan_and_infinity(data):
    with pytest.raises(BundleError):
        loads(data, "m")


def test_refuses_absurdly_long_integers():
    with pytest.raises(BundleError):
        loads(b"1" * 10_000, "m")


@pytest.mark.parametrize("data", [b'"\\ud800"', b'{"\\udc00": 1}', b'["ok", "\\uDBFF x"]'])
def test_refuses_lone_surrogate_escapes(data):
    with pytest.raises(BundleError):
        loads(data, "m")


@pytest.mark.parametrize("data", [b"", b"{} {}", b"{'a': 1}", b"[1,]", b"// c\n{}"])
def test_refuses_invalid_json(data):
    with pytest.raises(BundleError):
        loads(data, "m")
