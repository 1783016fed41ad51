"""Media copied out of a bundle while the bundle itself is being staged.

An import's slowest part is the disk writing its media out. Copying each
stored media entry to a file of its own as the bundle streams past, and
syncing it at once, lets the disk write while the processor is still hashing
the rest of the bundle, instead of after.

Nothing here is trusted: the headers followed come from the drive, before
the signature is checked. A copy is only named and used once the opened,
signed archive puts that entry at exactly the same bytes of the staged file
and its hashes match (``BundleArchive.holds``); until then it is a ``.part``
file in the staging folder, removed when the import ends. Anything unusual
(a data descriptor, zip64 sizes, something that is not a local header) stops
the early copying; what is left is copied the ordinary way, after the checks.
"""

from __future__ import annotations

import hashlib
import zlib
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from aulalocal.bundle import zipformat as z
from aulalocal.bundle.entries import MEDIA_NAME
from aulalocal.fileio import AtomicFiles, create_new

_UNUSUAL_FLAGS = (z.FLAG_ENCRYPTED | z.FLAG_DESCRIPTOR | z.FLAG_PATCHED | z.FLAG_STRONG_ENCRYPTION
                  | z.FLAG_MASKED_HEADERS)

# Smaller media are copied after the checks: together with the cap below,
# this bounds the files a hostile drive can make appear before its bundle is
# refused.
MIN_SIZE = 256 * 1024
MAX_FILES = 4096


@dataclass(frozen=True)
class EarlyCopy:
    """A media entry's bytes, copied to ``part`` from ``offset`` of the staged file."""

    offset: int
    size: int
    sha256: str
    crc32: int
    part: Path
    synced: Future


class _Copying:
    """The media entry being copied: its file and its hashes so far."""

    def __init__(self, part: Path, name: str, offset: int, size: int) -> None:
        # Made as the media folder's other files are (not owner-only): they
        # all look alike. The staging folder is this import's own, so the
        # name is free.
        self.file = create_new(part)
        self.part = part
        self.name = name
        self.offset = offset
        self.size = size
        self.remaining = size
        self.sha256 = hashlib.sha256()
        self.crc32 = 0

    def write(self, piece: memoryview) -> None:
        try:
            self.file.write(piece)
        except BaseException:
            self.file.close()
            self.part.unlink(missing_ok=True)
            raise
        self.sha256.update(piece)
        self.crc32 = zlib.crc32(piece, self.crc32)
        self.remaining -= len(piece)


class EarlyMedia:
    """Follows the local headers of a bundle as it is staged, copying stored media.

    Feed it every chunk of the bundle, in order, from its first byte
    (``update``, as a hash object). ``copies`` maps entry names to what was
    copied, each synced by ``files`` as soon as it is complete. Use as a
    context manager: leaving the block removes every copy not taken with
    ``take``.
    """

    def __init__(self, folder: Path, files: AtomicFiles) -> None:
        self.copies: dict[str, EarlyCopy] = {}
        self._folder = folder
        self._files = files
        self._position = 0  # in the bundle, of the next byte fed
        self._header = bytearray()
        self._header_size = z.LOCAL.size
        self._skip = 0  # bytes left of an entry not copied
        self._copying: _Copying | None = None
        self._stopped = False
        self._made = 0  # copies started

    def update(self, chunk: memoryview) -> None:
        start = 0
        while start < len(chunk) and not self._stopped:
            rest = len(chunk) - start
            if self._skip:
                step = min(self._skip, rest)
                self._skip -= step
            elif self._copying is not None:
                step = min(self._copying.remaining, rest)
                self._copying.write(chunk[start:start + step])
                if not self._copying.remaining:
                    self._finish_copy()
            else:
                step = min(self._header_size - len(self._header), rest)
                self._header += chunk[start:start + step]
                if len(self._header) == self._header_size:
                    self._read_header(self._position + start + step)
            start += step
        self._position += len(chunk)

    def _read_header(self, end: int) -> None:
        (sig, _version, flags, method, _time, _date, _crc, csize, usize,
         name_len, extra_len) = z.LOCAL.unpack_from(self._header)
        if sig != z.LOCAL_SIG or flags & _UNUSUAL_FLAGS or z.ZIP64_SIZE in (csize, usize):
            self._stopped = True  # the central directory, or something odd: the rest waits
            return
        full_size = z.LOCAL.size + name_len + extra_len
        if len(self._header) < full_size:
            self._header_size = full_size
            return
        name = bytes(self._header[z.LOCAL.size:z.LOCAL.size + name_len]).decode("latin-1")
        self._header.clear()
        self._header_size = z.LOCAL.size
        if (method == z.STORED and csize == usize and csize >= MIN_SIZE
                and MEDIA_NAME.fullmatch(name) and self._made < MAX_FILES
                and name not in self.copies):
            self._made += 1
            part = self._folder / f"media-{self._made}.part"
            self._copying = _Copying(part, name, end, csize)
        else:
            self._skip = csize

    def _finish_copy(self) -> None:
        done, self._copying = self._copying, None
        self.copies[done.name] = EarlyCopy(done.offset, done.size, done.sha256.hexdigest(),
                                            done.crc32, done.part, self._files.sync(done.file))

    def take(self, name: str) -> EarlyCopy:
        """The copy of ``name``, no longer removed when the block is left."""
        return self.copies.pop(name)

    def __enter__(self) -> EarlyMedia:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._copying is not None:
            self._copying.file.close()
            self._copying.part.unlink(missing_ok=True)
        for copy in self.copies.values():
            try:
                copy.synced.result()  # closes the file; a failed sync changes nothing here
            except OSError:
                pass
            copy.part.unlink(missing_ok=True)
        self.copies.clear()
