"""Safe reading of a bundle archive (spec sections 2 and 3).

``open_archive`` takes the staged copy of a ``.aulabundle`` (its signature
already checked) and refuses it unless every central-directory entry, the
ZIP structure around them and ``manifest.json`` follow the spec. What it
returns only ever streams entries into memory, bounded by the sizes the
signed manifest gives; nothing is extracted to a path taken from the archive.

The declared sizes in a ZIP are not trusted: entry data is counted as it comes
out and checked against the manifest's size and SHA-256. The ZIP structure is
checked by hand where ``zipfile`` is lenient: every byte of the file belongs
to an entry, the central directory or the end records, exactly once (no file
in front, nothing between entries, no two entries sharing bytes: the "better
zip bomb"), and each local header says what the central directory says,
whatever the Python version.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from types import MappingProxyType
from typing import BinaryIO, Callable, Iterator, Mapping, Optional

from aulalocal.bundle.strictjson import loads
from aulalocal.errors import N_, BundleError, Cancelled, StorageError
from aulalocal.fileio import HashingCopier, NotAFile, open_regular

__all__ = [
    "BundleArchive",
    "FileEntry",
    "Limits",
    "Manifest",
    "MANIFEST_NAME",
    "open_archive",
    "parse_manifest",
]

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

MANIFEST_NAME = "manifest.json"
FORMAT_NAME = "aulalocal-bundle"
FORMAT_VERSION = 1
CHUNK_SIZE = 1 * MiB

ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]

_DIRECTORIES = frozenset({"records/", "media/"})
_RECORDS_NAME = re.compile(r"records/[a-z0-9_-]{1,64}\.jsonl")
_MEDIA_NAME = re.compile(r"media/([0-9a-f]{64})\.(?:png|jpg|jpeg|webp|svg|pdf|txt)")
_CATALOG = re.compile(r"[a-z0-9][a-z0-9-]{2,63}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CREATED = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?Z"
)
_DRIVE = re.compile(r"[A-Za-z]:")

# BCP 47 (RFC 5646) well-formed language tags: langtag or private use. The
# irregular grandfathered tags (i-klingon...) have no place in a school catalog.
_ALNUM = "[A-Za-z0-9]"
_BCP47 = re.compile(
    r"(?:"
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4}|[A-Za-z]{5,8})"  # language
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    rf"(?:-[0-9A-WY-Za-wy-z](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    rf"(?:-[xX](?:-{_ALNUM}{{1,8}})+)?"  # private use
    rf"|[xX](?:-{_ALNUM}{{1,8}})+"
    r")"
)
_MAX_LANGUAGE_TAG = 64
_MAX_INT = 2**63 - 1  # SQLite's INTEGER

_MANIFEST_KEYS = (
    "format", "format_version", "catalog", "sequence", "base_sequence",
    "created", "publisher", "languages", "files",
)

# ZIP structures (APPNOTE.TXT 4.3).
_EOCD = struct.Struct("<4s4H2LH")
_EOCD_SIG = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIG = b"PK\x06\x07"
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_ZIP64_EOCD_SIG = b"PK\x06\x06"
_LOCAL = struct.Struct("<4s5H3L2H")
_LOCAL_SIG = b"PK\x03\x04"
# A central record is 46 bytes plus name, extra and comment; names are short
# here, so a directory far bigger than this per entry is junk, read for nothing.
_MAX_CENTRAL_RECORD = 1024
_CENTRAL_RECORD = 46  # its fixed part
_CENTRAL_SIG = b"PK\x01\x02"
_S_IFMT = 0o170000
_FLAG_ENCRYPTED = 0x0001
_FLAG_STRONG_ENCRYPTION = 0x0040
_FLAG_MASKED_HEADERS = 0x2000
_FLAG_PATCHED = 0x0020
_FLAG_DESCRIPTOR = 0x0008
_DESCRIPTOR_SIG = b"PK\x07\x08"
_ZIP64_EXTRA = 0x0001


@dataclass(frozen=True)
class Limits:
    """Bundle limits (spec section 2). An importer may lower them, never raise them."""

    max_entries: int = 100_000
    max_total_size: int = 2 * GiB
    max_entry_size: int = 512 * MiB
    max_ratio: int = 200
    ratio_exempt_below: int = 1 * MiB
    max_manifest_size: int = 1 * MiB
    max_line_size: int = 1 * MiB
    # Section 1: the bundle file itself.
    max_archive_size: int = 2 * GiB + 1 * MiB


@dataclass(frozen=True)
class FileEntry:
    """A file listed in the manifest: its SHA-256 (lowercase hex) and size."""

    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    """The validated content of ``manifest.json``."""

    format: str
    format_version: int
    catalog: str
    sequence: int
    base_sequence: Optional[int]
    created: str  # RFC 3339 UTC, as written: "2026-11-20T10:00:00Z"
    publisher: str
    languages: tuple[str, ...]
    files: Mapping[str, FileEntry]

    @property
    def is_delta(self) -> bool:
        """A DELTA bundle applies only on top of ``base_sequence``."""
        return self.base_sequence is not None

    @property
    def created_at(self) -> datetime:
        """``created`` as an aware UTC datetime (fractions beyond microseconds dropped)."""
        return _parse_created(self.created)  # type: ignore[return-value]

    @property
    def record_files(self) -> list[str]:
        """The ``records/*.jsonl`` files, in the order they apply (file-name order)."""
        return sorted(name for name in self.files if name.startswith("records/"))

    @property
    def media_files(self) -> list[str]:
        return sorted(name for name in self.files if name.startswith("media/"))


# --------------------------------------------------------------------------
# Messages


def _shown(name: str) -> str:
    """An entry name safe to put in a one-line message: printable, short."""
    out = []
    for ch in name[:120]:
        if ch.isprintable() and ord(ch) < 0x7F:
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii") if ord(ch) < 0x10000
                       else "\\U%08x" % ord(ch))
    return "".join(out) + ("..." if len(name) > 120 else "")


def _not_a_bundle() -> BundleError:
    return BundleError(
        N_("This file is not a valid bundle archive: it is damaged or incomplete. "
           "Copy it again from the publisher.")
    )


def _damaged(shown: str) -> BundleError:
    return BundleError(
        N_("Entry {name} is damaged. Copy the bundle again from the publisher."), name=shown
    )


def _unreadable(path: "os.PathLike[str] | str") -> StorageError:
    return StorageError(
        N_("Could not read {path}. Check that the disk is working and try again."),
        path=os.fspath(path),
    )


# --------------------------------------------------------------------------
# Entry names


def _unsafe_path(name: str) -> bool:
    """A path that could point outside a folder if anyone ever extracted it."""
    if not name or not name.isascii() or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return True
    if name.startswith("/") or "\\" in name or _DRIVE.match(name):
        return True
    segments = name.split("/")
    # A trailing slash (a directory entry) leaves one empty last segment.
    if name.endswith("/"):
        segments = segments[:-1]
    return any(seg in ("", ".", "..") for seg in segments)


def _is_content_name(name: str) -> bool:
    return bool(_RECORDS_NAME.fullmatch(name) or _MEDIA_NAME.fullmatch(name))


def _check_entry_name(name: str) -> None:
    if _unsafe_path(name):
        raise BundleError(N_("Entry {name} has an unsafe path."), name=_shown(name))
    if name != MANIFEST_NAME and name not in _DIRECTORIES and not _is_content_name(name):
        raise BundleError(N_("Entry {name} is not allowed in a bundle."), name=_shown(name))


# --------------------------------------------------------------------------
# ZIP structure


@dataclass(frozen=True)
class _DirectoryEnd:
    entries: int
    cd_offset: int
    cd_size: int


def _read_exact(fh: BinaryIO, offset: int, size: int) -> bytes:
    fh.seek(offset)
    data = fh.read(size)
    if len(data) != size:
        raise _not_a_bundle()
    return data


def _read_directory_end(fh: BinaryIO, file_size: int) -> _DirectoryEnd:
    """Find the end of central directory record that closes the file exactly.

    Unlike zipfile, no data may precede the first entry or follow the end
    record (other than its own comment): a bundle is exactly one ZIP.
    """
    if file_size < _EOCD.size:
        raise _not_a_bundle()
    tail_size = min(file_size, _EOCD.size + 0xFFFF)
    tail_start = file_size - tail_size
    tail = _read_exact(fh, tail_start, tail_size)
    # The same record zipfile picks (one without a comment at the very end,
    # else the last signature), so both of us read the same directory; then
    # it must reach exactly the end of the file.
    pos = len(tail) - _EOCD.size
    if not (tail.startswith(_EOCD_SIG, pos) and tail.endswith(b"\x00\x00")):
        pos = tail.rfind(_EOCD_SIG)
        if pos < 0 or pos + _EOCD.size > len(tail):
            raise _not_a_bundle()
    fields = _EOCD.unpack_from(tail, pos)
    if pos + _EOCD.size + fields[7] != len(tail):
        raise _not_a_bundle()
    _, disk, cd_disk, disk_entries, entries, cd_size, cd_offset, _comment = fields
    eocd_offset = tail_start + pos
    if disk != 0 or cd_disk != 0 or disk_entries != entries:
        raise _not_a_bundle()
    cd_end = eocd_offset

    locator_offset = eocd_offset - _ZIP64_LOCATOR.size
    if locator_offset >= 0 and _read_exact(fh, locator_offset, 4) == _ZIP64_LOCATOR_SIG:
        sig, z_disk, z_offset, z_disks = _ZIP64_LOCATOR.unpack(
            _read_exact(fh, locator_offset, _ZIP64_LOCATOR.size)
        )
        record_offset = locator_offset - _ZIP64_EOCD.size
        # zipfile expects the ZIP64 end record right before its locator, with
        # no extensible data; anything else is read differently by other tools.
        if z_disk != 0 or z_disks != 1 or z_offset != record_offset or record_offset < 0:
            raise _not_a_bundle()
        (sig, rec_size, _made, _needed, z_disk, z_cd_disk, z_disk_entries, z_entries,
         z_cd_size, z_cd_offset) = _ZIP64_EOCD.unpack(
            _read_exact(fh, record_offset, _ZIP64_EOCD.size)
        )
        if (sig != _ZIP64_EOCD_SIG or rec_size != _ZIP64_EOCD.size - 12 or z_disk != 0
                or z_cd_disk != 0 or z_disk_entries != z_entries):
            raise _not_a_bundle()
        # Fields of the classic record either agree or are the ZIP64 markers.
        if ((entries != 0xFFFF and entries != z_entries)
                or (cd_size != 0xFFFFFFFF and cd_size != z_cd_size)
                or (cd_offset != 0xFFFFFFFF and cd_offset != z_cd_offset)):
            raise _not_a_bundle()
        entries, cd_size, cd_offset = z_entries, z_cd_size, z_cd_offset
        cd_end = record_offset
    if cd_offset + cd_size != cd_end:
        raise _not_a_bundle()
    return _DirectoryEnd(entries=entries, cd_offset=cd_offset, cd_size=cd_size)


def _check_entry(info: zipfile.ZipInfo, limits: Limits) -> None:
    """Everything about one central-directory entry that needs no other entry."""
    name = info.orig_filename
    _check_entry_name(name)
    shown = _shown(name)
    kind = (info.external_attr >> 16) & _S_IFMT
    if kind == stat.S_IFLNK:
        raise BundleError(N_("Entry {name} is a symbolic link, which a bundle must not contain."),
                          name=shown)
    is_dir = name in _DIRECTORIES
    if kind not in (0, stat.S_IFDIR if is_dir else stat.S_IFREG):
        raise BundleError(N_("Entry {name} is not a regular file."), name=shown)
    if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION | _FLAG_MASKED_HEADERS):
        raise BundleError(N_("Entry {name} is encrypted; bundles may not contain encrypted entries."), name=shown)
    if (info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            or info.flag_bits & _FLAG_PATCHED):
        raise BundleError(
            N_("Entry {name} uses a compression method that bundles do not allow."), name=shown
        )
    if is_dir and (info.file_size != 0 or info.compress_size > 2):
        raise BundleError(N_("Entry {name} is not a regular file."), name=shown)
    if info.file_size > limits.max_entry_size:
        raise BundleError(N_("Entry {name} is larger than the limit of {limit} bytes."),
                          name=shown, limit=limits.max_entry_size)
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise _not_a_bundle()
    if (info.file_size >= limits.ratio_exempt_below
            and info.file_size > limits.max_ratio * info.compress_size):
        raise BundleError(
            N_("Entry {name} is compressed more than {ratio} to 1, which bundles do not allow."),
            name=shown, ratio=limits.max_ratio,
        )


def _local_size(extra: bytes, csize: int) -> tuple[int, bool]:
    """A local header's compressed size, from its ZIP64 extra field when the
    header says so (APPNOTE.TXT 4.5.3: there the field holds both sizes), and
    whether it has that field (then a data descriptor has 8-byte sizes)."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<2H", extra, pos)
        if tag == _ZIP64_EXTRA:
            if csize != 0xFFFFFFFF:
                return csize, True
            if size < 16 or pos + 4 + 16 > len(extra):
                return -1, True  # which no size equals
            return struct.unpack_from("<Q", extra, pos + 12)[0], True
        pos += 4 + size
    return csize, False


def _descriptor_size(fh: BinaryIO, info: zipfile.ZipInfo, at: int, limit: int, zip64: bool) -> int:
    """The length of the data descriptor at ``at``: the entry's CRC-32 and
    sizes, 8 bytes each with ZIP64, after an optional signature. Anything
    else there is not this entry's descriptor."""
    expected = struct.pack("<L", info.CRC) + struct.pack(
        "<2Q" if zip64 else "<2L", info.compress_size, info.file_size
    )
    found = _read_exact(fh, at, min(4 + len(expected), max(0, limit - at)))
    if found.startswith(_DESCRIPTOR_SIG) and found[4:] == expected:
        return 4 + len(expected)
    if found[:len(expected)] == expected:
        return len(expected)
    raise _headers_disagree(info.orig_filename)


def _headers_disagree(name: str) -> BundleError:
    return BundleError(N_("Entry {name} is damaged: its two headers disagree."), name=_shown(name))


def _check_layout(fh: BinaryIO, infos: list[zipfile.ZipInfo], cd_offset: int) -> dict[str, int]:
    """Every byte before the central directory belongs to exactly one entry.

    The first local header is at byte 0, each entry (local header, data,
    data descriptor) starts where the one before ends, and the last ends
    where the central directory starts: no other file in front (a PNG+ZIP
    polyglot), nothing hidden between entries, and no two entries sharing
    bytes (overlapping entries are how a small file inflates to petabytes).
    Each local header, what streaming unzip tools read, says what the
    central directory says: so every tool sees the same files.

    Returns where each entry's data starts, as zipfile reads it (after the
    local header, its name and its extra field).
    """
    spans = []
    data_offsets = {}
    for info in infos:
        start = info.header_offset
        if start < 0 or start + _LOCAL.size > cd_offset:
            raise _not_a_bundle()
        (sig, _version, flags, method, _time, _date, _crc, csize, _usize,
         name_len, extra_len) = _LOCAL.unpack(_read_exact(fh, start, _LOCAL.size))
        if sig != _LOCAL_SIG:
            raise _not_a_bundle()
        local_name = _read_exact(fh, start + _LOCAL.size, name_len)
        extra = _read_exact(fh, start + _LOCAL.size + name_len, extra_len)
        csize, zip64 = _local_size(extra, csize)
        described = flags & _FLAG_DESCRIPTOR
        # The compressed size says where the next entry starts, to a tool that
        # reads the local headers; with a data descriptor it may be 0 there.
        if (local_name != info.orig_filename.encode("ascii") or method != info.compress_type
                or (flags & _FLAG_ENCRYPTED) != (info.flag_bits & _FLAG_ENCRYPTED)
                or described != info.flag_bits & _FLAG_DESCRIPTOR
                or csize not in ((info.compress_size, 0) if described else (info.compress_size,))):
            raise _headers_disagree(info.orig_filename)
        data = start + _LOCAL.size + name_len + extra_len
        end = data + info.compress_size
        if end > cd_offset:
            raise _not_a_bundle()
        if described:
            end += _descriptor_size(fh, info, end, cd_offset, zip64)
        spans.append((start, end, info.orig_filename))
        data_offsets[info.orig_filename] = data
    spans.sort()
    position, before = 0, None
    for start, end, name in spans:
        if start < position:
            raise BundleError(
                N_("Entries {first} and {second} overlap in the archive, "
                   "which bundles do not allow."),
                first=_shown(before), second=_shown(name),
            )
        if start > position:
            raise _unaccounted()
        position, before = end, name
    if position != cd_offset:
        raise _unaccounted()
    return data_offsets


def _check_central_records(fh: BinaryIO, end: _DirectoryEnd) -> None:
    """The central records, as long as they say they are, fill the central
    directory exactly (zipfile stops at its size, and reads a last record
    cut short as if it were whole)."""
    directory = _read_exact(fh, end.cd_offset, end.cd_size)
    pos = 0
    for _ in range(end.entries):
        if not directory.startswith(_CENTRAL_SIG, pos) or pos + _CENTRAL_RECORD > len(directory):
            raise _not_a_bundle()
        name_len, extra_len, comment_len = struct.unpack_from("<3H", directory, pos + 28)
        pos += _CENTRAL_RECORD + name_len + extra_len + comment_len
    if pos != len(directory):
        raise _unaccounted()


def _unaccounted() -> BundleError:
    return BundleError(
        N_("The bundle holds bytes that belong to none of its entries (before, between or"
           " after them), which bundles do not allow. Copy it again from the publisher.")
    )


# --------------------------------------------------------------------------
# Manifest


def _parse_created(value: object) -> Optional[datetime]:
    if not isinstance(value, str):
        return None
    match = _CREATED.fullmatch(value)
    if not match:
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                        int((fraction or "0").ljust(6, "0")[:6]), tzinfo=timezone.utc)
    except ValueError:
        return None


def _is_int(value: object) -> bool:
    # bool is an int subclass in Python, but true is not a sequence number.
    return type(value) is int


def parse_manifest(data: bytes, limits: Limits = Limits()) -> Manifest:
    """Validate the bytes of ``manifest.json`` (section 3) and return the Manifest.

    Checks syntax and values (and each listed size against the entry limit);
    ``open_archive`` checks the files against the archive.
    """
    what = MANIFEST_NAME
    obj = loads(data, what)
    if not isinstance(obj, dict):
        raise BundleError(N_("manifest.json is not a JSON object."))
    # format and format_version first: a newer format may have new keys, and
    # the user must hear "update AulaLocal", not "unknown field".
    if obj.get("format") != FORMAT_NAME:
        raise BundleError(N_("manifest.json does not describe an AulaLocal bundle."))
    version = obj.get("format_version")
    if not _is_int(version) or version < 1:
        raise BundleError(N_("manifest.json has an invalid format_version."))
    if version > FORMAT_VERSION:
        raise BundleError(
            N_("This bundle was made for a newer version of AulaLocal. Update AulaLocal first.")
        )
    for key in obj:
        if key not in _MANIFEST_KEYS:
            raise BundleError(N_("manifest.json has an unknown field {key}."),
                                  key=_shown(key))
    for key in _MANIFEST_KEYS:
        if key not in obj:
            raise BundleError(N_("manifest.json lacks the field {key}."), key=key)

    catalog = obj["catalog"]
    if not isinstance(catalog, str) or not _CATALOG.fullmatch(catalog):
        raise BundleError(N_("manifest.json has an invalid catalog id."))
    sequence = obj["sequence"]
    if not _is_int(sequence) or not 1 <= sequence <= _MAX_INT:
        raise BundleError(N_("manifest.json has an invalid sequence: it must be a whole number from 1."))
    base = obj["base_sequence"]
    if base is not None and (not _is_int(base) or not 1 <= base < sequence):
        raise BundleError(
            N_("manifest.json has an invalid base_sequence: it must be null, "
               "or a whole number of at least 1 and smaller than the sequence.")
        )
    created = obj["created"]
    if _parse_created(created) is None:
        raise BundleError(
            N_("manifest.json has an invalid created time: it must look like 2026-11-20T10:00:00Z.")
        )
    publisher = obj["publisher"]
    if (not isinstance(publisher, str) or not 1 <= len(publisher) <= 200
            or not publisher.strip() or any(not ch.isprintable() and ch != " " for ch in publisher)):
        raise BundleError(
            N_("manifest.json has an invalid publisher name: it must be 1 to 200 characters of text.")
        )
    languages = obj["languages"]
    if not isinstance(languages, list):
        raise BundleError(N_("manifest.json has an invalid list of languages."))
    for tag in languages:
        if (not isinstance(tag, str) or len(tag) > _MAX_LANGUAGE_TAG
                or not _BCP47.fullmatch(tag)):
            raise BundleError(N_("manifest.json has an invalid language tag {tag}."),
                                  tag=_shown(str(tag)))
    if len({tag.lower() for tag in languages}) != len(languages):
        raise BundleError(N_("manifest.json lists a language twice."))

    files_obj = obj["files"]
    if not isinstance(files_obj, dict):
        raise BundleError(N_("manifest.json has an invalid files list."))
    files: dict[str, FileEntry] = {}
    lowered: set[str] = set()
    for path, entry in files_obj.items():
        shown = _shown(path)
        if _unsafe_path(path) or not _is_content_name(path):
            raise BundleError(N_("manifest.json lists a file that is not allowed: {name}."),
                                  name=shown)
        if path.lower() in lowered:
            raise BundleError(N_("manifest.json lists {name} twice."), name=shown)
        lowered.add(path.lower())
        if not isinstance(entry, dict) or set(entry) != {"sha256", "size"}:
            raise BundleError(
                N_("manifest.json must give exactly sha256 and size for {name}."), name=shown
            )
        digest, size = entry["sha256"], entry["size"]
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise BundleError(N_("manifest.json has an invalid sha256 for {name}."),
                                  name=shown)
        if not _is_int(size) or size < 0:
            raise BundleError(N_("manifest.json has an invalid size for {name}."),
                                  name=shown)
        if size > limits.max_entry_size:
            raise BundleError(N_("Entry {name} is larger than the limit of {limit} bytes."),
                              name=shown, limit=limits.max_entry_size)
        media = _MEDIA_NAME.fullmatch(path)
        if media and media.group(1) != digest:
            raise BundleError(
                N_("Media file {name} is not named after its SHA-256."), name=shown
            )
        files[path] = FileEntry(sha256=digest, size=size)
    if not any(path.startswith("records/") for path in files):
        raise BundleError(N_("manifest.json lists no records file."))

    return Manifest(
        format=FORMAT_NAME,
        format_version=version,
        catalog=catalog,
        sequence=sequence,
        base_sequence=base,
        created=created,
        publisher=publisher,
        languages=tuple(languages),
        files=MappingProxyType(files),
    )


# --------------------------------------------------------------------------
# The archive


def _check_cancel(cancel: Optional[CancelCheck]) -> None:
    if cancel is not None and cancel():
        raise Cancelled(N_("Cancelled. Nothing was changed."))


class BundleArchive:
    """An opened, structurally valid bundle archive with its manifest.

    Use as a context manager, or call ``close()``. Entry data is only trusted
    once a ``read_entry_chunks`` stream of it has run to its end, or a
    ``copy_entry`` of it has returned.
    """

    def __init__(self, path: "os.PathLike[str] | str", fh: BinaryIO, zf: zipfile.ZipFile,
                 infos: Mapping[str, zipfile.ZipInfo], manifest: Manifest, limits: Limits,
                 data_offsets: Mapping[str, int]):
        self.path = os.fspath(path)
        self.manifest = manifest
        self.limits = limits
        self._fh = fh
        self._zip = zf
        self._infos = infos
        self._data_offsets = data_offsets
        self._copier: Optional[HashingCopier] = None  # made on the first copy_entry

    def close(self) -> None:
        if self._copier is not None:
            self._copier.close()
            self._copier = None
        self._zip.close()
        self._fh.close()

    def __enter__(self) -> "BundleArchive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _raw_chunks(self, name: str, expected_size: int,
                    cancel: Optional[CancelCheck]) -> Iterator[bytes]:
        """Entry bytes from zipfile, never more than ``expected_size`` + 1 chunk.

        ``zipfile`` stops at the size the central directory declares; this
        bound does not rely on that.
        """
        shown = _shown(name)
        try:
            with self._zip.open(self._infos[name]) as stream:
                yield from _bounded_chunks(stream, expected_size, shown, cancel)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError,
                RuntimeError, struct.error):
            raise _damaged(shown) from None
        except OSError:
            raise _unreadable(self.path) from None

    def read_entry_chunks(
        self,
        name: str,
        progress: Optional[ProgressCallback] = None,
        cancel: Optional[CancelCheck] = None,
    ) -> Iterator[bytes]:
        """Stream the entry ``name`` (a file listed in the manifest) in chunks.

        Raises ``BundleError`` as soon as more bytes come than the manifest
        says, and at the end if the size or the SHA-256 differ. The chunks are
        only known good once the generator has finished: use them for nothing
        permanent before. ``progress(done, size)`` is per entry.
        """
        entry = self.manifest.files.get(name)
        if entry is None:
            raise KeyError(name)
        return self._verified_chunks(name, entry, cancel, progress)

    def _verified_chunks(self, name: str, entry: FileEntry, cancel: Optional[CancelCheck],
                         progress: Optional[ProgressCallback]) -> Iterator[bytes]:
        hasher = hashlib.sha256()
        done = 0
        if progress is not None:
            progress(0, entry.size)
        for chunk in self._raw_chunks(name, entry.size, cancel):
            hasher.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, entry.size)
            yield chunk
        _check_content(name, entry, done, hasher.hexdigest())

    def copy_entry(
        self,
        name: str,
        fh: BinaryIO,
        progress: Optional[ProgressCallback] = None,
        cancel: Optional[CancelCheck] = None,
    ) -> None:
        """Write the entry ``name`` (a file listed in the manifest) to ``fh``.

        The same checks as ``read_entry_chunks``, and ``fh`` is as untrusted
        as its chunks until this returns: on ``BundleError`` throw it away. A
        stored entry (media, which do not compress) is read straight from its
        place in the file into reused buffers, and its SHA-256 is computed by
        a helper thread while this one writes it and computes its CRC-32.
        """
        entry = self.manifest.files.get(name)
        if entry is None:
            raise KeyError(name)
        info = self._infos[name]
        if info.compress_type != zipfile.ZIP_STORED:
            for chunk in self._verified_chunks(name, entry, cancel, progress):
                fh.write(chunk)
            return
        # Stored: the data is the entry's compress_size bytes, which the
        # layout check keeps inside this entry's own span, and which is the
        # manifest's size (checked when opened). So no read can go past it.
        hasher, crc = hashlib.sha256(), _Crc32()

        def read_into(buffer: memoryview) -> int:
            try:
                return self._fh.readinto(buffer)
            except OSError:
                raise _unreadable(self.path) from None

        def copied(done: int) -> None:
            if progress is not None:
                progress(done, entry.size)
            _check_cancel(cancel)

        _check_cancel(cancel)
        if progress is not None:
            progress(0, entry.size)
        try:
            self._fh.seek(self._data_offsets[name])
        except OSError:
            raise _unreadable(self.path) from None
        if self._copier is None:
            self._copier = HashingCopier()
        done = self._copier.copy(read_into, fh.write, [hasher, crc], entry.size, copied)
        _check_content(name, entry, done, hasher.hexdigest())
        # What zipfile checks when it reads an entry; any unzip tool would too.
        if crc.value != info.CRC:
            raise _damaged(_shown(name))

    def holds(self, name: str, offset: int, size: int, sha256: str, crc32: int) -> bool:
        """Whether bytes ``offset`` to ``offset + size`` of this file, with these
        hashes, are the listed entry ``name``, stored: the same checks as
        ``copy_entry``, for a copy made as the file was written."""
        entry = self.manifest.files.get(name)
        info = self._infos.get(name)
        return (entry is not None and info is not None
                and info.compress_type == zipfile.ZIP_STORED
                and self._data_offsets[name] == offset
                and entry.size == size == info.compress_size
                and entry.sha256 == sha256 and info.CRC == crc32)

    def iter_record_lines(
        self,
        name: str,
        progress: Optional[ProgressCallback] = None,
        cancel: Optional[CancelCheck] = None,
    ) -> Iterator[tuple[int, bytes]]:
        """Yield ``(line_number, line)`` for each line of a records file.

        Line numbers start at 1; the newline (and a CR before it) is not part
        of the line. A line over the line limit or a blank line raises
        ``BundleError``; a last line without a final newline is accepted.
        Lines come before the file's hash is checked at its end; parse them,
        but apply nothing until the iteration has finished.
        """
        if not name.startswith("records/") or name not in self.manifest.files:
            raise KeyError(name)
        return self._record_lines(name, progress, cancel)

    def _record_lines(self, name: str, progress: Optional[ProgressCallback],
                      cancel: Optional[CancelCheck]) -> Iterator[tuple[int, bytes]]:
        limit = self.limits.max_line_size
        shown = _shown(name)
        pending = bytearray()
        number = 0

        def finish(line: bytes) -> tuple[int, bytes]:
            if line.endswith(b"\r"):
                line = line[:-1]
            if len(line) > limit:
                raise BundleError(N_("{name} line {line} is longer than {limit} bytes."),
                                  name=shown, line=number, limit=limit)
            if not line.strip(b" \t\r"):
                raise BundleError(N_("{name} line {line} is blank, which records files do not allow."),
                                  name=shown, line=number)
            return number, line

        for chunk in self.read_entry_chunks(name, progress, cancel):
            start = 0
            while True:
                newline = chunk.find(b"\n", start)
                if newline < 0:
                    rest = len(chunk) - start
                    # +1: a CR that belongs to a CRLF may still be pending.
                    if len(pending) + rest > limit + 1:
                        raise BundleError(N_("{name} line {line} is longer than {limit} bytes."),
                                          name=shown, line=number + 1, limit=limit)
                    pending += chunk[start:]
                    break
                number += 1
                if pending:
                    if len(pending) + newline - start > limit + 1:
                        raise BundleError(N_("{name} line {line} is longer than {limit} bytes."),
                                          name=shown, line=number, limit=limit)
                    pending += chunk[start:newline]
                    line = bytes(pending)
                    pending.clear()
                else:
                    line = chunk[start:newline]
                yield finish(line)
                start = newline + 1
        if pending:
            number += 1
            yield finish(bytes(pending))

    def read_entry(self, name: str, cancel: Optional[CancelCheck] = None) -> bytes:
        """The whole content of a listed entry, verified (mind the entry's size)."""
        return b"".join(self.read_entry_chunks(name, cancel=cancel))

    def verify_all(
        self,
        progress: Optional[ProgressCallback] = None,
        cancel: Optional[CancelCheck] = None,
    ) -> None:
        """Stream every listed file once, checking its size and SHA-256.

        ``progress(done, total)`` counts bytes over all files. Files are read
        in archive order, so the disk reads the copy front to back.
        """
        names = sorted(self.manifest.files, key=lambda n: self._infos[n].header_offset)
        total = sum(self.manifest.files[n].size for n in names)
        done = 0
        if progress is not None:
            progress(0, total)
        for name in names:
            for chunk in self.read_entry_chunks(name, cancel=cancel):
                done += len(chunk)
                if progress is not None:
                    progress(done, total)


class _Crc32:
    """zlib.crc32 as a hash object, for HashingCopier."""

    def __init__(self) -> None:
        self.value = 0

    def update(self, data: memoryview) -> None:
        self.value = zlib.crc32(data, self.value)


def _check_content(name: str, entry: FileEntry, size: int, sha256: str) -> None:
    """The size and SHA-256 of what came out of an entry, against the manifest."""
    if size != entry.size:
        raise BundleError(N_("Entry {name} is shorter than manifest.json says."),
                          name=_shown(name))
    if sha256 != entry.sha256:
        raise BundleError(
            N_("Entry {name} does not match its SHA-256 in manifest.json: "
               "the bundle is damaged or was changed."),
            name=_shown(name),
        )


def _bounded_chunks(stream: BinaryIO, expected_size: int, shown: str,
                    cancel: Optional[CancelCheck]) -> Iterator[bytes]:
    """Chunks of ``stream``; ``BundleError`` once more than ``expected_size`` bytes came."""
    done = 0
    while True:
        _check_cancel(cancel)
        # One byte past the expected size is enough to know the entry lies.
        want = min(CHUNK_SIZE, expected_size - done + 1)
        chunk = stream.read(want)
        if not chunk:
            return
        done += len(chunk)
        if done > expected_size:
            raise BundleError(N_("Entry {name} is larger than manifest.json says."), name=shown)
        yield chunk


def open_archive(path: "os.PathLike[str] | str", limits: Limits = Limits()) -> BundleArchive:
    """Open and validate the staged copy of a bundle (spec sections 2 and 3).

    Raises ``BundleError`` for anything the spec does not allow, and
    ``StorageError`` if the file cannot be read. File contents are not hashed
    here: call ``verify_all`` (or stream each file) for that.
    """
    try:
        # Never opened as a FIFO or a device (which could block or never end).
        fh = io.BufferedReader(open_regular(path, follow_links=True))
    except NotAFile:
        raise BundleError(N_("The bundle is not a regular file.")) from None
    except OSError:
        raise _unreadable(path) from None
    try:
        archive = _open(path, fh, limits)
    except BaseException:
        fh.close()
        raise
    return archive


def _open(path: "os.PathLike[str] | str", fh: BinaryIO, limits: Limits) -> BundleArchive:
    try:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise BundleError(N_("The bundle is not a regular file."))
        if st.st_size == 0:
            raise BundleError(N_("The bundle file is empty. Copy it again from the publisher."))
        if st.st_size > limits.max_archive_size:
            raise BundleError(N_("The bundle file is larger than {limit} bytes."),
                              limit=limits.max_archive_size)
        end = _read_directory_end(fh, st.st_size)
        if end.entries > limits.max_entries:
            raise BundleError(N_("The bundle has more than {limit} entries."),
                              limit=limits.max_entries)
        if end.cd_size > end.entries * _MAX_CENTRAL_RECORD:
            raise _not_a_bundle()
        fh.seek(0)
        try:
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, struct.error,
                UnicodeDecodeError, IndexError):
            raise _not_a_bundle() from None
        try:
            return _validate(path, fh, zf, end, limits)
        except BaseException:
            zf.close()
            raise
    except OSError:
        raise _unreadable(path) from None


def _validate(path: "os.PathLike[str] | str", fh: BinaryIO, zf: zipfile.ZipFile,
              end: _DirectoryEnd, limits: Limits) -> BundleArchive:
    infos = zf.infolist()
    if len(infos) != end.entries:
        raise _not_a_bundle()
    seen: dict[str, zipfile.ZipInfo] = {}
    lowered: set[str] = set()
    total = 0
    for info in infos:
        _check_entry(info, limits)
        name = info.orig_filename
        if name.lower() in lowered:
            raise BundleError(N_("Entry {name} is in the archive twice."), name=_shown(name))
        lowered.add(name.lower())
        seen[name] = info
        total += info.file_size
        if total > limits.max_total_size:
            raise BundleError(N_("The bundle holds more than {limit} bytes once uncompressed."),
                              limit=limits.max_total_size)
    _check_central_records(fh, end)
    data_offsets = _check_layout(fh, infos, end.cd_offset)

    manifest_info = seen.get(MANIFEST_NAME)
    if manifest_info is None:
        raise BundleError(N_("The bundle has no manifest.json."))
    if manifest_info.file_size > limits.max_manifest_size:
        raise BundleError(N_("manifest.json is larger than {limit} bytes."),
                          limit=limits.max_manifest_size)
    data = _read_manifest(path, zf, manifest_info, limits)
    manifest = parse_manifest(data, limits)

    for name, info in seen.items():
        if name == MANIFEST_NAME or name in _DIRECTORIES:
            continue
        entry = manifest.files.get(name)
        if entry is None:
            raise BundleError(N_("Entry {name} is in the archive but not listed in manifest.json."),
                              name=_shown(name))
        if info.file_size != entry.size:
            raise BundleError(
                N_("Entry {name} has the wrong size: {actual} in the archive, {expected} in manifest.json."),
                name=_shown(name), actual=info.file_size, expected=entry.size,
            )
    for name in manifest.files:
        if name not in seen:
            raise BundleError(N_("manifest.json lists {name}, but the archive does not contain it."),
                              name=_shown(name))
    return BundleArchive(path, fh, zf, MappingProxyType(seen), manifest, limits, data_offsets)


def _read_manifest(path: "os.PathLike[str] | str", zf: zipfile.ZipFile,
                   info: zipfile.ZipInfo, limits: Limits) -> bytes:
    out = io.BytesIO()
    try:
        with zf.open(info) as stream:
            for chunk in _bounded_chunks(stream, limits.max_manifest_size, MANIFEST_NAME, None):
                out.write(chunk)
    except BundleError:
        raise BundleError(N_("manifest.json is larger than {limit} bytes."),
                          limit=limits.max_manifest_size) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError,
            RuntimeError, struct.error):
        raise BundleError(
            N_("Entry {name} is damaged. Copy the bundle again from the publisher."),
            name=MANIFEST_NAME,
        ) from None
    except OSError:
        raise _unreadable(path) from None
    return out.getvalue()
