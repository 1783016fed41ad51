"""What a bundle would do on this laptop: one verdict for every place that asks (spec section 6, steps 1 and 3).

A bundle is judged by what it is once verified: its manifest's header and
the key that signed it. So a bundle on a drive (``bundle.scan``), one being
imported (``bundle.importer``, ``bundle.apply``), and one another laptop
offers get the same answer, from the same rules: the catalog's pinned key
first, then the sequence. The words for each verdict are here too: the
short ones a list of bundles shows (``describe``), and the errors that
refuse a bundle (``refusal``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from aulalocal.errors import N_, AulaLocalError, SequenceError
from aulalocal.errors import message as _msg

if TYPE_CHECKING:
    from aulalocal.bundle.minisign import PublicKey
    from aulalocal.catalog.store import CatalogState


class Header(Protocol):
    catalog: str
    sequence: int
    base_sequence: int | None

    @property
    def is_delta(self) -> bool: ...


class Verdict(enum.Enum):
    NEW = "new"  # applies here
    APPLIED = "applied"  # this very file is the catalog's current sequence: nothing to do
    OLDER = "older"  # older than the catalog here: never a rollback
    NEEDS_SEQUENCE = "needs-sequence"  # a delta over a sequence this laptop is not at
    REUSED_SEQUENCE = "reused-sequence"  # the laptop's sequence, with other content
    OTHER_KEY = "other-key"  # signed by a key other than the one the catalog is bound to
    UNTRUSTED = "untrusted"  # signed by a key this laptop does not trust (yet)
    UNSIGNED = "unsigned"  # no signature beside it
    INVALID = "invalid"  # damaged, or not a bundle

    @property
    def scan_state(self) -> str:
        """The state ``bundle scan --json`` prints (its names are a contract: a wrong key or a reused sequence is "invalid")."""
        return INVALID_STATE if self in (Verdict.REUSED_SEQUENCE, Verdict.OTHER_KEY) else self.value

    @property
    def can_apply(self) -> bool:
        """Worth offering: new, or new once the teacher trusts its key."""
        return self in (Verdict.NEW, Verdict.UNTRUSTED)

    @property
    def nothing_to_do(self) -> bool:
        """The laptop has this update or a later one."""
        return self in (Verdict.APPLIED, Verdict.OLDER)

    @classmethod
    def of_scan_state(cls, state: "Verdict | str") -> "Verdict":
        """The verdict a ``scan_state`` names (a reused sequence or a wrong key read back as invalid)."""
        return state if isinstance(state, Verdict) else cls(state)


INVALID_STATE = Verdict.INVALID.value


def current_sequence(state: "CatalogState | None") -> int:
    """The sequence the laptop has of a catalog (0: none of it)."""
    return state.sequence if state else 0


def pinned_elsewhere(state: "CatalogState | None", key: "PublicKey") -> bool:
    """Whether a catalog (its ``CatalogState``, or None if new) is bound to a key other than ``key``.

    The shipped catalog is bound to no key, so no bundle replaces it.
    """
    if state is None:
        return False
    if state.public_key is not None:
        return state.public_key != key.key.hex()
    return state.key_id != key.key_id_hex


def judge(
    state: "CatalogState | None",
    header: Header,
    file_sha256: str | Callable[[], str],
    key: "PublicKey | None" = None,
) -> Verdict:
    """What the verified bundle ``header`` (signed by ``key``) would do to a catalog in ``state``.

    ``file_sha256`` is the bundle file's SHA-256, or what computes it: it is
    needed only when the bundle has the laptop's own sequence. Without
    ``key`` (the shipped seed, or a key checked already) the pin is not
    looked at.
    """
    if key is not None and pinned_elsewhere(state, key):
        return Verdict.OTHER_KEY
    current = current_sequence(state)
    if header.sequence == current:
        sha = file_sha256 if isinstance(file_sha256, str) else file_sha256()
        return Verdict.APPLIED if state and state.file_sha256 == sha else Verdict.REUSED_SEQUENCE
    if header.sequence < current:
        return Verdict.OLDER
    if header.is_delta and header.base_sequence != current:
        return Verdict.NEEDS_SEQUENCE
    return Verdict.NEW


def describe(verdict: Verdict, header: Header | None = None, state: "CatalogState | None" = None) -> str:
    """The verdict on a verified bundle in a few translated words, for a list of bundles."""
    if verdict is Verdict.NEEDS_SEQUENCE:
        return _msg(N_("Needs sequence {needed} first; this laptop has {current}."),
                    needed=header.base_sequence, current=current_sequence(state))
    return _msg(_WORDS[verdict])


_WORDS = {
    Verdict.NEW: N_("New update."),
    Verdict.APPLIED: N_("Already applied."),
    Verdict.OLDER: N_("Older than the catalog on this laptop."),
    Verdict.REUSED_SEQUENCE: N_("Reuses a sequence number with other content."),
    Verdict.OTHER_KEY: N_("Signed by a key other than this catalog's."),
    Verdict.UNSIGNED: N_("No signature: it will not be applied."),
}


def refusal(
    verdict: Verdict, state: "CatalogState | None", header: Header, key: "PublicKey | None" = None
) -> AulaLocalError | None:
    """The error that refuses a bundle with this verdict; None for one that applies (or has nothing to do)."""
    if verdict is Verdict.OTHER_KEY:
        from aulalocal.bundle.trust import pin_error

        return pin_error(header.catalog, state, key)
    if verdict is Verdict.REUSED_SEQUENCE:
        return SequenceError(
            N_(
                "This bundle reuses sequence {sequence} of catalog {catalog} with different"
                " content. Ask the publisher for a corrected bundle."
            ),
            sequence=header.sequence,
            catalog=header.catalog,
        )
    if verdict is Verdict.OLDER:
        return SequenceError(
            N_(
                "This bundle is older (sequence {sequence}) than the catalog on this laptop"
                " (sequence {current}); nothing was changed."
            ),
            sequence=header.sequence,
            current=current_sequence(state),
        )
    if verdict is Verdict.NEEDS_SEQUENCE:
        return SequenceError(
            N_(
                "This update needs catalog {catalog} at sequence {needed}, but this laptop has"
                " sequence {current}. Apply the missing updates first, or a full bundle."
            ),
            catalog=header.catalog,
            needed=header.base_sequence,
            current=current_sequence(state),
        )
    return None
