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

DEFAULT_BYTES = 4 * 1024 * 1024  # 4 MB: 400-1,500 pages of 3-10 KB


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
    """A least-recently-used map of page keys to ``Page``, bounded by the bytes of its pages."""

    ENTRY_OVERHEAD = 200  # bytes a kept page costs beyond its body (key, tuple, dict slot)

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
        self._bytes = 0
        self._version: str | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, version: str, key: tuple) -> Page | None:
        with self._lock:
            if version != self._version:
                self._drop_all(version)
            page = self._pages.get(key)
            if page is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, version: str, key: tuple, body: bytes) -> Page:
        page = Page.of(body)
        size = len(page.packed) + self.ENTRY_OVERHEAD
        if size > self.max_bytes:
            return page
        with self._lock:
            if version != self._version:  # rendered from an older catalog: not kept
                return page
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.packed) + self.ENTRY_OVERHEAD
            self._pages[key] = page
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped.packed) + self.ENTRY_OVERHEAD
        return page

    def clear(self) -> None:
        with self._lock:
            self._drop_all(self._version)

    def _drop_all(self, version: str | None) -> None:
        self._pages.clear()
        self._bytes = 0
        self._version = version

    @property
    def size(self) -> int:
        """Bytes held (compressed pages and their overhead)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._pages)
