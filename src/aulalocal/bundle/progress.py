"""How the bundle code's long work says how far it got, and how it is stopped: one way for all of it.

Every long function takes ``progress`` and ``cancel`` keywords (both optional):
``progress(phase, done, total)`` with a phase name ("copy", "verify",
"check", "apply", "rebuild", "export", "sign") and a count of bytes or
records (``total`` 0 while it is not known), and ``cancel()``, asked between
steps, which stops the work with ``Cancelled`` once it returns true.
"""

from __future__ import annotations

from collections.abc import Callable

from aulalocal.errors import N_, Cancelled

Progress = Callable[[str, int, int], None]
CancelCheck = Callable[[], bool]

NOTHING_CHANGED = N_("Cancelled. Nothing was changed.")


def check_cancel(cancel: CancelCheck | None, message: str = NOTHING_CHANGED) -> None:
    """``Cancelled`` (with ``message``) if ``cancel()`` says so."""
    if cancel is not None and cancel():
        raise Cancelled(message)
