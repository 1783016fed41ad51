"""Qt's own dialogs (file, print, standard buttons) speak Spanish in es; in qu the file dialog and its
buttons speak Quechua (translations/qt/qu.po), Qt's other dialogs Spanish (Qt ships no Quechua)."""

import pytest
from PySide6.QtCore import QCoreApplication

from aulalocal.ui.app import _install_qt_translator


@pytest.mark.parametrize("lang, expected", [("es", "Cancelar"), ("qu", "Ama niy"), ("en", "Cancel")])
def test_qt_standard_strings_follow_the_language(qapp, lang, expected):
    _install_qt_translator(qapp, lang)
    try:
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == expected
    finally:
        _install_qt_translator(qapp, "en")
