"""``aulalocal doctor``: an integrity check of both databases, in plain words."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from aulalocal import i18n, paths
from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext


def _integrity(path) -> tuple[bool, str]:
    if not path.exists():
        return True, _("not created yet")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return False, str(exc)
    if rows == ["ok"]:
        return True, _("ok (schema version {version})").format(version=version)
    return False, "; ".join(rows[:5])


def check(data_dir_override=None) -> Iterator[tuple[str, bool]]:
    """Lines of the report, each with whether it is fine."""
    folder = paths.data_dir(data_dir_override)
    yield _("Data folder: {path}").format(path=folder), True
    for name, advice in (
        ("catalog.db", _("Run 'aulalocal doctor --repair': the catalog is rebuilt from the shipped catalog and the updates this laptop kept.")),
        ("userdata.db", _("Keep a copy of it and ask your school IT helper: it holds your notes and favorites.")),
    ):
        ok, detail = _integrity(folder / name)
        yield f"{name}: {detail}", ok
        if not ok:
            yield "  " + advice, False
    if (folder / "catalog.db").exists():
        try:
            from aulalocal.catalog.db import open_catalog
            from aulalocal.catalog.queries import status

            db = open_catalog(folder / "catalog.db")
            for cat in status(db)["catalogs"]:
                total = sum(cat["counts"].values())
                text = ngettext("Catalog {catalog}: sequence {sequence}, {count} record", "Catalog {catalog}: sequence {sequence}, {count} records", total)
                yield text.format(count=i18n.format_number(total), **cat), True
            from aulalocal.bundle.trust import pin_findings

            for finding in pin_findings(db):
                yield finding.message(), False
            db.close()
        except Exception as exc:  # reported, not raised: doctor must always finish
            yield _("The catalog cannot be read: {reason}").format(reason=exc), False
    yield from _keys(folder)


def _keys(folder) -> Iterator[tuple[str, bool]]:
    """Key files and folders that are not trusted, and why (bundle.trust)."""
    from aulalocal.bundle.trust import key_findings

    for finding in key_findings(folder / "keys"):
        yield finding.message(), False


def repair(data_dir_override=None) -> Iterator[tuple[str, bool]]:
    """Rebuild a damaged ``catalog.db``: it only holds what publishers sent.

    The damaged file is kept aside; the shipped catalog is loaded, then every
    update bundle this laptop kept is applied again in sequence order.
    ``userdata.db`` is never touched here.
    """
    import os
    import time

    from aulalocal.datafolder import open_data_folder
    from aulalocal.errors import AulaLocalError

    folder_path = paths.data_dir(data_dir_override)
    catalog = folder_path / "catalog.db"
    ok, _detail = _integrity(catalog)
    if ok:
        yield _("catalog.db is fine; nothing to repair."), True
        return
    aside = catalog.with_name(f"catalog.db.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(catalog, aside)
    for suffix in ("-wal", "-shm"):
        extra = catalog.with_name("catalog.db" + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    yield _("Moved the damaged catalog to {path}.").format(path=aside), True
    folder = open_data_folder(data_dir_override)
    from aulalocal.bundle.importer import import_bundle

    kept = sorted(folder.bundles_dir.glob("*.aulabundle"), key=_bundle_order)
    good = True
    for bundle in kept:
        try:
            import_bundle(folder, bundle)
            yield _("Applied again: {name}").format(name=bundle.name), True
        except AulaLocalError as exc:
            # An older bundle after a newer full one is expected to be refused.
            yield f"{bundle.name}: {exc.message()}", exc.exit_code == 5
            good = good and exc.exit_code == 5
    folder.close()
    yield (_("The catalog was rebuilt.") if good else _("The catalog was rebuilt, with problems listed above.")), good


def _bundle_order(path):
    # Kept bundles are named <catalog>-<sequence, 6 digits>-<hash>.aulabundle.
    stem = path.name[: -len(".aulabundle")]
    catalog, sequence, _hash = stem.rsplit("-", 2)
    return catalog, int(sequence)
