"""The site in a process of its own (``aulalocal serve --json``), for the desktop app.

Pages are rendered in Python: served from the window's process, a class
browsing would take the interpreter from the window for tens of
milliseconds at a time. In its own process the window never waits for it,
and nothing a device sends can reach the window's memory.

The child prints one JSON line when it serves (its port and addresses),
then a line every few seconds (devices lately, addresses); it stops when its
standard input closes, so it never outlives the app, even a killed one. It
is not announced by name (``--no-announce``): the window's process announces
it (``ui/sharepanel.py``), since it loads zeroconf anyway to look for other
laptops, and one zeroconf costs the laptop less than two.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from aulalocal.errors import N_, AulaLocalError

READY_TIMEOUT_S = 60.0
STATUS_INTERVAL_S = 3.0  # how often the child reports (devices lately, addresses)
MAX_LINE = 64 * 1024


class ServeError(AulaLocalError):
    """The site's process did not start (its own one-line message, or why it ended)."""


def command() -> list[str]:
    """How this installation runs ``aulalocal``: the frozen program itself, or this Python with the package."""
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable)
        console = exe.with_name("aulalocal-cli.exe")  # Windows: the windowed program has no standard output
        return [str(console if console.is_file() else exe)]
    return [sys.executable, "-m", "aulalocal"]


def _drain(stream, kept: list[str], keep: int = 20) -> None:
    """Read the child's error output to its end (a full pipe would stop it); keep its first lines."""
    for line in stream:
        if len(kept) < keep:
            kept.append(line.decode("utf-8", "replace").strip()[:500])


class ServerProcess:
    """``aulalocal serve --json --no-announce`` as a child process; ``info`` is its first line once it serves."""

    def __init__(self, data_dir: Path, address: str, port: int, *, lang: str = "es") -> None:
        self.args = [
            "--data-dir", str(data_dir), "--lang", lang, "serve", "--json", "--no-announce",
            "--address", address, "--port", str(port),
        ]
        self.info: dict = {}
        self._proc: subprocess.Popen | None = None

    def start(self) -> dict:
        """Start the child and wait until it serves; raises ``ServeError`` with its message if it cannot."""
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        self._proc = subprocess.Popen(
            [*command(), *self.args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=env, creationflags=flags,
        )
        errors: list[str] = []
        threading.Thread(target=_drain, args=(self._proc.stderr, errors), daemon=True).start()
        timer = threading.Timer(READY_TIMEOUT_S, self._proc.kill)
        timer.start()
        try:
            first = self._proc.stdout.readline(MAX_LINE)
        finally:
            timer.cancel()
        try:
            self.info = json.loads(first)
        except ValueError:
            self._proc.wait(10)
            message = next((line for line in errors if line.startswith("error: ")), errors[0] if errors else "")
            self._proc = None
            raise ServeError(
                N_("The classroom site could not start: {reason}"), reason=message.removeprefix("error: ") or "?"
            ) from None
        return self.info

    def statuses(self) -> Iterator[dict]:
        """The child's status lines, until it ends (read them on a thread of their own)."""
        proc = self._proc
        while proc is not None:
            line = proc.stdout.readline(MAX_LINE)
            if not line:
                return
            try:
                yield json.loads(line)
            except ValueError:
                continue

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the child to stop (its standard input closes), then end it if it has not within ``timeout``."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)
        for stream in (proc.stdout, proc.stderr):
            stream.close()
