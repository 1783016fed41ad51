"""``aulalocal doctor``: both databases, the catalog against the updates this laptop kept, the media files.

Every line is a translated sentence: what SQLite or the system said (in
English) goes to ``aulalocal.log`` in the data folder, never to the screen.
``--repair`` rebuilds the catalog (``bundle.rebuild``), restores damaged
media from the kept bundles, and puts back the newest copy of an empty
``userdata.db``; it never writes over anything a teacher made.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aulalocal import i18n, paths
from aulalocal.catalog import health
from aulalocal.catalog.db import reading
from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext
from aulalocal.logfile import log_detail

Line = tuple[str, bool]


@dataclass(frozen=True)
class Health:
    """What one database file looks like: ``ok``, and a translated description."""

    ok: bool
    text: str
    readable: bool = False  # its tables can be read


def describe(exc: BaseException) -> str:
    """A translated phrase for what SQLite or the system said."""
    if isinstance(exc, OSError):
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return _("it cannot be opened: check the data folder's permissions")
        if exc.errno == errno.ENOSPC:
            return _("the disk is full")
        return _("the disk could not read it")
    text = str(exc).lower()
    if "not a database" in text:
        return _("it is not a database file")
    if "malformed" in text or "corrupt" in text:
        return _("it is damaged")
    if "locked" in text or "busy" in text:
        return _("another program is using it; close AulaLocal and try again")
    if "unable to open" in text or "readonly" in text:
        return _("it cannot be opened: check the data folder's permissions")
    if "i/o" in text:
        return _("the disk could not read it")
    return _("it cannot be read")


def inspect(path: Path) -> Health:
    """The integrity of one database file, in the teacher's words."""
    folder = path.parent
    try:
        if not path.exists():
            return Health(True, _("not created yet"))
        if path.stat().st_size == 0:
            return Health(False, _("empty (0 bytes): its content is lost"))
        with reading(path) as conn:
            rows = health.integrity(conn)
            version = health.user_version(conn)
    except (OSError, sqlite3.Error) as exc:
        log_detail(folder, f"doctor: {path.name}", exc)
        return Health(False, _("damaged: {reason}").format(reason=describe(exc)))
    if rows != ["ok"]:
        log_detail(folder, f"doctor: {path.name} integrity check", Exception("; ".join(rows[:20])))
        return Health(False, _("damaged: the integrity check found problems"), readable=True)
    if version == 0:
        return Health(False, _("has no tables (schema version 0): its content is lost"))
    return Health(True, _("ok (schema version {version})").format(version=version), readable=True)


def _catalog_advice() -> str:
    return _("Run 'aulalocal doctor --repair': the catalog is rebuilt from the shipped catalog and the updates this laptop kept.")


def _userdata_advice(path: Path) -> str:
    if _userdata_lost(path) and _backups(path):
        return _("Run 'aulalocal doctor --repair': the newest copy of it is put back ({name}); the empty file is kept aside.").format(
            name=_backups(path)[0].name
        )
    return _("Keep a copy of it and ask your school IT helper: it holds your notes and favorites.")


def check(data_dir_override=None) -> Iterator[Line]:
    """Lines of the report, each with whether it is fine."""
    folder = paths.data_dir(data_dir_override)
    yield _("Data folder: {path}").format(path=folder), True
    kept = _kept(folder)
    catalog = folder / "catalog.db"
    health = inspect(catalog)
    if health.ok and not catalog.exists() and kept:
        health = Health(False, ngettext(
            "missing, though this laptop kept {count} update", "missing, though this laptop kept {count} updates", len(kept)
        ).format(count=i18n.format_number(len(kept))))
    yield f"catalog.db: {health.text}", health.ok
    if not health.ok:
        yield "  " + _catalog_advice(), False
    user = folder / "userdata.db"
    user_health = inspect(user)
    yield f"userdata.db: {user_health.text}", user_health.ok
    if not user_health.ok:
        yield "  " + _userdata_advice(user), False
    if health.readable:
        yield from _catalog_lines(folder, kept)
    yield from _media_lines(folder)
    yield from _keys(folder)


def _keys(folder: Path) -> Iterator[Line]:
    """Key files and folders that are not trusted, and why (bundle.trust)."""
    from aulalocal.bundle.trust import key_findings

    for finding in key_findings(folder / "keys"):
        yield finding.message(), False


def _kept(folder: Path):
    from aulalocal.bundle.kept import kept_bundles

    return kept_bundles(folder / "bundles")


def _catalog_lines(folder: Path, kept) -> Iterator[Line]:
    from aulalocal.bundle.rebuild import catalog_states, lacking
    from aulalocal.catalog.queries import status

    try:
        with reading(folder / "catalog.db") as conn:
            catalogs = status(conn)["catalogs"]
    except sqlite3.Error as exc:
        log_detail(folder, "doctor: reading the catalog", exc)
        yield _("The catalog cannot be read: {reason}").format(reason=describe(exc)), False
        return
    for catalog, sequence, total in ((c["catalog"], c["sequence"], sum(c["counts"].values())) for c in catalogs):
        text = ngettext("Catalog {catalog}: sequence {sequence}, {count} record", "Catalog {catalog}: sequence {sequence}, {count} records", total)
        yield text.format(catalog=catalog, sequence=sequence, count=i18n.format_number(total)), True
    yield from _pin_lines(folder)
    missing = lacking(catalog_states(folder / "catalog.db") or {}, kept)
    for bundle in missing:
        yield _(
            "Catalog {catalog} lacks update {sequence}, which this laptop applied and kept ({name})."
        ).format(catalog=bundle.catalog, sequence=bundle.sequence, name=bundle.path.name), False
    if missing:
        yield "  " + _catalog_advice(), False


def _pin_lines(folder: Path) -> Iterator[Line]:
    """Catalogs bound to a key id only (bundle.trust)."""
    from aulalocal.bundle.trust import pin_findings

    try:
        with reading(folder / "catalog.db") as conn:
            findings = pin_findings(conn)
    except sqlite3.Error as exc:  # a schema older than this version's: brought up to date at the next start
        log_detail(folder, "doctor: reading the catalog's keys", exc)
        return
    for finding in findings:
        yield finding.message(), False


def _media_lines(folder: Path) -> Iterator[Line]:
    from aulalocal.bundle.media import damaged

    count, bad = damaged(folder / "media")
    for path in bad:
        yield _("Media file {name} is damaged: its content does not match its name.").format(name=path.name), False
    if bad:
        yield "  " + _("Run 'aulalocal doctor --repair': damaged media files are copied again from the kept updates, or removed."), False
    elif count:
        yield ngettext(
            "Media files: {count} checked, intact.", "Media files: {count} checked, all intact.", count
        ).format(count=i18n.format_number(count)), True


def repair(data_dir_override=None, *, progress=None, cancel=None) -> Iterator[Line]:
    """Repair what ``check`` finds; lines as it goes, and how it ended.

    The catalog only holds what publishers sent and is rebuilt (``bundle.rebuild``);
    ``userdata.db`` is only ever put back from its own copies when it is empty.
    """
    from aulalocal.bundle.rebuild import catalog_states, lacking
    from aulalocal.errors import AulaLocalError

    folder = paths.data_dir(data_dir_override)
    catalog = folder / "catalog.db"
    kept = _kept(folder)
    health = inspect(catalog)
    needs_rebuild = (
        not health.ok
        or (kept and not catalog.exists())
        or bool(lacking(catalog_states(catalog) or {}, kept))
    )
    did = False
    good = True
    user = folder / "userdata.db"
    if _userdata_lost(user):
        did = True
        line = _restore_userdata(user)
        good = good and line[1]
        yield line
    if needs_rebuild:
        did = True
        from aulalocal.bundle.rebuild import rebuild_catalog

        try:
            for line in rebuild_catalog(folder, progress=progress, cancel=cancel):
                yield line
            good = good and line[1]
        except AulaLocalError as exc:
            yield exc.message(), False
            return
    media_lines = list(_repair_media(folder))
    if media_lines:
        did = True
        yield from media_lines
        good = good and all(ok for _line, ok in media_lines)
    if not did:
        yield _("Nothing to repair: the catalog, the updates it holds and the media files are fine."), True
    elif good:
        yield _("Repaired. Run 'aulalocal doctor' to see the result."), True


def _userdata_lost(path: Path) -> bool:
    """Empty, or with no tables: nothing of the teacher's is in it to lose."""
    try:
        if not path.exists():
            return False
        from aulalocal.catalog.db import schema_version

        return not schema_version(path)
    except (OSError, sqlite3.Error):
        return False  # damaged with content: for the IT helper, never written over


def _backups(path: Path) -> list[Path]:
    """The copies made before each upgrade, newest first."""
    found = list(path.parent.glob(path.name + ".v*.bak"))
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def _restore_userdata(path: Path) -> Line:
    from aulalocal.catalog.db import wal_files
    from aulalocal.fileio import copy_file

    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    backups = _backups(path)
    try:
        os.replace(path, aside)
        for extra in wal_files(path):
            extra.unlink(missing_ok=True)
        if not backups:
            return _("userdata.db was empty: kept aside as {aside}; a new one is made at the next start.").format(aside=aside.name), True
        copy_file(backups[0], path)
    except OSError as exc:
        log_detail(path.parent, "doctor: putting back userdata.db", exc)
        return _("userdata.db could not be put back: {reason}").format(reason=describe(exc)), False
    return _("userdata.db was empty: kept aside as {aside}, and its copy {backup} was put back.").format(
        aside=aside.name, backup=backups[0].name
    ), True


def _repair_media(folder: Path) -> Iterator[Line]:
    from aulalocal.bundle.media import damaged, restore

    _count, bad = damaged(folder / "media")
    if not bad:
        return
    restored = restore(bad, [k.path for k in _kept(folder)])
    for path in bad:
        if path in restored:
            yield _("Media file {name} was copied again from the kept updates.").format(name=path.name), True
        else:
            yield _("Media file {name} was removed: no kept update carries it.").format(name=path.name), True
