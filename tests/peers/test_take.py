"""Taking updates from another laptop: what it offers, judged; the take, exactly as from a drive."""

from __future__ import annotations

import json

import pytest

from aulalocal.bundle import trust
from aulalocal.catalog.store import get_state
from aulalocal.errors import PeerError, SequenceError, SignatureError
from aulalocal.peers.take import read_offer, take
from tests.peers.conftest import FAST, new_publisher, snapshot, staging_is_empty


def test_an_empty_laptop_takes_the_full_bundle_and_the_delta(giver, taker):
    offer = read_offer(taker, giver.address, limits=FAST)
    assert [(u.offered.sequence, u.state) for u in offer.updates] == [(1, "new"), (2, "new")]
    phases = []
    taken = take(taker, offer, limits=FAST, progress=lambda phase, done, total: phases.append((phase, done, total)))
    assert [t.result.sequence for t in taken] == [1, 2]
    assert get_state(taker.catalog, "minedu-pe").sequence == 2
    downloads = [p for p in phases if p[0] == "download"]
    totals = sorted({total for _phase, _done, total in downloads})
    assert len(totals) == 2  # one bar per update, over its three files
    for total in totals:
        mine = [done for _phase, done, t in downloads if t == total]
        assert mine == sorted(mine) and mine[-1] == total
    assert staging_is_empty(taker.path)
    # The ledger keeps the peer's files as its own: this laptop passes them on in turn.
    kept = sorted(p.name for p in (taker.path / "bundles").glob("*.aulabundle"))
    assert kept == sorted(p.name for p in (giver.path / "bundles").glob("*.aulabundle"))
    again = read_offer(taker, giver.address, limits=FAST)
    assert [u.state for u in again.updates] == ["older", "applied"] and again.wanted == []


def test_a_laptop_at_the_full_bundle_takes_only_the_delta(giver, taker):
    from aulalocal.bundle.importer import import_bundle

    import_bundle(taker, giver.bundles[0])
    offer = read_offer(taker, giver.address, limits=FAST)
    assert [u.state for u in offer.updates] == ["applied", "new"]
    [taken] = take(taker, offer, limits=FAST)
    assert taken.result.sequence == 2 and not taken.result.up_to_date


def test_verdicts_of_older_and_needs_sequence(giver, taker, tmp_path, publisher):
    from aulalocal.bundle.importer import import_bundle
    from tests.peers.conftest import DELTA, make_bundle

    import_bundle(taker, make_bundle(tmp_path, publisher, DELTA, sequence=7))
    offer = read_offer(taker, giver.address, limits=FAST)
    assert [u.state for u in offer.updates] == ["older", "older"]
    assert offer.wanted == [] and take(taker, offer) == []


def test_a_delta_whose_base_this_laptop_lacks(giver_template, taker, tmp_path, publisher):
    """A peer that only has a delta over sequence 1 (its full bundle gone): needs sequence 1."""
    from aulalocal.peers.take import PeerOffer, judge_offer
    from tests.peers.conftest import offer_files
    from aulalocal.peers.index import parse_index
    from aulalocal.bundle.minisign import parse_public_key

    index, files = offer_files(giver_template.path)
    index["updates"] = index["updates"][1:]
    offered = parse_index(json.dumps(index).encode(), "test")
    keys = {u.key.name: parse_public_key(files[u.key.name]) for u in offered}
    offer = judge_offer(taker, PeerOffer(giver_template.address), offered, keys)
    [update] = offer.updates
    assert update.state == "needs-sequence" and "1" in update.message


def test_nothing_changes_when_the_key_is_not_trusted_and_nobody_says_yes(giver, stranger):
    before = snapshot(stranger.path)
    offer = read_offer(stranger, giver.address, limits=FAST)
    assert [u.state for u in offer.updates] == ["untrusted", "untrusted"]
    assert offer.updates[0].key.fingerprint == giver.publisher.public.fingerprint
    asked = []
    with pytest.raises(SignatureError):
        take(stranger, offer, limits=FAST, trust_unknown_key=lambda key: asked.append(key.fingerprint) or False)
    assert asked == [giver.publisher.public.fingerprint]  # the first-time question, with the fingerprint
    assert snapshot(stranger.path) == before and staging_is_empty(stranger.path)


def test_a_key_learned_from_a_peer_is_remembered_once_accepted(giver, stranger):
    offer = read_offer(stranger, giver.address, limits=FAST)
    asked = []
    taken = take(stranger, offer, limits=FAST, trust_unknown_key=lambda key: asked.append(key) or True)
    assert len(asked) == 1 and [t.result.sequence for t in taken] == [1, 2]
    assert trust.trust_store(stranger.keys_dir).with_id(giver.publisher.public.key_id_hex) is not None


def test_a_catalog_bound_to_another_key_is_refused_before_download(giver, tmp_path):
    from aulalocal.bundle.importer import import_bundle
    from aulalocal.startup import open_data_folder
    from tests.peers.conftest import make_bundle

    other = new_publisher("Otro")
    folder = open_data_folder(tmp_path / "other", load_seed=False)
    try:
        trust.add_key(folder.keys_dir, other.public)
        import_bundle(folder, make_bundle(tmp_path, other, sequence=1))
        offer = read_offer(folder, giver.address, limits=FAST)
        assert [u.state for u in offer.updates] == ["invalid", "invalid"]
        assert offer.wanted == []
    finally:
        folder.close()


def test_verify_only_downloads_checks_and_changes_nothing(giver, taker):
    before = snapshot(taker.path)
    offer = read_offer(taker, giver.address, limits=FAST)
    checked = take(taker, offer, limits=FAST, verify_only=True)
    assert [(c.result.sequence, c.result.base_sequence, c.result.up_to_date) for c in checked] == [(1, None, False), (2, 1, False)]
    assert checked[0].result.records > 60
    assert snapshot(taker.path) == before and staging_is_empty(taker.path)


def test_a_peer_that_is_not_there(taker):
    from aulalocal.peers.client import Address
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nobody listens there now
    with pytest.raises(PeerError) as info:
        read_offer(taker, Address("127.0.0.1", port), limits=FAST)
    assert "lost" in info.value.message() or "connection" in info.value.message()


def test_cancel_during_the_download_leaves_nothing(giver, taker):
    from aulalocal.errors import Cancelled

    before = snapshot(taker.path)
    offer = read_offer(taker, giver.address, limits=FAST)
    seen = []

    def progress(phase, done, total):
        seen.append(done)

    with pytest.raises(Cancelled):
        take(taker, offer, limits=FAST, progress=progress, cancel=lambda: len(seen) > 2)
    assert snapshot(taker.path) == before and staging_is_empty(taker.path)


def test_look_reads_the_laptops_found_by_name_and_the_typed_ones(giver, taker):
    from aulalocal.peers.client import Address
    from aulalocal.peers.discover import FoundPeer
    from aulalocal.peers.take import look

    asked = []

    def found(seconds, exclude=()):  # what mDNS found, injected: no network is browsed
        asked.append((seconds, tuple(exclude)))
        return [FoundPeer("AulaLocal – PC2", giver.address), FoundPeer("AulaLocal – gone", Address("127.0.0.1", 1))]

    looked = look(taker, [giver.address, Address("127.0.0.1", 2)], seconds=1, exclude=["AulaLocal – PC1"],
                  limits=FAST, browse=found)
    assert asked == [(1, ("AulaLocal – PC1",))]
    assert [(o.name, o.address, len(o.wanted)) for o in looked.offers] == [("AulaLocal – PC2", giver.address, 2)]
    assert [f.label for f in looked.failures] == ["gone (127.0.0.1:1)", "127.0.0.1:2"]
    assert looked.wanted == looked.offers


@pytest.mark.parametrize("before", ["nothing", "full", "both", "later", "other-at-1"])
def test_an_offered_update_gets_the_verdict_a_drive_with_that_bundle_gets(giver, taker, tmp_path, publisher, before):
    """The banner's words come from one function (bundle.verdict): each update offered alone, and on a drive alone.

    (Offered together, a delta after a full bundle that applies is judged as
    it will be once the full one is in: new, not "needs sequence 1".)
    """
    import shutil

    from aulalocal.bundle.importer import import_bundle
    from aulalocal.bundle.minisign import parse_public_key
    from aulalocal.bundle.scan import scan_drive
    from aulalocal.peers.index import parse_index
    from aulalocal.peers.take import PeerOffer, judge_offer
    from tests.peers.conftest import DELTA, make_bundle, offer_files

    if before in ("full", "both"):
        import_bundle(taker, giver.bundles[0])
    if before == "both":
        import_bundle(taker, giver.bundles[1])
    if before == "later":
        import_bundle(taker, make_bundle(tmp_path / "later", publisher, DELTA, sequence=7))
    if before == "other-at-1":  # this laptop's sequence 1 has other content
        import_bundle(taker, make_bundle(tmp_path / "other", publisher, DELTA, sequence=1))
    index, files = offer_files(giver.path)
    for number, bundle in enumerate(giver.bundles):
        drive = tmp_path / f"drive-{number}"
        drive.mkdir()
        for path in (bundle, bundle.with_name(bundle.name + ".minisig")):
            shutil.copy(path, drive / path.name)
        [on_drive] = scan_drive(taker, drive)
        alone = dict(index, updates=[index["updates"][number]])
        offered = parse_index(json.dumps(alone).encode(), "test")
        keys = {u.key.name: parse_public_key(files[u.key.name]) for u in offered}
        [update] = judge_offer(taker, PeerOffer(giver.address), offered, keys).updates
        assert (update.verdict, update.message) == (on_drive.verdict, on_drive.message)
