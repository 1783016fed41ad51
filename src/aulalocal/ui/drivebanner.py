"""The message at the top of the window when a USB drive with updates is plugged in, or another computer
on the network has updates this laptop lacks; it never blocks.

Both say the same of each update, from the same verdicts (``bundle.verdict``:
``bundle.scan`` judges a drive's bundles with it, ``peers.take`` another
computer's).

A drive's updates are named in a teacher's words: the publisher as the
signed manifest gives it, once the signature is verified; for a bundle
whose key this laptop does not know yet, nothing read from the drive is
shown as fact, only that it has not been checked yet. After an update it
says what happened, then goes by itself (``DONE_MS``): it never offers to
apply again what was just applied.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext


DONE_MS = 10_000  # how long "the catalog was updated" stays before the banner goes


def _publishers(bundles: list) -> str:
    names: list[str] = []
    for b in bundles:
        if b.publisher and b.publisher not in names:
            names.append(b.publisher)
    return ", ".join(names)


def drive_text(bundles: list) -> str:
    """What a drive's bundles are for this laptop, in one or two sentences, without placeholders."""
    from aulalocal.bundle.verdict import Verdict  # only with a drive's bundles: not before the first paint

    verified = [b for b in bundles if b.verdict is Verdict.NEW]
    unchecked = [b for b in bundles if b.verdict is Verdict.UNTRUSTED]
    parts = []
    if len(verified) == 1 and verified[0].publisher and verified[0].sequence is not None:
        parts.append(
            _("A USB drive with update number {sequence} from {publisher}. It is new for this laptop.").format(
                sequence=verified[0].sequence, publisher=verified[0].publisher
            )
        )
    elif verified and _publishers(verified):
        parts.append(
            ngettext(
                "A USB drive with an update from {publisher}. It is new for this laptop.",
                "A USB drive with {count} updates from {publisher}. They are new for this laptop.",
                len(verified),
            ).format(count=len(verified), publisher=_publishers(verified))
        )
    elif verified:
        parts.append(
            ngettext(
                "A USB drive with an update that is new for this laptop.",
                "A USB drive with {count} updates that are new for this laptop.",
                len(verified),
            ).format(count=len(verified))
        )
    if unchecked:
        if verified:
            parts.append(
                ngettext(
                    "It also holds an update from a publisher this laptop does not know yet; it has not been checked yet.",
                    "It also holds {count} updates from a publisher this laptop does not know yet; they have not been checked yet.",
                    len(unchecked),
                ).format(count=len(unchecked))
            )
        else:
            parts.append(
                ngettext(
                    "A USB drive with an update from a publisher this laptop does not know yet. It has not been checked yet.",
                    "A USB drive with {count} updates from a publisher this laptop does not know yet. They have not been checked yet.",
                    len(unchecked),
                ).format(count=len(unchecked))
            )
    return " ".join(parts)


def peer_text(peer: str, updates: list) -> str:
    """What another computer offers that is new here, naming a publisher only as this laptop trusts its key."""
    publisher = _publishers(updates) if all(u.publisher for u in updates) else ""
    if len(updates) == 1 and publisher:
        return _(
            "Another computer on the network, {peer}, has update number {sequence} from {publisher}. It is new for this laptop."
        ).format(peer=peer, sequence=updates[0].sequence, publisher=publisher)
    if publisher:
        return ngettext(
            "Another computer on the network, {peer}, has an update from {publisher}. It is new for this laptop.",
            "Another computer on the network, {peer}, has {count} updates from {publisher}. They are new for this laptop.",
            len(updates),
        ).format(peer=peer, count=len(updates), publisher=publisher)
    return ngettext(
        "Another computer on the network, {peer}, has an update that is new for this laptop.",
        "Another computer on the network, {peer}, has {count} updates that are new for this laptop.",
        len(updates),
    ).format(peer=peer, count=len(updates))


def done_text(results: list) -> str:
    """What an update just did, naming the publisher its signed manifest gives."""
    applied = [r for r in results if not r.up_to_date]
    if not applied:
        return _("Nothing changed: this laptop already had these updates.")
    if len(applied) == 1 and applied[0].publisher:
        return _("The catalog was updated: update number {sequence} from {publisher} is on this laptop now.").format(
            sequence=applied[0].sequence, publisher=applied[0].publisher
        )
    return ngettext(
        "The catalog was updated: {count} update is on this laptop now.",
        "The catalog was updated: {count} updates are on this laptop now.",
        len(applied),
    ).format(count=len(applied))


class DriveBanner(QFrame):
    updateRequested = Signal(list)  # the bundles to apply
    peerUpdateRequested = Signal(object)  # the offer (peers.take.PeerOffer) to take

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.root: str | None = None
        self.offer = None  # another computer's offer, while no drive is shown
        self.bundles: list = []
        self._done: list | None = None  # the results of an update, while it shows
        self.done_timer = QTimer(self)
        self.done_timer.setSingleShot(True)
        self.done_timer.setInterval(DONE_MS)
        self.done_timer.timeout.connect(self.dismiss)
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
        """A drive's bundles (a new drive, or the same one looked at again after an update)."""
        if not bundles:
            return
        if self._done is not None and root == self.root and not any(b.can_apply for b in bundles):
            return  # looked at again after the update: the update's own words stay until they go
        self.done_timer.stop()
        self._done = None
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

    def updated(self, results: list) -> None:
        """An update from the drive just finished: say what it did, offer nothing, and go after ``DONE_MS``."""
        if not self.isVisible() or self.root is None:
            return
        done = {(r.catalog, r.sequence) for r in results}
        self._done = list(results)
        self.bundles = [b for b in self.bundles if (b.catalog, b.sequence) not in done and b.can_apply]
        self.retranslate()
        self.done_timer.start()

    def drive_removed(self, root: str) -> None:
        if root == self.root:
            self.dismiss()

    def dismiss(self) -> None:
        self.done_timer.stop()
        self.root, self.bundles, self._done = None, [], None
        self.hide()

    @property
    def applicable(self) -> list:
        return [b for b in self.bundles if b.can_apply]

    def retranslate(self) -> None:
        self.dismiss_button.setText(_("Close") if self._done is not None else _("Not now"))
        self.dismiss_button.setAccessibleName(_("Hide this message"))
        self.update_button.setText(_("Update"))
        self.update_button.setAccessibleName(_("Update the catalog from this drive"))
        if self._done is not None:
            self.label.setText(done_text(self._done))
            self.update_button.hide()
            return
        if not self.bundles:
            return
        from aulalocal.bundle.verdict import Verdict  # only with updates to show: not before the first paint

        new = self.applicable
        if new and self.offer is not None:
            text = peer_text(self.offer.label, new)
        elif new:
            text = drive_text(new)
        elif all(b.verdict.nothing_to_do for b in self.bundles):
            text = _("The USB drive holds updates this laptop already has. Nothing to do.")
        else:
            first = next(b for b in self.bundles if not b.verdict.nothing_to_do)
            text = _("The USB drive holds an update that cannot be used: {reason}").format(reason=first.message)
        if self.offer is not None and any(b.verdict is Verdict.UNTRUSTED for b in new):
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
