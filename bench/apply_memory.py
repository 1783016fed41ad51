"""Peak memory and time of applying a large, media-heavy bundle, beside a plain copy.

The bundle (about 200 MB, most of it media files that do not compress) is
built and signed here, put in a folder standing in for a USB drive, then
applied by `aulalocal bundle apply` in a fresh process whose peak RSS is read
from the kernel (ru_maxrss of the child).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aulalocal.bundle import minisign, trust
from aulalocal.bundle.build import build_bundle
from aulalocal.datafolder import open_data_folder


def make_source(folder: Path, media_mb: int, records: int = 200) -> None:
    folder.mkdir(parents=True)
    (folder / "catalog.json").write_text(json.dumps({
        "catalog": "bench-media", "sequence": 1, "publisher": "Bench",
        "created": "2026-11-24T00:00:00Z", "languages": ["es"],
    }))
    (folder / "media").mkdir()
    (folder / "program").mkdir()
    shas = []
    chunk = 4 * 1024 * 1024
    for i in range(max(1, media_mb * 1024 * 1024 // chunk)):
        data = os.urandom(chunk)
        sha = hashlib.sha256(data).hexdigest()
        (folder / "media" / f"{sha}.pdf").write_bytes(data)
        shas.append(sha)
    for i in range(records):
        data = {"title": {"es": f"Programa {i}"}, "media": [shas[i % len(shas)]]}
        (folder / "program" / f"p-{i}.json").write_text(json.dumps(data))


def child_run(cmd: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (bytes) of one child process, read from its own rusage."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed with {proc.returncode}")
    return elapsed, usage.ru_maxrss * 1024


def run(media_mb: int = 200, repeat: int = 3) -> dict:
    work = Path(tempfile.mkdtemp(prefix="aulalocal-bench-"))
    try:
        source = work / "source"
        make_source(source, media_mb)
        drive = work / "usb"
        drive.mkdir()
        bundle = drive / "bench.aulabundle"
        build_bundle(source, bundle, "bench-media", 1)
        public, secret = minisign.generate_keypair("bench")
        bundle.with_name(bundle.name + ".minisig").write_bytes(minisign.sign_file(bundle, secret, "bench"))
        size = bundle.stat().st_size
        times, peaks, copies = [], [], []
        for i in range(repeat):
            data = work / f"data{i}"
            folder = open_data_folder(data)
            trust.add_key(folder.keys_dir, public)
            folder.close()
            elapsed, peak = child_run([sys.executable, "-m", "aulalocal", "--data-dir", str(data), "bundle", "apply", str(bundle)])
            times.append(elapsed)
            peaks.append(peak)
            start = time.perf_counter()
            shutil.copyfile(bundle, work / f"copy{i}")
            os.sync()
            copies.append(time.perf_counter() - start)
            shutil.rmtree(data)
            (work / f"copy{i}").unlink()
        idle_elapsed, idle_peak = child_run([sys.executable, "-m", "aulalocal", "--data-dir", str(work / "idle"), "catalog", "status", "--json"])
        return {
            "bundle_mb": round(size / 1e6, 1),
            "apply_seconds": times,
            "copy_seconds": copies,
            "peak_rss_mb": [round(p / 1e6, 1) for p in peaks],
            "baseline_rss_mb": round(idle_peak / 1e6, 1),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
