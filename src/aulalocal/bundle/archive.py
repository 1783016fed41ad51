"""Safe reading of a bundle archive (spec sections 2 and 3).

``open_archive`` takes the staged copy of a ``.aulabundle`` (its signature
already checked) and refuses it unless every central-directory entry, the
ZIP structure around them (``zipcheck``) and ``manifest.json`` (``manifest``)
follow the spec. What it returns only ever streams entries into memory,
bounded by the sizes the signed manifest gives; nothing is extracted to a
path taken from the archive.

The declared sizes in a ZIP are not trusted: entry data is counted as it comes
out and checked against the manifest's size and SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import struct
import zipfile
import zlib
from types import MappingProxyType
from typing import BinaryIO, Iterator, Mapping, Optional

from aulalocal.bundle.entries import DIRECTORIES, MANIFEST_NAME, shown_name
from aulalocal.bundle.limits import Limits
from aulalocal.bundle.manifest import FileEntry, Manifest, parse_manifest
from aulalocal.bundle.zipcheck import (
    MAX_CENTRAL_RECORD,
    DirectoryEnd,
    check_entries,
    damaged,
    not_a_bundle,
    read_directory_end,
)
from aulalocal.bundle.progress import CancelCheck, Progress, check_cancel
from aulalocal.errors import N_, BundleError, StorageError
from aulalocal.fileio import HashingCopier, NotAFile, open_regular

__all__ = [
    "BundleArchive",
    "FileEntry",
    "Limits",
    "Manifest",
    "MANIFEST_NAME",
    "open_archive",
    "parse_manifest",
]

CHUNK_SIZE = 1024 * 1024
VERIFY = "verify"  # the phase of every progress report here


def _unreadable(path: "os.PathLike[str] | str") -> StorageError:
    return StorageError(
        N_("Could not read {path}. Check that the disk is working and try again."),
        path=os.fspath(path),
    )


class BundleArchive:
    """An opened, structurally valid bundle archive with its manifest.

    Use as a context manager, or call ``close()``. Entry data is only trusted
    once a ``read_entry_chunks`` stream of it has run to its end, or a
    ``copy_entry`` of it has returned.
    """

    def __init__(self, path: "os.PathLike[str] | str", fh: BinaryIO, zf: zipfile.ZipFile,
                 infos: Mapping[str, zipfile.ZipInfo], manifest: Manifest, limits: Limits,
                 data_offsets: Mapping[str, int]):
        self.path = os.fspath(path)
        self.manifest = manifest
        self.limits = limits
        self._fh = fh
        self._zip = zf
        self._infos = infos
        self._data_offsets = data_offsets
        self._copier: Optional[HashingCopier] = None  # made on the first copy_entry

    def close(self) -> None:
        if self._copier is not None:
            self._copier.close()
            self._copier = None
        self._zip.close()
        self._fh.close()

    def __enter__(self) -> "BundleArchive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _raw_chunks(self, name: str, expected_size: int,
                    cancel: Optional[CancelCheck]) -> Iterator[bytes]:
        """Entry bytes from zipfile, never more than ``expected_size`` + 1 chunk.

        ``zipfile`` stops at the size the central directory declares; this
        bound does not rely on that.
        """
        shown = shown_name(name)
        try:
            with self._zip.open(self._infos[name]) as stream:
                yield from _bounded_chunks(stream, expected_size, shown, cancel)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError,
                RuntimeError, struct.error):
            raise damaged(shown) from None
        except OSError:
            raise _unreadable(self.path) from None

    def read_entry_chunks(
        self,
        name: str,
        progress: Optional[Progress] = None,
        cancel: Optional[CancelCheck] = None,
    ) -> Iterator[bytes]:
        """Stream the entry ``name`` (a file listed in the manifest) in chunks.

        Raises ``BundleError`` as soon as more bytes come than the manifest
        says, and at the end if the size or the SHA-256 differ. The chunks are
        only known good once the generator has finished: use them for nothing
        permanent before. ``progress("verify", done, size)`` is per entry.
        """
        entry = self.manifest.files.get(name)
        if entry is None:
            raise KeyError(name)
        return self._verified_chunks(name, entry, cancel, progress)

    def _verified_chunks(self, name: str, entry: FileEntry, cancel: Optional[CancelCheck],
                         progress: Optional[Progress]) -> Iterator[bytes]:
        hasher = hashlib.sha256()
        done = 0
        if progress is not None:
            progress(VERIFY, 0, entry.size)
        for chunk in self._raw_chunks(name, entry.size, cancel):
            hasher.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(VERIFY, done, entry.size)
            yield chunk
        _check_content(name, entry, done, hasher.hexdigest())

    def copy_entry(
        self,
        name: str,
        fh: BinaryIO,
        progress: Optional[Progress] = None,
        cancel: Optional[CancelCheck] = None,
    ) -> None:
        """Write the entry ``name`` (a file listed in the manifest) to ``fh``.

        The same checks as ``read_entry_chunks``, and ``fh`` is as untrusted
        as its chunks until this returns: on ``BundleError`` throw it away. A
        stored entry (media, which do not compress) is read straight from its
        place in the file into reused buffers, and its SHA-256 is computed by
        a helper thread while this one writes it and computes its CRC-32.
        """
        entry = self.manifest.files.get(name)
        if entry is None:
            raise KeyError(name)
        info = self._infos[name]
        if info.compress_type != zipfile.ZIP_STORED:
            for chunk in self._verified_chunks(name, entry, cancel, progress):
                fh.write(chunk)
            return
        # Stored: the data is the entry's compress_size bytes, which the
        # layout check keeps inside this entry's own span, and which is the
        # manifest's size (checked when opened). So no read can go past it.
        hasher, crc = hashlib.sha256(), _Crc32()

        def read_into(buffer: memoryview) -> int:
            try:
                return self._fh.readinto(buffer)
            except OSError:
                raise _unreadable(self.path) from None

        def copied(done: int) -> None:
            if progress is not None:
                progress(VERIFY, done, entry.size)
            check_cancel(cancel)

        check_cancel(cancel)
        if progress is not None:
            progress(VERIFY, 0, entry.size)
        try:
            self._fh.seek(self._data_offsets[name])
        except OSError:
            raise _unreadable(self.path) from None
        if self._copier is None:
            self._copier = HashingCopier()
        done = self._copier.copy(read_into, fh.write, [hasher, crc], entry.size, copied)
        _check_content(name, entry, done, hasher.hexdigest())
        # What zipfile checks when it reads an entry; any unzip tool would too.
        if crc.value != info.CRC:
            raise damaged(shown_name(name))

    def holds(self, name: str, offset: int, size: int, sha256: str, crc32: int) -> bool:
        """Whether bytes ``offset`` to ``offset + size`` of this file, with these
        hashes, are the listed entry ``name``, stored: the same checks as
        ``copy_entry``, for a copy made as the file was written."""
        entry = self.manifest.files.get(name)
        info = self._infos.get(name)
        return (entry is not None and info is not None
                and info.compress_type == zipfile.ZIP_STORED
                and self._data_offsets[name] == offset
                and entry.size == size == info.compress_size
                and entry.sha256 == sha256 and info.CRC == crc32)

    def iter_record_lines(
        self,
        name: str,
        progress: Optional[Progress] = None,
        cancel: Optional[CancelCheck] = None,
    ) -> Iterator[tuple[int, bytes]]:
        """Yield ``(line_number, line)`` for each line of a records file.

        Line numbers start at 1; the newline (and a CR before it) is not part
        of the line. A line over the line limit or a blank line raises
        ``BundleError``; a last line without a final newline is accepted.
        Lines come before the file's hash is checked at its end; parse them,
        but apply nothing until the iteration has finished.
        """
        if not name.startswith("records/") or name not in self.manifest.files:
            raise KeyError(name)
        return self._record_lines(name, progress, cancel)

    def _record_lines(self, name: str, progress: Optional[Progress],
                      cancel: Optional[CancelCheck]) -> Iterator[tuple[int, bytes]]:
        limit = self.limits.max_line_size
        shown = shown_name(name)
        pending = bytearray()
        number = 0

        def finish(line: bytes) -> tuple[int, bytes]:
            if line.endswith(b"\r"):
                line = line[:-1]
            if len(line) > limit:
                raise BundleError(N_("{name} line {line} is longer than {limit} bytes."),
                                  name=shown, line=number, limit=limit)
            if not line.strip(b" \t\r"):
                raise BundleError(N_("{name} line {line} is blank, which records files do not allow."),
                                  name=shown, line=number)
            return number, line

        for chunk in self.read_entry_chunks(name, progress, cancel):
            start = 0
            while True:
                newline = chunk.find(b"\n", start)
                if newline < 0:
                    rest = len(chunk) - start
                    # +1: a CR that belongs to a CRLF may still be pending.
                    if len(pending) + rest > limit + 1:
                        raise BundleError(N_("{name} line {line} is longer than {limit} bytes."),
                                          name=shown, line=number + 1, limit=limit)
                    pending += chunk[start:]
                    break
                number += 1
                if pending:
                    if len(pending) + newline - start > limit + 1:
                        raise BundleError(N_("{name} line {line} is longer than {limit} bytes."),
                                          name=shown, line=number, limit=limit)
                    pending += chunk[start:newline]
                    line = bytes(pending)
                    pending.clear()
                else:
                    line = chunk[start:newline]
                yield finish(line)
                start = newline + 1
        if pending:
            number += 1
            yield finish(bytes(pending))

    def read_entry(self, name: str, cancel: Optional[CancelCheck] = None) -> bytes:
        """The whole content of a listed entry, verified (mind the entry's size)."""
        return b"".join(self.read_entry_chunks(name, cancel=cancel))

    def verify_all(
        self,
        progress: Optional[Progress] = None,
        cancel: Optional[CancelCheck] = None,
    ) -> None:
        """Stream every listed file once, checking its size and SHA-256.

        ``progress("verify", done, total)`` counts bytes over all files. Files are read
        in archive order, so the disk reads the copy front to back.
        """
        names = sorted(self.manifest.files, key=lambda n: self._infos[n].header_offset)
        total = sum(self.manifest.files[n].size for n in names)
        done = 0
        if progress is not None:
            progress(VERIFY, 0, total)
        for name in names:
            for chunk in self.read_entry_chunks(name, cancel=cancel):
                done += len(chunk)
                if progress is not None:
                    progress(VERIFY, done, total)


class _Crc32:
    """zlib.crc32 as a hash object, for HashingCopier."""

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: memoryview) -> None:
        self.value = zlib.crc32(data, self.value)


def _check_content(name: str, entry: FileEntry, size: int, sha256: str) -> None:
    """The size and SHA-256 of what came out of an entry, against the manifest."""
    if size != entry.size:
        raise BundleError(N_("Entry {name} is shorter than manifest.json says."),
                          name=shown_name(name))
    if sha256 != entry.sha256:
        raise BundleError(
            N_("Entry {name} does not match its SHA-256 in manifest.json: "
               "the bundle is damaged or was changed."),
            name=shown_name(name),
        )


def _bounded_chunks(stream: BinaryIO, expected_size: int, shown: str,
                    cancel: Optional[CancelCheck]) -> Iterator[bytes]:
    """Chunks of ``stream``; ``BundleError`` once more than ``expected_size`` bytes came."""
    done = 0
    while True:
        check_cancel(cancel)
        # One byte past the expected size is enough to know the entry lies.
        want = min(CHUNK_SIZE, expected_size - done + 1)
        chunk = stream.read(want)
        if not chunk:
            return
        done += len(chunk)
        if done > expected_size:
            raise BundleError(N_("Entry {name} is larger than manifest.json says."), name=shown)
        yield chunk


def open_archive(path: "os.PathLike[str] | str", limits: Limits = Limits()) -> BundleArchive:
    """Open and validate the staged copy of a bundle (spec sections 2 and 3).

    Raises ``BundleError`` for anything the spec does not allow, and
    ``StorageError`` if the file cannot be read. File contents are not hashed
    here: call ``verify_all`` (or stream each file) for that.
    """
    try:
        # Never opened as a FIFO or a device (which could block or never end).
        fh = io.BufferedReader(open_regular(path, follow_links=True))
    except NotAFile:
        raise BundleError(N_("The bundle is not a regular file.")) from None
    except OSError:
        raise _unreadable(path) from None
    try:
        archive = _open(path, fh, limits)
    except BaseException:
        fh.close()
        raise
    return archive


def _open(path: "os.PathLike[str] | str", fh: BinaryIO, limits: Limits) -> BundleArchive:
    try:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise BundleError(N_("The bundle is not a regular file."))
        if st.st_size == 0:
            raise BundleError(N_("The bundle file is empty. Copy it again from the publisher."))
        if st.st_size > limits.max_archive_size:
            raise BundleError(N_("The bundle file is larger than {limit} bytes."),
                              limit=limits.max_archive_size)
        end = read_directory_end(fh, st.st_size)
        if end.entries > limits.max_entries:
            raise BundleError(N_("The bundle has more than {limit} entries."),
                              limit=limits.max_entries)
        if end.cd_size > end.entries * MAX_CENTRAL_RECORD:
            raise not_a_bundle()
        fh.seek(0)
        try:
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, struct.error,
                UnicodeDecodeError, IndexError):
            raise not_a_bundle() from None
        try:
            return _validate(path, fh, zf, end, limits)
        except BaseException:
            zf.close()
            raise
    except OSError:
        raise _unreadable(path) from None


def _validate(path: "os.PathLike[str] | str", fh: BinaryIO, zf: zipfile.ZipFile,
              end: DirectoryEnd, limits: Limits) -> BundleArchive:
    seen, data_offsets = check_entries(fh, zf, end, limits)

    manifest_info = seen.get(MANIFEST_NAME)
    if manifest_info is None:
        raise BundleError(N_("The bundle has no manifest.json."))
    if manifest_info.file_size > limits.max_manifest_size:
        raise BundleError(N_("manifest.json is larger than {limit} bytes."),
                          limit=limits.max_manifest_size)
    data = _read_manifest(path, zf, manifest_info, limits)
    manifest = parse_manifest(data, limits)

    for name, info in seen.items():
        if name == MANIFEST_NAME or name in DIRECTORIES:
            continue
        entry = manifest.files.get(name)
        if entry is None:
            raise BundleError(N_("Entry {name} is in the archive but not listed in manifest.json."),
                              name=shown_name(name))
        if info.file_size != entry.size:
            raise BundleError(
                N_("Entry {name} has the wrong size: {actual} in the archive, {expected} in manifest.json."),
                name=shown_name(name), actual=info.file_size, expected=entry.size,
            )
    for name in manifest.files:
        if name not in seen:
            raise BundleError(N_("manifest.json lists {name}, but the archive does not contain it."),
                              name=shown_name(name))
    return BundleArchive(path, fh, zf, MappingProxyType(seen), manifest, limits, data_offsets)


def _read_manifest(path: "os.PathLike[str] | str", zf: zipfile.ZipFile,
                   info: zipfile.ZipInfo, limits: Limits) -> bytes:
    out = io.BytesIO()
    try:
        with zf.open(info) as stream:
            for chunk in _bounded_chunks(stream, limits.max_manifest_size, MANIFEST_NAME, None):
                out.write(chunk)
    except BundleError:
        raise BundleError(N_("manifest.json is larger than {limit} bytes."),
                          limit=limits.max_manifest_size) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError,
            RuntimeError, struct.error):
        raise BundleError(
            N_("Entry {name} is damaged. Copy the bundle again from the publisher."),
            name=MANIFEST_NAME,
        ) from None
    except OSError:
        raise _unreadable(path) from None
    return out.getvalue()
