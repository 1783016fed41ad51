"""Small statistics and formatting helpers shared by the benchmarks."""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import tempfile
from pathlib import Path


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: list[float], digits: int = 2, unit: str = "") -> str:
    """``median (min–max)``, or the single value."""
    if not values:
        return "n/a"
    fmt = f"{{:.{digits}f}}"
    if len(values) == 1:
        return fmt.format(values[0]) + unit
    return f"{fmt.format(median(values))}{unit} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (the machine may be shared: say so beside the figures)."""
    try:
        return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]
    except (OSError, ValueError):
        return []


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    disk = ""
    try:
        out = subprocess.run(["df", "-T", "/tmp"], capture_output=True, text=True, timeout=5).stdout.splitlines()
        if len(out) > 1:
            disk = f", /tmp on {out[1].split()[1]}"
    except (OSError, subprocess.SubprocessError):
        pass
    distro = ""
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                distro = line.split("=", 1)[1].strip('"') + ", "
    except OSError:
        pass
    import sqlite3

    return (
        f"{distro}{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} cores ({cpu}),"
        f" {mem:.0f} GiB RAM{disk}; Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def program_env(extra: dict | None = None) -> dict:
    """Environment for a measured program: Python bytecode cached, as in an installed app.

    A source checkout run with PYTHONDONTWRITEBYTECODE set would compile every
    module at every start. The cache lives outside the repository
    (PYTHONPYCACHEPREFIX) and is filled by each measure's warm-up run.
    """
    env = dict(os.environ, **(extra or {}))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "aulalocal-bench-pycache")
    return env


def rss_of(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a live process, in MB, from /proc."""
    rss = hwm = float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) * 1024 / 1e6
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) * 1024 / 1e6
    return rss, hwm
