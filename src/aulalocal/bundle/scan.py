"""What a drive holds: the bundles at its root and in ``AulaLocal/``, checked, not assumed.

Scanning applies nothing and copies nothing: it verifies each signature and
reads each manifest on the drive to say what the bundle would do here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from aulalocal.bundle import minisign
from aulalocal.bundle.archive import open_archive
from aulalocal.bundle.importer import keys_beside, resolve_key, signature_path, verify_signature
from aulalocal.bundle.staging import read_small
from aulalocal.bundle.verdict import Verdict, describe, judge
from aulalocal.catalog.store import get_state
from aulalocal.datafolder import DataFolder
from aulalocal.errors import AulaLocalError, SignatureError


@dataclass(frozen=True)
class DriveBundle:
    path: Path
    verdict: Verdict  # a scan state ("new", "invalid"...) is read as the verdict it names
    catalog: str | None = None
    sequence: int | None = None
    base_sequence: int | None = None
    publisher: str | None = None
    key_id: str | None = None
    message: str = ""
    # The signing key's fingerprint: of the trusted key, or for an untrusted
    # bundle of the key beside it on the drive (what the teacher will be asked).
    fingerprint: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", Verdict.of_scan_state(self.verdict))

    @property
    def state(self) -> str:
        """What ``bundle scan --json`` says of it."""
        return self.verdict.scan_state

    @property
    def can_apply(self) -> bool:
        return self.verdict.can_apply


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


def drive_bundle(folder: DataFolder, path: Path) -> DriveBundle:
    """What one bundle file on a drive would do on this laptop (``bundle.verdict``)."""
    if not signature_path(path).exists():
        return DriveBundle(path, Verdict.UNSIGNED, message=describe(Verdict.UNSIGNED))
    try:
        signature = minisign.parse_signature(read_small(signature_path(path)))
        try:
            key = resolve_key(folder, path, signature, None)
        except SignatureError as exc:
            beside = keys_beside(path).with_id(signature.key_id_hex)
            return DriveBundle(
                path, Verdict.UNTRUSTED, key_id=signature.key_id_hex, message=exc.message(),
                fingerprint=beside.fingerprint if beside else None,
            )
        verify_signature(path, path, signature, key)
        with open_archive(path) as archive:
            manifest = archive.manifest
    except AulaLocalError as exc:
        return DriveBundle(path, Verdict.INVALID, message=exc.message())
    state = get_state(folder.catalog, manifest.catalog)
    verdict = judge(state, manifest, lambda: _sha256(path), key)
    return DriveBundle(
        path,
        verdict,
        catalog=manifest.catalog,
        sequence=manifest.sequence,
        base_sequence=manifest.base_sequence,
        publisher=manifest.publisher,
        key_id=key.key_id_hex,
        message=describe(verdict, manifest, state),
        fingerprint=key.fingerprint,
    )


def scan_drive(folder: DataFolder, root: Path) -> list[DriveBundle]:
    return [drive_bundle(folder, path) for path in bundle_files(root)]
