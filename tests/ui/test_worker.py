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
    op = worker.Op(lambda progress, cancel: gate.wait(5) and 1, owner=owner).success(called.append).run()
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

    def in_worker(progress, cancel):
        db = worker.read_db(path)
        results["same"] = db is worker.read_db(path)
        try:
            db.execute("DELETE FROM records")
        except sqlite3.OperationalError as exc:
            results["error"] = str(exc)
        return db.execute("SELECT COUNT(*) FROM records").fetchone()[0]

    op = worker.Op(in_worker).success(lambda n: results.__setitem__("count", n)).run()
    qtbot.waitUntil(lambda: op.done)
    assert results["same"] and "readonly" in results["error"] and results["count"] > 0


def test_a_catalog_op_gets_its_own_thread_s_folder_and_announces_the_changes_its_result_names(state, qtbot):
    from aulalocal.catalog.changes import CATALOG, NOTHING, Changes

    seen = {}

    def change(folder, changes, *, progress, cancel):
        seen["thread"] = threading.get_ident()
        seen["own"] = folder.catalog is not state.folder.catalog and folder.userdata is not state.folder.userdata
        seen["path"] = folder.path
        seen["records"] = folder.catalog.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        return changes

    with qtbot.waitSignal(state.catalogChanged, timeout=5000):
        op = worker.CatalogOp(state, change, CATALOG).run()
    qtbot.waitUntil(lambda: op.done)
    assert seen["thread"] != threading.get_ident() and seen["own"] and seen["path"] == state.folder.path
    assert seen["records"] > 0
    # A result with a changes property (an applied bundle's summary) says what changed.
    result = type("Result", (), {"changes": Changes(userdata=True)})()
    with qtbot.waitSignal(state.userdataChanged, timeout=5000):
        worker.CatalogOp(state, lambda folder, progress, cancel: result).run()
    # Nothing changed, nothing announced: not even when the owner is gone.
    announced = []
    state.catalogChanged.connect(lambda: announced.append("catalog"))
    state.userdataChanged.connect(lambda: announced.append("userdata"))
    op = worker.CatalogOp(state, change, NOTHING).run()
    qtbot.waitUntil(lambda: op.done)
    export = worker.CatalogOp(state, lambda folder, progress, cancel: ["a file"]).run()
    qtbot.waitUntil(lambda: export.done)
    assert announced == []


def test_a_catalog_op_announces_even_when_its_owner_is_gone(state, qtbot, qapp):
    from aulalocal.catalog.changes import CATALOG

    owner = QObject()
    gate = threading.Event()
    called = []
    op = worker.CatalogOp(state, lambda folder, progress, cancel: gate.wait(5) and CATALOG, owner=owner)
    op.success(called.append).run()
    owner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    with qtbot.waitSignal(state.catalogChanged, timeout=5000):
        gate.set()
    qtbot.waitUntil(lambda: op.done)
    assert called == []  # the dialog is gone; the catalog changed all the same


def test_a_query_op_reads_on_the_query_pool_with_this_thread_s_read_only_connection(state, qtbot):
    seen = {}

    def count(db, kind):
        seen["pool_threads"] = worker.long_pool().activeThreadCount()
        return db.execute("SELECT COUNT(*) FROM records WHERE kind = ?", (kind,)).fetchone()[0]

    gate = threading.Event()
    long = worker.Op(lambda progress, cancel: gate.wait(5)).run()  # a long job holds the long pool
    blocker = worker.Op(lambda progress, cancel: gate.wait(5)).run()
    try:
        op = worker.QueryOp(state, count, "program").success(lambda n: seen.__setitem__("count", n)).run()
        qtbot.waitUntil(lambda: op.done, timeout=3000)  # did not wait behind them
    finally:
        gate.set()
    qtbot.waitUntil(lambda: long.done and blocker.done)
    assert seen["count"] > 0 and seen["pool_threads"] == 2


def test_a_teacher_s_edit_is_done_when_the_call_returns_and_announced(state, qtbot):
    from aulalocal.catalog import userdata

    key = ("aulalocal-seed", "program", "huascaran")
    with qtbot.waitSignal(state.userdataChanged, timeout=1000):
        worker.edit_userdata(state, userdata.save_note, *key, {"es": "Huascarán"}, "Para 5.º grado")
    assert userdata.get_note(state.folder.userdata, *key) == "Para 5.º grado"


def test_only_the_operations_announce_changes():
    """No view or dialog says "catalog changed" or "userdata changed" by hand: the op that changed it does."""
    import re
    from pathlib import Path

    ui = Path(worker.__file__).parent
    emitting = {
        path.name
        for path in ui.glob("*.py")
        if re.search(r"(catalogChanged|userdataChanged)\s*\.\s*emit\b", path.read_text(encoding="utf-8"))
    }
    assert emitting == {"worker.py"}
