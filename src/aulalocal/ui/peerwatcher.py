"""Looks for other AulaLocal laptops with updates on the school network, off the UI thread.

Nothing is sent on the network unless the teacher asked for it: a look
runs when the teacher opens "Update from another computer…", and every
``interval_ms`` while the laptop shares in class and is announced by name
(it is on the network by the teacher's choice then; without the
announcement, it stays quiet). Each look browses mDNS for a few seconds and
reads the offers found (``peers.take.look``) in a ``worker.CatalogOp``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from aulalocal.ui import worker

WATCH_MS = 60_000
LOOK_SECONDS = 3.0


def _look(folder, typed, seconds, exclude, *, progress=None, cancel=None, look=None):
    """On a worker thread, with its own data folder; changes nothing."""
    if look is None:
        from aulalocal.peers.take import look
    return look(folder, list(typed), seconds=seconds, exclude=list(exclude), cancel=cancel)


class PeerWatcher(QObject):
    looked = Signal(object)  # peers.take.Looked
    failed = Signal(object)  # the exception of a look that could not run

    def __init__(self, state, parent: QObject | None = None, *, look: Callable | None = None,
                 interval_ms: int = WATCH_MS) -> None:
        super().__init__(parent)
        self.state = state
        self._look_fn = look  # tests: a look that browses no network
        self.exclude: list[str] = []
        self.op: worker.Op | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lambda: self.look())

    @property
    def looking(self) -> bool:
        return self.op is not None and not self.op.done

    def look(self, typed=(), seconds: float = LOOK_SECONDS):
        """One look (the one running is kept if there is one)."""
        if self.looking:
            return self.op
        self.op = worker.CatalogOp(self.state, _look, tuple(typed), seconds, tuple(self.exclude), owner=self,
                                   look=self._look_fn)
        self.op.success(self.looked.emit).failure(self.failed.emit).run()
        return self.op

    def watch(self, exclude: list[str]) -> None:
        """Look now and every interval, leaving out ``exclude`` (this laptop's own site)."""
        self.exclude = list(exclude)
        if not self.timer.isActive():
            self.timer.start()
            self.look()

    def stop(self) -> None:
        self.timer.stop()
        if self.looking:
            self.op.cancel()
