"""``/updates/``: the updates this laptop passes on, for other AulaLocal laptops of the school (issue 17).

Mounted on the classroom site (``Site.mount``) while the teacher shares in
class. It serves ``/updates/index.json`` (``peers.index``: what ``bundle
export`` would copy, with signatures and keys) and each file it names, with
range requests so a dropped download resumes; nothing else: any other path
is 404, whatever it holds. GET and HEAD only.

Ranges, conditional requests (``If-Range`` on the file's SHA-256 as its
ETag) and their refusals (416) are WebOb's. The index is made again when the
ledger or the kept files change (a new update applied while sharing); a
kept bundle is hashed once per version of the file, so a damaged copy is
never offered.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from aulalocal.fileio import NotAFile, open_regular
from aulalocal.web.site import SECURITY_HEADERS

if TYPE_CHECKING:
    from aulalocal.peers.index import KeptCopies, Offer

PREFIX = "/updates/"
BLOCK = 1024 * 1024  # bytes read and handed to waitress at a time
log = logging.getLogger("aulalocal.web")


def _file_iter():
    from webob.static import FileIter

    class _Blocks(FileIter):
        def app_iter_range(self, seek=None, limit=None, block_size=None):
            return super().app_iter_range(seek, limit, block_size or BLOCK)

        __iter__ = app_iter_range

    return _Blocks


class UpdatesOffer:
    """The WSGI application under ``/updates/`` of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        # Made when another laptop first asks: the bundles' and signatures'
        # modules are not loaded by a site no laptop asks for updates.
        self._kept: KeptCopies | None = None
        self._lock = threading.Lock()
        self._offer: Offer | None = None
        self._version: tuple | None = None
        self._index: bytes = b""

    def __call__(self, environ, start_response):
        from webob import Response

        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        try:
            if method not in ("GET", "HEAD"):
                response = _text(405, "Only GET and HEAD.")
                response.allow = ("GET", "HEAD")
            elif not path.startswith(PREFIX):
                response = _text(404, "Not found.")
            else:
                response = self._answer(path[len(PREFIX):], Response)
        except Exception:  # noqa: BLE001 - an answer that fails is a 500; the site goes on
            log.exception("updates failed: %s", path[:200])
            response = _text(500, "Something went wrong on this laptop.")
        response.headerlist.extend(SECURITY_HEADERS)
        return response.conditional_response_app(environ, start_response)

    def _answer(self, name: str, Response):
        from aulalocal.peers.index import INDEX_NAME

        offer, index = self.offer()
        if name == INDEX_NAME:
            return Response(body=index, content_type="application/json", charset=None, cache_control="no-cache")
        if name in offer.keys:
            return Response(body=offer.keys[name], content_type="text/plain", charset="utf-8",
                            cache_control="no-cache")
        path = offer.paths.get(name)
        try:
            fh = open_regular(path) if path is not None else None
        except (OSError, NotAFile):
            fh = None
        if fh is None:
            return _text(404, "Not found.")
        size = os.fstat(fh.fileno()).st_size
        expected = next((f for u in offer.updates for f in (u.bundle, u.signature) if f.name == name), None)
        if expected is None or expected.size != size:
            fh.close()  # changed since the index was made: the next index says what is there
            return _text(404, "Not found.")
        response = Response(app_iter=_file_iter()(fh), content_length=size, content_type="application/octet-stream",
                            conditional_response=True)
        response.etag = expected.sha256
        response.accept_ranges = "bytes"
        response.cache_control = "no-cache"
        return response

    def offer(self) -> tuple[Offer, bytes]:
        """The offer, made again when the ledger or the kept files changed."""
        version = self._current_version()
        with self._lock:
            if self._offer is None or version != self._version:
                self._offer = self._build()
                self._index = json.dumps(self._offer.index_json(), ensure_ascii=True, indent=1).encode("ascii")
                self._version = version
            return self._offer, self._index

    def _current_version(self) -> tuple:
        """What an index depends on: the catalog's state, the kept files and the keys (their names, sizes, times)."""
        parts = []
        for name in ("catalog.db", "catalog.db-wal"):
            try:
                st = os.stat(self.data_dir / name)
                parts.append((name, st.st_size, st.st_mtime_ns))
            except OSError:
                parts.append((name, None))
        for folder in ("bundles", "keys"):
            try:
                with os.scandir(self.data_dir / folder) as entries:
                    parts += sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries)
            except OSError:
                parts.append((folder, None))
        return tuple(parts)

    def _build(self) -> Offer:
        from aulalocal.catalog.db import read_db
        from aulalocal.datafolder import DataFolder
        from aulalocal.peers.index import KeptCopies, build_offer

        if self._kept is None:
            self._kept = KeptCopies()
        folder = DataFolder(self.data_dir, read_db(self.data_dir / "catalog.db"))  # this thread's; not closed
        return build_offer(folder, self._kept)


def _text(status: int, text: str):
    from webob import Response

    return Response(text, status=status, content_type="text/plain", charset="utf-8", cache_control="no-store")

