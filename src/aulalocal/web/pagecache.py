"""Pages as rendered, kept until the catalog changes: a class opening the same pages renders each once.

Between two updates the site is read-only, so a page's bytes depend only on
its address (language, path, query) and the catalog's version. The cache
holds the most recently asked pages up to a number of bytes, and is emptied
as soon as a request sees another catalog version. Pages are kept
compressed (zlib: a 9 KB page in 2.6 KB, unpacked in 16 us). Every page
repeats the site's markup (head, language switch, sections, labels), so
once the first pages kept since the catalog changed make 16 KB, they are
zlib's preset dictionary for the next ones: a record in 1.0 KB rather than
1.7, a section page in 1.7 rather than 2.3. The compressed pages are kept
in a temporary file, not in the site's memory (``PageCache``). Each page
keeps an ETag (a hash of its bytes), so a device that has the page gets a
bodiless 304.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import tempfile
import threading
import zlib
from collections import OrderedDict
from typing import NamedTuple

log = logging.getLogger("aulalocal.web")

# About 2,500 pages of 3-15 KB (1-3 KB compressed, in the file, 340 bytes of
# memory each): at 50,000 records the closed load of docs/benchmarks-web.md
# gets about 1,200 pages a second from 4 MB, 950 from 3 MB, 1,900 from 6 MB; the
# site's memory differs by less than a MB between them (the file holds them).
DEFAULT_BYTES = 4 * 1024 * 1024
DICTIONARY_BYTES = 16 * 1024  # of the first pages kept: zlib's preset dictionary for the others


class Page(NamedTuple):
    packed: bytes  # the page's bytes, compressed
    etag: str
    dictionary: bytes = b""  # zlib's preset dictionary it was compressed with, shared by the pages

    @classmethod
    def of(cls, body: bytes, dictionary: bytes = b"") -> "Page":
        packer = zlib.compressobj(6, zdict=dictionary) if dictionary else zlib.compressobj(6)
        packed = packer.compress(body) + packer.flush()
        return cls(packed, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"', dictionary)

    @property
    def body(self) -> bytes:
        if not self.dictionary:
            return zlib.decompress(self.packed)
        unpacker = zlib.decompressobj(zdict=self.dictionary)
        return unpacker.decompress(self.packed) + unpacker.flush()


def _short(key: tuple) -> bytes:
    """A page's key in 16 bytes (its address is 100-300 bytes of strings): what the index holds."""
    return hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=16).digest()


class PageCache:
    """Pages by key, bounded by the bytes of its pages: the least recently used go first.

    A page that took long to make (a search: 10-40 ms of SQLite at 50,000
    records, against 1 ms for a record) is kept in a part of its own, which
    cheap pages cannot push below half the cache: otherwise a class opening
    many different records drops every search from it.

    The pages' compressed bytes are kept in a temporary file of the cache's
    own (deleted when it closes, or when the process ends however it ends),
    read back through the system's file cache, which gives that memory back
    when the laptop needs it: the site's memory holds where each page is.
    The file only grows; past twice ``max_bytes``, the pages still kept are
    copied to a new one. A full disk keeps nothing more, and the site serves
    on, rendering each page.
    """

    ENTRY_OVERHEAD = 340  # bytes of memory a kept page costs (short key, place, ETag, dict slot: measured)
    COSTLY_S = 0.005  # a page that took this long to make is kept with the costly ones

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes = max_bytes
        # _short(key) -> (offset in the file, length, ETag, dictionary)
        self._parts: tuple[OrderedDict[bytes, tuple], OrderedDict[bytes, tuple]] = (OrderedDict(), OrderedDict())
        self._bytes = [0, 0]  # cheap, costly: pages' bytes in the file and ENTRY_OVERHEAD each
        self._version: str | None = None
        self._dictionary = b""  # made of the first pages kept; used once DICTIONARY_BYTES long
        self._file = None  # made at the first page kept
        self._end = 0  # where the next page goes in the file
        self._unwritable = False  # the last page could not be written (said once in the log)
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, version: str, key: tuple) -> Page | None:
        key = _short(key)
        with self._lock:
            if version != self._version:
                self._drop_all(version)
            for part in self._parts:
                entry = part.get(key)
                if entry is not None:
                    offset, length, etag, dictionary = entry
                    try:
                        packed = self._read(offset, length)
                    except OSError:
                        break
                    part.move_to_end(key)
                    self.hits += 1
                    return Page(packed, etag, dictionary)
            self.misses += 1
            return None

    def put(self, version: str, key: tuple, body: bytes, cost_s: float = 0.0) -> Page:
        """Keep ``body`` (made in ``cost_s`` seconds) under ``key``; its ``Page`` either way."""
        dictionary = self._dictionary
        page = Page.of(body, dictionary if len(dictionary) >= DICTIONARY_BYTES else b"")
        size = len(page.packed) + self.ENTRY_OVERHEAD
        if size > self.max_bytes:
            return page
        key = _short(key)
        with self._lock:
            if version != self._version:  # made from an older catalog: not kept
                return page
            if len(self._dictionary) < DICTIONARY_BYTES:
                self._dictionary = (self._dictionary + body)[:DICTIONARY_BYTES]
            self._forget(key)
            try:
                offset = self._write(page.packed)
            except OSError as exc:  # a full disk: pages are made each time, as without a cache
                if not self._unwritable:
                    log.warning("pages not kept: %s", exc)
                self._unwritable = True
                return page
            self._unwritable = False
            costly = int(cost_s >= self.COSTLY_S)
            self._parts[costly][key] = (offset, len(page.packed), page.etag, page.dictionary)
            self._bytes[costly] += size
            while sum(self._bytes) > self.max_bytes:
                cheap = self._bytes[0] > self.max_bytes // 2 or not self._parts[1]
                n = 0 if cheap and self._parts[0] else 1
                _key, dropped = self._parts[n].popitem(last=False)
                self._bytes[n] -= dropped[1] + self.ENTRY_OVERHEAD
        return page

    def clear(self) -> None:
        with self._lock:
            self._drop_all(self._version)

    def close(self) -> None:
        """Drop every page and the file (the site stops)."""
        with self._lock:
            self._drop_all(self._version)
            if self._file is not None:
                self._file.close()
                self._file = None

    def _forget(self, key: bytes) -> None:
        for n, part in enumerate(self._parts):
            old = part.pop(key, None)
            if old is not None:
                self._bytes[n] -= old[1] + self.ENTRY_OVERHEAD

    def _read(self, offset: int, length: int) -> bytes:
        self._file.seek(offset)
        return self._file.read(length)

    def _write(self, packed: bytes) -> int:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="aulalocal-pages-", buffering=0)
            self._end = 0
        elif self._end + len(packed) > 2 * self.max_bytes:
            self._compact()
        self._file.seek(self._end)
        if self._file.write(packed) != len(packed):
            raise OSError(errno.ENOSPC, "the disk is full")
        offset, self._end = self._end, self._end + len(packed)
        return offset

    def _compact(self) -> None:
        """The pages still kept, in their order, into a new file: the old one's dropped pages go with it."""
        new = tempfile.TemporaryFile(prefix="aulalocal-pages-", buffering=0)
        end = 0
        try:
            for part in self._parts:
                for key, (offset, length, etag, dictionary) in part.items():
                    new.write(self._read(offset, length))
                    part[key] = (end, length, etag, dictionary)
                    end += length
        except OSError:
            new.close()
            self._drop_all(self._version)  # offsets are half moved: start again empty
            raise
        self._file.close()
        self._file, self._end = new, end

    def _drop_all(self, version: str | None) -> None:
        for part in self._parts:
            part.clear()
        self._bytes = [0, 0]
        self._end = 0  # the file is written over from its start
        self._version = version
        self._dictionary = b""  # the next catalog's pages make their own

    @property
    def size(self) -> int:
        """Bytes held (compressed pages in the file, and their overhead in memory)."""
        return sum(self._bytes)

    def __len__(self) -> int:
        return sum(len(part) for part in self._parts)
