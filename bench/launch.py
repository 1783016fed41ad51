"""Start-up until the main window is visible, under Xvfb, told by the X server's events.

Each program is started in a fresh process; an X client connected before it
starts (``bench.xwatch``) hears its top-level window being mapped and titled,
the same way for every program: no poller runs beside it. Then the process
group (started here) is stopped, and the next run waits until the window is
gone. Programs run in turns, round after round, after one unrecorded warm-up
each. A program with ``fresh`` set gets a data folder that was never used at
each run (a laptop's first day, and after every reinstall).
Every program runs in a network namespace of its own with only loopback
(``unshare -n``) when that is possible: Kiwix desktop starts a download helper
(aria2c) that would otherwise try the internet; all programs get the same
treatment so the figures compare.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import xwatch
from bench.stats import program_env, rss_of

DISPLAY = ":95"
CHECK_S = 0.05  # how often the wait for the window also checks that the program is alive
REPO = Path(__file__).resolve().parent.parent
DETECTOR = xwatch.DETECTOR


def tools_available() -> bool:
    return bool(shutil.which("Xvfb")) and xwatch.available()


class Xvfb:
    """``Xvfb :95 -screen 0 1024x600x24 -noreset``, started here unless already running."""

    def __init__(self, display: str = DISPLAY) -> None:
        self.display = display
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Xvfb":
        socket = Path("/tmp/.X11-unix") / f"X{self.display.lstrip(':')}"
        if not socket.exists():
            self.proc = subprocess.Popen(
                # -noreset: by default the server resets whenever its last
                # client leaves, and a program connecting meanwhile fails.
                ["Xvfb", self.display, "-screen", "0", "1024x600x24", "-nolisten", "tcp", "-noreset"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while not socket.exists():
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("Xvfb did not start")
                time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def _offline_prefix() -> list[str]:
    """Run in a network namespace with loopback only, when allowed (root, unshare, ip)."""
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        return []
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return ["unshare", "-n", "sh", "-c", 'ip link set lo up; exec "$0" "$@"'] if probe.returncode == 0 else []


def app_env(display: str | None, extra: dict | None = None) -> dict:
    """The environment of a measured program: its display, and cached bytecode (``program_env``)."""
    env = program_env(extra)
    if display:
        env["DISPLAY"] = display
        env.pop("QT_QPA_PLATFORM", None)
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


@dataclass
class Program:
    label: str
    cmd: list[str]  # "{fresh}" stands for a data folder never used before, made anew each run
    window: str  # regex for the window's title
    env: dict = field(default_factory=dict)
    fresh: Path | None = None  # where the never-used data folders go


def _stop(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)  # the group this module started
        except ProcessLookupError:
            break
        try:
            proc.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue


def time_to_window(program: Program, watcher: xwatch.WindowWatcher, display: str, pin: str | None = None,
                   timeout: float = 60) -> float:
    env = app_env(display, program.env)
    fresh = None
    if program.fresh is not None:
        program.fresh.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(dir=program.fresh)) / "data"  # the folder itself does not exist yet
    cmd = (["taskset", "-c", pin] if pin else []) + _offline_prefix()
    cmd += [str(fresh) if part == "{fresh}" else part for part in program.cmd]
    if watcher.wait(program.window, 10, gone=True) is None:
        raise RuntimeError(f"a window like {program.window!r} is still shown from an earlier run")
    errors = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
    try:
        while True:
            shown = watcher.wait(program.window, CHECK_S)
            if shown is not None:
                elapsed = shown - start
                break
            if proc.poll() is not None:
                errors.seek(0)
                said = errors.read().decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
                raise RuntimeError(
                    f"{program.label} exited with {proc.returncode} before its window showed {said[0][:200]!r}"
                )
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"{program.label}: no window after {timeout:.0f} s")
    finally:
        _stop(proc)
        errors.close()
        if fresh is not None:
            shutil.rmtree(fresh.parent, ignore_errors=True)
    watcher.wait(program.window, 10, gone=True)
    return elapsed


def programs(seed_data: Path, big_data: Path | None, big_label: str, zim: Path | None, home: Path) -> list[Program]:
    aulalocal = str(Path(sys.executable).with_name("aulalocal"))
    found = [
        Program("AulaLocal, seed catalog", [aulalocal, "--data-dir", str(seed_data)], "^AulaLocal"),
        Program("AulaLocal, first start (a data folder never used)", [aulalocal, "--data-dir", "{fresh}"],
                "^AulaLocal", fresh=home / "fresh-data"),
    ]
    if big_data is not None:
        found.append(Program(f"AulaLocal, {big_label}", [aulalocal, "--data-dir", str(big_data)], "^AulaLocal"))
    found.append(Program("bare PySide6 window", [sys.executable, str(REPO / "bench" / "bare_window.py")], "^Bare PySide6 window$"))
    if shutil.which("kiwix-desktop"):
        kiwix_env = {
            "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"), "XDG_RUNTIME_DIR": str(home / "run"),
            "QTWEBENGINE_DISABLE_SANDBOX": "1",  # running as root
        }
        (home / "run").mkdir(parents=True, exist_ok=True)
        os.chmod(home / "run", 0o700)
        found.append(Program("Kiwix desktop, no book open", ["kiwix-desktop"], "Kiwix", kiwix_env))
        if zim is not None:
            found.append(Program(f"Kiwix desktop, opening a ZIM of {big_label}", ["kiwix-desktop", str(zim)], "Kiwix", kiwix_env))
    return found


def measure(progs: list[Program], rounds: int, pin: str | None = None, display: str = DISPLAY) -> dict[str, list[float]]:
    """Seconds until each program's window is visible, ``rounds`` times each.

    A run that fails (the program dies before its window shows: seen now and
    then with Xvfb) is tried again, up to twice; failures are counted.
    """
    results: dict[str, list[float]] = {p.label: [] for p in progs}
    errors: dict[str, str] = {}
    failures: dict[str, int] = {}

    saved = os.sched_getaffinity(0)
    if pin is not None and len(saved) > 1:
        # The listener (this process) runs beside the pinned program, not on its core.
        os.sched_setaffinity(0, saved - {int(pin)} or saved)
    try:
        with xwatch.WindowWatcher(display) as watcher:
            def attempt(program: Program) -> float | None:
                for _ in range(3):
                    try:
                        return time_to_window(program, watcher, display, pin)
                    except RuntimeError as exc:
                        failures[program.label] = failures.get(program.label, 0) + 1
                        errors[program.label] = str(exc)
                return None

            for warm in progs:
                attempt(warm)
            for _ in range(rounds):
                for program in progs:
                    seconds = attempt(program)
                    if seconds is not None:
                        results[program.label].append(seconds)
    finally:
        os.sched_setaffinity(0, saved)
    return {"seconds": results, "errors": errors, "failures": failures, "detector": DETECTOR}


def idle_rss(data_dir: Path, display: str | None, settle_s: float = 3.0) -> dict:
    """RSS of the app, idle with its window shown (Xvfb, else the offscreen platform)."""
    env = app_env(display)
    aulalocal = str(Path(sys.executable).with_name("aulalocal"))
    if not display:  # no warm-up run here: fill the bytecode cache first
        subprocess.run([aulalocal, "--data-dir", str(data_dir), "catalog", "status"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc = subprocess.Popen([aulalocal, "--data-dir", str(data_dir)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if display:
            with xwatch.WindowWatcher(display) as watcher:
                watcher.wait("^AulaLocal", 30)
        time.sleep(settle_s)
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}")
        rss, peak = rss_of(proc.pid)
        return {"rss_mb": round(rss, 1), "peak_rss_mb": round(peak, 1)}
    finally:
        _stop(proc)


def scratch_home() -> Path:
    return Path(tempfile.mkdtemp(prefix="aulalocal-bench-home-"))
