"""Verifying and applying signed bundles of 1,000 / 10,000 / 50,000 records.

- verify: ``importer.verify_bundle`` as an import runs it (bundle staged from
  the drive folder with its SHA-256 and BLAKE2b, signature, archive layout and
  manifest; each file's SHA-256 is checked while the apply streams it), beside
  ``minisign -V`` plus ``sha256sum`` of the same file. Also what ``aulalocal
  bundle verify`` does (every file's SHA-256 and every record validated), for
  information.
- apply: ``importer.import_bundle`` of the full bundle into a fresh data folder
  (the whole import: staging, signature, archive, validation, one
  transaction), then of the delta bundle over it; beside the raw baseline:
  the same rows (records with their JSON and its SHA-256, and their search
  text in three languages, all prepared before the timing starts) written by
  sqlite-utils ``insert_all`` and indexed by one FTS5 table over the search
  text (``enable_fts``, same tokenizer), in one transaction, in WAL mode as
  the catalog is: what any program storing these records searchably must do.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import time
import zipfile
from pathlib import Path

import sqlite_utils

from aulalocal.bundle import trust
from aulalocal.bundle.importer import import_bundle, verify_bundle
from aulalocal.startup import open_data_folder


def _folder(path: Path, public):
    if path.exists():
        shutil.rmtree(path)
    folder = open_data_folder(path)
    trust.add_key(folder.keys_dir, public)
    return folder


def time_apply(work: Path, bundle: Path, public, base: Path | None = None) -> float:
    data = work / "apply-data"
    folder = _folder(data, public)
    try:
        if base is not None:
            import_bundle(folder, base)
        start = time.perf_counter()
        import_bundle(folder, bundle)
        return time.perf_counter() - start
    finally:
        folder.close()
        shutil.rmtree(data, ignore_errors=True)


def time_verify(work: Path, bundle: Path, public, full: bool = False) -> float:
    data = work / "verify-data"
    folder = _folder(data, public)
    try:
        start = time.perf_counter()
        verified = verify_bundle(folder, bundle, check_contents=full)
        try:
            if full:  # as `aulalocal bundle verify`: every record validated too
                from aulalocal.bundle.apply import validate_all

                manifest = verified.manifest

                def lines():
                    for name in manifest.record_files:
                        for number, line in verified.archive.iter_record_lines(name):
                            yield line, f"{name}:{number}"

                validate_all(manifest, lines, None, None)
        finally:
            verified.close()
        return time.perf_counter() - start
    finally:
        folder.close()
        shutil.rmtree(data, ignore_errors=True)


def time_reference_verify(bundle: Path, public_key_file: Path) -> dict[str, float] | None:
    """``minisign -V`` and ``sha256sum`` of the same file, each timed."""
    if not shutil.which("minisign") or not shutil.which("sha256sum"):
        return None
    out = {}
    for name, cmd in (
        ("minisign", ["minisign", "-Vqm", str(bundle), "-p", str(public_key_file)]),
        ("sha256sum", ["sha256sum", str(bundle)]),
    ):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        out[name] = time.perf_counter() - start
    return out


def raw_rows(bundle: Path) -> tuple[list[dict], list[dict]]:
    """The rows an apply writes, from the bundle's records: records and search text."""
    import hashlib

    from aulalocal.catalog.text import search_rows

    records, texts = [], []
    with zipfile.ZipFile(bundle) as zf:
        for name in sorted(n for n in zf.namelist() if n.startswith("records/")):
            for line in zf.read(name).splitlines():
                op = json.loads(line)
                data = op["data"]
                rowid = len(records) + 1
                titles = data["title"]
                text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                records.append({
                    "rowid": rowid, "catalog": "raw", "kind": op["kind"], "id": op["id"], "data": text,
                    "data_sha256": hashlib.sha256(text.encode()).hexdigest(),
                    "title_es": titles.get("es"), "title_qu": titles.get("qu"), "title_en": titles.get("en"),
                })
                for record, lang, title, body in search_rows(rowid, op["kind"], data):
                    texts.append({"record": record, "lang": lang, "title": title, "body": body})
    return records, texts


def time_raw(work: Path, records: list[dict], texts: list[dict]) -> float:
    """sqlite-utils insert_all of the prepared rows plus enable_fts, one transaction, in WAL mode like the catalog."""
    from aulalocal.catalog.db import FTS_TOKENIZE

    path = work / "raw.db"
    for leftover in work.glob("raw.db*"):
        leftover.unlink()
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    with db.atomic():
        db["records"].insert_all(records, pk="rowid")
        db["search_text"].insert_all(texts)
        db["search_text"].enable_fts(["title", "body"], tokenize=FTS_TOKENIZE)
    elapsed = time.perf_counter() - start
    db.conn.close()
    for leftover in work.glob("raw.db*"):
        leftover.unlink()
    return elapsed


def measure(catalog, work: Path, rounds: int) -> dict:
    """All figures for one generated catalog (bench.generate.BenchCatalog)."""
    work.mkdir(parents=True, exist_ok=True)
    pub_file = catalog.full1.with_name("bench.pub")
    out: dict = {
        "records": catalog.records,
        "full_mb": catalog.full1.stat().st_size / 1e6,
        "delta_mb": catalog.delta2.stat().st_size / 1e6,
        "verify": [], "verify_full": [], "reference": [], "apply": [], "apply_delta": [], "raw": [],
    }
    prep_start = time.perf_counter()
    records, texts = raw_rows(catalog.full1)
    out["raw_prepare"] = time.perf_counter() - prep_start
    for _ in range(rounds):
        out["verify"].append(time_verify(work, catalog.full1, catalog.public_key))
        out["verify_full"].append(time_verify(work, catalog.full1, catalog.public_key, full=True))
        ref = time_reference_verify(catalog.full1, pub_file)
        if ref is not None:
            out["reference"].append(ref["minisign"] + ref["sha256sum"])
        out["apply"].append(time_apply(work, catalog.full1, catalog.public_key))
        out["apply_delta"].append(time_apply(work, catalog.delta2, catalog.public_key, base=catalog.full1))
        out["raw"].append(time_raw(work, records, texts))
    return out


def sqlite_version() -> str:
    return sqlite3.sqlite_version
