"""Taking updates from another laptop: what it offers, what this laptop lacks, and the take itself.

1. ``read_offer``: the peer's index (``peers.index``) and the public key of
   each catalog it offers updates for (a small file, read once per key).
2. ``judge_offer``: each offered update gets the verdict a drive's bundle
   would get (new, already applied, older, needs sequence N, untrusted,
   invalid...), from what the peer says it is. Updates of one catalog are
   judged in order: a delta after a new full bundle is new too.
3. ``take``: each wanted update is downloaded into a staging folder of its
   own (the bundle, its signature, the key), then goes exactly the way of a
   bundle on a USB drive (``bundle.importer``): copied again to the
   importer's staging, signature over that copy, key pinning, every hash,
   the sequence rules, one transaction. A key the laptop does not trust yet
   gets the teacher's question, with its fingerprint, as a key beside a
   bundle on a drive does. The staging folders go, whatever happens.

What the peer says decides only what is downloaded; whatever it sends is
checked as a drive's bundle is, so a lying or broken peer changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from aulalocal.bundle import minisign, space, trust
from aulalocal.bundle.staging import StagingFolder
from aulalocal.bundle.verdict import Verdict, describe, judge
from aulalocal.datafolder import DataFolder
from aulalocal.errors import N_, AulaLocalError, PeerError, SignatureError
from aulalocal.errors import message as _msg
from aulalocal.peers import client
from aulalocal.peers.client import Address, Limits
from aulalocal.peers.index import INDEX_NAME, MAX_INDEX_BYTES, OfferedUpdate, parse_index

Progress = Callable[[str, int, int], None]
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class PeerUpdate:
    """One offered update and what it would be for this laptop."""

    offered: OfferedUpdate
    verdict: Verdict  # what a drive's bundle would be (bundle.verdict)
    message: str  # the verdict in a few translated words
    key: minisign.PublicKey | None  # the key the peer sent for it (hostile until trusted)
    publisher: str | None = None  # the name of the key in this laptop's trust store: None for a key it does not trust

    @property
    def can_apply(self) -> bool:
        return self.verdict.can_apply

    # What a list of updates shows of a drive's bundle (``bundle.scan.DriveBundle``) too.
    @property
    def state(self) -> str:
        """What ``peers --json`` says of it: ``bundle scan --json``'s state names."""
        return self.verdict.scan_state

    @property
    def catalog(self) -> str:
        return self.offered.catalog

    @property
    def sequence(self) -> int:
        return self.offered.sequence

    @property
    def path(self) -> str:
        return self.offered.bundle.name


@dataclass
class PeerOffer:
    address: Address
    updates: list[PeerUpdate] = field(default_factory=list)
    name: str = ""  # as the peer announces itself, when it was found by name

    @property
    def wanted(self) -> list[PeerUpdate]:
        """What this laptop lacks, in the order it applies."""
        return [u for u in self.updates if u.can_apply]

    @property
    def label(self) -> str:
        return label(self.name, self.address)


def label(name: str, address: Address) -> str:
    """What a teacher reads of a computer: its laptop's name and address ("PC1 (192.168.1.20:8080)"), or the address."""
    from aulalocal.peers.discover import laptop_of

    return f"{laptop_of(name)} ({address})" if name else str(address)


@dataclass(frozen=True)
class Unanswered:
    """A computer that a look found or was given, whose offer could not be read."""

    name: str
    address: Address
    reason: str  # the one-line message

    @property
    def label(self) -> str:
        return label(self.name, self.address)


def read_offer(
    folder: DataFolder, address: Address, *, limits: Limits = Limits(), cancel: CancelCheck | None = None,
    name: str = "",
) -> PeerOffer:
    """What the laptop at ``address`` offers, judged for this one. ``PeerError`` if it offers nothing usable."""
    data = client.get_small(address, INDEX_NAME, MAX_INDEX_BYTES, limits=limits, cancel=cancel)
    offered = parse_index(data, str(address))
    keys: dict[str, minisign.PublicKey | AulaLocalError] = {}
    for update in offered:
        if update.key.name not in keys:
            keys[update.key.name] = _read_key(address, update, limits, cancel)
    return judge_offer(folder, PeerOffer(address, name=name), offered, keys)


@dataclass
class Looked:
    """What a look around the network found: the offers, and the computers that did not answer well."""

    offers: list[PeerOffer] = field(default_factory=list)
    failures: list[Unanswered] = field(default_factory=list)

    @property
    def wanted(self) -> list[PeerOffer]:
        return [offer for offer in self.offers if offer.wanted]


def look(
    folder: DataFolder, typed: list[Address] = (), *, seconds: float = 3.0, exclude: list[str] = (),
    limits: Limits = Limits(), cancel: CancelCheck | None = None, browse=None,
) -> Looked:
    """The offers of the AulaLocal laptops found by name in ``seconds`` and of the ``typed`` addresses, judged for this one.

    ``browse``: what finds laptops by name (``discover.browse``; tests pass their own, or ``seconds=0`` skips it).
    """
    from aulalocal.errors import Cancelled

    if browse is None:
        from aulalocal.peers.discover import browse
    found = [(peer.name, peer.address) for peer in browse(seconds, exclude=exclude)] if seconds else []
    known = {address for _name, address in found}
    found += [("", address) for address in typed if address not in known]
    looked = Looked()
    for name, address in found:
        if cancel is not None and cancel():
            raise Cancelled(N_("Cancelled. Nothing was changed."))
        try:
            looked.offers.append(read_offer(folder, address, limits=limits, cancel=cancel, name=name))
        except Cancelled:
            raise
        except AulaLocalError as exc:
            looked.failures.append(Unanswered(name, address, exc.message()))
    return looked


def _read_key(address: Address, update: OfferedUpdate, limits: Limits, cancel) -> "minisign.PublicKey | AulaLocalError":
    """The key file the peer offers for ``update``, if it is one key with the fingerprint and id it announced."""
    data = client.get_small(address, update.key.name, update.key.size, limits=limits, cancel=cancel)
    try:
        key = minisign.parse_public_key(data)
    except SignatureError as exc:
        return exc
    if key.fingerprint != update.fingerprint or key.key_id_hex != update.key_id:
        return SignatureError(N_("The key it comes with is not the one announced."))
    return key


def judge_offer(
    folder: DataFolder, offer: PeerOffer, offered: list[OfferedUpdate],
    keys: dict[str, "minisign.PublicKey | AulaLocalError"],
) -> PeerOffer:
    """Every offered update's verdict, as if those before it of its catalog that apply were applied."""
    from aulalocal.catalog.store import get_state

    store = trust.trust_store(folder.keys_dir)
    states: dict[str, object] = {}
    for update in offered:
        if update.catalog not in states:
            states[update.catalog] = get_state(folder.catalog, update.catalog)
        state = states[update.catalog]
        key = keys.get(update.key.name)
        if isinstance(key, AulaLocalError) or key is None:
            reason = key if key is not None else SignatureError(N_("The key it comes with is not the one announced."))
            offer.updates.append(PeerUpdate(update, Verdict.INVALID, reason.message(), None))
            continue
        verdict, words = _verdict(state, update, key, store)
        known = store.with_id(key.key_id_hex) if verdict.can_apply else None
        # Named as this laptop trusts the key; another computer's word for a key is no one's name.
        publisher = (known.key.comment or None) if known is not None and known.key.same_key(key) else None
        offer.updates.append(PeerUpdate(update, verdict, words, key, publisher))
        if verdict.can_apply:
            # What the catalog will be once this one is applied: the next one is judged against it.
            states[update.catalog] = _after(state, update, key)
    return offer


def _after(state, update: OfferedUpdate, key: minisign.PublicKey):
    from aulalocal.catalog.store import CatalogState

    if state is None:
        state = CatalogState(update.catalog, 0, None, None)
    return dataclasses.replace(state, sequence=update.sequence, file_sha256=update.bundle.sha256,
                               key_id=key.key_id_hex, public_key=key.key.hex())


def _verdict(state, update: OfferedUpdate, key: minisign.PublicKey, store: trust.TrustStore) -> tuple[Verdict, str]:
    """The drive's verdict (``bundle.verdict.judge``: the pin, then the sequence) on what the peer
    says; for a new one, then the trust in the key it comes with."""
    verdict = judge(state, update, update.bundle.sha256, key)
    if verdict is not Verdict.NEW:
        return verdict, describe(verdict, update, state)
    trusted = store.with_id(key.key_id_hex)
    if trusted is not None and not trusted.key.same_key(key):
        return Verdict.INVALID, _msg(
            N_("It comes with a key that claims the id {key_id} of a publisher this laptop trusts, but it is a different key (fingerprint {fingerprint})."),
            key_id=key.key_id_hex, fingerprint=key.fingerprint,
        )
    conflict = store.conflict(key.key_id_hex)
    if conflict is not None:
        return Verdict.INVALID, conflict.message()
    if trusted is None:
        return Verdict.UNTRUSTED, _msg(N_("From a publisher this laptop does not know yet."))
    return verdict, describe(verdict)


# -- the take --------------------------------------------------------------------


@dataclass(frozen=True)
class Taken:
    """One update taken: the importer's result, or the bundle check's for ``verify_only``."""

    update: PeerUpdate
    result: object

    @property
    def changes(self):
        from aulalocal.catalog.changes import NOTHING

        return getattr(self.result, "changes", NOTHING)


def take(
    folder: DataFolder,
    offer: PeerOffer,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    trust_unknown_key=None,
    limits: Limits = Limits(),
    verify_only: bool = False,
) -> list[Taken]:
    """Download and apply (or only check) every update the peer has that this laptop lacks, in order.

    Stops at the first that fails, with its error; those applied before it stay applied, each
    whole (one transaction each), as from a drive with several bundles.
    """
    states: dict[str, object] = {}  # verify_only: each catalog as the updates checked so far would make it
    return [
        take_update(folder, offer.address, update, progress=progress, cancel=cancel, trust_unknown_key=trust_unknown_key,
                    limits=limits, verify_only=verify_only, states=states)
        for update in offer.wanted
    ]


def take_update(
    folder: DataFolder,
    address: Address,
    update: PeerUpdate,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    trust_unknown_key=None,
    limits: Limits = Limits(),
    verify_only: bool = False,
    states: dict | None = None,
) -> Taken:
    """One update: its files downloaded into a staging folder of its own, then imported (or checked) from there."""
    offered = update.offered
    with StagingFolder(folder.staging_dir) as staging:
        # The download, then the importer's own copy of it.
        space.check_free(folder.path, 2 * space.staging_needs(offered.bundle.size))
        total, offset = sum(part.size for part in offered.files), 0
        for part in (offered.signature, offered.key, offered.bundle):
            client.download(address, part, staging.path / part.name, limits=limits, cancel=cancel,
                            progress=_downloaded(progress, offset, total))
            offset += part.size
        bundle = staging.path / offered.bundle.name
        # The importer's copy of a file already on this disk is the first pass of its check, not a drive read.
        checking = (lambda phase, done, total: progress("verify" if phase == "copy" else phase, done, total)) if progress else None
        if verify_only:
            return Taken(update, _check(folder, bundle, update, {} if states is None else states, checking, cancel))
        from aulalocal.bundle.importer import import_bundle

        return Taken(update, import_bundle(folder, bundle, progress=checking, cancel=cancel,
                                           trust_unknown_key=trust_unknown_key))


def _downloaded(progress: Progress | None, offset: int, total: int):
    """One file's progress, as the ``download`` phase over all files of the take."""
    return (lambda done: progress("download", offset + done, total)) if progress is not None else None


def _check(folder: DataFolder, bundle, update: PeerUpdate, states: dict, progress, cancel):
    """``bundle verify`` on a downloaded bundle (``importer.CheckedBundle``); its sequence against this
    laptop's catalog, or against the one the updates checked before it in this take would make."""
    from aulalocal.bundle.importer import check_bundle
    from aulalocal.catalog.store import get_state

    def state_of(catalog: str):
        if catalog not in states:
            states[catalog] = get_state(folder.catalog, catalog)
        return states[catalog]

    checked = check_bundle(folder, bundle, progress=progress, cancel=cancel, state_of=state_of)
    _same_as_announced(update, checked)
    states[checked.catalog] = _after(states[checked.catalog], update.offered, update.key)
    return checked


def _same_as_announced(update: PeerUpdate, manifest) -> None:
    offered = update.offered
    if (manifest.catalog, manifest.sequence, manifest.base_sequence) != (offered.catalog, offered.sequence, offered.base_sequence):
        raise PeerError(
            N_("The update is not what the other computer announced (it said catalog {catalog} sequence {sequence}). It was not applied."),
            catalog=offered.catalog, sequence=offered.sequence,
        )
