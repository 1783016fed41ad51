"""The error family of AulaLocal.

Core code raises these with an untranslated message template (marked with
``N_`` so babel extracts it) and its parameters; the CLI and the UI translate
it in one place, ``message()``, and map it to an exit code or a dialog. A
teacher never sees a traceback.

Parameters come from bundles, drives and databases (key names, file names,
publisher names), so ``message()`` makes each one a single line with its
control characters visible (``aulalocal.safetext``) and cuts it at
``MAX_PARAMETER`` characters: whatever they hold, an error is one line.
"""

from __future__ import annotations

import errno

from aulalocal.safetext import fill

# Long enough for any path a laptop or a drive has; a 100 kB key name is cut.
MAX_PARAMETER = 400


def N_(template: str) -> str:
    """Mark a string for translation without translating it yet."""
    return template


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message whose noun follows its ``count`` parameter ("1 file", "2 files")."""
    return singular, plural


Template = str | tuple[str, str]


class Phrase:
    """A message part (a reason, a problem) translated when the whole message is."""

    def __init__(self, template: str) -> None:
        self.template = template

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __str__(self) -> str:
        from aulalocal.i18n import gettext

        return gettext(self.template)


# What the system said, in the teacher's words: its own text is English.
_SYSTEM_REASONS = (
    ((errno.ENOSPC, errno.EDQUOT), N_("the disk is full")),
    ((errno.EROFS,), N_("the disk is read-only")),
    ((errno.EACCES, errno.EPERM), N_("this user may not write there")),
    ((errno.ENOENT, errno.ENOTDIR), N_("the folder does not exist")),
    ((errno.EISDIR,), N_("a folder has that name")),
    ((errno.ENAMETOOLONG,), N_("the name is too long")),
    ((errno.EIO, errno.ENXIO, errno.ENODEV), N_("the disk could not be read or written (was the drive removed?)")),
)


def system_reason(exc: OSError) -> Phrase:
    """Why the system refused, as a translated phrase; the English detail belongs in the log."""
    for numbers, template in _SYSTEM_REASONS:
        if exc.errno in numbers:
            return Phrase(template)
    return Phrase(N_("the system refused it"))


def message(template: Template, **params: object) -> str:
    """``template`` translated, with its parameters made safe; see the module's docstring."""
    from aulalocal.i18n import gettext, ngettext

    if isinstance(template, tuple):
        return _fill(ngettext(*template, params["count"]), params)
    return _fill(gettext(template), params)


def _fill(template: str, params: dict) -> str:
    if not params:  # a template without parameters is text, braces and all
        return template
    return fill(template, **{name: _cut(value) for name, value in params.items()})


def _cut(value: object) -> object:
    if isinstance(value, AulaLocalError):
        # The reason inside another message ("the key file X cannot be used:
        # ..."): translated with it; its own parameters are cut already.
        return value.message()
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return text if len(text) <= MAX_PARAMETER else text[:MAX_PARAMETER] + "…"


class AulaLocalError(Exception):
    """Base of every error a user may see. Exit status 1 (spec section 7)."""

    exit_code = 1

    def __init__(self, template: Template, **params: object) -> None:
        english = template if isinstance(template, str) else template[params["count"] != 1]
        super().__init__(_fill(english, params))
        self.template = template
        self.params = params

    def message(self) -> str:
        """The one-line message in the user's language."""
        return message(self.template, **self.params)


class UsageError(AulaLocalError):
    exit_code = 2


class SignatureError(AulaLocalError):
    """Signature missing, invalid, or by an untrusted or wrong key."""

    exit_code = 3


class BundleError(AulaLocalError):
    """Invalid bundle: archive, manifest, hashes, limits, records."""

    exit_code = 4


class SequenceError(AulaLocalError):
    """Sequence refused: rollback, reused sequence, wrong base."""

    exit_code = 5


class StorageError(AulaLocalError):
    """Disk full, unreadable drive, read-only or corrupt data folder."""

    exit_code = 1


class PeerError(AulaLocalError):
    """Another computer on the network could not be reached, or what it sent cannot be used (docs/network-updates.md)."""

    exit_code = 1


class DamagedCatalog(StorageError):
    """``catalog.db`` cannot be used as it is: ``aulalocal doctor --repair`` rebuilds it."""


class Cancelled(AulaLocalError):
    """The user cancelled; nothing was changed."""

    exit_code = 1


class SpeechError(AulaLocalError):
    """Reading aloud is not possible: the voice data is missing or damaged, or there is no sound output."""

    exit_code = 1
