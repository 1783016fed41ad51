"""What the list says when it is empty, and what to try: the catalog's spelling of the words, all sections,
clearing the filters or the search."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from aulalocal import i18n
from aulalocal.i18n import gettext as _
from aulalocal.safetext import one_line
from aulalocal.ui.sections import Section


class WrappingButton(QPushButton):
    """A push button whose text wraps onto more lines (a Quechua question at the largest text size)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.PlainText)
        self.label.setAlignment(Qt.AlignCenter)
        self.label.setAttribute(Qt.WA_TransparentForMouseEvents)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_text(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleName(text)
        self.updateGeometry()

    def text_shown(self) -> str:
        return self.label.text()

    def _margins(self) -> tuple[int, int]:
        m = self.layout().contentsMargins()
        return m.left() + m.right(), m.top() + m.bottom()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        across, down = self._margins()
        return max(super().sizeHint().height(), self.label.heightForWidth(max(1, width - across)) + down)

    def sizeHint(self) -> QSize:
        across, _down = self._margins()
        width = self.label.sizeHint().width() + across
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        across, _down = self._margins()
        width = self.fontMetrics().averageCharWidth() * 12 + across
        return QSize(width, self.heightForWidth(width))


class NoResults(QScrollArea):
    """In the list's narrow column: the words and the buttons wrap, and the page scrolls rather than cut them."""

    searchAllRequested = Signal()
    clearFiltersRequested = Signal()
    clearSearchRequested = Signal()
    suggestionChosen = Signal(str)  # "Did you mean …?" pressed: the spelling to search for

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        page = QWidget()
        self.setWidget(page)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 12)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.PlainText)
        self.label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        layout.addWidget(self.label)
        self._suggested: str | None = None
        self.suggestion_button = WrappingButton()
        self.suggestion_button.setObjectName("suggestion")
        self.suggestion_button.hide()
        self.suggestion_button.clicked.connect(lambda: self.suggestionChosen.emit(self._suggested or ""))
        layout.addWidget(self.suggestion_button)
        self.search_all_button = WrappingButton()
        self.search_all_button.clicked.connect(self.searchAllRequested.emit)
        self.clear_filters_button = WrappingButton()
        self.clear_filters_button.clicked.connect(self.clearFiltersRequested.emit)
        self.clear_search_button = WrappingButton()
        self.clear_search_button.clicked.connect(self.clearSearchRequested.emit)
        for button in (self.search_all_button, self.clear_filters_button, self.clear_search_button):
            layout.addWidget(button)
        layout.addStretch(1)

    def explain(self, mode: str, section: Section | None, text: str, filtered: bool, lang: str) -> None:
        """Why nothing shows (``mode``: "browse", "search", "favorites" or "notes") and what to try."""
        self.search_all_button.setVisible(mode == "search" and section is not None)
        self.clear_filters_button.setVisible(filtered)
        self.clear_search_button.setVisible(mode == "search")
        if mode == "favorites":
            message = _("You have no favorites yet. Open a record and press “Add to favorites”.")
        elif mode == "notes":
            message = _("You have no notes yet. Open a record and write in “My note”.")
        elif mode == "search":
            lines = [
                _("Nothing found for “{text}”. You can try:").format(text=text),
                _("• a shorter word, or only its beginning;"),
            ]
            if section is not None:
                lines.append(_("• another section, or all sections;"))
            if filtered:
                lines.append(_("• clearing the filters;"))
            lines.append(
                _("• another language: the search looks in the texts in {language} (change it in Settings).").format(
                    language=i18n.LANGUAGE_NAMES.get(lang, lang)
                )
            )
            message = "\n".join(lines)
        elif filtered:
            message = _("No records match these filters. Clear the filters to see the whole section.")
        else:
            message = _("This section is empty. It fills when you update the catalog from a USB drive.")
        self.label.setText(message)

    def suggest(self, better: str | None) -> None:
        """Offer ``better``, a spelling the catalog holds, as "Did you mean …?"; None hides the offer."""
        self._suggested = better
        self.suggestion_button.setVisible(bool(better))
        self._retranslate_suggestion()

    def _retranslate_suggestion(self) -> None:
        if self._suggested:
            self.suggestion_button.set_text(_("Did you mean “{text}”?").format(text=one_line(self._suggested)))

    def retranslate(self) -> None:
        self._retranslate_suggestion()
        self.clear_filters_button.set_text(_("Clear filters"))
        self.search_all_button.set_text(_("Search in all sections"))
        self.clear_search_button.set_text(_("Clear the search"))
