"""What the site's process holds: only what serving needs (the figures are in docs/benchmarks-web.md)."""

from __future__ import annotations

import json
import subprocess
import sys

# The site announces and serves; taking updates from another laptop, and
# checking signatures, are another process's work. These cost the site's
# process about 3 MB and 70 ms of start-up.
NOT_LOADED = ("cryptography", "email", "http.client", "aulalocal.bundle", "aulalocal.peers.client", "aulalocal.peers.index")


def test_the_sites_process_loads_neither_bundles_nor_signatures_nor_an_http_client():
    code = (
        "import json, sys\n"
        "import aulalocal.cli, aulalocal.cli.serve\n"
        "import aulalocal.web.server, aulalocal.web.site, aulalocal.web.updates, aulalocal.web.announce\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    loaded = json.loads(out.stdout)
    assert "aulalocal.web.updates" in loaded and "aulalocal.peers.discover" in loaded
    assert [m for m in loaded if m.startswith(NOT_LOADED)] == []


def test_updates_are_still_offered_when_another_laptop_asks(web_dir):
    from aulalocal.web.updates import UpdatesOffer
    from tests.web.conftest import call

    answer = call(UpdatesOffer(web_dir), "/updates/index.json")
    assert answer.status == 200 and json.loads(answer.body)["format"] == "aulalocal-updates"


def test_a_sections_order_is_kept_in_four_bytes_a_record_and_eight_when_one_needs_them():
    from aulalocal.web.pages import compact

    small = compact([3, 1, 2**31 - 1])
    assert small.itemsize == 4 and list(small) == [3, 1, 2**31 - 1]
    large = compact([3, 2**31, 2**40])
    assert large.itemsize == 8 and list(large) == [3, 2**31, 2**40]


def test_the_sites_orders_are_compact(site):
    from aulalocal.web.pages import CatalogPages

    programs = site.pages.by_key["programs"]
    listing = site.pages.section("es", programs, {}, 1)
    kept = site.pages._orders[("es", "programs", ())]
    assert kept.itemsize == 4 and len(kept) == listing["total"] > 100
    every = site.pages._orders.values()
    assert site.pages._order_bytes == sum(4 * len(order) for order in every) <= CatalogPages.ORDER_BYTES


def test_each_request_threads_connection_keeps_a_small_page_cache(site):
    from aulalocal.web.pages import CatalogPages

    size = site.pages.db().execute("PRAGMA cache_size").fetchone()[0]
    assert size == -CatalogPages.CACHE_KIB <= -100  # in KiB: 128, not SQLite's 2 MB


# ``aulalocal serve`` as the app runs it, asked for pages of every kind in
# three languages; then what babel loaded.
_SERVE_THEN_ASK = r"""
import io, json, os, queue, sys, threading, urllib.request
from babel import core, localedata
from aulalocal import cldr
from aulalocal.cli import main

stop_r, stop_w = os.pipe()
sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(stop_r)))
lines = queue.Queue()
class Out(io.StringIO):
    def write(self, text):
        lines.put(text)
        return len(text)
sys.stdout, real_stdout = Out(), sys.stdout
statuses = []

def ask():
    port = json.loads(lines.get(timeout=60))["port"]
    for lang in ("es", "qu", "en"):
        for path in ("/", "/programs/", "/search?q=lectura", "/record/escuela-test/program/hostile"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{lang}{path}", timeout=30) as answer:
                statuses.append(answer.status)
    real_stdout.write(json.dumps({"statuses": statuses, "installed": cldr.installed(),
                                  "global": core._global_data is not None, "loaded": sorted(localedata._cache)}))
    os.close(stop_w)

threading.Thread(target=ask, daemon=True).start()
sys.exit(main(["--data-dir", sys.argv[1], "serve", "--json", "--address", "127.0.0.1", "--port", "0", "--no-announce"]))
"""


def test_the_sites_process_formats_dates_numbers_and_countries_without_babels_whole_data(web_dir):
    out = subprocess.run([sys.executable, "-c", _SERVE_THEN_ASK, str(web_dir)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout)
    assert seen["statuses"] == [200] * 12
    # babel's whole CLDR data for es-PE, qu-PE and en is 6.5 MB; the site's tables 23 KB.
    assert seen["installed"] and not seen["global"] and seen["loaded"] == ["en", "es_PE", "qu_PE"]
