"""The site served from the laptop: waitress on a background thread, started and stopped from any thread.

Waitress reads every request whole in its one network thread before a
worker runs the site, so idle or slow connections (slowloris) cost a socket,
never a worker: the pool stays free for the devices that ask. The pool is
bounded, connections are capped and timed out, and request heads and bodies
are limited. A busy port falls back to the next ones, then to any free port;
``port`` says which one it got.
"""

from __future__ import annotations

import errno
import logging
import os
import select
import socket
import sys
import threading
from pathlib import Path

from aulalocal.errors import N_, AulaLocalError
from aulalocal.web.announce import Announcer
from aulalocal.web.network import ANY_ADDRESS, Network, site_addresses

DEFAULT_PORT = 8080
FALLBACK_PORTS = 10  # DEFAULT_PORT + 1 ... + 10, then any free port
THREADS = 4  # workers: pages take a few ms of Python each; more threads only contend for the GIL
CONNECTION_LIMIT = 500  # open connections (under Windows' 512 sockets per select)
CHANNEL_TIMEOUT = 30  # seconds an idle connection is kept
MAX_HEADER_BYTES = 64 * 1024  # a 100 kB query string gets 431, read no further
log = logging.getLogger("aulalocal.web")


class ShareError(AulaLocalError):
    """The site could not start (the address is not the laptop's, no port is free)."""


def _bind(address: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if os.name == "nt":
            # Windows lets a second program bind a port taken with SO_REUSEADDR:
            # ask for it alone, so a busy port is seen as busy.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
    except OSError:
        sock.close()
        raise
    return sock


def bind_port(address: str, port: int, fallback: bool = True) -> socket.socket:
    """A socket bound to ``address``: ``port``, else (with ``fallback``) the next ports, else any free one."""
    candidates = [port] + ([port + n for n in range(1, FALLBACK_PORTS + 1) if port + n < 65536] + [0] if fallback and port else [])
    for candidate in candidates:
        try:
            return _bind(address, candidate)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES, getattr(errno, "WSAEADDRINUSE", -1), getattr(errno, "WSAEACCES", -1)):
                continue
            raise ShareError(
                N_("Cannot share on the address {address}: {reason}."), address=address, reason=exc.strerror or str(exc)
            ) from exc
    raise ShareError(N_("Port {port} is busy; choose another with --port."), port=port)


def _channel_class():
    """Waitress' connections, whose own refusals (a bad request line, a header too large) carry the site's headers."""
    from waitress.channel import HTTPChannel
    from waitress.task import ErrorTask

    from aulalocal.web.site import SECURITY_HEADERS

    class _ErrorTask(ErrorTask):
        def execute(self) -> None:
            self.response_headers.extend(SECURITY_HEADERS)
            super().execute()

    class _Channel(HTTPChannel):
        error_task_class = _ErrorTask

        def writable(self):
            # While a worker holds the output buffer (it sends the page itself),
            # the network thread could not send any of it: asked to, it would
            # spin on poll() holding Python's lock, and the worker would wait
            # for that lock to finish. The worker pulls the trigger when it lets
            # the buffer go with bytes left, and when the request is done.
            if not super().writable():
                return False
            if not self.requests:
                return True
            if not self.outbuf_lock.acquire(False):
                return False
            self.outbuf_lock.release()
            return True

    return _Channel


class ClassroomServer:
    """The site on a network address of the laptop, served on a thread of its own."""

    def __init__(
        self,
        app,
        address: str = ANY_ADDRESS,
        port: int = DEFAULT_PORT,
        *,
        fallback: bool = True,
        announcer: Announcer | None = None,
        threads: int = THREADS,
    ) -> None:
        self.app = app
        self.address = address
        self.requested_port = port
        self.fallback = fallback
        self.announcer = announcer
        self.threads = threads
        self.port: int | None = None
        self.announced = False
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def fell_back(self) -> bool:
        """The port asked for was busy and another one is used."""
        return bool(self.requested_port) and self.port is not None and self.port != self.requested_port

    def addresses(self) -> list[Network]:
        """Where devices open the site (every network of the laptop when bound to all)."""
        return site_addresses(self.address, self.port) if self.port else []

    def start(self) -> "ClassroomServer":
        """Bind, serve on a background thread, announce. Raises ``ShareError``."""
        from waitress.server import create_server

        # Waitress says "task queue depth is N" whenever a classroom asks at once.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        sock = bind_port(self.address, self.requested_port, self.fallback)
        self.port = sock.getsockname()[1]
        try:
            self._server = create_server(
                self.app,
                sockets=[sock],
                threads=self.threads,
                connection_limit=CONNECTION_LIMIT,
                channel_timeout=CHANNEL_TIMEOUT,
                cleanup_interval=10,
                max_request_header_size=MAX_HEADER_BYTES,
                max_request_body_size=0,
                expose_tracebacks=False,
                ident="AulaLocal",
                # poll() has no limit on descriptor numbers; select() stops at 1024
                asyncore_use_poll=hasattr(select, "poll"),
                clear_untrusted_proxy_headers=True,
            )
        except Exception:
            sock.close()
            raise
        self._server.channel_class = _channel_class()
        self._thread = threading.Thread(target=self._run, name="aulalocal-web", daemon=True)
        self._thread.start()
        if self.announcer is not None:
            self.announced = self.announcer.start(self.port, [n.address for n in self.addresses()])
        return self

    def _run(self) -> None:
        try:
            self._server.run()
        except Exception:  # noqa: BLE001 - logged; the app keeps running without the site
            log.exception("the classroom site stopped")

    def stop(self, timeout: float = 5.0) -> None:
        """Say goodbye on the network, close every connection, wait for the workers (at most ``timeout``)."""
        if self.announcer is not None:
            self.announcer.stop()
            self.announced = False
        server, self._server = self._server, None
        if server is None:
            return
        from waitress import wasyncore

        done = threading.Event()

        def close_all() -> None:  # in waitress' own thread, between two polls
            wasyncore.close_all(server._map)
            done.set()

        try:
            server.trigger.pull_trigger(close_all)
        except OSError:
            close_all()
        done.wait(timeout)
        if self._thread is not None:
            self._thread.join(timeout)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=timeout)
        close = getattr(self.app, "close", None)
        if close is not None:
            close()


def fewer_malloc_arenas() -> None:
    """Two glibc malloc arenas for the process, not one per thread (up to 8 a core).

    Each arena keeps the memory its thread freed; the site's threads take
    turns on Python's lock, so sharing two costs them nothing and saves the
    process about 4 MB under load (measured). Called before the site's
    threads start (in the window's process, Qt's threads may have arenas of
    their own already: those stay); elsewhere than glibc, nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None).mallopt(-8, 2)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def serve_folder(data_dir: Path, address: str = ANY_ADDRESS, port: int = DEFAULT_PORT, *,
                 announce: bool = True, default_lang: str = "es") -> ClassroomServer:
    """The catalog of the data folder ``data_dir``, served and (with ``announce``) announced."""
    from aulalocal.web.site import Site
    from aulalocal.web.updates import UpdatesOffer

    fewer_malloc_arenas()

    site = Site(data_dir, default_lang=default_lang)
    site.mount("updates", UpdatesOffer(data_dir))  # what this laptop passes on to others (docs/network-updates.md)
    server = ClassroomServer(site, address, port, announcer=Announcer() if announce else None).start()
    # What is costly to ask at 50,000 records (a second), asked before the first visitor does.
    threading.Thread(target=_warm, args=(site,), name="aulalocal-web-warm", daemon=True).start()
    return server


def _warm(site) -> None:
    try:
        site.pages.warm()
    except Exception:  # noqa: BLE001 - the pages ask again themselves
        log.exception("preparing the site failed")
