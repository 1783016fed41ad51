"""Every file AulaLocal writes, written one way: new, whole, and never through a name it finds.

A drive is hostile, and so is anything the app finds where it writes: a
link planted as a file name would make a plain ``open(name, "wb")`` write
through it, onto the teacher's notes. So every file is created under a
new random name beside its target, exclusively (``O_CREAT|O_EXCL``, which
never follows a link), filled, synced, and only then renamed onto its name:
a pulled drive, a full disk or a crash never leaves a file that looks whole,
and a rename replaces a name, it never writes through it. What already has
the target's name must be a plain file (it is replaced); a link, a folder or
a special file there is an error (``InTheWay``), and so is a folder to write
into that is a link or not a folder (``ensure_folder``).

Reading follows the same care where the file comes from a drive
(``read_small_file``): a FIFO, a device, a folder or a link is refused
without ever blocking on it.

Also copying large files while they are hashed, with the hashing spread
over the processor's cores (``HashingCopier``).
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

from aulalocal.errors import N_, StorageError

CHUNK = 1024 * 1024
# Chunks in flight: one read and written while the others are still being hashed.
DEPTH = 4
# Files written but not yet synced and named, each with an open file. They
# are synced side by side: the file system commits its journal once for
# several, where one after the other each sync waits for its own commit.
MAX_UNSYNCED = 8

# Flags some systems lack (Windows has no links to follow nor FIFOs to block on).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
_TRIES = 100  # random names to try before giving up: a collision means names were planted


class Hasher(Protocol):
    def update(self, data: memoryview, /) -> None: ...


class InTheWay(StorageError):
    """Something AulaLocal never writes through where it writes: a link, a
    folder or a special file in a file's place, a link or a file in a folder's."""


class NotAFile(Exception):
    """A link, a folder, a FIFO or a device where a regular file was to be read."""

    def __init__(self, path: os.PathLike[str] | str) -> None:
        super().__init__(os.fspath(path))
        self.path = os.fspath(path)


def _file_in_the_way(path: Path) -> InTheWay:
    return InTheWay(
        N_("Cannot write {path}: a link, a folder or a special file is in its place."
           " Remove it, then try again."),
        path=str(path),
    )


def _folder_in_the_way(path: Path) -> InTheWay:
    return InTheWay(
        N_("Cannot write into {path}: it is a link or a file, not a folder."
           " Remove it, then try again."),
        path=str(path),
    )


# --------------------------------------------------------------------------
# Folders and new files


def ensure_folder(path: Path) -> Path:
    """``path`` as a real folder, made (with its parents) if missing.

    A link there (even to a folder: it could lead off the drive, into the
    data folder) or a file is ``InTheWay``.
    """
    try:
        path.mkdir(parents=True)
    except FileExistsError:
        pass
    is_junction = getattr(os.path, "isjunction", None)  # Windows' folder links (Python 3.12+)
    if not stat.S_ISDIR(os.lstat(path).st_mode) or (is_junction is not None and is_junction(path)):
        raise _folder_in_the_way(path)
    return path


def create_new(path: Path, mode: int = 0o666) -> BinaryIO:
    """Open ``path`` for writing, created by this call: ``FileExistsError`` if
    anything (a file, a link, a folder) already has that name."""
    return os.fdopen(os.open(path, _NEW, mode), "wb")


def _new_name(target: Path) -> Path:
    # Short enough for any file system, whatever the target's name.
    return target.with_name(f"{target.name[:64]}.{secrets.token_hex(6)}.part")


def _new_beside(target: Path, mode: int = 0o666) -> tuple[BinaryIO, Path]:
    """A new empty file in ``target``'s folder, under a random name nobody planted."""
    for _ in range(_TRIES):
        part = _new_name(target)
        try:
            return create_new(part, mode), part
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target))


def _rename_onto(part: Path, target: Path) -> None:
    """Give ``part`` the name ``target``. A plain file there is replaced; any
    other thing is ``InTheWay``. (A rename replaces a name: even a link swapped
    in after the check is what goes, never what it points to.)"""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        pass
    else:
        if not stat.S_ISREG(st.st_mode):
            raise _file_in_the_way(target)
    try:
        os.replace(part, target)
    except OSError:
        if os.path.isdir(target) and not os.path.islink(target):
            raise _file_in_the_way(target) from None  # a folder swapped in since
        raise


def _sync(fh: BinaryIO) -> None:
    with fh:
        fh.flush()
        os.fsync(fh.fileno())


def _sync_and_rename(fh: BinaryIO, part: Path, target: Path) -> None:
    try:
        _sync(fh)
        # Named only once synced: a crash never leaves a partial file under the name.
        _rename_onto(part, target)
    finally:
        part.unlink(missing_ok=True)


@contextmanager
def new_file(target: Path, mode: int = 0o666) -> Iterator[BinaryIO]:
    """A file to fill, which becomes ``target`` once the block ends, synced.

    Raising in the block (a hash that does not match, a cancel) removes it:
    ``target`` is never created or changed.
    """
    fh, part = _new_beside(target, mode)
    try:
        yield fh
        _sync_and_rename(fh, part, target)
    finally:
        fh.close()
        part.unlink(missing_ok=True)


def write_atomically(target: Path, chunks: Iterable[bytes], mode: int = 0o666) -> None:
    """``new_file`` with ``chunks`` as the content; ``chunks`` may raise to refuse it."""
    with new_file(target, mode) as fh:
        for chunk in chunks:
            fh.write(chunk)


def copy_file(source: Path, target: Path) -> None:
    """A copy of the file ``source`` (one of AulaLocal's own) as ``target``."""
    with new_file(target) as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, CHUNK)


def link_or_copy(source: Path, target: Path) -> None:
    """``source`` (one of AulaLocal's own files) as ``target`` too: a hard link,
    which costs nothing, or a copy where the file system has no links."""
    for _ in range(_TRIES):
        part = _new_name(target)
        try:
            os.link(source, part)  # like O_EXCL: never over an existing name
        except FileExistsError:
            continue
        except OSError:
            copy_file(source, target)
            return
        try:
            _rename_onto(part, target)
        finally:
            part.unlink(missing_ok=True)
        return
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target))


# --------------------------------------------------------------------------
# Files opened by their name: logs, locks, and files read from a drive


def _open_regular_fd(path: Path, flags: int, mode: int = 0o666) -> int:
    """``os.open`` that never follows a link nor waits on a FIFO; the file must
    be a regular one with no other name (a hard link to another file)."""
    try:
        fd = os.open(path, flags | _NOFOLLOW | _NONBLOCK | _BINARY, mode)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK, errno.ENXIO) or os.path.islink(path):
            raise _file_in_the_way(path) from None  # a link; ENXIO: a FIFO with no reader
        raise
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:
        os.close(fd)
        raise _file_in_the_way(path)
    return fd


def append_text(path: Path, text: str) -> None:
    """Add ``text`` at the end of the file ``path`` (a log), creating it if needed."""
    fd = _open_regular_fd(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    with os.fdopen(fd, "ab") as fh:
        fh.write(text.encode("utf-8"))


def open_lock_file(path: Path) -> BinaryIO:
    """The file ``path``, created if needed, open to hold a lock on."""
    return os.fdopen(_open_regular_fd(path, os.O_RDWR | os.O_CREAT), "r+b", buffering=0)


def open_regular(path: os.PathLike[str] | str, *, follow_links: bool = False) -> BinaryIO:
    """The regular file at ``path`` (a file from a drive), open for reading, unbuffered.

    A folder, a FIFO, a device, or a link unless ``follow_links``, raises
    ``NotAFile``. Checked before opening, so nothing special is opened in the
    usual case; and again on what was opened (never following a link, never
    waiting on a FIFO), in case it was swapped in between.
    """
    before = os.stat(path) if follow_links else os.lstat(path)
    if not stat.S_ISREG(before.st_mode):
        raise NotAFile(path)
    flags = os.O_RDONLY | _NONBLOCK | _BINARY | (0 if follow_links else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise NotAFile(path) from None
        raise
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != (before.st_dev, before.st_ino):
        os.close(fd)
        raise NotAFile(path)
    return os.fdopen(fd, "rb", buffering=0)


def read_small_file(path: os.PathLike[str] | str, limit: int) -> bytes:
    """Up to ``limit + 1`` bytes of the regular file ``path`` (``open_regular``):
    more than ``limit`` tells the caller the file is too large."""
    with open_regular(path) as fh:
        data = bytearray()
        while len(data) <= limit:
            chunk = fh.read(limit + 1 - len(data))
            if not chunk:
                break
            data += chunk
    return bytes(data)


class AtomicFiles:
    """``write_atomically`` for many files, each synced and renamed by a helper thread.

    The disk writes one file out while the next one is read and hashed, where
    syncing each in turn would leave the processor idle. Use as a context
    manager, and call ``wait()`` before relying on the files: leaving the
    block still finishes (or fails) every file written, so none stays open.
    """

    def __init__(self) -> None:
        self._syncer = ThreadPoolExecutor(max_workers=MAX_UNSYNCED)
        self._pending: deque[Future] = deque()

    def write(self, target: Path, fill: Callable[[BinaryIO], None]) -> None:
        """As ``write_atomically``, with ``fill(file)`` writing the content."""
        fh, part = _new_beside(target)
        try:
            fill(fh)
        except BaseException:
            fh.close()
            part.unlink(missing_ok=True)
            raise
        self._submit(_sync_and_rename, fh, part, target)

    def sync(self, fh: BinaryIO) -> Future:
        """Sync and close ``fh`` on a helper thread, for a file named later (``name_synced``)."""
        return self._submit(_sync, fh)

    def _submit(self, job: Callable[..., None], *args: object) -> Future:
        future = self._syncer.submit(job, *args)
        self._pending.append(future)
        # Each file waiting holds an open file and dirty pages: a bounded number.
        while len(self._pending) > MAX_UNSYNCED:
            self._pending.popleft().result()
        return future

    def wait(self) -> None:
        """Return once every file written has its name; raise the first failure."""
        while self._pending:
            self._pending.popleft().result()

    def settle(self) -> None:
        """Return once every file handed over is done with, named or failed: the
        caller can then remove them all."""
        wait(self._pending)
        self._pending.clear()

    def __enter__(self) -> AtomicFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self._syncer.shutdown(wait=True)


def name_synced(synced: Future, part: Path, target: Path) -> None:
    """Give a file passed to ``AtomicFiles.sync`` its name, once it is on the disk."""
    try:
        synced.result()
        _rename_onto(part, target)
    finally:
        part.unlink(missing_ok=True)


class HashingCopier:
    """Copies in chunks while a helper thread hashes the chunks already copied.

    hashlib, cryptography and zlib let go of the GIL on large buffers, so the
    helper's hash (give it the costliest) runs on another core while this
    thread reads, writes and computes the others. Chunks live in DEPTH reused
    buffers: memory stays small, and no page is allocated (and zeroed by the
    kernel) per chunk. Use as a context manager.
    """

    def __init__(self) -> None:
        # One thread, so that its hash sees the chunks in order.
        self._helper = ThreadPoolExecutor(max_workers=1)
        self._buffers = [memoryview(bytearray(CHUNK)) for _ in range(DEPTH)]

    def copy(
        self,
        read_into: Callable[[memoryview], int],
        write: Callable[[memoryview], object],
        hashers: list[Hasher],
        limit: int,
        copied: Callable[[int], None] | None = None,
    ) -> int:
        """Copy until ``read_into(buffer)`` returns 0 or ``limit`` bytes came.

        Each chunk goes to ``write`` and to every one of ``hashers``: the first
        is updated by the helper thread, the others by this one, and all are
        complete when this returns. ``copied(done)`` follows each chunk, and
        may raise to stop. Returns the number of bytes copied.
        """
        first, *others = hashers
        free = list(self._buffers)
        in_flight: deque[tuple[memoryview, Future]] = deque()
        done = 0
        try:
            while done < limit:
                if not free:
                    buffer, job = in_flight.popleft()
                    job.result()
                    free.append(buffer)
                buffer = free.pop()
                count = read_into(buffer[: min(CHUNK, limit - done)])
                if not count:
                    break
                chunk = buffer[:count]
                in_flight.append((buffer, self._helper.submit(first.update, chunk)))
                write(chunk)
                for hasher in others:
                    hasher.update(chunk)
                done += count
                if copied is not None:
                    copied(done)
        finally:
            # Also on the way out of an error: the helper must be done with every buffer.
            wait([job for _buffer, job in in_flight])
        for _buffer, job in in_flight:
            job.result()
        return done

    def close(self) -> None:
        self._helper.shutdown(wait=True)

    def __enter__(self) -> HashingCopier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
