"""At every text size, in Spanish and in Quechua, on a 1024x600 screen: no text wider than its widget (issue 14).

Every view of the window and every dialog is opened as a teacher meets it,
with the shipped translations, and ``clipping`` walks its visible widgets:
labels, buttons, check boxes, drop-downs and their lists, tabs, group boxes,
the hints of empty fields and the menu bar. Each failure names the view, the
text size, the language, the widget and its text.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QProgressDialog, QPushButton, QWidget

from aulalocal.appearance import TEXT_SIZES
from aulalocal.catalog import userdata
from aulalocal.ui import listen
from aulalocal.ui.sections import CATALOG_SECTIONS
from tests.ui.clipping import clipped
from tests.ui.conftest import idle, show_sharing

LANGS = ("es", "qu")
SIZES = tuple(TEXT_SIZES)


class Walk:
    """The views looked at, and every text found cut, for one language and text size."""

    def __init__(self, window, qtbot, lang: str, size: str) -> None:
        self.window, self.qtbot = window, qtbot
        self.lang, self.size = lang, size
        self.view = ""
        self.problems: list[str] = []

    def settle(self) -> None:
        idle(self.qtbot, self.window)
        self.qtbot.wait(10)  # layouts after the last answer

    def check(self, top: QWidget, view: str | None = None) -> None:
        where = f"{view or self.view} · {self.size} · {self.lang}"
        self.problems += clipped(top, where)

    def dialog(self, dialog: QWidget, view: str) -> None:
        """A dialog as it opens over the window, looked at (its caller closes it)."""
        dialog.show()
        self.qtbot.waitExposed(dialog)
        self.check(dialog, view)

    def verdict(self) -> None:
        assert not self.problems, f"{len(self.problems)} texts do not fit:\n" + "\n".join(self.problems)


@pytest.fixture(params=[(lang, size) for lang in LANGS for size in SIZES], ids=lambda p: f"{p[0]}-{p[1]}")
def walk(request, qapp, window, qtbot, real_translations, monkeypatch):
    from aulalocal.ui.app import _install_qt_translator

    lang, size = request.param
    for shown in ("qu" if lang == "es" else "es", lang):  # the window starts in Spanish, in the message ids
        window.state.set_language(shown, save=False)
    assert window.settings_button.text() != "Settings"  # the shipped words, not the message ids
    _install_qt_translator(qapp, lang)  # Qt's own words (the file dialogs), as the app installs them
    request.addfinalizer(lambda: _install_qt_translator(qapp, "en"))
    window.state.set_text_size(size)
    walk = Walk(window, qtbot, lang, size)

    def looked_at(dialog, *_args):
        """Each dialog the app opens and waits for: looked at, then answered No (nothing is changed)."""
        walk.dialog(dialog, walk.view)
        dialog.hide()
        return QDialog.Rejected

    for cls in (QDialog, QMessageBox, QFileDialog):
        monkeypatch.setattr(cls, "exec", looked_at)
    walk.settle()
    return walk  # the state fixture puts the normal text size back


def _tabs(walk: Walk, view: str) -> None:
    """The record shown, with each of its tabs (related, links, my note) open in turn."""
    detail = walk.window.browse.detail
    for n in range(detail.tabs.count()):
        if detail.tabs.isTabEnabled(n):
            detail.tabs.setCurrentIndex(n)
            walk.settle()
            walk.check(walk.window, f"{view}, tab “{detail.tabs.tabText(n)}”")


def _search(walk: Walk, text: str) -> None:
    walk.window.search.setText(text)
    walk.qtbot.waitUntil(lambda: walk.window.browse.text == text)
    walk.settle()


def test_every_view_of_the_window_fits(walk, seeded, monkeypatch):
    win = walk.window
    detail = win.browse.detail
    assert (win.width(), win.height()) == (1024, 600)
    win.go_to("home")
    walk.settle()
    walk.check(win, "home")

    for section in CATALOG_SECTIONS:
        win.go_to(section.key)
        walk.settle()
        assert detail.current_key is not None, section.key
        _tabs(walk, section.key)
        if section.facets:
            bar = win.browse.filter_bar
            combo = bar.combos[section.facets[0]]
            combo.setCurrentIndex(combo.count() - 1)
            walk.settle()
            walk.check(win, f"{section.key}, filtered by “{combo.currentText()}”")
            _search(walk, "zzzqqq")
            walk.check(win, f"{section.key}, filtered, nothing found")
            win.clear_search()
            win.browse.clear_filters()
            walk.settle()

    win.go_to("programs")
    walk.settle()
    related = detail.related_model
    listed = win.browse.model
    for row in range(listed.rowCount()):  # a record with related records
        if related.rowCount():
            break
        win.browse.list_view.setCurrentIndex(listed.index(row))
        walk.settle()
    assert related.rowCount() > 0
    detail._open_related(related.index(0))
    walk.settle()
    assert detail.back_button.isVisible()
    walk.check(win, "a related record, with Back")
    detail.favorite_button.click()
    walk.settle()
    walk.check(win, "a record in the favorites")
    detail.note.editor.setPlainText("Para la reunión con los padres.")
    detail.flush_note()
    walk.settle()

    monkeypatch.setattr(listen, "open_output", lambda reading: _SilentOutput())
    detail.listen.listen()
    walk.qtbot.waitUntil(lambda: detail.listen.controls.isVisible())
    # "Preparing…" becomes "Sentence 1 of 9" when the first sentence is made
    # (on a worker): looked at once it has, and its row laid out again.
    from aulalocal.i18n import gettext as _

    walk.qtbot.waitUntil(lambda: detail.listen.status.text() not in ("", _("Preparing…")))
    walk.settle()
    walk.check(win, "listening to a record")
    detail.listen.stop()

    win.set_reading_mode(True)
    walk.settle()
    assert win.reading_mode
    walk.check(win, "reading mode")
    win.set_reading_mode(False)

    for key in ("favorites", "notes"):
        win.go_to(key)
        walk.settle()
        walk.check(win, key)
    for item in userdata.favorites(win.state.folder.userdata):
        userdata.set_favorite(win.state.folder.userdata, item.catalog, item.kind, item.id, item.title, False)
    win.state.userdataChanged.emit()
    win.go_to("favorites")
    walk.settle()
    walk.check(win, "favorites, none yet")

    _search(walk, "educacion")
    walk.check(win, "search results in all sections")
    _search(walk, "educasion")
    walk.qtbot.waitUntil(lambda: win.browse.no_results.suggestion_button.isVisible())
    walk.check(win, "a search that finds nothing, with “Did you mean”")
    win.clear_search()

    for view in ("drive", "drive-done", "peer"):
        win.go_to("home")
        assert win.show_view(view)
        walk.settle()
        walk.check(win, f"the banner: {view}")
        win.banner.dismiss()
    walk.verdict()


class _SilentOutput:
    def close(self) -> None:
        pass


def test_every_dialog_fits(walk, seeded, tmp_path):
    from aulalocal.bundle.apply import ApplyResult
    from aulalocal.errors import N_, SignatureError
    from aulalocal.i18n import gettext as _
    from aulalocal.peers.client import Address
    from aulalocal.peers.take import Looked, Unanswered
    from aulalocal.ui import filedialogs, menus, migration, repairdialog
    from aulalocal.ui.exportdialog import ExportDialog
    from aulalocal.ui.peerdialog import PeerDialog
    from aulalocal.ui.peerwatcher import PeerWatcher
    from aulalocal.ui.sharepanel import SharePanel, ShareController
    from aulalocal.ui.updatedialog import UpdateDialog

    win, state = walk.window, walk.window.state

    def opened(view: str, open_it) -> None:
        """A dialog the app opens and waits for (exec): looked at by the fixture's ``exec``."""
        walk.view = view
        open_it()

    opened("settings", win.open_settings)
    opened("keyboard shortcuts", lambda: menus.show_shortcuts(win))
    opened("about", lambda: menus.show_about(win, state.folder.path))
    win.go_to("home")
    opened("print with no record open", win.print_record)
    opened("open a bundle file", lambda: filedialogs.choose_bundle_file(win, drives=[]))
    opened("choose the drive", lambda: filedialogs.choose_drive(win, drives=[]))
    opened("save as PDF", lambda: filedialogs.ask_pdf_path(win, "programa-huascaran.pdf", drives=[]))
    opened("replace a file", lambda: filedialogs._replace(win, tmp_path / "programa-huascaran.pdf"))
    opened("copy updates, no drive", win.open_export_dialog)
    opened("rebuild the catalog?", lambda: repairdialog.offer_repair(tmp_path))
    for view, make in (("rebuilding", repairdialog.rebuilding_dialog), ("migration", migration.migration_dialog)):
        progress: QProgressDialog = make()
        walk.dialog(progress, view)
        progress.close()

    win.go_to("programs")
    walk.settle()
    links = win.browse.detail.links
    links.set_links([("Sitio del programa", "https://www.perueduca.pe/")])
    opened("open a web address?", links.open_link)

    update = UpdateDialog(state, win)
    walk.dialog(update, "update")
    assert win.show_view("drive")
    update.set_bundles(win.banner.bundles)
    update.retranslate()
    walk.check(update, "update: a drive's updates")
    update._page(1)
    update.progress_page.update_progress("verify", 1, 3)
    walk.check(update, "update: progress")
    update.results = [ApplyResult("ugel-cusco", 2, added=Counter(program=3, safety_guide=1), changed=Counter(report=2)),
                      ApplyResult("minedu-pe", 7, up_to_date=True)]
    update._done()
    walk.check(update, "update: done")
    update.results, update.error = [], SignatureError(N_("The signature does not match the file."))
    update._done()
    walk.check(update, "update: not applied")
    update.close()
    win.banner.dismiss()

    for view in ("trust", "peer-progress", "export", "saved", "save-pdf"):
        assert win.show_view(view)
        walk.settle()
        dialog = win.update_preview
        walk.dialog(dialog, view)
        if view == "export":
            dialog._page(1)
            dialog.progress_page.reset(_("Copying the updates to {path}…").format(path="/media/docente/KINGSTON"))
            dialog.progress_page.update_progress("export", 1, 2)
            walk.check(dialog, "export: copying")
            dialog.dest = Path("/media/docente/KINGSTON")
            dialog._copied(["/media/docente/KINGSTON/AulaLocal/ugel-cusco-000002.aulabundle"])
            walk.check(dialog, "export: copied")
        if view == "peer-progress":
            win.banner.dismiss()
        dialog.close()

    alone = ExportDialog(state, win, drives=lambda: [])
    walk.dialog(alone, "copy updates, no drive")
    alone.close()

    peer = PeerDialog(state, win, watcher=PeerWatcher(state, look=lambda *_args, **_kw: Looked()))
    walk.dialog(peer, "another computer")
    peer._say("…")
    peer._busy(True)
    walk.check(peer, "another computer: looking")
    peer._looked(Looked())
    walk.check(peer, "another computer: none found")
    peer._looked(Looked(failures=[Unanswered("AulaLocal – PC-Dirección", Address("192.168.1.20"), "No contesta.")]))
    walk.check(peer, "another computer: one did not answer")
    peer.close()

    controller = ShareController(state, win)
    panel = SharePanel(state, win, controller)
    walk.dialog(panel, "share in class: off")
    show_sharing(controller)
    panel.adjustSize()
    walk.check(panel, "share in class: on")
    controller.server = None
    panel.close()
    walk.verdict()


def test_the_walk_finds_a_text_wider_than_its_widget(qtbot, qapp):
    """The checker itself: each kind of widget, too narrow for its text, is named."""
    from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLabel, QLineEdit, QTabWidget, QToolButton, QVBoxLayout

    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    narrow = []
    for widget in (QPushButton("Yachachiqkunapaq willakuy"), QLabel("Yachachiqkunapaq willakuy"),
                   QCheckBox("Yachachiqkunapaq willakuy"), QToolButton(), QGroupBox("Yachachiqkunapaq willakuy")):
        if isinstance(widget, QToolButton):
            widget.setText("Yachachiqkunapaq willakuy")
        narrow.append(widget)
    wrapped = QLabel("Yachachiqkunapaqmi willakuy")
    wrapped.setWordWrap(True)
    combo = QComboBox()
    combo.addItems(["Llapan", "Llapan llaqta layakuna " * 12])
    edit = QLineEdit()
    edit.setPlaceholderText("Yachachiqkunapaq willakuy")
    tabs = QTabWidget()
    for n in range(6):
        tabs.addTab(QWidget(), f"Willakuy {n}")
    for widget in (*narrow, wrapped, combo, edit):
        widget.setFixedWidth(200 if widget is combo else 60)
        layout.addWidget(widget)
    tabs.setFixedWidth(200)
    layout.addWidget(tabs)
    box.show()
    qtbot.waitExposed(box)
    problems = "\n".join(clipped(box, "test"))
    for kind in ("QPushButton", "QLabel", "QCheckBox", "QToolButton", "QGroupBox", "QLineEdit", "QTabBar"):
        assert f"test: {kind}" in problems, (kind, problems)
    assert "“Yachachiqkunapaqmi willakuy”: needs" in problems  # a word longer than its wrapped label
    assert "in its drop-down list needs" in problems
    assert "QComboBox in QWidget “Llapan”" not in problems  # it fits: only its long entry is named
    box.resize(1100, 300)
    assert "larger than the screen" in "\n".join(clipped(box, "test"))


def test_the_search_hint_names_what_to_find_where_the_box_holds_it(window, qtbot, real_translations):
    from aulalocal import i18n

    window.state.set_language("qu", save=False)
    catalog = i18n._load("qu")
    whole = catalog.gettext("Search programs, guides, laws… ({key})").format(key="Ctrl+F")
    short = catalog.gettext("Search… ({key})").format(key="Ctrl+F")
    hints = {}
    for size in ("normal", "xlarge", "normal"):
        window.state.set_text_size(size)
        idle(qtbot, window)
        hints[size] = window.search.placeholderText()
        assert not clipped(window, size), size
    assert hints == {"normal": whole, "xlarge": short}
