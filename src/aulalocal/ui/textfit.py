"""Windows tall enough for their wrapped words.

A window does not ask a word-wrapped label how tall it is at the window's
width, so a long text (Quechua's often is, and large text sizes) would be
cut off at the bottom. ``fit_text`` gives each label the height its words
need; the window then grows to hold them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def fit_text(window: QWidget, labels: list[QLabel]) -> None:
    margins = window.layout().contentsMargins()
    width = max(window.minimumWidth(), window.width()) - margins.left() - margins.right()
    for label in labels:
        label.setMinimumHeight(max(0, label.heightForWidth(width)) if label.text() else 0)
