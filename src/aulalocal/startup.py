"""The data folder as every face opens it: its databases, the shipped catalog up to date, old key pins upgraded.

``datafolder`` opens the two databases and knows nothing of bundles; here
the seed catalog is brought in through the bundle code (``bundle.seed``),
the way any bundle is applied. The usual start finds it in already and
imports no bundle code at all (slow to import: the first paint waits).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from aulalocal import paths
from aulalocal.catalog.db import MigrationTask
from aulalocal.catalog.ledger import has_id_only_pins, sequence_of
from aulalocal.datafolder import DataFolder, open_folder


def open_data_folder(
    override: str | os.PathLike | None = None,
    load_seed: bool = True,
    use_prebuilt: bool = True,
    migration: MigrationTask | None = None,
) -> DataFolder:
    """Open (creating if needed) the data folder; bring the shipped catalog up to date.

    A never-used folder gets the databases the build made for a first start
    (``aulalocal.firststart``) unless ``use_prebuilt`` is false. A long
    migration of the catalog reports to ``migration`` (and can be cancelled by it).
    """
    folder = open_folder(override, use_prebuilt=load_seed and use_prebuilt, migration=migration)
    try:
        if load_seed and not _seed_is_in(folder.catalog, paths.seeds_dir()):
            from aulalocal.bundle.seed import bring_in

            bring_in(folder)
        _upgrade_pins(folder)
    except BaseException:
        folder.close()
        raise
    return folder


def _seed_is_in(catalog: sqlite3.Connection, seeds: Path) -> bool:
    """Whether the catalog has the shipped seed already (or there is none to bring in)."""
    try:
        info = json.loads((seeds / "catalog.json").read_bytes())
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False  # bring_in reads it again and says what is wrong
    try:
        sequence = sequence_of(catalog, info["catalog"])
        return sequence is not None and isinstance(info["sequence"], int) and sequence >= info["sequence"]
    except (KeyError, TypeError, sqlite3.Error):
        return False


def _upgrade_pins(folder: DataFolder) -> None:
    """Catalogs pinned by key id only (before catalog schema 5) get their whole key.

    The usual start has none: checked without the trust code (slow to import).
    """
    try:
        if not has_id_only_pins(folder.catalog):
            return
    except sqlite3.Error:
        return  # doctor reports a catalog that cannot be read
    from aulalocal.bundle.trust import upgrade_pins

    upgrade_pins(folder.catalog, folder.keys_dir)
