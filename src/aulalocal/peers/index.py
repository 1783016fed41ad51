"""The list of updates a laptop passes on over the network: ``/updates/index.json``.

One JSON object (docs/network-updates.md has an example)::

    {"format": "aulalocal-updates", "format_version": 1,
     "updates": [{"catalog": "minedu-pe", "sequence": 2, "base_sequence": 1,
                  "bundle": {"name": "minedu-pe-000002-0123456789ab.aulabundle", "size": 18211, "sha256": "..."},
                  "signature": {"name": "minedu-pe-000002-0123456789ab.aulabundle.minisig", "size": 310, "sha256": "..."},
                  "key": {"name": "<32 hex digits of the fingerprint>.pub", "size": 130, "sha256": "..."},
                  "key_id": "4D1A2B3C5E6F7A8B", "fingerprint": "59AF 7A9B ..."}]}

The updates are exactly the ones ``bundle export`` copies to a drive (the
last full bundle of each catalog and the deltas after it, in apply order),
each with its signature and the public key its catalog is bound to. Every
file is at ``/updates/<name>``; the names follow from the rest (the kept
name of ``bundle.kept``, the fingerprint), so a name can never point
anywhere else.

What another laptop says is hostile: ``parse_index`` takes at most
``MAX_INDEX_BYTES`` of strict JSON (``bundle.strictjson``: no twin keys,
32 levels at most), at most ``MAX_UPDATES`` updates, every field of its type
and within the limits a drive's bundle has. Unknown fields are ignored, so
a newer AulaLocal can add some; a new ``format_version`` is refused. The
index is a claim: what it says is only used to choose what to download;
the downloaded files then go through everything a drive's bundle does.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from aulalocal.bundle.kept import kept_name
from aulalocal.bundle.minisign import MAX_KEY_TEXT_SIZE, MAX_SIGNATURE_FILE_SIZE
from aulalocal.bundle.staging import MAX_BUNDLE_SIZE
from aulalocal.datafolder import DataFolder
from aulalocal.errors import N_, AulaLocalError, BundleError, PeerError

FORMAT = "aulalocal-updates"
FORMAT_VERSION = 1
INDEX_NAME = "index.json"
MAX_INDEX_BYTES = 1024 * 1024
MAX_UPDATES = 2000
_CATALOG = re.compile(r"[a-z0-9][a-z0-9-]{2,63}")  # spec section 3
_SHA256 = re.compile(r"[0-9a-f]{64}")
_KEY_ID = re.compile(r"[0-9A-F]{16}")
_MAX_SEQUENCE = 2**63 - 1  # SQLite's INTEGER


@dataclass(frozen=True)
class OfferedFile:
    name: str  # under /updates/
    size: int
    sha256: str

    def as_json(self) -> dict:
        return {"name": self.name, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class OfferedUpdate:
    """One update another laptop offers, as it says (``bundle.verdict``'s header, unverified)."""

    catalog: str
    sequence: int
    base_sequence: int | None
    bundle: OfferedFile
    signature: OfferedFile
    key: OfferedFile
    key_id: str
    fingerprint: str

    @property
    def is_delta(self) -> bool:
        return self.base_sequence is not None

    @property
    def files(self) -> tuple[OfferedFile, OfferedFile, OfferedFile]:
        return self.bundle, self.signature, self.key

    def as_json(self) -> dict:
        return {
            "catalog": self.catalog,
            "sequence": self.sequence,
            "base_sequence": self.base_sequence,
            "bundle": self.bundle.as_json(),
            "signature": self.signature.as_json(),
            "key": self.key.as_json(),
            "key_id": self.key_id,
            "fingerprint": self.fingerprint,
        }


# -- the laptop that offers ------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """What this laptop serves under /updates/: the index and the file behind each name."""

    updates: list[OfferedUpdate]
    paths: dict[str, Path]  # a bundle's or a signature's name -> its kept file
    keys: dict[str, bytes]  # a key's name -> the .pub file's bytes

    def index_json(self) -> dict:
        return {"format": FORMAT, "format_version": FORMAT_VERSION, "updates": [u.as_json() for u in self.updates]}


class KeptCopies:
    """Whether each kept bundle still has the SHA-256 the ledger recorded, read once per file version.

    A copy damaged on this laptop's disk (a power cut, a bad sector) is
    never offered, as it is never exported.
    """

    def __init__(self) -> None:
        self._checked: dict[tuple, bool] = {}
        self._lock = threading.Lock()

    def intact(self, path: Path, sha256: str) -> bool:
        try:
            st = os.stat(path)
        except OSError:
            return False
        version = (str(path), st.st_size, st.st_mtime_ns, st.st_ino, sha256)
        with self._lock:
            known = self._checked.get(version)
        if known is None:
            known = _sha256_of(path) == sha256
            with self._lock:
                self._checked[version] = known
        return known


def _sha256_of(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1024 * 1024):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def build_offer(folder: DataFolder, kept: KeptCopies) -> Offer:
    """The updates this laptop passes on: ``bundle export``'s, each with its signature and its catalog's key.

    Left out: a catalog bound to no key that this laptop still trusts (the
    key was removed; another laptop could not check the bundle anyway), and
    a bundle whose kept copy or signature is missing or damaged.
    """
    from aulalocal.bundle.export import catalog_key, key_file_name, updates_to_pass_on
    from aulalocal.bundle.trust import trust_store
    from aulalocal.catalog.store import get_state

    store = trust_store(folder.keys_dir)
    updates: list[OfferedUpdate] = []
    paths: dict[str, Path] = {}
    keys: dict[str, bytes] = {}
    broken: set[str] = set()  # a catalog whose chain has a hole is offered up to it
    for update in updates_to_pass_on(folder):
        if update.catalog in broken:
            continue
        state = get_state(folder.catalog, update.catalog)
        key = catalog_key(store, state)
        signature = _small_file(update.signature, MAX_SIGNATURE_FILE_SIZE)
        if key is None or signature is None or not kept.intact(update.path, update.sha256):
            broken.add(update.catalog)
            continue
        key_bytes = key.to_text().encode("utf-8")
        bundle = OfferedFile(update.path.name, update.path.stat().st_size, update.sha256)
        sig = OfferedFile(update.signature.name, len(signature), hashlib.sha256(signature).hexdigest())
        key_file = OfferedFile(key_file_name(key), len(key_bytes), hashlib.sha256(key_bytes).hexdigest())
        updates.append(
            OfferedUpdate(update.catalog, update.sequence, update.base_sequence, bundle, sig, key_file,
                          key.key_id_hex, key.fingerprint)
        )
        paths[bundle.name], paths[sig.name] = update.path, update.signature
        keys[key_file.name] = key_bytes
    return Offer(updates, paths, keys)


def _small_file(path: Path, limit: int) -> bytes | None:
    from aulalocal.fileio import NotAFile, read_small_file

    try:
        data = read_small_file(path, limit)
    except (OSError, NotAFile):
        return None
    return data if len(data) <= limit else None


# -- the laptop that takes ----------------------------------------------------


def parse_index(data: bytes, peer: str) -> list[OfferedUpdate]:
    """The updates of an index another laptop sent, checked; ``PeerError`` for anything else."""
    from aulalocal.bundle import strictjson

    if len(data) > MAX_INDEX_BYTES:
        raise _invalid(peer, N_("it is larger than {limit} KB."), limit=MAX_INDEX_BYTES // 1024)
    try:
        index = strictjson.loads(data, "index.json")
    except BundleError as exc:
        raise _invalid(peer, exc) from None
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        raise _invalid(peer, N_("it is not a list of AulaLocal updates."))
    version = index.get("format_version")
    if not _is_int(version) or version < 1:
        raise _invalid(peer, N_("it is not a list of AulaLocal updates."))
    if version > FORMAT_VERSION:
        raise PeerError(
            N_("The computer at {peer} runs a newer version of AulaLocal, which this one cannot take updates from."
               " Update AulaLocal on this laptop, or use a USB drive."),
            peer=peer,
        )
    entries = index.get("updates")
    if not isinstance(entries, list):
        raise _invalid(peer, N_("it has no list of updates."))
    if len(entries) > MAX_UPDATES:
        raise _invalid(peer, N_("it lists more than {limit} updates."), limit=MAX_UPDATES)
    updates = []
    for number, entry in enumerate(entries, 1):
        try:
            updates.append(_update(entry))
        except _Wrong as wrong:
            raise _invalid(peer, N_("update {number}: {field} is wrong."), number=number, field=wrong.field) from None
    names = [f.name for u in updates for f in (u.bundle, u.signature)]
    if len(set(names)) != len(names):
        raise _invalid(peer, N_("it lists one file twice."))
    return updates


class _Wrong(Exception):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _invalid(peer: str, reason, **params) -> PeerError:
    if not isinstance(reason, AulaLocalError):
        reason = PeerError(reason, **params)
    return PeerError(N_("The list of updates from {peer} cannot be used: {reason} Nothing was changed."),
                     peer=peer, reason=reason)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _field(entry: dict, name: str, check) -> object:
    value = entry.get(name)
    if not check(value):
        raise _Wrong(name)
    return value


def _file(entry: dict, name: str, limit: int, expected_name: str) -> OfferedFile:
    value = entry.get(name)
    if not isinstance(value, dict):
        raise _Wrong(name)
    if value.get("name") != expected_name:
        raise _Wrong(f"{name}.name")
    size = value.get("size")
    if not _is_int(size) or not 0 < size <= limit:
        raise _Wrong(f"{name}.size")
    sha = value.get("sha256")
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise _Wrong(f"{name}.sha256")
    return OfferedFile(expected_name, size, sha)


def _update(entry) -> OfferedUpdate:
    if not isinstance(entry, dict):
        raise _Wrong("update")
    catalog = _field(entry, "catalog", lambda v: isinstance(v, str) and _CATALOG.fullmatch(v))
    sequence = _field(entry, "sequence", lambda v: _is_int(v) and 1 <= v <= _MAX_SEQUENCE)
    base = _field(entry, "base_sequence", lambda v: v is None or (_is_int(v) and 1 <= v < sequence))
    key_id = _field(entry, "key_id", lambda v: isinstance(v, str) and _KEY_ID.fullmatch(v))
    fingerprint = _field(entry, "fingerprint", lambda v: isinstance(v, str) and re.fullmatch(r"[0-9A-F]{4}( [0-9A-F]{4}){7}", v))
    sha = (entry.get("bundle") or {}).get("sha256") if isinstance(entry.get("bundle"), dict) else None
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise _Wrong("bundle.sha256")
    name = kept_name(catalog, sequence, sha)
    bundle = _file(entry, "bundle", MAX_BUNDLE_SIZE, name)
    signature = _file(entry, "signature", MAX_SIGNATURE_FILE_SIZE, name + ".minisig")
    key = _file(entry, "key", MAX_KEY_TEXT_SIZE, fingerprint.replace(" ", "").lower() + ".pub")
    return OfferedUpdate(catalog, sequence, base, bundle, signature, key, key_id, fingerprint)
