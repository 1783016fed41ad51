"""The laptop's network addresses, the site's address on each, and QR codes of them."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

ANY_ADDRESS = "0.0.0.0"


@dataclass(frozen=True)
class Network:
    """One IPv4 address of the laptop, on the adapter the system calls ``name``."""

    name: str
    address: str


def _order(network: Network) -> tuple[int, str]:
    ip = ipaddress.IPv4Address(network.address)
    # A school's Wi-Fi or hotspot first; link-local (an XO mesh without a
    # router) and the rest after.
    return (0 if ip.is_private and not ip.is_link_local else 1 if ip.is_link_local else 2, network.address)


def networks() -> list[Network]:
    """Every IPv4 address of the laptop but loopback, the school network's first."""
    import ifaddr

    found = set()
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if not ip.is_IPv4 or not isinstance(ip.ip, str):
                continue
            try:
                address = ipaddress.IPv4Address(ip.ip)
            except ValueError:
                continue
            if address.is_loopback or address.is_unspecified or address.is_multicast:
                continue
            found.add(Network(str(adapter.nice_name or adapter.name), str(address)))
    return sorted(found, key=_order)


def url(address: str, port: int) -> str:
    """``http://ADDRESS:PORT/``, what a student types or the QR code holds."""
    return f"http://{address}/" if port == 80 else f"http://{address}:{port}/"


def site_addresses(bound: str, port: int) -> list[Network]:
    """Where devices reach a site bound to ``bound``: every network for the any-address."""
    if bound in (ANY_ADDRESS, ""):
        return networks()
    return [Network("", bound)]


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of ``text`` as rows of dark (True) and light modules, without the quiet zone."""
    import segno

    code = segno.make_qr(text, error="m")
    return [[bool(module) for module in row] for row in code.matrix]
