"""``aulalocal serve``: prints where devices open the site, serves it, stops on a signal."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO
from tests.web.conftest import fetch


def _serve(data_dir, *args):
    env = dict(os.environ, AULALOCAL_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", LANGUAGE="en")
    return subprocess.Popen(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(data_dir), "serve", *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )


def _first_url(proc, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if found:
            return found.group(1)
    proc.kill()
    raise AssertionError("no address printed: " + proc.stderr.read())


def test_serve_on_loopback_then_stop_on_sigterm(seeded_dir):
    proc = _serve(seeded_dir, "--address", "127.0.0.1", "--port", "0", "--no-announce")
    try:
        port = int(_first_url(proc))
        assert fetch(port, "/es/").status == 200
        assert b"AulaLocal" in fetch(port, "/qu/programs/").body
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Stopped sharing." in out and "Traceback" not in err


def test_a_busy_port_falls_back_and_says_so(seeded_dir):
    import socket

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    asked = busy.getsockname()[1]
    try:
        proc = _serve(seeded_dir, "--address", "127.0.0.1", "--port", str(asked), "--no-announce")
        try:
            notice = proc.stdout.readline()
            port = int(_first_url(proc))
            assert port != asked and f"Port {asked} was busy, so it uses port {port}." in notice
            assert fetch(port, "/es/").status == 200
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
    finally:
        busy.close()


def test_json_lines_for_the_app_and_stop_when_stdin_closes(seeded_dir):
    import json

    proc = _serve(seeded_dir, "--address", "127.0.0.1", "--port", "0", "--no-announce", "--json")
    try:
        first = json.loads(proc.stdout.readline())
        assert first["networks"] == [{"name": "", "address": "127.0.0.1"}] and first["visitors"] == 0
        assert first["fell_back"] is False and fetch(first["port"], "/es/").status == 200
        assert json.loads(proc.stdout.readline())["visitors"] == 1  # the next report, seconds later
    finally:
        proc.stdin.close()  # the app closed (or died): the site stops by itself
        proc.wait(30)
    assert proc.returncode == 0
    with pytest.raises(OSError):
        fetch(first["port"], "/es/", timeout=2)


def test_a_port_out_of_range_is_a_usage_error(seeded_dir):
    proc = _serve(seeded_dir, "--port", "70000")
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and err.startswith("error: ")


ON_ITS_OWN = """
import json, sys
from aulalocal.web import announce, server
calls = []

class Recorder:  # stands in for zeroconf.Zeroconf: sends nothing
    def __init__(self, addresses):
        calls.append(["made", list(addresses)])

    def register_service(self, info, allow_name_change=False):
        calls.append(["register", info.port, allow_name_change])

    def unregister_service(self, info):
        calls.append(["unregister"])

    def close(self):
        calls.append(["close"])

server.Announcer = lambda: announce.Announcer(factory=Recorder)
from aulalocal.cli import main
code = main(["--data-dir", sys.argv[1], "serve", "--json", "--address", "127.0.0.1", "--port", "0"])
sys.stderr.write(json.dumps(calls))
sys.exit(code)
"""


def test_serve_on_its_own_announces_the_site_itself(seeded_dir):
    """Without the window (whose process announces the site it starts with --no-announce), ``aulalocal serve`` announces."""
    import json

    proc = subprocess.run([sys.executable, "-c", ON_ITS_OWN, str(seeded_dir)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60, cwd=REPO, env=dict(os.environ, LANGUAGE="en"))
    assert proc.returncode == 0, proc.stderr
    first = json.loads(proc.stdout.splitlines()[0])  # stdin closed at once: it stops after this line
    assert first["name"].startswith("AulaLocal \u2013 ")
    calls = json.loads(proc.stderr.strip().splitlines()[-1])
    assert calls == [["made", ["127.0.0.1"]], ["register", first["port"], True], ["unregister"], ["close"]]
