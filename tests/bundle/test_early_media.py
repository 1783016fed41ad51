"""Media copied out while the bundle is staged: used only when the signed
archive holds exactly those bytes, never left behind, bounded."""

from __future__ import annotations

import io
import os
import zipfile
import zlib

import pytest

from aulalocal.bundle import earlymedia, trust
from aulalocal.bundle.archive import BundleArchive, open_archive
from aulalocal.bundle.importer import import_bundle
from aulalocal.catalog.store import get_state
from aulalocal.startup import open_data_folder
from aulalocal.errors import BundleError, SignatureError, StorageError
from aulalocal.fileio import AtomicFiles

from .zipfactory import default_records, local_header, make_zip, media_name, write_bundle

LARGE = earlymedia.MIN_SIZE + 12345


@pytest.fixture
def copied_later(monkeypatch):
    """Names of the entries copied the ordinary way, after the checks."""
    names: list[str] = []
    original = BundleArchive.copy_entry

    def spy(self, name, *args, **kwargs):
        names.append(name)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(BundleArchive, "copy_entry", spy)
    return names


def signed(tmp_path, publisher, raw: bytes):
    path = write_bundle(tmp_path / "drive", raw)
    publisher.sign(path)
    return path


def stored(media: list[bytes]) -> bytes:
    return make_zip({**default_records(), **{media_name(m): m for m in media}},
                    compression=zipfile.ZIP_STORED)


def media_files(folder) -> dict[str, bytes]:
    if not folder.media_dir.exists():
        return {}
    return {p.name: p.read_bytes() for p in folder.media_dir.iterdir()}


def test_large_stored_media_are_copied_while_staging_and_not_again(trusted, publisher, tmp_path, copied_later):
    large, small = os.urandom(LARGE), os.urandom(1000)
    import_bundle(trusted, signed(tmp_path, publisher, stored([large, small])))
    assert copied_later == [media_name(small)]
    assert media_files(trusted) == {media_name(large)[6:]: large, media_name(small)[6:]: small}
    assert list(trusted.staging_dir.iterdir()) == []
    modes = {(trusted.media_dir / media_name(m)[6:]).stat().st_mode for m in (large, small)}
    assert len(modes) == 1  # made alike, early or not


def feed(raw: bytes, sizes: list[int], folder) -> dict:
    """What EarlyMedia copies from ``raw`` fed in chunks of ``sizes``, in turn."""
    folder.mkdir()
    with AtomicFiles() as files, earlymedia.EarlyMedia(folder, files) as early:
        position, turn = 0, 0
        while position < len(raw):
            size = sizes[turn % len(sizes)]
            early.update(memoryview(raw[position:position + size]))
            position += size
            turn += 1
        # Each copy is flushed by its sync, on a helper thread: read it after.
        found = {name: (copy.offset, copy.size, copy.sha256, copy.synced.result() or copy.part.read_bytes())
                 for name, copy in early.copies.items()}
    assert list(folder.iterdir()) == []  # nothing taken: every copy removed
    return found


@pytest.mark.parametrize("sizes", [[1 << 20], [1], [7, 30, 1000, 65536], [46, 29]])
def test_copies_are_the_entries_whatever_the_chunk_sizes(tmp_path, sizes):
    media = [os.urandom(LARGE), os.urandom(LARGE + 1), os.urandom(100)]
    raw = stored(media)
    path = write_bundle(tmp_path, raw)
    found = feed(raw, sizes, tmp_path / "staging")
    with open_archive(path) as archive:
        for m in media[:2]:
            name = media_name(m)
            offset, size, sha, content = found[name]
            assert content == m
            assert archive.holds(name, offset, size, sha, zlib.crc32(m))
    assert media_name(media[2]) not in found  # small: after the checks


def behind_hidden_header(real: bytes, hidden: bytes) -> bytes:
    """A stored bundle of ``real``, after a local header that no central record
    names: ``real``'s entry name, with ``hidden`` as its content."""
    buf = io.BytesIO()
    buf.write(local_header(media_name(real).encode(), hidden, hidden) + hidden)
    with zipfile.ZipFile(buf, "a") as out, zipfile.ZipFile(io.BytesIO(stored([real]))) as src:
        for info in src.infolist():
            out.writestr(info, src.read(info))
    return buf.getvalue()


def test_a_copy_from_bytes_the_archive_does_not_place_there_is_not_used(trusted, publisher, tmp_path, copied_later):
    """A local header hidden before the archive's entries, with the same name
    and content: copied first, but the archive puts the entry elsewhere. And
    bytes in front of the first entry make the whole bundle invalid."""
    real = os.urandom(LARGE)
    name = media_name(real)
    raw = behind_hidden_header(real, real)
    offset, size, sha, content = feed(raw, [1 << 20], tmp_path / "fed")[name]
    assert content == real  # copied early, from the hidden header's bytes
    with open_archive(write_bundle(tmp_path, stored([real]))) as archive:
        assert not archive.holds(name, offset, size, sha, zlib.crc32(real))
    with pytest.raises(BundleError):
        import_bundle(trusted, signed(tmp_path, publisher, raw))
    assert copied_later == []
    assert media_files(trusted) == {}
    assert list(trusted.staging_dir.iterdir()) == []


def test_a_hidden_copy_with_other_bytes_never_becomes_the_media(trusted, publisher, tmp_path, copied_later):
    real = os.urandom(LARGE)
    with pytest.raises(BundleError):
        import_bundle(trusted, signed(tmp_path, publisher, behind_hidden_header(real, os.urandom(LARGE))))
    assert media_files(trusted) == {}


def test_sizes_in_a_data_descriptor_stop_the_early_copies(tmp_path):
    media = os.urandom(LARGE)
    raw = stored([media])
    marked = bytearray(raw)
    first = raw.index(b"PK\x03\x04")
    marked[first + 6] |= 0x08  # the first entry says its sizes come after it
    assert feed(bytes(marked), [1 << 20], tmp_path / "staging") == {}


def test_early_copies_are_capped(trusted, publisher, tmp_path, monkeypatch, copied_later):
    monkeypatch.setattr(earlymedia, "MAX_FILES", 1)
    media = [os.urandom(LARGE), os.urandom(LARGE)]
    import_bundle(trusted, signed(tmp_path, publisher, stored(media)))
    assert len(copied_later) == 1
    assert media_files(trusted) == {media_name(m)[6:]: m for m in media}


def test_early_copies_of_a_bundle_signed_by_an_unknown_key_leave_nothing(empty_folder, publisher, tmp_path):
    path = signed(tmp_path, publisher, stored([os.urandom(LARGE)]))
    with pytest.raises(SignatureError):
        import_bundle(empty_folder, path)
    assert list(empty_folder.staging_dir.iterdir()) == []
    assert media_files(empty_folder) == {}


def test_early_copies_of_a_bad_signature_leave_nothing(trusted, publisher, tmp_path):
    path = signed(tmp_path, publisher, stored([os.urandom(LARGE)]))
    raw = bytearray(path.read_bytes())
    raw[-200] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(SignatureError):
        import_bundle(trusted, path)
    assert list(trusted.staging_dir.iterdir()) == []
    assert media_files(trusted) == {}
    assert get_state(trusted.catalog, "test-catalog") is None


def test_disk_full_while_copying_media_early_changes_nothing(publisher, tmp_path, small_disk):
    data = small_disk / "data"
    folder = open_data_folder(data, load_seed=False)
    trust.add_key(folder.keys_dir, publisher.public)
    # Staging fits on the 2 MiB disk; staging and the early copy do not.
    path = signed(tmp_path, publisher, stored([os.urandom(1_100_000)]))
    phases = []
    with pytest.raises(StorageError, match="full"):
        import_bundle(folder, path, progress=lambda phase, done, total: phases.append(phase))
    assert phases[-1] == "copy"  # it failed while staging: writing the early copy
    assert list(folder.staging_dir.iterdir()) == []
    assert media_files(folder) == {}
    assert get_state(folder.catalog, "test-catalog") is None
    folder.close()
