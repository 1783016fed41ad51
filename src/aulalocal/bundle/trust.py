"""Which publisher keys this laptop trusts, and which key each catalog is bound to.

Keys that ship with the app are in ``resources/keys/*.pub`` (public keys only);
keys a teacher or IT helper added live in ``<data folder>/keys/``. A key id is
8 bytes its maker chooses freely, so it only names a key: the key is its 32
bytes, and that is what is compared, here and in the catalog pins.

- A key file that cannot be read as exactly one key, a key folder or file
  that other users of the laptop can change, and two key files that give one
  id to different keys (neither is trusted: which one "wins" would be up to
  whoever planted the second) trust nothing, and are reported (``key_findings``,
  shown by ``trust list`` and ``doctor``).
- ``add_key`` refuses a key whose id a different trusted key already has:
  replacing a publisher's key takes removing the old one first, on purpose.
- Each catalog is bound to the whole key of its first applied bundle (the
  ``public_key`` of its row in ``catalogs``, checked by ``bundle.verdict``).
  Catalogs applied before whole keys were pinned have only the key id; such
  a pin takes the key of the one trusted key with that id (``upgrade_pins``,
  when the data folder opens). While no single trusted key has the id, the
  catalog's bundles cannot be verified at all, and doctor says so.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from aulalocal import paths
from aulalocal.bundle.minisign import MAX_KEY_TEXT_SIZE, PublicKey, fingerprint_of, parse_public_key
from aulalocal.catalog.store import pin_whole_key, pinned_by_id_only
from aulalocal.errors import N_, AulaLocalError, SignatureError, StorageError, system_reason
from aulalocal.fileio import NotAFile, ensure_folder, open_regular, write_atomically


@dataclass(frozen=True)
class TrustedKey:
    key: PublicKey
    source: str  # "shipped" or "added"
    path: Path

    @property
    def key_id(self) -> str:
        return self.key.key_id_hex

    @property
    def fingerprint(self) -> str:
        return self.key.fingerprint


@dataclass
class TrustStore:
    """The trusted keys, and why other key files were not trusted."""

    keys: list[TrustedKey] = field(default_factory=list)
    findings: list[AulaLocalError] = field(default_factory=list)
    conflicts: dict[str, SignatureError] = field(default_factory=dict)  # by key id

    def with_id(self, key_id: str) -> TrustedKey | None:
        return next((k for k in self.keys if k.key_id == key_id), None)

    def conflict(self, key_id: str) -> SignatureError | None:
        """Why no key with this id is trusted, when key files disagree on it."""
        return self.conflicts.get(key_id)


def _unsafe(st: os.stat_result, path: Path) -> AulaLocalError | None:
    """Why a key folder or file that other users could change is not trusted."""
    if os.name != "posix":
        return None  # Windows has no mode bits to read; its folders are per user
    if st.st_mode & stat.S_IWOTH:
        return SignatureError(
            N_("{path} can be changed by every user of this laptop, so the keys in it are not"
               " trusted. Make it writable by its owner only ('chmod o-w')."),
            path=str(path),
        )
    if st.st_uid not in (0, os.geteuid()):
        return SignatureError(
            N_("{path} belongs to another user of this laptop, so the keys in it are not trusted."
               " Its owner must be you or the administrator (root)."),
            path=str(path),
        )
    return None


def _bad_key_file(path: Path, reason: AulaLocalError) -> SignatureError:
    return SignatureError(N_("The key file {path} cannot be used: {reason}"), path=str(path), reason=reason)


def read_key_file(path: Path, *, trust_folder: bool = False) -> PublicKey:
    """The one key in a ``.pub`` file; ``SignatureError`` for anything else.

    With ``trust_folder``, a file that other users could change is refused too.
    """
    try:
        try:
            fh = open_regular(path, follow_links=True)  # never waits on a FIFO
        except NotAFile:
            raise _bad_key_file(path, SignatureError(N_("It is not a regular file."))) from None
        with fh:
            unsafe = _unsafe(os.fstat(fh.fileno()), path) if trust_folder else None
            if unsafe is not None:
                raise unsafe
            data = fh.read(MAX_KEY_TEXT_SIZE + 1)
    except (OSError, ValueError):
        raise SignatureError(N_("Cannot read the key file {path}."), path=str(path)) from None
    try:
        return parse_public_key(data)
    except SignatureError as exc:
        raise _bad_key_file(path, exc) from None


def _folder_keys(folder: Path, source: str, store: TrustStore) -> list[TrustedKey]:
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        return []
    except OSError:
        store.findings.append(SignatureError(N_("Cannot read the key folder {path}."), path=str(folder)))
        return []
    unsafe = _unsafe(st, folder)
    if unsafe is not None:
        store.findings.append(unsafe)
        return []
    found = []
    for path in sorted(folder.glob("*.pub")):
        try:
            found.append(TrustedKey(read_key_file(path, trust_folder=True), source, path))
        except SignatureError as exc:
            store.findings.append(exc)
    return found


def trust_store(keys_dir: Path) -> TrustStore:
    """Every trusted key, each id at most once, and what was not trusted and why."""
    store = TrustStore()
    by_id: dict[str, list[TrustedKey]] = {}
    for source, folder in (("shipped", paths.resources_dir() / "keys"), ("added", keys_dir)):
        for trusted in _folder_keys(folder, source, store):
            by_id.setdefault(trusted.key_id, []).append(trusted)
    for key_id, same_id in by_id.items():
        first = same_id[0]
        other = next((t for t in same_id if not t.key.same_key(first.key)), None)
        if other is None:
            store.keys.append(first)  # the same key in several files (shipped and added) is one key
            continue
        store.conflicts[key_id] = SignatureError(
            N_("The key files {first} and {second} hold different keys with the same id {key_id},"
               " so neither is trusted. Run 'aulalocal trust remove {key_id}', then add the right key again."),
            first=str(first.path), second=str(other.path), key_id=key_id,
        )
        store.findings.append(store.conflicts[key_id])
    return store


def trusted_keys(keys_dir: Path) -> list[TrustedKey]:
    return trust_store(keys_dir).keys


def key_findings(keys_dir: Path) -> list[AulaLocalError]:
    """What in the key folders is not trusted and why (for ``trust list`` and ``doctor``)."""
    return trust_store(keys_dir).findings


def find_key(keys_dir: Path, key_id: str) -> PublicKey | None:
    trusted = trust_store(keys_dir).with_id(key_id)
    return trusted.key if trusted else None


def load_key_argument(value: str) -> PublicKey:
    """``trust add`` takes a .pub file or the key's base64 line."""
    path = Path(value)
    try:
        is_file = path.exists() and not path.is_dir()
    except (OSError, ValueError):  # a NUL or an over-long name: not a file name at all
        is_file = False
    if is_file:
        return read_key_file(path)
    return parse_public_key(value)


def _different_key_error(trusted: TrustedKey, key: PublicKey) -> SignatureError:
    return SignatureError(
        N_("A different key with the same id {key_id} is already trusted (fingerprint {trusted});"
           " this key's fingerprint is {fingerprint}. If the publisher really changed keys, remove"
           " the old one first ('aulalocal trust remove {key_id}'), then add this one."),
        key_id=key.key_id_hex, trusted=trusted.fingerprint, fingerprint=key.fingerprint,
    )


def add_key(keys_dir: Path, key: PublicKey) -> Path:
    """Trust ``key``; refused (``SignatureError``) if a different trusted key has its id."""
    store = trust_store(keys_dir)
    trusted = store.with_id(key.key_id_hex)
    if trusted is not None:
        if not trusted.key.same_key(key):
            raise _different_key_error(trusted, key)
        return trusted.path  # already trusted
    conflict = store.conflict(key.key_id_hex)
    if conflict is not None:
        raise conflict
    try:
        ensure_folder(keys_dir)
        unsafe = _unsafe(os.stat(keys_dir), keys_dir)
        if unsafe is not None:
            raise unsafe  # a key saved there would not be trusted
        target = keys_dir / f"{key.key_id_hex}.pub"
        write_atomically(target, [key.to_text().encode("utf-8")])
    except OSError as exc:
        raise StorageError(
            N_("Cannot save the key in {path}: {reason}."), path=str(keys_dir), reason=system_reason(exc)
        ) from exc
    return target


def remove_key(keys_dir: Path, key_id: str) -> None:
    """Stop trusting ``key_id``: every added key file with that id, also conflicting ones."""
    key_id = key_id.upper()
    store = trust_store(keys_dir)
    removed = False
    for path in sorted(keys_dir.glob("*.pub")) if keys_dir.is_dir() else []:
        try:
            key = read_key_file(path)
        except SignatureError:
            continue
        if key.key_id_hex == key_id:
            path.unlink()
            removed = True
    if removed:
        return
    trusted = store.with_id(key_id)
    if trusted is not None and trusted.source == "shipped":
        raise SignatureError(
            N_("Key {key_id} ships with AulaLocal and cannot be removed here."), key_id=key_id
        )
    raise SignatureError(N_("No trusted key {key_id}."), key_id=key_id)


# --------------------------------------------------------------------------
# Catalog pins: a catalog is bound to a whole key


def pin_error(catalog: str, state, key: PublicKey) -> SignatureError:
    if state.key_id == key.key_id_hex and state.public_key is not None:
        return SignatureError(
            N_("Catalog {catalog} on this laptop comes from the key with fingerprint {pinned}; this"
               " bundle is signed by another key with the same id {key_id} (fingerprint {fingerprint})."
               " It was not applied."),
            catalog=catalog, pinned=fingerprint_of(bytes.fromhex(state.public_key)),
            key_id=key.key_id_hex, fingerprint=key.fingerprint,
        )
    return SignatureError(
        N_("Catalog {catalog} on this laptop comes from key {pinned}; this bundle is signed"
           " by key {key_id}. It was not applied."),
        catalog=catalog, pinned=state.key_id or "AulaLocal", key_id=key.key_id_hex,
    )


def upgrade_pins(conn, keys_dir: Path) -> None:
    """Bind each catalog pinned by key id only to the one trusted key with that id.

    Runs when the data folder opens, so the pin is taken from the trust
    store as it was when the laptop last applied the catalog's bundles.
    """
    import sqlite3

    unpinned = pinned_by_id_only(conn)
    if not unpinned:
        return
    store = trust_store(keys_dir)
    try:
        for catalog, key_id in unpinned:
            trusted = store.with_id(key_id)
            if trusted is not None:
                pin_whole_key(conn, catalog, key_id, trusted.key.key.hex())
    except sqlite3.Error:
        pass  # a read-only or busy catalog: tried again at the next start


def pin_findings(conn) -> list[AulaLocalError]:
    """Catalogs still bound to a key id only (for ``doctor``)."""
    return [
        SignatureError(
            N_("Catalog {catalog} is bound only to the id of key {key_id}: no single trusted key has"
               " that id, so its updates cannot be checked. Add the publisher's key ('aulalocal trust add')."),
            catalog=catalog, key_id=key_id,
        )
        for catalog, key_id in pinned_by_id_only(conn)
    ]
