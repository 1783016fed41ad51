"""Finding the other AulaLocal laptops of the school network: mDNS/DNS-SD (``zeroconf``), for a bounded time.

A laptop that shares in class announces its site as ``_http._tcp`` with the
TXT ``app=aulalocal`` (``web.announce``); other web servers on the network
(a printer, Kolibri) are left out. What an announcement says is hostile
too: only its name (shown as text) and its IPv4 addresses and port are
read. A laptop whose network drops multicast (some school Wi-Fi does) is
not found: the address can be typed (``client.parse_address``).
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the client (HTTP, bundles, signatures) is not loaded by the site, which only announces
    from aulalocal.peers.client import Address

SERVICE_TYPE = "_http._tcp.local."
APP_PROPERTY = (b"app", b"aulalocal")
INSTANCE_PREFIX = "AulaLocal \u2013 "  # "AulaLocal – <laptop name>"
MAX_PEERS = 50  # a school has a few laptops; a network that announces thousands gets the first ones
log = logging.getLogger("aulalocal.peers")


@dataclass(frozen=True)
class FoundPeer:
    name: str  # "AulaLocal – PC1", as it announces itself
    address: Address


def laptop_of(name: str) -> str:
    """The laptop's name in its announcement ("PC1" of "AulaLocal – PC1"), to show."""
    return name.removeprefix(INSTANCE_PREFIX).strip() or name


def _zeroconf(interfaces: Sequence[str] | None):
    from zeroconf import InterfaceChoice, IPVersion, Zeroconf

    return Zeroconf(interfaces=list(interfaces) if interfaces else InterfaceChoice.All, ip_version=IPVersion.V4Only)


def browse(
    seconds: float = 3.0,
    *,
    interfaces: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    factory: Callable[[Sequence[str] | None], object] = _zeroconf,
) -> list[FoundPeer]:
    """The AulaLocal laptops that answer within ``seconds`` (at most ``MAX_PEERS``), by name.

    ``exclude``: instance names to leave out (this laptop's own site).
    ``interfaces``: the addresses to browse on (tests: 127.0.0.1).
    """
    from zeroconf import ServiceBrowser, ServiceStateChange

    names: list[str] = []
    seen = threading.Lock()

    def changed(zeroconf, service_type, name, state_change) -> None:
        if state_change is ServiceStateChange.Added:
            with seen:
                if name not in names and len(names) < MAX_PEERS:
                    names.append(name)

    end = time.monotonic() + seconds
    try:
        zc = factory(interfaces)
    except Exception as exc:  # noqa: BLE001 - no multicast here: nothing found, the address can be typed
        log.warning("mDNS browse failed: %r", exc)
        return []
    try:
        browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[changed])
        try:
            time.sleep(max(0.0, end - time.monotonic()))
        finally:
            browser.cancel()
        found: dict[Address, FoundPeer] = {}
        with seen:
            candidates = list(names)
        for name in candidates:
            peer = _resolve(zc, name, exclude)
            if peer is not None:
                found.setdefault(peer.address, peer)
        return sorted(found.values(), key=lambda p: (p.name, str(p.address)))
    except Exception as exc:  # noqa: BLE001 - a network that fails mid-browse finds what it found
        log.warning("mDNS browse failed: %r", exc)
        return []
    finally:
        zc.close()


def _resolve(zc, name: str, exclude: Sequence[str]) -> FoundPeer | None:
    from aulalocal.peers.client import Address

    instance = name.removesuffix("." + SERVICE_TYPE)
    if instance in exclude:
        return None
    info = zc.get_service_info(SERVICE_TYPE, name, timeout=1000)
    if info is None or (info.properties or {}).get(APP_PROPERTY[0]) != APP_PROPERTY[1]:
        return None
    port = info.port
    if not isinstance(port, int) or not 0 < port < 65536:
        return None
    for text in info.parsed_addresses():
        try:
            ip = ipaddress.IPv4Address(text)
        except ValueError:
            continue
        if not (ip.is_multicast or ip.is_unspecified):
            return FoundPeer(instance, Address(str(ip), port))
    return None
