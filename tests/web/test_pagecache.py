"""Rendered pages kept until the catalog changes, conditional requests, and who names whom in two arrays."""

from __future__ import annotations

import shutil

from tests.web.conftest import CATALOG, call


def test_a_page_asked_again_comes_from_the_cache_with_the_same_bytes(site):
    first = call(site, "/es/programs/", "page=2")
    hits = site.cache.hits
    again = call(site, "/es/programs/", "page=2")
    assert site.cache.hits == hits + 1
    assert again.body == first.body and again.headers["etag"] == first.headers["etag"]
    other = call(site, "/es/programs/", "page=3")
    assert other.headers["etag"] != first.headers["etag"]
    assert call(site, "/qu/programs/", "page=2").headers["etag"] != first.headers["etag"]  # the language is in the key


def test_a_device_that_has_the_page_gets_a_bodiless_304(site):
    first = call(site, "/es/record/%s/program/hostile" % CATALOG)
    etag = first.headers["etag"]
    assert first.status == 200 and first.headers["cache-control"] == "no-cache"
    same = call(site, "/es/record/%s/program/hostile" % CATALOG, HTTP_IF_NONE_MATCH=etag)
    assert same.status == 304 and same.body == b""
    assert "content-length" not in same.headers and same.headers["etag"] == etag
    assert same.headers["content-security-policy"] == "default-src 'self'"
    stale = call(site, "/es/record/%s/program/hostile" % CATALOG, HTTP_IF_NONE_MATCH='"another"')
    assert stale.status == 200 and stale.body == first.body
    head = call(site, "/es/record/%s/program/hostile" % CATALOG, method="HEAD", HTTP_IF_NONE_MATCH=etag)
    assert head.status == 304


def test_cached_pages_still_count_devices_and_set_the_language_cookie(web_dir):
    from aulalocal.web.site import Site

    site = Site(web_dir)
    call(site, "/qu/", REMOTE_ADDR="10.2.2.1")
    answer = call(site, "/qu/", REMOTE_ADDR="10.2.2.2")
    assert site.cache.hits == 1
    assert site.visitors.count() == 2
    assert "aulalocal_lang=qu" in answer.headers["set-cookie"]


def test_an_update_empties_the_cache_and_changes_the_etag(seeded_template, tmp_path):
    from aulalocal.bundle import source
    from aulalocal.bundle.apply import apply_operations
    from aulalocal.startup import open_data_folder
    from aulalocal.web.site import Site
    from tests.conftest import title, write_source

    data = tmp_path / "data"
    shutil.copytree(seeded_template, data)
    site = Site(data)
    before = call(site, "/es/programs/")
    assert call(site, "/es/programs/").body == before.body and len(site.cache) == 1
    folder = open_data_folder(data)
    src = write_source(tmp_path / "src", {("program", "nuevo"): {"title": title("Nuevo programa")}}, catalog="otra")
    apply_operations(folder.catalog, source.read_info(src), lambda: source.upsert_lines(src), key_id=None,
                     file_sha256=source.content_sha256(src))
    folder.close()
    after = call(site, "/es/programs/", HTTP_IF_NONE_MATCH=before.headers["etag"])
    assert after.status == 200 and "Nuevo programa" in after.text
    assert after.headers["etag"] != before.headers["etag"]
    assert len(site.cache) == 1  # the older catalog's pages were dropped


def test_the_cache_keeps_the_newest_pages_within_its_bytes():
    from aulalocal.web.pagecache import PageCache

    cache = PageCache(max_bytes=3 * (PageCache.ENTRY_OVERHEAD + 30))
    pages = {n: bytes([n]) * 1000 for n in range(5)}  # 1,000 bytes each, a few dozen compressed
    for n in range(3):
        assert cache.get("v1", (n,)) is None
        cache.put("v1", (n,), pages[n])
    assert cache.get("v1", (0,)).body == pages[0]  # 0 is now the newest
    cache.put("v1", (3,), pages[3])
    assert cache.get("v1", (1,)) is None  # the oldest went
    assert cache.get("v1", (0,)).body == pages[0] and cache.get("v1", (3,)).body == pages[3]
    assert cache.size <= cache.max_bytes
    assert cache.get("v2", (0,)) is None and len(cache) == 0  # another catalog version: nothing kept
    cache.put("v1", (4,), pages[4])  # rendered from the older version after the change: not kept
    assert len(cache) == 0
    big = PageCache(max_bytes=100)
    big.get("v1", ("x",))
    assert big.put("v1", ("x",), b"y" * 5000).body == b"y" * 5000 and len(big) == 0  # larger than the cache


def test_who_names_a_record_is_the_core_s_answer(site, web_dir):
    from aulalocal.catalog.db import read_db
    from aulalocal.catalog.listing import NamingIndex
    from aulalocal.catalog.queries import get_record, related

    db = read_db(web_dir / "catalog.db")
    index = NamingIndex.of(db)
    assert len(index) > 10
    checked = 0
    for catalog, kind, id_ in db.execute("SELECT catalog, kind, id FROM records"):
        record = get_record(db, kind, id_, catalog)
        expected = {(r.kind, r.id) for r in related(db, record, "es") if r.field == "named_by"}
        rowids = index.naming(catalog, kind, id_)
        found = {tuple(row) for row in db.execute(
            f"SELECT kind, id FROM records WHERE rowid IN ({', '.join('?' * len(rowids))})", rowids)}
        assert found == expected, (kind, id_)
        checked += bool(expected)
    assert checked > 5
    assert index.naming(CATALOG, "organization", "no-such-id") == []


def test_costly_pages_are_not_pushed_out_by_a_flood_of_cheap_ones():
    from aulalocal.web.pagecache import PageCache

    entry = PageCache.ENTRY_OVERHEAD + 30
    cache = PageCache(max_bytes=8 * entry)
    cache.get("v1", ("x",))
    searches = [("search", n) for n in range(3)]
    for key in searches:
        cache.put("v1", key, b"s" * 1000, cost_s=0.03)
    for n in range(50):  # a class opening fifty different records
        cache.put("v1", ("record", n), bytes([n]) * 1000, cost_s=0.001)
    assert all(cache.get("v1", key) is not None for key in searches)
    assert cache.get("v1", ("record", 49)) is not None and cache.get("v1", ("record", 0)) is None
    assert cache.size <= cache.max_bytes
    # Costly pages alone may fill the cache; past it, the oldest of them go.
    for n in range(20):
        cache.put("v1", ("search", 100 + n), bytes([n]) * 1000, cost_s=0.03)
    assert cache.size <= cache.max_bytes and cache.get("v1", ("search", 119)) is not None
    assert cache.get("v1", searches[0]) is None


def test_once_the_first_pages_kept_make_a_dictionary_the_next_ones_are_kept_smaller():
    from aulalocal.web.pagecache import DICTIONARY_BYTES, Page, PageCache

    def page(n: int) -> bytes:  # the same markup around different words, as the site's pages are
        markup = b"<header><nav>" + b"".join(b'<a href="/es/section%d/">Section %d</a>' % (s, s) for s in range(40))
        return markup + b"</nav></header><main><h1>Record %d</h1><p>%s</p></main>" % (n, bytes([65 + n % 26]) * 50)

    cache = PageCache()
    cache.get("v1", ("x",))
    first = [cache.put("v1", ("page", n), page(n)) for n in range(DICTIONARY_BYTES // len(page(0)) + 1)]
    assert all(not kept.dictionary for kept in first)
    later = cache.put("v1", ("page", 1000), page(1000))
    assert later.dictionary and len(later.packed) < len(Page.of(page(1000)).packed) // 2
    assert cache.get("v1", ("page", 1000)).body == page(1000) and cache.get("v1", ("page", 0)).body == page(0)
    assert later.etag == Page.of(page(1000)).etag  # the page's bytes name it, however it is kept
    cache.get("v2", ("x",))  # another catalog: its own pages make the next dictionary
    assert not cache.put("v2", ("page", 1), page(1)).dictionary


def _noise(n: int, size: int = 4000) -> bytes:
    import random

    return random.Random(n).randbytes(size)  # does not compress: its bytes are what is kept


def test_kept_pages_are_in_a_file_of_the_cache_not_in_the_sites_memory():
    import tracemalloc

    from aulalocal.web.pagecache import PageCache

    cache = PageCache(max_bytes=4 * 1024 * 1024)
    cache.get("v1", ("x",))
    pages = {n: _noise(n) for n in range(250)}  # 1 MB
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n, body in pages.items():
            cache.put("v1", ("record", n), body)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(cache) == 250 and held < 250 * PageCache.ENTRY_OVERHEAD + 32 * 1024  # where they are, not what
    assert all(cache.get("v1", ("record", n)).body == body for n, body in pages.items())
    cache.close()
    assert cache.get("v1", ("record", 0)) is None


def test_the_file_is_rewritten_with_the_kept_pages_before_it_grows_past_twice_the_cache():
    from aulalocal.web.pagecache import PageCache

    cache = PageCache(max_bytes=10 * (4000 + PageCache.ENTRY_OVERHEAD))
    cache.get("v1", ("x",))
    for n in range(200):
        cache.put("v1", ("record", n), _noise(n), cost_s=0.01 * (n % 3 == 0))
        assert cache._end <= 2 * cache.max_bytes
    kept = [n for n in range(200) if cache.get("v1", ("record", n)) is not None]
    assert 5 <= len(kept) <= 10 and 199 in kept
    assert all(cache.get("v1", ("record", n)).body == _noise(n) for n in kept)


def test_a_full_disk_keeps_no_page_and_the_site_still_answers(web_dir, monkeypatch, caplog):
    import errno
    import logging

    from aulalocal.web.pagecache import PageCache
    from aulalocal.web.site import Site

    def full(self, packed):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(PageCache, "_write", full)
    site = Site(web_dir)
    with caplog.at_level(logging.WARNING, logger="aulalocal.web"):
        first, again = call(site, "/es/programs/"), call(site, "/es/programs/")
    assert first.status == again.status == 200 and again.body == first.body
    assert len(site.cache) == 0 and site.cache.hits == 0
    assert [r.getMessage() for r in caplog.records].count("pages not kept: [Errno 28] No space left on device") == 1
    site.close()
