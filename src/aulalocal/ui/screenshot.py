"""``--screenshot PATH``: the real window, offscreen, at ``--size``, saved as a PNG.

The window shows the view ``--view`` (with ``--lang``, ``--text-size`` and
``--high-contrast`` for this run only); it is saved once painted and idle,
with a dialog of the view (update, trust) drawn over it.
"""

from __future__ import annotations

import sys
import time

from aulalocal.errors import N_, AulaLocalError, UsageError
from aulalocal.errors import message as error_message

SCREENSHOT_TIMEOUT_S = 20.0


def parse_size(text: str | None) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in (text or "1024x600").lower().split("x"))
    except ValueError:
        width, height = 0, 0
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise UsageError(N_("--size takes WIDTHxHEIGHT, for example 1024x600."))
    return width, height


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

    dialog.resize(dialog.size().expandedTo(dialog.minimumSizeHint()))  # grown to hold its words, else as the app sized it
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
