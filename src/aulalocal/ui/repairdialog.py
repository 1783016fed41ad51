"""At start, a catalog that cannot be used: rebuilt from the kept updates if the teacher agrees.

Never started again from the shipped catalog alone as if the laptop were new
(the updates it had would silently be gone); the rebuild (``doctor --repair``)
runs off the UI thread with a progress bar and Cancel, and changes nothing
until the rebuilt catalog is complete and checked.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog

from aulalocal.i18n import gettext as _
from aulalocal.ui import worker
from aulalocal.ui.dialogs import confirm, message


def _repair(data_dir: Path, *, progress=None, cancel=None) -> list[tuple[str, bool]]:
    from aulalocal.doctor import repair

    return list(repair(data_dir, progress=progress, cancel=cancel))


def rebuilding_dialog() -> QProgressDialog:
    """The rebuild's progress bar and Cancel, not shown yet."""
    dialog = QProgressDialog(_("Rebuilding the catalog…"), _("Cancel"), 0, 0)
    dialog.setWindowTitle("AulaLocal")
    dialog.setWindowModality(Qt.ApplicationModal)
    dialog.setMinimumDuration(0)
    return dialog


def offer_repair(data_dir: Path) -> bool:
    """Ask, then rebuild. True when the teacher agreed and the rebuild ended (well or with problems shown)."""
    if not confirm(
        None,
        _("The catalog on this laptop is damaged or missing."),
        _("Rebuild it now"),
        _("Close"),
        informative=_(
            "AulaLocal can rebuild it from the shipped catalog and the updates this laptop kept."
            " Your notes and favorites are not touched."
        ),
        default_yes=True,
    ):
        return False
    dialog = rebuilding_dialog()
    outcome: dict = {}

    def progressed(_phase: str, done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)

    def finished(**result) -> None:
        outcome.update(result)
        dialog.reset()
        dialog.done(0)

    op = worker.Op(_repair, data_dir, owner=dialog)
    op.progress(progressed).success(lambda lines: finished(lines=lines)).failure(lambda exc: finished(error=exc))
    dialog.canceled.connect(op.cancel)
    op.run()
    if not op.done:
        dialog.exec()
    while not op.done:  # cancelled: the rebuild stops at its next check, changing nothing
        worker.long_pool().waitForDone(100)
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
    if "error" in outcome:
        message(None, "critical", worker.error_text(outcome["error"]))
        return False
    problems = [line for line, ok in outcome.get("lines", []) if not ok]
    if problems:
        message(None, "warning", _("The catalog was rebuilt, with problems:"), "\n".join(problems))
    return True
