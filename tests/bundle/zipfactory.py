"""Build bundle archives for tests, valid or hostile, as bytes.

- ``make_zip`` writes a valid bundle from its content entries, with a manifest
  that lists them (override any manifest field, or replace the manifest).
- ``patch_central`` / ``patch_local`` rewrite header fields in the bytes, to
  make archives that lie (sizes, flags, methods, modes, offsets).
- ``local_header`` / ``central_header`` / ``end_record`` assemble layouts
  zipfile refuses to write, such as overlapping entries; ``insert_bytes``
  puts bytes that belong to no entry anywhere before the central directory
  (a PNG in front: ``png``), with every offset still right.
- ``write_signed_bundle`` writes ``NAME.aulabundle`` and its ``.minisig``.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Union

from aulalocal.bundle import minisign

DELETE = object()
"""Use as a value in ``manifest_overrides`` to remove that manifest key."""

CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
LOCAL = struct.Struct("<4s2B4HL2L2H")
EOCD = struct.Struct("<4s4H2LH")

CENTRAL_FIELDS = (
    "signature", "create_version", "create_system", "extract_version", "reserved",
    "flag_bits", "compress_type", "time", "date", "crc", "compress_size", "file_size",
    "name_len", "extra_len", "comment_len", "disk_start", "internal_attr",
    "external_attr", "header_offset",
)
LOCAL_FIELDS = (
    "signature", "extract_version", "reserved", "flag_bits", "compress_type", "time",
    "date", "crc", "compress_size", "file_size", "name_len", "extra_len",
)

REGULAR_FILE = 0o100644 << 16
SYMLINK = 0o120777 << 16


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def media_name(data: bytes, ext: str = "png") -> str:
    """The entry name a media file must have: ``media/<sha256>.<ext>``."""
    return f"media/{sha256_hex(data)}.{ext}"


def records_jsonl(operations: Iterable[Mapping[str, Any]]) -> bytes:
    """JSON Lines bytes for a records file."""
    return b"".join(
        json.dumps(op, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        for op in operations
    )


def default_records() -> dict[str, bytes]:
    return {
        "records/0001.jsonl": records_jsonl(
            [{"op": "upsert", "kind": "program", "id": "olpc-peru",
              "data": {"title": {"es": "Una laptop por niño"}}}]
        )
    }


def manifest_dict(
    files: Mapping[str, bytes],
    manifest_overrides: Optional[Mapping[str, Any]] = None,
) -> dict[str, Any]:
    """A valid manifest listing ``files`` (name -> content), then overridden."""
    manifest: dict[str, Any] = {
        "format": "aulalocal-bundle",
        "format_version": 1,
        "catalog": "test-catalog",
        "sequence": 1,
        "base_sequence": None,
        "created": "2026-11-20T10:00:00Z",
        "publisher": "Ministerio de Educación del Perú",
        "languages": ["es", "qu"],
        "files": {
            name: {"sha256": sha256_hex(data), "size": len(data)}
            for name, data in files.items()
        },
    }
    for key, value in (manifest_overrides or {}).items():
        if value is DELETE:
            manifest.pop(key, None)
        else:
            manifest[key] = value
    return manifest


def _info(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 10, 0, 0))
    info.compress_type = compression
    info.create_system = 3
    info.external_attr = (0o040755 << 16 | 0x10) if name.endswith("/") else REGULAR_FILE
    return info


def make_zip(
    entries: Optional[Mapping[str, bytes]] = None,
    manifest_overrides: Optional[Mapping[str, Any]] = None,
    *,
    manifest: Union[bytes, Mapping[str, Any], None] = None,
    unlisted: Iterable[tuple[Union[str, zipfile.ZipInfo], bytes]] = (),
    compression: int = zipfile.ZIP_DEFLATED,
    manifest_first: bool = True,
) -> bytes:
    """A bundle archive as bytes.

    ``entries`` (default: one small records file) are written and listed in
    the manifest; ``manifest_overrides`` replaces manifest keys (``DELETE``
    removes one); ``manifest`` replaces the whole manifest (bytes are written
    as they are); ``unlisted`` adds entries (names or prepared ZipInfo) that the
    manifest does not list, duplicates included.
    """
    entries = default_records() if entries is None else dict(entries)
    if manifest is None:
        manifest_bytes = json.dumps(
            manifest_dict(entries, manifest_overrides), ensure_ascii=False, indent=2
        ).encode("utf-8")
    elif isinstance(manifest, bytes):
        manifest_bytes = manifest
    else:
        manifest_bytes = json.dumps(manifest, ensure_ascii=False).encode("utf-8")

    buf = io.BytesIO()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(buf, "w") as zf:
            if manifest_first:
                zf.writestr(_info("manifest.json", compression), manifest_bytes)
            for name, data in entries.items():
                zf.writestr(_info(name, compression), data)
            for item, data in unlisted:
                info = item if isinstance(item, zipfile.ZipInfo) else _info(item, compression)
                zf.writestr(info, data)
            if not manifest_first:
                zf.writestr(_info("manifest.json", compression), manifest_bytes)
    return buf.getvalue()


def write_bundle(folder: Path, data: bytes, name: str = "test.aulabundle") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def write_signed_bundle(
    folder: Path,
    data: bytes,
    secret: minisign.SecretKey,
    name: str = "test.aulabundle",
    trusted_comment: Optional[str] = None,
) -> Path:
    """Write ``name`` and ``name.minisig`` signed by ``secret``; return the bundle path."""
    path = write_bundle(folder, data, name)
    sig = minisign.sign_file(path, secret, trusted_comment or f"file:{name}")
    path.with_name(name + ".minisig").write_bytes(sig)
    return path


# --------------------------------------------------------------------------
# Raw structure: parsing and patching


@dataclass
class CentralRecord:
    """One central-directory record found in archive bytes."""

    offset: int  # of the record itself
    name: bytes
    fields: dict[str, Any]


def _end(data: bytes) -> tuple[int, int, int]:
    pos = data.rfind(b"PK\x05\x06")
    assert pos >= 0, "no end of central directory record"
    _, _, _, _, count, cd_size, cd_offset, _ = EOCD.unpack_from(data, pos)
    return count, cd_offset, pos


def central_records(data: bytes) -> list[CentralRecord]:
    count, cd_offset, _ = _end(data)
    out = []
    pos = cd_offset
    for _ in range(count):
        values = CENTRAL.unpack_from(data, pos)
        fields = dict(zip(CENTRAL_FIELDS, values))
        name = data[pos + CENTRAL.size: pos + CENTRAL.size + fields["name_len"]]
        out.append(CentralRecord(pos, name, fields))
        pos += CENTRAL.size + fields["name_len"] + fields["extra_len"] + fields["comment_len"]
    return out


def _record(data: bytes, name: str, index: int = 0) -> CentralRecord:
    matches = [r for r in central_records(data) if r.name == name.encode()]
    assert len(matches) > index, f"no central record {name!r}"
    return matches[index]


def patch_central(data: bytes, name: str, index: int = 0, **fields: Any) -> bytes:
    """Rewrite fields (see ``CENTRAL_FIELDS``) of the central record of ``name``."""
    record = _record(data, name, index)
    values = dict(record.fields, **fields)
    packed = CENTRAL.pack(*(values[f] for f in CENTRAL_FIELDS))
    return data[: record.offset] + packed + data[record.offset + CENTRAL.size:]


def patch_local(data: bytes, name: str, index: int = 0, **fields: Any) -> bytes:
    """Rewrite fields (see ``LOCAL_FIELDS``) of the local header of ``name``."""
    offset = _record(data, name, index).fields["header_offset"]
    values = dict(zip(LOCAL_FIELDS, LOCAL.unpack_from(data, offset)), **fields)
    packed = LOCAL.pack(*(values[f] for f in LOCAL_FIELDS))
    return data[:offset] + packed + data[offset + LOCAL.size:]


def insert_bytes(data: bytes, at: int, junk: bytes) -> bytes:
    """``junk`` put at offset ``at`` (up to the central directory's start), and
    every offset after it moved to match: an archive whose offsets all agree,
    with bytes that belong to no entry (a file in front: a polyglot)."""
    _count, cd_offset, eocd = _end(data)
    assert 0 <= at <= cd_offset
    patched = bytearray(data)
    for record in central_records(data):
        if record.fields["header_offset"] >= at:
            values = dict(record.fields, header_offset=record.fields["header_offset"] + len(junk))
            patched[record.offset:record.offset + CENTRAL.size] = CENTRAL.pack(*(values[f] for f in CENTRAL_FIELDS))
    end = list(EOCD.unpack_from(data, eocd))
    end[6] = cd_offset + len(junk)
    patched[eocd:eocd + EOCD.size] = EOCD.pack(*end)
    return bytes(patched[:at]) + junk + bytes(patched[at:])


def png(width: int = 1, height: int = 1) -> bytes:
    """A small valid PNG (grey pixels), to put in front of an archive."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">L", len(body)) + kind + body + struct.pack(">L", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">2L5B", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def patch_name(data: bytes, old: str, new: str) -> bytes:
    """Rename an entry in both headers (same length), bypassing zipfile's checks."""
    assert len(old) == len(new)
    return data.replace(old.encode("latin-1"), new.encode("latin-1"))


# --------------------------------------------------------------------------
# Raw structure: assembling


def local_header(name: bytes, payload: bytes, content: bytes, *, method: int = 0,
                 flags: int = 0) -> bytes:
    """A local file header for ``content`` stored as ``payload`` with ``method``."""
    return LOCAL.pack(b"PK\x03\x04", 20, 0, flags, method, 0, 0x5B74,
                      zlib.crc32(content), len(payload), len(content), len(name), 0) + name


def central_header(name: bytes, payload: bytes, content: bytes, offset: int, *,
                   method: int = 0, flags: int = 0,
                   external_attr: int = REGULAR_FILE) -> bytes:
    return CENTRAL.pack(b"PK\x01\x02", 20, 3, 20, 0, flags, method, 0, 0x5B74,
                        zlib.crc32(content), len(payload), len(content), len(name), 0, 0,
                        0, 0, external_attr, offset) + name


def end_record(count: int, cd_size: int, cd_offset: int, comment: bytes = b"") -> bytes:
    return EOCD.pack(b"PK\x05\x06", 0, 0, count, count, cd_size, cd_offset,
                     len(comment)) + comment


def deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()
