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
from aulalocal.startup import open_data_folder
from bench.stats import program_env


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


# Started from a small helper process: a process forked from this (large)
# one and then exec'd would report this process's peak as its own (the kernel
# folds the old memory's high-water mark into the child's at exec).
_HELPER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_pid, status, usage = os.wait4(proc.pid, 0)
print(json.dumps([time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss]))
"""


def child_run(cmd: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (bytes) of one child process, read from its own rusage."""
    out = subprocess.run([sys.executable, "-c", _HELPER, *cmd], check=True, capture_output=True, text=True,
                         env=program_env())
    elapsed, code, maxrss_kb = json.loads(out.stdout)
    if code != 0:
        raise RuntimeError(f"{cmd} failed with {code}")
    return elapsed, maxrss_kb * 1024


def copy_seconds(source: Path, target: Path) -> float:
    """A plain ``cp`` of the file to the data disk, written through (``sync FILE``), as the import syncs its media."""
    start = time.perf_counter()
    if shutil.which("cp") and shutil.which("sync"):
        subprocess.run(["cp", str(source), str(target)], check=True)
        subprocess.run(["sync", str(target)], check=True)
    else:
        shutil.copyfile(source, target)
        with open(target, "rb+") as fh:
            os.fsync(fh.fileno())
    return time.perf_counter() - start


def media_bundle(work: Path, media_mb: int) -> tuple[Path, minisign.PublicKey]:
    """The signed media-heavy bundle (in ``work/usb``, standing in for a drive) and the key that signed it."""
    source = work / "source"
    make_source(source, media_mb)
    drive = work / "usb"
    drive.mkdir()
    bundle = drive / "bench.aulabundle"
    build_bundle(source, bundle, "bench-media", 1)
    public, secret = minisign.generate_keypair("bench")
    bundle.with_name(bundle.name + ".minisig").write_bytes(minisign.sign_file(bundle, secret, "bench"))
    return bundle, public


def run(media_mb: int = 200, repeat: int = 3) -> dict:
    work = Path(tempfile.mkdtemp(prefix="aulalocal-bench-"))
    try:
        bundle, public = media_bundle(work, media_mb)
        size = bundle.stat().st_size
        times, peaks, copies = [], [], []
        # One unrecorded run: fills the bytecode cache and reads the files once.
        warm = work / "warm"
        folder = open_data_folder(warm)
        trust.add_key(folder.keys_dir, public)
        folder.close()
        child_run([sys.executable, "-m", "aulalocal", "--data-dir", str(warm), "bundle", "apply", str(bundle)])
        shutil.rmtree(warm)
        for i in range(repeat):
            data = work / f"data{i}"
            folder = open_data_folder(data)
            trust.add_key(folder.keys_dir, public)
            folder.close()
            elapsed, peak = child_run([sys.executable, "-m", "aulalocal", "--data-dir", str(data), "bundle", "apply", str(bundle)])
            times.append(elapsed)
            peaks.append(peak)
            copies.append(copy_seconds(bundle, work / f"copy{i}"))
            shutil.rmtree(data)
            (work / f"copy{i}").unlink()
        open_data_folder(work / "idle").close()  # as the apply's folder: seed catalog in place
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
