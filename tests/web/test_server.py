"""The server: a busy port falls back, a wrong address is said plainly, stop frees everything; the announcement."""

from __future__ import annotations

import http.client
import socket
import threading
import time
import types

import pytest

from aulalocal.web import announce
from aulalocal.web.server import ClassroomServer, ShareError, bind_port
from tests.web.conftest import fetch


def _busy_port() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock


def test_a_busy_port_falls_back_to_the_next_free_one(site):
    busy = _busy_port()
    port = busy.getsockname()[1]
    try:
        server = ClassroomServer(site, "127.0.0.1", port).start()
        try:
            assert server.port != port and server.fell_back
            assert port < server.port <= port + 10
            assert fetch(server.port, "/es/").status == 200
        finally:
            server.stop()
    finally:
        busy.close()


def test_every_fallback_port_busy_takes_any_free_one():
    held = [_busy_port()]
    first = held[0].getsockname()[1]
    try:
        for n in range(1, 11):
            sock = socket.socket()
            try:
                sock.bind(("127.0.0.1", first + n))
                sock.listen(1)
                held.append(sock)
            except OSError:
                sock.close()  # someone else's already: busy as well
        bound = bind_port("127.0.0.1", first)
        try:
            assert bound.getsockname()[1] not in range(first, first + 11)
        finally:
            bound.close()
    finally:
        for sock in held:
            sock.close()


def test_an_asked_port_that_is_busy_is_an_error_without_fallback(site):
    busy = _busy_port()
    try:
        with pytest.raises(ShareError) as caught:
            ClassroomServer(site, "127.0.0.1", busy.getsockname()[1], fallback=False).start()
        assert "is busy" in caught.value.message()
    finally:
        busy.close()


def test_an_address_that_is_not_the_laptops(site):
    with pytest.raises(ShareError) as caught:
        ClassroomServer(site, "192.0.2.123", 0).start()  # TEST-NET-1: on no interface here; nothing is sent
    assert "192.0.2.123" in caught.value.message()


def test_stop_closes_every_connection_and_frees_the_port(site):
    server = ClassroomServer(site, "127.0.0.1", 0).start()
    port = server.port
    idle = socket.create_connection(("127.0.0.1", port), timeout=5)
    assert fetch(port, "/es/").status == 200
    server.stop()
    assert not server.running
    idle.settimeout(5)
    assert idle.recv(10) == b""  # closed by the server
    idle.close()
    again = bind_port("127.0.0.1", port, fallback=False)  # free again
    again.close()
    assert not server._thread.is_alive()


def test_site_addresses_for_the_any_address_are_the_laptops_networks(monkeypatch):
    from aulalocal.web import network

    monkeypatch.setattr(network, "networks", lambda: [network.Network("wlan0", "192.168.1.20")])
    assert network.site_addresses("0.0.0.0", 8080) == [network.Network("wlan0", "192.168.1.20")]
    assert network.site_addresses("127.0.0.1", 8080) == [network.Network("", "127.0.0.1")]
    assert network.url("192.168.1.20", 8080) == "http://192.168.1.20:8080/"
    assert network.url("192.168.1.20", 80) == "http://192.168.1.20/"


def test_networks_leave_out_loopback_and_put_the_school_network_first(monkeypatch):
    import ifaddr

    from aulalocal.web import network

    adapters = [
        ifaddr.Adapter("lo", "lo", [ifaddr.IP("127.0.0.1", 8, "lo")]),
        ifaddr.Adapter("eth1", "eth1", [ifaddr.IP("169.254.3.4", 16, "eth1"), ifaddr.IP(("fe80::1", 0, 2), 64, "eth1")]),
        ifaddr.Adapter("wlan0", "Wi-Fi", [ifaddr.IP("192.168.1.20", 24, "wlan0")]),
    ]
    monkeypatch.setattr(ifaddr, "get_adapters", lambda: adapters)
    assert network.networks() == [network.Network("Wi-Fi", "192.168.1.20"), network.Network("eth1", "169.254.3.4")]


def test_the_qr_code_holds_the_address():
    from aulalocal.web.network import qr_matrix

    matrix = qr_matrix("http://192.168.1.20:8080/")
    assert len(matrix) == len(matrix[0]) >= 21 and any(any(row) for row in matrix)
    # The three finder patterns: a dark 7x7 square ring in three corners.
    for top, left in ((0, 0), (0, len(matrix) - 7), (len(matrix) - 7, 0)):
        assert all(matrix[top][left + x] for x in range(7)) and all(matrix[top + y][left] for y in range(7))


def test_the_service_information_announced():
    info = announce.service_info(8081, ["192.168.1.20", "10.0.0.5"], laptop="Aula 3 PC")
    assert info.type == "_http._tcp.local."
    assert info.name == "AulaLocal \u2013 Aula 3 PC._http._tcp.local."
    assert info.port == 8081
    assert info.parsed_addresses() == ["192.168.1.20", "10.0.0.5"]
    assert info.properties[b"path"] == b"/" and info.properties[b"languages"] == b"es,qu,en"
    assert info.properties[b"app"] == b"aulalocal"
    assert info.server == "aulalocal-aula-3-pc.local."  # never the laptop's own host name


def test_a_long_laptop_name_is_cut_to_one_dns_label():
    name = announce.instance_name("Ñ" * 80)
    assert len(name.encode("utf-8")) <= 63 and name.startswith("AulaLocal \u2013 Ñ")
    assert announce.host_label("Ñandú") == "aulalocal-and"
    assert announce.host_label("!!!") == "aulalocal"
    assert len(announce.host_label("x" * 100)) <= 63


class _Recorder:
    """Stands in for zeroconf.Zeroconf: records what it is asked; sends nothing."""

    made: list = []

    def __init__(self, addresses):
        self.addresses = list(addresses)
        self.calls = []
        _Recorder.made.append(self)

    def register_service(self, info, allow_name_change=False):
        self.calls.append(("register", info.name, allow_name_change))

    def unregister_service(self, info):
        self.calls.append(("unregister", info.name))

    def close(self):
        self.calls.append(("close",))


def test_the_announcer_registers_on_the_sites_addresses_and_says_goodbye(site):
    _Recorder.made.clear()
    announcer = announce.Announcer(factory=_Recorder)
    server = ClassroomServer(site, "127.0.0.1", 0, announcer=announcer).start()
    try:
        assert server.announced
        zc = _Recorder.made[-1]
        assert zc.addresses == ["127.0.0.1"]
        assert zc.calls[0][0] == "register" and zc.calls[0][2] is True  # another laptop may have the name
        assert announcer.info.port == server.port
    finally:
        server.stop()
    assert [c[0] for c in zc.calls] == ["register", "unregister", "close"]
    assert not server.announced


def test_a_network_that_refuses_the_announcement_costs_only_the_name(site):
    def refuse(addresses):
        raise OSError("multicast refused")

    server = ClassroomServer(site, "127.0.0.1", 0, announcer=announce.Announcer(factory=refuse)).start()
    try:
        assert not server.announced
        assert fetch(server.port, "/es/").status == 200
    finally:
        server.stop()


def test_no_network_no_announcement():
    made = []
    assert announce.Announcer(factory=lambda a: made.append(a)).start(8080, []) is False
    assert made == []


def _channel(channel_class):
    from waitress.adjustments import Adjustments

    listener = _busy_port()
    theirs = socket.create_connection(listener.getsockname(), timeout=5)
    ours, address = listener.accept()
    listener.close()
    server = types.SimpleNamespace(active_channels={})  # all a channel asks of its server when made
    return channel_class(server, ours, address, Adjustments(), map={}), theirs


def test_the_network_thread_leaves_a_page_alone_while_a_worker_sends_it():
    """A worker holding a connection's output (sending its page) makes it not writable for waitress' loop.

    Waitress' own channel says writable, and its loop then spins on poll()
    holding Python's lock until the worker lets go: the worker waits for
    that lock to finish, and a class of 40 got 60-90 pages a second.
    """
    from waitress.channel import HTTPChannel

    from aulalocal.web.server import _channel_class

    ours, theirs = _channel(_channel_class())
    stock, stock_peer = _channel(HTTPChannel)
    held, release = threading.Event(), threading.Event()

    def worker(channel) -> None:
        with channel.outbuf_lock:
            held.set()
            release.wait(10)

    try:
        for channel in (ours, stock):
            channel.requests = [object()]  # a request being served
            channel.total_outbufs_len = 100  # with bytes of its page not sent yet
        assert ours.writable() and stock.writable()  # the buffer free: the loop may send
        for channel, expected in ((ours, False), (stock, True)):
            held.clear(), release.clear()
            thread = threading.Thread(target=worker, args=(channel,))
            thread.start()
            assert held.wait(10)
            try:
                assert bool(channel.writable()) is expected
            finally:
                release.set()
                thread.join(10)
        assert ours.writable()  # let go with bytes left: the loop sends them
        ours.requests = []  # what a finished request left behind is the loop's to send
        ours.outbuf_lock.acquire()
        try:
            assert ours.writable()
        finally:
            ours.outbuf_lock.release()
    finally:
        for channel, peer in ((ours, theirs), (stock, stock_peer)):
            channel.socket.close()  # never served: no server to tell
            peer.close()


def test_a_long_answer_reaches_a_slow_reader_whole():
    """Bytes a worker could not send (the reader's buffer full) are sent by the loop as the reader reads."""

    block = bytes(range(256)) * 256  # 64 KB
    blocks = 320  # 20 MB: more than the sockets' buffers and waitress' 16 MB of output a worker keeps

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(block) * blocks))])
        return (block for _ in range(blocks))

    server = ClassroomServer(app, "127.0.0.1", 0).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/")
        time.sleep(0.3)  # not read yet: the worker meets a full buffer
        response = conn.getresponse()
        body = response.read()
        conn.close()
        assert response.status == 200 and body == block * blocks
    finally:
        server.stop()
