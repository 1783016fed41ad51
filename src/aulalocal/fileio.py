"""Writing files so that a pulled drive, a full disk or a crash never leaves one that looks whole."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def write_atomically(target: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to ``target.part``, sync it, then rename it to ``target``.

    ``chunks`` may raise to refuse the content (a hash that does not match, a
    cancel): the partial file is removed and ``target`` is never created.
    """
    part = target.with_name(target.name + ".part")
    try:
        with part.open("wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
