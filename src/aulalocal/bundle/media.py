"""The data folder's media files: named by their SHA-256, so each one can be checked against its name.

An import writes a file it carries unless an intact copy is there already;
doctor hashes every file and ``--repair`` takes a damaged one out, copying it
again from a kept bundle that carries it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from aulalocal.bundle.entries import MEDIA_FILE_NAME
from aulalocal.fileio import CHUNK


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as fh:
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        while count := fh.readinto(buffer):
            digest.update(view[:count])
    return digest.hexdigest()


def intact(path: Path) -> bool:
    """A regular file whose bytes hash to its name."""
    match = MEDIA_FILE_NAME.fullmatch(path.name)
    try:
        return match is not None and path.is_file() and sha256_of(path) == match[1]
    except OSError:
        return False


def media_files(media_dir: Path) -> Iterator[Path]:
    """The files named as media (``.part`` files of a write under way are not)."""
    try:
        names = sorted(os.listdir(media_dir))
    except OSError:
        return
    for name in names:
        if MEDIA_FILE_NAME.fullmatch(name):
            yield media_dir / name


def damaged(media_dir: Path) -> tuple[int, list[Path]]:
    """(files checked, the ones whose bytes do not match their name)."""
    count, bad = 0, []
    for path in media_files(media_dir):
        count += 1
        if not intact(path):
            bad.append(path)
    return count, bad


def restore(bad: list[Path], kept: list[Path]) -> set[Path]:
    """Take out the damaged files, then copy each again from a kept bundle that carries it.

    A file is its SHA-256, so any bundle's copy whose bytes hash to the name
    is the right one (the archive checks them as it copies). Returns the
    files copied again; the others are gone.
    """
    from aulalocal.bundle.archive import open_archive
    from aulalocal.errors import AulaLocalError
    from aulalocal.fileio import AtomicFiles

    for path in bad:
        path.unlink(missing_ok=True)
    wanted = {f"media/{p.name}": p for p in bad}
    restored: set[Path] = set()
    with AtomicFiles() as files:
        for bundle in kept:
            if not wanted:
                break
            try:
                with open_archive(bundle) as archive:
                    for name in [n for n in archive.manifest.media_files if n in wanted]:
                        files.write(wanted[name], lambda fh, name=name: archive.copy_entry(name, fh))
                        files.wait()
                        restored.add(wanted.pop(name))
            except AulaLocalError:
                continue  # a damaged kept bundle: another one may carry the file
    return restored
