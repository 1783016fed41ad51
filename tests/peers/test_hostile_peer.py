"""A hostile or broken peer changes nothing: each gets one clear line, staging is emptied, both databases stay byte for byte.

The peers are servers written here on 127.0.0.1 (the standard library's
http.server, or raw sockets where the hostility needs bytes no server
would send); every behaviour is bounded in bytes and time.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import threading
import time

import pytest

from aulalocal.errors import AulaLocalError, BundleError, PeerError, SignatureError
from aulalocal.peers.take import read_offer, take
from tests.peers.conftest import FAST, handler, http_peer, offer_files, raw_peer, snapshot, staging_is_empty, with_bundle


@pytest.fixture(scope="module")
def real(giver_template):
    """The giver's real index and files, for peers that bend them."""
    return offer_files(giver_template.path)


def attempt(folder, address, error=AulaLocalError, limits=FAST) -> str:
    """Read the offer and take it; the error's one line. Nothing may have changed."""
    before = snapshot(folder.path)
    started = time.monotonic()
    with pytest.raises(error) as info:
        take(folder, read_offer(folder, address, limits=limits), limits=limits)
    assert time.monotonic() - started < 15
    line = info.value.message()
    assert "\n" not in line and "Traceback" not in line
    assert snapshot(folder.path) == before
    assert staging_is_empty(folder.path)
    return line


def bundle_name(index: dict, number: int = 0) -> str:
    return index["updates"][number]["bundle"]["name"]


# -- the index -------------------------------------------------------------------


def test_an_index_too_large_or_endless(taker, real):
    index, files = real
    huge = json.dumps({**index, "padding": "x" * (1024 * 1024 + 10)}).encode()
    with http_peer(handler(index, files, index_bytes=huge)) as address:
        assert "larger than" in attempt(taker, address, PeerError) or "more than" in attempt(taker, address, PeerError)

    def endless(conn, request):  # no length, never ends: cut at the limit
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            conn.sendall(b"[" * 65536)

    with raw_peer(endless) as address:
        assert "KB" in attempt(taker, address, PeerError)


def test_an_index_nested_too_deep(taker, real):
    index, files = real
    deep = b'{"format": "aulalocal-updates", "format_version": 1, "updates": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    with http_peer(handler(index, files, index_bytes=deep)) as address:
        assert "index.json" in attempt(taker, address, PeerError)


@pytest.mark.parametrize("change", [
    lambda i: i.update(format="something-else"),
    lambda i: i.update(updates={"not": "a list"}),
    lambda i: i["updates"][0].update(sequence="1"),
    lambda i: i["updates"][0].update(sequence=True),
    lambda i: i["updates"][0].update(sequence=0),
    lambda i: i["updates"][0].update(catalog="../../etc"),
    lambda i: i["updates"][0].update(base_sequence=1),  # not below its own sequence
    lambda i: i["updates"][0]["bundle"].update(size=-5),
    lambda i: i["updates"][0]["bundle"].update(size=3 * 1024**3),
    lambda i: i["updates"][0]["bundle"].update(size=1.5),
    lambda i: i["updates"][0]["bundle"].update(name="../catalog.db"),
    lambda i: i["updates"][0]["bundle"].update(sha256="Z" * 64),
    lambda i: i["updates"][0]["signature"].update(size=10**9),
    lambda i: i["updates"][0]["key"].update(name="../../keys/x.pub"),
    lambda i: i["updates"][0].update(fingerprint=None),
    lambda i: i["updates"][0].update(key_id=12),
    lambda i: i["updates"].append(copy.deepcopy(i["updates"][0])),  # one file twice
    lambda i: i["updates"].extend([1] * 2001),
    lambda i: i["updates"].__setitem__(0, "a string"),
], ids=lambda _c: "")
def test_an_index_of_the_wrong_shape(taker, real, change):
    index, files = copy.deepcopy(real[0]), real[1]
    change(index)
    with http_peer(handler(index, files)) as address:
        line = attempt(taker, address, PeerError)
    assert "cannot be used" in line


def test_an_index_of_a_newer_format(taker, real):
    index, files = copy.deepcopy(real[0]), real[1]
    index["format_version"] = 2
    with http_peer(handler(index, files)) as address:
        assert "newer version" in attempt(taker, address, PeerError)


def test_an_index_that_is_not_json_or_a_web_page(taker, real):
    index, files = real
    for body in (b"<html>Kolibri</html>", b"\xff\xfe\x00garbage", b"", b'{"format": "aulalocal-updates", "format_version": 1, "updates": [], "updates": []}'):
        with http_peer(handler(index, files, index_bytes=body)) as address:
            attempt(taker, address, PeerError)


# -- the files ---------------------------------------------------------------------


def test_sizes_that_lie(taker, real):
    index, files = real
    shorter = copy.deepcopy(index)
    shorter["updates"][0]["bundle"]["size"] -= 100  # the server sends the real, longer file
    with http_peer(handler(shorter, files)) as address:
        assert "another size" in attempt(taker, address, PeerError)
    longer = copy.deepcopy(index)
    longer["updates"][0]["bundle"]["size"] += 100
    with http_peer(handler(longer, files)) as address:
        assert "another size" in attempt(taker, address, PeerError)


def test_a_body_longer_than_announced_without_a_length(taker, real):
    index, files = real

    def longer(h, data):  # no Content-Length: the body ends when the connection closes
        h.send_response(200)
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(data + b"more bytes than announced" * 100)
        h.close_connection = True

    with http_peer(handler(index, files, longer)) as address:
        assert "another size" in attempt(taker, address, PeerError)

    def endless(h, data):
        h.send_response(200)
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(data)
        deadline = time.monotonic() + 5
        try:
            while time.monotonic() < deadline:
                h.wfile.write(b"\0" * 65536)
        except OSError:
            pass
        h.close_connection = True

    with http_peer(handler(index, files, endless)) as address:
        assert "another size" in attempt(taker, address, PeerError)


def test_a_slow_drip_is_given_up(taker, real):
    index, files = real

    def drip(h, data):
        h.send_response(200)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        try:
            for offset in range(0, min(len(data), 200)):
                h.wfile.write(data[offset:offset + 1])
                h.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    with http_peer(handler(index, files, drip)) as address:
        assert "too slow" in attempt(taker, address, PeerError)


def test_an_index_that_drips_runs_out_of_time(taker, real):
    index, files = real
    body = json.dumps(index).encode()

    def drip(conn, request):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
        for offset in range(0, len(body)):
            conn.sendall(body[offset:offset + 1])
            time.sleep(0.5)  # under the read timeout each time: only the total time stops it

    with raw_peer(drip) as address:
        assert "too long" in attempt(taker, address, PeerError, limits=dataclasses.replace(FAST, small_time=1.5))


@pytest.mark.parametrize("same_host", [True, False])
def test_redirects_are_never_followed(taker, real, same_host):
    index, files = real
    asked = []

    class Elsewhere(handler(index, files)):
        def do_GET(self):
            asked.append(self.path)
            self.plain(b"the other place")

    with http_peer(Elsewhere) as other:
        target = f"http://{other}/updates/" if not same_host else "/updates/moved/"

        def moved(h, data):
            h.send_response(302)
            h.send_header("Location", target + bundle_name(index))
            h.send_header("Content-Length", "0")
            h.end_headers()

        with http_peer(handler(index, files, moved)) as address:
            assert "does not follow" in attempt(taker, address, PeerError)
        redirect_index = b""

        def moved_index(conn, request):
            conn.sendall(b"HTTP/1.1 301 Moved\r\nLocation: " + target.encode() + b"index.json\r\nContent-Length: 0\r\n\r\n")

        with raw_peer(moved_index) as address:
            assert "does not follow" in attempt(taker, address, PeerError)
    assert asked == [] and redirect_index == b""


def test_a_tampered_bundle(taker, real):
    index, files = real
    data = bytearray(files[bundle_name(index)])
    data[len(data) // 2] ^= 0x01
    with http_peer(handler(*with_bundle(index, files, 0, bytes(data)))) as address:  # the index agrees with it
        assert "signature" in attempt(taker, address, SignatureError)


def test_a_bundle_whose_hash_is_not_the_announced_one(taker, real):
    index, files = real[0], dict(real[1])
    name = bundle_name(index)
    data = bytearray(files[name])
    data[10] ^= 0x01
    files[name] = bytes(data)
    with http_peer(handler(index, files)) as address:
        assert "SHA-256" in attempt(taker, address, PeerError)


def test_an_unsigned_or_wrongly_signed_bundle(taker, real):
    index, files = copy.deepcopy(real[0]), dict(real[1])
    sig = index["updates"][0]["signature"]["name"]
    files[sig] = b"untrusted comment: not a signature\nAAAA\n"
    index["updates"][0]["signature"].update(size=len(files[sig]), sha256=hashlib.sha256(files[sig]).hexdigest())
    with http_peer(handler(index, files)) as address:
        attempt(taker, address, SignatureError)
    # The delta's signature for the full bundle: a real signature, of another file.
    index, files = copy.deepcopy(real[0]), dict(real[1])
    other = files[index["updates"][1]["signature"]["name"]]
    files[sig] = other
    index["updates"][0]["signature"].update(size=len(other), sha256=hashlib.sha256(other).hexdigest())
    with http_peer(handler(index, files)) as address:
        assert "signature" in attempt(taker, address, SignatureError)


def test_a_key_file_that_is_not_the_announced_key(taker, real):
    from tests.peers.conftest import new_publisher

    index, files = real[0], dict(real[1])
    key = index["updates"][0]["key"]
    files[key["name"]] = new_publisher("Impostor").public.to_text().encode()
    with http_peer(handler(index, files)) as address:
        offer = read_offer(taker, address, limits=FAST)
    assert [u.state for u in offer.updates] == ["invalid", "invalid"] and offer.wanted == []


def test_not_a_bundle_at_all(taker, real, giver_template, tmp_path):
    """Junk with another file's signature, and junk signed by the publisher itself: refused as from a drive."""
    index, files = real
    junk = b"PK\x03\x04" + b"\0" * 5000
    with http_peer(handler(*with_bundle(index, files, 0, junk))) as address:
        attempt(taker, address, SignatureError)
    path = tmp_path / "junk.aulabundle"
    path.write_bytes(junk)
    signature = giver_template.publisher.sign(path).read_bytes()
    with http_peer(handler(*with_bundle(index, files, 0, junk, signature))) as address:
        attempt(taker, address, BundleError)


# -- connections that drop ----------------------------------------------------------


def ranged_server(index, files, cut: int | None, drops: list):
    """Serves ranges of the bundles (as WebOb would) but drops each answer after ``cut`` bytes of body."""

    def serve(h, data):
        start = 0
        wanted = h.headers.get("Range")
        if wanted:
            start = int(wanted.removeprefix("bytes=").rstrip("-"))
            h.send_response(206)
            h.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            h.send_response(200)
        h.send_header("Content-Length", str(len(data) - start))
        h.end_headers()
        body = data[start:]
        if cut is not None and len(body) > cut:
            drops.append(start)
            h.wfile.write(body[:cut])
            h.wfile.flush()
            h.close_connection = True
            h.connection.shutdown(2)
            return
        h.wfile.write(body)

    return handler(index, files, serve)


def test_a_connection_that_drops_mid_body_resumes(taker, real):
    index, files = real
    drops = []
    with http_peer(ranged_server(index, files, 20_000, drops)) as address:
        taken = take(taker, read_offer(taker, address, limits=FAST), limits=FAST)
    assert [t.result.sequence for t in taken] == [1, 2]
    assert len(drops) >= 3 and 0 in drops and len(set(drops)) == len(drops)  # resumed where it stopped, each time


def test_a_peer_that_ignores_ranges_sends_it_whole_again(taker, real):
    index, files = real
    calls = []

    def whole_then_whole(h, data):
        calls.append(h.headers.get("Range"))
        h.send_response(200)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        if len(calls) == 1:  # the first time: half, then gone
            h.wfile.write(data[: len(data) // 2])
            h.wfile.flush()
            h.connection.shutdown(2)
            h.close_connection = True
            return
        h.wfile.write(data)

    with http_peer(handler(index, files, whole_then_whole)) as address:
        taken = take(taker, read_offer(taker, address, limits=FAST), limits=FAST)
    assert calls[1] is not None and calls[1].startswith("bytes=")  # it asked for the rest
    assert [t.result.sequence for t in taken] == [1, 2]


def test_a_wrong_part_is_refused(taker, real):
    index, files = real

    def wrong_part(h, data):
        if h.headers.get("Range"):
            h.send_response(206)
            h.send_header("Content-Range", f"bytes 0-{len(data) - 1}/{len(data)}")  # not what was asked
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
            return
        h.send_response(200)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data[:1000])
        h.wfile.flush()
        h.connection.shutdown(2)
        h.close_connection = True

    with http_peer(handler(index, files, wrong_part)) as address:
        assert "not asked for" in attempt(taker, address, PeerError)


@pytest.mark.parametrize("point", ["connect", "status", "headers", "body"])
def test_a_connection_that_always_drops(taker, real, point):
    index, files = real
    body = json.dumps(index).encode()
    head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)

    def drop(conn, request):
        if point == "status":
            conn.sendall(b"HTTP/1.1 2")
        elif point == "headers":
            conn.sendall(head[:30])
        elif point == "body":
            conn.sendall(head + body[:40])
        # connect: closed at once

    with raw_peer(drop) as address:
        line = attempt(taker, address, PeerError)
    # Cut inside its headers, an answer looks like one with an empty body.
    assert "lost" in line or (point == "headers" and "not valid JSON" in line)


def test_drops_of_the_bundle_at_every_point_give_up_after_the_retries(taker, real):
    index, files = real
    drops = []

    def nothing(h, data):
        drops.append(1)
        h.send_response(200)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.flush()
        h.connection.shutdown(2)
        h.close_connection = True

    with http_peer(handler(index, files, nothing)) as address:
        assert "lost" in attempt(taker, address, PeerError)
    assert len(drops) == FAST.retries + 1


def test_a_peer_that_disappears_mid_transfer(taker, real):
    index, files = real
    gone = threading.Event()

    def half_then_gone(h, data):
        if gone.is_set():
            h.connection.shutdown(2)
            h.close_connection = True
            return
        h.send_response(200)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data[: len(data) // 3])
        h.wfile.flush()
        gone.set()
        h.connection.shutdown(2)
        h.close_connection = True

    with http_peer(handler(index, files, half_then_gone)) as address:
        offer = read_offer(taker, address, limits=FAST)
    before = snapshot(taker.path)
    with pytest.raises(PeerError) as info:  # the server is shut: nobody answers at that port any more
        take(taker, offer, limits=FAST)
    assert "lost" in info.value.message()
    assert snapshot(taker.path) == before and staging_is_empty(taker.path)


def test_a_broken_peer_is_told_in_the_teachers_language(taker, real, real_translations):
    from aulalocal import i18n

    index, files = real
    with http_peer(handler(index, files)) as address:
        offer = read_offer(taker, address, limits=FAST)
    before = snapshot(taker.path)
    with pytest.raises(PeerError) as info:  # the peer went away after its list
        take(taker, offer, limits=FAST)
    with i18n.speaking("qu"):
        quechua = info.value.message()
    with i18n.speaking("es"):
        spanish = info.value.message()
    assert "t'inkinakuy" in quechua and str(address) in quechua
    assert spanish.startswith(f"Se perdió la conexión con {address}.")
    assert snapshot(taker.path) == before and staging_is_empty(taker.path)
