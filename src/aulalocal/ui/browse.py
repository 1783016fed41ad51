"""The browse page: facet filters, the result list (search or section) and the detail pane."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from aulalocal import i18n
from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext
from aulalocal.ui import models, worker
from aulalocal.ui.delegates import RecordDelegate
from aulalocal.ui.detail import DetailView
from aulalocal.ui.models import FacetModel, Query, RecordListModel, ResultsLoader
from aulalocal.ui.roles import RowRole, ValueRole
from aulalocal.ui.sections import BY_KEY, FACET_LABELS, Section

SELECT_DELAY_MS = 150


def _facet_values(db, kinds: tuple[str, ...]) -> dict[str, list[str]]:
    from aulalocal.catalog.search import facet_values

    values: dict[str, list[str]] = {}
    for kind in kinds:
        for facet, vals in facet_values(db, kind).items():
            values.setdefault(facet, [])
            values[facet] += [v for v in vals if v not in values[facet]]
    return values


class BrowsePage(QWidget):
    searchAllRequested = Signal()
    clearSearchRequested = Signal()

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.section: Section | None = None
        self.text = ""
        self._facet_serial = 0
        self._facets_loaded = 0

        # Filters across the top.
        self.filter_bar = QWidget()
        self.filter_bar.setObjectName("filterBar")
        filters = QHBoxLayout(self.filter_bar)
        filters.setContentsMargins(8, 4, 8, 4)
        filters.setSpacing(6)
        self.filter_label = QLabel()
        filters.addWidget(self.filter_label)
        self.facet_models: dict[str, FacetModel] = {}
        self.facet_combos: dict[str, QComboBox] = {}
        for facet in FACET_LABELS:  # one combo per known facet, shown per section
            model = FacetModel(facet, self)
            combo = QComboBox()
            combo.setModel(model)
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
            combo.setMaximumWidth(combo.fontMetrics().averageCharWidth() * 34)
            combo.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
            combo.currentIndexChanged.connect(self._filters_changed)
            filters.addWidget(combo, 1)
            self.facet_models[facet] = model
            self.facet_combos[facet] = combo
        self.clear_filters_button = QPushButton()
        self.clear_filters_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_filters_button)
        filters.addStretch(0)

        # Results column.
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.setSpacing(2)
        self.status_label = QLabel()
        self.status_label.setObjectName("meta")
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.PlainText)
        self.status_label.setContentsMargins(8, 2, 8, 2)
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
        # What to try when nothing was found.
        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.setContentsMargins(12, 12, 12, 12)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.PlainText)
        self.empty_label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        empty_layout.addWidget(self.empty_label)
        self.search_all_button = QPushButton()
        self.search_all_button.clicked.connect(self.searchAllRequested.emit)
        self.empty_clear_filters = QPushButton()
        self.empty_clear_filters.clicked.connect(self.clear_filters)
        self.clear_search_button = QPushButton()
        self.clear_search_button.clicked.connect(self.clearSearchRequested.emit)
        for button in (self.search_all_button, self.empty_clear_filters, self.clear_search_button):
            empty_layout.addWidget(button)
        empty_layout.addStretch(1)
        self.results_stack.addWidget(self.empty)
        results_layout.addWidget(self.results_stack, 1)

        self.detail = DetailView(state)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        results.setMinimumWidth(180)
        self.detail.setMinimumWidth(240)
        self.splitter.addWidget(results)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([320, 480])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filter_bar)
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
        self._update_filter_bar()

    # -- what is shown ------------------------------------------------------
    @property
    def mode(self) -> str:
        if self.section is not None and self.section.key in ("favorites", "notes"):
            return self.section.key
        return "search" if self.text.strip() else "browse"

    def show_section(self, key: str | None, text: str = "") -> None:
        """Show a section (None: every section, for a search), with an optional search text."""
        section = BY_KEY.get(key) if key else None
        changed = section != self.section
        self.section = section
        self.text = text
        if changed:
            self._reset_facets()
        self.refresh()

    def set_search(self, text: str, debounce: bool = True) -> None:
        if text == self.text:
            return
        self.text = text
        self.refresh(debounce=debounce)

    def current_query(self) -> Query:
        facets = ()
        if self.mode in ("browse", "search") and self.section is not None:
            facets = tuple(sorted(self.active_facets().items()))
        return Query(
            mode=self.mode,
            lang=self.state.lang,
            text=self.text.strip(),
            kinds=self.section.kinds if self.section is not None else (),
            facets=facets,
        )

    def refresh(self, debounce: bool = False) -> None:
        self._update_filter_bar()
        self.loader.request(self.current_query(), debounce=debounce)

    @property
    def pending(self) -> bool:
        return (
            self.loader.pending
            or self._select_timer.isActive()
            or self.detail.pending
            or self._facets_loaded != self._facet_serial
        )

    def open_record(self, key, saved_title: dict | None = None) -> None:
        row = self.model.row_of(tuple(key))
        if row >= 0:
            self.list_view.setCurrentIndex(self.model.index(row))
        self.detail.show_record(key, saved_title)

    # -- facets -------------------------------------------------------------
    def active_facets(self) -> dict[str, str]:
        out = {}
        if self.section is None:
            return out
        for facet in self.section.facets:
            value = self.facet_combos[facet].currentData(ValueRole)
            if value is not None:
                out[facet] = value
        return out

    def _reset_facets(self) -> None:
        for facet, combo in self.facet_combos.items():
            combo.blockSignals(True)
            self.facet_models[facet].set_values([])
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._load_facets()

    def _load_facets(self) -> None:
        self._facet_serial += 1
        serial = self._facet_serial
        if self.section is None or not self.section.facets:
            self._facets_loaded = serial
            return
        worker.QueryOp(self.state, _facet_values, self.section.kinds, owner=self).success(
            lambda values: self._facets_arrived(serial, values)
        ).run()

    def _facets_arrived(self, serial: int, values: dict[str, list[str]]) -> None:
        if serial != self._facet_serial:
            return
        self._facets_loaded = serial
        for facet, model in self.facet_models.items():
            combo = self.facet_combos[facet]
            current = combo.currentData(ValueRole)
            combo.blockSignals(True)
            model.set_values(values.get(facet, []))
            row = model.row_of(current)
            combo.setCurrentIndex(row if row >= 0 else 0)
            combo.blockSignals(False)
        self._update_filter_bar()

    def clear_filters(self) -> None:
        changed = False
        for combo in self.facet_combos.values():
            if combo.currentIndex() != 0:
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
                changed = True
        if changed:
            self.refresh()

    def _filters_changed(self, _index: int) -> None:
        self.refresh()

    def _update_filter_bar(self) -> None:
        facets = self.section.facets if self.section is not None and self.mode in ("browse", "search") else ()
        self.filter_bar.setVisible(bool(facets))
        for facet, combo in self.facet_combos.items():
            combo.setVisible(facet in facets)
        self.clear_filters_button.setVisible(bool(self.active_facets()))

    # -- results ------------------------------------------------------------
    def _loaded(self, count: int) -> None:
        self._update_status(count)
        if count == 0:
            self._update_empty()
            self.results_stack.setCurrentIndex(1)
            return
        self.results_stack.setCurrentIndex(0)
        key = self.detail.current_key
        row = self.model.row_of(key) if key else -1
        selection = self.list_view.selectionModel()
        selection.blockSignals(True)
        if row >= 0:
            index = self.model.index(row)
            self.list_view.setCurrentIndex(index)
            self.list_view.scrollTo(index)
        selection.blockSignals(False)
        self.list_view.viewport().update()
        if row < 0 and key is None:
            self.list_view.setCurrentIndex(self.model.index(0))

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
        mode = self.mode
        filters = bool(self.active_facets())
        self.search_all_button.setVisible(mode == "search" and self.section is not None)
        self.empty_clear_filters.setVisible(filters)
        self.clear_search_button.setVisible(mode == "search")
        if mode == "favorites":
            text = _("You have no favorites yet. Open a record and press “Add to favorites”.")
        elif mode == "notes":
            text = _("You have no notes yet. Open a record and write in “My note”.")
        elif mode == "search":
            lines = [
                _("Nothing found for “{text}”. You can try:").format(text=self.text.strip()),
                _("• a shorter word, or only its beginning;"),
            ]
            if self.section is not None:
                lines.append(_("• another section, or all sections;"))
            if filters:
                lines.append(_("• clearing the filters;"))
            lines.append(
                _("• another language: the search looks in the texts in {language} (change it in Settings).").format(
                    language=i18n.LANGUAGE_NAMES.get(self.state.lang, self.state.lang)
                )
            )
            text = "\n".join(lines)
        elif filters:
            text = _("No records match these filters. Clear the filters to see the whole section.")
        else:
            text = _("This section is empty. It fills when you update the catalog from a USB drive.")
        self.empty_label.setText(text)

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
        self._load_facets()
        self.refresh()

    def _userdata_changed(self) -> None:
        if self.mode in ("favorites", "notes") and self.isVisible():
            self.refresh()

    def retranslate(self) -> None:
        self.filter_label.setText(_("Filter:"))
        for facet, combo in self.facet_combos.items():
            self.facet_models[facet].retranslate()
            combo.setAccessibleName(_(FACET_LABELS[facet][0]))
            combo.setToolTip(_(FACET_LABELS[facet][0]))
        self.clear_filters_button.setText(_("Clear filters"))
        self.clear_filters_button.setAccessibleName(_("Clear filters"))
        self.empty_clear_filters.setText(_("Clear filters"))
        self.search_all_button.setText(_("Search in all sections"))
        self.clear_search_button.setText(_("Clear the search"))
        self.list_view.setAccessibleName(_("Results"))
        self.model.retranslate()
        if self.loader.last_query is not None:
            self._update_status(self.model.rowCount())
            if self.model.rowCount() == 0:
                self._update_empty()
