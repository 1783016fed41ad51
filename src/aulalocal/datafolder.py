"""The user's data folder: both databases, created on first start with the shipped catalog."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from aulalocal import paths
from aulalocal.catalog.db import catalog_damaged, open_catalog, open_userdata
from aulalocal.errors import N_, StorageError

SEED_CATALOG = "aulalocal-seed"


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


def open_data_folder(
    override: str | os.PathLike | None = None, load_seed: bool = True, use_prebuilt: bool = True
) -> DataFolder:
    """Open (creating if needed) the data folder; bring the shipped catalog up to date.

    A never-used folder gets the databases the build made for a first start
    (``aulalocal.firststart``) unless ``use_prebuilt`` is false.
    """
    path = paths.data_dir(override)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with os.scandir(path) as entries:
            new = load_seed and use_prebuilt and next(entries, None) is None
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
    catalog = open_catalog(path / "catalog.db")
    try:
        folder = DataFolder(path, catalog, open_userdata(path / "userdata.db"))
    except BaseException:
        catalog.close()
        raise
    if load_seed:
        load_shipped_catalog(folder)
    _upgrade_pins(folder)
    return folder


def _upgrade_pins(folder: DataFolder) -> None:
    """Catalogs pinned by key id only (before catalog schema 5) get their whole key.

    The usual start has none: checked without the trust code (slow to import).
    """
    try:
        if not folder.catalog.execute(
            "SELECT 1 FROM catalogs WHERE key_id IS NOT NULL AND public_key IS NULL LIMIT 1"
        ).fetchone():
            return
    except sqlite3.Error:
        return  # doctor reports a catalog that cannot be read
    from aulalocal.bundle.trust import upgrade_pins

    upgrade_pins(folder.catalog, folder.keys_dir)


def _kept_any(bundles: Path) -> bool:
    """Whether this laptop kept an applied update (``bundle.kept``): then it is not a new laptop."""
    try:
        return any(p.is_file() for p in bundles.glob("*.aulabundle"))
    except OSError:
        return False


def load_shipped_catalog(folder: DataFolder, source: Path | None = None) -> None:
    """Apply the seed catalog that ships with the app when it is newer than the installed one.

    It goes through the same record validation and apply path as a bundle.
    """
    source = source or paths.seeds_dir()
    if not (source / "catalog.json").is_file() or _is_installed(folder.catalog, source):
        return
    from aulalocal.bundle import source as src
    from aulalocal.bundle.apply import apply_operations
    from aulalocal.catalog.store import get_state

    info = src.read_info(source)
    state = get_state(folder.catalog, info.catalog)
    if state is not None and state.sequence >= info.sequence:
        return
    apply_operations(
        folder.catalog,
        info,
        lambda: src.upsert_lines(source),
        key_id=None,
        file_sha256=src.content_sha256(source),
    )


def _is_installed(catalog: sqlite3.Connection, source: Path) -> bool:
    """The usual start: the seed is already in. Checked without the bundle code (slow to import)."""
    try:
        info = json.loads((source / "catalog.json").read_bytes())
        row = catalog.execute("SELECT sequence FROM catalogs WHERE catalog = ?", (info["catalog"],)).fetchone()
        return row is not None and isinstance(info["sequence"], int) and row[0] >= info["sequence"]
    except (OSError, ValueError, KeyError, TypeError, sqlite3.Error):
        return False  # the full path below reads it again and says what is wrong
