"""The page a dialog shows while an update or a copy runs: what is being done, and a bar."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from aulalocal.errors import N_
from aulalocal.i18n import gettext as _

PHASES = {
    "download": N_("Downloading the update from the other computer…"),
    "copy": N_("Copying the update from the drive…"),
    "verify": N_("Checking the signature and the files…"),
    "check": N_("Checking the records…"),
    "apply": N_("Updating the catalog…"),
    "export": N_("Copying the updates to the drive…"),
}


def phase_text(phase: str) -> str:
    text = PHASES.get(phase)
    return _(text) if text else _("Working…")


class ProgressPage(QWidget):
    wordsChanged = Signal()  # what is being done is said in other words: its dialog may need to grow

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addStretch(1)

    def say(self, text: str) -> None:
        if text != self.label.text():
            self.label.setText(text)
            self.wordsChanged.emit()

    def reset(self, text: str) -> None:
        self.say(text)
        self.bar.setRange(0, 0)

    def update_progress(self, phase: str, done: int, total: int) -> None:
        self.say(phase_text(phase))
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(min(done, total) * 1000 / total))
        else:
            self.bar.setRange(0, 0)
