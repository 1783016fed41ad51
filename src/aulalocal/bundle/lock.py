"""OS file locks: released by the OS when the process dies, so a kill never leaves one stale.

One import at a time per data folder (``import_lock``): a second one is
refused, not queued. Each staging folder is locked by its operation too
(``staging.StagingFolder``).
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from aulalocal.errors import N_, StorageError
from aulalocal.fileio import open_lock_file


def _busy() -> StorageError:
    return StorageError(
        N_("Another update is being applied right now. Wait until it has finished, then try again.")
    )


def try_hold(fh: BinaryIO) -> bool:
    """Take the lock on the open file ``fh`` if nobody holds it; whether it was taken."""
    return _lock(fh, wait=False)


def hold(fh: BinaryIO) -> None:
    """Take the lock on the open file ``fh``, waiting while another holds it."""
    _lock(fh, wait=True)


def _lock(fh: BinaryIO, wait: bool) -> bool:
    if os.name == "nt":
        import msvcrt

        fh.seek(0)
        mode = msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK
    else:
        import fcntl

        mode = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
    try:
        if os.name == "nt":
            msvcrt.locking(fh.fileno(), mode, 1)
        else:
            fcntl.flock(fh.fileno(), mode)
    except OSError:
        if wait:
            raise
        return False
    return True


# Data folders whose import lock this process holds, with the thread that
# holds it: the catalog's rebuild holds it while it applies every kept bundle again.
_held: dict[str, int] = {}


@contextmanager
def import_lock(data_dir: Path):
    """The data folder's import lock; the thread holding it may take it again (nested), any other is refused."""
    key = os.path.abspath(data_dir / "import.lock")
    if _held.get(key) == threading.get_ident():
        yield
        return
    try:
        fh = open_lock_file(data_dir / "import.lock")
    except OSError as exc:
        raise StorageError(
            N_("The data folder is read-only. Check its permissions; nothing was changed.")
        ) from exc
    try:
        if not try_hold(fh):
            raise _busy()
        _held[key] = threading.get_ident()
        try:
            yield
        finally:
            del _held[key]
    finally:
        fh.close()
