"""Copying a bundle from a drive to the laptop's disk before anything reads it.

The drive is read once, into ``<data folder>/staging``; every later step reads
only that copy (a drive can change between two reads, or be pulled out).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes

from aulalocal.errors import N_, BundleError, Cancelled, StorageError
from aulalocal.fileio import Hasher, HashingCopier

MAX_BUNDLE_SIZE = 2 * 1024**3 + 1024**2  # spec section 1
MAX_SIGNATURE_SIZE = 64 * 1024


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
    source: Path, staging_dir: Path, limit: int = MAX_BUNDLE_SIZE, progress=None, cancel=None,
    also: Hasher | None = None,
) -> StagedFile:
    """Copy ``source`` into ``staging_dir``, refusing anything but a regular file up to ``limit`` bytes.

    ``also`` is fed every chunk too, in order (``earlymedia.EarlyMedia``).
    """
    try:
        st = os.stat(source)
    except OSError as exc:
        raise StorageError(
            N_("Could not read {path}. Check that the drive is still connected, then try again."),
            path=str(source),
        ) from exc
    if not stat.S_ISREG(st.st_mode):
        raise BundleError(N_("{path} is not a regular file."), path=str(source))
    if st.st_size > limit:
        raise BundleError(N_("{path} is too large to be a bundle."), path=str(source))
    try:
        staging_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=staging_dir, suffix=".part")
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
            raise disk_error(exc, staging_dir) from exc

    def copied(done: int) -> None:
        if progress is not None:
            progress("copy", done, st.st_size)
        if cancel is not None and cancel():
            raise Cancelled(N_("Cancelled. Nothing was changed."))

    try:
        with os.fdopen(fd, "wb") as dst, open(source, "rb", buffering=0) as src, HashingCopier() as copier:
            if progress is not None:
                progress("copy", 0, st.st_size)
            # Never more than the limit, whatever the file claims or grows to.
            done = copier.copy(src.readinto, write, hashers, limit + 1, copied)
            if done > limit:
                raise BundleError(N_("{path} is too large to be a bundle."), path=str(source))
            try:
                dst.flush()  # no fsync: a staged copy lost in a crash is simply gone
            except OSError as exc:
                raise disk_error(exc, staging_dir) from exc
        if done != st.st_size:
            # It grew or shrank while being copied: not a stable bundle.
            raise StorageError(
                N_("{path} changed while it was being copied. Copy it again and retry."),
                path=str(source),
            )
    except OSError as exc:
        os.unlink(tmp)
        raise disk_error(exc, source) from exc
    except BaseException:
        os.unlink(tmp)
        raise
    return StagedFile(Path(tmp), done, digest.hexdigest(), prehash.finalize())


def read_small(path: Path, limit: int = MAX_SIGNATURE_SIZE) -> bytes:
    """Read a small file (a signature) from the drive, refusing more than ``limit`` bytes."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise BundleError(N_("{path} is not a regular file."), path=str(path))
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise StorageError(
            N_("Could not read {path}. Check that the drive is still connected, then try again."),
            path=str(path),
        ) from exc
    if len(data) > limit:
        from aulalocal.errors import SignatureError

        raise SignatureError(N_("{path} is not a minisign signature."), path=str(path))
    return data


def clean_staging(staging_dir: Path) -> None:
    """Remove copies left by an import that was killed."""
    for leftover in staging_dir.glob("*.part"):
        try:
            leftover.unlink()
        except OSError:
            pass
