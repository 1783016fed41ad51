"""The update bundles this laptop applied, kept in ``<data folder>/bundles`` with their signatures.

They are kept to pass them on (``bundle export``) and to rebuild the catalog
from (``doctor --repair``). A kept file gets its name,
``<catalog>-<sequence, 6 digits>-<first 12 of its SHA-256>.aulabundle``, only
once its apply is committed; until then it is ``<name>.pending``. So the files
under their names are a ledger of what this laptop applied that outlives the
catalog itself: doctor compares the catalog with it.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from aulalocal.catalog.ledger import applied_file

SUFFIX = ".aulabundle"
PENDING = ".pending"
_NAME = re.compile(r"(?P<catalog>[a-z0-9][a-z0-9-]*)-(?P<sequence>[0-9]{6,})-(?P<sha>[0-9a-f]{12})\.aulabundle")


@dataclass(frozen=True)
class KeptBundle:
    path: Path
    catalog: str
    sequence: int
    sha256_prefix: str

    @property
    def signature(self) -> Path:
        return self.path.with_name(self.path.name + ".minisig")


def kept_name(catalog: str, sequence: int, sha256: str) -> str:
    return f"{catalog}-{sequence:06d}-{sha256[:12]}{SUFFIX}"


def parse(path: Path) -> KeptBundle | None:
    match = _NAME.fullmatch(path.name)
    if match is None:
        return None
    return KeptBundle(path, match["catalog"], int(match["sequence"]), match["sha"])


def kept_bundles(bundles_dir: Path) -> list[KeptBundle]:
    """The applied bundles kept, by catalog and sequence."""
    try:
        names = sorted(bundles_dir.glob("*" + SUFFIX))
    except OSError:
        return []
    kept = [k for k in map(parse, names) if k is not None and k.path.is_file()]
    return sorted(kept, key=lambda k: (k.catalog, k.sequence))


def newest(kept: list[KeptBundle]) -> dict[str, KeptBundle]:
    """Per catalog, the last update this laptop applied."""
    return {k.catalog: k for k in kept}  # sorted by sequence: the last one stays


def settle(bundles_dir: Path, catalog: sqlite3.Connection) -> None:
    """Name the pending files whose apply the catalog's ledger has; remove the others.

    Run under the import lock, where no apply is under way.
    """
    try:
        pending = list(bundles_dir.glob("*" + SUFFIX + PENDING))
    except OSError:
        return
    for path in pending:
        name = path.name[: -len(PENDING)]
        target = path.with_name(name)
        if applied_file(catalog, name):
            os.replace(path, target)
        else:
            path.unlink(missing_ok=True)
            if not target.exists():
                target.with_name(name + ".minisig").unlink(missing_ok=True)
