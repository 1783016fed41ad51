"""Operations side by side: each stages into a folder of its own, and the
clean-up one makes removes only what an operation that died left (issue 12).

Real processes: a ``bundle verify`` (or ``apply``) held still once its copy
is staged, while another command runs its clean-up and finishes; a process
killed with its copy staged, whose leftovers the next command removes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aulalocal.bundle import trust
from aulalocal.bundle.importer import import_bundle
from aulalocal.bundle.staging import StagingFolder
from aulalocal.startup import open_data_folder
from tests.bundle.conftest import make_bundle, new_publisher

PUBLISHER = new_publisher("Ministerio de prueba")

# The real command line, held still at its first "verify" progress: the
# bundle is staged, nothing else is read yet.
HELD = r"""
import sys, time
from pathlib import Path
from aulalocal import cli
from aulalocal.cli import output
held, go = Path(sys.argv[1]), Path(sys.argv[2])
def hold(phase, done, total):
    if phase == "verify" and not held.exists():
        held.write_text("staged")
        while not go.exists():
            time.sleep(0.02)
output.progress_printer = lambda args: hold
sys.exit(cli.main(sys.argv[3:]))
"""


@pytest.fixture
def data(tmp_path) -> Path:
    path = tmp_path / "data"
    folder = open_data_folder(path)
    trust.add_key(folder.keys_dir, PUBLISHER.public)
    folder.close()
    return path


def command(data: Path, *args: str) -> list[str]:
    return ["--data-dir", str(data), *args]


def start_held(tmp_path: Path, args: list[str]) -> tuple[subprocess.Popen, Path, Path]:
    held, go = tmp_path / "held", tmp_path / "go"
    proc = subprocess.Popen(
        [sys.executable, "-c", HELD, str(held), str(go), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, LANGUAGE="en"),
    )
    deadline = time.monotonic() + 60
    while not held.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the held command never staged its bundle"
        time.sleep(0.02)
    return proc, held, go


def run(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aulalocal", *command(data, *args)],
        capture_output=True, text=True, env=dict(os.environ, LANGUAGE="en"), timeout=120,
    )


def staged_files(data: Path) -> list[Path]:
    return sorted(p for p in (data / "staging").rglob("*") if p.is_file())


@pytest.mark.parametrize("held_command, other_command", [("verify", "apply"), ("apply", "verify")])
def test_an_operation_survives_another_ones_clean_up(data, tmp_path, held_command, other_command):
    held_bundle = make_bundle(tmp_path, PUBLISHER, catalog="primero", sequence=1)
    other_bundle = make_bundle(tmp_path, PUBLISHER, catalog="segundo", sequence=1)
    proc, _held, go = start_held(tmp_path, command(data, "bundle", held_command, str(held_bundle)))
    try:
        staged = staged_files(data)
        assert staged  # the held command's copy
        other = run(data, "bundle", other_command, str(other_bundle))
        assert other.returncode == 0, other.stderr
        assert all(p.exists() for p in staged)
    finally:
        go.write_text("go")
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.startswith("OK:" if held_command == "verify" else "Applied")
    assert list((data / "staging").iterdir()) == []


def test_what_a_killed_operation_left_is_removed_by_the_next(data, tmp_path):
    bundle = make_bundle(tmp_path, PUBLISHER, catalog="primero", sequence=1)
    proc, _held, _go = start_held(tmp_path, command(data, "bundle", "verify", str(bundle)))
    staged = staged_files(data)
    proc.send_signal(signal.SIGKILL)
    proc.wait(60)
    assert staged and all(p.exists() for p in staged)  # a kill cleans nothing
    (data / "staging" / "tmpa1b2c3.part").write_bytes(b"left by an older AulaLocal")
    result = run(data, "bundle", "apply", str(make_bundle(tmp_path, PUBLISHER, catalog="segundo", sequence=1)))
    assert result.returncode == 0, result.stderr
    assert list((data / "staging").iterdir()) == []


def test_a_live_operation_in_this_process_is_never_cleaned_up(data, tmp_path):
    """The window does this: a verify of its own while an import runs."""
    folder = open_data_folder(data)
    try:
        with StagingFolder(folder.staging_dir) as live:
            (live.path / "bundle.part").write_bytes(b"being verified")
            import_bundle(folder, make_bundle(tmp_path, PUBLISHER, catalog="segundo", sequence=1))
            assert (live.path / "bundle.part").read_bytes() == b"being verified"
        assert list(folder.staging_dir.iterdir()) == []
    finally:
        folder.close()
