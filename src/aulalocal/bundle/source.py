"""Source folders (the ``seeds/`` layout): what publishers write and ``bundle build`` reads.

    catalog.json          {"catalog", "sequence", "publisher", "created", "languages"}
    <kind>/<id>.json      the data of one record (spec section 5)
    media/<sha256>.<ext>  optional media files

The app's own seed catalog is read from such a folder and goes through the
same record validation and apply path as a USB bundle. A workbook
(``aulalocal.sheets``) is read into the same records: ``build`` takes either.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aulalocal import kinds
from aulalocal.bundle.header import check_header
from aulalocal.bundle.strictjson import loads
from aulalocal.errors import N_, BundleError, UsageError
from aulalocal.kinds import ID_RE

SOURCE_KEYS = {"catalog", "sequence", "publisher", "created", "languages"}


@dataclass(frozen=True)
class SourceInfo:
    catalog: str
    sequence: int
    publisher: str
    created: str
    languages: list[str] = field(default_factory=list)
    base_sequence: int | None = None

    @property
    def is_delta(self) -> bool:
        return self.base_sequence is not None


def read_info(folder: Path) -> SourceInfo:
    """The folder's ``catalog.json``, checked as a bundle's header is (``bundle.header``)."""
    path = folder / "catalog.json"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(
            N_("{path} is not a catalog source folder (no catalog.json)."), path=str(folder)
        ) from exc
    info = loads(raw, str(path))
    if not isinstance(info, dict) or set(info) != SOURCE_KEYS:
        raise BundleError(
            N_("{path} must hold exactly the keys: {keys}."),
            path=str(path),
            keys=", ".join(sorted(SOURCE_KEYS)),
        )
    header = check_header({**info, "base_sequence": None}, str(path))
    return SourceInfo(header.catalog, header.sequence, header.publisher, header.created, list(header.languages))


def record_files(folder: Path) -> list[tuple[str, str, Path]]:
    """(kind, id, path) of every record file, in a stable order."""
    files = []
    for kind in kinds.active():
        for path in sorted((folder / kind).glob("*.json")):
            if not ID_RE.fullmatch(path.stem):
                raise BundleError(
                    N_("{path}: the file name is not a valid record id."), path=str(path)
                )
            files.append((kind, path.stem, path))
    return files


def read_record(path: Path) -> dict:
    return loads(path.read_bytes(), str(path))


class FolderSource:
    """A source folder as ``build`` reads it; ``sheets.SheetSource`` is the same for a workbook."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.media_dir = folder / "media"

    def read_info(self) -> SourceInfo:
        return read_info(self.folder)

    def records(self) -> Iterator[tuple[str, str, dict, str]]:
        """(kind, id, data, where) of every record, in a stable order."""
        for kind, id_, path in record_files(self.folder):
            yield kind, id_, read_record(path), str(path)


def as_source(source) -> FolderSource:
    """A source object (anything with ``records()``), or a folder made into one."""
    return source if hasattr(source, "records") else FolderSource(Path(source))


def operation_line(op: str, kind: str, id_: str, data: dict | None = None) -> bytes:
    obj = {"op": op, "kind": kind, "id": id_}
    if data is not None:
        obj["data"] = data
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def upsert_lines(source) -> Iterator[tuple[bytes, str]]:
    """The source's records (a folder's, a workbook's) as the JSON lines a full bundle would carry."""
    for kind, id_, data, where in as_source(source).records():
        yield operation_line("upsert", kind, id_, data), where


def delta_lines(old, new) -> Iterator[tuple[bytes, str]]:
    """Upserts of records new or changed in ``new``, deletes of those gone from it (folders or workbooks)."""
    old_records = {(kind, id_): (data, where) for kind, id_, data, where in as_source(old).records()}
    seen = set()
    for kind, id_, data, where in as_source(new).records():
        seen.add((kind, id_))
        if (kind, id_) not in old_records or old_records[(kind, id_)][0] != data:
            yield operation_line("upsert", kind, id_, data), where
    for key in sorted(old_records.keys() - seen):
        yield operation_line("delete", *key), old_records[key][1]


def content_sha256(folder: Path) -> str:
    """A fingerprint of the folder's records, standing in for a bundle file's SHA-256."""
    digest = hashlib.sha256()
    digest.update((folder / "catalog.json").read_bytes())
    for line, _where in upsert_lines(folder):
        digest.update(line + b"\n")
    return digest.hexdigest()
