"""The offer: /updates/ of a sharing laptop serves exactly what ``bundle export`` copies, with ranges, and nothing else."""

from __future__ import annotations

import hashlib
import http.client
import json

from aulalocal.bundle.export import files_to_export
from aulalocal.bundle.minisign import parse_public_key
from aulalocal.catalog.db import connect
from aulalocal.datafolder import DataFolder
from aulalocal.peers.index import parse_index
from tests.web.conftest import fetch, raw


def get(giver, target: str, headers: dict | None = None, method: str = "GET"):
    return fetch(giver.address.port, target, method=method, headers=headers)


def test_index_lists_exactly_what_export_copies(giver):
    answer = get(giver, "/updates/index.json")
    assert answer.status == 200 and answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    index = json.loads(answer.body)
    assert index["format"] == "aulalocal-updates" and index["format_version"] == 1
    conn = connect(giver.path / "catalog.db")
    try:
        exported = files_to_export(DataFolder(giver.path, conn))
    finally:
        conn.close()
    names = [u[part]["name"] for u in index["updates"] for part in ("bundle", "signature")]
    assert names == [path.name for path, _sha in exported]
    full, delta = index["updates"]
    assert (full["catalog"], full["sequence"], full["base_sequence"]) == ("minedu-pe", 1, None)
    assert (delta["sequence"], delta["base_sequence"]) == (2, 1)
    for update, original in zip(index["updates"], giver.bundles):
        data = original.read_bytes()
        assert update["bundle"] == {"name": update["bundle"]["name"], "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        assert update["key_id"] == giver.publisher.public.key_id_hex
        assert update["fingerprint"] == giver.publisher.public.fingerprint
    assert len(parse_index(answer.body, "test")) == 2  # what the other side reads back


def test_every_file_is_served_with_its_size_and_hash(giver):
    index = json.loads(get(giver, "/updates/index.json").body)
    for update in index["updates"]:
        for part in ("bundle", "signature", "key"):
            offered = update[part]
            answer = get(giver, "/updates/" + offered["name"])
            assert answer.status == 200, offered["name"]
            assert len(answer.body) == offered["size"] and hashlib.sha256(answer.body).hexdigest() == offered["sha256"]
        key = parse_public_key(get(giver, "/updates/" + update["key"]["name"]).body)
        assert key.same_key(giver.publisher.public)
    assert get(giver, "/updates/" + index["updates"][0]["bundle"]["name"]).headers["accept-ranges"] == "bytes"


def test_range_requests_and_if_range(giver):
    update = json.loads(get(giver, "/updates/index.json").body)["updates"][0]["bundle"]
    whole = get(giver, "/updates/" + update["name"]).body
    part = get(giver, "/updates/" + update["name"], {"Range": "bytes=100-"})
    assert part.status == 206 and part.body == whole[100:]
    assert part.headers["content-range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"
    middle = get(giver, "/updates/" + update["name"], {"Range": "bytes=10-19"})
    assert middle.status == 206 and middle.body == whole[10:20]
    same = get(giver, "/updates/" + update["name"], {"Range": "bytes=100-", "If-Range": f'"{update["sha256"]}"'})
    assert same.status == 206 and same.body == whole[100:]
    changed = get(giver, "/updates/" + update["name"], {"Range": "bytes=100-", "If-Range": '"another-file"'})
    assert changed.status == 200 and changed.body == whole  # another version: the whole file
    beyond = get(giver, "/updates/" + update["name"], {"Range": f"bytes={len(whole) + 5}-"})
    assert beyond.status == 416
    head = get(giver, "/updates/" + update["name"], method="HEAD")
    assert head.status == 200 and head.body == b"" and head.headers["content-length"] == str(len(whole))


def test_nothing_else_of_the_data_folder(giver):
    index = json.loads(get(giver, "/updates/index.json").body)
    bundle = index["updates"][0]["bundle"]["name"]
    targets = [
        "/updates/", "/updates", "/updates/catalog.db", "/updates/userdata.db", "/updates/../catalog.db",
        "/updates/%2e%2e/catalog.db", "/updates/..%2fcatalog.db", "/updates/bundles/" + bundle,
        "/updates/../bundles/" + bundle, "/updates/%2e%2e%2fbundles%2f" + bundle, "/updates/" + bundle + "%00",
        "/updates/" + bundle + "/", "/updates/./" + bundle, "/updates/" + bundle.upper(), "/updates//" + bundle,
        "/updates/..%5ccatalog.db", "/updates/keys/", "/updates/staging/", "/updates/index.json/..",
        "/updates/" + bundle + ".pending", "/updates/aulalocal.log", "/updates/%2fetc%2fpasswd",
        "/updates/C:%5cWindows%5cwin.ini", "/updates/index.JSON",
    ]
    for target in targets:
        answer = get(giver, target)
        assert answer.status in (400, 404), (target, answer.status)
        assert b"SQLite format" not in answer.body and b"PK\x03\x04" not in answer.body, target
        assert answer.headers.get("x-content-type-options") == "nosniff", target
    for target in (b"/updates/\xff\xfe", b"/updates/\xc0\xae\xc0\xae/catalog.db"):
        answer = raw(giver.address.port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 404")), target


def test_only_get_and_head(giver):
    for method in ("POST", "PUT", "DELETE", "PROPFIND", "OPTIONS"):
        answer = get(giver, "/updates/index.json", method=method)
        assert answer.status == 405, method
        assert "GET" in answer.headers["allow"]


def test_a_damaged_kept_copy_is_not_offered(tmp_path, giver_template):
    from aulalocal.peers.index import KeptCopies, build_offer
    from tests.peers.conftest import copy_folder

    path = copy_folder(giver_template.path, tmp_path / "giver")
    kept = sorted((path / "bundles").glob("*-000002-*.aulabundle"))[0]
    data = bytearray(kept.read_bytes())
    data[200] ^= 0xFF
    kept.write_bytes(bytes(data))
    conn = connect(path / "catalog.db")
    try:
        offer = build_offer(DataFolder(path, conn), KeptCopies())
    finally:
        conn.close()
    assert [u.sequence for u in offer.updates] == [1]  # the full one; the delta after a damaged copy goes too


def test_the_site_of_serve_mounts_the_offer(tmp_path, giver_template):
    from aulalocal.web.server import serve_folder

    server = serve_folder(giver_template.path, "127.0.0.1", 0, announce=False)
    try:
        answer = fetch(server.port, "/updates/index.json")
        assert answer.status == 200 and len(json.loads(answer.body)["updates"]) == 2
        assert fetch(server.port, "/es/").status == 200
    finally:
        server.stop()


def test_an_offer_follows_a_new_update(tmp_path, giver_template, publisher):
    """An update applied while sharing is offered at the next request."""
    from aulalocal.bundle.importer import import_bundle
    from aulalocal.startup import open_data_folder
    from aulalocal.web.updates import UpdatesOffer
    from tests.peers.conftest import DELTA, copy_folder, make_bundle
    from tests.web.conftest import call

    path = copy_folder(giver_template.path, tmp_path / "giver")
    app = UpdatesOffer(path)
    assert len(json.loads(call(app, "/updates/index.json").body)["updates"]) == 2
    folder = open_data_folder(path, load_seed=False)
    try:
        import_bundle(folder, make_bundle(tmp_path, publisher, DELTA, sequence=5))  # a full one
    finally:
        folder.close()
    updates = json.loads(call(app, "/updates/index.json").body)["updates"]
    assert [u["sequence"] for u in updates] == [5]
