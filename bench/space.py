"""``python -m bench.space``: how much free disk an update needs, found on real small disks.

For each bundle, a tmpfs is filled with a file until only so many bytes are
left free, and the bundle is applied there (the check before it is turned
off); a binary search finds the least free space with which the apply
succeeds, to 64 KiB. Beside it: the bundle's size, its record text
(uncompressed) and media, the catalog's growth, and what
``bundle.space.apply_needs`` asks for. Needs root (mount).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from aulalocal.bundle import minisign, space, trust
from aulalocal.bundle.archive import open_archive
from aulalocal.bundle.build import build_bundle
from aulalocal.bundle.importer import import_bundle
from aulalocal.startup import open_data_folder
from aulalocal.errors import StorageError
from bench import generate

STEP = 64 * 1024


def _mount(path: Path, size: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], check=False)


def _applies(template: Path, bundle: Path, free: int, mount: Path) -> bool:
    """Whether the bundle applies over a copy of ``template`` with ``free`` bytes left on the disk."""
    needed_total = sum(p.stat().st_size for p in template.rglob("*") if p.is_file()) + free + 64 * STEP
    _mount(mount, needed_total + 8 * 1024 * 1024)
    try:
        data = mount / "data"
        shutil.copytree(template, data)
        left = shutil.disk_usage(mount).free - free
        if left < 0:
            raise RuntimeError("the tmpfs is too small for the measure")
        with open(mount / "filler", "wb") as fh:
            fh.truncate(0)
            fh.write(b"\0" * left)
        folder = open_data_folder(data, load_seed=False)
        try:
            import_bundle(folder, bundle)
            return True
        except StorageError:
            return False
        finally:
            folder.close()
    finally:
        _umount(mount)


def least_free(template: Path, bundle: Path, mount: Path) -> int:
    low, high = 0, 4 * 1024 * 1024
    while _applies(template, bundle, high, mount) is False:
        low, high = high, high * 2
    while high - low > STEP:
        middle = (low + high) // 2 // 4096 * 4096
        if _applies(template, bundle, middle, mount):
            high = middle
        else:
            low = middle
    return high


def _contents(bundle: Path) -> tuple[int, int, int]:
    """(record text, media, number of records) of a bundle."""
    with open_archive(bundle) as archive:
        manifest = archive.manifest
        records = sum(manifest.files[n].size for n in manifest.record_files)
        media = sum(manifest.files[n].size for n in manifest.media_files)
        count = sum(1 for n in manifest.record_files for _line in archive.iter_record_lines(n))
    return records, media, count


def _media_bundle(work: Path, secret, megabytes: int) -> Path:
    records = generate.generate_records(200, seed=3)
    source = generate.write_source(work / "media-src", records, sequence=1)
    (source / "media").mkdir()
    for i in range(megabytes):
        data = os.urandom(1024 * 1024 - i)
        (source / "media" / f"{hashlib.sha256(data).hexdigest()}.pdf").write_bytes(data)
    out = work / f"media-{megabytes}mb.aulabundle"
    build_bundle(source, out, generate.CATALOG, 1)
    generate.sign(out, secret)
    return out


def _short_bundle(work: Path, secret, count: int, words: int) -> Path:
    """Records much shorter than the shipped ones (3.5 kB): they cost more per byte."""
    import random

    rng = random.Random(count + words)
    vocabulary = "yachay wasi yachachiq wawakuna ayllu llaqta ñan p'unchay kawsay".split()
    records = {}
    for i in range(count):
        data = {"title": {"es": f"Programa {i}", "qu": f"Programa {i} {rng.choice(vocabulary)}"}}
        if words:
            data["body"] = {"es": " ".join(rng.choice(vocabulary) for _ in range(words))}
        records[("program", f"p-{i:05d}")] = data
    source = generate.write_source(work / f"short-{count}-{words}", records, sequence=1)
    out = work / f"short-{count}-{words}.aulabundle"
    build_bundle(source, out, generate.CATALOG, 1)
    generate.sign(out, secret)
    return out


def measure(work: Path) -> list[dict]:
    public, secret = minisign.generate_keypair("bench space key (made for this run)")
    cases = []
    for total in (1000, 5000, 20000):
        catalog = generate.make_catalog(work / f"c{total}", total, keypair=(public, secret))
        cases.append((f"{total:,} records, full", catalog.full1, None))
        cases.append((f"{total:,} records, delta over the full", catalog.delta2, catalog.full1))
        if total == 5000:
            cases.append((f"{total:,} records, next full over the full", catalog.full2, catalog.full1))
            changed = generate.write_source(work / "all-changed", generate.generate_records(total, seed=2), sequence=3)
            every = work / "all-changed.aulabundle"
            build_bundle(changed, every, generate.CATALOG, 3)
            generate.sign(every, secret)
            cases.append((f"{total:,} records, full with every record changed", every, catalog.full1))
    cases.append(("200 records and 8 MB of media", _media_bundle(work, secret, 8), None))
    cases.append(("2,000 records of a title only", _short_bundle(work, secret, 2000, 0), None))
    cases.append(("1,000 records of 60 short words", _short_bundle(work, secret, 1000, 60), None))
    # The data folder as a laptop has it: the shipped catalog in, the key trusted.
    base = work / "template"
    folder = open_data_folder(base)
    trust.add_key(folder.keys_dir, public)
    folder.close()
    space.check_free = lambda *a, **k: None  # measured here, not asked
    results = []
    for label, bundle, before in cases:
        template = base
        if before is not None:
            template = work / f"template-{before.parent.name}"
            if not template.exists():
                shutil.copytree(base, template)
                folder = open_data_folder(template)
                import_bundle(folder, before)
                folder.close()
        db_before = sum(p.stat().st_size for p in template.glob("catalog.db*"))
        mount = work / "disk"
        found = least_free(template, bundle, mount)
        records, media, count = _contents(bundle)
        size = bundle.stat().st_size
        result = {
            "case": label,
            "bundle_mb": size / 1e6,
            "records_mb": records / 1e6,
            "media_mb": media / 1e6,
            "needed_mb": found / 1e6,
            "records": count,
            "formula_mb": space.apply_needs(size, records, media, count, delta="delta" in label) / 1e6,
            "db_before_mb": db_before / 1e6,
        }
        print(
            f"{label:48s} bundle {result['bundle_mb']:7.2f} MB  records {result['records_mb']:7.2f} MB"
            f"  media {result['media_mb']:6.2f} MB  needed {result['needed_mb']:7.2f} MB"
            f"  ({count:,} records)  formula {result['formula_mb']:7.2f} MB  ({(found - size - media) / max(records, 1):.2f} x records)",
            flush=True,
        )
        results.append(result)
    return results


def main() -> int:
    if os.geteuid() != 0:
        print("bench.space needs root (it mounts small tmpfs disks)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="aulalocal-space-") as work:
        measure(Path(work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
