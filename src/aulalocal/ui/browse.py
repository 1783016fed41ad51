"""The browse page: the filters (``filterbar``), the result list (search or section) and the reading pane.

An empty list says what to try (``noresults``). The list is filled off the
UI thread by ``models.ResultsLoader``, newest request wins.

A new list (another section, search or filter) opens at its top. The record
being read stays on the right when the list holds it (selected there, not
scrolled to); otherwise the list's first record is shown, or, for an empty
list, a pane that says what to do: a record of another list never stays.
In reading mode the filters and the list are hidden.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QListView, QStackedWidget, QVBoxLayout, QWidget

from aulalocal import i18n
from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext
from aulalocal.ui import models, worker
from aulalocal.ui.delegates import RecordDelegate
from aulalocal.ui.detail import DetailView
from aulalocal.ui.filterbar import FilterBar
from aulalocal.ui.models import Query, RecordListModel, ResultsLoader
from aulalocal.ui.noresults import NoResults
from aulalocal.ui.roles import RowRole
from aulalocal.ui.sections import BY_KEY, Section
from aulalocal.ui.splitter import Splitter

SELECT_DELAY_MS = 150
LIST_SHARE = 0.36  # of the room beside the sections, until the teacher moves the divider


def _same_list(a: Query | None, b: Query | None) -> bool:
    """Whether two queries list the same records (a language change or a catalog update lists them anew)."""
    if a is None or b is None:
        return False
    return (a.mode, a.text, a.kinds, a.facets) == (b.mode, b.text, b.kinds, b.facets)


def _suggestion(db, text: str, lang: str, kinds: tuple[str, ...], facets: dict[str, str]) -> str | None:
    from aulalocal.catalog.search import suggest

    for kind in kinds or (None,):
        better = suggest(db, text, lang, kind=kind, facets=facets or None)
        if better:
            return better
    return None


class BrowsePage(QWidget):
    searchAllRequested = Signal()
    clearSearchRequested = Signal()
    suggestionChosen = Signal(str)  # a spelling that finds something, for the search box
    readingModeRequested = Signal(bool)

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.section: Section | None = None
        self.text = ""
        self.reading_mode = False
        self._listed: Query | None = None  # the query of the list shown

        # Above the list it filters, so the record beside it keeps the window's height.
        self.filter_bar = FilterBar(state)
        self.filter_bar.changed.connect(self.refresh)

        # Results column.
        results = self.results_column = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.setSpacing(2)
        self.status_label = QLabel()
        self.status_label.setObjectName("meta")
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.PlainText)
        self.status_label.setContentsMargins(8, 2, 8, 2)
        results_layout.addWidget(self.filter_bar)
        results_layout.addWidget(self.status_label)
        self.results_stack = QStackedWidget()
        self.model = RecordListModel(self)
        self.list_view = QListView()
        self.list_view.setObjectName("results")
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(RecordDelegate(self.list_view))
        self.list_view.setUniformItemSizes(True)
        self.list_view.setVerticalScrollMode(QListView.ScrollPerPixel)
        self.list_view.setSelectionMode(QListView.SingleSelection)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list_view.selectionModel().currentChanged.connect(self._current_changed)
        self.list_view.clicked.connect(self._clicked)
        self.list_view.activated.connect(self._activated)
        self.results_stack.addWidget(self.list_view)
        self.no_results = NoResults()
        self.no_results.searchAllRequested.connect(self.searchAllRequested.emit)
        self.no_results.clearFiltersRequested.connect(self.clear_filters)
        self.no_results.clearSearchRequested.connect(self.clearSearchRequested.emit)
        self.no_results.suggestionChosen.connect(self.suggestionChosen.emit)
        self._suggestion_serial = self._suggestion_answered = 0
        self.results_stack.addWidget(self.no_results)
        results_layout.addWidget(self.results_stack, 1)

        self.detail = DetailView(state)
        self.detail.readingModeRequested.connect(self.readingModeRequested.emit)
        self.splitter = Splitter(Qt.Horizontal, state, "list", lambda room: round(room * LIST_SHARE))
        results.setMinimumWidth(180)
        self.detail.setMinimumWidth(240)
        self.splitter.addWidget(results)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.splitter, 1)

        self.loader = ResultsLoader(state, self.model, parent=self)
        self.loader.loaded.connect(self._loaded)
        self._select_timer = QTimer(self)
        self._select_timer.setSingleShot(True)
        self._select_timer.setInterval(SELECT_DELAY_MS)
        self._select_timer.timeout.connect(self._show_current)

        state.languageChanged.connect(self._language_changed)
        state.catalogChanged.connect(self._catalog_changed)
        state.userdataChanged.connect(self._userdata_changed)
        self.retranslate()
        self.filter_bar.set_applies(self._filtered_mode)

    # -- what is shown ------------------------------------------------------
    @property
    def mode(self) -> str:
        if self.section is not None and self.section.key in ("favorites", "notes"):
            return self.section.key
        return "search" if self.text.strip() else "browse"

    @property
    def _filtered_mode(self) -> bool:
        """Whether the section's filters apply to what the list shows (not to favorites or notes)."""
        return self.mode in ("browse", "search")

    def show_section(self, key: str | None, text: str = "") -> None:
        """Show a section (None: every section, for a search), with an optional search text."""
        section = BY_KEY.get(key) if key else None
        changed = section != self.section
        self.section = section
        self.text = text
        if changed:
            self.filter_bar.set_section(section)
        self.refresh()

    def set_search(self, text: str, debounce: bool = True) -> None:
        if text == self.text:
            return
        self.text = text
        self.refresh(debounce=debounce)

    def current_query(self) -> Query:
        facets = ()
        if self._filtered_mode and self.section is not None:
            facets = tuple(sorted(self.filter_bar.active().items()))
        return Query(
            mode=self.mode,
            lang=self.state.lang,
            text=self.text.strip(),
            kinds=self.section.kinds if self.section is not None else (),
            facets=facets,
        )

    def refresh(self, debounce: bool = False) -> None:
        self.filter_bar.set_applies(self._filtered_mode)
        self.loader.request(self.current_query(), debounce=debounce)

    @property
    def pending(self) -> bool:
        return (
            self.loader.pending
            or self._select_timer.isActive()
            or self.detail.pending
            or self.filter_bar.pending
            or self._suggestion_answered != self._suggestion_serial
        )

    def open_record(self, key, saved_title: dict | None = None) -> None:
        row = self.model.row_of(tuple(key))
        if row >= 0:
            self.list_view.setCurrentIndex(self.model.index(row))
        self.detail.show_record(key, saved_title)

    def clear_filters(self) -> None:
        if self.filter_bar.clear():
            self.refresh()

    def set_reading_mode(self, on: bool) -> None:
        """The record on the whole page (the filters and the list hidden), or the lists back."""
        self.reading_mode = on
        self.results_column.setVisible(not on)
        self.detail.set_reading_mode(on)
        if not on:
            self.splitter.fit()

    # -- results ------------------------------------------------------------
    def _loaded(self, count: int) -> None:
        query = self.loader.last_query
        new_list = not _same_list(query, self._listed)
        self._listed = query
        self._update_status(count)
        if count == 0:
            self._update_empty()
            self._ask_suggestion()
            self.results_stack.setCurrentIndex(1)
            if new_list:
                self.detail.clear(_("Nothing to read here: the list is empty. On the left: what you can try."))
            return
        self.results_stack.setCurrentIndex(0)
        key = self.detail.current_key
        row = self.model.row_of(key) if key else -1
        if row >= 0:
            # Selected, not scrolled to: the list keeps its place (a new one its top, the best results).
            selection = self.list_view.selectionModel()
            selection.blockSignals(True)
            self.list_view.setCurrentIndex(self.model.index(row))
            selection.blockSignals(False)
            self.list_view.viewport().update()
        elif new_list or key is None:
            self.list_view.setCurrentIndex(self.model.index(0))
            self._select_timer.stop()
            self._show_current()
        if new_list:
            self.list_view.scrollToTop()

    def _ask_suggestion(self) -> None:
        """"Did you mean …?" for a search that found nothing, read off the UI thread (catalog.search.suggest)."""
        self._suggestion_serial += 1
        serial = self._suggestion_serial
        self.no_results.suggest(None)
        query = self.loader.last_query
        if query is None or query.mode != "search":
            self._suggestion_answered = serial
            return
        worker.QueryOp(
            self.state, _suggestion, query.text, query.lang, query.kinds, dict(query.facets), owner=self
        ).success(lambda better: self._suggestion_arrived(serial, better)).failure(
            lambda _error: self._suggestion_arrived(serial, None)  # no suggestion, nothing else to say
        ).run()

    def _suggestion_arrived(self, serial: int, better: str | None) -> None:
        self._suggestion_answered = max(self._suggestion_answered, serial)
        if serial == self._suggestion_serial and not self.model.rowCount():
            self.no_results.suggest(better)

    def _update_status(self, count: int) -> None:
        mode = self.mode
        n = i18n.format_number(count)
        if mode == "favorites":
            text = ngettext("{count} favorite", "{count} favorites", count).format(count=n)
        elif mode == "notes":
            text = ngettext("{count} note", "{count} notes", count).format(count=n)
        elif mode == "search" and count >= models.SEARCH_LIMIT:
            where = _(self.section.label) if self.section is not None else _("all sections")
            text = _("The first {count} results for “{text}” in {section}. Add a word to find fewer.").format(
                count=n, text=self.text.strip(), section=where
            )
        elif mode == "search":
            where = _(self.section.label) if self.section is not None else _("all sections")
            text = ngettext(
                "{count} result for “{text}” in {section}", "{count} results for “{text}” in {section}", count
            ).format(count=n, text=self.text.strip(), section=where)
        else:
            text = ngettext("{count} record", "{count} records", count).format(count=n)
        self.status_label.setText(text)

    def _update_empty(self) -> None:
        self.no_results.explain(
            self.mode, self.section, self.text.strip(), bool(self.filter_bar.active()), self.state.lang
        )

    def _current_changed(self, current, _previous) -> None:
        if current.isValid():
            self._select_timer.start()

    def _clicked(self, index) -> None:
        self._select_timer.stop()
        self._show_index(index)

    def _activated(self, index) -> None:
        self._show_index(index)
        self.detail.text.setFocus(Qt.OtherFocusReason)

    def _show_current(self) -> None:
        self._show_index(self.list_view.currentIndex())

    def _show_index(self, index) -> None:
        if index.isValid():
            row = index.data(RowRole)
            self.detail.show_record(row.key, row.saved_title)

    # -- announcements ------------------------------------------------------
    def _language_changed(self, _lang: str) -> None:
        self.retranslate()
        self.refresh()

    def _catalog_changed(self) -> None:
        self.filter_bar.reload()
        self.refresh()

    def _userdata_changed(self) -> None:
        if self.mode in ("favorites", "notes") and self.isVisible():
            self.refresh()

    def retranslate(self) -> None:
        self.filter_bar.retranslate()
        self.no_results.retranslate()
        self.list_view.setAccessibleName(_("Results"))
        self.model.retranslate()
        if self.loader.last_query is not None:
            self._update_status(self.model.rowCount())
            if self.model.rowCount() == 0:
                self._update_empty()
