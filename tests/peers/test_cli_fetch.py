"""``aulalocal bundle fetch ADDRESS`` and ``aulalocal peers``: the exit codes of ``bundle apply`` (spec section 7)."""

from __future__ import annotations

import json

from aulalocal import cli
from aulalocal.bundle import trust
from aulalocal.startup import open_data_folder
from tests.peers.conftest import handler, http_peer, offer_files, snapshot, staging_is_empty, with_bundle


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_fetch_applies_then_is_up_to_date(giver, taker, capsys):
    taker.close()
    code, out, err = run(capsys, "--data-dir", str(taker.path), "bundle", "fetch", str(giver.address))
    assert code == 0, err
    assert out.count("Applied catalog minedu-pe") == 2
    code, out, err = run(capsys, "--data-dir", str(taker.path), "bundle", "fetch", f"http://{giver.address}/")
    assert code == 0 and "Already up to date" in out
    code, out, _err = run(capsys, "--data-dir", str(taker.path), "catalog", "status", "--json")
    assert [c["sequence"] for c in json.loads(out)["catalogs"] if c["catalog"] == "minedu-pe"] == [2]


def opened_once(capsys, folder) -> dict:
    """The folder's bytes once a command has opened it (the first open writes its own set-up)."""
    folder.close()
    assert run(capsys, "--data-dir", str(folder.path), "catalog", "status")[0] == 0
    return snapshot(folder.path)


def test_fetch_verify_only_changes_nothing(giver, taker, capsys):
    before = opened_once(capsys, taker)
    code, out, err = run(capsys, "--data-dir", str(taker.path), "bundle", "fetch", str(giver.address), "--verify-only", "--json")
    assert code == 0, err
    assert [(r["sequence"], r["base_sequence"]) for r in json.loads(out)] == [(1, None), (2, 1)]
    assert snapshot(taker.path) == before and staging_is_empty(taker.path)


def test_fetch_from_an_unknown_publisher_is_3_unless_its_fingerprint_is_given(giver, stranger, capsys):
    before = opened_once(capsys, stranger)
    code, _out, err = run(capsys, "--data-dir", str(stranger.path), "bundle", "fetch", str(giver.address))
    assert code == 3 and err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert snapshot(stranger.path) == before
    wrong = "0000 " * 8
    code, _out, err = run(capsys, "--data-dir", str(stranger.path), "bundle", "fetch", str(giver.address), "--trust", wrong)
    assert code == 3 and snapshot(stranger.path) == before
    typed = giver.publisher.public.fingerprint.replace(" ", "").lower()  # as a person may type it
    code, out, err = run(capsys, "--data-dir", str(stranger.path), "bundle", "fetch", str(giver.address), "--trust", typed)
    assert code == 0, err
    folder = open_data_folder(stranger.path, load_seed=False)
    try:
        assert trust.trust_store(folder.keys_dir).with_id(giver.publisher.public.key_id_hex) is not None
    finally:
        folder.close()


def test_fetch_exit_codes(giver_template, taker, capsys, tmp_path):
    taker.close()
    index, files = offer_files(giver_template.path)
    # 5: a delta over a sequence this laptop lacks, and nothing else.
    only_delta = {**index, "updates": index["updates"][1:]}
    with http_peer(handler(only_delta, files)) as address:
        code, _out, err = run(capsys, "--data-dir", str(taker.path), "bundle", "fetch", str(address))
    assert code == 5 and "sequence 1" in err
    # 4: signed by the publisher, but not a bundle.
    junk = tmp_path / "junk.aulabundle"
    junk.write_bytes(b"PK\x03\x04" + b"\0" * 500)
    signed = with_bundle(index, files, 0, junk.read_bytes(), giver_template.publisher.sign(junk).read_bytes())
    with http_peer(handler(*signed)) as address:
        code, _out, err = run(capsys, "--data-dir", str(taker.path), "bundle", "fetch", str(address))
    assert code == 4 and err.startswith("error: ") and err.count("\n") == 1
    # 1: a broken peer.
    with http_peer(handler(index, files, index_bytes=b"<html></html>")) as address:
        code, _out, err = run(capsys, "--data-dir", str(taker.path), "bundle", "fetch", str(address))
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1
    # 2: not an address.
    for text in ("ftp://192.168.1.20/", "user@192.168.1.20:8080", "192.168.1.20:99999", "", "http://x:8080/other"):
        code, _out, err = run(capsys, "--data-dir", str(taker.path), "bundle", "fetch", text)
        assert code == 2 and err.startswith("error: "), text
    assert staging_is_empty(taker.path)


def test_peers_lists_typed_addresses_with_their_verdicts(giver, taker, capsys):
    taker.close()
    code, out, err = run(capsys, "--data-dir", str(taker.path), "peers", "--seconds", "0", str(giver.address), "--json")
    assert code == 0, err
    [peer] = json.loads(out)
    assert peer["address"] == str(giver.address)
    assert [(u["sequence"], u["state"]) for u in peer["updates"]] == [(1, "new"), (2, "new")]
    code, out, err = run(capsys, "--data-dir", str(taker.path), "peers", "--seconds", "0", str(giver.address))
    assert code == 0 and "2 updates new for this laptop" in out and giver.publisher.public.fingerprint in out
    code, out, err = run(capsys, "--data-dir", str(taker.path), "peers", "--seconds", "0", "127.0.0.1:1")
    assert code == 0 and "127.0.0.1:1:" in out  # a peer that does not answer is listed with why
    code, out, err = run(capsys, "--data-dir", str(taker.path), "peers", "--seconds", "0", "127.0.0.1:1", "--json")
    [gone] = json.loads(out)
    assert (gone["name"], gone["address"], gone["updates"]) == ("", "127.0.0.1:1", []) and "127.0.0.1:1" in gone["error"]
    code, out, err = run(capsys, "--data-dir", str(taker.path), "peers", "--seconds", "0")
    assert code == 0 and "No other AulaLocal computer" in out
