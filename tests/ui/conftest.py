"""Fixtures for the window tests: the real window over a real data folder, offscreen."""

from __future__ import annotations

import os

# Offscreen, on a screen the size of the school netbooks' (1024x600): message
# boxes and drop-down lists size themselves by the screen.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + os.path.join(os.path.dirname(__file__), "netbook-screen.json")

import pytest  # noqa: E402

from aulalocal.bundle import source  # noqa: E402
from aulalocal.bundle.apply import apply_operations  # noqa: E402


def apply_folder(db, folder):
    """Apply a write_source() folder to a catalog, as tests/catalog/test_apply.py does."""
    return apply_operations(
        db, source.read_info(folder), lambda: source.upsert_lines(folder),
        key_id=None, file_sha256=source.content_sha256(folder),
    )


@pytest.fixture
def state(qapp, seeded):
    from aulalocal.ui.appstate import AppState

    st = AppState(seeded)
    st.apply_appearance()
    yield st
    wait_for_workers(qapp)
    # Leave the next test with the normal look.
    from aulalocal.appearance import DEFAULT_TEXT_SIZE
    from aulalocal.ui import theme

    theme.apply_theme(qapp, DEFAULT_TEXT_SIZE, False)


def wait_for_workers(qapp, timeout_ms: int = 10000) -> None:
    """Let every background operation finish and deliver, before the folder closes."""
    import time

    from aulalocal.ui import worker

    deadline = time.monotonic() + timeout_ms / 1000
    while worker.running() and time.monotonic() < deadline:
        qapp.processEvents()
        time.sleep(0.005)


@pytest.fixture
def window(qtbot, qapp, state):
    from aulalocal.ui.mainwindow import MainWindow

    win = MainWindow(state, watch_drives=False)
    qtbot.addWidget(win)
    win.resize(1024, 600)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(win.is_idle)
    yield win
    close_window(qapp, win)


def close_window(qapp, win) -> None:
    """Close and delete a window, so none of its timers or queries outlives the test's data folder."""
    from PySide6.QtCore import QCoreApplication, QEvent

    win.close()
    wait_for_workers(qapp)
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    wait_for_workers(qapp)


def idle(qtbot, win, timeout: int = 5000) -> None:
    qtbot.waitUntil(win.is_idle, timeout=timeout)


@pytest.fixture
def asked(monkeypatch):
    """Every file dialog shown (where it started, the name it suggested), answered with the path put in ``answer``."""
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    seen: list[dict] = []
    answer: list[Path] = []

    def exec_(self):
        seen.append({"folder": Path(self.directory().absolutePath()), "selected": self.selectedFiles(), "dialog": self})
        if not answer:
            return QFileDialog.Rejected
        self.selectFile(str(answer[0]))
        return QFileDialog.Accepted

    monkeypatch.setattr(QFileDialog, "exec", exec_)
    return seen, answer


class _StandInSite:
    """A site sharing on the school's Wi-Fi, as a started one answers the panel (none is started)."""

    port, fell_back, running = 8080, False, True
    app = type("App", (), {"visitors": type("Visitors", (), {"count": staticmethod(lambda: 3)})})

    def addresses(self):
        from aulalocal.web.network import Network

        return [Network("Wi-Fi de la escuela", "192.168.100.200")]


def show_sharing(controller) -> None:
    """``controller`` (a ``ShareController``) says it shares, announced by name, as its panel then shows."""
    from aulalocal.ui.sharepanel import _snapshot

    controller.server = _StandInSite()
    controller.name = "AulaLocal \u2013 aulalocal-docente"
    controller.snapshot = _snapshot(controller.server)
    controller.changed.emit()
