"""When a program's window appears, as the X server tells it (python-xlib, a bench-only dependency).

A listener connected to the display before the program starts selects
``SubstructureNotify`` on the root window, so the server sends it an event
when any top-level window is created, mapped, unmapped or destroyed, and
``PropertyChange`` on each new top-level window, so it hears its title
(``_NET_WM_NAME``, else ``WM_NAME``) being set or changed. A window counts as
shown at the first moment it is both mapped and titled as expected: the time
the event reached the listener. Nothing is polled, so nothing runs beside the
measured program but this process waiting on its socket (``xdotool search``
polled every 5 ms cost 30-40 ms of processor time a call).
"""

from __future__ import annotations

import re
import select
import time

DETECTOR = "X events (MapNotify, PropertyNotify of the title on the root window's children; python-xlib)"


def available() -> bool:
    try:
        import Xlib.display  # noqa: F401
    except ImportError:
        return False
    return True


class WindowWatcher:
    """The top-level windows of one X display, followed from their events."""

    def __init__(self, display: str) -> None:
        from Xlib import X, Xatom
        from Xlib import display as xdisplay

        self._X = X
        self.display = xdisplay.Display(display)
        self.root = self.display.screen().root
        self._names = (self.display.intern_atom("_NET_WM_NAME"), Xatom.WM_NAME)
        self._utf8 = self.display.intern_atom("UTF8_STRING")
        self.root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self.windows: dict[int, dict] = {}  # id -> {"window", "mapped", "name"}
        for child in self.root.query_tree().children:
            self._follow(child, mapped=child.get_attributes().map_state == X.IsViewable)
        self.display.sync()

    def close(self) -> None:
        self.display.close()

    def __enter__(self) -> "WindowWatcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _name(self, window) -> str:
        from Xlib.error import XError

        try:
            prop = window.get_full_property(self._names[0], self._utf8)
            if prop is not None and prop.value:
                value = prop.value
                return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            value = window.get_wm_name()
            return value.decode("latin-1") if isinstance(value, bytes) else (value or "")
        except XError:  # gone already
            return ""

    def _follow(self, window, mapped: bool = False) -> None:
        from Xlib.error import BadWindow, CatchError

        # Selected before the title is read: a change after the read still
        # comes as an event. A window already gone answers BadWindow, later.
        window.change_attributes(event_mask=self._X.PropertyChangeMask, onerror=CatchError(BadWindow))
        self.windows[window.id] = {"window": window, "mapped": mapped, "name": self._name(window)}

    def _handle(self, event) -> None:
        X = self._X
        kind = event.type
        if kind == X.CreateNotify and event.parent == self.root:
            self._follow(event.window)
        elif kind == X.MapNotify and event.window.id in self.windows:
            entry = self.windows[event.window.id]
            entry["mapped"] = True
            entry["name"] = self._name(event.window)
        elif kind == X.UnmapNotify and event.window.id in self.windows:
            self.windows[event.window.id]["mapped"] = False
        elif kind == X.DestroyNotify:
            self.windows.pop(event.window.id, None)
        elif kind == X.PropertyNotify and event.atom in self._names and event.window.id in self.windows:
            self.windows[event.window.id]["name"] = self._name(event.window)

    def shown(self, pattern: str) -> bool:
        """A mapped top-level window whose title matches ``pattern`` (a regex) exists now."""
        rx = re.compile(pattern)
        return any(w["mapped"] and rx.search(w["name"]) for w in self.windows.values())

    def wait(self, pattern: str, timeout: float, gone: bool = False) -> float | None:
        """The perf_counter time at which a window like ``pattern`` is shown (or, with ``gone``, none is).

        Returns at once if that holds already; None when ``timeout`` passes first.
        """
        deadline = time.perf_counter() + timeout
        while True:
            now = time.perf_counter()
            while self.display.pending_events():
                self._handle(self.display.next_event())
            if self.shown(pattern) != gone:
                return now
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            select.select([self.display], [], [], left)
