"""Listen on the classroom site: a record read aloud, as an MP3 (or WAV) file the page's player plays.

A reading takes about a second of the laptop's CPU, and a class may ask for
the same one thirty times: each reading is made once per record, language
and format, by one synthesizer thread (eSpeak reads one text at a time per
process), and kept in a folder of the site's own (a temporary one, emptied
when the site stops), the oldest files dropped past ``CACHE_BYTES``. Kept
on disk, not in memory: the site's memory stays the same however many
readings a class asks for.

The bounds: at most ``QUEUE`` readings waiting to be made, and at most
``WAITERS`` requests waiting for one (the other request threads keep
serving pages); past either, 503 with Retry-After. Phones seek with range
requests: the answer is WebOb's (``conditional_response``: Range, If-Range,
If-None-Match), never parsed here. WebOb and eSpeak are imported when a
reading is first asked for, not before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitedTooLong
from importlib.util import find_spec
from pathlib import Path

from aulalocal.errors import N_

log = logging.getLogger("aulalocal.web")
QUEUE = 4  # readings waiting to be made (a few seconds of work)
WAITERS = 2  # request threads waiting for a reading, of server.THREADS: the rest serve pages
WAIT_S = 60.0  # a long law takes a few seconds; past this the device is told to try again
RETRY_AFTER_S = 10
CACHE_BYTES = 64 * 1024 * 1024  # on disk: about 90 minutes of MP3 readings
CONTENT_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav"}
BUSY_MESSAGE = N_("Many devices are asking for readings right now. Try again in a minute.")
OUT_OF_RANGE_MESSAGE = N_("This part of the reading does not exist. Play it from the start.")


class Busy(Exception):
    """Too many readings asked at once: the device tries again after a while."""


def formats() -> tuple[str, ...]:
    """The formats offered, the first preferred: MP3 where the encoder is installed, WAV always."""
    return ("mp3", "wav") if find_spec("lameenc") is not None else ("wav",)


def _synthesize(record, lang: str, fmt: str) -> bytes:
    from aulalocal.speech import record_audio

    return record_audio(record, lang, fmt)


class Readings:
    """Readings of records made once, off the request threads, and kept on disk while the site runs."""

    def __init__(self, folder: Path | None = None, *, cache_bytes: int = CACHE_BYTES, queue: int = QUEUE,
                 waiters: int = WAITERS, synthesize: Callable[[object, str, str], bytes] = _synthesize) -> None:
        self._folder = folder
        self._own_folder = folder is None
        self.cache_bytes = cache_bytes
        self.queue = queue
        self.waiters = waiters
        self._synthesize = synthesize
        self._lock = threading.Lock()
        self._making: dict[str, Future] = {}
        self._waiting = 0
        self._pool: ThreadPoolExecutor | None = None
        self.made = 0  # readings synthesized (a reading asked again is not)

    @staticmethod
    def key(record, lang: str, fmt: str) -> str:
        """The reading's name: what it reads (the record's data), in which language and format."""
        data = json.dumps(record.data, sort_keys=True, ensure_ascii=False)
        text = "\x1f".join((record.catalog, record.kind, record.id, lang, fmt, data))
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

    def folder(self) -> Path:
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="aulalocal-listen-"))
            else:
                self._folder.mkdir(parents=True, exist_ok=True)
            return self._folder

    def path(self, record, lang: str, fmt: str) -> Path:
        """The file of the reading, made first if it is not kept (waits for it; raises Busy, AulaLocalError)."""
        key = self.key(record, lang, fmt)
        target = self.folder() / f"{key}.{fmt}"
        if target.exists():
            _touch(target)
            return target
        with self._lock:
            future = self._making.get(key)
            if future is None and target.exists():  # made by another request since the look above
                return target
            if future is None:
                if len(self._making) >= self.queue:
                    raise Busy()
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aulalocal-listen")
                future = self._making[key] = self._pool.submit(self._make, key, target, record, lang, fmt)
            if self._waiting >= self.waiters:
                raise Busy()
            self._waiting += 1
        try:
            return future.result(WAIT_S)
        except WaitedTooLong:
            raise Busy() from None
        finally:
            with self._lock:
                self._waiting -= 1

    def _make(self, key: str, target: Path, record, lang: str, fmt: str) -> Path:
        from aulalocal.fileio import write_atomically

        try:
            data = self._synthesize(record, lang, fmt)
            self.made += 1
            write_atomically(target, [data])
            self._trim(keep=target)
            return target
        finally:
            with self._lock:
                self._making.pop(key, None)

    def _trim(self, keep: Path) -> None:
        """Drop the readings used longest ago while the folder holds more than ``cache_bytes``."""
        files = []
        for entry in self.folder().iterdir():
            if entry.suffix[1:] in CONTENT_TYPES and entry != keep:
                stat = entry.stat()
                files.append((stat.st_mtime, stat.st_size, entry))
        total = sum(size for _m, size, _e in files) + keep.stat().st_size
        for _mtime, size, entry in sorted(files):
            if total <= self.cache_bytes:
                break
            entry.unlink(missing_ok=True)
            total -= size

    def close(self) -> None:
        """Stop the synthesizer (after the reading it is making) and remove the folder the site made."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if self._own_folder and self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _touch(path: Path) -> None:
    """The reading was used now: the last to be dropped."""
    try:
        now = time.time()
        os.utime(path, (now, now))
    except OSError:
        pass


def answer(environ, path: Path, fmt: str, file_name: str, download: bool, headers: list) -> Callable:
    """The WSGI answer of a reading's file: whole, a range of it (206) or 304, by WebOb; OutOfRange for a 416."""
    from webob import Request, Response
    from webob.static import FileIter

    fh = open(path, "rb")  # noqa: SIM115 - closed by the server when sent (FileIter)
    size = os.fstat(fh.fileno()).st_size
    response = Response(app_iter=FileIter(fh), content_length=size, content_type=CONTENT_TYPES[fmt], charset=None,
                        conditional_response=True)
    response.headerlist.extend(headers)
    # filenames.suggested_name gives ASCII letters, digits, '-' and '.': nothing to quote.
    response.content_disposition = f'{"attachment" if download else "inline"}; filename="{file_name}"'
    response.cache_control = "no-cache"  # an update may change the record: asked again, with the ETag
    response.etag = path.stem  # the reading's name: what it reads
    response.accept_ranges = "bytes"
    request = Request(environ)
    # WebOb would answer a range past the end itself, in English: the site says it in the page's language.
    if request.range is not None and response in request.if_range and request.range.content_range(size) is None:
        fh.close()
        raise OutOfRange(size)
    return response.conditional_response_app


class OutOfRange(Exception):
    """A range past the reading's end (416)."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size

