"""The user's data folder: where its parts live, and its two databases."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from aulalocal import paths
from aulalocal.catalog.db import MigrationTask, catalog_damaged, open_catalog, open_userdata
from aulalocal.errors import N_, StorageError


@dataclass
class DataFolder:
    path: Path
    catalog: sqlite3.Connection
    userdata: sqlite3.Connection | None = None  # None: a catalog being rebuilt (doctor --repair)

    @property
    def media_dir(self) -> Path:
        return self.path / "media"

    @property
    def bundles_dir(self) -> Path:
        return self.path / "bundles"

    @property
    def staging_dir(self) -> Path:
        return self.path / "staging"

    @property
    def keys_dir(self) -> Path:
        return self.path / "keys"

    def close(self) -> None:
        self.catalog.close()
        if self.userdata is not None:
            self.userdata.close()


def open_folder(
    override: str | os.PathLike | None = None,
    use_prebuilt: bool = True,
    migration: MigrationTask | None = None,
) -> DataFolder:
    """Open (creating if needed) the data folder and its two databases.

    A never-used folder gets the databases the build made for a first start
    (``aulalocal.firststart``) when ``use_prebuilt``. The faces open it through
    ``aulalocal.startup``, which also brings the shipped catalog in. A long
    migration of the catalog reports to ``migration`` (and can be cancelled by it).
    """
    path = paths.data_dir(override)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with os.scandir(path) as entries:
            new = use_prebuilt and next(entries, None) is None
    except OSError as exc:
        raise StorageError(
            N_("Cannot create the data folder {path}. Check that its disk is working and that it may be written to."),
            path=str(path),
        ) from exc
    if new:
        from aulalocal.firststart import install

        install(path)
    if not (path / "catalog.db").exists() and _kept_any(path / "bundles"):
        raise catalog_damaged()  # lost, not a new laptop: never started again from the shipped catalog
    catalog = open_catalog(path / "catalog.db", migration)
    try:
        return DataFolder(path, catalog, open_userdata(path / "userdata.db"))
    except BaseException:
        catalog.close()
        raise


def _kept_any(bundles: Path) -> bool:
    """Whether this laptop kept an applied update (``bundle.kept``): then it is not a new laptop."""
    try:
        return any(p.is_file() for p in bundles.glob("*.aulabundle"))
    except OSError:
        return False
