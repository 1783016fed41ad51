"""Key names as Latin American keyboards print them (Ctrl, Mayús, Intro, Re Pág, Alt+←): one table for the whole window.

Qt writes the shortcuts of the menus itself, with its "QShortcut"
translations: English "Shift" without one, Spain's "Control" and
"Mayúsculas" with Qt's Spanish. ``KeyNames`` answers those from the app's
catalog instead, and ``text`` writes a shortcut the same way for the help,
tooltips and placeholders, so a key is named alike wherever it is named.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtGui import QKeySequence

from aulalocal.i18n import pgettext


def key_names() -> dict[str, str]:
    """Qt's English name of each key a teacher may see, in the current language."""
    return {
        "Ctrl": pgettext("key", "Ctrl"),
        "Shift": pgettext("key", "Shift"),
        "Alt": pgettext("key", "Alt"),
        "Esc": pgettext("key", "Esc"),
        "Tab": pgettext("key", "Tab"),
        "Backtab": pgettext("key", "Backtab"),
        "Backspace": pgettext("key", "Backspace"),
        "Return": pgettext("key", "Return"),
        "Enter": pgettext("key", "Enter"),
        "Del": pgettext("key", "Del"),
        "Ins": pgettext("key", "Ins"),
        "Home": pgettext("key", "Home"),
        "End": pgettext("key", "End"),
        "Left": pgettext("key", "Left"),
        "Right": pgettext("key", "Right"),
        "Up": pgettext("key", "Up"),
        "Down": pgettext("key", "Down"),
        "PgUp": pgettext("key", "PgUp"),
        "PgDown": pgettext("key", "PgDown"),
        "Space": pgettext("key", "Space"),
        "Print": pgettext("key", "Print"),
    }


class KeyNames(QTranslator):
    """Qt's "QShortcut" strings from ``key_names``; every other string is left to Qt's own translations."""

    def translate(self, context, source, disambiguation=None, n=-1):
        if context == "QShortcut":
            return key_names().get(source)
        return None  # a null string: the next translator (Qt's own) is asked

    def isEmpty(self) -> bool:
        return False


def install(app=None) -> None:
    """Put the key names in front of every other translator (again after Qt's own is changed)."""
    app = app or QCoreApplication.instance()
    translator = getattr(app, "_aulalocal_key_names", None)
    if translator is None:
        translator = KeyNames(app)
        app._aulalocal_key_names = translator
    else:
        app.removeTranslator(translator)
    app.installTranslator(translator)


def text(sequence) -> str:
    """A shortcut as the menus write it: ``text("Shift+Tab")`` is "Mayús+Tab" in Spanish."""
    app = QCoreApplication.instance()
    if app is not None and getattr(app, "_aulalocal_key_names", None) is None:
        install(app)
    return QKeySequence(sequence).toString(QKeySequence.NativeText)
