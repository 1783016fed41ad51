"""What the system says (English, from the C library) never reaches a teacher's message."""

from __future__ import annotations

import errno
import os

import pytest

from aulalocal import i18n
from aulalocal.bundle.export import _write_error
from aulalocal.errors import StorageError, system_reason

NUMBERS = [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOENT,
           errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG, errno.EIO, errno.ENXIO, errno.ENODEV,
           errno.EBUSY, errno.EINVAL]


@pytest.mark.parametrize("lang", ["es", "qu"])
@pytest.mark.parametrize("number", NUMBERS)
def test_a_system_reason_is_in_the_teachers_language(real_translations, lang, number):
    i18n.set_language(lang)
    exc = OSError(number, os.strerror(number))
    reason = str(system_reason(exc))
    assert reason and os.strerror(number).lower() not in reason.lower()
    i18n.set_language("en")
    assert str(system_reason(exc)) != reason  # translated, not the English phrase


def test_a_drive_that_refuses_a_copy_is_said_in_spanish(real_translations, tmp_path):
    i18n.set_language("es")
    error = _write_error(OSError(errno.EACCES, os.strerror(errno.EACCES)), tmp_path)
    assert isinstance(error, StorageError)
    text = error.message()
    assert "Permission denied" not in text and "\n" not in text
    assert str(system_reason(OSError(errno.EACCES, ""))) in text
