"""Fixtures for the classroom site: a data folder with the shipped catalog and a hostile one, the site, a live server.

Servers bind to 127.0.0.1 only and are never announced.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest

from aulalocal.bundle import source
from aulalocal.bundle.apply import apply_operations
from aulalocal.startup import open_data_folder
from tests.conftest import title, write_source

CATALOG = "escuela-test"
KEY_ID = "0123456789ABCDEF"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005fe02fea7d6a4"
    "2f0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9" height="9"/></svg>'
SECRET = b"the teacher's private notes"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Media:
    png: str
    pdf: str
    svg: str
    link: str  # a link in the media folder, pointing at userdata.db
    unnamed: str  # a file no record names
    missing: str  # named by a record, not in the folder


def _records(media: Media) -> dict:
    records = {
        ("program", "hostile"): {
            "title": title("<script>alert('x')</script> Feria & <b>ciencia</b>", "Yachay p'unchaw <i>", "Science fair"),
            "summary": {"es": "Primer párrafo.\n\nSegundo <img src=x onerror=alert(1)> párrafo.\nOtra línea.", "en": "First."},
            "body": {"es": "Cuerpo con javascript:alert(1) y http://example.org/pagina"},
            "links": [{"label": {"es": "Sitio <u>oficial</u>"}, "url": "http://example.org/<x>?a=1&b=2"}],
            "media": [media.png, media.pdf, media.svg, media.link, media.missing],
            "organization_ids": ["org-a", "org-gone"],
            "regions": ["Cusco"],
            "settings": ["rural"],
            "updated": "2026-11-30",
        },
        ("organization", "org-a"): {"title": title("Organización A", "Huñu A")},
        ("year_focus", "year-3"): {
            "title": title("Año 3 de prueba"), "year": 3, "focus": {"es": "Leer"}, "program_ids": ["hostile"],
        },
    }
    for n in range(120):  # more than two pages of the programs section
        records[("program", f"prog-{n:03d}")] = {
            "title": title(f"Programa número {n:03d}", f"Programa {n:03d} yachaypaq"),
            "summary": {"es": "Un programa de lectura en la escuela rural."},
            "regions": ["Puno" if n % 2 else "Cusco"],
        }
    return records


def make_web_folder(path: Path, seeded_template: Path) -> tuple[Path, Media]:
    shutil.copytree(seeded_template, path)
    media_dir = path / "media"
    media_dir.mkdir(exist_ok=True)
    media = Media(sha(PNG), sha(PDF), sha(SVG), sha(b"link"), sha(PNG + b"x"), sha(b"missing"))
    (media_dir / f"{media.png}.png").write_bytes(PNG)
    (media_dir / f"{media.pdf}.pdf").write_bytes(PDF)
    (media_dir / f"{media.svg}.svg").write_bytes(SVG)
    (media_dir / f"{media.unnamed}.png").write_bytes(PNG)
    (path / "userdata.db.secret").write_bytes(SECRET)
    os.symlink(path / "userdata.db.secret", media_dir / f"{media.link}.png")
    folder = open_data_folder(path)
    src = write_source(path.parent / f"{path.name}-src", _records(media), catalog=CATALOG, publisher="Escuela <Test> & Co")
    apply_operations(folder.catalog, source.read_info(src), lambda: source.upsert_lines(src),
                     key_id=KEY_ID, file_sha256=source.content_sha256(src))
    folder.close()
    return path, media


@pytest.fixture(scope="session")
def web_folder(seeded_template, tmp_path_factory):
    return make_web_folder(tmp_path_factory.mktemp("web") / "data", seeded_template)


@pytest.fixture(scope="session")
def web_dir(web_folder) -> Path:
    return web_folder[0]


@pytest.fixture(scope="session")
def media(web_folder) -> Media:
    return web_folder[1]


@pytest.fixture(scope="session")
def _session_site(web_dir):
    from aulalocal.web.site import Site

    return Site(web_dir)


@pytest.fixture
def site(_session_site):
    # Pages are kept until the catalog changes; a test may change the
    # messages' language instead (real_translations).
    _session_site.cache.clear()
    return _session_site


@dataclass
class Answer:
    status: int
    headers: dict  # lower-case names, the first value of each
    body: bytes
    all_headers: list = None  # (name, value) as sent

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def call(app, path: str, query: str = "", method: str = "GET", **environ) -> Answer:
    """One request straight to the WSGI application (``path`` as a server hands it over: decoded).

    Text is handed over as WSGI does (UTF-8 bytes as latin-1 characters).
    """
    path, query = (text.encode("utf-8").decode("latin-1") for text in (path, query))
    env = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": method, "REMOTE_ADDR": "127.0.0.9", **environ}
    setup_testing_defaults(env)
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, headers

    chunks = app(env, start_response)
    try:
        body = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    headers = {}
    for name, value in seen["headers"]:
        headers.setdefault(name.lower(), value)
    return Answer(int(seen["status"].split()[0]), headers, body, seen["headers"])


@pytest.fixture(scope="session")
def _session_live(web_dir):
    from aulalocal.web.server import ClassroomServer
    from aulalocal.web.site import Site

    server = ClassroomServer(Site(web_dir), "127.0.0.1", 0).start()
    yield server
    server.stop()


@pytest.fixture
def live(_session_live):
    """A real server of the test folder on 127.0.0.1 (a port of its own), never announced."""
    _session_live.app.cache.clear()
    return _session_live


def fetch(port: int, target: str, method: str = "GET", headers: dict | None = None, timeout: float = 10) -> Answer:
    """A request over HTTP, the target sent exactly as given."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        conn.close()


def raw(port: int, data: bytes, timeout: float = 10) -> bytes:
    """Bytes sent as they are (a request no client library would write); the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            block = sock.recv(65536)
            if not block:
                return out
            out += block
