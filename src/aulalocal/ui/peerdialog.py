"""Update from another computer on the network: look for AulaLocal laptops by name, or type one's address.

The look (``peerwatcher``) runs off the UI thread with a busy bar and
Cancel; a computer with updates opens the update dialog with its list, as
a drive's banner does. Nothing is sent on the network before the teacher
presses Look.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget

from aulalocal.errors import AulaLocalError
from aulalocal.i18n import gettext as _
from aulalocal.ui import worker
from aulalocal.ui.peerwatcher import PeerWatcher
from aulalocal.ui.textfit import fit_text


class PeerDialog(QDialog):
    offerChosen = Signal(object)  # peers.take.PeerOffer with updates for this laptop

    def __init__(self, state, parent: QWidget | None = None, *, watcher: PeerWatcher | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.watcher = watcher or PeerWatcher(state, self)
        self.watcher.looked.connect(self._looked)
        self.watcher.failed.connect(self._failed)
        self.setObjectName("peerDialog")
        self.setMinimumWidth(min(560, self.fontMetrics().averageCharWidth() * 70))
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        row = QHBoxLayout()
        self.address_label = QLabel()
        self.address = QLineEdit()
        self.address.setPlaceholderText("192.168.1.20:8080")
        self.address_label.setBuddy(self.address)
        self.address.returnPressed.connect(self.start)
        row.addWidget(self.address_label)
        row.addWidget(self.address, 1)
        layout.addLayout(row)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.hide()
        layout.addWidget(self.bar)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.PlainText)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        layout.addWidget(self.status, 1)
        buttons = QHBoxLayout()
        self.look_button = QPushButton()
        self.look_button.setObjectName("primary")
        self.look_button.clicked.connect(self.start)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.look_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        state.languageChanged.connect(self.retranslate)
        self._busy(False)
        self.retranslate()

    def start(self) -> None:
        from aulalocal.peers.client import parse_address

        if self.watcher.looking:
            return
        text = self.address.text().strip()
        try:
            typed = [parse_address(text)] if text else []
        except AulaLocalError as exc:
            self._say(exc.message())
            return
        self._say(_("Looking for AulaLocal computers on this network…"))
        self._busy(True)
        self.watcher.look(typed)

    def cancel(self) -> None:
        if self.watcher.looking:
            self.watcher.op.cancel()

    def _busy(self, busy: bool) -> None:
        self.bar.setVisible(busy)
        self.look_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy)
        self.close_button.setVisible(not busy)
        fit_text(self, [self.intro, self.status])  # the bar's line comes or goes

    def _looked(self, looked) -> None:
        self._busy(False)
        if looked.wanted:
            self.offerChosen.emit(looked.wanted[0])
            self.accept()
            return
        lines = []
        for offer in looked.offers:
            lines.append(_("{peer}: nothing new for this laptop.").format(peer=offer.label))
            lines += ["  " + u.message for u in offer.updates if not u.verdict.nothing_to_do]
        lines += [_("{peer}: {reason}").format(peer=f.label, reason=f.reason) for f in looked.failures]
        if not lines:
            lines = [_("No other AulaLocal computer was found on this network. On the other computer, start"
                       " Share in class, then type the address its panel shows (for example 192.168.1.20:8080).")]
        self._say("\n".join(lines))

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self._say(worker.error_text(exc))

    def _say(self, text: str) -> None:
        self.status.setText(text)
        fit_text(self, [self.intro, self.status])

    def retranslate(self, *_args) -> None:
        self.setWindowTitle(_("Update from another computer"))
        self.intro.setText(_(
            "Another laptop with AulaLocal can pass its updates on over the school's network while it shares in"
            " class. Every update is checked as one from a USB drive before anything changes. Press Look to find"
            " it by name, or type its address first."
        ))
        self.address_label.setText(_("&Address (optional):"))
        self.address.setAccessibleName(_("The other computer's address, as its Share in class panel shows it"))
        self.look_button.setText(_("Look"))
        self.cancel_button.setText(_("Cancel"))
        self.close_button.setText(_("Close"))
        fit_text(self, [self.intro, self.status])

    def showEvent(self, event) -> None:
        fit_text(self, [self.intro, self.status])
        super().showEvent(event)

    def reject(self) -> None:
        if self.watcher.looking:
            self.cancel()
            return
        super().reject()
