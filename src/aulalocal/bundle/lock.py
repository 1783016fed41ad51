"""One import at a time per data folder: a second one is refused, not queued."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from aulalocal.errors import N_, StorageError


def _busy() -> StorageError:
    return StorageError(
        N_("Another update is being applied right now. Wait until it has finished, then try again.")
    )


@contextmanager
def import_lock(data_dir: Path):
    """An OS file lock: released by the OS when the process dies, so a kill never leaves it stale."""
    path = data_dir / "import.lock"
    try:
        fh = open(path, "a+b")
    except OSError as exc:
        raise StorageError(
            N_("The data folder is read-only. Check its permissions; nothing was changed.")
        ) from exc
    try:
        if os.name == "nt":
            import msvcrt

            try:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            except OSError:
                raise _busy() from None
        else:
            import fcntl

            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise _busy() from None
        yield
    finally:
        fh.close()
