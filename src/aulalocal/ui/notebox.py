"""The teacher's own note about the record shown, saved as it is typed.

Saved after a short pause, and at once when the note loses the focus,
another record opens or the window closes: a note is never lost.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from aulalocal.catalog import userdata
from aulalocal.i18n import gettext as _
from aulalocal.ui import worker
from aulalocal.ui.theme import scaled_font

NOTE_DELAY_MS = 500


class NoteBox(QWidget):
    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._key: tuple[str, str, str] | None = None
        self._title: dict = {}
        self._loading = False
        self._dirty = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.editor = QPlainTextEdit()
        self.editor.setTabChangesFocus(True)
        self.editor.textChanged.connect(self._changed)
        self.editor.installEventFilter(self)
        self.status = QLabel()
        self.status.setObjectName("meta")
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(NOTE_DELAY_MS)
        self._timer.timeout.connect(self.flush)

    def set_record(self, key: tuple[str, str, str] | None, title: dict) -> None:
        """Show the note of ``key`` (None: no record), kept with ``title``; the one shown before is saved first."""
        self.flush()
        self._key, self._title = key, title
        self._loading = True
        self.editor.setPlainText(userdata.get_note(self.state.folder.userdata, *key) if key else "")
        self._loading = False
        self._dirty = False
        self.status.setText("")

    def has_text(self) -> bool:
        return bool(self.editor.toPlainText().strip())

    def flush(self) -> None:
        """Save the note now if it changed."""
        self._timer.stop()
        if not self._dirty or self._key is None:
            return
        self._dirty = False
        worker.edit_userdata(
            self.state, userdata.save_note, *self._key, self._title, self.editor.toPlainText()
        )
        self.status.setText(_("Saved. Your note stays on this laptop."))

    def _changed(self) -> None:
        if self._loading or self._key is None:
            return
        self._dirty = True
        self.status.setText(_("Saving…"))
        self._timer.start()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.editor and event.type() == QEvent.FocusOut:
            self.flush()
        return super().eventFilter(obj, event)

    def apply_fonts(self) -> None:
        # Room for three lines whatever the text size.
        self.editor.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.status.setFont(scaled_font(self.font(), 0.9))

    def retranslate(self) -> None:
        self.editor.setPlaceholderText(_("Write your own note about this record here. It is saved as you type."))
        self.editor.setAccessibleName(_("My note"))
        if self.status.text():
            self.status.setText(_("Saved. Your note stays on this laptop."))
