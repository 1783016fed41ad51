"""Building a bundle from a source folder or a workbook (publisher side): full, or a delta of two.

The records go through the same validation an importer applies, and the
bundle written is opened again with the importer's reader, so a publisher
cannot build a bundle that laptops would refuse.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from aulalocal.bundle import source as src
from aulalocal.bundle.archive import open_archive
from aulalocal.bundle.entries import MANIFEST_NAME, MEDIA_FILE_NAME
from aulalocal.bundle.header import format_created, is_base_sequence, is_catalog_id, is_sequence
from aulalocal.bundle.manifest import FORMAT_NAME, FORMAT_VERSION
from aulalocal.bundle.records import parse_operation
from aulalocal.errors import N_, BundleError, UsageError
from aulalocal.fileio import new_file

LINES_PER_FILE = 10_000
CHUNK = 1024 * 1024
# Fixed timestamps make the same source build the same bytes.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media(media_dir: Path | None) -> list[Path]:
    if media_dir is None or not media_dir.is_dir():
        return []
    files = []
    for path in sorted(media_dir.iterdir()):
        if not MEDIA_FILE_NAME.fullmatch(path.name):
            raise BundleError(
                N_("{path}: media files are named <sha256>.<ext> (png jpg jpeg webp svg pdf txt)."),
                path=str(path),
            )
        if _file_sha256(path) != path.name.split(".")[0]:
            raise BundleError(N_("{path}: the name is not the file's SHA-256."), path=str(path))
        files.append(path)
    return files


def _record_chunks(lines: Iterable[tuple[bytes, str]], allow_delete: bool) -> list[bytes]:
    chunks, current = [], []
    for line, where in lines:
        parse_operation(line, where, allow_delete=allow_delete)
        current.append(line)
        if len(current) == LINES_PER_FILE:
            chunks.append(b"\n".join(current) + b"\n")
            current = []
    if current or not chunks:
        chunks.append(b"\n".join(current) + b"\n" if current else b"")
    return chunks


def build_bundle(
    source_dir,
    out: Path,
    catalog: str | None,
    sequence: int,
    base: int | None = None,
    base_source: Path | None = None,
    created: datetime | None = None,
) -> dict:
    """Write ``out`` (a .aulabundle) and return its manifest.

    ``source_dir`` and ``base_source`` are source folders or source objects
    (``bundle.source.FolderSource``, ``sheets.SheetSource``); ``catalog``
    None takes the source's own catalog id.
    """
    source = src.as_source(source_dir)
    info = source.read_info()
    catalog = info.catalog if catalog is None else catalog
    if not is_catalog_id(catalog):
        raise UsageError(N_("'{catalog}' is not a valid catalog id."), catalog=catalog)
    if not is_sequence(sequence) or not is_base_sequence(base, sequence):
        raise UsageError(N_("The sequence must be at least 1 and larger than the base."))
    if (base is None) != (base_source is None):
        raise UsageError(N_("A delta bundle needs both --base N and --from OLD_SOURCE_DIR."))
    if base_source is not None:
        lines = src.delta_lines(base_source, source)
    else:
        lines = src.upsert_lines(source)
    # At least one records file, empty for a delta that changes nothing (spec section 2).
    chunks = _record_chunks(lines, allow_delete=base is not None)
    records = {f"records/{n:04d}.jsonl": chunk for n, chunk in enumerate(chunks, start=1)}
    media = {f"media/{path.name}": path for path in _media(source.media_dir)}
    files = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in records.items()
    }
    for name, path in media.items():
        # _media checked that the name is the content's hash.
        files[name] = {"sha256": path.name.split(".")[0], "size": path.stat().st_size}
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "catalog": catalog,
        "sequence": sequence,
        "base_sequence": base,
        "created": format_created(created or datetime.now(timezone.utc)),
        "publisher": info.publisher,
        "languages": info.languages,
        "files": files,
    }
    with new_file(out) as fh, zipfile.ZipFile(fh, "w") as zf:
        _add(zf, MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        for name, data in records.items():
            _add(zf, name, data)
        for name, path in media.items():
            # Media are mostly compressed already; storing them keeps import
            # near copy speed. Streamed, so a large file is never in memory.
            info = _info(name, zipfile.ZIP_STORED)
            info.file_size = files[name]["size"]
            with path.open("rb") as media_fh, zf.open(info, "w", force_zip64=info.file_size > 2**31) as out_fh:
                shutil.copyfileobj(media_fh, out_fh, CHUNK)
    _read_back(out)
    return manifest


def _read_back(out: Path) -> None:
    """The bundle opened as a laptop opens it: what it refuses is not left behind."""
    try:
        open_archive(out).close()
    except BundleError:
        out.unlink(missing_ok=True)
        raise


def _info(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    return info


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    zf.writestr(_info(name, zipfile.ZIP_DEFLATED), data)
