"""The ZIP structure of a bundle, checked by hand where ``zipfile`` is lenient (spec section 2).

Every byte of the file belongs to an entry, the central directory or the end
records, exactly once (no file in front, nothing between entries, no two
entries sharing bytes: the "better zip bomb"), and each local header says
what the central directory says, whatever the Python version. Each entry is
checked on its own too: its name, its type, its compression, its sizes.
"""

from __future__ import annotations

import stat
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from aulalocal.bundle import zipformat as z
from aulalocal.bundle.entries import DIRECTORIES, check_entry_name, shown_name
from aulalocal.bundle.limits import Limits
from aulalocal.errors import N_, BundleError

# A central record is 46 bytes plus name, extra and comment; names are short
# here, so a directory far bigger than this per entry is junk, read for nothing.
MAX_CENTRAL_RECORD = 1024


def not_a_bundle() -> BundleError:
    return BundleError(
        N_("This file is not a valid bundle archive: it is damaged or incomplete. "
           "Copy it again from the publisher.")
    )


def damaged(name: str) -> BundleError:
    return BundleError(
        N_("Entry {name} is damaged. Copy the bundle again from the publisher."), name=name
    )


@dataclass(frozen=True)
class DirectoryEnd:
    entries: int
    cd_offset: int
    cd_size: int


def _read_exact(fh: BinaryIO, offset: int, size: int) -> bytes:
    fh.seek(offset)
    data = fh.read(size)
    if len(data) != size:
        raise not_a_bundle()
    return data


def read_directory_end(fh: BinaryIO, file_size: int) -> DirectoryEnd:
    """Find the end of central directory record that closes the file exactly.

    Unlike zipfile, no data may precede the first entry or follow the end
    record (other than its own comment): a bundle is exactly one ZIP.
    """
    if file_size < z.EOCD.size:
        raise not_a_bundle()
    tail_size = min(file_size, z.EOCD.size + 0xFFFF)
    tail_start = file_size - tail_size
    tail = _read_exact(fh, tail_start, tail_size)
    # The same record zipfile picks (one without a comment at the very end,
    # else the last signature), so both of us read the same directory; then
    # it must reach exactly the end of the file.
    pos = len(tail) - z.EOCD.size
    if not (tail.startswith(z.EOCD_SIG, pos) and tail.endswith(b"\x00\x00")):
        pos = tail.rfind(z.EOCD_SIG)
        if pos < 0 or pos + z.EOCD.size > len(tail):
            raise not_a_bundle()
    fields = z.EOCD.unpack_from(tail, pos)
    if pos + z.EOCD.size + fields[7] != len(tail):
        raise not_a_bundle()
    _, disk, cd_disk, disk_entries, entries, cd_size, cd_offset, _comment = fields
    eocd_offset = tail_start + pos
    if disk != 0 or cd_disk != 0 or disk_entries != entries:
        raise not_a_bundle()
    cd_end = eocd_offset

    locator_offset = eocd_offset - z.ZIP64_LOCATOR.size
    if locator_offset >= 0 and _read_exact(fh, locator_offset, 4) == z.ZIP64_LOCATOR_SIG:
        sig, z_disk, z_offset, z_disks = z.ZIP64_LOCATOR.unpack(
            _read_exact(fh, locator_offset, z.ZIP64_LOCATOR.size)
        )
        record_offset = locator_offset - z.ZIP64_EOCD.size
        # zipfile expects the ZIP64 end record right before its locator, with
        # no extensible data; anything else is read differently by other tools.
        if z_disk != 0 or z_disks != 1 or z_offset != record_offset or record_offset < 0:
            raise not_a_bundle()
        (sig, rec_size, _made, _needed, z_disk, z_cd_disk, z_disk_entries, z_entries,
         z_cd_size, z_cd_offset) = z.ZIP64_EOCD.unpack(
            _read_exact(fh, record_offset, z.ZIP64_EOCD.size)
        )
        if (sig != z.ZIP64_EOCD_SIG or rec_size != z.ZIP64_EOCD.size - 12 or z_disk != 0
                or z_cd_disk != 0 or z_disk_entries != z_entries):
            raise not_a_bundle()
        # Fields of the classic record either agree or are the ZIP64 markers.
        if ((entries != 0xFFFF and entries != z_entries)
                or (cd_size != 0xFFFFFFFF and cd_size != z_cd_size)
                or (cd_offset != 0xFFFFFFFF and cd_offset != z_cd_offset)):
            raise not_a_bundle()
        entries, cd_size, cd_offset = z_entries, z_cd_size, z_cd_offset
        cd_end = record_offset
    if cd_offset + cd_size != cd_end:
        raise not_a_bundle()
    return DirectoryEnd(entries=entries, cd_offset=cd_offset, cd_size=cd_size)


def _check_entry(info: zipfile.ZipInfo, limits: Limits) -> None:
    """Everything about one central-directory entry that needs no other entry."""
    name = info.orig_filename
    check_entry_name(name)
    shown = shown_name(name)
    kind = (info.external_attr >> 16) & z.S_IFMT
    if kind == stat.S_IFLNK:
        raise BundleError(N_("Entry {name} is a symbolic link, which a bundle must not contain."),
                          name=shown)
    is_dir = name in DIRECTORIES
    if kind not in (0, stat.S_IFDIR if is_dir else stat.S_IFREG):
        raise BundleError(N_("Entry {name} is not a regular file."), name=shown)
    if info.flag_bits & (z.FLAG_ENCRYPTED | z.FLAG_STRONG_ENCRYPTION | z.FLAG_MASKED_HEADERS):
        raise BundleError(N_("Entry {name} is encrypted; bundles may not contain encrypted entries."), name=shown)
    if (info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            or info.flag_bits & z.FLAG_PATCHED):
        raise BundleError(
            N_("Entry {name} uses a compression method that bundles do not allow."), name=shown
        )
    if is_dir and (info.file_size != 0 or info.compress_size > 2):
        raise BundleError(N_("Entry {name} is not a regular file."), name=shown)
    if info.file_size > limits.max_entry_size:
        raise BundleError(N_("Entry {name} is larger than the limit of {limit} bytes."),
                          name=shown, limit=limits.max_entry_size)
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise not_a_bundle()
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
        if tag == z.ZIP64_EXTRA:
            if csize != z.ZIP64_SIZE:
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
    if found.startswith(z.DESCRIPTOR_SIG) and found[4:] == expected:
        return 4 + len(expected)
    if found[:len(expected)] == expected:
        return len(expected)
    raise _headers_disagree(info.orig_filename)


def _headers_disagree(name: str) -> BundleError:
    return BundleError(N_("Entry {name} is damaged: its two headers disagree."), name=shown_name(name))


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
        if start < 0 or start + z.LOCAL.size > cd_offset:
            raise not_a_bundle()
        (sig, _version, flags, method, _time, _date, _crc, csize, _usize,
         name_len, extra_len) = z.LOCAL.unpack(_read_exact(fh, start, z.LOCAL.size))
        if sig != z.LOCAL_SIG:
            raise not_a_bundle()
        local_name = _read_exact(fh, start + z.LOCAL.size, name_len)
        extra = _read_exact(fh, start + z.LOCAL.size + name_len, extra_len)
        csize, zip64 = _local_size(extra, csize)
        described = flags & z.FLAG_DESCRIPTOR
        # The compressed size says where the next entry starts, to a tool that
        # reads the local headers; with a data descriptor it may be 0 there.
        if (local_name != info.orig_filename.encode("ascii") or method != info.compress_type
                or (flags & z.FLAG_ENCRYPTED) != (info.flag_bits & z.FLAG_ENCRYPTED)
                or described != info.flag_bits & z.FLAG_DESCRIPTOR
                or csize not in ((info.compress_size, 0) if described else (info.compress_size,))):
            raise _headers_disagree(info.orig_filename)
        data = start + z.LOCAL.size + name_len + extra_len
        end = data + info.compress_size
        if end > cd_offset:
            raise not_a_bundle()
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
                first=shown_name(before), second=shown_name(name),
            )
        if start > position:
            raise _unaccounted()
        position, before = end, name
    if position != cd_offset:
        raise _unaccounted()
    return data_offsets


def _check_central_records(fh: BinaryIO, end: DirectoryEnd) -> None:
    """The central records, as long as they say they are, fill the central
    directory exactly (zipfile stops at its size, and reads a last record
    cut short as if it were whole)."""
    directory = _read_exact(fh, end.cd_offset, end.cd_size)
    pos = 0
    for _ in range(end.entries):
        if not directory.startswith(z.CENTRAL_SIG, pos) or pos + z.CENTRAL_RECORD > len(directory):
            raise not_a_bundle()
        name_len, extra_len, comment_len = struct.unpack_from("<3H", directory, pos + 28)
        pos += z.CENTRAL_RECORD + name_len + extra_len + comment_len
    if pos != len(directory):
        raise _unaccounted()


def _unaccounted() -> BundleError:
    return BundleError(
        N_("The bundle holds bytes that belong to none of its entries (before, between or"
           " after them), which bundles do not allow. Copy it again from the publisher.")
    )


def check_entries(fh: BinaryIO, zf: zipfile.ZipFile, end: DirectoryEnd,
                  limits: Limits) -> tuple[dict[str, zipfile.ZipInfo], dict[str, int]]:
    """Every entry and the structure around them; returns the entries by
    name, and where each one's data starts."""
    infos = zf.infolist()
    if len(infos) != end.entries:
        raise not_a_bundle()
    seen: dict[str, zipfile.ZipInfo] = {}
    lowered: set[str] = set()
    total = 0
    for info in infos:
        _check_entry(info, limits)
        name = info.orig_filename
        if name.lower() in lowered:
            raise BundleError(N_("Entry {name} is in the archive twice."), name=shown_name(name))
        lowered.add(name.lower())
        seen[name] = info
        total += info.file_size
        if total > limits.max_total_size:
            raise BundleError(N_("The bundle holds more than {limit} bytes once uncompressed."),
                              limit=limits.max_total_size)
    _check_central_records(fh, end)
    return seen, _check_layout(fh, infos, end.cd_offset)
