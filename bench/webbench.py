"""A classroom on loopback: 40 clients browsing the classroom site, beside kiwix-serve with the same client.

The site runs as the app runs it: ``aulalocal serve --json --no-announce`` in
a process of its own (``aulalocal.web.process``), bound to 127.0.0.1; the
window's process announces it (mDNS, here on loopback: zeroconf is part of
the window's memory, counted in what the window gains by sharing).
Each client (a thread of this process, one keep-alive connection each)
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

Figures: requests per second, p50 and p95 page time, errors; the site's
process memory (RSS and its private part, USS: what it adds to the laptop's
memory, the shared libraries being the window's too), idle and at its peak
under load, sampled every half second; and what the window's process gains
by sharing: the child's pipes and reader thread, the announcement
(zeroconf), and apart, its first look for other laptops.

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
from bench.stats import load_average, percentile, rss_of

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


def memory_of(pid: int) -> tuple[float, float]:
    """(RSS, USS) of a live process in MB: USS is its private memory, what ending it would give back."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, value = line.partition(":")
        fields[name] = int(value.split()[0]) * 1024 / 1e6
    return fields["Rss"], fields["Private_Clean"] + fields["Private_Dirty"]


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


def _server_runs(port: int, path_of, records, queries, clients: int, seconds: float, pid: int) -> dict:
    load(port, path_of, records, queries, clients, min(5.0, seconds))  # warm-up
    return {workload: load(port, path_of, records, queries, clients, seconds, workload=workload, server_pid=pid)
            for workload in WORKLOADS}


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
    from aulalocal.web.process import ServerProcess

    records = _records(data_dir)
    queries = load_queries()
    result: dict = {"clients": clients, "seconds": seconds, "think_s": THINK_S, "load_before": load_average()}
    app = app_side_cost(data_dir)
    result["app_start_mb"], result["app_announce_mb"], result["app_look_mb"] = (
        app["start_mb"], app["announce_mb"], app["look_mb"])
    result["app_adds_mb"] = app["start_mb"] + app["announce_mb"]  # the look is the updates' (issue 17), said apart
    result["app_adds_rss_mb"] = app["rss_mb"]  # the same, counted as RSS
    result["site_announced"] = app["announced"]
    site = ServerProcess(data_dir, "127.0.0.1", 0)  # as the app starts it (--no-announce): the window announces
    info = site.start()
    try:
        pid = site._proc.pid
        time.sleep(min(3.0, seconds))  # the costly parts asked at start (who names whom, media)
        result["site_idle_rss_mb"], result["site_idle_uss_mb"] = memory_of(pid)
        watch = MemoryWatch(pid)
        try:
            result["aulalocal"] = _server_runs(info["port"], aulalocal_path, records, queries, clients, seconds, pid)
        finally:
            watch.stop()
        result["site_rss_mb"], result["site_uss_mb"] = memory_of(pid)
        result["site_peak_rss_mb"] = max(watch.peak_rss, rss_of(pid)[1])  # VmHWM: the kernel's own peak
        result["site_peak_uss_mb"] = watch.peak_uss
        result["site_pages_file_mb"] = pages_file_mb(pid)
        result["listen"] = listen_cost(info["port"], records[:LISTENED])
        result["site_listen_rss_mb"], result["site_listen_uss_mb"] = memory_of(pid)
    finally:
        site.stop()
    if zim is not None:
        from bench.kiwix import KiwixServer

        with KiwixServer(zim) as kiwix:
            result["kiwix"] = _server_runs(kiwix.port, kiwix_path(kiwix.book), records, queries, clients, seconds,
                                           kiwix.proc.pid)
    result["load_after"] = load_average()
    return result


_APP_SIDE = """
import json, os, sys, time
from pathlib import Path
from bench.stats import rss_of
import aulalocal.cli, aulalocal.datafolder, aulalocal.ui.mainwindow, aulalocal.ui.sharepanel  # the window's, loaded anyway
from aulalocal.web.process import ServerProcess

def uss():
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{os.getpid()}/smaps_rollup").read_text().splitlines()[1:])
    return sum(int(fields[k].split()[0]) for k in ("Private_Clean", "Private_Dirty")) * 1024 / 1e6

before = rss_of(os.getpid())[0]
site = ServerProcess(sys.argv[1], "127.0.0.1", 0)  # as ui/sharepanel.py starts it (--no-announce)
info = site.start()
time.sleep(0.5)
started = rss_of(os.getpid())[0]
private = uss()  # from here on: the site's process maps the interpreter too
from aulalocal.web.announce import Announcer
announcer = Announcer()  # on the site's addresses: 127.0.0.1 here
announced = announcer.start(info["port"], [n["address"] for n in info["networks"]])
time.sleep(1)
announcing, announcing_rss = uss(), rss_of(os.getpid())[0]
import aulalocal.peers.take
from aulalocal.peers.discover import browse
browse(1.0, interfaces=["127.0.0.1"], exclude=[announcer.instance])  # the window's first look for other laptops
time.sleep(0.5)
looked = uss()
announcer.stop()
site.stop()
print(json.dumps({"announced": announced, "start_mb": started - before, "announce_mb": announcing - private,
                  "look_mb": looked - announcing, "rss_mb": announcing_rss - before}))
"""


def app_side_cost(data_dir: Path) -> dict:
    """MB the window's process gains by sharing as the app shares, measured in a process of its own.

    Over the window's modules: the site's process started (its pipes, a
    reader thread; RSS, since once it runs the interpreter's pages count as
    shared in both), then its announcement by name on loopback
    (``web.announce``: zeroconf, its event loop's thread) and one look for
    other laptops (``peers.take``, ``peers.discover``), as the window does
    while sharing with the announcement on (private memory, USS: the site's
    process does not load zeroconf, so these pages are the window's alone).
    """
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _APP_SIDE, str(data_dir)], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parent.parent, timeout=120)
    return json.loads(out.stdout.splitlines()[-1])


def _line(name: str, workload: str, s: dict) -> str:
    return (f"web {name} {workload}: {s['per_second']:.0f} requests/s, p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms,"
            f" {s['errors']} errors of {s['requests'] + s['errors']}; cores used: server {s['server_cores']:.2f},"
            f" clients {s['client_cores']:.2f}; p95 by page {json.dumps(s['p95_by_kind_ms'])};"
            f" largest page KB {json.dumps(s['largest_kb'])}")


def summary(r: dict) -> list[str]:
    lines = [f"web: {r['clients']} clients for {r['seconds']:.0f} s per workload; load average before {r['load_before']}, after {r['load_after']}"]
    for name in ("aulalocal", "kiwix"):
        for workload, s in (r.get(name) or {}).items():
            lines.append(_line(name, workload, s))
    lines.append(f"web site process: RSS idle {r['site_idle_rss_mb']:.1f} MB, peak {r['site_peak_rss_mb']:.1f} MB;"
                 f" USS (private) idle {r['site_idle_uss_mb']:.1f} MB, peak {r['site_peak_uss_mb']:.1f} MB;"
                 f" the app's own process gained {r['app_adds_mb']:.1f} MB (the child {r['app_start_mb']:.1f}, announcing"
                 f" {r['app_announce_mb']:.1f}; then a look for other laptops {r['app_look_mb']:.1f} more);"
                 f" kept pages' file {r['site_pages_file_mb']:.1f} MB")
    listened = r["listen"]
    lines.append(f"web listen: {len(listened['made_s'])} readings made in {min(listened['made_s']):.2f}-{max(listened['made_s']):.2f} s"
                 f" ({min(listened['kb']):.0f}-{max(listened['kb']):.0f} KB), again in {max(listened['again_ms']):.1f} ms at most;"
                 f" the site's USS after them {r['site_listen_uss_mb']:.1f} MB")
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
    peak = r["site_peak_uss_mb"] + r["app_adds_mb"]
    lines.append(f"target {'MET   ' if peak <= 30 else 'MISSED'} web memory added: {peak:.1f} MB (≤ 30 MB: the site's private peak and the app's gain)")
    return lines


def document(r: dict, machine: str, command: str, records: int) -> str:
    from aulalocal.web.pagecache import DEFAULT_BYTES

    a, k = r["aulalocal"], r.get("kiwix")
    rows = []
    for workload in WORKLOADS:
        rows.append((f"AulaLocal (`aulalocal serve`), {workload}", a[workload]))
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
    added = r["site_peak_uss_mb"] + r["app_adds_mb"]
    return f"""# Benchmark: the classroom site

Produced by `{command}` on {time.strftime('%Y-%m-%d')}, on {machine}.
Load average (1, 5, 15 min) before the run {r['load_before']}, after {r['load_after']}: the machine was
{'shared with other work, so the figures are indicative' if (r['load_before'] or [0])[0] > 1.0 else 'quiet'}.

{r['clients']} clients on loopback (threads of the benchmark's process, one
keep-alive connection each) opening pages for {r['seconds']:.0f} s per workload, after 5 s
of warm-up: home 1, section pages 3, searches 3 (bench/queries.tsv), records 5
in 12, in es, qu and en, over the {records:,}-record catalog of
`bench/generate.py` (2,000 of its records, 200 section pages, 200 queries).
The site runs as the app runs it: `aulalocal serve --json --no-announce` in
its own process, announced by mDNS from the window's process (on loopback
here). kiwix-serve serves the ZIM of the same records (`bench/kiwix.py`) with the same clients: its welcome page for home
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

Cores used: processor time of the server's process and of the benchmark's
(its 40 client threads) over the workload's time, out of 2.
{ratio}
{by_kind}
Largest page of each kind (AulaLocal, before media; the limit is 30 KB): {', '.join(f'{kind} {kb} KB' for kind, kb in a['closed']['largest_kb'].items())}.

Memory of the site's process, sampled every half second: RSS {r['site_idle_rss_mb']:.1f} MB idle (after
its start-up work), peak {r['site_peak_rss_mb']:.1f} MB; its private memory (USS: what it adds to the
laptop, the Python library and the system's libraries being shared with the window's
process) {r['site_idle_uss_mb']:.1f} MB idle, peak {r['site_peak_uss_mb']:.1f} MB. The window's own process gains
{r['app_adds_mb']:.1f} MB by sharing: {r['app_start_mb']:.1f} MB by starting the site's process (RSS), {r['app_announce_mb']:.1f} MB
(private) by announcing it{'' if r['site_announced'] else ' (the announcement failed on this machine)'}: zeroconf, asyncio and ssl, over the
window's modules. Announced, the window also looks for other laptops'
updates every minute (issue 17): its first look loads {r['app_look_mb']:.1f} MB more (the
bundles' and signatures' code, an HTTP client), not counted here: it is not
the site's. The kept pages are not in these figures: they are in the
site's temporary file ({r['site_pages_file_mb']:.1f} MB after the load), read back through the system's
file cache, which the system empties first when it needs memory.

Listen, after the load: {len(r['listen']['made_s'])} readings (3 records in es and qu, MP3 of
{min(r['listen']['kb']):.0f}-{max(r['listen']['kb']):.0f} KB) made in {min(r['listen']['made_s']):.2f}-{max(r['listen']['made_s']):.2f} s each, answered again from the
disk in {max(r['listen']['again_ms']):.1f} ms at most. The site's process then holds eSpeak, the MP3 encoder
and WebOb too: RSS {r['site_listen_rss_mb']:.1f} MB, USS {r['site_listen_uss_mb']:.1f} MB.

Targets (issue 16):

- p95 at most 100 ms at 40 clients: closed workload {'met' if closed <= 100 else '**missed**'} ({closed:.1f} ms);
  classroom workload {'met' if classroom <= 100 else '**missed**'} ({classroom:.1f} ms).
- zero errors: {'met' if errors == 0 else '**missed**'} ({errors}).
- serving adds at most 30 MB to the app's memory (the site's private peak and the
  window's gain): {'met' if added <= 30 else '**missed**'} ({added:.1f} MB; counted as RSS, shared libraries included:
  {r['site_peak_rss_mb'] + r['app_adds_rss_mb']:.1f} MB).
"""
