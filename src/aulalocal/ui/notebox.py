"""The teacher's own note about the record shown, saved as it is typed.

Saved after a short pause, and at once when the note loses the focus,
another record opens or the window closes: a note is never lost.

Until it is used (written in, or clicked into) the box is one line tall, so
the record's text keeps the room; it opens to a few lines when used.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QSizePolicy, QVBoxLayout, QWidget

from aulalocal.catalog import userdata
from aulalocal.i18n import gettext as _
from aulalocal.ui import worker
from aulalocal.ui.theme import scaled_font

NOTE_DELAY_MS = 500
OPEN_LINES = 4  # the box's lines once used


class NoteBox(QWidget):
    usedChanged = Signal(bool)  # opened (being written in, or holding a note) or back to one line

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._key: tuple[str, str, str] | None = None
        self._title: dict = {}
        self._loading = False
        self._dirty = False
        self._used = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        self.editor = QPlainTextEdit()
        self.editor.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.editor.setTabChangesFocus(True)
        self.editor.textChanged.connect(self._changed)
        self.editor.installEventFilter(self)
        self.status = QLabel()
        self.status.setObjectName("meta")
        self.status.setWordWrap(True)
        layout.addWidget(self.editor)
        layout.addWidget(self.status)
        layout.addStretch(1)
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
        self._update_used()

    def has_text(self) -> bool:
        return bool(self.editor.toPlainText().strip())

    @property
    def used(self) -> bool:
        """Open: being written in, or holding a note; one line otherwise."""
        return self._used

    def _update_used(self) -> None:
        used = self.editor.hasFocus() or bool(self.editor.toPlainText())
        changed = used != self._used
        self._used = used
        self._fit()
        if changed:
            self.retranslate()
            self.usedChanged.emit(used)

    def _fit(self) -> None:
        lines = OPEN_LINES if self._used else 1
        self.editor.ensurePolished()  # the style sheet's border and padding are its contents margins
        margins = self.editor.contentsMargins()
        margin = round(self.editor.document().documentMargin() * 2)
        line = self.editor.fontMetrics().lineSpacing()
        self.editor.setFixedHeight(line * lines + margin + margins.top() + margins.bottom())
        # One line has no room for a scroll bar's arrows; the box opens before its text needs one.
        self.editor.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded if self._used else Qt.ScrollBarAlwaysOff)
        self.status.setVisible(self._used and bool(self.status.text()))

    def wanted_height(self) -> int:
        """The height the box needs now: one line, or its open lines and the saved message."""
        height = self.layout().contentsMargins().top() + self.editor.height()
        if self._used:
            height += self.layout().spacing() + self.status.sizeHint().height()
        return height

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
        self.status.setVisible(self._used)

    def _changed(self) -> None:
        if self._loading or self._key is None:
            return
        self._dirty = True
        self.status.setText(_("Saving…"))
        self.status.setVisible(self._used)
        self._timer.start()
        if not self._used:
            self._update_used()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.editor and event.type() == QEvent.FocusOut:
            self.flush()
            self._update_used()
        elif obj is self.editor and event.type() == QEvent.FocusIn:
            self._update_used()
        elif obj is self.editor and event.type() in (QEvent.FontChange, QEvent.StyleChange):
            self._fit()
        return super().eventFilter(obj, event)

    def apply_fonts(self) -> None:
        self.status.setFont(scaled_font(self.font(), 0.9))
        self._fit()

    def retranslate(self) -> None:
        if self._used:
            self.editor.setPlaceholderText(_("Write your own note about this record here. It is saved as you type."))
        else:
            self.editor.setPlaceholderText(_("✎ Write a note about this record…"))
        self.editor.setAccessibleName(_("My note"))
        if self.status.text():
            self.status.setText(_("Saved. Your note stays on this laptop."))
