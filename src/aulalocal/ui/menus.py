"""The window's menus and their shortcuts; each action calls the window's method for its job.

The Help menu's two messages are here too: the list of keyboard shortcuts
(it names the shortcuts set below) and About.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from aulalocal import __version__
from aulalocal.i18n import gettext as _
from aulalocal.ui.favoritebutton import SHORTCUT as FAVORITE_SHORTCUT
from aulalocal.ui.sections import SECTIONS

READING_SHORTCUT = "F11"


class WindowMenus:
    def __init__(self, window) -> None:
        self.window = window
        bar = window.menuBar()
        self.file_menu = bar.addMenu("")
        self.open_bundle_action = self._action(self.file_menu, window.open_bundle_file, QKeySequence.Open)
        self.update_action = self._action(self.file_menu, lambda: window.open_update_dialog())
        self.peer_action = self._action(self.file_menu, window.open_peer_dialog)
        self.export_action = self._action(self.file_menu, window.open_export_dialog)
        self.file_menu.addSeparator()
        self.print_action = self._action(self.file_menu, window.print_record, QKeySequence.Print)
        self.pdf_action = self._action(self.file_menu, window.save_record_pdf)
        self.print_favorites_action = self._action(self.file_menu, window.print_favorites)
        self.pdf_favorites_action = self._action(self.file_menu, window.save_favorites_pdf)
        self.file_menu.addSeparator()
        self.quit_action = self._action(self.file_menu, window.close, QKeySequence.Quit)

        self.go_menu = bar.addMenu("")
        self.section_actions = []
        for n, section in enumerate(SECTIONS, start=1):  # a fixed menu, one action per section
            action = self._action(self.go_menu, lambda _c=False, key=section.key: window.go_to(key), f"Ctrl+{n}")
            self.section_actions.append((section, action))
        self.go_menu.addSeparator()
        self.search_action = self._action(self.go_menu, window.focus_search, QKeySequence.Find)
        self.back_action = self._action(self.go_menu, window.go_back, "Alt+Left")
        self.reading_action = self._action(self.go_menu, window.toggle_reading_mode, READING_SHORTCUT)
        self.reading_action.setCheckable(True)

        self.tools_menu = bar.addMenu("")
        self.favorite_action = self._action(self.tools_menu, window.toggle_favorite, FAVORITE_SHORTCUT)
        self.settings_action = self._action(self.tools_menu, window.open_settings, "Ctrl+,")

        self.help_menu = bar.addMenu("")
        self.keys_action = self._action(self.help_menu, lambda: show_shortcuts(window), QKeySequence.HelpContents)
        self.about_action = self._action(self.help_menu, lambda: show_about(window, window.state.folder.path))

    def _action(self, menu, slot, shortcut=None) -> QAction:
        action = QAction(self.window)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        menu.addAction(action)
        return action

    def retranslate(self) -> None:
        self.file_menu.setTitle(_("&File"))
        self.open_bundle_action.setText(_("&Open bundle file…"))
        self.update_action.setText(_("&Update from a USB drive…"))
        self.peer_action.setText(_("Update from another &computer…"))
        self.export_action.setText(_("&Copy updates to a drive…"))
        self.print_action.setText(_("&Print this record…"))
        self.pdf_action.setText(_("Save this record as P&DF…"))
        self.print_favorites_action.setText(_("Print my &favorites…"))
        self.pdf_favorites_action.setText(_("Save my favorites as PDF…"))
        self.quit_action.setText(_("&Quit"))
        self.go_menu.setTitle(_("&Go"))
        for section, action in self.section_actions:
            action.setText(_(section.label))
        self.search_action.setText(_("&Search"))
        self.back_action.setText(_("&Back to the previous record"))
        self.reading_action.setText(_("&Reading mode (the record on the whole window)"))
        self.tools_menu.setTitle(_("&Tools"))
        self.favorite_action.setText(_("Add to or remove from &favorites"))
        self.settings_action.setText(_("&Settings…"))
        self.help_menu.setTitle(_("&Help"))
        self.keys_action.setText(_("&Keyboard shortcuts"))
        self.about_action.setText(_("&About AulaLocal"))


def show_shortcuts(parent) -> None:
    """The shortcuts of the menus below, named as the menus name them (``keys``)."""
    from aulalocal.ui import keys
    from aulalocal.ui.dialogs import message
    from aulalocal.ui.listen import SHORTCUT as LISTEN_SHORTCUT

    menus = parent.menus

    def key(action) -> str:
        return keys.text(action.shortcut())

    lines = [
        _("{search}: search; {escape}: clear the search").format(search=key(menus.search_action), escape=keys.text("Esc")),
        _("{first} to {last}: go to a section").format(
            first=key(menus.section_actions[0][1]), last=key(menus.section_actions[-1][1])
        ),
        _("{tab} and {backtab}: move between parts of the window").format(
            tab=keys.text("Tab"), backtab=keys.text("Shift+Tab")
        ),
        _("Arrow keys: move in a list; {enter}: read the record").format(enter=keys.text("Return")),
        _("{page_up} and {page_down}: scroll the text").format(page_up=keys.text("PgUp"), page_down=keys.text("PgDown")),
        _("{key}: reading mode, the record on the whole window; again or {escape} to see the lists").format(
            key=key(menus.reading_action), escape=keys.text("Esc")
        ),
        _("{key}: add to or remove from favorites").format(key=key(menus.favorite_action)),
        _("{key}: listen to the record read aloud; again to pause").format(key=keys.text(LISTEN_SHORTCUT)),
        _("{print}: print; {back}: back to the previous record").format(
            print=key(menus.print_action), back=key(menus.back_action)
        ),
        _("{key}: settings (language, text size, contrast)").format(key=key(menus.settings_action)),
        _("{key}: this list").format(key=key(menus.keys_action)),
    ]
    message(parent, "information", _("Keyboard shortcuts"), "\n".join(lines), title=_("Keyboard shortcuts"))


def show_about(parent, data_folder) -> None:
    from aulalocal.ui.dialogs import message

    message(
        parent,
        "information",
        _("AulaLocal {version}").format(version=__version__),
        _("Offline catalog for rural schools. Your favorites and notes stay on this laptop, in {path}.").format(
            path=str(data_folder)
        ),
        title=_("About AulaLocal"),
    )
