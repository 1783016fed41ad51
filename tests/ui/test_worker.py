"""The one background helper: results, errors, progress and cancel come back on the UI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread

from aulalocal.errors import N_, Cancelled, StorageError
from aulalocal.ui import worker
from tests.ui.conftest import wait_for_workers


def test_success_and_progress_arrive_on_the_ui_thread(qtbot, qapp):
    ui_thread = QThread.currentThread()
    seen = {}

    def work(n, progress, cancel):
        seen["worker_thread"] = threading.get_ident()
        for i in range(n + 1):
            progress("count", i, n)
        return n * 2

    def on_progress(phase, done, total):
        seen.setdefault("progress", []).append((phase, done, total))
        assert QThread.currentThread() is ui_thread

    op = worker.Op(work, 5).progress(on_progress).success(lambda r: seen.__setitem__("result", r)).run()
    qtbot.waitUntil(lambda: op.done)
    assert seen["result"] == 10
    assert seen["worker_thread"] != threading.get_ident()
    assert seen["progress"][-1] == ("count", 5, 5)  # the last report is never dropped by throttling


def test_errors_are_reported_with_their_translated_message(qtbot):
    def fail(progress, cancel):
        raise StorageError(N_("The drive is full. Free some space or use another drive."))

    errors = []
    op = worker.Op(fail).failure(errors.append).run()
    qtbot.waitUntil(lambda: op.done)
    assert isinstance(errors[0], StorageError)
    assert worker.error_text(errors[0]) == "The drive is full. Free some space or use another drive."
    assert "Traceback" not in worker.error_text(ValueError("x")) and "ValueError" in worker.error_text(ValueError("x"))


def test_cancel_reaches_the_core_function(qtbot):
    started = threading.Event()

    def long(progress, cancel):
        started.set()
        while not cancel():
            pass
        raise Cancelled(N_("Cancelled. Nothing was changed."))

    errors = []
    op = worker.Op(long).failure(errors.append).run()
    started.wait(5)
    op.cancel()
    qtbot.waitUntil(lambda: op.done)
    assert isinstance(errors[0], Cancelled)


def test_a_deleted_owner_gets_no_callback(qtbot, qapp):
    owner = QObject()
    gate = threading.Event()
    called = []
    op = worker.Op(lambda: gate.wait(5) and 1, owner=owner, with_progress=False).success(called.append).run()
    owner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    gate.set()
    qtbot.waitUntil(lambda: op.done)
    wait_for_workers(qapp)
    assert called == []


def test_read_db_is_read_only_and_per_thread(seeded, qtbot):
    import sqlite3

    path = seeded.path / "catalog.db"
    results = {}

    def in_worker():
        db = worker.read_db(path)
        results["same"] = db is worker.read_db(path)
        try:
            db.execute("DELETE FROM records")
        except sqlite3.OperationalError as exc:
            results["error"] = str(exc)
        return db.execute("SELECT COUNT(*) FROM records").fetchone()[0]

    op = worker.Op(in_worker, with_progress=False).success(lambda n: results.__setitem__("count", n)).run()
    qtbot.waitUntil(lambda: op.done)
    assert results["same"] and "readonly" in results["error"] and results["count"] > 0
