"""Copying with hashes on a helper thread, media written through a syncing helper, and
stored entries read straight from the staged copy: same bytes, same checks, nothing half-named."""

from __future__ import annotations

import hashlib
import io
import os
import time
import zipfile
import zlib

import pytest

from aulalocal import fileio
from aulalocal.bundle.archive import open_archive
from aulalocal.errors import BundleError, Cancelled
from aulalocal.fileio import AtomicFiles, HashingCopier

from .zipfactory import make_zip, media_name, patch_central, write_bundle

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(3 * fileio.CHUNK + 12345)


class Crc:
    def __init__(self) -> None:
        self.value = 0

    def update(self, data) -> None:
        self.value = zlib.crc32(data, self.value)


@pytest.mark.parametrize(
    "size", [0, 1, fileio.CHUNK - 1, fileio.CHUNK, fileio.CHUNK + 1, fileio.DEPTH * fileio.CHUNK * 2 + 7]
)
def test_copy_hashes_and_writes_every_byte(size):
    data = os.urandom(size)
    out = io.BytesIO()
    sha, blake, crc = hashlib.sha256(), hashlib.blake2b(), Crc()
    with HashingCopier() as copier:
        assert copier.copy(io.BytesIO(data).readinto, out.write, [blake, sha, crc], size + 10) == size
    assert out.getvalue() == data
    assert sha.digest() == hashlib.sha256(data).digest()
    assert blake.digest() == hashlib.blake2b(data).digest()
    assert crc.value == zlib.crc32(data)


def test_copy_stops_at_the_limit():
    data = os.urandom(3 * fileio.CHUNK)
    out = io.BytesIO()
    with HashingCopier() as copier:
        assert copier.copy(io.BytesIO(data).readinto, out.write, [hashlib.sha256()], fileio.CHUNK + 5) == fileio.CHUNK + 5
    assert out.getvalue() == data[: fileio.CHUNK + 5]


def test_a_stop_mid_copy_waits_for_the_helper_and_the_copier_can_go_on():
    data = os.urandom(6 * fileio.CHUNK)

    def stop(done):
        if done >= 2 * fileio.CHUNK:
            raise Cancelled("stop")

    with HashingCopier() as copier:
        with pytest.raises(Cancelled):
            copier.copy(io.BytesIO(data).readinto, io.BytesIO().write, [hashlib.sha256()], len(data), stop)
        # The buffers are free again: a second copy is whole and right.
        sha, out = hashlib.sha256(), io.BytesIO()
        copier.copy(io.BytesIO(data).readinto, out.write, [sha], len(data))
    assert out.getvalue() == data and sha.digest() == hashlib.sha256(data).digest()


def test_atomic_files_are_named_only_when_whole(tmp_path):
    good = [tmp_path / f"good{i}" for i in range(fileio.MAX_UNSYNCED * 2)]
    bad = tmp_path / "bad"
    with AtomicFiles() as files:
        for path in good[:3]:
            files.write(path, lambda fh, path=path: fh.write(path.name.encode()))

        def refuse(fh):
            fh.write(b"half")
            raise BundleError("wrong hash")

        with pytest.raises(BundleError):
            files.write(bad, refuse)
        for path in good[3:]:
            files.write(path, lambda fh, path=path: fh.write(path.name.encode()))
        files.wait()
    assert [p.read_bytes() for p in good] == [p.name.encode() for p in good]
    assert not bad.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in good)


def test_a_failed_sync_leaves_no_file_under_its_name(tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(fileio.os, "fsync", broken_fsync)
    target = tmp_path / "media.png"
    with pytest.raises(OSError):
        with AtomicFiles() as files:
            files.write(target, lambda fh: fh.write(b"data"))
            files.wait()
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------
# Stored entries read straight from the archive


def stored_bundle(tmp_path, data: bytes, *, extra: bytes = b"") -> tuple:
    """A bundle whose media entry is stored, with ``extra`` in its local header."""
    name = media_name(data)
    raw = make_zip({"records/0001.jsonl": b'{"a":1}\n', name: data}, compression=zipfile.ZIP_STORED)
    if extra:
        # Rewrite with an extra field, which moves where the data starts.
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = [(i, zf.read(i)) for i in zf.infolist()]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for info, content in infos:
                if info.filename == name:
                    info.extra = extra
                zf.writestr(info, content)
        raw = buf.getvalue()
    return write_bundle(tmp_path, raw), name, raw


@pytest.mark.parametrize("extra", [b"", b"\xfe\xca\x04\x00abcd"])
def test_stored_media_copies_exactly(tmp_path, extra):
    path, name, _raw = stored_bundle(tmp_path, PNG, extra=extra)
    out = io.BytesIO()
    seen = []
    with open_archive(path) as arc:
        arc.copy_entry(name, out, progress=lambda _phase, done, total: seen.append((done, total)))
        assert arc.read_entry("records/0001.jsonl") == b'{"a":1}\n'  # zipfile still reads after
    assert out.getvalue() == PNG
    assert seen[0] == (0, len(PNG)) and seen[-1] == (len(PNG), len(PNG))


def test_deflated_media_copies_exactly(tmp_path):
    data = b"".join(os.urandom(8).hex().encode() for _ in range(100_000))  # compresses, not too far
    name = media_name(data, "txt")
    path = write_bundle(tmp_path, make_zip({"records/0001.jsonl": b'{"a":1}\n', name: data}))
    out = io.BytesIO()
    with open_archive(path) as arc:
        arc.copy_entry(name, out)
    assert out.getvalue() == data


def test_stored_media_with_a_wrong_crc_is_damaged(tmp_path):
    path, name, raw = stored_bundle(tmp_path, PNG)
    path.write_bytes(patch_central(raw, name, crc=zlib.crc32(PNG) ^ 1))
    with open_archive(path) as arc:
        with pytest.raises(BundleError) as err:
            arc.copy_entry(name, io.BytesIO())
        assert "damaged" in str(err.value)
        with pytest.raises(BundleError):  # as zipfile says when streaming it
            arc.read_entry(name)


def test_stored_media_changed_after_opening_fails_its_hash(tmp_path):
    path, name, raw = stored_bundle(tmp_path, PNG)
    with open_archive(path) as arc:
        start = raw.index(PNG)
        with open(path, "r+b") as fh:
            fh.seek(start + len(PNG) // 2)
            fh.write(b"\x00" * 16)
        with pytest.raises(BundleError) as err:
            arc.copy_entry(name, io.BytesIO())
    assert "SHA-256" in str(err.value)


def test_stored_media_cut_short_is_refused(tmp_path):
    path, name, raw = stored_bundle(tmp_path, PNG)
    with open_archive(path) as arc:
        os.truncate(path, raw.index(PNG) + 1000)
        with pytest.raises(BundleError) as err:
            arc.copy_entry(name, io.BytesIO())
    assert "shorter" in str(err.value)


def test_cancel_while_copying_media(tmp_path):
    path, name, _raw = stored_bundle(tmp_path, PNG)
    with open_archive(path) as arc:
        with pytest.raises(Cancelled):
            arc.copy_entry(name, io.BytesIO(), cancel=lambda: True)


# --------------------------------------------------------------------------
# Importing: a wrong media file is never named, and those before it are removed


@pytest.mark.parametrize("slow_sync", [False, True])
def test_media_that_do_not_match_the_manifest_leave_no_file(trusted, publisher, tmp_path, monkeypatch, slow_sync):
    from aulalocal.bundle.importer import import_bundle
    from aulalocal.catalog.store import get_state

    from .zipfactory import default_records, manifest_dict

    from aulalocal.bundle import earlymedia

    monkeypatch.setattr(earlymedia, "MIN_SIZE", 1 << 30)  # every media copied after the checks
    if slow_sync:  # the good file is still being synced when the wrong one fails
        sync = fileio._sync
        monkeypatch.setattr(fileio, "_sync", lambda fh: (time.sleep(0.3), sync(fh)))

    meant = os.urandom(fileio.CHUNK + 99)
    good = os.urandom(2 * fileio.CHUNK + 3)
    while media_name(good) > media_name(meant):  # written first, then removed
        good = os.urandom(2 * fileio.CHUNK + 3)
    sent = meant[:-1] + bytes([meant[-1] ^ 1])  # one bit off, same size
    entries = {**default_records(), media_name(good): good, media_name(meant): sent}
    listed = manifest_dict(entries)["files"]
    listed[media_name(meant)]["sha256"] = hashlib.sha256(meant).hexdigest()
    path = write_bundle(tmp_path / "drive", make_zip(entries, {"files": listed}, compression=zipfile.ZIP_STORED))
    publisher.sign(path)
    with pytest.raises(BundleError) as err:
        import_bundle(trusted, path)
    assert "SHA-256" in str(err.value)
    assert not trusted.media_dir.exists() or list(trusted.media_dir.iterdir()) == []
    assert get_state(trusted.catalog, "test-catalog") is None
