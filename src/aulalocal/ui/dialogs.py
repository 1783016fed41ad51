"""Message boxes with buttons in the app's language (Qt ships no Quechua)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from aulalocal.i18n import gettext as _

_ICONS = {
    "information": QMessageBox.Information,
    "warning": QMessageBox.Warning,
    "critical": QMessageBox.Critical,
    "question": QMessageBox.Question,
}


def _box(parent: QWidget | None, icon: str, text: str, informative: str = "", title: str = "") -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(_ICONS.get(icon, QMessageBox.Information))
    box.setWindowTitle(title or "AulaLocal")
    box.setTextFormat(Qt.PlainText)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    return box


def message(parent: QWidget | None, icon: str, text: str, informative: str = "", title: str = "") -> None:
    box = _box(parent, icon, text, informative, title)
    ok = box.addButton(_("OK"), QMessageBox.AcceptRole)
    box.setDefaultButton(ok)
    box.setEscapeButton(ok)
    box.exec()


def confirm_box(
    parent: QWidget | None,
    text: str,
    yes: str,
    no: str,
    *,
    informative: str = "",
    title: str = "",
    icon: str = "warning",
    default_yes: bool = False,
) -> tuple[QMessageBox, QPushButton]:
    """The question of ``confirm``, not shown yet, and its ``yes`` button."""
    box = _box(parent, icon, text, informative, title)
    yes_button = box.addButton(yes, QMessageBox.AcceptRole)
    no_button = box.addButton(no, QMessageBox.RejectRole)
    yes_button.setAccessibleName(yes)
    no_button.setAccessibleName(no)
    box.setDefaultButton(yes_button if default_yes else no_button)
    box.setEscapeButton(no_button)
    return box, yes_button


def confirm(parent: QWidget | None, text: str, yes: str, no: str, **options) -> bool:
    """True when the teacher chose ``yes``; the safe answer is the default."""
    box, yes_button = confirm_box(parent, text, yes, no, **options)
    box.exec()
    return box.clickedButton() is yes_button


def open_folder(folder) -> bool:
    """The folder in the laptop's file manager (where a saved handout is)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def saved_box(parent: QWidget | None, text: str, folder) -> tuple[QMessageBox, QPushButton]:
    """"Saved..." with the folder on a line of its own, a button that opens it, and OK; not shown yet."""
    box = _box(parent, "information", text, _("Folder: {folder}").format(folder=str(folder)))
    open_button = box.addButton(_("Open its folder"), QMessageBox.ActionRole)
    open_button.setAccessibleName(_("Open the folder it was saved in"))
    ok = box.addButton(_("OK"), QMessageBox.AcceptRole)
    box.setDefaultButton(ok)
    box.setEscapeButton(ok)
    return box, open_button


def saved(parent: QWidget | None, text: str, folder) -> None:
    box, open_button = saved_box(parent, text, folder)
    box.exec()
    if box.clickedButton() is open_button:
        open_folder(folder)
