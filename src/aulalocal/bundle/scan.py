"""What a drive holds: the bundles at its root and in ``AulaLocal/``, checked, not assumed.

Scanning applies nothing and copies nothing: it verifies each signature and
reads each manifest on the drive to say what the bundle would do here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from aulalocal.bundle import minisign, trust
from aulalocal.bundle.archive import open_archive
from aulalocal.bundle.importer import keys_beside, resolve_key, signature_path, verify_signature
from aulalocal.bundle.staging import read_small
from aulalocal.catalog.store import get_state
from aulalocal.datafolder import DataFolder
from aulalocal.errors import N_, AulaLocalError, SignatureError
from aulalocal.errors import message as _msg

STATES = ("new", "applied", "older", "needs-sequence", "unsigned", "untrusted", "invalid")


@dataclass(frozen=True)
class DriveBundle:
    path: Path
    state: str
    catalog: str | None = None
    sequence: int | None = None
    base_sequence: int | None = None
    publisher: str | None = None
    key_id: str | None = None
    message: str = ""
    # The signing key's fingerprint: of the trusted key, or for an untrusted
    # bundle of the key beside it on the drive (what the teacher will be asked).
    fingerprint: str | None = None

    @property
    def can_apply(self) -> bool:
        return self.state in ("new", "untrusted")


def bundle_files(root: Path) -> list[Path]:
    """``*.aulabundle`` at the root and in a top-level ``AulaLocal`` folder (any case), not deeper."""
    found = []
    try:
        folders = [root] + [p for p in root.iterdir() if p.name.lower() == "aulalocal" and p.is_dir()]
        for folder in folders:
            found += [p for p in folder.iterdir() if p.name.endswith(".aulabundle")]
    except OSError:
        return found
    return sorted(found)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def check_bundle(folder: DataFolder, path: Path) -> DriveBundle:
    """The state of one bundle file for this laptop."""
    if not signature_path(path).exists():
        return DriveBundle(path, "unsigned", message=_msg(N_("No signature: it will not be applied.")))
    try:
        signature = minisign.parse_signature(read_small(signature_path(path)))
        try:
            key = resolve_key(folder, path, signature, None)
        except SignatureError as exc:
            beside = keys_beside(path).with_id(signature.key_id_hex)
            return DriveBundle(
                path, "untrusted", key_id=signature.key_id_hex, message=exc.message(),
                fingerprint=beside.fingerprint if beside else None,
            )
        verify_signature(path, path, signature, key)
        with open_archive(path) as archive:
            manifest = archive.manifest
    except AulaLocalError as exc:
        return DriveBundle(path, "invalid", message=exc.message())
    info = dict(
        catalog=manifest.catalog,
        sequence=manifest.sequence,
        base_sequence=manifest.base_sequence,
        publisher=manifest.publisher,
        key_id=key.key_id_hex,
        fingerprint=key.fingerprint,
    )
    state = get_state(folder.catalog, manifest.catalog)
    current = state.sequence if state else 0
    if trust.pinned_elsewhere(state, key):
        return DriveBundle(path, "invalid", message=_msg(N_("Signed by a key other than this catalog's.")), **info)
    if manifest.sequence == current:
        if state and state.file_sha256 == _sha256(path):
            return DriveBundle(path, "applied", message=_msg(N_("Already applied.")), **info)
        return DriveBundle(path, "invalid", message=_msg(N_("Reuses a sequence number with other content.")), **info)
    if manifest.sequence < current:
        return DriveBundle(path, "older", message=_msg(N_("Older than the catalog on this laptop.")), **info)
    if manifest.is_delta and manifest.base_sequence != current:
        return DriveBundle(
            path,
            "needs-sequence",
            message=_msg(N_("Needs sequence {needed} first; this laptop has {current}."), needed=manifest.base_sequence, current=current),
            **info,
        )
    return DriveBundle(path, "new", message=_msg(N_("New update.")), **info)


def scan_drive(folder: DataFolder, root: Path) -> list[DriveBundle]:
    return [check_bundle(folder, path) for path in bundle_files(root)]

