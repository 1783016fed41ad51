"""Faults: kills at every phase, pulled drives, full disks, read-only folders, concurrent imports."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aulalocal.bundle import trust
from aulalocal.bundle.importer import import_bundle
from aulalocal.bundle.lock import import_lock
from aulalocal.catalog import health
from aulalocal.startup import open_data_folder
from aulalocal.errors import StorageError
from tests.bundle.conftest import SAMPLE, make_bundle
from tests.conftest import title


def many_records(n: int, tag: str) -> dict:
    words = "yachay wasi yachachiq wawakuna ayllu llaqta ñan p'unchay kawsay".split()
    rng = random.Random(n)
    return {
        ("program", f"p-{i:05d}"): {
            "title": title(f"Programa {tag} {i}", f"Programa {i} {rng.choice(words)}"),
            "body": title(" ".join(rng.choice(words) for _ in range(60)) + f" {tag}"),
            "regions": [rng.choice(["Cusco", "Puno", "Lima"])],
        }
        for i in range(n)
    }


def catalog_fingerprint(db_path: Path, reader_only: bool = False) -> tuple[str, str]:
    """(integrity check, digest of the minedu-pe catalog: records, state, index)."""
    conn = sqlite3.connect(db_path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if not reader_only:  # FTS5's own check is run as a write statement
            health.check_search_indexes(conn)
        digest = hashlib.sha256()
        for row in conn.execute(
            "SELECT kind, id, data_sha256 FROM records WHERE catalog='minedu-pe' ORDER BY kind, id"
        ):
            digest.update(repr(row).encode())
        digest.update(repr(conn.execute("SELECT sequence, file_sha256 FROM catalogs WHERE catalog='minedu-pe'").fetchall()).encode())
        n_records = conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        n_index = conn.execute("SELECT COUNT(*) FROM search_text").fetchone()[0]
        digest.update(f"{n_records * 3 == n_index}".encode())
        return integrity, digest.hexdigest()
    finally:
        conn.close()


def cli(*args, data: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(data), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, LANGUAGE="es"),
    )


@pytest.fixture
def old_and_new(tmp_path, publisher):
    """A data folder at sequence 1 and a large full bundle for sequence 2."""
    data = tmp_path / "data"
    folder = open_data_folder(data, load_seed=False)
    trust.add_key(folder.keys_dir, publisher.public)
    import_bundle(folder, make_bundle(tmp_path, publisher, many_records(300, "uno"), sequence=1))
    folder.close()
    new = make_bundle(tmp_path, publisher, many_records(3000, "dos"), sequence=2)
    return data, new


def test_killed_at_random_points_leaves_old_or_new_catalog(old_and_new, tmp_path):
    data, bundle = old_and_new
    template = tmp_path / "template"
    shutil.copytree(data, template)
    old = catalog_fingerprint(data / "catalog.db")
    # The whole apply, timed once, bounds the random kill points.
    start = time.monotonic()
    proc = cli("bundle", "apply", str(bundle), data=data)
    assert proc.wait(120) == 0, proc.stderr.read()
    duration = time.monotonic() - start
    new = catalog_fingerprint(data / "catalog.db")
    assert new != old and new[0] == "ok"

    rng = random.Random(1234)
    seen = {"old": 0, "new": 0}
    kills = 0
    shutil.rmtree(data)
    shutil.copytree(template, data)
    while kills < 100:
        proc = cli("bundle", "apply", str(bundle), data=data)
        time.sleep(rng.uniform(0, duration * 1.1))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        state = catalog_fingerprint(data / "catalog.db")
        assert state[0] == "ok"
        assert state in (old, new), f"mixed catalog after kill {kills}"
        which = "old" if state == old else "new"
        seen[which] += 1
        if which == "new":
            shutil.rmtree(data)
            shutil.copytree(template, data)
    # After the kills, a normal run still applies cleanly (no stale lock, no leftovers).
    proc = cli("bundle", "apply", str(bundle), data=data)
    assert proc.wait(120) == 0, proc.stderr.read()
    assert catalog_fingerprint(data / "catalog.db") == new
    assert seen["old"] > 0


def snapshot(path: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(path.glob("*.db*"))}


def test_drive_pulled_mid_read_changes_nothing(old_and_new, tmp_path):
    data, bundle = old_and_new
    drive_copy = tmp_path / "drive" / bundle.name
    drive_copy.parent.mkdir()
    shutil.copy(bundle, drive_copy)
    shutil.copy(str(bundle) + ".minisig", str(drive_copy) + ".minisig")
    before = snapshot(data)
    folder = open_data_folder(data, load_seed=False)

    def pull(phase, done, total):
        if phase == "copy" and done < total:
            # The drive goes away: what is left of the file is cut short.
            os.truncate(drive_copy, done)

    with pytest.raises(StorageError) as info:
        import_bundle(folder, drive_copy, progress=pull)
    assert "copied" in info.value.message() or "drive" in info.value.message()
    folder.close()
    assert snapshot(data) == before
    assert list((data / "staging").glob("*")) == []


def test_file_swapped_on_the_drive_after_copy_is_not_used(trusted, publisher, tmp_path):
    bundle = make_bundle(tmp_path, publisher, SAMPLE, sequence=1)
    other = make_bundle(tmp_path, publisher, {("program", "intruso"): {"title": title("Intruso")}}, sequence=1)
    swapped = []

    def swap(phase, done, total):
        if phase == "verify" and not swapped:
            shutil.copy(other, bundle)  # after staging: the drive now holds another file
            swapped.append(True)

    import_bundle(trusted, bundle, progress=swap)
    assert swapped
    from aulalocal.catalog.queries import get_record

    assert get_record(trusted.catalog, "program", "huascaran") is not None
    assert get_record(trusted.catalog, "program", "intruso") is None


def test_second_import_at_once_is_refused_and_readers_see_no_partial_catalog(old_and_new, tmp_path):
    data, bundle = old_and_new
    with import_lock(data):
        proc = cli("bundle", "apply", str(bundle), data=data)
        assert proc.wait(60) == 1
        assert proc.stderr.read().startswith(b"error: ")
    folder = open_data_folder(data, load_seed=False)
    old = catalog_fingerprint(data / "catalog.db")
    observed = []

    def look(phase, done, total):
        if phase == "apply" and done and done < total:
            # Another reader, mid-transaction, sees the whole old catalog.
            observed.append(catalog_fingerprint(data / "catalog.db", reader_only=True))

    import_bundle(folder, bundle, progress=look)
    folder.close()
    assert observed and all(o == old for o in observed)


def test_disk_full_while_staging_changes_nothing(publisher, tmp_path, small_disk):
    data = small_disk / "data"
    folder = open_data_folder(data, load_seed=False)
    trust.add_key(folder.keys_dir, publisher.public)
    folder.close()
    big = {("program", f"r{i}"): {"title": title(os.urandom(500).hex())} for i in range(5000)}
    bundle = make_bundle(tmp_path, publisher, big, sequence=1)
    assert bundle.stat().st_size > 2 * 1024 * 1024
    before = snapshot(data)
    folder = open_data_folder(data, load_seed=False)
    with pytest.raises(StorageError, match="full"):
        import_bundle(folder, bundle)
    folder.close()
    assert snapshot(data) == before
    assert list((data / "staging").glob("*")) == []


def test_disk_full_while_writing_the_catalog_changes_nothing(publisher, tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    try:
        data = mount / "data"
        folder = open_data_folder(data, load_seed=False)
        trust.add_key(folder.keys_dir, publisher.public)
        import_bundle(folder, make_bundle(tmp_path, publisher, SAMPLE, sequence=1))
        # Small to copy (it compresses well), large once indexed in the catalog.
        bundle = make_bundle(tmp_path, publisher, many_records(4000, "lleno"), sequence=2)
        assert bundle.stat().st_size < 1024 * 1024
        before = catalog_fingerprint(data / "catalog.db")
        with pytest.raises(StorageError, match="full"):
            import_bundle(folder, bundle)
        folder.close()
        assert catalog_fingerprint(data / "catalog.db") == before
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_read_only_data_folder_is_a_clear_error(publisher, tmp_path):
    mount = tmp_path / "ro"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], check=True)
    try:
        data = mount / "data"
        folder = open_data_folder(data, load_seed=False)
        trust.add_key(folder.keys_dir, publisher.public)
        folder.close()
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        bundle = make_bundle(tmp_path, publisher, SAMPLE, sequence=1)
        proc = cli("bundle", "apply", str(bundle), data=data)
        assert proc.wait(60) == 1
        err = proc.stderr.read().decode()
        assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("phase", ["copy", "verify", "check", "apply"])
def test_cancel_in_any_phase_changes_nothing(old_and_new, phase):
    from aulalocal.errors import Cancelled

    data, bundle = old_and_new
    before = snapshot(data)
    folder = open_data_folder(data, load_seed=False)
    state = {"seen": False}

    def progress(current, done, total):
        if current == phase:
            state["seen"] = True

    with pytest.raises(Cancelled):
        import_bundle(folder, bundle, progress=progress, cancel=lambda: state["seen"])
    folder.close()
    assert snapshot(data) == before
    assert list((data / "staging").glob("*")) == []
    assert sorted(p.name for p in (data / "bundles").iterdir()) == sorted(
        p.name for p in (data / "bundles").iterdir() if "-000001-" in p.name
    )
