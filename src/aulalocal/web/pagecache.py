"""Pages as rendered, kept until the catalog changes: a class opening the same pages renders each once.

Between two updates the site is read-only, so a page's bytes depend only on
its address (language, path, query) and the catalog's version. The cache
holds the most recently asked pages up to a number of bytes, and is emptied
as soon as a request sees another catalog version. Pages are kept
compressed (zlib: a 9 KB page in 2.6 KB, unpacked in 16 us). Every page
repeats the site's markup (head, language switch, sections, labels), so
once the first pages kept since the catalog changed make 16 KB, they are
zlib's preset dictionary for the next ones: a record in 1.0 KB rather than
1.7, a section page in 1.7 rather than 2.3. Each page keeps an ETag (a hash
of its bytes), so a device that has the page gets a bodiless 304.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections import OrderedDict
from typing import NamedTuple

# About 2,000 pages of 3-15 KB (1-3 KB compressed, 450 bytes kept beside each): at
# 50,000 records the closed load of docs/benchmarks-web.md gets 1,000 pages a
# second from 3 MB (p95 50 ms), 1,200 from 4 MB and 800 from 2 MB, for about
# 1.2 MB of the site's memory a MB.
DEFAULT_BYTES = 3 * 1024 * 1024


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


class PageCache:
    """Pages by key, bounded by the bytes of its pages: the least recently used go first.

    A page that took long to make (a search: 10-40 ms of SQLite at 50,000
    records, against 1 ms for a record) is kept in a part of its own, which
    cheap pages cannot push below half the cache: otherwise a class opening
    many different records drops every search from it.
    """

    ENTRY_OVERHEAD = 450  # bytes a kept page costs beyond its body (key, tuple, ETag, dict slot: measured)
    COSTLY_S = 0.005  # a page that took this long to make is kept with the costly ones

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes = max_bytes
        self._parts: tuple[OrderedDict[tuple, Page], OrderedDict[tuple, Page]] = (OrderedDict(), OrderedDict())
        self._bytes = [0, 0]  # cheap, costly
        self._version: str | None = None
        self._dictionary = b""  # made of the first pages kept; used once DICTIONARY_BYTES long
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, version: str, key: tuple) -> Page | None:
        with self._lock:
            if version != self._version:
                self._drop_all(version)
            for part in self._parts:
                page = part.get(key)
                if page is not None:
                    part.move_to_end(key)
                    self.hits += 1
                    return page
            self.misses += 1
            return None

    def put(self, version: str, key: tuple, body: bytes, cost_s: float = 0.0) -> Page:
        """Keep ``body`` (made in ``cost_s`` seconds) under ``key``; its ``Page`` either way."""
        dictionary = self._dictionary
        page = Page.of(body, dictionary if len(dictionary) >= DICTIONARY_BYTES else b"")
        size = len(page.packed) + self.ENTRY_OVERHEAD
        if size > self.max_bytes:
            return page
        with self._lock:
            if version != self._version:  # made from an older catalog: not kept
                return page
            if len(self._dictionary) < DICTIONARY_BYTES:
                self._dictionary = (self._dictionary + body)[:DICTIONARY_BYTES]
            for n, part in enumerate(self._parts):
                old = part.pop(key, None)
                if old is not None:
                    self._bytes[n] -= len(old.packed) + self.ENTRY_OVERHEAD
            costly = int(cost_s >= self.COSTLY_S)
            self._parts[costly][key] = page
            self._bytes[costly] += size
            while sum(self._bytes) > self.max_bytes:
                cheap = self._bytes[0] > self.max_bytes // 2 or not self._parts[1]
                n = 0 if cheap and self._parts[0] else 1
                _key, dropped = self._parts[n].popitem(last=False)
                self._bytes[n] -= len(dropped.packed) + self.ENTRY_OVERHEAD
        return page

    def clear(self) -> None:
        with self._lock:
            self._drop_all(self._version)

    def _drop_all(self, version: str | None) -> None:
        for part in self._parts:
            part.clear()
        self._bytes = [0, 0]
        self._version = version
        self._dictionary = b""  # the next catalog's pages make their own

    @property
    def size(self) -> int:
        """Bytes held (compressed pages and their overhead)."""
        return sum(self._bytes)

    def __len__(self) -> int:
        return sum(len(part) for part in self._parts)
