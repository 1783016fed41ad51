"""Time from launch to a visible main window: the packaged app against the source tree.

    python packaging/measure_start.py [--runs 7] [--dist dist/aulalocal] [--max-ratio 1.2]

Under Xvfb (display :97, 1024x600x24, started here if nothing answers there),
each command is launched and ``xdotool search --onlyvisible --name AulaLocal``
is polled every 10 ms until the window is mapped; the process is then ended.
Compared:

    packaged  dist/aulalocal/aulalocal --data-dir TMP
    source    .venv/bin/python -m aulalocal --data-dir TMP

Each has its own data folder, created beforehand (``catalog status``) so the
first-start seed load is not counted, and one untimed launch warms the disk
cache. The timed runs alternate (source, packaged, source...) so that a busy
machine slows both alike. Prints the median, min and max of each and their
ratio; exits 1 if packaged / source is above --max-ratio (the issue's target
is 1.2). Needs Xvfb and xdotool (Debian: apt-get install xvfb xdotool).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLL_S = 0.010
TIMEOUT_S = 60.0


def display_alive(display: str) -> bool:
    probe = subprocess.run(["xdotool", "getdisplaygeometry"], env={**os.environ, "DISPLAY": display},
                           capture_output=True)
    return probe.returncode == 0


def start_xvfb(display: str) -> subprocess.Popen | None:
    """Start Xvfb on display unless one already answers there; returns the process we started."""
    if display_alive(display):
        return None
    # -noreset: Xvfb otherwise resets when its last client leaves, and a program
    # connecting during the reset fails to open its window.
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1024x600x24", "-nolisten", "tcp", "-noreset"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if display_alive(display):
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"measure_start: Xvfb did not start on {display}")


def hold_display(display: str):
    """Keep one client connected for the whole measurement (no server reset between runs).

    Returns a function that lets go of the display."""
    import ctypes
    import ctypes.util

    xlib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    handle = xlib.XOpenDisplay(display.encode())
    if not handle:
        raise SystemExit(f"measure_start: cannot open display {display}")
    return lambda: xlib.XCloseDisplay(handle)


def window_visible(env: dict) -> bool:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "AulaLocal"],
                           env=env, capture_output=True, text=True)
    return found.returncode == 0 and bool(found.stdout.strip())


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def time_to_window(cmd: list[str], env: dict) -> float:
    """Seconds from spawning cmd until its window is visible."""
    if window_visible(env):
        raise SystemExit("measure_start: an AulaLocal window is already open on the display; close it first")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            if window_visible(env):
                return time.perf_counter() - start
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace").strip()
                raise SystemExit(f"measure_start: {' '.join(cmd)} exited ({proc.returncode}) before a window showed:\n{err}")
            if time.perf_counter() - start > TIMEOUT_S:
                raise SystemExit(f"measure_start: no window after {TIMEOUT_S:.0f} s: {' '.join(cmd)}")
            time.sleep(POLL_S)
    finally:
        stop(proc)
        # wait until the window is gone so the next run starts clean
        deadline = time.monotonic() + 5
        while window_visible(env) and time.monotonic() < deadline:
            time.sleep(POLL_S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "aulalocal")
    parser.add_argument("--python", type=Path, default=ROOT / ".venv" / "bin" / "python")
    parser.add_argument("--display", default=":97")
    parser.add_argument("--max-ratio", type=float, default=1.2)
    args = parser.parse_args(argv)

    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            raise SystemExit(f"measure_start: {tool} not found (Debian: apt-get install xvfb xdotool)")
    packaged = args.dist / "aulalocal"
    if not os.access(packaged, os.X_OK):
        raise SystemExit(f"measure_start: no built program {packaged} (run make package)")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "AULALOCAL_"))}
    env.update(DISPLAY=args.display, LANG="C.UTF-8")
    xvfb = start_xvfb(args.display)
    release = hold_display(args.display)
    try:
        with tempfile.TemporaryDirectory(prefix="aulalocal-start-") as tmp:
            commands = {
                "source": [str(args.python), "-m", "aulalocal", "--data-dir", os.path.join(tmp, "source")],
                "packaged": [str(packaged), "--data-dir", os.path.join(tmp, "packaged")],
            }
            for name, cmd in commands.items():
                # first start (seed catalog load) and a warm-up launch, not counted
                subprocess.run(cmd + ["catalog", "status"], env=env, check=True, stdout=subprocess.DEVNULL)
                time_to_window(cmd, env)
            times: dict[str, list[float]] = {name: [] for name in commands}
            for _ in range(args.runs):
                for name, cmd in commands.items():
                    times[name].append(time_to_window(cmd, env))
    finally:
        release()
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()

    med = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"{name:9s} median {med[name] * 1000:6.0f} ms   min {min(values) * 1000:6.0f}   "
              f"max {max(values) * 1000:6.0f}   ({len(values)} runs)")
    ratio = med["packaged"] / med["source"]
    verdict = "OK" if ratio <= args.max_ratio else "TOO SLOW"
    print(f"packaged / source = {ratio:.2f} (target <= {args.max_ratio}): {verdict}")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
