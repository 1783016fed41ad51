"""Record validation (spec sections 4 and 5)."""

import json

import pytest

from aulalocal.bundle.records import parse_operation
from aulalocal.errors import BundleError


def line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


def upsert(kind="program", id_="p1", **data):
    data.setdefault("title", {"es": "Título", "qu": "Suti"})
    return line({"op": "upsert", "kind": kind, "id": id_, "data": data})


def test_valid_upsert_keeps_unknown_fields():
    op = parse_operation(upsert(future_field={"x": 1}, regions=["Cusco"]), "r.jsonl:1")
    assert (op.op, op.kind, op.id) == ("upsert", "program", "p1")
    assert op.data["future_field"] == {"x": 1}


def test_valid_delete():
    op = parse_operation(line({"op": "delete", "kind": "resource", "id": "r-1"}), "r.jsonl:2")
    assert (op.op, op.kind, op.id, op.data) == ("delete", "resource", "r-1", None)


def test_delete_refused_in_full_bundle():
    with pytest.raises(BundleError, match="full bundle"):
        parse_operation(line({"op": "delete", "kind": "resource", "id": "r"}), "x:1", allow_delete=False)


@pytest.mark.parametrize(
    "obj, needle",
    [
        ({"op": "upsert", "kind": "recipe", "id": "a", "data": {"title": {"es": "x"}}}, "unknown record kind"),
        ({"op": "upsert", "kind": "program", "id": "a", "data": {"title": {"qu": "Suti"}}}, "'title'"),
        ({"op": "upsert", "kind": "program", "id": "a", "data": {"summary": {"es": "x"}}}, "'title'"),
        ({"op": "upsert", "kind": "program", "id": "a", "data": {"title": "Título"}}, "'title'"),
        ({"op": "upsert", "kind": "program", "id": "a", "data": {"title": {"es": "x"}, "year_start": "2002"}}, "'year_start'"),
        ({"op": "upsert", "kind": "program", "id": "a", "data": {"title": {"es": "x"}, "year_start": True}}, "'year_start'"),
        ({"op": "upsert", "kind": "program", "id": "a", "data": {"title": {"es": "x"}, "settings": ["desert"]}}, "'settings'"),
        ({"op": "upsert", "kind": "program", "id": "a", "data": {"title": {"es": "x"}, "countries": ["peru"]}}, "'countries'"),
        ({"op": "upsert", "kind": "program", "id": "a", "data": {"title": {"es": "x"}, "tags": "a,b"}}, "'tags'"),
        ({"op": "upsert", "kind": "program", "id": "a", "data": {"title": {"es": "x"}, "media": ["abc"]}}, "'media'"),
        ({"op": "upsert", "kind": "program", "id": "a", "data": {"title": {"es": "x"}, "updated": "24/11/2026"}}, "'updated'"),
        ({"op": "upsert", "kind": "program", "id": "a", "data": {"title": {"es": "x"}, "links": [{"url": 5}]}}, "'links'"),
        ({"op": "upsert", "kind": "year_focus", "id": "a", "data": {"title": {"es": "x"}, "focus": {"es": "y"}}}, "'year'"),
        ({"op": "upsert", "kind": "year_focus", "id": "a", "data": {"title": {"es": "x"}, "year": 9, "focus": {"es": "y"}}}, "'year'"),
        ({"op": "upsert", "kind": "safety_guide", "id": "a", "data": {"title": {"es": "x"}, "audience": ["police"]}}, "'audience'"),
        ({"op": "upsert", "kind": "organization", "id": "a", "data": {"title": {"es": "x"}, "kind": "church"}}, "'kind'"),
        ({"op": "upsert", "kind": "legal_reference", "id": "a", "data": {"title": {"es": "x"}, "penalty": {"en": "x"}}}, "'penalty'"),
        ({"op": "upsert", "kind": "program", "id": "Bad_Id", "data": {"title": {"es": "x"}}}, "'id'"),
        ({"op": "upsert", "kind": "program", "id": "a"}, "'data'"),
        ({"op": "replace", "kind": "program", "id": "a", "data": {"title": {"es": "x"}}}, "'op'"),
        ({"op": "upsert", "kind": "program", "id": "a", "data": {"title": {"es": "x"}}, "extra": 1}, "'extra'"),
        (["not", "an", "object"], "invalid record"),
    ],
)
def test_invalid_records_are_refused_with_the_field_named(obj, needle):
    with pytest.raises(BundleError) as info:
        parse_operation(line(obj), "records/0001.jsonl:7")
    message = info.value.message()
    assert message.startswith("records/0001.jsonl:7")
    assert needle in message
    assert "\n" not in message
    assert info.value.exit_code == 4


def test_invalid_utf8_and_duplicate_keys_are_refused():
    with pytest.raises(BundleError):
        parse_operation(b'{"op": "upsert", "kind": "program", "id": "a", "data": {"title": {"es": "\xff"}}}', "x:1")
    with pytest.raises(BundleError):
        parse_operation(b'{"op": "upsert", "op": "delete", "kind": "program", "id": "a"}', "x:1")
