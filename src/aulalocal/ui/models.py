"""Qt models over catalog queries, and the loader that fills them off the UI thread.

Nothing here fills widgets: views show these models. Queries run in
``worker.QueryOp`` with a serial number; only the newest request's result
reaches the model (newest query wins), and a request that is already stale when
its turn comes does not even query.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt, QTimer, Signal

from aulalocal import i18n, peru
from aulalocal.catalog.search import HIGHLIGHT
from aulalocal.i18n import gettext as _
from aulalocal.i18n import localized
from aulalocal.recordtext import kind_name
from aulalocal.ui import worker
from aulalocal.ui.roles import (
    FallbackRole,
    HasMetaRole,
    HasSnippetsRole,
    KeyRole,
    KindNameRole,
    KindRole,
    RemovedRole,
    RowRole,
    SnippetRole,
    TitleRole,
    ValueRole,
)
from aulalocal.ui.sections import FACET_LABELS

SEARCH_LIMIT = 200
# Results whose snippet comes with them: a list shows about six at 1024x600,
# fifteen on a tall screen. The others' are made when they come into view,
# SNIPPET_BLOCK at a time: most of a search's time was the 200 snippets.
FIRST_SNIPPETS = 20
SNIPPET_BLOCK = 20


def fallback_marker(lang: str | None) -> str:
    """The small marker of a text shown in another language than the one chosen."""
    if not lang:
        return ""
    return {
        "es": _("(in Spanish)"),
        "en": _("(in English)"),
        "qu": _("(in Quechua)"),
    }.get(lang, "({lang})".format(lang=lang))


def split_highlight(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """Plain text of a snippet and the (start, length) runs between the highlight markers."""
    start_mark, end_mark = HIGHLIGHT
    text: list[str] = []
    runs: list[tuple[int, int]] = []
    pos = 0
    run_start = None
    for ch in snippet:
        if ch == start_mark:
            run_start = pos
        elif ch == end_mark:
            if run_start is not None and pos > run_start:
                runs.append((run_start, pos - run_start))
            run_start = None
        else:
            text.append(" " if ch in "\r\n\t" else ch)
            pos += 1
    if run_start is not None and pos > run_start:
        runs.append((run_start, pos - run_start))
    return "".join(text), runs


@dataclass(frozen=True)
class Row:
    """One line of a result list: a catalog hit, or a favorite or note of the teacher."""

    catalog: str
    kind: str
    id: str
    title: str
    fallback: str | None = None  # language the title fell back to
    snippet: str | None = ""  # None: not made yet (models.fetch_snippets)
    removed: bool = False
    saved_title: dict = field(default_factory=dict, compare=False)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.catalog, self.kind, self.id)


@dataclass(frozen=True)
class Query:
    mode: str  # "browse", "search", "favorites" or "notes"
    lang: str
    text: str = ""
    kinds: tuple[str, ...] = ()
    facets: tuple[tuple[str, str], ...] = ()


# -- queries, run on a worker thread ----------------------------------------

def fetch_rows(db, query: Query, userdata_path: Path, is_stale=lambda: False) -> list[Row] | None:
    """The rows for ``query``; None when a newer request made it useless."""
    from aulalocal.catalog.search import browse, search

    if is_stale():
        return None
    facets = dict(query.facets) or None
    lang = query.lang
    if query.mode in ("favorites", "notes"):
        return _user_rows(db, worker.read_db(userdata_path), query)
    kinds = query.kinds or (None,)
    rows: list[Row] = []
    for kind in kinds:
        first = max(0, FIRST_SNIPPETS - len(rows))
        if query.mode == "search":
            hits = search(db, query.text, lang=lang, kind=kind, facets=facets, limit=SEARCH_LIMIT, snippets=first)
        else:
            hits = browse(db, lang=lang, kind=kind, facets=facets)
        rows += [
            Row(h.catalog, h.kind, h.id, h.title, h.title_lang if h.title_lang != lang else None,
                h.snippet if n < first or query.mode != "search" else None)
            for n, h in enumerate(hits)
        ]
        if is_stale():
            return None
    if query.mode == "browse":
        from aulalocal.ui.collation import sorted_by

        rows = sorted_by(rows, lambda r: r.title, lang)
    return rows


def fetch_snippets(db, query: Query, keys: list[tuple[str, str, str]]) -> list[str]:
    """The snippets of the records ``keys`` in the results of ``query`` (a search)."""
    from aulalocal.catalog.search import snippets_for

    return snippets_for(db, query.text, query.lang, keys)


def _user_rows(db, user_db, query: Query) -> list[Row]:
    from aulalocal.catalog import userdata
    from aulalocal.catalog.records import titles_for

    items = userdata.favorites(user_db) if query.mode == "favorites" else userdata.notes(user_db)
    gone = userdata.orphaned(items, db)
    titles = titles_for(db, [(i.catalog, i.kind, i.id) for i in items if (i.catalog, i.kind, i.id) not in gone])
    rows = []
    for item in items:
        key = (item.catalog, item.kind, item.id)
        removed = key in gone
        title, used = localized(item.title, query.lang)
        if key in titles:
            now_title, now_used = localized(titles[key], query.lang)
            if now_title:
                title, used = now_title, now_used
        text = " ".join(item.text.split())[:300] if query.mode == "notes" else ""
        if text and query.text and query.text.casefold() not in (title + " " + text).casefold():
            continue
        rows.append(
            Row(item.catalog, item.kind, item.id, title or item.id, used if used != query.lang else None,
                text, removed, item.title)
        )
    return rows


# -- models -------------------------------------------------------------------

class RecordListModel(QAbstractListModel):
    """Search and browse results, favorites and notes: all the lists of records.

    A row whose snippet is not made yet asks for it when a view first wants
    it (``snippetsWanted``, with the row), that is when it comes into view.
    """

    snippetsWanted = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._asked: set[int] = set()  # rows whose snippet was asked for
        self.generation = 0  # set_rows calls: a late answer for other rows is dropped
        self.has_snippets = False
        self.show_kind = False
        self.has_meta = False

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.DisplayRole, TitleRole):
            return row.title
        if role == KindRole:
            return row.kind
        if role == KindNameRole:
            return kind_name(row.kind) if self.show_kind else ""
        if role == SnippetRole:
            return self._snippet(index.row(), row)
        if role == FallbackRole:
            return fallback_marker(row.fallback)
        if role == RemovedRole:
            return row.removed
        if role == KeyRole:
            return row.key
        if role == RowRole:
            return row
        if role == HasSnippetsRole:
            return self.has_snippets
        if role == HasMetaRole:
            return self.has_meta
        if role == Qt.AccessibleTextRole:
            parts = [row.title, kind_name(row.kind)]
            if row.fallback:
                parts.append(fallback_marker(row.fallback))
            if row.removed:
                parts.append(_("(removed from the catalog)"))
            snippet = self._snippet(index.row(), row)
            if snippet:
                parts.append(split_highlight(snippet)[0])
            return ", ".join(parts)
        if role == Qt.ToolTipRole:
            return row.title
        return None

    def _snippet(self, number: int, row: Row) -> str:
        if row.snippet is None:
            if number not in self._asked:
                self.snippetsWanted.emit(number)
            return ""
        return row.snippet

    def missing_snippets(self, first: int, count: int) -> list[int]:
        """Of ``count`` rows from ``first``, those whose snippet is neither made nor asked for; now asked for."""
        numbers = [n for n in range(first, min(first + count, len(self._rows)))
                   if self._rows[n].snippet is None and n not in self._asked]
        self._asked.update(numbers)
        return numbers

    def set_snippets(self, generation: int, numbers: list[int], snippets: list[str]) -> None:
        """Snippets for rows ``numbers``, unless the rows changed since they were asked for."""
        if generation != self.generation or not numbers:
            return
        for number, snippet in zip(numbers, snippets):
            self._rows[number] = replace(self._rows[number], snippet=snippet)
        self.dataChanged.emit(self.index(min(numbers)), self.index(max(numbers)), [SnippetRole])

    def set_rows(self, rows: list[Row], has_snippets: bool) -> None:
        self.beginResetModel()
        self.generation += 1
        self._asked = set()
        self._rows = list(rows)
        self.has_snippets = has_snippets
        # The kind is said only where a list mixes kinds; the line stays when it has anything to say.
        self.show_kind = len({r.kind for r in self._rows}) > 1
        self.has_meta = self.show_kind or any(r.fallback or r.removed for r in self._rows)
        self.endResetModel()

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_of(self, key) -> int:
        for n, row in enumerate(self._rows):
            if row.key == key:
                return n
        return -1

    def retranslate(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))


class FacetModel(QAbstractListModel):
    """The values of one facet for a combo box; the first row means "no filter"."""

    def __init__(self, facet: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.facet = facet
        self._values: list[str] = []

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._values) + 1

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        if index.row() == 0:
            value = None
            label = _(FACET_LABELS[self.facet][1])
        else:
            value = self._values[index.row() - 1]
            label = self.label(value)
        if role in (Qt.DisplayRole, Qt.AccessibleTextRole):
            return label
        if role == ValueRole:
            return value
        return None

    def label(self, value: str) -> str:
        from aulalocal.recordtext import value_name

        if self.facet == "year":
            return _("Year {number}").format(number=value)
        if self.facet == "region":
            return peru.region(value) or value
        return value_name(value)

    def set_values(self, values: list[str]) -> None:
        from aulalocal.ui.collation import sorted_by

        if self.facet == "year":
            values = sorted(values, key=lambda v: (len(v), v))
        else:
            # Alphabetical by what the teacher reads; Peru's regions before the places of other countries.
            values = sorted_by(values, self.label, i18n.current_language())
            if self.facet == "region":
                values.sort(key=lambda v: peru.region(v) is None)
        self.beginResetModel()
        self._values = list(values)
        self.endResetModel()

    def values(self) -> list[str]:
        return list(self._values)

    def row_of(self, value: str | None) -> int:
        if value is None:
            return 0
        try:
            return self._values.index(value) + 1
        except ValueError:
            return -1

    def retranslate(self) -> None:
        self.dataChanged.emit(self.index(0), self.index(len(self._values)))


class RelatedModel(QAbstractListModel):
    """Records a record names or is named by; unavailable ones are greyed and inert."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list = []  # catalog.queries.Related

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role in (Qt.DisplayRole, Qt.AccessibleTextRole):
            if item.title is None:
                return _("{kind}: {id} (not available)").format(kind=kind_name(item.kind), id=item.id)
            return _("{kind}: {title}").format(kind=kind_name(item.kind), title=item.title)
        if role == KeyRole:
            return (item.catalog, item.kind, item.id)
        if role == RemovedRole:
            return item.title is None
        if role == Qt.ToolTipRole and item.title is None:
            return _("This record is not in the catalog on this laptop yet; it may come with a later update.")
        return None

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return Qt.NoItemFlags
        if self._items[index.row()].title is None:
            return Qt.NoItemFlags  # shown greyed, cannot be opened
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable

    def set_items(self, items: list) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list:
        return list(self._items)

    def retranslate(self) -> None:
        if self._items:
            self.dataChanged.emit(self.index(0), self.index(len(self._items) - 1))


class LinksModel(QAbstractListModel):
    """External links of a record, shown as text: label and address."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._links: list[tuple[str, str]] = []  # (label, url)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._links)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        label, url = self._links[index.row()]
        if role in (Qt.DisplayRole, Qt.AccessibleTextRole):
            return "{label}\n{url}".format(label=label, url=url) if label else url
        if role == ValueRole:
            return url
        if role == Qt.ToolTipRole:
            return url
        return None

    def set_links(self, links: list[tuple[str, str]]) -> None:
        self.beginResetModel()
        self._links = list(links)
        self.endResetModel()

    def links(self) -> list[tuple[str, str]]:
        return list(self._links)


# -- the loader ---------------------------------------------------------------

class ResultsLoader(QObject):
    """Fills a RecordListModel off the UI thread: debounced, newest request wins."""

    loaded = Signal(int)  # rows now in the model, after the newest request

    def __init__(self, state, model: RecordListModel, delay_ms: int = 250, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.model = model
        self.serial = 0
        self.applied = 0
        self.last_query: Query | None = None
        self._pending: Query | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._launch)
        model.snippetsWanted.connect(self._fetch_snippets)

    def request(self, query: Query, debounce: bool = False) -> int:
        self.serial += 1
        self._pending = query
        if debounce:
            self._timer.start()
        else:
            self._timer.stop()
            self._launch()
        return self.serial

    @property
    def pending(self) -> bool:
        return self._timer.isActive() or self.applied != self.serial

    def _launch(self) -> None:
        query, serial = self._pending, self.serial
        if query is None:
            return
        userdata_path = self.state.folder.path / "userdata.db"
        worker.QueryOp(
            self.state, fetch_rows, query, userdata_path, lambda: serial != self.serial, owner=self
        ).success(lambda rows: self.deliver(serial, query, rows)).failure(
            lambda exc: self._failed(serial, exc)
        ).run()

    def deliver(self, serial: int, query: Query, rows: list[Row] | None) -> bool:
        """Put ``rows`` in the model unless a newer request was made since."""
        if serial != self.serial or rows is None:
            return False
        self.last_query = query  # before the rows: a view may ask for their snippets at once
        self.model.set_rows(rows, has_snippets=query.mode in ("search", "notes"))
        self.applied = serial
        self.loaded.emit(len(rows))
        return True

    def _fetch_snippets(self, number: int) -> None:
        """The missing snippets of a block of rows from ``number``, off the UI thread."""
        query, generation = self.last_query, self.model.generation
        # The rows around it: a list scrolled up from its end comes into view upwards.
        numbers = self.model.missing_snippets(max(0, number - SNIPPET_BLOCK // 2), SNIPPET_BLOCK)
        if query is None or not numbers:
            return
        rows = self.model.rows()
        worker.QueryOp(
            self.state, fetch_snippets, query, [rows[n].key for n in numbers], owner=self
        ).success(lambda snippets: self.model.set_snippets(generation, numbers, snippets)).failure(
            lambda exc: self.model.set_snippets(generation, numbers, [""] * len(numbers))
        ).run()

    def _failed(self, serial: int, exc: BaseException) -> None:
        if serial != self.serial:
            return
        self.applied = serial
        self.model.set_rows([], has_snippets=False)
        self.loaded.emit(0)
        worker.show_error(self.parent(), exc)
