"""The error family of AulaLocal.

Core code raises these with an untranslated message template (marked with
``N_`` so babel extracts it) and its parameters; the CLI and the UI translate
it in one place, ``AulaLocalError.message()``, and map it to an exit code or a
dialog. A teacher never sees a traceback.
"""

from __future__ import annotations


def N_(template: str) -> str:
    """Mark a string for translation without translating it yet."""
    return template


class AulaLocalError(Exception):
    """Base of every error a user may see. Exit status 1 (spec section 7)."""

    exit_code = 1

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template.format(**params) if params else template)
        self.template = template
        self.params = params

    def message(self) -> str:
        """The one-line message in the user's language."""
        from aulalocal.i18n import gettext

        text = gettext(self.template)
        return text.format(**self.params) if self.params else text


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


class Cancelled(AulaLocalError):
    """The user cancelled; nothing was changed."""

    exit_code = 1
