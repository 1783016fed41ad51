"""Starting the desktop app: ``run_app(args)`` returns the exit code.

With ``--screenshot PATH`` the window is drawn offscreen and saved as a PNG
instead (``screenshot``).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback

from aulalocal import i18n
from aulalocal.errors import AulaLocalError, DamagedCatalog
from aulalocal.safetext import one_line

log = logging.getLogger("aulalocal.ui")


def _install_qt_translator(app, lang: str) -> None:
    """Qt's own dialogs (file and print dialogs) in the app's language.

    Qt's Spanish (qtbase_es.qm) for es and qu, Qt having no Quechua; over it
    our own translations of the file dialog (translations/qt/: Latin American
    Spanish, and Quechua), which Qt asks first since they are installed last.
    Qt's locale follows too: the file list's kinds ("documento PDF") are in
    the language of the default QLocale, Spanish for qu as well.
    """
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    from aulalocal.paths import translations_dir

    for old in getattr(app, "_aulalocal_translators", ()):
        app.removeTranslator(old)
    app._aulalocal_translators = []
    if lang not in ("es", "qu"):
        QLocale.setDefault(QLocale(QLocale.English, QLocale.UnitedStates))
        return
    QLocale.setDefault(QLocale(QLocale.Spanish, QLocale.Peru))
    for name, folder in (("qtbase_es", QLibraryInfo.path(QLibraryInfo.TranslationsPath)), (lang, str(translations_dir() / "qt"))):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            app._aulalocal_translators.append(translator)
        else:
            log.warning("Qt translation %s not found in %s", name, folder)
    from aulalocal.ui import keys

    keys.install(app)  # asked before Qt's own: Ctrl and Mayús, not Control and Mayúsculas


def _log_file(folder_path) -> str:
    return str(folder_path / "aulalocal.log")


def _install_excepthook(folder_path) -> None:
    """An unexpected error in the window is logged and told in one line, never as a traceback."""

    def hook(exc_type, exc, tb) -> None:
        path = _log_file(folder_path)
        try:
            from pathlib import Path

            from aulalocal.fileio import append_text

            append_text(Path(path), "".join(traceback.format_exception(exc_type, exc, tb)) + "\n")
        except (OSError, AulaLocalError):
            path = "(no log)"
        if issubclass(exc_type, KeyboardInterrupt):
            return
        try:
            from aulalocal.i18n import gettext as _
            from aulalocal.ui.dialogs import message

            message(
                None,
                "critical",
                _("Something unexpected went wrong ({reason}). Details were saved in {log}.").format(
                    reason=exc_type.__name__, log=path
                ),
            )
        except Exception:  # noqa: BLE001 - the last line of defence
            print(f"error: {exc_type.__name__} (see {path})", file=sys.stderr)

    sys.excepthook = hook


def _qt_messages(mode, _context, message: str) -> None:
    """Qt's own warnings go to the log, not to the teacher's console."""
    from PySide6.QtCore import QtMsgType

    if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        print(f"qt: {one_line(message)}", file=sys.stderr)
    else:
        log.debug("qt: %s", message)


def _migrate_catalog(catalog) -> bool:
    """A catalog of an older schema brought up to date with a progress dialog; False when the teacher cancelled."""
    from aulalocal.catalog.db import catalog_needs_migration

    if not catalog_needs_migration(catalog):
        return True
    from aulalocal.i18n import gettext as _
    from aulalocal.ui.dialogs import message
    from aulalocal.ui.migration import migrate_catalog

    if migrate_catalog(catalog):
        return True
    message(None, "information", _("AulaLocal needs to prepare the catalog before it opens. It will ask again at the next start."))
    return False


def run_app(args) -> int:
    screenshot = getattr(args, "screenshot", None)
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qInstallMessageHandler(_qt_messages)
    from aulalocal import cldr

    cldr.install()  # dates, numbers, country names from the app's few CLDR tables, not babel's whole data

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "aulalocal"])
    app.setApplicationName("AulaLocal")
    app.setOrganizationName("AulaLocal")
    app.setDesktopFileName("aulalocal")
    try:
        size = None
        if screenshot:
            from aulalocal.ui.screenshot import parse_size

            size = parse_size(getattr(args, "size", None))
        from aulalocal import paths
        from aulalocal.startup import open_data_folder

        try:
            # The first start after an update may rebuild the search indexes: shown, and cancellable.
            if not _migrate_catalog(paths.data_dir(getattr(args, "data_dir", None)) / "catalog.db"):
                return 0
            folder = open_data_folder(getattr(args, "data_dir", None))
        except DamagedCatalog:
            if screenshot:
                raise
            from aulalocal.ui import theme
            from aulalocal.ui.repairdialog import offer_repair

            theme.set_window_icon(app)
            if not offer_repair(paths.data_dir(getattr(args, "data_dir", None))):
                return 1
            folder = open_data_folder(getattr(args, "data_dir", None))
    except AulaLocalError as exc:
        if screenshot:
            print(f"error: {exc.message()}", file=sys.stderr)
        else:
            from aulalocal.ui import theme
            from aulalocal.ui.dialogs import message

            theme.set_window_icon(app)
            message(None, "critical", exc.message())
        return exc.exit_code if screenshot else 1

    from aulalocal.catalog.userdata import get_setting
    from aulalocal.ui.appstate import AppState

    setting = getattr(args, "lang", None) or get_setting(folder.userdata, "language")
    i18n.set_language(i18n.choose_language(setting))
    # --text-size and --high-contrast, like --lang, show this session a look
    # without saving it (a screenshot never changes the teacher's settings).
    state = AppState(folder, text_size=getattr(args, "text_size", None), high_contrast=getattr(args, "high_contrast", None))
    state.apply_appearance()
    _install_qt_translator(app, state.lang)
    state.languageChanged.connect(lambda lang: _install_qt_translator(app, lang))
    if not screenshot:
        _install_excepthook(folder.path)

    from aulalocal.ui.mainwindow import MainWindow

    window = MainWindow(state, watch_drives=not screenshot)
    try:
        if screenshot:
            from aulalocal.ui.screenshot import take_screenshot

            return take_screenshot(app, window, screenshot, size, getattr(args, "view", "home") or "home")
        window.resize(1024, 600)
        screen = app.primaryScreen()
        if screen is not None and screen.availableGeometry().width() <= 1100:
            window.showMaximized()
        else:
            window.show()
        return app.exec()
    finally:
        window.close()
        window.deleteLater()
        folder.close()
