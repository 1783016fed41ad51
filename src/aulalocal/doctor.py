"""``aulalocal doctor``: an integrity check of both databases, in plain words."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from aulalocal import paths
from aulalocal.i18n import gettext as _


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
        ("catalog.db", _("Move it aside and start AulaLocal again: the shipped catalog is rebuilt; apply your update bundles again.")),
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
                yield _("Catalog {catalog}: sequence {sequence}, {total} records").format(
                    total=total, **cat
                ), True
            db.conn.close()
        except Exception as exc:  # reported, not raised: doctor must always finish
            yield _("The catalog cannot be read: {reason}").format(reason=exc), False
