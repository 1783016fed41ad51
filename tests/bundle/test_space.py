"""Free space: what an update needs (bundle.space), checked before anything is written, on real small disks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import namedtuple

import pytest

from aulalocal.bundle import space, trust
from aulalocal.bundle.archive import open_archive
from aulalocal.bundle.importer import import_bundle
from aulalocal.startup import open_data_folder
from aulalocal.errors import StorageError
from tests.bundle.conftest import SAMPLE, make_bundle
from tests.bundle.test_faults import catalog_fingerprint, many_records

MB = 1_000_000


def test_the_formula_counts_the_copy_the_media_and_the_catalogs_growth():
    # 3.6 bytes on disk per byte of record text for a full bundle, 14 for a delta; 1.8 kB a record.
    assert space.apply_needs(2 * MB, 10 * MB, 3 * MB, 3000) == 2 * MB + 3 * MB + 36 * MB + 5_400_000 + space.MARGIN
    assert space.apply_needs(100_000, 1 * MB, 0, 100, delta=True) == 100_000 + 14 * MB + 180_000 + space.MARGIN
    assert space.staging_needs(5 * MB) == 5 * MB
    # The figures of docs/benchmarks.md: a 1.33 MB bundle of 1,000 records (3.70 MB of text) needed 15.86 MB.
    assert 15.86 * MB < space.apply_needs(1_330_000, 3_700_000, 0, 1000) < 1.15 * 15.86 * MB


def test_the_check_says_how_much_is_needed_and_how_much_there_is(monkeypatch, tmp_path):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(space.shutil, "disk_usage", lambda path: usage(100 * MB, 90 * MB, 9_960_000))
    with pytest.raises(StorageError) as info:
        space.check_free(tmp_path, 10_520_001)
    text = info.value.message()
    # The need rounded up, the free space down: never a figure that lets it fail anyway.
    assert "10.6 MB" in text and "9.9 MB" in text and text.count("\n") == 0
    space.check_free(tmp_path, 10_520_001, already=600_000)  # a staged copy already on the disk counts
    space.check_free(tmp_path, 9_960_000)


def bundle_needs(bundle, count: int) -> int:
    with open_archive(bundle) as archive:
        m = archive.manifest
        records = sum(m.files[n].size for n in m.record_files)
        media = sum(m.files[n].size for n in m.media_files)
    return space.apply_needs(bundle.stat().st_size, records, media, count, delta=m.is_delta)


@pytest.fixture
def disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def leave_free(mount, free: int) -> None:
    filler = mount / "filler"
    filler.unlink(missing_ok=True)
    with open(filler, "wb") as fh:
        fh.write(b"\0" * (shutil.disk_usage(mount).free - free))


def snapshot(data):
    return {p.relative_to(data): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file() and not p.name.endswith(".lock")}


def test_an_apply_without_the_space_it_needs_is_refused_first_and_with_it_succeeds(disk, publisher, tmp_path):
    data = disk / "data"
    folder = open_data_folder(data)
    trust.add_key(folder.keys_dir, publisher.public)
    folder.close()
    bundle = make_bundle(tmp_path, publisher, many_records(1000, "espacio"), sequence=1)
    needed = bundle_needs(bundle, 1000)
    leave_free(disk, needed - 1_000_000)
    before = snapshot(data)
    proc = subprocess.run(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(data), "bundle", "apply", str(bundle)],
        capture_output=True, text=True, env=dict(os.environ, LANGUAGE="en"),
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
    assert f"{needed / MB:.1f}"[:-1] in proc.stderr and "MB" in proc.stderr, proc.stderr
    assert snapshot(data) == before
    # What the formula asks for is enough, on a real disk: counted once the data folder is
    # open, so with room for the two databases' shared-memory files (32 KiB each).
    leave_free(disk, needed + 128 * 1024)
    proc = subprocess.run(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(data), "bundle", "apply", str(bundle)],
        capture_output=True, text=True, env=dict(os.environ, LANGUAGE="en"),
    )
    assert proc.returncode == 0, proc.stderr


def test_a_disk_that_fills_past_the_check_still_changes_nothing(disk, publisher, tmp_path, monkeypatch):
    # The check is an estimate; the write itself stays all or nothing if the disk fills anyway.
    data = disk / "data"
    folder = open_data_folder(data, load_seed=False)
    trust.add_key(folder.keys_dir, publisher.public)
    import_bundle(folder, make_bundle(tmp_path, publisher, SAMPLE, sequence=1))
    bundle = make_bundle(tmp_path, publisher, many_records(4000, "lleno"), sequence=2)
    leave_free(disk, 3_000_000)
    monkeypatch.setattr(space, "check_free", lambda *a, **k: None)
    before = catalog_fingerprint(data / "catalog.db")
    with pytest.raises(StorageError, match="full"):
        import_bundle(folder, bundle)
    folder.close()
    assert catalog_fingerprint(data / "catalog.db") == before
    assert list((data / "staging").glob("*")) == []
    assert not list((data / "bundles").glob("*-000002-*"))
