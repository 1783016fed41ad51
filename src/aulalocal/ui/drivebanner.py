"""The message at the top of the window when a USB drive with updates is plugged in, or another computer
on the network has updates this laptop lacks; it never blocks.

Both say the same of each update, from the same verdicts (``bundle.verdict``:
``bundle.scan`` judges a drive's bundles with it, ``peers.take`` another
computer's).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext


class DriveBanner(QFrame):
    updateRequested = Signal(list)  # the bundles to apply
    peerUpdateRequested = Signal(object)  # the offer (peers.take.PeerOffer) to take

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.root: str | None = None
        self.offer = None  # another computer's offer, while no drive is shown
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
        self.root, self.offer, self.bundles = root, None, list(bundles)
        self.retranslate()
        self.show()

    def show_peer(self, offer) -> None:
        """Another computer's offer, when it has updates for this laptop; a drive shown stays."""
        if self.root is not None or not offer.wanted:
            return
        if self.offer is not None and self.offer.address == offer.address and self.isHidden():
            if [u.offered for u in offer.updates] == [u.offered for u in self.offer.updates]:
                return  # dismissed already ("Not now"): not shown again until it offers something else
        self.offer, self.bundles = offer, list(offer.updates)
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
        from aulalocal.bundle.verdict import Verdict  # only with updates to show: not before the first paint

        new = self.applicable
        if new and self.offer is not None:
            first = new[0]
            text = ngettext(
                "Another computer on the network, {peer}, has an update: {catalog} from {publisher} (number {sequence}). It is new for this laptop.",
                "Another computer on the network, {peer}, has {count} updates, the first: {catalog} from {publisher} (number {sequence}). They are new for this laptop.",
                len(new),
            ).format(count=len(new), peer=self.offer.label, catalog=first.catalog,
                     publisher=first.publisher or _("unknown publisher"), sequence=first.sequence)
        elif new:
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
        elif all(b.verdict.nothing_to_do for b in self.bundles):
            text = _("The USB drive holds updates this laptop already has. Nothing to do.")
        else:
            first = next(b for b in self.bundles if not b.verdict.nothing_to_do)
            text = _("The USB drive holds an update that cannot be used: {reason}").format(reason=first.message)
        if any(b.verdict is Verdict.UNTRUSTED for b in new):
            text = "{text} {warning}".format(text=text, warning=_("It comes from a publisher this laptop does not know yet."))
        self.update_button.setVisible(bool(new))
        if self.offer is not None:
            self.update_button.setAccessibleName(_("Update the catalog from the other computer"))
        self.label.setText(text)

    def _update(self) -> None:
        if self.offer is not None:
            self.peerUpdateRequested.emit(self.offer)
        else:
            self.updateRequested.emit(self.applicable or self.bundles)
