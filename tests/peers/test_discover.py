"""Finding other AulaLocal laptops: mDNS on 127.0.0.1 only (a real zeroconf, never the school's network), and typed addresses."""

from __future__ import annotations

import socket
import uuid

import pytest

from aulalocal.errors import UsageError
from aulalocal.peers.client import Address, parse_address
from aulalocal.peers.discover import SERVICE_TYPE, browse


def _loopback(addresses):
    from zeroconf import IPVersion, Zeroconf

    return Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)


def test_browse_finds_aulalocal_laptops_and_leaves_out_other_web_servers_and_itself():
    from zeroconf import ServiceInfo

    from aulalocal.web.announce import Announcer

    tag = uuid.uuid4().hex[:6]  # other tests on this machine may announce on loopback too
    ours, mine = Announcer(factory=_loopback), Announcer(factory=_loopback)
    printer = _loopback(None)
    other = ServiceInfo(SERVICE_TYPE, f"Printer {tag}.{SERVICE_TYPE}", port=8631, properties={"path": "/"},
                        server=f"printer-{tag}.local.", addresses=[socket.inet_aton("127.0.0.1")])
    try:
        assert ours.start(8765, ["127.0.0.1"], laptop=f"PC1-{tag}")
        assert mine.start(8766, ["127.0.0.1"], laptop=f"PC2-{tag}")
        printer.register_service(other)
        found = browse(3.0, interfaces=["127.0.0.1"], exclude=[mine.instance])
    finally:
        ours.stop()
        mine.stop()
        printer.unregister_service(other)
        printer.close()
    found = [p for p in found if tag in p.name]
    assert [(p.name, p.address) for p in found] == [(ours.instance, Address("127.0.0.1", 8765))]


def test_a_network_without_multicast_finds_nothing_and_says_nothing():
    def broken(interfaces):
        raise OSError("no multicast here")

    assert browse(0.1, factory=broken) == []


@pytest.mark.parametrize("text, address", [
    ("192.168.1.20:8080", Address("192.168.1.20", 8080)),
    ("192.168.1.20", Address("192.168.1.20", 8080)),
    (" http://192.168.1.20:9000/ ", Address("192.168.1.20", 9000)),
    ("http://192.168.1.20:9000/updates/", Address("192.168.1.20", 9000)),
    ("pc1.local:8081", Address("pc1.local", 8081)),
    ("[fe80::1]:8080", Address("fe80::1", 8080)),
])
def test_typed_addresses(text, address):
    assert parse_address(text) == address
    assert parse_address(str(address)) == address


@pytest.mark.parametrize("text", ["", "ftp://1.2.3.4/", "https://1.2.3.4/", "1.2.3.4:99999", "1.2.3.4:port",
                                  "user@1.2.3.4", "http://1.2.3.4/es/", "1.2.3.4/?q=1", "http://", "1.2.3.4#x",
                                  "not an address", "pc_1;rm", "a..b"])
def test_what_is_not_an_address(text):
    with pytest.raises(UsageError):
        parse_address(text)
