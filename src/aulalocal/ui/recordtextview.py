"""The text of the record shown: the catalog's words as plain text, selectable, never rich text or links."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette, QTextDocument
from PySide6.QtWidgets import QTextEdit, QWidget

from aulalocal.catalog.queries import Record


class RecordTextView(QTextEdit):
    widthChanged = Signal()  # the summary's lines, and so its height, may have changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setMinimumHeight(60)
        self.setProperty("content", True)
        self._lead_end = 0

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.widthChanged.emit()

    def lead_height(self) -> int:
        """How tall the view must be to show its first section (the summary) whole, at its present width."""
        if not self._lead_end:
            return 0
        doc = self.document()
        block = doc.findBlock(max(0, self._lead_end - 1))
        bottom = doc.documentLayout().blockBoundingRect(block).bottom()
        return int(bottom + doc.documentMargin()) + 2 * self.frameWidth() + 1

    def show_record(self, record: Record, lang: str) -> None:
        """The record's sections (``recorddoc``), without the title and the links the pane shows apart; shown from the top."""
        from aulalocal.ui.recorddoc import DocWriter, write_record

        palette = self.palette()
        doc = QTextDocument(self)
        writer = DocWriter(doc, self.font(), palette.color(QPalette.PlaceholderText), palette.color(QPalette.Text))
        write_record(writer, record, lang, with_title=False, with_links_section=False, summary_heading=False)
        self._lead_end = writer.section_ends[0] if writer.section_ends else 0
        self.setDocument(doc)
        self.show()
        self.verticalScrollBar().setValue(0)
