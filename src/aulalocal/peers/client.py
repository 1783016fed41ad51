"""Asking another laptop for its updates: plain HTTP over the school network, every answer hostile.

The standard library's ``http.client`` speaks HTTP; this module only bounds
what it may cost:

- every connection and every read has a timeout, a whole answer a total
  time, and a download a minimum rate, measured over windows of
  ``Limits.rate_window`` seconds (a peer that drips a byte now and then is
  dropped, not waited for);
- nothing is read past the size the index announced (a body longer than
  that, or endless, is refused), and small files (the index, a signature, a
  key) past their limits;
- redirects are never followed, to another host or to the same one: an
  AulaLocal peer never redirects under ``/updates/``, so a redirect means
  something else answers there;
- a download that drops resumes where it stopped, with a range request that
  holds only while the file is still the one announced (``If-Range`` on its
  SHA-256); a peer that ignores the range sends the file again from its start.

A guard thread ends a blocked read at once when the operation is cancelled,
runs out of time or falls under the minimum rate: the socket is shut, the
read returns, and the reason becomes the message.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aulalocal.bundle.staging import disk_error
from aulalocal.errors import N_, Cancelled, PeerError, UsageError
from aulalocal.peers.index import OfferedFile

DEFAULT_PORT = 8080  # the classroom site's (web.server)
PREFIX = "/updates/"
CHUNK = 256 * 1024
Progress = Callable[[int], None]  # bytes of this file so far
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class Address:
    """Where another laptop's site answers."""

    host: str
    port: int = DEFAULT_PORT

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self}{PREFIX}"


def parse_address(text: str) -> Address:
    """``192.168.1.20:8080``, ``pc1.local``, ``http://192.168.1.20:8080/`` (or ``.../updates/``) as an address."""
    text = text.strip()
    try:
        parts = urlsplit(text if "://" in text else "http://" + text)
        port = parts.port
    except ValueError:
        port, parts = None, None
    if (
        parts is None
        or parts.scheme != "http"
        or not _is_host(parts.hostname or "")
        or parts.username is not None
        or parts.query
        or parts.fragment
        or parts.path not in ("", "/", PREFIX, PREFIX.rstrip("/"), PREFIX + "index.json")
    ):
        raise UsageError(
            N_("'{text}' is not the address of another computer. Type it as the computer shows it, e.g. 192.168.1.20:8080."),
            text=text,
        )
    return Address(parts.hostname, port or DEFAULT_PORT)


def _is_host(text: str) -> bool:
    """An IP address, or a host name of letters, digits and dashes (``pc1.local``)."""
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?", text) is not None and len(text) <= 253


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = 5.0  # seconds to connect
    read_timeout: float = 15.0  # seconds a read may wait for a byte
    small_time: float = 30.0  # seconds for all of a small file: the index, a signature, a key
    min_rate: int = 16 * 1024  # bytes a second a download brings at least, in every window
    rate_window: float = 20.0  # seconds
    retries: int = 5  # reconnections in a row that bring nothing, before giving up

    def total_time(self, size: int) -> float:
        """The longest a file of ``size`` bytes may take: a download at the minimum rate, and some."""
        return self.small_time + 2 * size / self.min_rate


class _Guard:
    """Shuts the socket of a blocked read when the operation is cancelled, out of time or too slow."""

    def __init__(self, cancel: CancelCheck | None, deadline: float, limits: Limits, measure_rate: bool) -> None:
        self.cancel, self.deadline, self.limits, self.measure_rate = cancel, deadline, limits, measure_rate
        self.reason: str | None = None
        self.received = 0
        self._sock: socket.socket | None = None
        self._active = False
        self._window = (time.monotonic(), 0)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="aulalocal-peer-guard", daemon=True)

    def __enter__(self) -> "_Guard":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
        if self.reason is not None:
            self._shut()

    def transferring(self, active: bool) -> None:
        """The minimum rate counts while a body is being read, not while connecting again after a drop."""
        with self._lock:
            self._active = active
            self._window = (time.monotonic(), self.received)

    def shorten(self, timeout: float) -> None:
        with self._lock:
            sock = self._sock
        if sock is not None:
            sock.settimeout(timeout)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            now = time.monotonic()
            if self.cancel is not None and self.cancel():
                self.reason = "cancel"
            elif now > self.deadline:
                self.reason = "time"
            elif self.measure_rate:
                with self._lock:
                    active, (window_start, window_bytes) = self._active, self._window
                    if active and now - window_start >= self.limits.rate_window:
                        if self.received - window_bytes < self.limits.min_rate * (now - window_start):
                            self.reason = "slow"
                        self._window = (now, self.received)
            if self.reason is not None:
                self._shut()
                return

    def _shut(self) -> None:
        with self._lock:
            sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def check(self, address: Address) -> None:
        """Raise what stopped the operation, if something did."""
        if self.reason == "cancel":
            raise Cancelled(N_("Cancelled. Nothing was changed."))
        if self.reason == "time":
            raise PeerError(N_("The computer at {peer} took too long to answer. Nothing was changed; try again later."), peer=str(address))
        if self.reason == "slow":
            raise PeerError(
                N_("The connection to {peer} is too slow to bring the update (under {rate} KB a second). Nothing was changed; try again closer to the Wi-Fi, or use a USB drive."),
                peer=str(address), rate=self.limits.min_rate // 1024,
            )


def _lost(address: Address) -> PeerError:
    return PeerError(
        N_("The connection to {peer} was lost. Check that both computers are on the same network and that it is still sharing, then try again. Nothing was changed."),
        peer=str(address),
    )


def _request(address: Address, name: str, headers: dict, limits: Limits, guard: _Guard):
    """GET ``/updates/<name>``: the connection and the response's head (status not checked yet)."""
    conn = http.client.HTTPConnection(address.host, address.port, timeout=limits.connect_timeout)
    try:
        conn.connect()
        guard.watch(conn.sock)
        conn.sock.settimeout(limits.read_timeout)
        conn.putrequest("GET", PREFIX + name, skip_accept_encoding=True)
        conn.putheader("Accept-Encoding", "identity")
        conn.putheader("User-Agent", "AulaLocal")
        for key, value in headers.items():
            conn.putheader(key, value)
        conn.endheaders()
        return conn, conn.getresponse()
    except BaseException:
        conn.close()
        raise


def _refused(address: Address, response: http.client.HTTPResponse) -> PeerError:
    if 300 <= response.status < 400:
        return PeerError(
            N_("The computer at {peer} sent AulaLocal to another address; AulaLocal does not follow it. Nothing was changed."),
            peer=str(address),
        )
    if response.status == 404:
        return PeerError(
            N_("The computer at {peer} no longer offers this update (it may be another program, an older AulaLocal, or not sharing any more). Nothing was changed."),
            peer=str(address),
        )
    return PeerError(N_("The computer at {peer} answered with an error ({status}). Nothing was changed; try again later."),
                     peer=str(address), status=response.status)


def get_small(address: Address, name: str, limit: int, *, limits: Limits = Limits(), cancel: CancelCheck | None = None) -> bytes:
    """The whole of a small file (at most ``limit`` bytes) from the peer, in ``limits.small_time``."""
    with _Guard(cancel, time.monotonic() + limits.small_time, limits, measure_rate=False) as guard:
        try:
            conn, response = _request(address, name, {}, limits, guard)
            try:
                if response.status != 200:
                    raise _refused(address, response)
                announced = response.length  # http.client counts it down as it reads
                if announced is not None and announced > limit:
                    raise _too_large(address, name, limit)
                data = response.read(limit + 1)
                if len(data) > limit:
                    raise _too_large(address, name, limit)
                if announced is not None and len(data) != announced:
                    raise http.client.IncompleteRead(data)
                return data
            finally:
                conn.close()
        except (OSError, http.client.HTTPException):
            guard.check(address)
            raise _lost(address) from None
        finally:
            guard.check(address)


def _too_large(address: Address, name: str, limit: int) -> PeerError:
    return PeerError(N_("The computer at {peer} sent more than {limit} KB for {name}. Nothing was changed."),
                     peer=str(address), name=name, limit=max(1, limit // 1024))


def download(
    address: Address, offered: OfferedFile, target: Path, *, limits: Limits = Limits(),
    progress: Progress | None = None, cancel: CancelCheck | None = None,
) -> None:
    """``offered`` into the new file ``target``, resuming after drops; its size and SHA-256 as announced."""
    from aulalocal.fileio import create_new

    with create_new(target, 0o600) as out, _Guard(cancel, time.monotonic() + limits.total_time(offered.size), limits, measure_rate=True) as guard:
        digest = hashlib.sha256()
        done, fruitless = 0, 0
        buffer = memoryview(bytearray(CHUNK))
        while done < offered.size:
            before = done
            try:
                done, digest = _transfer(address, offered, out, target, done, digest, buffer, limits, guard, progress)
            except _Dropped as drop:
                done, digest = drop.done, drop.digest
                guard.check(address)  # cancelled, out of time, too slow
                fruitless = 0 if done > before else fruitless + 1
                if fruitless > limits.retries:
                    raise _lost(address) from None
                _pause(0.2 * fruitless, guard, address)
        guard.check(address)
        if digest.hexdigest() != offered.sha256:
            raise PeerError(
                N_("{name} from {peer} is not the file it announced (its SHA-256 differs). Nothing was changed; try again."),
                name=offered.name, peer=str(address),
            )


def _pause(seconds: float, guard: _Guard, address: Address) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        guard.check(address)
        time.sleep(0.05)


def _transfer(address, offered: OfferedFile, out, target: Path, done: int, digest, buffer: memoryview, limits: Limits, guard: _Guard, progress):
    """One request for the rest of the file from ``done``: (bytes now, the hash so far).

    A drop raises ``_Dropped`` with what came; the caller asks again from
    there. Anything the peer says wrong raises ``PeerError``; the laptop's
    own disk, ``StorageError``.
    """
    from webob.byterange import ContentRange

    headers = {"Range": f"bytes={done}-", "If-Range": f'"{offered.sha256}"'} if done else {}
    conn = None
    try:
        conn, response = _request(address, offered.name, headers, limits, guard)
        if response.status == 200 and done:
            # The whole file again (the peer ignored the range, or the file changed): from its start.
            try:
                out.seek(0)
                out.truncate()
            except OSError as exc:
                raise disk_error(exc, target.parent) from exc
            done, digest = 0, hashlib.sha256()
        elif response.status == 206 and done:
            parsed = ContentRange.parse(response.getheader("Content-Range", ""))
            if parsed is None or (parsed.start, parsed.stop, parsed.length) != (done, offered.size, offered.size):
                raise PeerError(N_("The computer at {peer} sent a part of {name} that was not asked for. Nothing was changed."),
                                peer=str(address), name=offered.name)
        elif response.status != 200:
            raise _refused(address, response)
        if response.length is not None and response.length != offered.size - done:
            raise _size_lie(address, offered)
        guard.transferring(True)
        while done < offered.size:
            count = response.readinto(buffer[: min(CHUNK, offered.size - done)])
            if not count:
                raise http.client.IncompleteRead(b"")  # ended early: a drop
            chunk = buffer[:count]
            try:
                out.write(chunk)
            except OSError as exc:  # the laptop's disk, not the network
                raise disk_error(exc, target.parent) from exc
            digest.update(chunk)
            done += count
            guard.received += count
            if progress is not None:
                progress(done)
        if response.length is None and _more_comes(response, guard):
            raise _size_lie(address, offered)
        return done, digest
    except (OSError, http.client.HTTPException) as exc:
        raise _Dropped(done, digest) from exc
    finally:
        guard.transferring(False)
        if conn is not None:
            conn.close()


class _Dropped(OSError):
    """A transfer that stopped part-way, with what it had brought."""

    def __init__(self, done: int, digest) -> None:
        super().__init__("dropped")
        self.done, self.digest = done, digest


def _more_comes(response: http.client.HTTPResponse, guard: _Guard) -> bool:
    """Whether a body without a length goes on past the announced size (a short wait for it)."""
    try:
        guard.shorten(1.0)
        return bool(response.read(1))
    except (OSError, http.client.HTTPException):
        return False


def _size_lie(address: Address, offered: OfferedFile) -> PeerError:
    return PeerError(
        N_("The computer at {peer} sends {name} with another size than it announced. Nothing was changed."),
        peer=str(address), name=offered.name,
    )
