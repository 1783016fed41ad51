"""Verifying and applying a bundle from a drive (spec sections 1 to 6, in that order).

1. The ``.minisig`` beside the bundle is read (small, capped) and parsed.
2. The bundle is copied to the staging folder; only the copy is read after.
3. The signature's key must be trusted (or accepted by the teacher, for a key
   found beside the bundle on the drive); the whole copy is verified.
4. Only then is the archive opened: layout, manifest, every file's hash.
5. The catalog's pinned key, the sequence, every record; then one transaction.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aulalocal.bundle import minisign, space, trust
from aulalocal.bundle.apply import ApplyResult, LineSource, apply_operations, check_sequence, validate_all
from aulalocal.bundle.archive import BundleArchive, open_archive
from aulalocal.bundle.limits import Limits
from aulalocal.bundle.manifest import Manifest
from aulalocal.bundle.earlymedia import EarlyMedia
from aulalocal.bundle.kept import PENDING, kept_name, settle
from aulalocal.bundle.lock import import_lock
from aulalocal.bundle.media import intact
from aulalocal.bundle.progress import CancelCheck, Progress
from aulalocal.bundle.staging import StagedFile, StagingFolder, disk_error, read_small, stage
from aulalocal.bundle.verdict import Verdict, judge, refusal
from aulalocal.catalog.store import CatalogState, get_state
from aulalocal.datafolder import DataFolder
from aulalocal.errors import N_, SignatureError
from aulalocal.fileio import AtomicFiles, ensure_folder, link_or_copy, name_synced, write_atomically

# Asked when a bundle is signed by a key this laptop does not trust yet but
# whose public key lies beside it on the drive; the question shows its
# comment, key id and fingerprint.
TrustQuestion = Callable[[minisign.PublicKey], bool]

# Public keys read beside a bundle on a drive, at most (each is tiny).
MAX_KEYS_BESIDE = 20


@dataclass
class VerifiedBundle:
    source: Path
    staged: StagedFile
    signature: bytes
    key_id: str
    archive: BundleArchive
    key: minisign.PublicKey
    staging: StagingFolder | None  # made for this bundle alone, removed with it

    @property
    def manifest(self) -> Manifest:
        return self.archive.manifest

    def lines(self, cancel: CancelCheck | None = None) -> LineSource:
        """The records' lines in apply order, as ``apply_operations`` reads them (one pass per call)."""
        archive = self.archive

        def read():
            for name in archive.manifest.record_files:
                for number, line in archive.iter_record_lines(name, cancel=cancel):
                    yield line, f"{name}:{number}"

        return read

    def close(self) -> None:
        self.archive.close()
        try:
            self.staged.path.unlink()
        except OSError:
            pass
        if self.staging is not None:
            self.staging.close()


def signature_path(bundle: Path) -> Path:
    return bundle.with_name(bundle.name + ".minisig")


@dataclass
class KeysBeside:
    """The public key files beside a bundle on a drive: hostile until a person says otherwise."""

    keys: list[minisign.PublicKey]
    bad: list[SignatureError]  # files that are not one key, each with why

    def with_id(self, key_id: str) -> minisign.PublicKey | None:
        return next((k for k in self.keys if k.key_id_hex == key_id), None)

    def impostor_of(self, trusted: minisign.PublicKey) -> minisign.PublicKey | None:
        """A key that claims a trusted key's id but is another key."""
        return next(
            (k for k in self.keys if k.key_id_hex == trusted.key_id_hex and not k.same_key(trusted)), None
        )


def keys_beside(bundle: Path) -> KeysBeside:
    found = KeysBeside([], [])
    try:
        candidates = sorted(bundle.parent.glob("*.pub"))[:MAX_KEYS_BESIDE]
    except OSError:
        return found
    for path in candidates:
        try:
            found.keys.append(trust.read_key_file(path))
        except SignatureError as exc:
            found.bad.append(exc)
    return found


def _untrusted(key_id: str) -> SignatureError:
    return SignatureError(
        N_(
            "This bundle is signed by key {key_id}, which this laptop does not trust."
            " Ask your school IT helper to add the publisher's key ('aulalocal trust add')."
        ),
        key_id=key_id,
    )


def resolve_key(
    folder: DataFolder, bundle: Path, signature: minisign.Signature, trust_unknown_key: TrustQuestion | None
) -> minisign.PublicKey:
    """The trusted key that must have made ``signature``; with ``trust_unknown_key``,
    a key beside the bundle that the teacher accepts (and that is remembered)."""
    key_id = signature.key_id_hex
    store = trust.trust_store(folder.keys_dir)
    trusted = store.with_id(key_id)
    if trusted is not None:
        return trusted.key
    conflict = store.conflict(key_id)
    if conflict is not None:
        raise conflict
    if trust_unknown_key is None:
        raise _untrusted(key_id)
    beside = keys_beside(bundle)
    key = beside.with_id(key_id)
    if key is None and beside.bad:
        raise SignatureError(
            N_("This bundle is signed by key {key_id}, which this laptop does not trust. {reason}"),
            key_id=key_id, reason=beside.bad[0],
        )
    if key is not None and trust_unknown_key(key):
        trust.add_key(folder.keys_dir, key)  # the teacher's decision is remembered
        return key
    raise _untrusted(key_id)


def verify_signature(
    bundle: Path, path: Path, signature: minisign.Signature, key: minisign.PublicKey,
    progress: Progress | None = None, cancel: CancelCheck | None = None, blake2b_digest: bytes | None = None,
) -> None:
    """``minisign.verify_file``; a failure names an impostor key found beside the bundle."""
    try:
        minisign.verify_file(path, signature, key, progress, cancel, blake2b_digest=blake2b_digest)
    except SignatureError:
        impostor = keys_beside(bundle).impostor_of(key)
        if impostor is not None:
            raise SignatureError(
                N_("This bundle comes with a key that claims the id {key_id} of a publisher this laptop"
                   " trusts, but it is a different key (fingerprint {fingerprint}). It was not applied."),
                key_id=key.key_id_hex, fingerprint=impostor.fingerprint,
            ) from None
        raise


def verify_bundle(
    folder: DataFolder,
    bundle: Path,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    trust_unknown_key: TrustQuestion | None = None,
    limits: Limits = Limits(),
    check_contents: bool = True,
    early_media: EarlyMedia | None = None,
    staging: StagingFolder | None = None,
) -> VerifiedBundle:
    """Steps 1 and 2 of spec section 6 on a staged copy; the caller must ``close()`` it.

    ``check_contents=False`` leaves the per-file SHA-256 checks to the reader
    that streams each file anyway (the importer), so nothing is read twice.
    ``early_media`` copies media out as the bundle is staged into ``staging``
    (the importer's, which it removes); without it, a staging folder is made
    for the bundle and removed by ``close()``.
    """
    sig_file = signature_path(bundle)
    if not os.path.lexists(sig_file):
        raise SignatureError(
            N_("{name} has no signature file ({name}.minisig beside it), so it cannot be trusted."),
            name=bundle.name,
        )
    signature = read_small(sig_file)
    parsed = minisign.parse_signature(signature)
    own = StagingFolder(folder.staging_dir) if staging is None else None
    try:
        staged = stage(bundle, (staging or own).path, limits.max_archive_size, progress, cancel, early_media)
    except BaseException:
        if own is not None:
            own.close()
        raise
    if progress:
        progress("verify", 0, staged.size)  # the drive is not read from here on
    try:
        key = resolve_key(folder, bundle, parsed, trust_unknown_key)
        verify_signature(
            bundle,
            staged.path,
            parsed,
            key,
            progress,
            cancel,
            blake2b_digest=staged.blake2b,
        )
        archive = open_archive(staged.path, limits)
    except BaseException:
        staged.path.unlink(missing_ok=True)
        if own is not None:
            own.close()
        raise
    verified = VerifiedBundle(bundle, staged, signature, key.key_id_hex, archive, key, own)
    try:
        _check_pinned_key(folder, verified)
        if check_contents:
            archive.verify_all(progress, cancel)
    except BaseException:
        verified.close()
        raise
    return verified


@dataclass(frozen=True)
class CheckedBundle:
    """What ``check_bundle`` found: the bundle, its signer, its records, and whether it is here already."""

    catalog: str
    sequence: int
    base_sequence: int | None
    publisher: str
    key_id: str
    fingerprint: str
    records: int
    up_to_date: bool

    def as_json(self) -> dict:
        """The ``bundle verify --json`` object."""
        return dict(vars(self))


def check_bundle(
    folder: DataFolder, bundle: Path, *, progress: Progress | None = None, cancel: CancelCheck | None = None,
    state_of: Callable[[str], CatalogState | None] | None = None,
) -> CheckedBundle:
    """Spec section 6 steps 1 to 4, changing nothing (``bundle verify``).

    Raises what an import would raise for the same bundle, but for one the
    laptop has already: that is ``up_to_date``. ``state_of`` gives the
    catalog's state to check the sequence against (default: this laptop's;
    ``peers.take``: as the updates checked before it would make it).
    """
    verified = verify_bundle(folder, bundle, progress=progress, cancel=cancel)
    try:
        manifest = verified.manifest
        records = validate_all(manifest, verified.lines(cancel), None, cancel)
        state = (state_of or (lambda catalog: get_state(folder.catalog, catalog)))(manifest.catalog)
        up_to_date = check_sequence(state, manifest, verified.staged.sha256)
    finally:
        verified.close()
    return CheckedBundle(
        catalog=manifest.catalog,
        sequence=manifest.sequence,
        base_sequence=manifest.base_sequence,
        publisher=manifest.publisher,
        key_id=verified.key_id,
        fingerprint=verified.key.fingerprint,
        records=records,
        up_to_date=up_to_date,
    )


def _check_pinned_key(folder: DataFolder, verified: VerifiedBundle) -> None:
    """Step 1's pin, before the archive's files are read (the sequence waits for step 3)."""
    manifest = verified.manifest
    state = get_state(folder.catalog, manifest.catalog)
    if judge(state, manifest, verified.staged.sha256, verified.key) is Verdict.OTHER_KEY:
        raise refusal(Verdict.OTHER_KEY, state, manifest, verified.key)


def _write_media(
    folder: DataFolder, verified: VerifiedBundle, files: AtomicFiles, early: EarlyMedia,
    progress: Progress | None, cancel: CancelCheck | None,
) -> list[Path]:
    """Media files by content hash, each checked against the manifest.

    A copy made while the bundle was staged is named if the archive holds
    exactly those bytes there; any other file is copied now, and checked as
    it is. A crash leaves at most an unused file, never a wrong one. Returns
    the files this import created, to remove if it fails.
    """
    media_dir = folder.media_dir
    names = verified.manifest.media_files
    total = sum(verified.manifest.files[n].size for n in names)
    done = 0
    created: list[Path] = []

    def counted(base: int):
        """One entry's progress, as progress over all media."""
        return (lambda _phase, entry_done, _size: progress("verify", base + entry_done, total)) if progress else None

    def fill_with(name: str, base: int):
        # The copy checks the hashes at its end, before the file gets its name.
        return lambda fh: verified.archive.copy_entry(name, fh, counted(base), cancel)

    try:
        for name in names:
            target = media_dir / name.split("/", 1)[1]
            size = verified.manifest.files[name].size
            exists = target.exists()
            # A copy already there is used only if its bytes match its name:
            # a damaged one is written over (and then kept, being right).
            if not exists or not intact(target):
                ensure_folder(media_dir)
                if not exists:
                    created.append(target)
                copy = early.copies.get(name)
                if copy and verified.archive.holds(name, copy.offset, copy.size, copy.sha256, copy.crc32):
                    name_synced(early.take(name).synced, copy.part, target)
                    if progress:
                        progress("verify", done + size, total)
                else:
                    files.write(target, fill_with(name, done))
            done += size
        files.wait()  # every file handed over synced and named
    except BaseException:
        files.settle()  # none may get its name after the removal
        _remove(created)
        raise
    return created


def _keep_original(folder: DataFolder, verified: VerifiedBundle) -> str:
    """Keep the signed file so the teacher can pass it on (``bundle export``).

    A hard link to the staged copy costs nothing; a copy where links fail. It
    is not synced: export checks it against the ledger's SHA-256, so a copy
    damaged by a power cut is never passed on. It is ``<name>.pending`` until
    the apply is committed (``kept.settle`` names it).
    """
    manifest = verified.manifest
    name = kept_name(manifest.catalog, manifest.sequence, verified.staged.sha256)
    target = ensure_folder(folder.bundles_dir) / name
    try:
        kept = stat.S_ISREG(os.lstat(target).st_mode)
    except FileNotFoundError:
        kept = False
    if not kept:
        link_or_copy(verified.staged.path, target.with_name(name + PENDING))
    write_atomically(target.with_name(name + ".minisig"), [verified.signature])
    return name


def _check_space(folder: DataFolder, verified: VerifiedBundle, early: EarlyMedia) -> Callable[[int], None]:
    """Before anything is written: room for the media not here yet and the catalog's growth.

    Returns the check made again once the records are counted, before the
    catalog is written (``apply_operations(before_write=...)``).
    """
    manifest = verified.manifest
    record_bytes = sum(manifest.files[name].size for name in manifest.record_files)
    media = sum(
        manifest.files[name].size
        for name in manifest.media_files
        if not (folder.media_dir / name.split("/", 1)[1]).exists()
    )
    kind = {"delta": manifest.is_delta}
    on_disk = verified.staged.size + sum(copy.size for copy in early.copies.values())
    needed = space.apply_needs(verified.staged.size, record_bytes, media, **kind)
    space.check_free(folder.path, needed, already=on_disk)

    def counted(records: int) -> None:
        # The staged copy and the media are on the disk by now.
        already = verified.staged.size + media
        needed = space.apply_needs(verified.staged.size, record_bytes, media, records, **kind)
        space.check_free(folder.path, needed, already=already)

    return counted


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink()
        except OSError:
            pass


def import_bundle(
    folder: DataFolder,
    bundle: Path,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    trust_unknown_key: TrustQuestion | None = None,
    limits: Limits = Limits(),
) -> ApplyResult:
    """Verify, then apply, all or nothing. One import at a time per data folder."""
    try:
        with import_lock(folder.path), StagingFolder(folder.staging_dir) as staging:
            settle(folder.bundles_dir, folder.catalog)
            try:
                size = os.stat(bundle).st_size
            except OSError:
                size = None  # staging says what is wrong with it
            if size is not None:
                space.check_free(folder.path, space.staging_needs(size))
            # Leaving the block waits for every file handed to the syncer,
            # and removes the early copies that were not used.
            with AtomicFiles() as files, EarlyMedia(staging.path, files) as early:
                verified = verify_bundle(
                    folder, bundle, progress=progress, cancel=cancel,
                    trust_unknown_key=trust_unknown_key, limits=limits, check_contents=False,
                    early_media=early, staging=staging,
                )
                try:
                    return _apply(folder, verified, files, early, progress, cancel)
                finally:
                    verified.close()
    except OSError as exc:
        raise disk_error(exc, bundle) from exc


def _apply(folder, verified: VerifiedBundle, files, early, progress, cancel) -> ApplyResult:
    manifest = verified.manifest
    # Sequence before writing anything, so a refused bundle leaves no file behind.
    if check_sequence(get_state(folder.catalog, manifest.catalog), manifest, verified.staged.sha256):
        return ApplyResult(manifest.catalog, manifest.sequence, up_to_date=True, publisher=manifest.publisher)
    room_for_records = _check_space(folder, verified, early)
    new_media = _write_media(folder, verified, files, early, progress, cancel)
    try:
        stored = _keep_original(folder, verified)
    except BaseException:
        _remove(new_media)
        raise
    try:
        return apply_operations(
            folder.catalog,
            manifest,
            verified.lines(cancel),
            key_id=verified.key_id,
            public_key=verified.key.key.hex(),
            file_sha256=verified.staged.sha256,
            stored_file=stored,
            progress=progress,
            cancel=cancel,
            before_write=room_for_records,
        )
    except BaseException:
        _remove(new_media)
        raise
    finally:
        try:
            settle(folder.bundles_dir, folder.catalog)  # named if applied, removed if not
        except (OSError, sqlite3.Error):
            pass  # settled at the next import or repair
