"""How much free disk an update needs, checked before it starts (docs/benchmarks.md, "Disk space").

Measured on small real disks (``python -m bench.space``), the least free
space with which an apply succeeds stays under

    bundle size + media not on the laptop yet
    + k x record text + 1.8 kB x records + 1 MiB

where "record text" is the records' JSON, uncompressed (the manifest's sizes
of ``records/*.jsonl``). The bundle's staged copy is kept afterwards as a
hard link, so it counts once. The rest is the catalog's growth at its peak:
the rows, the three languages' search text, each language's two full-text
indexes, the vocabulary, and the
write-ahead log that holds the whole transaction until it is copied into the
file. ``k`` is 3.6 for a full bundle (3.6 to 3.8 measured in all, records
the size of the shipped ones; short records take more per byte, hence the
part per record) and 14 for a delta (10.1 to 13.5 measured): each changed
record rewrites a few 4 KiB pages of every table and index it is in,
wherever it lies in the file, where a full bundle writes page after page.

A full bundle over the catalog it replaces writes only what changed: 0.7-0.9
per byte when a few records changed, 4.4-5.6 when every one did. The check asks
for as much as for a new catalog (enough for about two thirds of the records
changed); beyond that a full disk still stops the apply with nothing changed.
Before the records are counted (the validation pass reads them all), the
check leaves the part per record out.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

from aulalocal.errors import N_, StorageError

FULL = 3.6
DELTA = 14.0
PER_RECORD = 1800  # 1.33 kB measured for records of 60 short words (schema 6: six full-text indexes)
MARGIN = 1024 * 1024


def catalog_needs(record_bytes: int, records: int = 0, *, delta: bool = False) -> int:
    """Free bytes the catalog's growth needs at its peak (``records``: 0 when not counted yet)."""
    return math.ceil((DELTA if delta else FULL) * record_bytes) + PER_RECORD * records + MARGIN


def apply_needs(bundle_size: int, record_bytes: int, media_bytes: int, records: int = 0, *, delta: bool = False) -> int:
    """Free bytes an apply needs at its peak, the staged copy included."""
    return bundle_size + media_bytes + catalog_needs(record_bytes, records, delta=delta)


def staging_needs(bundle_size: int) -> int:
    """Before the bundle is read, only its size is known: room for its copy.

    The rest is checked once its signed manifest says what it holds; a disk
    that fills meanwhile (media copied out as it streams) stops it cleanly.
    """
    return bundle_size


def rebuild_needs(bundles: list[Path]) -> int:
    """A rebuilt catalog beside the old one: the shipped records and every kept bundle's again,
    one staged copy at a time (the write-ahead log is counted for each, more than it takes)."""
    from aulalocal import paths
    from aulalocal.bundle.archive import open_archive

    seed = sum(p.stat().st_size for p in paths.seeds_dir().glob("*/*.json"))
    needed = apply_needs(0, seed, 0)
    largest = 0
    for path in bundles:
        try:
            with open_archive(path) as archive:
                manifest = archive.manifest
                records = sum(manifest.files[n].size for n in manifest.record_files)
            needed += apply_needs(0, records, 0, delta=manifest.is_delta) - MARGIN
            largest = max(largest, path.stat().st_size)
        except Exception:  # a damaged kept bundle is reported where it is applied
            continue
    return needed + largest


def check_free(folder: Path, needed: int, already: int = 0) -> None:
    """Refuse, saying how much is needed, unless ``folder``'s disk has ``needed`` bytes free.

    ``already``: bytes of the work already on the disk (a staged copy), counted as free.
    """
    try:
        free = shutil.disk_usage(folder).free + already
    except OSError:
        return  # the write itself will say what is wrong
    if free < needed:
        raise StorageError(
            N_(
                "The laptop's disk is too full for this: it needs {needed} MB free and has {free} MB."
                " Free some space and try again; nothing was changed."
            ),
            needed=_mb(needed, math.ceil),
            free=_mb(free, math.floor),
        )


def _mb(size: int, rounding) -> str:
    """MB with one decimal, rounded the safe way (the need up, the free space down)."""
    from aulalocal.i18n import format_number

    return format_number(rounding(size / 100_000) / 10)
