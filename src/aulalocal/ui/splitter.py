"""A divider between two panes that the teacher can drag, remembered in userdata.db.

It is kept as the first pane's share of the room, so it holds at any window
and text size (a text-size change once left the panes squeezed). Until the
teacher drags it, ``default(room)`` places it (the reading pane gives the
lists under the text only what they need); a double click on the handle goes
back to that.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QSplitter, QSplitterHandle, QWidget

SAVE_DELAY_MS = 400  # a drag moves the divider many times: saved once it rests


class _Handle(QSplitterHandle):
    def mouseDoubleClickEvent(self, event) -> None:
        self.splitter().reset()


class Splitter(QSplitter):
    def __init__(
        self,
        orientation: Qt.Orientation,
        state,
        setting: str,
        default: Callable[[int], int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(orientation, parent)
        self.state = state
        self.setting = setting
        self.default = default
        self._share = state.divider(setting)
        self._fitting = False
        self.setChildrenCollapsible(False)
        self.splitterMoved.connect(self._moved)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save)

    def createHandle(self) -> QSplitterHandle:
        return _Handle(self.orientation(), self)

    @property
    def share(self) -> float | None:
        """The first pane's share of the room, as the teacher left it; None until dragged."""
        return self._share

    def room(self) -> int:
        length = self.width() if self.orientation() == Qt.Horizontal else self.height()
        return length - self.handleWidth() * (self.count() - 1)

    def fit(self) -> None:
        """The divider where the teacher left it, or where ``default`` puts it."""
        room = self.room()
        if self.count() != 2 or room <= 0:
            return
        first = round(self._share * room) if self._share is not None else self.default(room)
        self._fitting = True
        try:
            self.setSizes([max(0, first), max(0, room - first)])
        finally:
            self._fitting = False

    def reset(self) -> None:
        """Back to where ``default`` puts it, forgetting the teacher's."""
        self._share = None
        self._save_timer.stop()
        self.state.set_divider(self.setting, None)
        self.fit()

    def save(self) -> None:
        self._save_timer.stop()
        if self._share is not None:
            self.state.set_divider(self.setting, self._share)

    def _moved(self, _pos: int, _index: int) -> None:
        if self._fitting:
            return
        sizes = self.sizes()
        if sum(sizes) > 0:
            self._share = sizes[0] / sum(sizes)
            self._save_timer.start()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def hideEvent(self, event) -> None:
        if self._save_timer.isActive():
            self.save()
        super().hideEvent(event)
