"""One verdict per bundle (issue 13 point 4): judged from a verified header and its key, no file needed."""

from __future__ import annotations

import pytest

from aulalocal.bundle.header import Header
from aulalocal.bundle.minisign import generate_keypair
from aulalocal.bundle.verdict import Verdict, describe, judge, refusal
from aulalocal.catalog.store import CatalogState
from aulalocal.errors import SequenceError, SignatureError

KEY, _SECRET = generate_keypair()
OTHER, _OTHER_SECRET = generate_keypair()
SHA = "a" * 64


def header(sequence: int, base: int | None = None) -> Header:
    return Header("minedu-pe", sequence, base, "2026-11-20T10:00:00Z", "Ministerio", ("es",))


def at(sequence: int, key=KEY, sha: str = SHA, whole_key: bool = True) -> CatalogState:
    """The laptop's catalog at ``sequence``, bound to ``key`` (None: the shipped catalog, bound to none)."""
    return CatalogState(
        "minedu-pe", sequence, key.key_id_hex if key else None, sha,
        public_key=key.key.hex() if key and whole_key else None,
    )


@pytest.mark.parametrize(
    ("state", "offered", "verdict"),
    [
        (None, header(1), Verdict.NEW),
        (None, header(3, base=2), Verdict.NEEDS_SEQUENCE),
        (at(2), header(3, base=2), Verdict.NEW),
        (at(2), header(5), Verdict.NEW),  # a full bundle over any lower sequence
        (at(2), header(4, base=3), Verdict.NEEDS_SEQUENCE),
        (at(2), header(2), Verdict.APPLIED),
        (at(2, sha="b" * 64), header(2), Verdict.REUSED_SEQUENCE),
        (at(3), header(2), Verdict.OLDER),
    ],
)
def test_the_sequence_rules(state, offered, verdict):
    assert judge(state, offered, SHA, KEY) is verdict
    assert judge(state, offered, lambda: SHA) is verdict  # a SHA-256 computed on demand


def test_the_key_comes_first():
    assert judge(at(2, key=OTHER), header(3, base=2), SHA, KEY) is Verdict.OTHER_KEY
    assert judge(at(2, key=OTHER, whole_key=False), header(3, base=2), SHA, KEY) is Verdict.OTHER_KEY
    assert judge(at(2, whole_key=False), header(3, base=2), SHA, KEY) is Verdict.NEW  # pinned by id, same key
    assert judge(at(3, key=None), header(4), SHA, KEY) is Verdict.OTHER_KEY  # no bundle replaces the shipped catalog
    assert judge(at(2, key=OTHER), header(3, base=2), SHA) is Verdict.NEW  # no key given: the pin is not looked at


def test_the_file_is_hashed_only_for_the_laptops_own_sequence():
    def never() -> str:
        raise AssertionError("hashed for nothing")

    assert judge(at(2), header(3), never, KEY) is Verdict.NEW
    assert judge(at(3), header(2), never, KEY) is Verdict.OLDER


def test_scan_states_keep_their_names_and_the_finer_verdicts_read_as_invalid():
    assert {v: v.scan_state for v in Verdict} == {
        Verdict.NEW: "new", Verdict.APPLIED: "applied", Verdict.OLDER: "older",
        Verdict.NEEDS_SEQUENCE: "needs-sequence", Verdict.REUSED_SEQUENCE: "invalid",
        Verdict.OTHER_KEY: "invalid", Verdict.UNTRUSTED: "untrusted", Verdict.UNSIGNED: "unsigned",
        Verdict.INVALID: "invalid",
    }
    assert {v for v in Verdict if v.can_apply} == {Verdict.NEW, Verdict.UNTRUSTED}
    assert {v for v in Verdict if v.nothing_to_do} == {Verdict.APPLIED, Verdict.OLDER}
    assert Verdict.of_scan_state("needs-sequence") is Verdict.NEEDS_SEQUENCE


def test_words_and_refusals():
    assert describe(Verdict.NEEDS_SEQUENCE, header(4, base=3), at(2)) == "Needs sequence 3 first; this laptop has 2."
    assert describe(Verdict.OTHER_KEY) == "Signed by a key other than this catalog's."
    for verdict in (Verdict.NEW, Verdict.APPLIED):
        assert refusal(verdict, at(2), header(3)) is None
    older = refusal(Verdict.OLDER, at(3), header(2))
    assert isinstance(older, SequenceError) and older.exit_code == 5 and "(sequence 3)" in older.message()
    needs = refusal(Verdict.NEEDS_SEQUENCE, at(2), header(4, base=3))
    assert "needs catalog minedu-pe at sequence 3, but this laptop has sequence 2" in needs.message()
    assert isinstance(refusal(Verdict.REUSED_SEQUENCE, at(2, sha="b" * 64), header(2)), SequenceError)
    wrong_key = refusal(Verdict.OTHER_KEY, at(2, key=OTHER), header(3), KEY)
    assert isinstance(wrong_key, SignatureError) and wrong_key.exit_code == 3
