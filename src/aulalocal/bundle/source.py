"""Source folders (the ``seeds/`` layout): what publishers write and ``bundle build`` reads.

    catalog.json          {"catalog", "sequence", "publisher", "created", "languages"}
    <kind>/<id>.json      the data of one record (spec section 5)
    media/<sha256>.<ext>  optional media files

The app's own seed catalog is read from such a folder and goes through the
same record validation and apply path as a USB bundle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aulalocal.bundle.records import KINDS, ID_RE
from aulalocal.bundle.strictjson import loads
from aulalocal.errors import N_, BundleError, UsageError

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
    return SourceInfo(**info)


def record_files(folder: Path) -> list[tuple[str, str, Path]]:
    """(kind, id, path) of every record file, in a stable order."""
    files = []
    for kind in KINDS:
        for path in sorted((folder / kind).glob("*.json")):
            if not ID_RE.fullmatch(path.stem):
                raise BundleError(
                    N_("{path}: the file name is not a valid record id."), path=str(path)
                )
            files.append((kind, path.stem, path))
    return files


def read_record(path: Path) -> dict:
    return loads(path.read_bytes(), str(path))


def operation_line(op: str, kind: str, id_: str, data: dict | None = None) -> bytes:
    obj = {"op": op, "kind": kind, "id": id_}
    if data is not None:
        obj["data"] = data
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def upsert_lines(folder: Path) -> Iterator[tuple[bytes, str]]:
    """The folder's records as the JSON lines a full bundle would carry."""
    for kind, id_, path in record_files(folder):
        yield operation_line("upsert", kind, id_, read_record(path)), str(path)


def delta_lines(old: Path, new: Path) -> Iterator[tuple[bytes, str]]:
    """Upserts of records new or changed in ``new``, deletes of those gone from it."""
    old_files = {(kind, id_): path for kind, id_, path in record_files(old)}
    new_files = {(kind, id_): path for kind, id_, path in record_files(new)}
    for key, path in new_files.items():
        data = read_record(path)
        if key not in old_files or read_record(old_files[key]) != data:
            yield operation_line("upsert", *key, data), str(path)
    for key in sorted(old_files.keys() - new_files.keys()):
        yield operation_line("delete", *key), f"{old}/{key[0]}/{key[1]}.json"


def content_sha256(folder: Path) -> str:
    """A fingerprint of the folder's records, standing in for a bundle file's SHA-256."""
    digest = hashlib.sha256()
    digest.update((folder / "catalog.json").read_bytes())
    for line, _where in upsert_lines(folder):
        digest.update(line + b"\n")
    return digest.hexdigest()
