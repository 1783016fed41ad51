"""Copying a bundle from a drive to the laptop's disk before anything reads it.

The drive is read once, into a folder of the operation's own under
``<data folder>/staging`` (``StagingFolder``); every later step reads only
that copy (a drive can change between two reads, or be pulled out).

Several operations can stage at once (a verify while an update is applied):
each folder is locked by its operation while it lives, and the clean-up that
opens every operation removes only the folders nobody holds, left by a
process that was killed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes

from aulalocal.bundle.limits import Limits
from aulalocal.bundle.lock import hold, try_hold
from aulalocal.bundle.minisign import MAX_SIGNATURE_FILE_SIZE, not_a_signature_file
from aulalocal.bundle.progress import CancelCheck, Progress, check_cancel
from aulalocal.errors import N_, BundleError, SignatureError, StorageError
from aulalocal.fileio import (
    Hasher,
    HashingCopier,
    NotAFile,
    create_new,
    ensure_folder,
    open_lock_file,
    open_regular,
    read_small_file,
)

MAX_BUNDLE_SIZE = Limits.max_archive_size  # spec section 1


@dataclass
class StagedFile:
    path: Path
    size: int
    sha256: str
    blake2b: bytes  # BLAKE2b-512, what a prehashed minisign signature signs


def disk_error(exc: OSError, source: Path) -> Exception:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError(
            N_("The laptop's disk is full. Free some space and try again; nothing was changed.")
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageError(
            N_("The data folder is read-only. Check its permissions; nothing was changed.")
        )
    return StorageError(
        N_("Could not read {path}. Check that the drive is still connected, then try again."),
        path=str(source),
    )


class _Both:
    """Two hash objects fed as one, by one thread."""

    def __init__(self, first: Hasher, second: Hasher) -> None:
        self._first, self._second = first, second

    def update(self, data: memoryview) -> None:
        self._first.update(data)
        self._second.update(data)


def stage(
    source: Path, folder: Path, limit: int = MAX_BUNDLE_SIZE, progress: Progress | None = None,
    cancel: CancelCheck | None = None, also: Hasher | None = None,
) -> StagedFile:
    """Copy ``source`` into ``folder`` (a ``StagingFolder``'s), refusing anything
    but a regular file up to ``limit`` bytes.

    ``also`` is fed every chunk too, in order (``earlymedia.EarlyMedia``).
    """
    try:
        src = open_regular(source, follow_links=True)
    except NotAFile:
        raise BundleError(N_("{path} is not a regular file."), path=str(source)) from None
    except OSError as exc:
        raise StorageError(
            N_("Could not read {path}. Check that the drive is still connected, then try again."),
            path=str(source),
        ) from exc
    with src:
        return _copy(src, source, folder / STAGED_NAME, limit, progress, cancel, also)


def _copy(src, source: Path, target: Path, limit: int, progress, cancel, also) -> StagedFile:
    size = os.fstat(src.fileno()).st_size
    if size > limit:
        raise BundleError(N_("{path} is too large to be a bundle."), path=str(source))
    try:
        # Owner-only, as the kept copy it becomes: the laptop's own bytes.
        dst = create_new(target, 0o600)
    except OSError as exc:
        raise disk_error(exc, source) from exc
    # Both hashes in the one pass over the drive: the ledger's SHA-256 and
    # the signature's BLAKE2b, so the copy is not read again to verify it.
    # BLAKE2b, the longest job of an import, runs in a thread of its own, on
    # cryptography's OpenSSL: a tenth faster than hashlib's. The SHA-256 is
    # computed on this thread, beside the reads and writes, unless ``also``
    # has work for it: then the helper takes both hashes. A third busy
    # thread on a two-core laptop would only take turns with the other two.
    digest = hashlib.sha256()
    prehash = hashes.Hash(hashes.BLAKE2b(64))
    hashers = [prehash, digest] if also is None else [_Both(prehash, digest), also]

    def write(chunk: memoryview) -> None:
        try:
            dst.write(chunk)
        except OSError as exc:
            raise disk_error(exc, target.parent) from exc

    def copied(done: int) -> None:
        if progress is not None:
            progress("copy", done, size)
        check_cancel(cancel)

    try:
        with dst, HashingCopier() as copier:
            if progress is not None:
                progress("copy", 0, size)
            # Never more than the limit, whatever the file claims or grows to.
            done = copier.copy(src.readinto, write, hashers, limit + 1, copied)
            if done > limit:
                raise BundleError(N_("{path} is too large to be a bundle."), path=str(source))
            try:
                dst.flush()  # no fsync: a staged copy lost in a crash is simply gone
            except OSError as exc:
                raise disk_error(exc, target.parent) from exc
        if done != size:
            # It grew or shrank while being copied: not a stable bundle.
            raise StorageError(
                N_("{path} changed while it was being copied. Copy it again and retry."),
                path=str(source),
            )
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise disk_error(exc, source) from exc
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StagedFile(target, done, digest.hexdigest(), prehash.finalize())


def read_small(path: Path, limit: int = MAX_SIGNATURE_FILE_SIZE) -> bytes:
    """Read a small file from the drive (a signature), refusing more than ``limit`` bytes.

    Anything but a regular file (a FIFO, a folder, a device, a link) is a
    signature problem, refused without ever waiting on it.
    """
    try:
        data = read_small_file(path, limit)
    except NotAFile:
        raise not_a_signature_file(path) from None
    except OSError as exc:
        raise StorageError(
            N_("Could not read {path}. Check that the drive is still connected, then try again."),
            path=str(path),
        ) from exc
    if len(data) > limit:
        raise SignatureError(N_("The signature file is too large to be a minisign signature."))
    return data


class StagingFolder:
    """A folder of one operation's own under ``staging/``, locked while it lives.

    Making one first removes the folders of operations that died (their lock
    is free); it never touches a live one's. ``close()`` (or leaving the
    ``with`` block) removes it.
    """

    def __init__(self, staging_dir: Path) -> None:
        try:
            ensure_folder(staging_dir)
            # Making a folder and locking it, and finding folders nobody
            # locks, never interleave: a folder just made is not yet locked.
            with open_lock_file(staging_dir.with_name(staging_dir.name + ".lock")) as guard:
                hold(guard)
                _remove_stale(staging_dir)
                self.path = Path(tempfile.mkdtemp(dir=staging_dir, prefix=f"{os.getpid()}-"))
                self._lock = open_lock_file(self.path / LOCK_NAME)
                if not try_hold(self._lock):  # a fresh file in a fresh folder: never
                    self._lock.close()
                    raise OSError(errno.EBUSY, "staging folder already locked", str(self.path))
        except OSError as exc:
            raise disk_error(exc, staging_dir) from exc
        self._closed = False

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            _remove(self.path, self._lock)

    def __enter__(self) -> StagingFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


LOCK_NAME = "operation.lock"
STAGED_NAME = "bundle.part"


def _remove(folder: Path, lock) -> None:
    """Remove a staging folder whose lock ``lock`` is held: its files, then the
    lock (open files cannot be removed everywhere), then the folder."""
    for child in folder.iterdir():
        if child.name != LOCK_NAME:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    lock.close()
    shutil.rmtree(folder, ignore_errors=True)


def _remove_stale(staging_dir: Path) -> None:
    """Remove what operations that died left in ``staging_dir``: the folders
    whose lock nobody holds, and the copies older versions made at its top."""
    for entry in staging_dir.iterdir():
        try:
            if entry.is_dir() and not entry.is_symlink():
                try:
                    lock = open_lock_file(entry / LOCK_NAME)
                except (OSError, StorageError):
                    continue  # not a folder an operation of ours made
                if try_hold(lock):
                    _remove(entry, lock)
                else:
                    lock.close()  # alive: its operation owns it
            elif entry.name.endswith(".part"):
                entry.unlink()
        except OSError:
            pass
