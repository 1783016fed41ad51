"""The benchmarks' smoke run (`python -m bench --smoke`) still works, so the benchmark code cannot rot."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_bench_smoke_runs_and_prints_the_figures(tmp_path):
    env = dict(os.environ, AULALOCAL_DATA_DIR=str(tmp_path / "data"), TMPDIR=str(tmp_path))
    env.pop("DISPLAY", None)  # the smoke run needs no X server
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for figure in (
        "apply 1000 records:",
        "search 1000 ui: p50",
        "search 1000 snippets: p50",
        "target MET    ranking vs every match ranked",
        "search 1000 raw: p50",
        "idle app RSS",
        "media 8.4 MB: import",
        "fetch 8.4 MB from a peer on loopback:",  # updates from another laptop, beside curl
        "fetch 8.4 MB, whole take",
        "web aulalocal closed: ",  # the classroom site under 4 clients, never pausing
        "web aulalocal classroom: ",  # and reading each page a while
        "web window sharing: USS",  # the real window, sharing on loopback
        "kept pages' file ",  # in a temporary file, not in the site's memory
        "target ",
    ):
        assert figure in out, f"{figure!r} missing from:\n{out}"
    # Nothing written in smoke mode.
    assert "written to" not in out
