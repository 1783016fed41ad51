"""``manifest.json`` (spec section 3): its schema, checked before anything it lists is read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Mapping, Optional

from aulalocal.bundle.entries import MANIFEST_NAME, MEDIA_NAME, is_content_name, shown_name, unsafe_path
from aulalocal.bundle.limits import Limits
from aulalocal.bundle.strictjson import loads
from aulalocal.errors import N_, BundleError

FORMAT_NAME = "aulalocal-bundle"
FORMAT_VERSION = 1

_CATALOG = re.compile(r"[a-z0-9][a-z0-9-]{2,63}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CREATED = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?Z"
)

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
                                  key=shown_name(key))
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
                                  tag=shown_name(str(tag)))
    if len({tag.lower() for tag in languages}) != len(languages):
        raise BundleError(N_("manifest.json lists a language twice."))

    files_obj = obj["files"]
    if not isinstance(files_obj, dict):
        raise BundleError(N_("manifest.json has an invalid files list."))
    files: dict[str, FileEntry] = {}
    lowered: set[str] = set()
    for path, entry in files_obj.items():
        shown = shown_name(path)
        if unsafe_path(path) or not is_content_name(path):
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
        media = MEDIA_NAME.fullmatch(path)
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
