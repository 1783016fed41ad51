"""The message at the top of the window when a USB drive with updates is plugged in; it never blocks."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext


class DriveBanner(QFrame):
    updateRequested = Signal(list)  # the bundles to apply

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.root: str | None = None
        self.bundles: list = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.PlainText)
        layout.addWidget(self.label, 1)
        self.update_button = QPushButton()
        self.update_button.setObjectName("primary")
        self.update_button.clicked.connect(self._update)
        self.dismiss_button = QPushButton()
        self.dismiss_button.clicked.connect(self.dismiss)
        layout.addWidget(self.update_button)
        layout.addWidget(self.dismiss_button)
        self.hide()

    def show_drive(self, root: str, bundles: list) -> None:
        if not bundles:
            return
        self.root, self.bundles = root, list(bundles)
        self.retranslate()
        self.show()

    def drive_removed(self, root: str) -> None:
        if root == self.root:
            self.dismiss()

    def dismiss(self) -> None:
        self.root, self.bundles = None, []
        self.hide()

    @property
    def applicable(self) -> list:
        return [b for b in self.bundles if b.can_apply]

    def retranslate(self) -> None:
        self.dismiss_button.setText(_("Not now"))
        self.dismiss_button.setAccessibleName(_("Hide this message"))
        self.update_button.setText(_("Update"))
        self.update_button.setAccessibleName(_("Update the catalog from this drive"))
        if not self.bundles:
            return
        from aulalocal.bundle.verdict import Verdict  # only with a drive's bundles: not before the first paint

        new = self.applicable
        if new:
            first = new[0]
            text = ngettext(
                "A USB drive with an update: {catalog} from {publisher} (number {sequence}). It is new for this laptop.",
                "A USB drive with {count} updates, the first: {catalog} from {publisher} (number {sequence}). They are new for this laptop.",
                len(new),
            ).format(
                count=len(new),
                catalog=first.catalog or "?",
                publisher=first.publisher or _("unknown publisher"),
                sequence=first.sequence if first.sequence is not None else "?",
            )
            if any(b.verdict is Verdict.UNTRUSTED for b in new):
                text = "{text} {warning}".format(text=text, warning=_("It comes from a publisher this laptop does not know yet."))
            self.update_button.show()
        elif all(b.verdict.nothing_to_do for b in self.bundles):
            text = _("The USB drive holds updates this laptop already has. Nothing to do.")
            self.update_button.hide()
        else:
            first = next(b for b in self.bundles if not b.verdict.nothing_to_do)
            text = _("The USB drive holds an update that cannot be used: {reason}").format(reason=first.message)
            self.update_button.hide()
        self.label.setText(text)

    def _update(self) -> None:
        self.updateRequested.emit(self.applicable or self.bundles)
