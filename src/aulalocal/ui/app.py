"""Starting the desktop app: ``run_app(args)`` returns the exit code.

``--screenshot PATH`` renders the real window offscreen at ``--size`` in the
view ``--view`` (with ``--lang``, ``--text-size`` and ``--high-contrast`` for
this run only), waits until it is painted and idle, saves a PNG and exits.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback

from aulalocal import i18n
from aulalocal.errors import N_, AulaLocalError, DamagedCatalog, UsageError
from aulalocal.errors import message as error_message
from aulalocal.safetext import one_line

SCREENSHOT_TIMEOUT_S = 20.0
log = logging.getLogger("aulalocal.ui")


def parse_size(text: str | None) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in (text or "1024x600").lower().split("x"))
    except ValueError:
        width, height = 0, 0
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise UsageError(N_("--size takes WIDTHxHEIGHT, for example 1024x600."))
    return width, height


def _install_qt_translator(app, lang: str) -> None:
    """Qt's own dialogs (file and print dialogs) in Spanish for es and qu (Qt has no Quechua)."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    old = getattr(app, "_aulalocal_translator", None)
    if old is not None:
        app.removeTranslator(old)
        app._aulalocal_translator = None
    qt_lang = {"es": "es", "qu": "es"}.get(lang)
    if qt_lang is None:
        return
    translator = QTranslator(app)
    if translator.load(f"qtbase_{qt_lang}", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        app.installTranslator(translator)
        app._aulalocal_translator = translator


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


def run_app(args) -> int:
    screenshot = getattr(args, "screenshot", None)
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qInstallMessageHandler(_qt_messages)

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "aulalocal"])
    app.setApplicationName("AulaLocal")
    app.setOrganizationName("AulaLocal")
    app.setDesktopFileName("aulalocal")
    try:
        size = parse_size(getattr(args, "size", None)) if screenshot else None
        from aulalocal.datafolder import open_data_folder

        try:
            folder = open_data_folder(getattr(args, "data_dir", None))
        except DamagedCatalog:
            if screenshot:
                raise
            from aulalocal import paths
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


def wait_until_idle(app, window, timeout: float = SCREENSHOT_TIMEOUT_S) -> bool:
    """Process events until the window painted and no query is running."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        app.processEvents()
        if window.is_idle():
            quiet += 1
            if quiet >= 3:  # idle for three rounds: results and detail have been applied
                app.processEvents()
                return True
        else:
            quiet = 0
        time.sleep(0.01)
    return False


def paint_dialog(image, dialog) -> None:
    """A dialog is its own window: paint it, with a title bar, over the dimmed main window."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPalette

    dialog.adjustSize()
    shot = dialog.grab()
    palette = dialog.palette()
    title_height = dialog.fontMetrics().height() + 12
    width, height = shot.width() + 2, shot.height() + title_height + 2
    x = (image.width() - width) // 2
    y = max(0, (image.height() - height) // 2)
    painter = QPainter(image)
    painter.fillRect(image.rect(), QColor(0, 0, 0, 90))
    painter.fillRect(QRect(x, y, width, height), palette.color(QPalette.Dark))
    painter.fillRect(QRect(x + 1, y + 1, width - 2, title_height), palette.color(QPalette.Highlight))
    font = QFont(dialog.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(palette.color(QPalette.HighlightedText))
    painter.drawText(QRect(x + 10, y + 1, width - 20, title_height), Qt.AlignVCenter | Qt.AlignLeft, dialog.windowTitle())
    painter.drawPixmap(x + 1, y + 1 + title_height, shot)
    painter.end()


def take_screenshot(app, window, path: str, size: tuple[int, int], view: str) -> int:
    from aulalocal.i18n import gettext as _

    window.resize(*size)
    window.show()
    app.processEvents()
    if not window.show_view(view):
        print("error: " + error_message(N_("Unknown view '{view}'."), view=view), file=sys.stderr)
        return 2
    if not wait_until_idle(app, window):
        print("error: " + _("The window did not finish loading in time."), file=sys.stderr)
        return 1
    window.resize(*size)
    app.processEvents()
    image = window.grab()
    dialog = getattr(window, "update_preview", None)
    if dialog is not None:
        paint_dialog(image, dialog)
        dialog.close()
    from pathlib import Path

    from PySide6.QtCore import QBuffer, QIODevice

    from aulalocal.fileio import write_atomically

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    try:
        if not image.save(buffer, "PNG"):
            raise OSError("PNG")
        write_atomically(Path(path), [bytes(buffer.data())])
    except AulaLocalError as exc:
        print(f"error: {exc.message()}", file=sys.stderr)
        return 1
    except OSError:
        print("error: " + error_message(N_("Cannot write {path}."), path=path), file=sys.stderr)
        return 1
    return 0
