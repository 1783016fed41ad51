"""Copying the updates this laptop applied to a drive, for another school.

The plugged-in drive is offered first (one click); another drive or folder
is a question away, starting on the drive. The free space is checked first;
the copy runs in a ``worker.CatalogOp`` with a progress bar and Cancel, and
never leaves a half-copied update behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStorageInfo, Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from aulalocal import i18n
from aulalocal.errors import Cancelled
from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext
from aulalocal.ui import worker
from aulalocal.ui.filedialogs import choose_drive
from aulalocal.ui.progresspage import ProgressPage
from aulalocal.ui.textfit import fit_text


def _size_text(size: int) -> str:
    return _("{size} MB").format(size=i18n.format_number(round(size / 1_000_000, 1)))


def _export_size(folder) -> int:
    from aulalocal.bundle.export import export_size

    return export_size(folder)


def _export_bundles(folder, dest: Path, **kwargs) -> list:
    """On the worker thread (the exporter is imported there, not when the dialog opens)."""
    from aulalocal.bundle.export import export_bundles

    return export_bundles(folder, dest, **kwargs)


def drive_name(root: Path) -> str:
    """A drive as a teacher sees it in the file manager: its label ("KINGSTON"), else its path."""
    return root.name or str(root)


class ExportDialog(QDialog):
    def __init__(
        self,
        state,
        parent: QWidget | None = None,
        *,
        free_fn: Callable[[Path], int] | None = None,
        drives: Callable[[], list[Path]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.free_fn = free_fn or (lambda dest: QStorageInfo(str(dest)).bytesAvailable())
        self.op: worker.Op | None = None
        self.written: list[Path] = []
        self.error: BaseException | None = None
        self.finished_ok: bool | None = None
        if drives is None:
            from aulalocal.ui.drivewatcher import plugged_in

            self.drives = plugged_in(state.folder.path)
        else:
            self.drives = [Path(d) for d in drives()]
        self.setMinimumWidth(360)
        layout = QVBoxLayout(self)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.stack.addWidget(self.intro)
        self.progress_page = ProgressPage()
        self.progress_page.wordsChanged.connect(self._fit)
        self.stack.addWidget(self.progress_page)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.PlainText)
        self.result.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.stack.addWidget(self.result)
        self.buttons = buttons = QHBoxLayout()
        self.drive_button = QPushButton()
        self.drive_button.setObjectName("primary")
        self.drive_button.clicked.connect(lambda: self.start(self.drives[0]))
        buttons.addWidget(self.drive_button)
        self.choose_button = QPushButton()
        if not self.drives:
            self.choose_button.setObjectName("primary")
        self.choose_button.clicked.connect(self.choose)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.accept)
        buttons.addWidget(self.choose_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        state.languageChanged.connect(self.retranslate)
        self._page(0)
        self.retranslate()

    @property
    def running(self) -> bool:
        return self.op is not None and not self.op.done

    def choose(self) -> None:
        dest = choose_drive(self, self.drives)
        if dest:
            self.start(dest)

    def start(self, dest: Path) -> None:
        """Check the free space, then copy in a worker."""
        if self.running:
            return
        self.error = None
        self.finished_ok = None
        try:
            needed = _export_size(self.state.folder)
        except Exception as exc:  # noqa: BLE001 - shown as a message
            return self._finish(exc)
        if needed <= 0:
            self.finished_ok = False
            self._result(_("This laptop has no updates to copy yet: only updates applied from a drive or a file can be passed on."))
            return
        free = self.free_fn(dest)
        if 0 <= free < needed:
            self.finished_ok = False
            self._result(
                _("The drive has {free} free, but the updates need {needed}. Free some space on it or use another drive.").format(
                    free=_size_text(free), needed=_size_text(needed)
                )
            )
            return
        self._page(1)
        self.progress_page.reset(_("Copying the updates to {path}…").format(path=str(dest)))
        self.dest = dest
        self.op = worker.CatalogOp(self.state, _export_bundles, dest, owner=self)
        self.op.progress(self.progress_page.update_progress).success(self._copied).failure(self._finish).run()

    def cancel(self) -> None:
        if self.running:
            self.op.cancel()
            self.cancel_button.setEnabled(False)

    def _copied(self, written: list) -> None:
        self.written = [Path(p) for p in written]
        self.finished_ok = True
        copied = ngettext(
            "Copied {count} file to {path}.", "Copied {count} files to {path}.", len(self.written)
        ).format(count=len(self.written), path=str(self.dest))
        advice = _("Take the drive to the other school: AulaLocal there shows a message when the drive is plugged in.")
        self._result("{copied}\n\n{advice}".format(copied=copied, advice=advice))

    def _finish(self, exc: BaseException) -> None:
        self.error = exc
        self.finished_ok = False
        if isinstance(exc, Cancelled):
            self._result(_("Cancelled. No update was left half copied on the drive."))
        else:
            self._result(worker.error_text(exc))

    def _result(self, text: str) -> None:
        self.result.setText(text)
        self._page(2)

    def _page(self, n: int) -> None:
        self.stack.setCurrentIndex(n)
        self.drive_button.setVisible(n == 0 and bool(self.drives))
        self.choose_button.setVisible(n != 1)
        self.cancel_button.setVisible(n == 1)
        self.cancel_button.setEnabled(True)
        self.close_button.setVisible(n != 1)
        self._fit()

    def _fit(self) -> None:
        """Wide enough for the buttons shown (a narrow dialog squeezes them), tall enough for the words above them."""
        margins = self.layout().contentsMargins()
        self.buttons.invalidate()  # before the first show, new button words do not invalidate it
        self.setMinimumWidth(max(360, self.buttons.sizeHint().width() + margins.left() + margins.right()))
        fit_text(self, [self.intro, self.result])

    def retranslate(self, *_args) -> None:
        self.setWindowTitle(_("Copy updates to a drive"))
        if self.drives:
            self.intro.setText(
                _(
                    "Copy the updates of this laptop, and the publisher's key, to the USB drive {drive},"
                    " to update AulaLocal in another school."
                ).format(drive=drive_name(self.drives[0]))
            )
            self.drive_button.setText(_("Copy to {drive}").format(drive=drive_name(self.drives[0])))
            self.choose_button.setText(_("Another drive or folder…"))
        else:
            self.intro.setText(
                _(
                    "Copy the updates of this laptop to a USB drive, to update AulaLocal in another school."
                    " Plug in the drive, then choose it."
                )
            )
            self.choose_button.setText(_("Choose the drive…"))
        self.cancel_button.setText(_("Cancel"))
        self.close_button.setText(_("Close"))
        self._fit()

    def reject(self) -> None:
        if self.running:
            self.cancel()
            return
        super().reject()
