"""Updating the catalog from a USB drive, a file or another computer on the network: choose, progress, what changed.

Verify and apply run in a ``worker.CatalogOp`` with a progress bar and Cancel;
the core guarantees that a failure or a cancel changes nothing, and the
operation announces the change to every view. A bundle signed by an unknown
key is applied only after the teacher confirms (the core remembers).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from aulalocal.errors import BundleError, Cancelled, PeerError, SequenceError, SignatureError, StorageError
from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext
from aulalocal.ui import worker
from aulalocal.ui.textfit import fit_text
from aulalocal.ui.bundlelist import BundleListModel, update_name
from aulalocal.ui.filedialogs import choose_bundle_file
from aulalocal.ui.progresspage import ProgressPage
from aulalocal.ui.sections import CATALOG_SECTIONS
from aulalocal.ui.trustquestion import trust_question

if TYPE_CHECKING:
    from aulalocal.bundle.minisign import PublicKey


def what_to_do(exc: BaseException) -> str:
    if isinstance(exc, PeerError):
        return _(
            "What to do: check that both computers are on the same network and that the other one is still"
            " sharing in class, then try again. A USB drive works too."
        )
    if isinstance(exc, SignatureError):
        return _(
            "What to do: ask the publisher for the update again, with its .minisig file beside it,"
            " or ask your school IT helper to add the publisher's key."
        )
    if isinstance(exc, SequenceError):
        return _("What to do: apply the missing updates first (in order), or ask the publisher for a full update.")
    if isinstance(exc, BundleError):
        return _("What to do: the file may be damaged or incomplete. Copy it again from the publisher's drive and try again.")
    if isinstance(exc, StorageError):
        return _("What to do: check that the drive is still plugged in and that the laptop has free space, then try again.")
    return _("What to do: try again. If it happens again, ask your school IT helper to run 'aulalocal doctor'.")


def summary_lines(result) -> list[str]:
    """'Programs and good practices: 3 new, 1 changed, 0 removed' for each section that changed."""
    lines = []
    for section in CATALOG_SECTIONS:
        added = sum(result.added.get(k, 0) for k in section.kinds)
        changed = sum(result.changed.get(k, 0) for k in section.kinds)
        removed = sum(result.removed.get(k, 0) for k in section.kinds)
        if added or changed or removed:
            lines.append(
                _("{section}: {added}, {changed}, {removed}").format(
                    section=_(section.label),
                    added=ngettext("{count} new", "{count} new", added).format(count=added),
                    changed=ngettext("{count} changed", "{count} changed", changed).format(count=changed),
                    removed=ngettext("{count} removed", "{count} removed", removed).format(count=removed),
                )
            )
    return lines


def _import_bundle(folder, path: Path, **kwargs):
    """On the worker thread (the importer is imported there, not when the dialog opens)."""
    from aulalocal.bundle.importer import import_bundle

    return import_bundle(folder, path, **kwargs)


def _take_update(folder, address, update, **kwargs):
    """On the worker thread: one update of another computer, downloaded, then applied as a drive's."""
    from aulalocal.peers.take import take_update

    return take_update(folder, address, update, **kwargs).result


class UpdateDialog(QDialog):
    """Update the catalog: choose (drive bundles or a file), progress, result."""

    peerRequested = Signal()  # "Another computer…": the window opens its look (ui/peerdialog.py)

    def __init__(
        self,
        state,
        parent: QWidget | None = None,
        *,
        bundles: list | None = None,
        path: Path | None = None,
        offer=None,
        confirm_trust: Callable[[PublicKey], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.confirm_trust = confirm_trust or self._confirm_trust
        self.op: worker.Op | None = None
        self.offer = offer  # another computer's (peers.take.PeerOffer): its updates are listed instead of a drive's
        self.queue: list = []  # files, or another computer's updates
        self.results: list = []
        self.error: BaseException | None = None
        self.finished_ok: bool | None = None
        self.setObjectName("updateDialog")
        self._min_width = min(560, self.fontMetrics().averageCharWidth() * 70)
        self.setMinimumWidth(self._min_width)

        layout = QVBoxLayout(self)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)

        self.stack.addWidget(self._build_choose_page())
        self.progress_page = ProgressPage()
        self.progress_page.wordsChanged.connect(self._fit)
        self.stack.addWidget(self.progress_page)
        self.stack.addWidget(self._build_result_page())
        self.buttons = self._build_buttons()
        layout.addLayout(self.buttons)

        state.languageChanged.connect(self.retranslate)
        self.set_bundles(offer.updates if offer is not None else bundles or [])
        self._page(0)
        self.retranslate()
        if path is not None:
            QTimer.singleShot(0, lambda: self.start([Path(path)]))
        elif offer is not None and offer.wanted:
            QTimer.singleShot(0, self.apply_drive_bundles)
        elif bundles:
            if any(b.can_apply for b in bundles):
                QTimer.singleShot(0, self.apply_drive_bundles)

    def _build_choose_page(self) -> QWidget:
        """What to update from: the drive's bundles, if any, or how to start."""
        choose = QWidget()
        choose_layout = QVBoxLayout(choose)
        choose_layout.setContentsMargins(0, 0, 0, 0)
        self.choose_label = QLabel()
        self.choose_label.setWordWrap(True)
        choose_layout.addWidget(self.choose_label)
        self.bundle_model = BundleListModel(self)
        self.bundle_view = QListView()
        self.bundle_view.setModel(self.bundle_model)
        self.bundle_view.setWordWrap(True)
        choose_layout.addWidget(self.bundle_view, 1)
        return choose

    def _build_result_page(self) -> QWidget:
        """What changed, or why nothing did and what to do."""
        result = QWidget()
        result_layout = QVBoxLayout(result)
        result_layout.setContentsMargins(0, 0, 0, 0)
        self.result_title = QLabel()
        self.result_title.setObjectName("subheading")
        self.result_title.setWordWrap(True)
        self.result_text = QLabel()
        self.result_text.setWordWrap(True)
        self.result_text.setTextFormat(Qt.PlainText)
        self.result_text.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        result_layout.addWidget(self.result_title)
        result_layout.addWidget(self.result_text, 1)
        return result

    def _build_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.apply_button = QPushButton()
        self.apply_button.setObjectName("primary")
        self.apply_button.clicked.connect(self.apply_drive_bundles)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_file)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.open_export)
        self.peer_button = QPushButton()
        self.peer_button.clicked.connect(self.open_peer)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.accept)
        for button in (self.apply_button, self.open_button, self.peer_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        return buttons

    # -- choose -------------------------------------------------------------
    def set_bundles(self, bundles: list) -> None:
        self.bundle_model.set_bundles(bundles)
        self._update_buttons()

    def apply_drive_bundles(self) -> None:
        """The listed updates this laptop lacks, in the order they apply: a drive's files, or the other computer's."""
        if self.offer is not None:
            if self.offer.wanted:
                self.start(self.offer.wanted)
            return
        bundles = [b for b in self.bundle_model.bundles() if b.can_apply]
        bundles.sort(key=lambda b: (b.catalog or "", b.sequence or 0))
        if bundles:
            self.start([Path(b.path) for b in bundles])

    def open_file(self) -> None:
        path = choose_bundle_file(self)
        if path:
            self.start([path])

    def open_peer(self) -> None:
        self.peerRequested.emit()
        self.accept()

    def open_export(self) -> None:
        from aulalocal.ui.exportdialog import ExportDialog

        ExportDialog(self.state, self).exec()

    # -- run ----------------------------------------------------------------
    def start(self, items: list) -> None:
        """Apply ``items`` in order: bundle files, or another computer's updates."""
        if self.running:
            return
        self.queue = list(items)
        self.results = []
        self.error = None
        self.finished_ok = None
        self._page(1)
        self._next()

    @property
    def running(self) -> bool:
        return self.op is not None and not self.op.done

    def _next(self) -> None:
        if not self.queue:
            self._done()
            return
        item = self.queue.pop(0)
        ask = {"trust_unknown_key": lambda key: op.ask(self.confirm_trust, key)}
        if isinstance(item, Path):
            self.progress_page.reset(_("Preparing {name}…").format(name=item.name))
            op = worker.CatalogOp(self.state, _import_bundle, item, owner=self, **ask)
        else:
            self.progress_page.reset(_("Asking {peer} for an update: {update}…").format(
                peer=self.offer.label, update=update_name(item.sequence, item.publisher)))
            op = worker.CatalogOp(self.state, _take_update, self.offer.address, item, owner=self, **ask)
        self.op = op
        op.progress(self.progress_page.update_progress).success(self._applied).failure(self._failed).run()

    def cancel(self) -> None:
        if self.running:
            self.op.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_page.say(_("Cancelling… nothing will be changed."))

    def _applied(self, result) -> None:
        self.results.append(result)
        self._next()

    def _failed(self, exc: BaseException) -> None:
        self.error = exc
        self.queue = []
        self._done()

    def _done(self) -> None:
        self.finished_ok = self.error is None
        self._page(2)
        self._show_result()

    def _show_result(self) -> None:
        lines: list[str] = []
        for result in self.results:
            if result.up_to_date:
                lines.append(
                    _("{update}: already on this laptop. Nothing changed.").format(
                        update=update_name(result.sequence, result.publisher)
                    )
                )
            else:
                lines.append(_("{update}:").format(update=update_name(result.sequence, result.publisher)))
                lines += ["  " + line for line in summary_lines(result)] or ["  " + _("No records changed.")]
        if self.error is None:
            if any(not r.up_to_date for r in self.results):
                self.result_title.setText(_("The catalog was updated."))
            else:
                self.result_title.setText(_("The catalog was already up to date."))
        elif isinstance(self.error, Cancelled):
            self.result_title.setText(_("Cancelled. Nothing was changed."))
        else:
            self.result_title.setText(_("The update was not applied. Nothing was changed."))
            lines += ["", worker.error_text(self.error), "", what_to_do(self.error)]
        self.result_text.setText("\n".join(lines).strip())

    def _confirm_trust(self, key: PublicKey) -> bool:
        box, yes = trust_question(self, key)
        box.exec()
        return box.clickedButton() is yes

    # -- pages --------------------------------------------------------------
    def _page(self, n: int) -> None:
        self.stack.setCurrentIndex(n)
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.stack.currentIndex()
        applicable = any(b.can_apply for b in self.bundle_model.bundles())
        self.apply_button.setVisible(page == 0 and applicable)
        self.open_button.setVisible(page in (0, 2))
        self.export_button.setVisible(page == 0)
        # Nothing from a drive or another computer on show: where else updates come from.
        self.peer_button.setVisible(page == 0 and self.offer is None and self.bundle_model.rowCount() == 0)
        self.cancel_button.setVisible(page == 1)
        self.cancel_button.setEnabled(True)
        self.close_button.setVisible(page != 1)
        self.bundle_view.setVisible(self.bundle_model.rowCount() > 0)
        self._fit()

    def _fit(self) -> None:
        """Wide enough for the buttons shown (a narrow dialog squeezes them), tall enough for the words above them."""
        margins = self.layout().contentsMargins()
        sides = margins.left() + margins.right()
        self.buttons.invalidate()  # before the first show, new button words do not invalidate it
        self.setMinimumWidth(max(self._min_width, self.buttons.sizeHint().width() + sides))
        fit_text(self, [self.choose_label])

    def retranslate(self, *_args) -> None:
        self.setWindowTitle(_("Update the catalog"))
        if self.offer is not None:
            self.choose_label.setText(_("The computer {peer} has these updates:").format(peer=self.offer.label))
        elif self.bundle_model.rowCount():
            self.choose_label.setText(_("This USB drive holds these updates:"))
        else:
            self.choose_label.setText(
                _(
                    "To update the catalog, plug in a USB drive with an AulaLocal update and wait a moment:"
                    " a message appears at the top of the window. If it does not, open the update file"
                    " (.aulabundle) yourself. Another laptop of the school that has the updates can pass"
                    " them on over the network: press “Another computer…”."
                )
            )
        self.apply_button.setText(_("Update from the other computer") if self.offer is not None else _("Update from the drive"))
        self.open_button.setText(_("Open bundle file…"))
        self.export_button.setText(_("Copy updates to a drive…"))
        self.peer_button.setText(_("Another computer…"))
        self.peer_button.setAccessibleName(_("Update from another computer on the network"))
        self.cancel_button.setText(_("Cancel"))
        self.close_button.setText(_("Close"))
        self.cancel_button.setAccessibleName(_("Cancel the update; nothing will be changed"))
        self.progress_page.bar.setAccessibleName(_("Progress"))
        if self.stack.currentIndex() == 2:
            self._show_result()
        self._fit()

    def showEvent(self, event) -> None:
        self._fit()
        super().showEvent(event)

    def reject(self) -> None:
        # Esc or the window's close button while running means Cancel, not leaving a worker behind.
        if self.running:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event) -> None:
        if self.running:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)
