"""The reading pane: the record shown, its title, its buttons, its text, and under it the related
records, the links and the teacher's note; a hint when no record is shown.

The text gets the room: the lists under it take only the lines they need
(the note one line until used), and the divider between them is the
teacher's to move (``splitter``). "Reading mode" asks the window to hide
its lists (``readingModeRequested``).

Its parts are widgets of their own: the star (``favoritebutton``), the text
(``recordtextview``), the links (``linkspanel``), the note (``notebox``) and
Listen (``listen``). The pane loads the record off the UI thread (newest
wins) and remembers the records it came from (Back).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aulalocal.catalog import userdata
from aulalocal.catalog.queries import Record
from aulalocal.i18n import gettext as _
from aulalocal.i18n import localized
from aulalocal.ui import keys, worker
from aulalocal.ui.favoritebutton import FavoriteButton
from aulalocal.ui.flowlayout import FlowLayout
from aulalocal.ui.linkspanel import LinksPanel
from aulalocal.ui.listen import ListenBar
from aulalocal.ui.models import RelatedModel, fallback_marker, kind_name
from aulalocal.ui.notebox import NoteBox
from aulalocal.ui.recordtextview import RecordTextView
from aulalocal.ui.roles import KeyRole
from aulalocal.ui.splitter import Splitter
from aulalocal.ui.theme import scaled_font

RELATED_TAB, LINKS_TAB, NOTE_TAB = range(3)
LIST_ROWS = 3  # related records or links shown under the text before the list scrolls
TEXT_LINES = 3  # the fewest lines of text the divider leaves


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
    readingModeRequested = Signal(bool)  # the lists hidden (the record on the whole window) or shown

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._key: tuple[str, str, str] | None = None
        self._record: Record | None = None
        self._saved_title: dict = {}
        self._history: list[tuple[tuple[str, str, str], dict]] = []
        self._serial = 0
        self._loaded_serial = 0
        self._hint: str | None = None

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
        buttons = self._build_buttons()
        self.text = RecordTextView()
        self.text.widthChanged.connect(self._text_width_changed)
        self.listen = ListenBar(state, self.text, self.title_label, page)
        buttons.layout().addWidget(self.listen.button)
        # What the record is, after the buttons where their row has room: a line more for the summary.
        self.meta_label = content_label()
        self.meta_label.setObjectName("meta")
        self.meta_label.setWordWrap(False)  # its own width, not a wrapped label's guess: a few words
        buttons.layout().addWidget(self.meta_label)
        layout.addWidget(buttons)
        layout.addWidget(self.listen)
        self.removed_label = QLabel()
        self.removed_label.setObjectName("warning")
        self.removed_label.setWordWrap(True)
        self.removed_label.setTextFormat(Qt.PlainText)
        layout.addWidget(self.removed_label)

        self.splitter = Splitter(Qt.Vertical, state, "reading", self._text_room)
        self.splitter.addWidget(self.text)
        self.splitter.addWidget(self._build_tabs())
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        layout.addWidget(self.splitter, 1)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        back = QShortcut(QKeySequence(QKeySequence.Back), self)
        back.activated.connect(self.go_back)
        self.setTabOrder(self.back_button, self.favorite_button)
        self.setTabOrder(self.favorite_button, self.handout_button)
        self.setTabOrder(self.handout_button, self.listen.button)
        self.setTabOrder(self.listen.button, self.text)
        self.setTabOrder(self.text, self.tabs)

        state.languageChanged.connect(self._language_changed)
        state.catalogChanged.connect(self.reload)
        state.appearanceChanged.connect(self._appearance_changed)
        self.retranslate()
        self._apply_fonts()
        self.stack.setCurrentIndex(0)

    def _build_buttons(self) -> QWidget:
        """Back, the star and Print or PDF (then Listen), wrapping to a second row when narrow."""
        row = QWidget()
        buttons = FlowLayout(row)
        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.go_back)
        self.favorite_button = FavoriteButton(self.state)
        self.handout_button = QPushButton()
        self.handout_menu = QMenu(self)
        self.print_action = self.handout_menu.addAction("")
        self.print_action.triggered.connect(self.print_handout)
        self.pdf_action = self.handout_menu.addAction("")
        self.pdf_action.triggered.connect(self.save_pdf)
        self.handout_button.setMenu(self.handout_menu)
        self.reading_button = QPushButton()
        self.reading_button.setCheckable(True)
        self.reading_button.clicked.connect(lambda: self.readingModeRequested.emit(self.reading_button.isChecked()))
        for button in (self.back_button, self.favorite_button, self.handout_button, self.reading_button):
            buttons.addWidget(button)
        return row

    def _build_tabs(self) -> QTabWidget:
        """Related records, links and the teacher's note, under the text."""
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.related_model = RelatedModel(self)
        self.related_view = QListView()
        self.related_view.setModel(self.related_model)
        self.related_view.setObjectName("links")
        # Long titles wrap: never cut behind a sideways scroll bar.
        self.related_view.setWordWrap(True)
        self.related_view.setTextElideMode(Qt.ElideNone)
        self.related_view.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.related_view.setResizeMode(QListView.Adjust)
        self.related_view.setVerticalScrollMode(QListView.ScrollPerPixel)
        self.related_view.activated.connect(self._open_related)
        self.related_view.clicked.connect(self._open_related)
        self.links = LinksPanel()
        self.note = NoteBox(self.state)
        self.note.usedChanged.connect(self._lists_changed)
        self.tabs.addTab(self.related_view, "")
        self.tabs.addTab(self.links, "")
        self.tabs.addTab(self.note, "")
        self.tabs.currentChanged.connect(self._lists_changed)
        return self.tabs

    def lists_height(self) -> int:
        """What the tabs under the text need: the tab bar and the current tab's lines (the note: one until used)."""
        page = self.tabs.currentWidget()
        if page is self.note:
            content = self.note.wanted_height()
        else:
            view = self.related_view if page is self.related_view else self.links.view
            rows = min(view.model().rowCount(), LIST_ROWS)
            content = sum(max(view.sizeHintForRow(n), 0) for n in range(rows)) or view.fontMetrics().lineSpacing()
            content += 2 * view.frameWidth() + 2
            if page is self.links:
                content += self.links.buttons_height()
        return self.tabs.tabBar().sizeHint().height() + content + 4

    def _text_room(self, room: int) -> int:
        """Until the teacher moves the divider: the lists what they need, unless the summary needs more;
        then the summary first, leaving the lists their tab bar and one line."""
        return max(room - self.lists_height(), min(self.text.lead_height(), room - self.tabs.minimumHeight()))

    def _least_lists_height(self) -> int:
        """The tab bar and one line of the related list, the whole note box, or the links and their buttons:
        a long summary can have the rest."""
        page = self.tabs.currentWidget()
        if page is self.note:
            least = self.note.wanted_height()
        elif page is self.links:
            least = self.links.minimumSizeHint().height()
        else:
            least = self.related_view.minimumHeight()
        return self.tabs.tabBar().sizeHint().height() + least + 4

    def _text_width_changed(self) -> None:
        # After the layout settles: a narrower text may need more lines for its summary.
        QTimer.singleShot(0, self.splitter, self.splitter.fit)  # not after the window is gone

    def _lists_changed(self, *_args) -> None:
        self.tabs.setMinimumHeight(self._least_lists_height())
        self.splitter.fit()

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

    def clear(self, hint: str | None = None) -> None:
        """No record: the pane says ``hint``, or how to choose one."""
        self.empty_label.setText(hint or _("Choose a record in the list to read it here."))
        self._hint = hint
        self.flush_note()
        self._key = None
        self._record = None
        self.favorite_button.set_record(None, {})
        self.note.set_record(None, {})
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
        """Save the note now if it changed (also called on record switch, hiding and close)."""
        self.note.flush()

    def toggle_favorite(self) -> None:
        if self._key is not None and self.stack.currentIndex() == 1:
            self.favorite_button.toggle()

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
            self.links.set_links([])
        else:
            from aulalocal.recordtext import title as record_title

            title, fallback = record_title(record, lang)
            self.title_label.setText(title)
            self._meta(record.kind, fallback)
            self.removed_label.hide()
            self.text.show_record(record, lang)
            self.related_model.set_items(data.related)
            self.links.set_links([
                (localized(link.get("label"), lang)[0], str(link.get("url") or ""))
                for link in record.data.get("links") or []
                if isinstance(link, dict) and link.get("url")
            ])
        self.listen.set_record(record, lang)
        # Kept with the note and the favorite: it names them after an update removed the record.
        kept = (record.data.get("title") if record else None) or self._saved_title or {"es": data.key[2]}
        self.note.set_record(data.key, kept)
        self.favorite_button.set_record(data.key, kept)
        self._update_tabs()
        self._update_back()
        self.stack.setCurrentIndex(1)
        self.splitter.fit()
        self.loaded.emit(data.key)

    def _kept_title(self, key) -> dict:
        """The title kept with the teacher's note or favorite of a record no longer in the catalog."""
        return userdata.kept_title(self.state.folder.userdata, *key)

    def _meta(self, kind: str, fallback: str | None) -> None:
        parts = [kind_name(kind)]
        if fallback:
            parts.append(fallback_marker(fallback))
        self.meta_label.setText(" · ".join(parts))
        self.meta_label.setProperty("content", False)

    def _open_related(self, index: QModelIndex) -> None:
        if not index.isValid() or not (self.related_model.flags(index) & Qt.ItemIsEnabled):
            return
        self.show_record(index.data(KeyRole), push_history=True)

    # -- handouts -----------------------------------------------------------
    def print_handout(self) -> None:
        if self._record is not None:
            from aulalocal.ui import handout

            handout.print_record(self, self._record, self.state.lang, self.related_model.items())

    def save_pdf(self) -> None:
        if self._record is not None:
            from aulalocal.ui import handout

            handout.save_record_pdf(self, self._record, self.state.lang, self.related_model.items())

    def hideEvent(self, event) -> None:
        self.flush_note()
        if not event.spontaneous():  # left for another page; a minimized window reads on
            self.listen.stop()
        super().hideEvent(event)

    def set_reading_mode(self, on: bool) -> None:
        """The button says what it does next: read on the whole window, or show the lists again."""
        from aulalocal.ui.menus import READING_SHORTCUT

        self.reading_button.setChecked(on)
        key = keys.text(READING_SHORTCUT)
        if on:
            self.reading_button.setText(_("☰ Show the lists"))
            self.reading_button.setToolTip(_("Show the sections and the list again ({key} or {escape})").format(
                key=key, escape=keys.text("Esc")))
        else:
            self.reading_button.setText(_("Reading mode"))
            self.reading_button.setToolTip(_("Read this record on the whole window, without the lists ({key})").format(
                key=key))
        self.reading_button.setAccessibleName(self.reading_button.toolTip())

    # -- language and looks -------------------------------------------------
    def _update_tabs(self) -> None:
        related = self.related_model.rowCount()
        links = self.links.count()
        self.tabs.setTabText(RELATED_TAB, _("Related ({count})").format(count=related))
        self.tabs.setTabText(LINKS_TAB, _("Links ({count})").format(count=links))
        self.tabs.setTabText(NOTE_TAB, _("My note ✎") if self.note.has_text() else _("My note"))
        self.tabs.setTabEnabled(RELATED_TAB, related > 0)
        self.tabs.setTabEnabled(LINKS_TAB, links > 0)
        if not self.tabs.isTabEnabled(self.tabs.currentIndex()):
            self.tabs.setCurrentIndex(NOTE_TAB)

    def _update_back(self) -> None:
        self.back_button.setVisible(bool(self._history))

    def retranslate(self) -> None:
        if self._hint is None:
            self.empty_label.setText(_("Choose a record in the list to read it here."))
        self.back_button.setText(_("← Back"))
        self.back_button.setToolTip(
            _("Back to the previous record ({key})").format(key=keys.text(QKeySequence(QKeySequence.Back)))
        )
        self.back_button.setAccessibleName(_("Back to the previous record"))
        self.handout_button.setText(_("Print or PDF"))
        self.handout_button.setToolTip(_("Print this record, or save it as a PDF handout for parents"))
        self.handout_button.setAccessibleName(_("Print or save as PDF"))
        self.set_reading_mode(self.reading_button.isChecked())
        self.print_action.setText(_("Print…"))
        self.pdf_action.setText(_("Save as PDF…"))
        self.text.setAccessibleName(_("Record text"))
        self.related_view.setAccessibleName(_("Related records"))
        self.title_label.setAccessibleName(_("Title"))
        self.tabs.setAccessibleName(_("Related records, links and my note"))
        self.tabs.tabBar().setAccessibleName(_("Related records, links and my note"))
        self.links.retranslate()
        self.note.retranslate()
        self.favorite_button.retranslate()
        self._update_tabs()
        self.related_model.retranslate()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()
        self.reload()

    def _apply_fonts(self) -> None:
        # The divider leaves the text and the lists a line or more whatever the text size.
        line = self.fontMetrics().lineSpacing()
        self.note.apply_fonts()
        self.links.apply_fonts()
        self.related_view.setMinimumHeight(line + 12)
        self.text.setMinimumHeight(line * TEXT_LINES + 12)
        self.title_label.setFont(scaled_font(self.font(), 1.15, bold=True))
        self.meta_label.setFont(scaled_font(self.font(), 0.9))
        self.tabs.setMinimumHeight(self._least_lists_height())

    def _appearance_changed(self) -> None:
        self._apply_fonts()
        self.reload()
        # Once the new sizes are laid out: the divider where it was, the lists as tall as they now need.
        QTimer.singleShot(0, self.splitter, self.splitter.fit)  # not after the window is gone

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.ApplicationFontChange:
            self._apply_fonts()
        super().changeEvent(event)
