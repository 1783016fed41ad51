"""Fixtures for updates over the network: a laptop that gives (a real server on 127.0.0.1), laptops that take, hostile peers.

Every server binds to 127.0.0.1 on a port of its own and is never announced;
every hostile behaviour is bounded in bytes and time.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import shutil
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from aulalocal.bundle import trust
from aulalocal.bundle.importer import import_bundle
from aulalocal.startup import open_data_folder
from aulalocal.peers.client import Address, Limits
from aulalocal.peers.index import KeptCopies, build_offer
from tests.bundle.conftest import SAMPLE, Publisher, make_bundle, new_publisher, publisher  # noqa: F401 - fixtures
from tests.conftest import title

# Small limits so a hostile peer is given up on in about a second.
FAST = Limits(connect_timeout=2.0, read_timeout=1.0, small_time=3.0, min_rate=200_000, rate_window=0.4, retries=3)
DELTA = {**SAMPLE, ("program", "aprendo"): {"title": title("Aprendo en casa", "Wasiypi yachani")}}
MEDIA_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005fe02fea7d6a4"
    "2f0000000049454e44ae426082"
)


@dataclass
class Giver:
    path: Path
    publisher: Publisher
    address: Address
    bundles: list[Path]  # as the publisher made them: full 1, delta 2


def make_giver(path: Path, work: Path, publisher: Publisher) -> Giver:
    """A data folder that applied a full bundle and a delta after it (with some padding, so a download takes a few reads)."""
    folder = open_data_folder(path, load_seed=False)
    trust.add_key(folder.keys_dir, publisher.public)
    work.mkdir(parents=True, exist_ok=True)
    # Hex digits compress to half: bundles of some 60 KB, downloaded in several reads.
    padding = {("program", f"relleno-{n}"): {"title": title(f"Programa {n} " + "".join(hashlib.sha256(f"{n}-{i}".encode()).hexdigest() for i in range(30)))} for n in range(60)}
    full = make_bundle(work, publisher, {**SAMPLE, **padding}, sequence=1)
    delta = make_bundle(work, publisher, {**DELTA, **padding}, sequence=2, base=1, base_records={**SAMPLE, **padding})
    for bundle in (full, delta):
        import_bundle(folder, bundle)
    folder.close()
    return Giver(path, publisher, Address("127.0.0.1", 0), [full, delta])


@pytest.fixture(scope="session")
def giver_template(tmp_path_factory, publisher):
    base = tmp_path_factory.mktemp("giver")
    return make_giver(base / "data", base / "work", publisher)


@pytest.fixture(scope="session")
def giver(giver_template):
    """The giving laptop's offer, served on 127.0.0.1 by the classroom server (what sharing in class runs)."""
    from aulalocal.web.server import ClassroomServer
    from aulalocal.web.updates import UpdatesOffer

    server = ClassroomServer(UpdatesOffer(giver_template.path), "127.0.0.1", 0).start()
    yield Giver(giver_template.path, giver_template.publisher, Address("127.0.0.1", server.port), giver_template.bundles)
    server.stop()


@pytest.fixture
def taker(tmp_path, publisher):
    """An empty laptop that trusts the publisher."""
    folder = open_data_folder(tmp_path / "taker", load_seed=False)
    trust.add_key(folder.keys_dir, publisher.public)
    yield folder
    folder.close()


@pytest.fixture
def stranger(tmp_path):
    """An empty laptop that trusts no publisher yet."""
    folder = open_data_folder(tmp_path / "stranger", load_seed=False)
    yield folder
    folder.close()


def snapshot(path: Path) -> dict[str, bytes]:
    """Both databases' bytes (their write-ahead logs checkpointed in first), and the names in the bundles, media and keys folders."""
    import sqlite3

    for name in ("catalog.db", "userdata.db"):
        if (path / name).exists():
            conn = sqlite3.connect(path / name)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
    files = {}
    for name in ("catalog.db", "catalog.db-wal", "userdata.db", "userdata.db-wal"):
        target = path / name
        files[name] = target.read_bytes() if target.exists() else b""
    for folder in ("bundles", "media", "keys"):
        files[folder] = "\n".join(sorted(p.name for p in (path / folder).glob("*"))).encode() if (path / folder).exists() else b""
    return files


def staging_is_empty(path: Path) -> bool:
    staging = path / "staging"
    return not staging.exists() or not [p for p in staging.iterdir() if not p.name.endswith(".lock")]


def offer_files(giver_path: Path):
    """The real offer of a giver folder: its index (as JSON) and every file's bytes by name."""
    from aulalocal.catalog.db import connect
    from aulalocal.datafolder import DataFolder

    conn = connect(giver_path / "catalog.db")
    try:
        offer = build_offer(DataFolder(giver_path, conn), KeptCopies())
    finally:
        conn.close()
    files = {name: path.read_bytes() for name, path in offer.paths.items()}
    files.update(offer.keys)
    return offer.index_json(), files


@contextmanager
def http_peer(handler_class):
    """A standard-library HTTP server on 127.0.0.1 with ``handler_class``, on a thread; its address."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Address("127.0.0.1", server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def handler(index: dict, files: dict[str, bytes], bundle_behaviour=None, index_bytes: bytes | None = None):
    """A handler class that serves ``index`` and ``files`` plainly, and the bundles through ``bundle_behaviour(h, data)``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            name = self.path.removeprefix("/updates/")
            if name == "index.json":
                return self.plain(index_bytes if index_bytes is not None else json.dumps(index).encode())
            data = files.get(name)
            if data is None:
                self.send_error(404)
                return
            if name.endswith(".aulabundle") and bundle_behaviour is not None:
                return bundle_behaviour(self, data)
            self.plain(data)

        def plain(self, data: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def raw_peer(answer):
    """A server of raw sockets on 127.0.0.1: ``answer(conn, request_bytes)`` for each connection (at most 50)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        for _ in range(50):
            while not stop.is_set():
                try:
                    conn, _addr = listener.accept()
                    break
                except socket.timeout:
                    continue
            else:
                return
            threading.Thread(target=_one, args=(conn,), daemon=True).start()

    def _one(conn) -> None:
        with conn:
            conn.settimeout(5)
            request = b""
            try:
                while b"\r\n\r\n" not in request and len(request) < 65536:
                    block = conn.recv(4096)
                    if not block:
                        return
                    request += block
                answer(conn, request)
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield Address("127.0.0.1", listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(2)
        listener.close()


def copy_folder(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def with_bundle(index: dict, files: dict[str, bytes], number: int, data: bytes, signature: bytes | None = None):
    """A copy of the offer whose update ``number`` is the bundle ``data`` (and ``signature``), the index agreeing with it."""
    import copy

    index, files = copy.deepcopy(index), dict(files)
    update = index["updates"][number]
    old = update["bundle"]["name"]
    sha = hashlib.sha256(data).hexdigest()
    new = old.rsplit("-", 1)[0] + "-" + sha[:12] + ".aulabundle"
    signature = files.pop(old + ".minisig") if signature is None else signature
    del files[old]
    files[new], files[new + ".minisig"] = data, signature
    update["bundle"] = {"name": new, "size": len(data), "sha256": sha}
    update["signature"] = {"name": new + ".minisig", "size": len(signature), "sha256": hashlib.sha256(signature).hexdigest()}
    return index, files
