"""Writing files so that a pulled drive, a full disk or a crash never leaves one that looks whole.

Also copying large files while they are hashed, with the hashing spread
over the processor's cores (``HashingCopier``).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1024 * 1024
# Chunks in flight: one read and written while the others are still being hashed.
DEPTH = 4
# Files written but not yet synced and named, each with an open file. They
# are synced side by side: the file system commits its journal once for
# several, where one after the other each sync waits for its own commit.
MAX_UNSYNCED = 8


class Hasher(Protocol):
    def update(self, data: memoryview, /) -> None: ...


def _part(target: Path) -> Path:
    return target.with_name(target.name + ".part")


def _sync(fh: BinaryIO) -> None:
    with fh:
        fh.flush()
        os.fsync(fh.fileno())


def _sync_and_rename(fh: BinaryIO, part: Path, target: Path) -> None:
    try:
        _sync(fh)
        # Named only once synced: a crash never leaves a partial file under the name.
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)


def _write_part(target: Path, fill: Callable[[BinaryIO], None]) -> BinaryIO:
    """``target.part`` opened and filled by ``fill``; removed if ``fill`` raises."""
    part = _part(target)
    fh = part.open("wb")
    try:
        fill(fh)
    except BaseException:
        fh.close()
        part.unlink(missing_ok=True)
        raise
    return fh


def write_atomically(target: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to ``target.part``, sync it, then rename it to ``target``.

    ``chunks`` may raise to refuse the content (a hash that does not match, a
    cancel): the partial file is removed and ``target`` is never created.
    """

    def fill(fh: BinaryIO) -> None:
        for chunk in chunks:
            fh.write(chunk)

    _sync_and_rename(_write_part(target, fill), _part(target), target)


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
        fh = _write_part(target, fill)
        self._submit(_sync_and_rename, fh, _part(target), target)

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
        os.replace(part, target)
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
