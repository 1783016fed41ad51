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
    # Not shown yet, a window is not its size yet (a dialog of the window: 100 px): it opens at its size hint's width.
    shown = window.width() if window.isVisible() else window.sizeHint().width()
    width = max(window.minimumWidth(), shown) - margins.left() - margins.right()
    for label in labels:
        label.setMinimumHeight(0)  # a label's height for a width is never below its minimum: asked afresh
        label.setMinimumHeight(max(0, label.heightForWidth(width)) if label.text() else 0)
    # Shown already, the window does not grow past its minimum by itself, which
    # can be a few pixels short of what its rows need at this width (the
    # buttons were squeezed).
    layout = window.layout()
    layout.activate()  # the heights asked below are not the ones before these words
    needed = layout.totalHeightForWidth(window.width()) if layout.hasHeightForWidth() else -1
    if window.isVisible() and window.height() < needed:
        window.resize(window.width(), needed)
