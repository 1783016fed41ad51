"""The detail pane: one record as plain text, its related records, links, star and note."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from aulalocal.catalog import userdata
from aulalocal.catalog.queries import Record
from aulalocal.i18n import gettext as _
from aulalocal.i18n import localized
from aulalocal.ui import worker
from aulalocal.ui.flowlayout import FlowLayout
from aulalocal.ui.listen import ListenBar
from aulalocal.ui.models import LinksModel, RelatedModel, fallback_marker, kind_name
from aulalocal.ui.roles import KeyRole, ValueRole
from aulalocal.ui.theme import scaled_font

NOTE_DELAY_MS = 500


@dataclass
class DetailData:
    key: tuple[str, str, str]
    record: Record | None
    related: list


def load_detail(db, key: tuple[str, str, str], lang: str) -> DetailData:
    """Runs on a worker thread: the record and its related records."""
    from aulalocal.catalog.queries import get_record, related

    catalog, kind, id_ = key
    record = get_record(db, kind, id_, catalog)
    return DetailData(key, record, related(db, record, lang) if record else [])


def content_label(text: str = "") -> QLabel:
    """A label showing catalog content: plain text, never rich text, selectable."""
    label = QLabel(text)
    label.setTextFormat(Qt.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
    label.setProperty("content", True)
    return label


class DetailView(QWidget):
    loaded = Signal(object)  # the key of the record now shown (or None)

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._key: tuple[str, str, str] | None = None
        self._record: Record | None = None
        self._saved_title: dict = {}
        self._history: list[tuple[tuple[str, str, str], dict]] = []
        self._loading_note = False
        self._note_dirty = False
        self._serial = 0
        self._loaded_serial = 0

        self.stack = QStackedWidget(self)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignCenter)
        self.empty_label.setObjectName("hint")
        self.stack.addWidget(self.empty_label)

        page = QWidget()
        self.stack.addWidget(page)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)

        self.title_label = content_label()
        self.title_label.setObjectName("recordTitle")
        self.title_label.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        layout.addWidget(self.title_label)
        self.meta_label = content_label()
        self.meta_label.setObjectName("meta")
        layout.addWidget(self.meta_label)

        button_row = QWidget()
        buttons = FlowLayout(button_row)
        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.go_back)
        self.star_button = QPushButton()
        self.star_button.setCheckable(True)
        self.star_button.toggled.connect(self._star_toggled)
        self.handout_button = QPushButton()
        self.handout_menu = QMenu(self)
        self.print_action = self.handout_menu.addAction("")
        self.print_action.triggered.connect(self.print_handout)
        self.pdf_action = self.handout_menu.addAction("")
        self.pdf_action.triggered.connect(self.save_pdf)
        self.handout_button.setMenu(self.handout_menu)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.star_button)
        buttons.addWidget(self.handout_button)
        self.text = QTextEdit()
        self.listen = ListenBar(state, self.text, self.title_label, page)
        buttons.addWidget(self.listen.button)
        layout.addWidget(button_row)
        layout.addWidget(self.listen)

        self.removed_label = QLabel()
        self.removed_label.setObjectName("warning")
        self.removed_label.setWordWrap(True)
        self.removed_label.setTextFormat(Qt.PlainText)
        layout.addWidget(self.removed_label)

        self.splitter = QSplitter(Qt.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.text.setReadOnly(True)
        self.text.setAcceptRichText(False)
        self.text.setUndoRedoEnabled(False)
        self.text.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.text.setFocusPolicy(Qt.StrongFocus)
        self.text.setMinimumHeight(60)
        self.text.setProperty("content", True)
        self.splitter.addWidget(self.text)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # Related records
        self.related_model = RelatedModel(self)
        self.related_view = QListView()
        self.related_view.setModel(self.related_model)
        self.related_view.setObjectName("links")
        self.related_view.activated.connect(self._open_related)
        self.related_view.clicked.connect(self._open_related)
        self.tabs.addTab(self.related_view, "")
        # External links, as text
        links_page = QWidget()
        links_layout = QVBoxLayout(links_page)
        links_layout.setContentsMargins(0, 4, 0, 0)
        self.links_model = LinksModel(self)
        self.links_view = QListView()
        self.links_view.setModel(self.links_model)
        self.links_view.setWordWrap(True)
        self.links_view.setSelectionMode(QListView.SingleSelection)
        links_layout.addWidget(self.links_view, 1)
        link_buttons = QHBoxLayout()
        self.copy_button = QPushButton()
        self.copy_button.clicked.connect(self.copy_link)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_link)
        self.copied_label = QLabel()
        link_buttons.addWidget(self.copy_button)
        link_buttons.addWidget(self.open_button)
        link_buttons.addWidget(self.copied_label, 1)
        links_layout.addLayout(link_buttons)
        self.tabs.addTab(links_page, "")
        # The teacher's note
        note_page = QWidget()
        note_layout = QVBoxLayout(note_page)
        note_layout.setContentsMargins(0, 4, 0, 0)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.textChanged.connect(self._note_changed)
        self.note_edit.installEventFilter(self)
        self.note_status = QLabel()
        self.note_status.setObjectName("meta")
        note_layout.addWidget(self.note_edit, 1)
        note_layout.addWidget(self.note_status)
        self.tabs.addTab(note_page, "")
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 130])
        layout.addWidget(self.splitter, 1)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_DELAY_MS)
        self._note_timer.timeout.connect(self.flush_note)

        back = QShortcut(QKeySequence(QKeySequence.Back), self)
        back.activated.connect(self.go_back)

        self.setTabOrder(self.back_button, self.star_button)
        self.setTabOrder(self.star_button, self.handout_button)
        self.setTabOrder(self.handout_button, self.listen.button)
        self.setTabOrder(self.listen.button, self.text)
        self.setTabOrder(self.text, self.tabs)

        state.languageChanged.connect(self._language_changed)
        state.catalogChanged.connect(self.reload)
        state.appearanceChanged.connect(self._appearance_changed)
        state.userdataChanged.connect(self._refresh_star)
        self.retranslate()
        self._apply_fonts()
        self.stack.setCurrentIndex(0)

    # -- public -------------------------------------------------------------
    @property
    def current_key(self) -> tuple[str, str, str] | None:
        return self._key

    @property
    def record(self) -> Record | None:
        return self._record

    @property
    def pending(self) -> bool:
        return self._loaded_serial != self._serial

    def plain_text(self) -> str:
        return self.text.toPlainText()

    def show_record(self, key, saved_title: dict | None = None, *, push_history: bool = False, force: bool = False) -> None:
        key = tuple(key)
        if key == self._key and not force:
            return
        self.flush_note()
        if push_history and self._key is not None and key != self._key:
            self._history.append((self._key, self._saved_title))
        elif not push_history and key != self._key:
            self._history.clear()
        self._key = key
        self._saved_title = saved_title or {}
        self._serial += 1
        serial = self._serial
        worker.QueryOp(self.state, load_detail, key, self.state.lang, owner=self).success(
            lambda data: self._show(serial, data)
        ).run()

    def clear(self) -> None:
        self.flush_note()
        self._key = None
        self._record = None
        self.listen.set_record(None, self.state.lang)
        self._history.clear()
        self._serial += 1
        self._loaded_serial = self._serial
        self.stack.setCurrentIndex(0)
        self.loaded.emit(None)

    def reload(self) -> None:
        if self._key is not None:
            self.show_record(self._key, self._saved_title, force=True)

    def go_back(self) -> None:
        if self._history:
            key, saved = self._history.pop()
            self.flush_note()
            self._key = None  # so show_record does not think nothing changed
            history = list(self._history)
            self.show_record(key, saved)
            self._history = history
            self._update_back()

    def flush_note(self) -> None:
        """Save the note now if it changed (also called on focus-out, record switch, close)."""
        self._note_timer.stop()
        if not self._note_dirty or self._key is None:
            return
        self._note_dirty = False
        title = (self._record.data.get("title") if self._record else None) or self._saved_title or {"es": self._key[2]}
        worker.edit_userdata(self.state, userdata.save_note, *self._key, title, self.note_edit.toPlainText())
        self.note_status.setText(_("Saved. Your note stays on this laptop."))

    # -- loading ------------------------------------------------------------
    def _show(self, serial: int, data: DetailData) -> None:
        if serial != self._serial:
            return
        self._loaded_serial = serial
        self._record = data.record
        lang = self.state.lang
        record = data.record
        if record is None:
            if not self._saved_title:
                self._saved_title = self._kept_title(data.key)
            title, used = localized(self._saved_title, lang)
            if not title:
                title, used = data.key[2], None
            self.title_label.setText(title)
            self._meta(data.key[1], used if used != lang else None)
            self.removed_label.setText(
                _("This record was removed from the catalog by an update. Your note about it is kept below.")
            )
            self.removed_label.show()
            self.text.clear()
            self.text.hide()
            self.related_model.set_items([])
            self.links_model.set_links([])
        else:
            from aulalocal.recordtext import title as record_title
            from aulalocal.ui.recorddoc import record_document

            title, fallback = record_title(record, lang)
            self.title_label.setText(title)
            self._meta(record.kind, fallback)
            self.removed_label.hide()
            palette = self.palette()
            doc = record_document(
                record, lang, self.font(), with_title=False, with_links_section=False,
                muted=palette.color(QPalette.PlaceholderText), text=palette.color(QPalette.Text),
            )
            doc.setParent(self.text)
            self.text.setDocument(doc)
            self.text.show()
            self.text.verticalScrollBar().setValue(0)
            self.related_model.set_items(data.related)
            links = [
                (localized(link.get("label"), lang)[0], str(link.get("url") or ""))
                for link in record.data.get("links") or []
                if isinstance(link, dict) and link.get("url")
            ]
            self.links_model.set_links(links)
            if links:
                self.links_view.setCurrentIndex(self.links_model.index(0))
        self.listen.set_record(record, lang)
        self._loading_note = True
        self.note_edit.setPlainText(userdata.get_note(self.state.folder.userdata, *data.key))
        self._loading_note = False
        self._note_dirty = False
        self.note_status.setText("")
        self.copied_label.setText("")
        self._refresh_star()
        self._update_tabs()
        self._update_back()
        self.stack.setCurrentIndex(1)
        self.loaded.emit(data.key)

    def _kept_title(self, key) -> dict:
        """The title kept with the teacher's note or favorite of a record no longer in the catalog."""
        db = self.state.folder.userdata
        for item in userdata.notes(db) + userdata.favorites(db):
            if (item.catalog, item.kind, item.id) == tuple(key) and item.title:
                return item.title
        return {}

    def _meta(self, kind: str, fallback: str | None) -> None:
        parts = [kind_name(kind)]
        if fallback:
            parts.append(fallback_marker(fallback))
        self.meta_label.setText(" · ".join(parts))
        self.meta_label.setProperty("content", False)

    # -- favorites ----------------------------------------------------------
    def _refresh_star(self) -> None:
        if self._key is None:
            return
        on = userdata.is_favorite(self.state.folder.userdata, *self._key)
        self.star_button.blockSignals(True)
        self.star_button.setChecked(on)
        self.star_button.blockSignals(False)
        self._star_text()

    def _star_text(self) -> None:
        if self.star_button.isChecked():
            self.star_button.setText(_("★ In favorites"))
            self.star_button.setToolTip(_("Remove from favorites (Ctrl+D)"))
        else:
            self.star_button.setText(_("☆ Add to favorites"))
            self.star_button.setToolTip(_("Add to favorites (Ctrl+D)"))
        self.star_button.setAccessibleName(self.star_button.toolTip())

    def toggle_favorite(self) -> None:
        if self._key is not None and self.stack.currentIndex() == 1:
            self.star_button.toggle()

    def _star_toggled(self, on: bool) -> None:
        if self._key is None:
            return
        title = (self._record.data.get("title") if self._record else None) or self._saved_title or {"es": self._key[2]}
        worker.edit_userdata(self.state, userdata.set_favorite, *self._key, title, on)
        self._star_text()

    # -- related and links --------------------------------------------------
    def _open_related(self, index: QModelIndex) -> None:
        if not index.isValid() or not (self.related_model.flags(index) & Qt.ItemIsEnabled):
            return
        self.show_record(index.data(KeyRole), push_history=True)

    def _selected_link(self) -> str:
        index = self.links_view.currentIndex()
        if not index.isValid() and self.links_model.rowCount():
            index = self.links_model.index(0)
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

    # -- handouts -----------------------------------------------------------
    def print_handout(self) -> None:
        if self._record is not None:
            from aulalocal.ui import handout

            handout.print_record(self, self._record, self.state.lang, self.related_model.items())

    def save_pdf(self) -> None:
        if self._record is not None:
            from aulalocal.ui import handout

            handout.save_record_pdf(self, self._record, self.state.lang, self.related_model.items())

    # -- note ---------------------------------------------------------------
    def _note_changed(self) -> None:
        if self._loading_note or self._key is None:
            return
        self._note_dirty = True
        self.note_status.setText(_("Saving…"))
        self._note_timer.start()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.note_edit and event.type() == QEvent.FocusOut:
            self.flush_note()
        return super().eventFilter(obj, event)

    def hideEvent(self, event) -> None:
        self.flush_note()
        if not event.spontaneous():  # left for another page; a minimized window reads on
            self.listen.stop()
        super().hideEvent(event)

    # -- language and looks -------------------------------------------------
    def _update_tabs(self) -> None:
        related = self.related_model.rowCount()
        links = self.links_model.rowCount()
        self.tabs.setTabText(0, _("Related ({count})").format(count=related))
        self.tabs.setTabText(1, _("Links ({count})").format(count=links))
        note = _("My note ✎") if self.note_edit.toPlainText().strip() else _("My note")
        self.tabs.setTabText(2, note)
        self.tabs.setTabEnabled(0, related > 0)
        self.tabs.setTabEnabled(1, links > 0)
        if not self.tabs.isTabEnabled(self.tabs.currentIndex()):
            self.tabs.setCurrentIndex(2)
        self.copy_button.setEnabled(links > 0)
        self.open_button.setEnabled(links > 0)

    def _update_back(self) -> None:
        self.back_button.setVisible(bool(self._history))

    def retranslate(self) -> None:
        self.empty_label.setText(_("Choose a record in the list to read it here."))
        self.back_button.setText(_("← Back"))
        self.back_button.setToolTip(_("Back to the previous record (Alt+Left)"))
        self.back_button.setAccessibleName(_("Back to the previous record"))
        self.handout_button.setText(_("Print or PDF"))
        self.handout_button.setToolTip(_("Print this record, or save it as a PDF handout for parents"))
        self.handout_button.setAccessibleName(_("Print or save as PDF"))
        self.print_action.setText(_("Print…"))
        self.pdf_action.setText(_("Save as PDF…"))
        self.copy_button.setText(_("Copy address"))
        self.copy_button.setAccessibleName(_("Copy the web address"))
        self.open_button.setText(_("Open in the browser…"))
        self.open_button.setAccessibleName(_("Open the web address in the browser"))
        self.note_edit.setPlaceholderText(_("Write your own note about this record here. It is saved as you type."))
        self.note_edit.setAccessibleName(_("My note"))
        self.text.setAccessibleName(_("Record text"))
        self.related_view.setAccessibleName(_("Related records"))
        self.links_view.setAccessibleName(_("Web addresses"))
        self.title_label.setAccessibleName(_("Title"))
        self.tabs.setAccessibleName(_("Related records, links and my note"))
        self.tabs.tabBar().setAccessibleName(_("Related records, links and my note"))
        if self.note_status.text():
            self.note_status.setText(_("Saved. Your note stays on this laptop."))
        if self.copied_label.text():
            self.copied_label.setText(_("Copied."))
        self._star_text()
        self._update_tabs()
        self.related_model.retranslate()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()
        self.reload()

    def _apply_fonts(self) -> None:
        # The note editor and the lists keep room for three lines whatever the text size.
        lines = self.fontMetrics().lineSpacing() * 3 + 12
        self.note_edit.setMinimumHeight(lines)
        self.related_view.setMinimumHeight(lines)
        self.links_view.setMinimumHeight(lines)
        self.title_label.setFont(scaled_font(self.font(), 1.35, bold=True))
        self.meta_label.setFont(scaled_font(self.font(), 0.9))
        self.note_status.setFont(scaled_font(self.font(), 0.9))

    def _appearance_changed(self) -> None:
        self._apply_fonts()
        self.reload()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.ApplicationFontChange:
            self._apply_fonts()
        super().changeEvent(event)
