"""The entries a bundle archive may hold (spec section 2), and their names made safe to show."""

from __future__ import annotations

import re

from aulalocal.errors import N_, BundleError

MANIFEST_NAME = "manifest.json"
DIRECTORIES = frozenset({"records/", "media/"})
MEDIA_EXTENSIONS = ("png", "jpg", "jpeg", "webp", "svg", "pdf", "txt")
RECORDS_NAME = re.compile(r"records/[a-z0-9_-]{1,64}\.jsonl")
# A media file's name, in a bundle's media/ and in the data folder's: its SHA-256 and a type.
MEDIA_FILE_NAME = re.compile(rf"([0-9a-f]{{64}})\.(?:{'|'.join(MEDIA_EXTENSIONS)})")
MEDIA_NAME = re.compile("media/" + MEDIA_FILE_NAME.pattern)
_DRIVE = re.compile(r"[A-Za-z]:")


def shown_name(name: str) -> str:
    """An entry name safe to put in a one-line message: printable, short."""
    out = []
    for ch in name[:120]:
        if ch.isprintable() and ord(ch) < 0x7F:
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii") if ord(ch) < 0x10000
                       else "\\U%08x" % ord(ch))
    return "".join(out) + ("..." if len(name) > 120 else "")


def unsafe_path(name: str) -> bool:
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


def is_content_name(name: str) -> bool:
    return bool(RECORDS_NAME.fullmatch(name) or MEDIA_NAME.fullmatch(name))


def check_entry_name(name: str) -> None:
    if unsafe_path(name):
        raise BundleError(N_("Entry {name} has an unsafe path."), name=shown_name(name))
    if name != MANIFEST_NAME and name not in DIRECTORIES and not is_content_name(name):
        raise BundleError(N_("Entry {name} is not allowed in a bundle."), name=shown_name(name))
