"""The seed catalog that ships with the app (``aulalocal-seed``), brought into a data folder.

It is a source folder (``bundle.source``): its ``catalog.json`` is checked by
the one header validator (``bundle.header``) and its records go through the
same validation and apply path as a USB bundle.
"""

from __future__ import annotations

from pathlib import Path

from aulalocal import paths
from aulalocal.bundle import source as src
from aulalocal.bundle.apply import apply_operations
from aulalocal.catalog.store import get_state
from aulalocal.datafolder import DataFolder


def bring_in(folder: DataFolder, source: Path | None = None) -> None:
    """Apply the seed catalog when it is newer than the one the data folder has."""
    source = source or paths.seeds_dir()
    if not (source / "catalog.json").is_file():
        return
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
