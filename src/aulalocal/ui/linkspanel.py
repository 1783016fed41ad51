"""A record's web addresses, shown as text: copy one, or open it in the browser after a warning."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListView, QPushButton, QVBoxLayout, QWidget

from aulalocal.i18n import gettext as _
from aulalocal.ui.models import LinksModel
from aulalocal.ui.roles import ValueRole


class LinksPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.model = LinksModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.view.setResizeMode(QListView.Adjust)
        self.view.setSelectionMode(QListView.SingleSelection)
        layout.addWidget(self.view, 1)
        buttons = self.buttons = QHBoxLayout()
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy_link)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_link)
        self.copied_label = QLabel()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.copied_label, 1)
        layout.addLayout(buttons)
        self._enable()

    def set_links(self, links: list[tuple[str, str]]) -> None:
        """(label, address) of each link; the first is selected."""
        self.model.set_links(links)
        if links:
            self.view.setCurrentIndex(self.model.index(0))
        self.copied_label.setText("")
        self._enable()

    def count(self) -> int:
        return self.model.rowCount()

    def _enable(self) -> None:
        self.copy_button.setEnabled(self.count() > 0)
        self.open_button.setEnabled(self.count() > 0)

    def _selected_link(self) -> str:
        index = self.view.currentIndex()
        if not index.isValid() and self.model.rowCount():
            index = self.model.index(0)
        return index.data(ValueRole) if index.isValid() else ""

    def copy_link(self) -> None:
        url = self._selected_link()
        if url:
            QGuiApplication.clipboard().setText(url)
            self.copied_label.setText(_("Copied."))

    def open_link(self) -> None:
        from aulalocal.ui.dialogs import confirm, message

        url = self._selected_link()
        if not url:
            return
        qurl = QUrl(url)
        if qurl.scheme().lower() not in ("http", "https"):
            message(self, "warning", _("Only web addresses (starting with http or https) can be opened."))
            return
        if confirm(
            self,
            _("This laptop may have no internet."),
            _("Open in the browser"),
            _("Do not open"),
            informative=_(
                "The address opens in the web browser and only works when the laptop is connected"
                " to the internet:\n\n{url}"
            ).format(url=url),
            title=_("Open a web address"),
        ):
            QDesktopServices.openUrl(qurl)

    def apply_fonts(self) -> None:
        # A line of a link, at least (the divider gives the list more).
        self.view.setMinimumHeight(self.fontMetrics().lineSpacing() + 12)

    def buttons_height(self) -> int:
        """The row of Copy and Open under the list, with the space above it."""
        return self.buttons.sizeHint().height() + self.layout().spacing() + self.layout().contentsMargins().top()

    def retranslate(self) -> None:
        self.copy_button.setText(_("Copy address"))
        self.copy_button.setAccessibleName(_("Copy the web address"))
        self.open_button.setText(_("Open in the browser…"))
        self.open_button.setAccessibleName(_("Open the web address in the browser"))
        self.view.setAccessibleName(_("Web addresses"))
        if self.copied_label.text():
            self.copied_label.setText(_("Copied."))
