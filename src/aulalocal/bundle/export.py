"""Passing updates on: the signed bundles this laptop applied, written to a drive.

For each catalog, the last full bundle and the deltas after it: enough for
another laptop to reach the same catalog. Files are written under a new
temporary name and renamed when complete, so a pulled drive or a full disk
never leaves a file that looks whole, and nothing found on the drive (a link
planted where a file or the ``AulaLocal`` folder goes) is ever written
through (``fileio``).

Beside the bundles goes the public key each catalog is bound to
(``key_file_name``, docs/publishing.md section 5), so the next school that
does not trust the publisher yet is asked the same first-time question,
with the same name, key id and fingerprint.
"""

from __future__ import annotations

import errno
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from aulalocal.bundle.minisign import PublicKey, fingerprint_of
from aulalocal.catalog.ledger import kept_applies
from aulalocal.catalog.store import get_state
from aulalocal.datafolder import DataFolder
from aulalocal.bundle.progress import CancelCheck, Progress, check_cancel
from aulalocal.errors import N_, StorageError, system_reason
from aulalocal.fileio import ensure_folder, write_atomically

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class PassedOn:
    """One applied bundle this laptop passes on, with its signature beside it."""

    catalog: str
    sequence: int
    base_sequence: int | None
    path: Path
    sha256: str  # in the ledger: the kept copy is checked against it before it goes anywhere

    @property
    def signature(self) -> Path:
        return self.path.with_name(self.path.name + ".minisig")


def updates_to_pass_on(folder: DataFolder) -> list[PassedOn]:
    """Per catalog, the last full bundle and the deltas after it, in apply order (their files may be gone)."""
    chosen: dict[str, list[PassedOn]] = {}
    for catalog, sequence, base, stored, sha in kept_applies(folder.catalog):
        update = PassedOn(catalog, sequence, base, folder.bundles_dir / stored, sha)
        if base is None:
            chosen[catalog] = [update]  # a full bundle replaces what came before
        else:
            chosen.setdefault(catalog, []).append(update)
    return [u for updates in chosen.values() for u in updates]


def files_to_export(folder: DataFolder) -> list[tuple[Path, str | None]]:
    """(file, its SHA-256 in the ledger, or None for a signature) in apply order."""
    files = [pair for u in updates_to_pass_on(folder) for pair in ((u.path, u.sha256), (u.signature, None))]
    return [(f, sha) for f, sha in files if f.is_file()]


def catalog_key(store, state) -> PublicKey | None:
    """The trusted key a catalog (its ``CatalogState``) is bound to, with its file's comment; None if none is."""
    if state is None or state.public_key is None:
        return None
    return next((t.key for t in store.keys if t.key.key.hex() == state.public_key), None)


def keys_to_export(folder: DataFolder) -> list[PublicKey]:
    """The key each passed-on catalog is bound to: the trusted key (with its name), else the pin's own bytes."""
    from aulalocal.bundle.trust import trust_store

    store = trust_store(folder.keys_dir)
    keys: list[PublicKey] = []
    for catalog in dict.fromkeys(u.catalog for u in updates_to_pass_on(folder)):
        state = get_state(folder.catalog, catalog)
        key = catalog_key(store, state)
        if key is None and state is not None and state.public_key and state.key_id:
            key = PublicKey(bytes.fromhex(state.key_id), bytes.fromhex(state.public_key))
        if key is not None and not any(k.same_key(key) for k in keys):
            keys.append(key)
    return keys


def key_file_name(key: PublicKey) -> str:
    """The name a catalog's key is passed on under, on a drive and by another computer (its fingerprint's digits)."""
    return fingerprint_of(key.key).replace(" ", "").lower() + ".pub"


def export_size(folder: DataFolder) -> int:
    return sum(f.stat().st_size for f, _sha in files_to_export(folder))


def export_bundles(
    folder: DataFolder, dest_dir: Path, *, progress: Progress | None = None, cancel: CancelCheck | None = None
) -> list[Path]:
    files = files_to_export(folder)
    if not files:
        raise StorageError(N_("This laptop has no applied update bundles to copy yet."))
    needed = sum(f.stat().st_size for f, _sha in files)
    target_dir = dest_dir / "AulaLocal"
    try:
        ensure_folder(target_dir)
        free = shutil.disk_usage(target_dir).free
    except OSError as exc:
        raise _write_error(exc, dest_dir) from exc
    if free < needed:
        raise StorageError(
            N_("The drive needs {needed} MB free but has {free} MB. Free some space or use another drive."),
            needed=_mb(needed),
            free=_mb(free),
        )
    done = 0
    written = []

    def checked(path: Path, expected: str | None):
        nonlocal done
        digest = hashlib.sha256()
        with path.open("rb") as src:
            while chunk := src.read(CHUNK):
                check_cancel(cancel, N_("Cancelled. Nothing was copied."))
                digest.update(chunk)
                done += len(chunk)
                if progress:
                    progress("export", done, needed)
                yield chunk
        if expected is not None and digest.hexdigest() != expected:
            # The kept copy was damaged (a power cut, a bad disk): never pass it on.
            raise StorageError(
                N_("The kept copy of {name} is damaged and was not copied. Apply it again from its original drive."),
                name=path.name,
            )

    for path, expected in files:
        target = target_dir / path.name
        try:
            write_atomically(target, checked(path, expected))
        except OSError as exc:
            raise _write_error(exc, dest_dir) from exc
        written.append(target)
    for key in keys_to_export(folder):
        target = target_dir / key_file_name(key)
        try:
            write_atomically(target, [key.to_text().encode("utf-8")])
        except OSError as exc:
            raise _write_error(exc, dest_dir) from exc
        written.append(target)
    return written


def _mb(size: int) -> str:
    from aulalocal.i18n import format_number

    return format_number(round(size / 1_000_000, 1))


def _write_error(exc: OSError, dest: Path) -> StorageError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError(N_("The drive is full. Free some space or use another drive."))
    return StorageError(
        N_("Cannot write to {path}: {reason}. Check the drive and try again."),
        path=str(dest),
        reason=system_reason(exc),
    )
