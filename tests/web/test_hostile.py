"""Hostile requests to a real server on 127.0.0.1: paths out of the media, other methods, bad queries, floods.

Every loop is bounded in count and time; nothing leaves the loopback.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.web.conftest import SECRET, fetch, raw

SECURITY = {
    "content-security-policy": "default-src 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def assert_safe(answer, *, status: int | tuple[int, ...]):
    statuses = status if isinstance(status, tuple) else (status,)
    assert answer.status in statuses, (answer.status, answer.body[:200])
    assert SECRET not in answer.body
    assert b"SQLite format" not in answer.body
    for name, value in SECURITY.items():
        assert answer.headers.get(name) == value, name


def test_nothing_of_the_data_folder_but_named_media(live, media):
    port = live.port
    png = f"{media.png}.png"
    targets = [
        "/catalog.db", "/userdata.db", "/userdata.db.secret", "/keys/", "/media/", "/media",
        f"/media/../userdata.db.secret", f"/media/..%2fuserdata.db.secret", f"/media/%2e%2e/userdata.db.secret",
        "/media/%2e%2e%2fcatalog.db", "/static/../catalog.db", "/static/%2e%2e/%2e%2e/catalog.db",
        "/es/../../catalog.db", "/%2e%2e/%2e%2e/etc/passwd", "/media/%00", f"/media/{png}%00",
        f"/media/{png}%00.txt", "/media//etc/passwd", "/media/%2fetc%2fpasswd", "//etc/passwd",
        "/media/C:%5cWindows%5cwin.ini", "/media/..%5cuserdata.db.secret", "/media/..\\userdata.db.secret",
        "/static/..%5c..%5ccatalog.db", f"/media/{media.png.upper()}.png", f"/media/{media.png}.PNG",
        f"/media/{media.png}.exe", f"/media/{media.png}.png/", f"/media/./{png}",
        f"/media/{media.link}.png",  # a link in the media folder, pointing at a private file
        f"/media/{media.unnamed}.png",  # a file no record names
        f"/media/{media.missing}.png",  # named, not there
        "/es/record/escuela-test/program/..%2f..%2f..%2fcatalog.db", "/es/record/escuela-test/program/%00",
        "/updates/", "/updates/index.json", "/es/favorites", "/es/notes", "/es/settings",
    ]
    for target in targets:
        assert_safe(fetch(port, target), status=(400, 404)), target
    assert fetch(port, f"/media/{png}").status == 200  # the real one is served


def test_an_absolute_target_names_no_file(live):
    for target in ("http://127.0.0.1/../catalog.db", "file:///etc/passwd", "/etc/passwd"):
        answer = raw(live.port, f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        assert answer.split(b"\r\n", 1)[0].split()[1] in (b"400", b"404"), target
        assert SECRET not in answer and b"root:" not in answer


def test_raw_bytes_that_are_not_utf8_in_the_path(live):
    for target in (b"/es/record/\xff\xfe/program/x", b"/es/%ff%fe/", b"/media/\xc0\xae\xc0\xae/catalog.db"):
        answer = raw(live.port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        # Refused by the server itself or by the site: the same headers either way.
        assert answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 404")), target
        assert b"X-Content-Type-Options: nosniff" in answer and b"Content-Security-Policy: default-src 'self'" in answer


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "CONNECT"])
def test_only_get_and_head(live, method):
    answer = fetch(live.port, "/es/", method=method)
    assert_safe(answer, status=405)
    assert answer.headers["allow"] == "GET, HEAD"


def test_a_body_is_never_read(live):
    # Refused on its header, before a byte of it is taken in.
    answer = raw(live.port, b"POST /es/search HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413") and b"X-Content-Type-Options: nosniff" in answer
    chunked = raw(live.port, b"POST /es/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    assert chunked.startswith((b"HTTP/1.1 413", b"HTTP/1.1 405"))


@pytest.mark.parametrize(
    "query",
    [
        "q=%ff%fe%fd", "q=%c3%28", "q=%ed%a0%80", "in=%80&q=a", "q=%", "q=%zz", "q=a%00b",
        "q=%22", "q=*", "q=NEAR(a+b)", "q=a+AND+OR+NOT", "q=-a", "q=^a", "q=title:a", "q={a+b}",
        "q=%22unterminated", "q=a*b*", "q=(((", "q=%27%27%27", "q=%E2%80%99", "q=" + "a" * 500,
        "q=" + "+".join(["a"] * 300), "page=-1&q=a", "&&&&&", "q=a&q=b&q=c",
    ],
)
def test_hostile_queries_get_a_clean_page(live, query):
    answer = fetch(live.port, "/es/search?" + query)
    assert_safe(answer, status=(200, 400))
    assert b"Traceback" not in answer.body and answer.headers["content-type"].startswith("text/html")


def test_a_100_kb_query_string_is_refused_cleanly(live):
    for path in ("/es/search?q=", "/es/programs/?region="):
        answer = fetch(live.port, path + "a" * 100_000)
        assert answer.status in (414, 431), answer.status
        assert b"Traceback" not in answer.body
    long = fetch(live.port, "/es/search?q=" + "a" * 5000)  # over the site's own limit, under the server's
    assert_safe(long, status=414)
    assert fetch(live.port, "/es/").status == 200


def test_too_many_fields_or_a_huge_header(live):
    assert_safe(fetch(live.port, "/es/search?" + "&".join(f"f{n}=1" for n in range(200))), status=400)
    answer = fetch(live.port, "/es/", headers={"Cookie": "a=" + "b" * 70_000})
    assert answer.status == 431 and answer.headers["x-content-type-options"] == "nosniff"


def test_a_page_that_raises_is_a_500_page_and_the_server_goes_on(web_dir, monkeypatch):
    from aulalocal.web.server import ClassroomServer
    from aulalocal.web.site import Site

    site = Site(web_dir)
    server = ClassroomServer(site, "127.0.0.1", 0).start()
    try:
        def broken(lang):
            raise RuntimeError("a bug")

        monkeypatch.setattr(site.pages, "home", broken)
        for _ in range(3):
            answer = fetch(server.port, "/es/")
            assert_safe(answer, status=500)
            assert b"a bug" not in answer.body and b"Traceback" not in answer.body
            assert b"Something went wrong" in answer.body
        assert fetch(server.port, "/es/programs/").status == 200
        monkeypatch.undo()
        assert fetch(server.port, "/es/").status == 200
    finally:
        server.stop()


def _timed_get(port: int, target: str = "/es/") -> float:
    start = time.monotonic()
    assert fetch(port, target, timeout=5).status == 200
    return time.monotonic() - start


def test_slow_and_idle_connections_do_not_stop_other_clients(live):
    """200 connections that send their request a byte a second (slowloris) or nothing at all."""
    socks = []
    try:
        for n in range(200):
            sock = socket.create_connection(("127.0.0.1", live.port), timeout=5)
            if n % 2:
                sock.sendall(b"GET /es/ HTTP/1.1\r\nHost: x\r\n")
            socks.append(sock)
        stop = threading.Event()

        def drip():
            while not stop.wait(0.5):
                for sock in socks[1::2]:
                    try:
                        sock.sendall(b"X")
                    except OSError:
                        pass

        dripper = threading.Thread(target=drip, daemon=True)
        dripper.start()
        time.sleep(1.0)
        times = [_timed_get(live.port, target) for target in ("/es/", "/qu/programs/", "/es/search?q=lectura") * 4]
        stop.set()
        dripper.join(5)
        assert max(times) < 2.0, times
    finally:
        for sock in socks:
            sock.close()


def test_a_thousand_connection_attempts_at_once(live):
    """Opened as fast as the machine allows, then dropped; the server answers the next client."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 1200 + 200
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
    socks = []
    errors = 0
    deadline = time.monotonic() + 30
    try:
        for _n in range(1000):
            sock = socket.socket()
            sock.setblocking(False)
            try:
                sock.connect_ex(("127.0.0.1", live.port))
            except OSError:
                errors += 1
            socks.append(sock)
            if time.monotonic() > deadline:
                break
        assert len(socks) == 1000
        time.sleep(0.5)
    finally:
        for sock in socks:
            sock.close()
    assert live.running
    deadline = time.monotonic() + 20
    while True:  # the server works through the dropped connections, then answers at once
        try:
            assert _timed_get(live.port) < 5
            break
        except (OSError, AssertionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    assert _timed_get(live.port, "/es/programs/") < 2.0
