"""A classroom on loopback: 40 clients browsing the classroom site, beside kiwix-serve with the same client.

The site runs as the app runs it: ``aulalocal serve --json`` in a process of
its own (``aulalocal.web.process``), bound to 127.0.0.1, not announced.
Each client (a thread of this process, one keep-alive connection each)
opens pages one after another for ``seconds``: the home page, a section
page (any section, any page), a search (the queries of bench/queries.tsv)
or a record (any record of the catalog), in es, qu or en. kiwix-serve
serves the ZIM of the same records (``bench/kiwix.py``): its welcome page
for home and sections, ``/search`` for searches, the record's page.

Figures: requests per second, p50 and p95 page time, errors; the site's
process memory (RSS when idle and its peak under load) and what the
window's process gains by starting it (its pipe and a reader thread).

    python -m bench --only web [--seconds 60] [--clients 40] [--data DIR]
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import urllib.parse
from pathlib import Path

from bench.searchbench import load_queries
from bench.stats import percentile, rss_of

LANGS = ("es", "qu", "en")
SECTIONS = ("programs", "safety", "years", "organizations", "reports")
MIX = (("home", 1), ("section", 3), ("search", 3), ("record", 5))  # a student mostly reads records


def _records(data_dir: Path, count: int = 2000, seed: int = 1) -> list[tuple[str, str, str]]:
    import sqlite3

    db = sqlite3.connect(f"file:{data_dir / 'catalog.db'}?mode=ro", uri=True)
    rows = db.execute("SELECT catalog, kind, id FROM records").fetchall()
    db.close()
    return random.Random(seed).sample(rows, min(count, len(rows)))


def plan(records, queries, seed: int):
    """(kind of page, what to open), one after another for one client, reproducible."""
    rng = random.Random(seed)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    while True:
        kind = rng.choice(kinds)
        lang = rng.choice(LANGS)
        if kind == "home":
            yield kind, (lang,)
        elif kind == "section":
            yield kind, (lang, rng.choice(SECTIONS), rng.randint(1, 40))
        elif kind == "search":
            _cat, qlang, text = rng.choice(queries)
            yield kind, (qlang, text)
        else:
            yield kind, (lang, *rng.choice(records))


def aulalocal_path(kind: str, args) -> str:
    if kind == "home":
        return f"/{args[0]}/"
    if kind == "section":
        return f"/{args[0]}/{args[1]}/?page={args[2]}"
    if kind == "search":
        return f"/{args[0]}/search?" + urllib.parse.urlencode({"q": args[1]})
    lang, catalog, rkind, id_ = args
    return f"/{lang}/record/{catalog}/{rkind}/{id_}"


def kiwix_path(book: str):
    def path(kind: str, args) -> str:
        # kiwix-serve 3.3 (libkiwix 11) serves a book's pages at /BOOK/PATH.
        if kind in ("home", "section"):
            return f"/{book}/index.html"
        if kind == "search":
            return "/search?" + urllib.parse.urlencode({"content": book, "pattern": args[1], "pageLength": 25})
        _lang, _catalog, rkind, id_ = args
        return f"/{book}/A/{rkind}-{id_}.html"

    return path


def load(port: int, path_of, records, queries, clients: int, seconds: float, seed: int = 1) -> dict:
    """``clients`` threads opening pages for ``seconds``; latencies and errors."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    by_kind: dict[str, list[float]] = {kind: [] for kind, _w in MIX}
    largest: dict[str, int] = dict.fromkeys(by_kind, 0)  # bytes of the largest page of each kind
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)

    def client(n: int) -> None:
        pages = plan(records, queries, seed * 1000 + n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start_line.wait()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            kind, args = next(pages)
            began = time.perf_counter()
            try:
                conn.request("GET", path_of(kind, args))
                response = conn.getresponse()
                size = len(response.read())
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            took = (time.perf_counter() - began) * 1000
            if ok:
                latencies[n].append(took)
                with lock:
                    by_kind[kind].append(took)
                    largest[kind] = max(largest[kind], size)
            else:
                errors[n] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.monotonic() - began
    every = [ms for per in latencies for ms in per]
    return {
        "requests": len(every),
        "errors": sum(errors),
        "per_second": len(every) / elapsed,
        "p50_ms": percentile(every, 50) if every else float("nan"),
        "p95_ms": percentile(every, 95) if every else float("nan"),
        "p95_by_kind_ms": {k: round(percentile(v, 95), 1) for k, v in by_kind.items() if v},
        "largest_kb": {k: round(v / 1024, 1) for k, v in largest.items() if v},
    }


def _load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (the machine may be shared: say so beside the figures)."""
    try:
        return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]
    except (OSError, ValueError):
        return []


def measure(data_dir: Path, zim: Path | None, clients: int = 40, seconds: float = 60.0) -> dict:
    from aulalocal.web.process import ServerProcess

    records = _records(data_dir)
    queries = load_queries()
    result: dict = {"clients": clients, "seconds": seconds, "load_before": _load_average()}
    result["app_adds_mb"] = app_side_cost(data_dir)
    site = ServerProcess(data_dir, "127.0.0.1", 0, announce=False)
    info = site.start()
    try:
        pid = site._proc.pid
        time.sleep(min(3.0, seconds))  # the costly parts asked at start (who names whom, media)
        result["site_idle_rss_mb"] = rss_of(pid)[0]
        load(info["port"], aulalocal_path, records, queries, clients, min(5.0, seconds))  # warm-up
        result["aulalocal"] = load(info["port"], aulalocal_path, records, queries, clients, seconds)
        result["site_rss_mb"], result["site_peak_rss_mb"] = rss_of(pid)
    finally:
        site.stop()
    if zim is not None:
        from bench.kiwix import KiwixServer

        with KiwixServer(zim) as kiwix:
            path = kiwix_path(kiwix.book)
            load(kiwix.port, path, records, queries, clients, min(5.0, seconds))
            result["kiwix"] = load(kiwix.port, path, records, queries, clients, seconds)
    result["load_after"] = _load_average()
    return result


_APP_SIDE = """
import os, sys, time
from bench.stats import rss_of
from aulalocal.web.process import ServerProcess
import aulalocal.cli, aulalocal.datafolder  # what the window's process has loaded anyway
before = rss_of(os.getpid())[0]
site = ServerProcess(sys.argv[1], "127.0.0.1", 0, announce=False)
site.start()
time.sleep(1)
after = rss_of(os.getpid())[0]
site.stop()
print(after - before)
"""


def app_side_cost(data_dir: Path) -> float:
    """MB the window's process gains by starting the site (the child's pipes), measured in a process of its own."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _APP_SIDE, str(data_dir)], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parent.parent, timeout=120)
    return float(out.stdout.split()[-1])


def summary(r: dict) -> list[str]:
    lines = [f"web: {r['clients']} clients for {r['seconds']:.0f} s; load average before {r['load_before']}, after {r['load_after']}"]
    for name in ("aulalocal", "kiwix"):
        s = r.get(name)
        if s:
            lines.append(
                f"web {name}: {s['per_second']:.0f} requests/s, p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms,"
                f" {s['errors']} errors of {s['requests'] + s['errors']}; p95 by page {json.dumps(s['p95_by_kind_ms'])};"
                f" largest page KB {json.dumps(s['largest_kb'])}"
            )
    lines.append(f"web site process RSS: idle {r['site_idle_rss_mb']:.1f} MB, under load {r['site_rss_mb']:.1f} MB,"
                 f" peak {r['site_peak_rss_mb']:.1f} MB; the app's own process gained {r['app_adds_mb']:.1f} MB")
    a, k = r.get("aulalocal"), r.get("kiwix")
    if a and k:
        lines.append(f"web ratio to kiwix-serve: p95 {a['p95_ms'] / k['p95_ms']:.2f}x, requests/s {a['per_second'] / k['per_second']:.2f}x")
    p95 = a["p95_ms"]
    lines.append(f"target {'MET   ' if p95 <= 100 else 'MISSED'} web p95 at {r['clients']} clients: {p95:.1f} ms (≤ 100 ms)")
    lines.append(f"target {'MET   ' if a['errors'] == 0 else 'MISSED'} web errors: {a['errors']} (0)")
    return lines


def document(r: dict, machine: str, command: str, records: int) -> str:
    a, k = r["aulalocal"], r.get("kiwix")
    rows = [("AulaLocal (`aulalocal serve`)", a)] + ([("kiwix-serve 3.3, same records (ZIM)", k)] if k else [])
    table = "\n".join(
        f"| {name} | {s['per_second']:.0f} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | {s['errors']} |" for name, s in rows
    )
    ratio = (f"\nRatio to kiwix-serve: p95 {a['p95_ms'] / k['p95_ms']:.2f}x, requests per second "
             f"{a['per_second'] / k['per_second']:.2f}x.\n") if k else ""
    return f"""# Benchmark: the classroom site

Produced by `{command}` on {time.strftime('%Y-%m-%d')}, on {machine}.
Load average (1, 5, 15 min) before the run {r['load_before']}, after {r['load_after']}: the machine was
{'shared with other work, so the figures are indicative' if (r['load_before'] or [0])[0] > 1.0 else 'quiet'}.

{r['clients']} clients on loopback (threads of the benchmark's process, one
keep-alive connection each) opening pages one after another for
{r['seconds']:.0f} s, after 5 s of warm-up: home 1, section pages 3, searches 3
(bench/queries.tsv), records 5 in 12, in es, qu and en, over the
{records:,}-record catalog of `bench/generate.py`. The site runs as the app runs
it: `aulalocal serve --json` in its own process. kiwix-serve serves the ZIM of the
same records (`bench/kiwix.py`) with the same client: its welcome page for home
and sections, `/search` for searches, the record's page.

Clients do not pause between pages, so each waits behind the others: page
time at 40 clients is bound by throughput (40 / requests per second is the
mean), on a machine whose 2 cores also run the clients. A class reads each
page for a while; this is the worst case of a class clicking together.

| server | requests/s | p50 ms | p95 ms | errors |
|---|---|---|---|---|
{table}
{ratio}
p95 by page (AulaLocal): {', '.join(f'{kind} {ms} ms' for kind, ms in a['p95_by_kind_ms'].items())}.
Largest page of each kind (AulaLocal, before media; the limit is 30 KB): {', '.join(f'{kind} {kb} KB' for kind, kb in a['largest_kb'].items())}.

Memory: the site's process {r['site_idle_rss_mb']:.1f} MB RSS idle (after its start-up
work), {r['site_rss_mb']:.1f} MB after the run, peak {r['site_peak_rss_mb']:.1f} MB; the process
that started it (as the window does) gained {r['app_adds_mb']:.1f} MB.

Targets (issue 16): p95 at most 100 ms at 40 clients: {'met' if a['p95_ms'] <= 100 else '**missed**'}
({a['p95_ms']:.1f} ms); zero errors: {'met' if a['errors'] == 0 else '**missed**'}; serving adds at most
30 MB to the app's memory: the window's own process gains {r['app_adds_mb']:.1f} MB; the site's
process (a separate Python, so that a class never stalls the window) is the
{r['site_peak_rss_mb']:.1f} MB above.
"""
