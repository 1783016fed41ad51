"""The text of the record shown: the catalog's words as plain text, selectable, never rich text or links."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QTextEdit, QWidget

from aulalocal.catalog.queries import Record


class RecordTextView(QTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setMinimumHeight(60)
        self.setProperty("content", True)

    def show_record(self, record: Record, lang: str) -> None:
        """The record's sections (``recorddoc``), without the title and the links the pane shows apart; shown from the top."""
        from aulalocal.ui.recorddoc import record_document

        palette = self.palette()
        doc = record_document(
            record, lang, self.font(), with_title=False, with_links_section=False,
            muted=palette.color(QPalette.PlaceholderText), text=palette.color(QPalette.Text),
        )
        doc.setParent(self)
        self.setDocument(doc)
        self.show()
        self.verticalScrollBar().setValue(0)
