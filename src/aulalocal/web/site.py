"""The site as a WSGI application: routes, languages, headers, errors.

Addresses (every page also in ``/qu/...`` and ``/en/...``):

    /                                   to the device's language: its cookie, its browser's, the laptop's
    /es/                                home: the sections and how many records each holds
    /es/programs/?region=Cusco&page=2   a section, with its filters
    /es/search?q=...&in=programs        search, as in the app
    /es/record/CATALOG/KIND/ID          a record: every section, related records, who published it
    /es/listen/CATALOG/KIND/ID.mp3      the record read aloud in the page's language (.wav too; ?download=1)
    /media/SHA256.EXT                   a media file a record names, with its type
    /static/style.css                   the one stylesheet
    /updates/...                        reserved for passing updates on (issue 17): ``Site.mount``

GET and HEAD only. Every answer carries the same security headers; content
is text, escaped by the templates (Jinja2 with autoescaping), never HTML.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import threading
import time
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode

from aulalocal import i18n
from aulalocal.errors import N_, AulaLocalError
from aulalocal.paths import resources_dir
from aulalocal.kinds import ID_RE
from aulalocal.web import listen
from aulalocal.web.pagecache import DEFAULT_BYTES, PageCache
from aulalocal.web.pages import CATALOG_ID, MEDIA_TYPES, SEARCH_LIMIT, CatalogPages

log = logging.getLogger("aulalocal.web")
HERE = Path(__file__).resolve().parent
SECURITY_HEADERS = [
    ("Content-Security-Policy", "default-src 'self'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
]
LANG_COOKIE = "aulalocal_lang"
MAX_QUERY_BYTES = 4096
CHUNK = 64 * 1024
VISITOR_WINDOW_S = 10 * 60
_RECORD_PATH = re.compile(r"record/([^/]+)/([^/]+)/([^/]+)")
_LISTEN_PATH = re.compile(r"listen/([^/]+)/([^/]+)/([^/]+)\.(mp3|wav)")
_SECTION_PATH = re.compile(r"([a-z]+)/?")


class HTTPError(Exception):
    def __init__(self, status: str, message: str, headers: list | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or []


class Visitors:
    """Which devices opened a page lately (by address), to say how many on the laptop's screen."""

    LIMIT = 5000  # addresses kept; a school network has a few hundred

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def seen(self, address: str) -> None:
        with self._lock:
            self._seen.pop(address, None)
            self._seen[address] = self._clock()  # newest last
            while len(self._seen) > self.LIMIT:
                del self._seen[next(iter(self._seen))]

    def count(self, window_s: float = VISITOR_WINDOW_S) -> int:
        since = self._clock() - window_s
        with self._lock:
            return sum(1 for when in self._seen.values() if when >= since)


def _environment(pages: CatalogPages):
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        auto_reload=False,  # templates are package data: never asked again whether they changed
        lstrip_blocks=True,
    )
    # The thread's language (i18n.speaking) picks the catalog at each call.
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    from aulalocal import kinds
    from aulalocal.recordtext import kind_name, value_name

    env.globals.update(
        LANGUAGES=i18n.LANGUAGES,
        LANGUAGE_NAMES=i18n.LANGUAGE_NAMES,
        FACET_LABELS=kinds.active().facet_labels,
        SECTIONS=pages.sections,
        SEARCH_LIMIT=SEARCH_LIMIT,
        value_name=value_name,
        kind_name=kind_name,
        number=lambda n: i18n.format_number(n),
        quote=lambda text: quote(str(text), safe=""),
    )
    return env


class Site:
    """The WSGI application of one data folder's catalog."""

    def __init__(self, data_dir: Path, default_lang: str = i18n.DEFAULT_LANGUAGE, cache_bytes: int = DEFAULT_BYTES) -> None:
        self.pages = CatalogPages(data_dir)
        self.cache = PageCache(cache_bytes)
        self.readings = listen.Readings()
        self.default_lang = default_lang if default_lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
        self.visitors = Visitors()
        self.env = _environment(self.pages)
        self.mounts: dict[str, Callable] = {}

    def close(self) -> None:
        """What the site made while serving (the readings' folder, the kept pages' file) removed; called when the server stops."""
        self.readings.close()
        self.cache.close()

    def mount(self, prefix: str, app: Callable) -> None:
        """Hand every request under ``/prefix/`` to another WSGI application (``updates``, issue 17)."""
        self.mounts[prefix.strip("/")] = app

    # -- WSGI ----------------------------------------------------------------
    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        lang = self.default_lang
        try:
            path = _path(environ)
            first = path.split("/", 1)[0]
            if first in self.mounts:
                return self.mounts[first](environ, start_response)
            if method not in ("GET", "HEAD"):
                raise HTTPError("405 Method Not Allowed", N_("This site only shows pages."), [("Allow", "GET, HEAD")])
            lang = first if first in i18n.LANGUAGES else self._device_language(environ)
            status, headers, body = self._route(environ, path)
        except HTTPError as exc:
            status, headers, body = self._error(lang, exc)
        except Exception:  # noqa: BLE001 - a page that fails is a 500 page; the server goes on
            log.exception("page failed: %s", environ.get("PATH_INFO", "")[:200])
            status, headers, body = self._error(
                lang, HTTPError("500 Internal Server Error", N_("Something went wrong on the teacher's laptop. Try again, or open another page."))
            )
        if callable(body):  # a WSGI answer of its own (a reading: ranges, 304), the headers on it
            return body(environ, start_response)
        headers = SECURITY_HEADERS + headers
        if isinstance(body, bytes):
            if not status.startswith("304"):  # a 304's length would be the page's, unsent
                headers.append(("Content-Length", str(len(body))))
            start_response(status, headers)
            return [] if method == "HEAD" else [body]
        start_response(status, headers)  # a media file: (size, file)
        size, fh = body
        if method == "HEAD":
            fh.close()
            return []
        wrapper = environ.get("wsgi.file_wrapper")
        return wrapper(fh, CHUNK) if wrapper else _chunks(fh)

    # -- routing -------------------------------------------------------------
    def _route(self, environ, path: str):
        if path == "":
            lang = self._device_language(environ)
            return "302 Found", [("Location", f"/{lang}/"), ("Cache-Control", "no-store")], b""
        if path == "static/style.css":
            return self._static(environ, HERE / "static" / "style.css", "text/css; charset=utf-8")
        if path == "favicon.ico":
            return self._static(environ, resources_dir() / "icons" / "hicolor" / "32x32" / "apps" / "aulalocal.png", "image/png")
        if path.startswith("media/"):
            return self._media(environ, path[len("media/") :])
        lang, _, rest = path.partition("/")
        if lang not in i18n.LANGUAGES:
            raise HTTPError("404 Not Found", N_("No such page."))
        query = _query(environ)
        if rest.startswith("listen/"):
            return self._listen(environ, lang, rest, query)
        version = self.pages.version()
        key = (lang, rest, tuple(sorted(query.items())))
        page, body = self.cache.get(version, key), None
        if page is None:
            began = time.perf_counter()
            with i18n.speaking(lang):
                body = self._page(lang, rest, query)
            page = self.cache.put(version, key, body, time.perf_counter() - began)
        # no-cache: a browser asks again each time (an update may have come), with the ETag it has.
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache"), ("ETag", page.etag)]
        if _cookie(environ) != lang:  # the device keeps its language for "/" (the QR code's address)
            headers.append(("Set-Cookie", f"{LANG_COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax"))
        address = environ.get("REMOTE_ADDR")
        if address:
            self.visitors.seen(address)
        if environ.get("HTTP_IF_NONE_MATCH") == page.etag:
            return "304 Not Modified", headers, b""
        return "200 OK", headers, page.body if body is None else body

    def _page(self, lang: str, rest: str, query: dict[str, str]) -> bytes:
        context = {"lang": lang, "path": rest, "query": query}
        if rest == "":
            return self._render("home.html", context, home=self.pages.home(lang))
        if rest == "search":
            text = query.get("q", "").strip()
            section = self.pages.by_key.get(query.get("in", ""))
            hits = self.pages.search(lang, text, section) if text else []
            return self._render("search.html", context, text=text, section=section, hits=hits)
        match = _RECORD_PATH.fullmatch(rest)
        if match:
            catalog, kind, id_ = match.groups()
            if CATALOG_ID.fullmatch(catalog) and ID_RE.fullmatch(id_) and re.fullmatch(r"[a-z_]{1,40}", kind):
                data = self.pages.record(lang, catalog, kind, id_)
                if data is not None:
                    return self._render("record.html", context, **data, listen=self._players(lang, catalog, kind, id_))
            raise HTTPError("404 Not Found", N_("This record is not in the catalog (an update may have removed it)."))
        match = _SECTION_PATH.fullmatch(rest)
        if match and match.group(1) in self.pages.by_key:
            section = self.pages.by_key[match.group(1)]
            values = self.pages.facet_values(section)
            facets = {f: query[f] for f in section.facets if query.get(f) in values.get(f, ())}
            listing = self.pages.section(lang, section, facets, _page_number(query.get("page")))
            return self._render("section.html", context, section=section, values=values, facets=facets, listing=listing)
        raise HTTPError("404 Not Found", N_("No such page."))

    def _players(self, lang: str, catalog: str, kind: str, id_: str) -> list[dict]:
        """The reading's sources for the page's player, the preferred format first."""
        base = f"/{lang}/listen/{quote(catalog, safe='')}/{quote(kind, safe='')}/{quote(id_, safe='')}"
        return [{"url": f"{base}.{fmt}", "type": listen.CONTENT_TYPES[fmt], "format": fmt.upper()} for fmt in listen.formats()]

    def _listen(self, environ, lang: str, rest: str, query: dict[str, str]):
        """A record read aloud in ``lang`` (a text without it in Spanish, with the Spanish voice)."""
        from aulalocal.catalog.queries import get_record
        from aulalocal.recordtext import record_sections
        from aulalocal.filenames import suggested_name

        match = _LISTEN_PATH.fullmatch(rest)
        if match is None or match.group(4) not in listen.formats():
            raise HTTPError("404 Not Found", N_("No such page."))
        catalog, kind, id_, fmt = match.groups()
        record = None
        if CATALOG_ID.fullmatch(catalog) and ID_RE.fullmatch(id_) and re.fullmatch(r"[a-z_]{1,40}", kind):
            record = get_record(self.pages.db(), kind, id_, catalog)
        if record is None:
            raise HTTPError("404 Not Found", N_("This record is not in the catalog (an update may have removed it)."))
        with i18n.speaking(lang):
            try:
                path = self.readings.path(record, lang, fmt)
            except listen.Busy:
                raise HTTPError("503 Service Unavailable", listen.BUSY_MESSAGE,
                                [("Retry-After", str(listen.RETRY_AFTER_S))]) from None
            except AulaLocalError as exc:  # no voice, no speech data: said on a page of its own
                raise HTTPError("503 Service Unavailable", exc.message()) from None
            name = suggested_name(record_sections(record, lang)[0][1], fmt, lang)
        download = query.get("download") == "1"
        try:
            return "200 OK", [], listen.answer(environ, path, fmt, name, download, list(SECURITY_HEADERS))
        except listen.OutOfRange as exc:
            raise HTTPError("416 Range Not Satisfiable", listen.OUT_OF_RANGE_MESSAGE,
                            [("Content-Range", f"bytes */{exc.size}")]) from None

    def _render(self, template: str, context: dict, **values) -> bytes:
        return self.env.get_template(template).render(**context, **values, link=_linker(context)).encode("utf-8")

    def _error(self, lang: str, exc: HTTPError):
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"), *exc.headers]
        try:
            with i18n.speaking(lang):
                body = self._render("error.html", {"lang": lang, "path": "", "query": {}}, status=exc.status, message=exc.message)
        except Exception:  # noqa: BLE001 - even the error page failed: plain words
            log.exception("error page failed")
            headers[0] = ("Content-Type", "text/plain; charset=utf-8")
            body = exc.status.encode("ascii")
        return exc.status, headers, body

    def _device_language(self, environ) -> str:
        lang = _cookie(environ)
        if lang in i18n.LANGUAGES:
            return lang
        for tag in environ.get("HTTP_ACCEPT_LANGUAGE", "")[:200].split(","):
            code = tag.split(";")[0].strip().split("-")[0].lower()
            if code in i18n.LANGUAGES:
                return code
        return self.default_lang

    # -- files ---------------------------------------------------------------
    def _static(self, environ, path: Path, content_type: str):
        data = path.read_bytes()
        etag = f'"{int(path.stat().st_mtime)}-{len(data)}"'
        headers = [("Content-Type", content_type), ("Cache-Control", "max-age=3600"), ("ETag", etag)]
        if environ.get("HTTP_IF_NONE_MATCH") == etag:
            return "304 Not Modified", headers, b""
        return "200 OK", headers, data

    def _media(self, environ, name: str):
        path = self.pages.media_path(name)
        if path is None:
            raise HTTPError("404 Not Found", N_("No such file in the catalog."))
        etag = '"' + name.split(".")[0] + '"'  # content-addressed: the name is the content's hash
        ext = name.rsplit(".", 1)[1]
        headers = [("Content-Type", MEDIA_TYPES[ext]), ("Cache-Control", "max-age=86400"), ("ETag", etag)]
        if ext == "svg":  # an SVG opened on its own runs no script, whatever it holds
            headers.append(("Content-Security-Policy", "script-src 'none'; sandbox"))
        if environ.get("HTTP_IF_NONE_MATCH") == etag:
            return "304 Not Modified", headers, b""
        fh = _open_regular(path)
        size = os.fstat(fh.fileno()).st_size
        headers.append(("Content-Length", str(size)))
        return "200 OK", headers, (size, fh)


def _open_regular(path: Path):
    """``path`` opened for reading if it is a regular file and not a link (checked on the open file)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        if os.path.islink(path):
            raise OSError("a link")
        fd = os.open(path, flags)
    except OSError as exc:
        raise HTTPError("404 Not Found", N_("No such file in the catalog.")) from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise HTTPError("404 Not Found", N_("No such file in the catalog."))
    return os.fdopen(fd, "rb")


def _chunks(fh):
    with fh:
        while True:
            block = fh.read(CHUNK)
            if not block:
                return
            yield block


def _path(environ) -> str:
    """The request path as text, without the leading slash; 400 for bytes that are not UTF-8."""
    raw = environ.get("PATH_INFO", "/")
    try:
        path = raw.encode("latin-1").decode("utf-8")  # PEP 3333: bytes as latin-1
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise HTTPError("400 Bad Request", N_("This address is not valid.")) from None
    if "\x00" in path or "\\" in path or len(path) > 600:
        raise HTTPError("400 Bad Request", N_("This address is not valid."))
    return path[1:] if path.startswith("/") else path


def _query(environ) -> dict[str, str]:
    """The query string's fields (the first of each); 414 when long, 400 when not UTF-8."""
    raw = environ.get("QUERY_STRING", "")
    if len(raw) > MAX_QUERY_BYTES:
        raise HTTPError("414 URI Too Long", N_("This address is too long. Search with fewer words."))
    try:
        text = raw.encode("latin-1").decode("utf-8")
        fields = parse_qs(text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=30)
    except (UnicodeError, ValueError):
        raise HTTPError("400 Bad Request", N_("This address is not valid.")) from None
    return {key: values[0].replace("\x00", "") for key, values in fields.items()}


def _cookie(environ) -> str | None:
    try:
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", "")[:2000])
    except CookieError:
        return None
    morsel = cookie.get(LANG_COOKIE)
    return morsel.value if morsel is not None and morsel.value in i18n.LANGUAGES else None


def _page_number(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 7 else 1


def _linker(context: dict):
    """``link(lang=..., path=..., **query)``: the address of this page or another, in a language."""

    def link(lang: str | None = None, path: str | None = None, **query) -> str:
        target = f"/{lang or context['lang']}/{context['path'] if path is None else path}"
        # The same page keeps its query (its filters, its search) with the fields given changed.
        fields = {**context["query"], **query} if path is None else query
        fields = {k: v for k, v in fields.items() if v not in (None, "")}
        return target + ("?" + urlencode(fields) if fields else "")

    return link
