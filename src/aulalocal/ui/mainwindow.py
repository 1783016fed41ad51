"""The main window: search on top, the drive banner, sections on the left, home or the browse page.

The menus are in ``menus``, the banner in ``drivebanner``; the window routes
the search, goes to a section and opens the dialogs.

Only the home view is built before the first paint; the browse page, the
drive watcher, the home view's dates, the search box's clear button, the
window icon and the dialogs are made after it (on the first paint event: a
zero timer would run before it) or when first needed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from aulalocal.i18n import gettext as _
from aulalocal.ui import keys, theme
from aulalocal.ui.drivebanner import DriveBanner
from aulalocal.ui.home import HomeView
from aulalocal.ui.memory import forget_module_sources
from aulalocal.ui.menus import WindowMenus
from aulalocal.ui.roles import ValueRole
from aulalocal.ui.sections import BY_KEY, SECTIONS, section_for_kind
from aulalocal.ui.sidebar import SectionModel


class MainWindow(QMainWindow):
    def __init__(self, state, *, watch_drives: bool = True) -> None:
        forget_module_sources()  # the window's widgets reuse that memory: 3 MB less at rest
        super().__init__()
        self.state = state
        self._browse = None
        self.watcher = None
        self._watch_drives = watch_drives
        self._painted = False
        self._settled = False
        self._selecting_sidebar = False
        self.reading_mode = False
        self.share_panel = None
        self.share_options: dict = {}  # the site's address, port, announce, zeroconf (tests: loopback, a stand-in)
        self._peers = None  # ui.peerwatcher.PeerWatcher, made when first needed
        self.peer_look = None  # tests: a look that browses no network (peers.take.look's signature)
        self.setObjectName("mainWindow")

        central = QWidget()
        self.setCentralWidget(central)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.top_bar = self._build_top_bar()
        outer.addWidget(self.top_bar)
        self.banner = DriveBanner(self)
        self.banner.updateRequested.connect(self.open_update_dialog)
        self.banner.peerUpdateRequested.connect(lambda offer: self.open_update_dialog(offer=offer))
        outer.addWidget(self.banner)
        outer.addWidget(self._build_body(), 1)

        self.menus = WindowMenus(self)
        self._build_shortcuts()
        state.languageChanged.connect(self.retranslate)
        state.appearanceChanged.connect(self._fit_sidebar)
        self.retranslate()  # also fits the sidebar
        self.current_section = "home"
        self._select_sidebar("home")
        self.setTabOrder(self.search, self.update_button)
        self.setTabOrder(self.update_button, self.share_button)
        self.setTabOrder(self.share_button, self.settings_button)
        self.setTabOrder(self.settings_button, self.sidebar)

    # -- building -----------------------------------------------------------
    def _build_top_bar(self) -> QWidget:
        """Search, and the buttons a teacher needs most: Update, Share in class, Settings."""
        top = QWidget()
        top.setObjectName("topBar")
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(8, 6, 8, 6)
        top_layout.setSpacing(6)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self._search_enter)
        self.search.installEventFilter(self)  # its hint follows its width (_fit_search_hint)
        top_layout.addWidget(self.search, 1)
        self.update_button = QPushButton()
        self.update_button.clicked.connect(lambda: self.open_update_dialog())
        self.settings_button = QPushButton()
        self.settings_button.clicked.connect(self.open_settings)
        # Share in class (ui/sharepanel.py): off until the teacher turns it on.
        self.share_button = QPushButton()
        self.share_button.clicked.connect(lambda: self.open_share_panel())
        top_layout.addWidget(self.update_button)
        top_layout.addWidget(self.share_button)
        top_layout.addWidget(self.settings_button)
        return top

    def _build_body(self) -> QWidget:
        """The sections on the left; home, or the browse page once built, on the right."""
        body = QWidget()
        body_layout = QHBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.setSpacing(0)
        self.sections = SectionModel(parent=self)
        self.sidebar = QListView()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setModel(self.sections)
        self.sidebar.setWordWrap(True)
        self.sidebar.setResizeMode(QListView.Adjust)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.sidebar.setSelectionMode(QListView.SingleSelection)
        self.sidebar.selectionModel().currentChanged.connect(self._sidebar_changed)
        body_layout.addWidget(self.sidebar)
        self.stack = QStackedWidget()
        self.home = HomeView(self.state)
        self.home.openSection.connect(self.go_to)
        self.home.updateRequested.connect(lambda: self.open_update_dialog())
        self.stack.addWidget(self.home)
        body_layout.addWidget(self.stack, 1)
        return body

    def _build_shortcuts(self) -> None:
        self.escape = QShortcut(QKeySequence(Qt.Key_Escape), self)
        self.escape.setContext(Qt.WindowShortcut)
        self.escape.activated.connect(self._escape)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        # The clear button shows only once there is text (its icon is looked up
        # in the icon theme: 4 ms); the icon's seven sizes are read and sent to
        # the desktop when it is set (5-15 ms).
        self.search.setClearButtonEnabled(True)
        theme.set_window_icon(QApplication.instance())
        self.home.show_dates()
        self.browse  # noqa: B018 - builds the browse page now, so the first click is instant
        if self._watch_drives and self.watcher is None:
            from aulalocal.ui.drivewatcher import DriveWatcher

            self.watcher = DriveWatcher(self.state, parent=self)
            self.watcher.bundlesFound.connect(self.banner.show_drive)
            self.watcher.driveRemoved.connect(self.banner.drive_removed)
            self.watcher.start()
        forget_module_sources()
        self._settled = True

    @property
    def browse(self):
        if self._browse is None:
            from aulalocal.ui.browse import BrowsePage

            self._browse = BrowsePage(self.state)
            self._browse.searchAllRequested.connect(self._search_all)
            self._browse.clearSearchRequested.connect(self.clear_search)
            self._browse.suggestionChosen.connect(self.search.setText)
            self._browse.readingModeRequested.connect(self.set_reading_mode)
            self.stack.addWidget(self._browse)
            self.setTabOrder(self.sidebar, self._browse.filter_bar)
        return self._browse

    def _fit_sidebar(self) -> None:
        """Wide enough for the longest word of a section name (names wrap), never more than needed."""
        metrics = self.sidebar.fontMetrics()
        words = [w for section in SECTIONS for w in _(section.label).split()]
        longest = max((metrics.horizontalAdvance(w) for w in words), default=80)
        icon = self.sidebar.style().pixelMetric(self.sidebar.style().PixelMetric.PM_SmallIconSize)
        width = max(longest, metrics.horizontalAdvance("M" * 9)) + icon + 36
        self.sidebar.setIconSize(QSize(icon, icon))
        self.sidebar.setFixedWidth(width)

    # -- navigation ---------------------------------------------------------
    def go_to(self, key: str) -> None:
        """Show a section ("home", "programs", ... "favorites", "notes")."""
        if key not in BY_KEY:
            return
        self.set_reading_mode(False)
        self.current_section = key
        self._select_sidebar(key)
        if key == "home":
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.stack.setCurrentWidget(self.home)
            return
        text = self.search.text() if key not in ("favorites", "notes") else ""
        if key in ("favorites", "notes") and self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self.browse.show_section(key, text)
        self.stack.setCurrentWidget(self.browse)

    def _select_sidebar(self, key: str | None) -> None:
        # A flag rather than blocking the selection model's signals: the view
        # then repaints the selection itself. Asking for its viewport() instead
        # made PySide6 load every QtWidgets class before the first paint (13 ms).
        self._selecting_sidebar = True
        try:
            row = self.sections.row_of(key) if key else -1
            if row >= 0:
                self.sidebar.setCurrentIndex(self.sections.index(row))
            else:
                selection = self.sidebar.selectionModel()
                selection.clearSelection()
                selection.setCurrentIndex(self.sections.index(0), QItemSelectionModel.NoUpdate)
        finally:
            self._selecting_sidebar = False

    def _sidebar_changed(self, current, _previous) -> None:
        if current.isValid() and not self._selecting_sidebar:
            self.go_to(current.data(ValueRole))

    def open_record(self, kind: str, id_: str, catalog: str | None = None) -> bool:
        """Open one record in its section (used by ``--view detail:KIND:ID``)."""
        if catalog is None:
            from aulalocal.catalog.records import catalog_of

            catalog = catalog_of(self.state.folder.catalog, kind, id_)
            if catalog is None:
                return False
        self.go_to(section_for_kind(kind).key)
        self.browse.open_record((catalog, kind, id_))
        return True

    # -- search -------------------------------------------------------------
    def focus_search(self) -> None:
        self.set_reading_mode(False)
        self.search.setFocus(Qt.ShortcutFocusReason)
        self.search.selectAll()

    def clear_search(self) -> None:
        if self.search.text():
            self.search.clear()
        self.search.setFocus(Qt.ShortcutFocusReason)

    def _search_changed(self, text: str) -> None:
        if text.strip():
            if self.current_section in ("home", "favorites", "notes") or self.stack.currentWidget() is self.home:
                self.current_section = "all"
                self._select_sidebar(None)
                self.browse.show_section(None, text)
                self.stack.setCurrentWidget(self.browse)
            else:
                self.browse.set_search(text, debounce=True)
        elif self._browse is not None:
            if self.current_section == "all":
                self.go_to("home")
            else:
                self.browse.set_search("", debounce=False)

    def _search_enter(self) -> None:
        if self._browse is not None and self.stack.currentWidget() is self._browse:
            self._browse.list_view.setFocus(Qt.OtherFocusReason)

    def _search_all(self) -> None:
        self.current_section = "all"
        self._select_sidebar(None)
        self.browse.show_section(None, self.search.text())

    def _escape(self) -> None:
        if self.reading_mode:
            self.set_reading_mode(False)
        else:
            self.clear_search()

    # -- reading mode ---------------------------------------------------------
    def toggle_reading_mode(self) -> None:
        self.set_reading_mode(not self.reading_mode)

    def set_reading_mode(self, on: bool) -> None:
        """The record on the whole window (sections, search bar, filters and list hidden), or all back.

        Only a record being read can fill the window: elsewhere the mode stays off."""
        on = bool(on) and self._reading_possible()
        self.menus.reading_action.setChecked(on)
        if on == self.reading_mode:
            if self._browse is not None:
                self._browse.detail.set_reading_mode(on)
            return
        self.reading_mode = on
        self.top_bar.setVisible(not on)
        self.sidebar.setVisible(not on)
        self.browse.set_reading_mode(on)
        if on:
            self.browse.detail.text.setFocus(Qt.OtherFocusReason)
        else:
            self.browse.list_view.setFocus(Qt.OtherFocusReason)

    def _reading_possible(self) -> bool:
        return (
            self._browse is not None
            and self.stack.currentWidget() is self._browse
            and self._browse.detail.current_key is not None
        )

    # -- actions ------------------------------------------------------------
    def go_back(self) -> None:
        if self._browse is not None:
            self._browse.detail.go_back()

    def toggle_favorite(self) -> None:
        if self._browse is not None and self.stack.currentWidget() is self._browse:
            self._browse.detail.toggle_favorite()

    def _current_record(self):
        if self._browse is not None and self.stack.currentWidget() is self._browse:
            return self._browse.detail.record
        return None

    def print_record(self) -> None:
        if self._current_record() is not None:
            self._browse.detail.print_handout()
        else:
            self._no_record()

    def save_record_pdf(self) -> None:
        if self._current_record() is not None:
            self._browse.detail.save_pdf()
        else:
            self._no_record()

    def _no_record(self) -> None:
        from aulalocal.ui.dialogs import message

        message(self, "information", _("Open a record first, then print it or save it as a PDF."))

    def print_favorites(self) -> None:
        from aulalocal.ui import handout

        handout.print_favorites(self, self.state)

    def save_favorites_pdf(self) -> None:
        from aulalocal.ui import handout

        handout.save_favorites_pdf(self, self.state)

    def open_settings(self) -> None:
        from aulalocal.ui.settings import SettingsDialog

        SettingsDialog(self.state, self).exec()

    def open_update_dialog(self, bundles: list | None = None, path=None, offer=None):
        from aulalocal.ui.updatedialog import UpdateDialog

        dialog = UpdateDialog(self.state, self, bundles=bundles, path=path, offer=offer)
        dialog.peerRequested.connect(lambda: QTimer.singleShot(0, self.open_peer_dialog))
        if bundles is None and path is None and offer is None and self.banner.bundles and self.banner.root:
            dialog.set_bundles(self.banner.bundles)
        dialog.exec()
        if dialog.results and offer is None:
            self.banner.updated(dialog.results)  # a drive's: says what happened, then goes; never "Update" again for it
        if dialog.finished_ok is not None and offer is not None and self.banner.offer is not None:
            self.banner.dismiss()  # what it offered is taken (or said why not); the next look tells what is left
        elif dialog.finished_ok is not None and self.watcher is not None and self.banner.root:
            # Look at the drive again: the banner then says what is left to do.
            self.watcher.rescan(self.banner.root)
        return dialog

    @property
    def peers(self):
        """Looks for other computers with updates (ui/peerwatcher.py); the banner says what it finds."""
        if self._peers is None:
            from aulalocal.ui.peerwatcher import PeerWatcher

            self._peers = PeerWatcher(self.state, self, look=self.peer_look)
            self._peers.looked.connect(lambda looked: looked.wanted and self.banner.show_peer(looked.wanted[0]))
        return self._peers

    def open_peer_dialog(self):
        from aulalocal.ui.peerdialog import PeerDialog

        dialog = PeerDialog(self.state, self, watcher=self.peers)
        dialog.offerChosen.connect(lambda offer: QTimer.singleShot(0, lambda: self.open_update_dialog(offer=offer)))
        dialog.show()
        return dialog

    def open_bundle_file(self) -> None:
        from aulalocal.ui.filedialogs import choose_bundle_file

        path = choose_bundle_file(self)
        if path:
            self.open_update_dialog(path=path)

    def open_export_dialog(self) -> None:
        from aulalocal.ui.exportdialog import ExportDialog

        ExportDialog(self.state, self).exec()

    def open_share_panel(self, start: bool = False):
        if self.share_panel is None:
            from aulalocal.ui.sharepanel import ShareController, SharePanel

            controller = ShareController(self.state, self, **self.share_options)
            controller.changed.connect(self._share_label)
            controller.changed.connect(self._watch_peers)
            self.share_panel = SharePanel(self.state, self, controller)
        self.share_panel.show()
        self.share_panel.raise_()
        if start:
            self.share_panel.controller.start()
        return self.share_panel

    def _watch_peers(self) -> None:
        """While sharing and announced by name, look for other computers with updates now and then."""
        controller = self.share_panel.controller if self.share_panel is not None else None
        if controller is not None and controller.sharing and controller.announce:
            self.peers.watch(exclude=[controller.name])  # this laptop's own site
        elif self._peers is not None:
            self._peers.stop()

    def _share_label(self) -> None:
        sharing = self.share_panel is not None and self.share_panel.controller.sharing
        self.share_button.setText(_("Sharing in class") if sharing else _("Share in class…"))
        self.share_button.setAccessibleName(_("Share the catalog with the students' devices on this laptop's network"))

    # -- for --screenshot and tests -----------------------------------------
    def show_view(self, view: str) -> bool:
        """Put the window in one of the views of ``--view``; False when unknown."""
        if view.startswith(("detail:", "reading:")):
            parts = view.split(":")
            if len(parts) != 3 or not self.open_record(parts[1], parts[2]):
                return False
            self.set_reading_mode(parts[0] == "reading")
            return True
        if view == "update":
            from aulalocal.ui.updatedialog import UpdateDialog

            self.update_preview = UpdateDialog(self.state, self)
            self.update_preview.show()
            return True
        if view == "trust":
            self.update_preview = self._trust_preview()
            return True
        if view in ("peer", "peer-progress"):  # another computer's updates: made up, nothing is asked of a network
            offer = _sample_offer()
            self.banner.show_peer(offer)
            if view == "peer-progress":
                from aulalocal.ui.updatedialog import UpdateDialog

                self.update_preview = UpdateDialog(self.state, self)
                self.update_preview.offer = offer
                self.update_preview.set_bundles(offer.updates)
                self.update_preview.retranslate()
                self.update_preview._page(1)
                self.update_preview.progress_page.update_progress("download", 42, 100)
                self.update_preview.show()
            return True
        if view in ("drive", "drive-done", "export", "save-pdf", "saved"):  # files and drives, made up: nothing is written
            self.update_preview = _files_preview(self, view)
            return True
        if view == "share":  # sharing on, as the teacher sees it, on every network; not announced
            self.share_options.setdefault("announce", False)
            self.update_preview = self.open_share_panel(start=True)
            return True
        if view in BY_KEY:
            self.go_to(view)
            return True
        return False

    def _trust_preview(self):
        """The question asked for a bundle signed by an unknown key, with a made-up key."""
        import os

        from aulalocal.bundle.minisign import PublicKey
        from aulalocal.ui.trustquestion import trust_question

        key = PublicKey(os.urandom(8), os.urandom(32), "Ministerio de Educación del Perú")
        box, _yes = trust_question(self, key)
        box.show()
        return box

    def is_idle(self) -> bool:
        if not self._settled or self.state.busy:
            return False
        return self._browse is None or not self._browse.pending

    # -- language -----------------------------------------------------------
    def retranslate(self, *_args) -> None:
        self.setWindowTitle(_("AulaLocal: catalog for the classroom"))
        self._fit_search_hint()
        self.search.setAccessibleName(_("Search the catalog"))
        self.search.setToolTip(
            _("Type a word: results appear as you type. {key} clears the search.").format(key=keys.text("Esc"))
        )
        self.update_button.setText(_("Update…"))
        self.update_button.setAccessibleName(_("Update the catalog from a USB drive or a file"))
        self.settings_button.setText(_("Settings"))
        self.settings_button.setAccessibleName(_("Settings: language, text size and contrast"))
        self._share_label()
        self.sidebar.setAccessibleName(_("Sections"))
        self.sections.retranslate()
        self.menus.retranslate()
        self.banner.retranslate()
        self._fit_sidebar()

    def _fit_search_hint(self) -> None:
        """The hint that names what there is to find where the box holds it whole, else a short one
        (Quechua's words at the largest text sizes: Qt would cut the hint short)."""
        from PySide6.QtWidgets import QStyle, QStyleOptionFrame

        key = keys.text(self.menus.search_action.shortcut())
        hint = _("Search programs, guides, laws… ({key})").format(key=key)
        option = QStyleOptionFrame()
        self.search.initStyleOption(option)
        room = self.search.style().subElementRect(QStyle.SE_LineEditContents, option, self.search).width()
        margins = self.search.textMargins()
        room -= margins.left() + margins.right() + 4  # QLineEdit's own 2 px each side
        if self.search.fontMetrics().horizontalAdvance(hint) > room:
            hint = _("Search… ({key})").format(key=key)
        self.search.setPlaceholderText(hint)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.search and event.type() in (QEvent.Resize, QEvent.FontChange):
            self._fit_search_hint()
        return super().eventFilter(obj, event)

    def closeEvent(self, event) -> None:
        from aulalocal.ui import worker

        if self._browse is not None:
            self._browse.detail.flush_note()
        if self.watcher is not None:
            self.watcher.stop()
        if self._peers is not None:
            self._peers.stop()
        if self.share_panel is not None:
            self.share_panel.controller.shutdown()
        worker.cancel_all(3000)
        super().closeEvent(event)


def _sample_offer():
    """What another computer could offer (for ``--view peer``): a full update and a delta, of a made-up publisher."""
    import os

    from aulalocal.bundle.minisign import PublicKey
    from aulalocal.bundle.verdict import Verdict, describe
    from aulalocal.peers.client import Address
    from aulalocal.peers.index import OfferedFile, OfferedUpdate
    from aulalocal.peers.take import PeerOffer, PeerUpdate

    key = PublicKey(os.urandom(8), os.urandom(32), "Ministerio de Educación del Perú")
    updates = []
    for sequence, base in ((7, None), (8, 7)):
        name = f"minedu-pe-{sequence:06d}-0123456789ab.aulabundle"
        offered = OfferedUpdate("minedu-pe", sequence, base, OfferedFile(name, 48_000_000, "0" * 64),
                                OfferedFile(name + ".minisig", 300, "0" * 64), OfferedFile("k.pub", 120, "0" * 64),
                                key.key_id_hex, key.fingerprint)
        updates.append(PeerUpdate(offered, Verdict.NEW, describe(Verdict.NEW), key, key.comment))
    return PeerOffer(Address("192.168.1.21", 8080), updates, name="AulaLocal – PC-Dirección")


def _files_preview(window, view: str):
    """``--view drive, drive-done, export, save-pdf, saved``: a made-up drive and handout; the dialog to draw, if any."""
    from pathlib import Path

    from aulalocal.bundle.apply import ApplyResult
    from aulalocal.bundle.scan import DriveBundle
    from aulalocal.bundle.verdict import Verdict, describe

    drive = Path("/media/docente/KINGSTON")
    if view in ("drive", "drive-done"):
        bundles = [
            DriveBundle(drive / "ugel-cusco-000002.aulabundle", Verdict.NEW, "ugel-cusco", 2, None, "UGEL Cusco (prueba)",
                        "0123456789ABCDEF", describe(Verdict.NEW)),
            DriveBundle(drive / "red-rural-000001.aulabundle", Verdict.UNTRUSTED, key_id="FEDCBA9876543210"),
        ]
        window.banner.show_drive(str(drive), bundles)
        if view == "drive-done":
            window.banner.updated([ApplyResult("ugel-cusco", 2, publisher="UGEL Cusco (prueba)")])
        return None
    if view == "export":
        from aulalocal.ui.exportdialog import ExportDialog

        dialog = ExportDialog(window.state, window, drives=lambda: [drive])
    elif view == "save-pdf":
        from PySide6.QtWidgets import QFileDialog

        from aulalocal.filenames import suggested_name
        from aulalocal.ui import filedialogs

        dialog = filedialogs.save_dialog(
            window, _("Save as PDF"), suggested_name("Programa Huascarán", "pdf", window.state.lang), _("PDF files (*.pdf)"), "pdf"
        )
        dialog.setOption(QFileDialog.DontUseNativeDialog, True)
        dialog.setSidebarUrls(filedialogs.places([]))
        filedialogs.fit_to_screen(dialog)
    else:
        from aulalocal.filenames import suggested_name
        from aulalocal.ui.dialogs import saved_box
        from aulalocal.ui.filedialogs import documents

        name = suggested_name("Programa Huascarán", "pdf", window.state.lang)
        dialog, _open = saved_box(
            window, _("The handout was saved as {name}.").format(name=name), documents()
        )
    dialog.show()
    return dialog
