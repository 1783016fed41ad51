"""A classroom on loopback: 40 clients browsing the classroom site, beside kiwix-serve with the same client.

The site runs as the app runs it: in the window's process. ``bench.window``
runs the real main window (offscreen, 1024x600) on the data folder in a
process of its own and shares it through ``ui.sharepanel.ShareController``,
on 127.0.0.1, announced by name on loopback only (mDNS: zeroconf is the
window's memory too). Each client (a thread of this process, one keep-alive connection each)
opens pages for ``seconds``: the home page, a section page, a search (the
queries of bench/queries.tsv) or a record, in es, qu or en. Two workloads,
each measured on both servers:

- ``closed``: no pause between pages, every section page, query and record
  (of 2,000) as likely as another: the worst case of a class clicking
  together, bound by throughput on 2 cores shared with the clients.
- ``classroom``: each client reads a page for a while before the next (an
  exponential think time, mean ``THINK_S``), and a class opens the same
  pages: records, section pages and queries by popularity (Zipf, s = 1: the
  10th most popular is opened a tenth as often as the first).

kiwix-serve serves the ZIM of the same records (``bench/kiwix.py``): its
welcome page for home and sections, ``/search`` for searches, the record's
page.

Figures: requests per second, p50 and p95 page time, errors; the window's
memory (RSS and its private part, USS: what it adds to the laptop's
memory) before sharing, idle while sharing and at its peak under load,
sampled every half second: what serving adds is the difference; the
largest gap between two ticks of a 5 ms timer in the window under each
workload (the window staying responsive while a class browses); and apart,
the window's first look for other laptops.

    python -m bench --only web [--seconds 60] [--clients 40] [--data DIR]
"""

from __future__ import annotations

import http.client
import json
import os
import random
import threading
import time
import urllib.parse
from pathlib import Path

from bench.searchbench import load_queries
from bench.stats import load_average, percentile
from bench.window import STUCK_MS, SharingWindow, memory_of

LANGS = ("es", "qu", "en")
SECTIONS = ("programs", "safety", "years", "organizations", "reports")
MIX = (("home", 1), ("section", 3), ("search", 3), ("record", 5))  # a student mostly reads records
SECTION_PAGES = 40
THINK_S = 4.0  # classroom: mean seconds a student reads a page
WORKLOADS = ("closed", "classroom")


def _records(data_dir: Path, count: int = 2000, seed: int = 1) -> list[tuple[str, str, str]]:
    import sqlite3

    db = sqlite3.connect(f"file:{data_dir / 'catalog.db'}?mode=ro", uri=True)
    rows = db.execute("SELECT catalog, kind, id FROM records").fetchall()
    db.close()
    return random.Random(seed).sample(rows, min(count, len(rows)))


def _zipf(count: int) -> list[float]:
    """Cumulative weights of ranks 1..count with weight 1/rank."""
    total, out = 0.0, []
    for rank in range(1, count + 1):
        total += 1 / rank
        out.append(total)
    return out


def plan(records, queries, seed: int, popular: bool = False):
    """(kind of page, what to open), one after another for one client, reproducible.

    With ``popular``, the records, section pages and queries are ranked in
    an order every client shares (seed 0) and picked by Zipf's law.
    """
    rng = random.Random(seed)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    pages = [(section, n) for n in range(1, SECTION_PAGES + 1) for section in SECTIONS]
    if popular:
        ranked = random.Random(0)
        records, queries = ranked.sample(records, len(records)), ranked.sample(queries, len(queries))
        pages.sort(key=lambda page: (page[1], ranked.random()))  # the first page of a section first
        weights = {"record": _zipf(len(records)), "search": _zipf(len(queries)), "section": _zipf(len(pages))}

        def choose(kind, items):
            return rng.choices(items, cum_weights=weights[kind])[0]
    else:
        def choose(_kind, items):
            return rng.choice(items)

    while True:
        kind = rng.choice(kinds)
        lang = rng.choice(LANGS)
        if kind == "home":
            yield kind, (lang,)
        elif kind == "section":
            yield kind, (lang, *choose(kind, pages))
        elif kind == "search":
            _cat, qlang, text = choose(kind, queries)
            yield kind, (qlang, text)
        else:
            yield kind, (lang, *choose(kind, records))


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


def cpu_seconds(pid: int) -> float:
    """Processor time a live process has used (user and system, all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(port: int, path_of, records, queries, clients: int, seconds: float, seed: int = 1,
         workload: str = "closed", server_pid: int | None = None) -> dict:
    """``clients`` threads opening pages for ``seconds`` (``workload``: see the module); latencies and errors.

    With ``server_pid``, also the share of a core the server and the clients
    used: whether the clients, Python threads on the same 2 cores, held the
    server back.
    """
    classroom = workload == "classroom"
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    by_kind: dict[str, list[float]] = {kind: [] for kind, _w in MIX}
    largest: dict[str, int] = dict.fromkeys(by_kind, 0)  # bytes of the largest page of each kind
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)

    def client(n: int) -> None:
        pages = plan(records, queries, seed * 1000 + n, popular=classroom)
        think = random.Random(seed * 1000 + n + 500)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start_line.wait()
        end = time.monotonic() + seconds
        if classroom:  # students do not all click in the same millisecond
            time.sleep(think.uniform(0, THINK_S))
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
            if classroom:
                time.sleep(min(think.expovariate(1 / THINK_S), max(0.0, end - time.monotonic())))
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.monotonic()
    client_cpu = time.process_time()
    server_cpu = cpu_seconds(server_pid) if server_pid else 0.0
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.monotonic() - began
    client_cpu = time.process_time() - client_cpu
    server_cpu = cpu_seconds(server_pid) - server_cpu if server_pid else float("nan")
    every = [ms for per in latencies for ms in per]
    return {
        "client_cores": client_cpu / elapsed,
        "server_cores": server_cpu / elapsed,
        "requests": len(every),
        "errors": sum(errors),
        "per_second": len(every) / elapsed,
        "p50_ms": percentile(every, 50) if every else float("nan"),
        "p95_ms": percentile(every, 95) if every else float("nan"),
        "p95_by_kind_ms": {k: round(percentile(v, 95), 1) for k, v in by_kind.items() if v},
        "largest_kb": {k: round(v / 1024, 1) for k, v in largest.items() if v},
    }



class MemoryWatch:
    """The largest RSS and USS of a process, sampled every half second on a thread until ``stop``."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_rss = self.peak_uss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                rss, uss = memory_of(self.pid)
            except OSError:
                return
            self.peak_rss, self.peak_uss = max(self.peak_rss, rss), max(self.peak_uss, uss)
            if self._stop.wait(0.5):
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def pages_file_mb(pid: int) -> float:
    """MB of the site's kept-pages file (``web.pagecache``: on disk, read through the system's file cache).

    The site's one nameless temporary file (``tempfile.TemporaryFile``: Linux
    makes it with O_TMPFILE, so its link reads ``/tmp/#INODE (deleted)``).
    """
    import re

    total = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if re.search(r"/#\d+ \(deleted\)$|aulalocal-pages-", os.readlink(fd)):
                total += fd.stat().st_size
        except OSError:
            continue
    return total / 1e6


def _server_runs(port: int, path_of, records, queries, clients: int, seconds: float, pid: int,
                 window: SharingWindow | None = None) -> dict:
    """Warm-up, then each workload; with ``window``, its largest event-loop gap under each."""
    load(port, path_of, records, queries, clients, min(5.0, seconds))  # warm-up
    if window is not None:
        window.ask("gaps")  # counted afresh from here
    runs = {}
    for workload in WORKLOADS:
        runs[workload] = load(port, path_of, records, queries, clients, seconds, workload=workload, server_pid=pid)
        if window is not None:
            gaps = window.ask("gaps")
            runs[workload]["window_gap_ms"], runs[workload]["window_over_50"] = gaps["max_gap_ms"], gaps["over_50_ms"]
    return runs


LISTENED = 3  # records read aloud after the load, in es and qu


def listen_cost(port: int, records) -> dict:
    """Seconds to make a reading (the first answer) and to answer it again, for a few records in es and qu."""
    made, again, sizes = [], [], []
    for catalog, kind, id_ in records:
        for lang in ("es", "qu"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                for times in (made, again):
                    began = time.perf_counter()
                    conn.request("GET", f"/{lang}/listen/{catalog}/{kind}/{id_}.mp3")
                    response = conn.getresponse()
                    body = response.read()
                    times.append(time.perf_counter() - began)
                    if response.status != 200:
                        raise RuntimeError(f"reading answered {response.status}")
                sizes.append(len(body))
            finally:
                conn.close()
    return {"made_s": made, "again_ms": [t * 1000 for t in again], "kb": [n / 1024 for n in sizes]}


def measure(data_dir: Path, zim: Path | None, clients: int = 40, seconds: float = 60.0) -> dict:
    records = _records(data_dir)
    queries = load_queries()
    result: dict = {"clients": clients, "seconds": seconds, "think_s": THINK_S, "load_before": load_average()}
    with SharingWindow(data_dir) as window:  # the site in the window's process, as the app shares
        pid, info = window.pid, window.info
        result["site_announced"] = bool(info["name"])
        for key in ("baseline_rss_mb", "baseline_uss_mb", "idle_rss_mb", "idle_uss_mb"):
            result[f"window_{key}"] = info[key]
        watch = MemoryWatch(pid)
        try:
            result["aulalocal"] = _server_runs(window.port, aulalocal_path, records, queries, clients, seconds, pid,
                                               window)
        finally:
            watch.stop()
        result["window_peak_rss_mb"], result["window_peak_uss_mb"] = watch.peak_rss, watch.peak_uss
        result["site_pages_file_mb"] = pages_file_mb(pid)
        result["listen"] = listen_cost(window.port, records[:LISTENED])
        listened = window.ask("gaps")
        result["listen"]["window_gap_ms"] = listened["max_gap_ms"]
        result["window_listen_rss_mb"], result["window_listen_uss_mb"] = listened["rss_mb"], listened["uss_mb"]
        looked = window.ask("look")  # the look for other laptops sharing starts (issue 17), after the rest
        result["look_mb"] = looked["look_uss_after_mb"] - looked["look_uss_before_mb"]
        window.close()
    for kind in ("idle", "peak", "listen"):  # what serving adds: over the window before it shared
        result[f"added_{kind}_mb"] = result[f"window_{kind}_uss_mb"] - result["window_baseline_uss_mb"]
        result[f"added_{kind}_rss_mb"] = result[f"window_{kind}_rss_mb"] - result["window_baseline_rss_mb"]
    if zim is not None:
        from bench.kiwix import KiwixServer

        with KiwixServer(zim) as kiwix:
            result["kiwix"] = _server_runs(kiwix.port, kiwix_path(kiwix.book), records, queries, clients, seconds,
                                           kiwix.proc.pid)
    result["load_after"] = load_average()
    return result


def _line(name: str, workload: str, s: dict) -> str:
    return (f"web {name} {workload}: {s['per_second']:.0f} requests/s, p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms,"
            f" {s['errors']} errors of {s['requests'] + s['errors']}; cores used: server {s['server_cores']:.2f},"
            f" clients {s['client_cores']:.2f}; p95 by page {json.dumps(s['p95_by_kind_ms'])};"
            f" largest page KB {json.dumps(s['largest_kb'])}"
            + (f"; the window's largest event-loop gap {s['window_gap_ms']:.0f} ms ({s['window_over_50']} over 50 ms)"
               if "window_gap_ms" in s else ""))


def summary(r: dict) -> list[str]:
    lines = [f"web: {r['clients']} clients for {r['seconds']:.0f} s per workload; load average before {r['load_before']}, after {r['load_after']}"]
    for name in ("aulalocal", "kiwix"):
        for workload, s in (r.get(name) or {}).items():
            lines.append(_line(name, workload, s))
    lines.append(f"web window sharing: USS before {r['window_baseline_uss_mb']:.1f} MB, added idle {r['added_idle_mb']:.1f} MB,"
                 f" at the peak {r['added_peak_mb']:.1f} MB; RSS before {r['window_baseline_rss_mb']:.1f} MB, added idle"
                 f" {r['added_idle_rss_mb']:.1f} MB, at the peak {r['added_peak_rss_mb']:.1f} MB; then a look for other laptops"
                 f" {r['look_mb']:.1f} MB more; kept pages' file {r['site_pages_file_mb']:.1f} MB")
    listened = r["listen"]
    lines.append(f"web listen: {len(listened['made_s'])} readings made in {min(listened['made_s']):.2f}-{max(listened['made_s']):.2f} s"
                 f" ({min(listened['kb']):.0f}-{max(listened['kb']):.0f} KB), again in {max(listened['again_ms']):.1f} ms at most;"
                 f" USS added after them {r['added_listen_mb']:.1f} MB; the window's largest event-loop gap"
                 f" {listened['window_gap_ms']:.0f} ms")
    a, k = r["aulalocal"], r.get("kiwix")
    for workload in WORKLOADS:
        if k:
            lines.append(f"web ratio to kiwix-serve, {workload}: p95 {a[workload]['p95_ms'] / k[workload]['p95_ms']:.2f}x,"
                         f" requests/s {a[workload]['per_second'] / k[workload]['per_second']:.2f}x")
    for workload in WORKLOADS:
        p95 = a[workload]["p95_ms"]
        lines.append(f"target {'MET   ' if p95 <= 100 else 'MISSED'} web p95 at {r['clients']} clients, {workload}: {p95:.1f} ms (≤ 100 ms)")
    errors = sum(s["errors"] for s in a.values())
    lines.append(f"target {'MET   ' if errors == 0 else 'MISSED'} web errors: {errors} (0)")
    for workload in WORKLOADS:
        gap = a[workload]["window_gap_ms"]
        lines.append(f"target {'MET   ' if gap <= STUCK_MS else 'MISSED'} web window responsive, {workload}: largest event-loop"
                     f" gap {gap:.0f} ms (≤ {STUCK_MS} ms)")
    peak = r["added_peak_mb"]
    lines.append(f"target {'MET   ' if peak <= 30 else 'MISSED'} web memory added: {peak:.1f} MB (≤ 30 MB: the window's private peak while serving, over it before)")
    return lines


def document(r: dict, machine: str, command: str, records: int) -> str:
    from aulalocal.web.pagecache import DEFAULT_BYTES

    a, k = r["aulalocal"], r.get("kiwix")
    rows = []
    for workload in WORKLOADS:
        rows.append((f"AulaLocal (the window sharing), {workload}", a[workload]))
        if k:
            rows.append((f"kiwix-serve 3.3, same records (ZIM), {workload}", k[workload]))
    table = "\n".join(
        f"| {name} | {s['per_second']:.0f} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | {s['errors']} |"
        f" {s['server_cores']:.2f} / {s['client_cores']:.2f} |" for name, s in rows
    )
    ratio = "".join(
        f"\nRatio to kiwix-serve, {w}: p95 {a[w]['p95_ms'] / k[w]['p95_ms']:.2f}x, requests per second "
        f"{a[w]['per_second'] / k[w]['per_second']:.2f}x." for w in WORKLOADS
    ) + "\n" if k else ""
    by_kind = "\n".join(
        f"p95 by page (AulaLocal, {w}): {', '.join(f'{kind} {ms} ms' for kind, ms in a[w]['p95_by_kind_ms'].items())}." for w in WORKLOADS
    )
    closed, classroom = a["closed"]["p95_ms"], a["classroom"]["p95_ms"]
    errors = sum(s["errors"] for s in a.values())
    added = r["added_peak_mb"]
    gaps = {w: a[w]["window_gap_ms"] for w in WORKLOADS}
    return f"""# Benchmark: the classroom site

Produced by `{command}` on {time.strftime('%Y-%m-%d')}, on {machine}.
Load average (1, 5, 15 min) before the run {r['load_before']}, after {r['load_after']}: the machine was
{'shared with other work, so the figures are indicative' if (r['load_before'] or [0])[0] > 1.0 else 'quiet'}.

{r['clients']} clients on loopback (threads of the benchmark's process, one
keep-alive connection each) opening pages for {r['seconds']:.0f} s per workload, after 5 s
of warm-up: home 1, section pages 3, searches 3 (bench/queries.tsv), records 5
in 12, in es, qu and en, over the {records:,}-record catalog of
`bench/generate.py` (2,000 of its records, 200 section pages, 200 queries).
The site runs as the app runs it, in the window's process: `bench/window.py`
runs the real main window (offscreen, 1024x600) on that catalog in a
process of its own and turns sharing on as the Share in class panel does
(`ui.sharepanel.ShareController`: the site on waitress' threads, announced
by mDNS), on 127.0.0.1, announced on loopback only. kiwix-serve serves the ZIM of the same records (`bench/kiwix.py`) with the same clients: its welcome page for home
and sections, `/search` for searches, the record's page.

Two workloads, one after the other on each server:

- **closed**: clients never pause, and every section page, query and record
  is as likely as another. Each waits behind the others: page time is bound
  by throughput (40 / requests per second is the mean) on a machine whose 2
  cores also run the 40 clients. The worst case of a class clicking together.
- **classroom**: what a class does. Each student reads a page before opening
  the next (think time drawn from an exponential distribution, mean
  {r['think_s']:.0f} s, the first click spread over the first {r['think_s']:.0f} s), and the class
  opens the same pages: records, section pages and queries are ranked once in
  an order all students share and picked by Zipf's law (s = 1: the 10th
  most popular is opened a tenth as often as the first; section pages rank
  by page number first).

The site keeps rendered pages (compressed, {DEFAULT_BYTES / 2**20:.0f} MB, least recently used, in a
temporary file) until the catalog changes, so a page many devices open is
rendered once; in the closed workload most records (6,000 record pages) are
not in it.

| server, workload | requests/s | p50 ms | p95 ms | errors | cores used: server / clients |
|---|---|---|---|---|---|
{table}

Cores used: processor time of the server's process (for AulaLocal, the
window's: the site's threads and the window's own events) and of the
benchmark's (its 40 client threads) over the workload's time, out of 2.

The window under the load: a 5 ms timer in the window's event loop, the
largest gap between two of its ticks: {', '.join(f"{w} workload {gaps[w]:.0f} ms ({a[w]['window_over_50']} over 50 ms)" for w in WORKLOADS)}.
{ratio}
{by_kind}
Largest page of each kind (AulaLocal, before media; the limit is 30 KB): {', '.join(f'{kind} {kb} KB' for kind, kb in a['closed']['largest_kb'].items())}.

Memory of the window's process, sampled every half second, over what it
held before sharing (shown, after 2 s of its events: USS, its private
memory, {r['window_baseline_uss_mb']:.1f} MB; RSS {r['window_baseline_rss_mb']:.1f} MB): sharing adds {r['added_idle_mb']:.1f} MB of USS idle
(3 s after the site started, its start-up questions asked) and {r['added_peak_mb']:.1f} MB at the
peak under load; as RSS, {r['added_idle_rss_mb']:.1f} and {r['added_peak_rss_mb']:.1f} MB. That is the site, waitress and its
threads, the page cache's index and the announcement (zeroconf, asyncio){'' if r['site_announced'] else ' (the announcement failed on this machine)'}:
the interpreter, babel's data, the translations and the catalog code are
the window's already. Announced, the window also looks for other laptops'
updates every minute (issue 17): its first look, made here after the rest
(one look, as `ui.peerwatcher` makes it, browsing on loopback), adds
{r['look_mb']:.1f} MB more, not counted here: it is not the site's. The kept pages are
not in these figures: they are in the site's temporary file
({r['site_pages_file_mb']:.1f} MB after the load), read back through the system's file cache,
which the system empties first when it needs memory.

Listen, after the load: {len(r['listen']['made_s'])} readings (3 records in es and qu, MP3 of
{min(r['listen']['kb']):.0f}-{max(r['listen']['kb']):.0f} KB) made in {min(r['listen']['made_s']):.2f}-{max(r['listen']['made_s']):.2f} s each, answered again from the
disk in {max(r['listen']['again_ms']):.1f} ms at most; the window's largest event-loop gap meanwhile
{r['listen']['window_gap_ms']:.0f} ms. The window's process then holds eSpeak, the MP3 encoder and WebOb
too: sharing adds {r['added_listen_mb']:.1f} MB of USS ({r['added_listen_rss_mb']:.1f} MB of RSS) over the window before it shared.

Targets (issue 16):

- p95 at most 100 ms at 40 clients: closed workload {'met' if closed <= 100 else '**missed**'} ({closed:.1f} ms);
  classroom workload {'met' if classroom <= 100 else '**missed**'} ({classroom:.1f} ms).
- zero errors: {'met' if errors == 0 else '**missed**'} ({errors}).
- the window stays responsive while a class browses (no event-loop gap over
  {STUCK_MS} ms): closed workload {'met' if gaps['closed'] <= STUCK_MS else '**missed**'} ({gaps['closed']:.0f} ms); classroom workload
  {'met' if gaps['classroom'] <= STUCK_MS else '**missed**'} ({gaps['classroom']:.0f} ms).
- serving adds at most 30 MB to the app's memory (the window's private peak
  under load over the window before it shared): {'met' if added <= 30 else '**missed**'} ({added:.1f} MB; counted as
  RSS: {r['added_peak_rss_mb']:.1f} MB).
"""
