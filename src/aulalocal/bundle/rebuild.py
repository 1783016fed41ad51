"""Rebuilding ``catalog.db`` from the shipped catalog and the updates this laptop kept (``doctor --repair``).

The new catalog is built beside the old one under a new temporary name and
takes its place only once it is complete and checked: its integrity, its
full-text indexes, and that it holds every update the kept bundles say this
laptop applied. A kill, a full disk or a cancel at any point leaves the old
catalog as it was (doctor still says what is wrong with it) and a temporary
file that the next repair removes. ``userdata.db`` is never touched here.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aulalocal.bundle.progress import CancelCheck, Progress
from aulalocal.bundle.kept import KeptBundle, kept_bundles, newest, settle
from aulalocal.bundle.lock import import_lock
from aulalocal.catalog import health, ledger
from aulalocal.catalog.db import CATALOG_MIGRATIONS, connect, migrate, reading, settle_wal, wal_files
from aulalocal.errors import AulaLocalError, BundleError, Cancelled, StorageError
from aulalocal.fileio import link_or_copy
from aulalocal.i18n import gettext as _
from aulalocal.logfile import log_detail

CATALOG = "catalog.db"
TEMP_PREFIX = ".catalog.db.rebuild-"


@dataclass
class Rebuilt:
    """What a rebuild did: the bundles applied again, the ones that failed, where the old file went."""

    applied: list[KeptBundle] = field(default_factory=list)
    failed: list[tuple[KeptBundle, AulaLocalError]] = field(default_factory=list)
    aside: Path | None = None


def chain(kept: list[KeptBundle]) -> tuple[list[KeptBundle], list[tuple[KeptBundle, AulaLocalError]]]:
    """Per catalog, the last full bundle and the deltas after it: what to apply again, in order.

    Kept bundles that cannot be opened are returned apart; the chain goes on without them.
    """
    from aulalocal.bundle.archive import open_archive

    chosen: dict[str, list[KeptBundle]] = {}
    unreadable = []
    for bundle in kept:
        try:
            with open_archive(bundle.path) as archive:
                is_delta = archive.manifest.is_delta
        except (BundleError, StorageError) as exc:
            unreadable.append((bundle, exc))
            continue
        if is_delta:
            chosen.setdefault(bundle.catalog, []).append(bundle)
        else:
            chosen[bundle.catalog] = [bundle]
    return [b for bundles in chosen.values() for b in bundles], unreadable


def catalog_states(path: Path) -> dict[str, tuple[int, str]] | None:
    """(sequence, file SHA-256) of each catalog in a catalog file; None if it cannot be read."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        with reading(path) as conn:
            return ledger.states(conn)
    except (OSError, sqlite3.Error):
        return None


def lacking(states: dict[str, tuple[int, str]], kept: list[KeptBundle]) -> list[KeptBundle]:
    """The last kept update of each catalog that ``states`` does not hold."""
    missing = []
    for catalog, bundle in newest(kept).items():
        sequence, sha = states.get(catalog, (0, ""))
        if sequence < bundle.sequence or (sequence == bundle.sequence and sha[:12] != bundle.sha256_prefix):
            missing.append(bundle)
    return missing


def remove_leftovers(data: Path) -> None:
    """Temporary catalogs of a rebuild that was killed (run under the import lock)."""
    for leftover in data.glob(TEMP_PREFIX + "*"):
        leftover.unlink(missing_ok=True)


def rebuild_catalog(
    data: Path, *, progress: Progress | None = None, cancel: CancelCheck | None = None
) -> Iterator[tuple[str, bool]]:
    """Rebuild, yielding (line of the report, fine?) as it goes; the last one says how it ended.

    Raises ``StorageError`` (a full disk, a read-only folder) or ``Cancelled``
    with nothing changed.
    """
    from aulalocal.bundle.importer import import_bundle
    from aulalocal.bundle.space import check_free, rebuild_needs
    from aulalocal.bundle.seed import bring_in
    from aulalocal.datafolder import DataFolder

    catalog = data / CATALOG
    result = Rebuilt()
    with import_lock(data):
        remove_leftovers(data)
        old = catalog_states(catalog)
        old_sound = old is not None and health.sound(catalog)
        if old is not None:
            # A kill after an apply was committed and before its file was named.
            try:
                with reading(catalog) as conn:
                    settle(data / "bundles", conn)
            except (OSError, sqlite3.Error):
                pass
        todo, unreadable = chain(kept_bundles(data / "bundles"))
        for bundle, exc in unreadable:
            result.failed.append((bundle, exc))
            yield _failed(bundle, exc)
        check_free(data, rebuild_needs([b.path for b in todo]))
        fd, name = tempfile.mkstemp(dir=data, prefix=TEMP_PREFIX, suffix=".db")
        os.close(fd)
        tmp = Path(name)
        conn = None
        try:
            conn = connect(tmp)
            migrate(conn, CATALOG_MIGRATIONS)
            folder = DataFolder(data, conn)
            bring_in(folder)
            for number, bundle in enumerate(todo):
                if progress:
                    progress("rebuild", number, len(todo))
                try:
                    import_bundle(folder, bundle.path, cancel=cancel)
                except (StorageError, Cancelled):
                    raise  # the disk, not the bundle: stop, changing nothing
                except AulaLocalError as exc:
                    result.failed.append((bundle, exc))
                    yield _failed(bundle, exc)
                    continue
                result.applied.append(bundle)
                yield _("Applied again: {name}").format(name=bundle.path.name), True
            if progress:
                progress("rebuild", len(todo), len(todo))
            _check(conn, result.applied)
            settle_wal(conn)
            conn.close()
            conn = None
            new = catalog_states(tmp) or {}
            if old_sound and any(new.get(c, (0, ""))[0] < s for c, (s, _sha) in old.items()):
                # A sound catalog holding updates the kept bundles cannot give back stays.
                yield _("The old catalog holds updates that the kept bundles cannot give back; it was left as it was."), False
                return
            result.aside = _swap(data, tmp)
        except sqlite3.Error as exc:
            log_detail(data, "rebuilding the catalog", exc)
            raise _sqlite_error(exc) from exc
        except OSError as exc:
            log_detail(data, "rebuilding the catalog", exc)
            from aulalocal.bundle.staging import disk_error

            raise disk_error(exc, data) from exc
        finally:
            if conn is not None:
                conn.close()
            for leftover in (tmp, *wal_files(tmp)):
                leftover.unlink(missing_ok=True)
            for leftover in data.glob(".catalog.db.new-*"):
                leftover.unlink(missing_ok=True)
    if result.aside is not None:
        yield _("The old catalog was kept aside as {path}.").format(path=result.aside), True
    if result.failed:
        yield _("The catalog was rebuilt, with problems listed above."), False
    else:
        yield _("The catalog was rebuilt."), True


def _failed(bundle: KeptBundle, exc: AulaLocalError) -> tuple[str, bool]:
    return _("{name} cannot be applied again: {reason}").format(name=bundle.path.name, reason=exc.message()), False


def _check(conn: sqlite3.Connection, applied: list[KeptBundle]) -> None:
    """Complete and sound, or an error: nothing half-built ever gets the catalog's name."""
    rows = health.integrity(conn)
    if rows != ["ok"]:
        raise sqlite3.DatabaseError("; ".join(rows[:5]))
    health.check_search_indexes(conn)
    if lacking(ledger.states(conn), applied):
        raise sqlite3.DatabaseError("the rebuilt catalog lacks an update it applied")


def _swap(data: Path, tmp: Path) -> Path | None:
    """Put ``tmp`` in the catalog's place; the old file and its log go aside together.

    The old write-ahead log must not stay beside the new file: SQLite would
    play it into the new catalog at the next open.
    """
    catalog = data / CATALOG
    aside = None
    if catalog.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = data / f"catalog.db.damaged-{stamp}"
        number = 1
        while aside.exists():
            number += 1
            aside = data / f"catalog.db.damaged-{stamp}-{number}"
        link_or_copy(catalog, aside)
        for extra, kept in zip(wal_files(catalog), wal_files(aside)):
            if extra.exists():
                os.replace(extra, kept)
    else:
        for extra in wal_files(catalog):
            extra.unlink(missing_ok=True)
    os.replace(tmp, catalog)
    _sync_folder(data)
    return aside


def _sync_folder(path: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sqlite_error(exc: sqlite3.Error) -> StorageError:
    from aulalocal.catalog.transaction import storage_error

    return storage_error(exc)
