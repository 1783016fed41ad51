"""Pages as rendered, kept until the catalog changes: a class opening the same pages renders each once.

Between two updates the site is read-only, so a page's bytes depend only on
its address (language, path, query) and the catalog's version. The cache
holds the most recently asked pages up to a number of bytes, and is emptied
as soon as a request sees another catalog version. Pages are kept
compressed (zlib: a 9 KB page in 2.6 KB, unpacked in 16 us), so 4 MB hold
about 1,500 of them. Each page keeps an ETag (a hash of its bytes), so a
device that has the page gets a bodiless 304.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections import OrderedDict
from typing import NamedTuple

DEFAULT_BYTES = 4 * 1024 * 1024  # about 1,500 pages of 3-10 KB (2.6 KB compressed)


class Page(NamedTuple):
    packed: bytes  # the page's bytes, compressed
    etag: str

    @classmethod
    def of(cls, body: bytes) -> "Page":
        packed = zlib.compress(body, 6)
        return cls(packed, '"' + hashlib.blake2b(packed, digest_size=12).hexdigest() + '"')

    @property
    def body(self) -> bytes:
        return zlib.decompress(self.packed)


class PageCache:
    """Pages by key, bounded by the bytes of its pages: the least recently used go first.

    A page that took long to make (a search: 10-40 ms of SQLite at 50,000
    records, against 1 ms for a record) is kept in a part of its own, which
    cheap pages cannot push below half the cache: otherwise a class opening
    many different records drops every search from it.
    """

    ENTRY_OVERHEAD = 200  # bytes a kept page costs beyond its body (key, tuple, dict slot)
    COSTLY_S = 0.005  # a page that took this long to make is kept with the costly ones

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes = max_bytes
        self._parts: tuple[OrderedDict[tuple, Page], OrderedDict[tuple, Page]] = (OrderedDict(), OrderedDict())
        self._bytes = [0, 0]  # cheap, costly
        self._version: str | None = None
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
        page = Page.of(body)
        size = len(page.packed) + self.ENTRY_OVERHEAD
        if size > self.max_bytes:
            return page
        with self._lock:
            if version != self._version:  # made from an older catalog: not kept
                return page
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

    @property
    def size(self) -> int:
        """Bytes held (compressed pages and their overhead)."""
        return sum(self._bytes)

    def __len__(self) -> int:
        return sum(len(part) for part in self._parts)
