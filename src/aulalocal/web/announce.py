"""The site announced on the school network by mDNS/DNS-SD (``zeroconf``), so it is found by name too.

Service ``_http._tcp``, instance "AulaLocal – <laptop name>", TXT ``path``
and ``languages`` (and ``app=aulalocal``, so another AulaLocal can tell its
peers from other web servers). Many tablets cannot resolve ``.local`` names:
the app also shows the IP address and its QR code.

The announcer's ``Zeroconf`` is made by a factory the caller may replace
(tests pass one that records what it is asked, and the service information
is checked as built): nothing here is sent unless ``Announcer.start`` runs.
"""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Callable, Sequence

from aulalocal.i18n import LANGUAGES
from aulalocal.peers.discover import APP_PROPERTY, INSTANCE_PREFIX, SERVICE_TYPE  # what other laptops browse for

_LABEL_BYTES = 63  # longest DNS label
log = logging.getLogger("aulalocal.web")


def laptop_name() -> str:
    """The laptop's name as people call it (its host name, without a domain)."""
    name = socket.gethostname().split(".")[0].strip()
    return name or "laptop"


def instance_name(laptop: str) -> str:
    """"AulaLocal – <laptop>", cut to one DNS label (63 bytes) without splitting a letter."""
    text = INSTANCE_PREFIX + " ".join(laptop.split())
    while len(text.encode("utf-8")) > _LABEL_BYTES:
        text = text[:-1]
    return text.rstrip()


def host_label(laptop: str) -> str:
    """A host name of our own (``aulalocal-<laptop>``), never the laptop's: the system's responder owns that one."""
    label = re.sub(r"[^a-z0-9-]+", "-", laptop.lower()).strip("-")
    return ("aulalocal-" + label)[:_LABEL_BYTES].rstrip("-") if label else "aulalocal"


def service_info(port: int, addresses: Sequence[str], laptop: str | None = None, path: str = "/"):
    """The ``zeroconf.ServiceInfo`` of the site on ``port`` at ``addresses`` (IPv4, as text)."""
    from zeroconf import ServiceInfo

    laptop = laptop or laptop_name()
    return ServiceInfo(
        SERVICE_TYPE,
        f"{instance_name(laptop)}.{SERVICE_TYPE}",
        port=port,
        properties={"path": path, "languages": ",".join(LANGUAGES), APP_PROPERTY[0].decode(): APP_PROPERTY[1].decode()},
        server=f"{host_label(laptop)}.local.",
        addresses=[socket.inet_aton(address) for address in addresses],
    )


def _zeroconf(addresses: Sequence[str]):
    from zeroconf import IPVersion, Zeroconf

    return Zeroconf(interfaces=list(addresses), ip_version=IPVersion.V4Only)


class Announcer:
    """Announces the site while it runs; ``stop`` says goodbye and closes."""

    def __init__(self, factory: Callable[[Sequence[str]], object] = _zeroconf) -> None:
        self._factory = factory
        self._zeroconf = None
        self.info = None

    def start(self, port: int, addresses: Sequence[str], laptop: str | None = None) -> bool:
        """Announce on ``addresses``; False (and logged) when the network refuses, which only costs the name."""
        if not addresses:
            return False
        try:
            self.info = service_info(port, addresses, laptop)
            self._zeroconf = self._factory(addresses)
            # Another laptop of the school may already be "AulaLocal – PC1".
            self._zeroconf.register_service(self.info, allow_name_change=True)
        except Exception as exc:  # noqa: BLE001 - the site works without its name
            log.warning("mDNS announcement failed: %r", exc)
            self.stop()
            return False
        return True

    @property
    def instance(self) -> str:
        """The name devices see ("AulaLocal – PC1", or "AulaLocal – PC1 (2)" when the network had it already)."""
        return self.info.name.removesuffix("." + SERVICE_TYPE) if self.info is not None else ""

    def stop(self) -> None:
        zc, self._zeroconf = self._zeroconf, None
        if zc is None:
            return
        try:
            if self.info is not None:
                zc.unregister_service(self.info)
        except Exception as exc:  # noqa: BLE001 - closing anyway
            log.warning("mDNS goodbye failed: %r", exc)
        finally:
            zc.close()
