"""Updates laptop to laptop: the media-heavy bundle fetched from a peer on loopback, beside curl; the whole take beside the fetch alone.

The giving laptop is a data folder that applied the bundle, served by the
site's own code (``aulalocal serve --json --no-announce``, a process of its
own, on 127.0.0.1: the same site and WSGI server the window runs on its
threads when it shares, without the window beside it). Then, in turn, for every round:

- ``curl -o FILE`` of the bundle from that server (the reference);
- the fetch alone: ``peers.client.download`` of the same file (what
  ``bundle fetch`` does before the import, its SHA-256 checked as it comes);
- the whole take: ``aulalocal bundle fetch`` in a new process on a new data
  folder that trusts the key: index, download, then the USB drive's way
  (copy to staging, signature, hashes, records, one transaction);
- the drive's import of the same file (``bundle apply``), for comparison.

The machine may be shared: the load average is written beside the figures.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.apply_memory import child_run, media_bundle
from bench.stats import load_average, median, spread

TARGET_SHARE_OF_CURL = 0.5



def _taker(path: Path, public) -> Path:
    from aulalocal.bundle import trust
    from aulalocal.startup import open_data_folder

    folder = open_data_folder(path)
    trust.add_key(folder.keys_dir, public)
    folder.close()
    return path


def run(media_mb: int = 200, rounds: int = 3) -> dict:
    from aulalocal.bundle.importer import import_bundle
    from aulalocal.startup import open_data_folder
    from aulalocal.peers.client import Address, download
    from aulalocal.peers.index import INDEX_NAME, MAX_INDEX_BYTES, parse_index
    from aulalocal.peers.client import get_small

    work = Path(tempfile.mkdtemp(prefix="aulalocal-bench-fetch-"))
    server = None
    try:
        bundle, public = media_bundle(work, media_mb)
        giver = work / "giver"
        folder = open_data_folder(giver)
        from aulalocal.bundle import trust

        trust.add_key(folder.keys_dir, public)
        import_bundle(folder, bundle)
        folder.close()
        server = _serve(giver)
        address = Address("127.0.0.1", json.loads(server.stdout.readline())["port"])  # its first line: it serves
        offered = parse_index(get_small(address, INDEX_NAME, MAX_INDEX_BYTES), str(address))[0].bundle
        url = f"{address.url}{offered.name}"
        result: dict = {"bundle_mb": round(offered.size / 1e6, 1), "load_before": load_average(), "curl": [], "fetch": [],
                        "take": [], "take_peak_rss_mb": [], "apply": []}
        curl = shutil.which("curl")
        target = work / "fetched.aulabundle"
        for n in range(rounds + 1):  # the first round warms the caches and is not counted
            if curl:
                target.unlink(missing_ok=True)
                start = time.perf_counter()
                subprocess.run([curl, "-s", "-f", "-o", str(target), url], check=True)
                curl_s = time.perf_counter() - start
            target.unlink(missing_ok=True)
            start = time.perf_counter()
            download(address, offered, target)
            fetch_s = time.perf_counter() - start
            target.unlink()
            data = _taker(work / f"taker-{n}", public)
            take_s, peak = child_run([sys.executable, "-m", "aulalocal", "--data-dir", str(data), "bundle", "fetch", str(address)])
            shutil.rmtree(data)
            data = _taker(work / f"drive-{n}", public)
            apply_s, _peak = child_run([sys.executable, "-m", "aulalocal", "--data-dir", str(data), "bundle", "apply", str(bundle)])
            shutil.rmtree(data)
            if n:
                if curl:
                    result["curl"].append(curl_s)
                result["fetch"].append(fetch_s)
                result["take"].append(take_s)
                result["take_peak_rss_mb"].append(round(peak / 1e6, 1))
                result["apply"].append(apply_s)
        result["load_after"] = load_average()
        return result
    finally:
        if server is not None:
            server.stdin.close()  # aulalocal serve --json stops when its standard input closes
            server.wait(30)
            server.stdout.close()
        shutil.rmtree(work, ignore_errors=True)


def _serve(data: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(data), "serve", "--json", "--no-announce",
         "--address", "127.0.0.1", "--port", "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )


def share_of_curl(r: dict) -> float | None:
    return median(r["curl"]) / median(r["fetch"]) if r["curl"] else None


def summary(r: dict) -> list[str]:
    mb = r["bundle_mb"]
    lines = [
        f"fetch {mb} MB from a peer on loopback: {spread(r['fetch'])} s"
        + (f" (curl {spread(r['curl'])} s)" if r["curl"] else " (no curl here)"),
        f"fetch {mb} MB, whole take (bundle fetch: index, download, verify, apply): {spread(r['take'])} s,"
        f" peak RSS {spread(r['take_peak_rss_mb'], 1)} MB; the drive's bundle apply {spread(r['apply'])} s",
        f"fetch load average before {r['load_before']}, after {r['load_after']}",
    ]
    share = share_of_curl(r)
    if share is not None:
        met = "MET   " if share >= TARGET_SHARE_OF_CURL else "MISSED"
        lines.append(f"target {met} fetch {mb} MB from a peer, share of curl's speed: {100 * share:.0f}% (≥ 50%)")
    return lines


def document(r: dict, machine: str, command: str) -> str:
    mb = r["bundle_mb"]
    share = share_of_curl(r)
    rows = [
        ("curl -o FILE (the reference)", spread(r["curl"]) if r["curl"] else "n/a", _rate(mb, r["curl"])),
        ("fetch alone (peers.client.download, SHA-256 as it comes)", spread(r["fetch"]), _rate(mb, r["fetch"])),
        ("whole take: aulalocal bundle fetch (index, download, verify, apply)", spread(r["take"]), _rate(mb, r["take"])),
        ("the same bundle from a drive: aulalocal bundle apply", spread(r["apply"]), _rate(mb, r["apply"])),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    verdict = (f"**{100 * share:.0f}%** of curl's speed (target ≥ 50%: {'met' if share >= TARGET_SHARE_OF_CURL else 'missed'})"
               if share is not None else "curl was not installed: no reference")
    return f"""# Benchmark: updates from another laptop (issue 17)

Produced by `{command}` on {time.strftime('%Y-%m-%d')}, on {machine}.
Load average (1, 5, 15 min) before: {r['load_before']}, after: {r['load_after']}
(the machine is shared with other work; the figures are medians of
{len(r['fetch'])} rounds after a warm-up round, with min–max in brackets).

A {mb} MB media-heavy bundle (`bench/apply_memory.py`'s: 200 records, media
files that do not compress), applied on a giving laptop and served as the
site's own code (`aulalocal serve --json --no-announce`, a process of its
own, the site and WSGI server the window runs on its threads when it shares)
on 127.0.0.1.

| | seconds | MB/s |
|---|---|---|
{table}

Fetch alone: {verdict}.

The whole take is the fetch plus exactly what a USB drive's bundle goes
through (docs/network-updates.md): the downloaded file is copied again into
the importer's own staging folder, its signature checked over that copy,
every file's hash, the records, one transaction; peak memory of that
process: {spread(r['take_peak_rss_mb'], 1)} MB.
"""


def _rate(mb: float, values: list[float]) -> str:
    return f"{mb / median(values):.0f}" if values else "n/a"


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.fetchbench")
    parser.add_argument("--media-mb", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    for line in summary(run(args.media_mb, args.rounds)):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
