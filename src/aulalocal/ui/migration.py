"""A long catalog migration at start (a new schema over a large catalog): progress and a cancel button.

The migration runs in a helper thread, one transaction per step: cancelling
it leaves the catalog as it was, and AulaLocal does not start (it needs the
new schema); the next start offers it again.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog

from aulalocal.catalog.db import MigrationTask, catalog_needs_migration, open_catalog
from aulalocal.errors import Cancelled
from aulalocal.i18n import gettext as _

SHOW_AFTER_MS = 400  # a quick migration (a small catalog) shows nothing


def migration_dialog() -> QProgressDialog:
    """The migration's progress bar and Cancel, shown only if it lasts (``SHOW_AFTER_MS``)."""
    dialog = QProgressDialog(
        _("Preparing the catalog for this version of AulaLocal. This happens once."), _("Cancel"), 0, 0
    )
    dialog.setWindowTitle(_("AulaLocal"))
    dialog.setWindowModality(Qt.ApplicationModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


def migrate_catalog(path: Path) -> bool:
    """Bring the catalog at ``path`` to this version's schema, showing progress; False when cancelled."""
    if not catalog_needs_migration(path):
        return True
    stop = threading.Event()
    state: dict = {"done": 0, "total": 0, "error": None}

    def progress(done: int, total: int) -> None:
        state["done"], state["total"] = done, total

    def work() -> None:
        try:
            open_catalog(path, MigrationTask(progress=progress, cancel=stop.is_set)).close()
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread
            state["error"] = exc

    dialog = migration_dialog()
    dialog.canceled.connect(stop.set)
    thread = threading.Thread(target=work, name="aulalocal-migration", daemon=True)
    thread.start()
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(50)

    def tick() -> None:
        if state["total"]:
            dialog.setMaximum(state["total"])
            dialog.setValue(min(state["done"], state["total"] - 1))
        if not thread.is_alive():
            loop.quit()

    timer.timeout.connect(tick)
    timer.start()
    loop.exec()
    timer.stop()
    dialog.close()
    dialog.deleteLater()
    if isinstance(state["error"], Cancelled):
        return False
    if state["error"] is not None:
        raise state["error"]
    return True
