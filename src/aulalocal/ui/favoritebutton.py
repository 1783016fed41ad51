"""The star of the record shown: in the teacher's favorites or not (also the menu's shortcut, Ctrl+D)."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from aulalocal.catalog import userdata
from aulalocal.i18n import gettext as _
from aulalocal.ui import keys, worker

SHORTCUT = "Ctrl+D"  # the Tools menu's action


class FavoriteButton(QPushButton):
    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._key: tuple[str, str, str] | None = None
        self._title: dict = {}
        self.setCheckable(True)
        self.toggled.connect(self._toggled)
        state.userdataChanged.connect(self.refresh)

    def set_record(self, key: tuple[str, str, str] | None, title: dict) -> None:
        """The record shown, and the title kept with the favorite (it names a record an update removed)."""
        self._key, self._title = key, title
        self.refresh()

    def refresh(self) -> None:
        if self._key is None:
            return
        on = userdata.is_favorite(self.state.folder.userdata, *self._key)
        self.blockSignals(True)
        self.setChecked(on)
        self.blockSignals(False)
        self.retranslate()

    def _toggled(self, on: bool) -> None:
        if self._key is None:
            return
        worker.edit_userdata(self.state, userdata.set_favorite, *self._key, self._title, on)
        self.retranslate()

    def retranslate(self) -> None:
        # A short label (the star and the button's pressed look say which) keeps the record's buttons to
        # two rows at the largest text size; the tooltip and accessible name say what a click does.
        if self.isChecked():
            self.setText(_("★ Favorite"))
            self.setToolTip(_("Remove from favorites ({key})").format(key=keys.text(SHORTCUT)))
        else:
            self.setText(_("☆ Favorite"))
            self.setToolTip(_("Add to favorites ({key})").format(key=keys.text(SHORTCUT)))
        self.setAccessibleName(self.toolTip())
