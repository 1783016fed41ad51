"""What each page of the site shows, asked of the core; plain data for the templates.

Every request thread reads the catalog through its own read-only connection
(``catalog.db.read_db``); nothing here opens ``userdata.db``, the keys or
any other file of the data folder but the catalog and its media. What is
costly to ask at 50,000 records (a section's order, who names a record,
which media the records name) is kept until the catalog changes
(``listing.version``).
"""

from __future__ import annotations

import os
import re
import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from aulalocal import kinds
from aulalocal.catalog import listing
from aulalocal.catalog.db import keep_small, read_db
from aulalocal.i18n import format_date

PAGE_SIZE = 50
SEARCH_LIMIT = 50
MAX_QUERY_CHARS = 200  # a search longer than this is a paste: cut
MEDIA_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
}
IMAGE_TYPES = ("png", "jpg", "jpeg", "webp", "svg")
MEDIA_NAME = re.compile(r"([0-9a-f]{64})\.(png|jpg|jpeg|webp|svg|pdf|txt)")
CATALOG_ID = re.compile(r"[a-z0-9][a-z0-9-]{2,63}")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class SiteSection:
    """A section of the catalog (as in the window's sidebar): its kinds and the filters it offers."""

    key: str
    label: str  # msgid
    kinds: tuple[str, ...]
    facets: tuple[str, ...] = ()


def site_sections(table: kinds.Table | None = None) -> tuple[SiteSection, ...]:
    """The sections of the kind table, in its order."""
    table = table or kinds.active()
    return tuple(SiteSection(s.key, s.label, table.kinds_in(s), table.filters_in(s)) for s in table.sections)


def paragraphs(text: str) -> list[list[str]]:
    """Plain text as paragraphs (split on blank lines), each a list of its lines."""
    return [p.strip("\n").split("\n") for p in _PARAGRAPH_BREAK.split(text.strip()) if p.strip()]


def split_marks(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as (text, matched) runs; the markers are never shown."""
    from aulalocal.catalog.search import HIGHLIGHT

    runs: list[tuple[str, bool]] = []
    for n, part in enumerate(snippet.split(HIGHLIGHT[0])):
        matched, _, rest = part.partition(HIGHLIGHT[1]) if n else ("", "", part)
        runs += [(matched, True)] if matched else []
        runs += [(rest.replace(HIGHLIGHT[1], ""), False)] if rest else []
    return runs


def rows(hits, lang: str) -> list[dict]:
    """What a list shows of each hit, made here once (a template macro per hit costs more than the query)."""
    from aulalocal.recordtext import kind_name

    names: dict[str, str] = {}
    out = []
    for hit in hits:
        if hit.kind not in names:
            names[hit.kind] = kind_name(hit.kind)
        out.append({
            "url": f"/{lang}/record/{quote(hit.catalog, safe='')}/{quote(hit.kind, safe='')}/{quote(hit.id, safe='')}",
            "title": hit.title,
            "fallback": hit.title_lang if hit.title_lang != lang else None,
            "kind": names[hit.kind],
            "snippet": split_marks(hit.snippet) if hit.snippet else [],
        })
    return out


def _date(value: str | None) -> str:
    """A date of the catalog (``2026-11-24`` or a time stamp) in words of the thread's language."""
    from datetime import date

    try:
        return format_date(date.fromisoformat(str(value)[:10]))
    except (TypeError, ValueError):
        return ""


class CatalogPages:
    """The pages' data from one data folder's catalog and media, for any number of request threads."""

    ORDER_BYTES = 1024 * 1024  # section orders kept (language x section x filters): 4 bytes a record
    # SQLite's page cache of each request thread's connection (its default: 2 MB).
    # Pages read again come from the system's file cache, which the window's
    # process shares; a larger cache here served no more pages a second.
    CACHE_KIB = 128

    def __init__(self, data_dir: Path, sections: tuple[SiteSection, ...] | None = None) -> None:
        self.sections = sections or site_sections()
        self.by_key = {s.key: s for s in self.sections}
        self.catalog_path = Path(data_dir) / "catalog.db"
        self.media_dir = Path(data_dir) / "media"
        self._lock = threading.Lock()
        self._version: str | None = None
        self._kept: dict = {}
        self._orders: OrderedDict = OrderedDict()
        self._order_bytes = 0
        self._tuned = threading.local()

    # -- what is kept until the catalog changes ------------------------------
    def db(self):
        db = read_db(self.catalog_path)
        if getattr(self._tuned, "db", None) is not db:
            keep_small(db, self.CACHE_KIB)
            self._tuned.db = db
        return db

    def version(self) -> str:
        """The catalog's version now (``listing.version``); what was kept of an older one is dropped."""
        version = listing.version(self.db())
        with self._lock:
            if version != self._version:
                self._version, self._kept, self._orders, self._order_bytes = version, {}, OrderedDict(), 0
        return version

    def _kept_value(self, name: str, make):
        """``make(db)``, asked once per catalog version (one thread asks; the others wait for it)."""
        self.version()
        db = self.db()
        with self._lock:
            if name not in self._kept:
                self._kept[name] = make(db)
            return self._kept[name]

    def warm(self) -> None:
        """Ask the costly parts now (at start, off any request), so the first visitors do not wait."""
        self._kept_value("counts", listing.kind_counts)
        self._kept_value("naming", listing.NamingIndex.of)
        self._kept_value("media", self._media_files)

    def _section_rowids(self, lang: str, section: SiteSection, facets: dict[str, str]) -> array:
        key = (lang, section.key, tuple(sorted(facets.items())))
        self.version()  # drops the orders of an older catalog
        with self._lock:
            if key in self._orders:
                self._orders.move_to_end(key)
                return self._orders[key]
        rowids = compact(listing.section_rowids(self.db(), lang, section.kinds, facets))
        with self._lock:
            if key not in self._orders:
                self._orders[key] = rowids
                self._order_bytes += rowids.itemsize * len(rowids)
            while self._order_bytes > self.ORDER_BYTES and len(self._orders) > 1:
                _key, dropped = self._orders.popitem(last=False)
                self._order_bytes -= dropped.itemsize * len(dropped)
        return rowids

    def _media_files(self, db) -> dict[str, tuple[str, int]]:
        """sha256 -> (file name, size) of the media files the records name that are in the media folder."""
        named = listing.referenced_media(db)
        files: dict[str, tuple[str, int]] = {}
        try:
            entries = list(os.scandir(self.media_dir))
        except OSError:
            return files
        for entry in entries:
            match = MEDIA_NAME.fullmatch(entry.name)
            # A link in the media folder is never followed, wherever it points.
            if match and match.group(1) in named and entry.is_file(follow_symlinks=False):
                files[match.group(1)] = (entry.name, entry.stat(follow_symlinks=False).st_size)
        return files

    # -- pages ---------------------------------------------------------------
    def home(self, lang: str) -> dict:
        from aulalocal.catalog.queries import status

        counts = self._kept_value("counts", listing.kind_counts)
        sections = [(s, sum(counts.get(k, 0) for k in s.kinds)) for s in self.sections]
        catalogs = [
            {"publisher": c["publisher"], "date": _date(c["applied_at"]), "sequence": c["sequence"]}
            for c in self._kept_value("status", status)["catalogs"]
        ]
        return {"sections": sections, "catalogs": catalogs, "total": sum(counts.values())}

    def facet_values(self, section: SiteSection) -> dict[str, list[str]]:
        from aulalocal.catalog.search import facet_values

        def make(db):
            values: dict[str, set[str]] = {}
            for kind in section.kinds:
                for facet, found in facet_values(db, kind).items():
                    values.setdefault(facet, set()).update(found)
            return {f: sorted(values.get(f, ()), key=_facet_order) for f in section.facets}

        return self._kept_value(f"facets:{section.key}", make)

    def section(self, lang: str, section: SiteSection, facets: dict[str, str], page: int) -> dict:
        rowids = self._section_rowids(lang, section, facets)
        pages = max(1, -(-len(rowids) // PAGE_SIZE))
        page = min(max(1, page), pages)
        start = (page - 1) * PAGE_SIZE
        hits = listing.titles(self.db(), list(rowids[start : start + PAGE_SIZE]), lang)
        return {"hits": rows(hits, lang), "total": len(rowids), "page": page, "pages": pages, "first": start + 1}

    def search(self, lang: str, text: str, section: SiteSection | None) -> list:
        from aulalocal.catalog.search import search

        text = text[:MAX_QUERY_CHARS]
        hits = []
        for kind in section.kinds if section else (None,):
            hits += search(self.db(), text, lang=lang, kind=kind, limit=SEARCH_LIMIT)
        return rows(hits[:SEARCH_LIMIT], lang)

    def record(self, lang: str, catalog: str, kind: str, id_: str) -> dict | None:
        from aulalocal.catalog.queries import Related, get_record, related
        from aulalocal.catalog.store import get_state
        from aulalocal.recordtext import record_sections

        db = self.db()
        record = get_record(db, kind, id_, catalog)
        if record is None:
            return None
        links = related(db, record, lang, named_by=False)
        naming = self._kept_value("naming", listing.NamingIndex.of).naming(catalog, kind, id_)
        named_by = sorted(listing.titles(db, naming, lang), key=lambda h: h.title.casefold())
        links += [Related("named_by", h.catalog, h.kind, h.id, h.title) for h in named_by]
        sections = record_sections(record, lang)
        title, fallback = sections[0][1], sections[0][2]
        media = self._kept_value("media", self._media_files)
        shown = []
        for sha in record.data.get("media") or []:
            if isinstance(sha, str) and sha in media:
                name, size = media[sha]
                ext = name.rsplit(".", 1)[1]
                shown.append({"name": name, "image": ext in IMAGE_TYPES, "ext": ext.upper(), "size": size})
        source = get_state(db, catalog)
        return {
            "record": record,
            "title": title,
            "fallback": fallback,
            "sections": [(h, paragraphs(t), f) for h, t, f in sections[1:]],
            "related": links,
            "media": shown,
            "section": next((s for s in self.sections if kind in s.kinds), None),
            "publisher": source.publisher if source else None,
            "signed": bool(source and source.key_id),
            "key_id": source.key_id if source else None,
            "received": _date(source.applied_at) if source else "",
            "published": _date(source.created) if source else "",
            "updated": _date(record.data.get("updated")),
        }

    def media_path(self, name: str) -> Path | None:
        """The file of ``/media/NAME`` when NAME is a media file a record names, in the media folder itself."""
        match = MEDIA_NAME.fullmatch(name)
        if match is None:
            return None
        found = self._kept_value("media", self._media_files).get(match.group(1))
        if found is None or found[0] != name:
            return None
        return self.media_dir / name


def compact(rowids: list[int]) -> array:
    """Rowids in 4 bytes each (a catalog's stay far below 2**31), in 8 when one does not fit."""
    try:
        return array("i", rowids)
    except OverflowError:
        return array("q", rowids)


def _facet_order(value: str):
    return (0, int(value), "") if value.isdigit() else (1, 0, value.casefold())
