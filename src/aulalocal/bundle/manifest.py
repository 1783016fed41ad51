"""``manifest.json`` (spec section 3): its schema, checked before anything it lists is read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from aulalocal.bundle.entries import MANIFEST_NAME, MEDIA_NAME, is_content_name, shown_name, unsafe_path
from aulalocal.bundle.header import FIELDS, Header, check_header, is_int
from aulalocal.bundle.limits import Limits
from aulalocal.bundle.strictjson import loads
from aulalocal.errors import N_, BundleError

FORMAT_NAME = "aulalocal-bundle"
FORMAT_VERSION = 1
KEYS = ("format", "format_version", *FIELDS, "files")

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class FileEntry:
    """A file listed in the manifest: its SHA-256 (lowercase hex) and size."""

    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest(Header):
    """The validated content of ``manifest.json``: a header, and the files it lists."""

    format: str
    format_version: int
    files: Mapping[str, FileEntry]

    @property
    def record_files(self) -> list[str]:
        """The ``records/*.jsonl`` files, in the order they apply (file-name order)."""
        return sorted(name for name in self.files if name.startswith("records/"))

    @property
    def media_files(self) -> list[str]:
        return sorted(name for name in self.files if name.startswith("media/"))


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
    if not is_int(version) or version < 1:
        raise BundleError(N_("manifest.json has an invalid format_version."))
    if version > FORMAT_VERSION:
        raise BundleError(
            N_("This bundle was made for a newer version of AulaLocal. Update AulaLocal first.")
        )
    for key in obj:
        if key not in KEYS:
            raise BundleError(N_("manifest.json has an unknown field {key}."),
                                  key=shown_name(key))
    for key in KEYS:
        if key not in obj:
            raise BundleError(N_("{file} lacks the field {key}."), file=MANIFEST_NAME, key=key)
    header = check_header(obj, MANIFEST_NAME)

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
        if not is_int(size) or size < 0:
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
        **vars(header),
        format=FORMAT_NAME,
        format_version=version,
        files=MappingProxyType(files),
    )
