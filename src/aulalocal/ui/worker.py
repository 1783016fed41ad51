"""ONE helper for all background work (Anki's CollectionOp / QueryOp).

    Op(import_bundle, folder, path, owner=dialog, state=state)
        .progress(dialog.on_progress)    # (phase, done, total), on the UI thread
        .success(dialog.on_done)         # the function's result, on the UI thread
        .failure(dialog.on_error)        # the exception, on the UI thread
        .run()

A core function run with ``with_progress=True`` (the default) is called with
``progress=`` and ``cancel=`` keyword arguments, as the core expects; it raises
``aulalocal.errors.Cancelled`` when ``cancel()`` became true. ``query_op`` runs a
read-only function ``fn(db, ...)`` over this thread's own read-only connection
to the catalog: a sqlite connection is never shared with the UI thread.

Callbacks are dropped when their owner widget was deleted meanwhile.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from aulalocal.catalog.db import read_db
from aulalocal.errors import N_, AulaLocalError, Cancelled

log = logging.getLogger("aulalocal.ui")

_RUNNING: set["Op"] = set()
_long_pool: QThreadPool | None = None
PROGRESS_INTERVAL = 0.05  # seconds between two progress reports


def long_pool() -> QThreadPool:
    """Imports and exports run here, so searches never wait behind them."""
    global _long_pool
    if _long_pool is None:
        _long_pool = QThreadPool()
        _long_pool.setMaxThreadCount(2)
    return _long_pool


@contextmanager
def thread_folder(folder):
    """The data folder with connections of this (worker) thread, closed afterwards."""
    from aulalocal.catalog.db import connect
    from aulalocal.datafolder import DataFolder

    own = DataFolder(folder.path, connect(folder.path / "catalog.db"), connect(folder.path / "userdata.db"))
    try:
        yield own
    finally:
        own.close()


class _Question:
    def __init__(self, func: Callable, args: tuple) -> None:
        self.func, self.args = func, args
        self.event = threading.Event()
        self.result = None
        self.error: BaseException | None = None


class _Runnable(QRunnable):
    def __init__(self, op: "Op") -> None:
        super().__init__()
        self.op = op

    def run(self) -> None:
        self.op._execute()


class Op(QObject):
    """A function run off the UI thread, reporting back through Qt signals."""

    _progressed = Signal(str, int, int)
    _succeeded = Signal(object)
    _failed = Signal(object)
    _asked = Signal(object)

    def __init__(
        self,
        fn: Callable,
        *args,
        owner: QObject | None = None,
        state=None,
        with_progress: bool = True,
        **kwargs,
    ) -> None:
        super().__init__()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._owner = owner
        self._state = state
        self._with_progress = with_progress
        self._cancel = threading.Event()
        self._on_success: Callable | None = None
        self._on_failure: Callable | None = None
        self._on_progress: Callable | None = None
        self._last_report = 0.0
        self._last_phase = ""
        self._runnable: _Runnable | None = None
        self.done = False
        self._progressed.connect(self._deliver_progress)
        self._succeeded.connect(self._deliver_success)
        self._failed.connect(self._deliver_failure)
        self._asked.connect(self._answer)

    # -- building -----------------------------------------------------------
    def success(self, callback: Callable) -> "Op":
        self._on_success = callback
        return self

    def failure(self, callback: Callable) -> "Op":
        self._on_failure = callback
        return self

    def progress(self, callback: Callable) -> "Op":
        self._on_progress = callback
        return self

    def run(self, pool: QThreadPool | None = None) -> "Op":
        _RUNNING.add(self)
        if self._state is not None:
            self._state.work_started()
        self._runnable = _Runnable(self)
        self._runnable.setAutoDelete(False)
        if pool is None:
            pool = long_pool() if self._with_progress else QThreadPool.globalInstance()
        pool.start(self._runnable)
        return self

    # -- from any thread ----------------------------------------------------
    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    # -- on the worker thread -----------------------------------------------
    def ask(self, func: Callable, *args):
        """Run ``func(*args)`` on the UI thread (a question to the teacher) and wait for it."""
        question = _Question(func, args)
        self._asked.emit(question)
        while not question.event.wait(0.05):
            if self._cancel.is_set():
                raise Cancelled(N_("Cancelled. Nothing was changed."))
        if question.error is not None:
            raise question.error
        return question.result

    def _report(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase != self._last_phase or now - self._last_report >= PROGRESS_INTERVAL or (total and done >= total):
            self._last_phase, self._last_report = phase, now
            self._progressed.emit(str(phase), int(done), int(total))

    def _execute(self) -> None:
        try:
            if self._with_progress:
                result = self._fn(*self._args, progress=self._report, cancel=self._cancel.is_set, **self._kwargs)
            else:
                result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # reported to the UI thread, never lost
            try:
                exc.traceback_text = traceback.format_exc()
            except AttributeError:
                pass
            self._failed.emit(exc)
        else:
            self._succeeded.emit(result)

    # -- back on the UI thread ---------------------------------------------
    def _owner_alive(self) -> bool:
        return self._owner is None or shiboken6.isValid(self._owner)

    @Slot(str, int, int)
    def _deliver_progress(self, phase: str, done: int, total: int) -> None:
        if self._on_progress is not None and self._owner_alive() and not self.done:
            self._on_progress(phase, done, total)

    @Slot(object)
    def _deliver_success(self, result) -> None:
        try:
            if self._on_success is not None and self._owner_alive():
                self._on_success(result)
        finally:
            self._finish()

    @Slot(object)
    def _deliver_failure(self, exc) -> None:
        try:
            if not isinstance(exc, AulaLocalError):
                log.error("background work failed:\n%s", getattr(exc, "traceback_text", repr(exc)))
            if self._owner_alive():
                if self._on_failure is not None:
                    self._on_failure(exc)
                else:
                    show_error(self._owner, exc)
        finally:
            self._finish()

    @Slot(object)
    def _answer(self, question: _Question) -> None:
        try:
            question.result = question.func(*question.args)
        except BaseException as exc:
            question.error = exc
        finally:
            question.event.set()

    def _finish(self) -> None:
        self.done = True
        _RUNNING.discard(self)
        if self._state is not None:
            self._state.work_finished()


def query_op(state, fn: Callable, *args, owner: QObject | None = None) -> Op:
    """A read-only ``fn(db, *args)`` over this worker thread's own catalog connection."""
    path = state.catalog_path

    def run():
        return fn(read_db(path), *args)

    return Op(run, owner=owner, state=state, with_progress=False)


def running() -> set[Op]:
    return set(_RUNNING)


def cancel_all(wait_ms: int = 5000) -> None:
    """At exit: ask every operation to stop and wait for them a little."""
    for op in list(_RUNNING):
        op.cancel()
    QThreadPool.globalInstance().waitForDone(wait_ms)
    if _long_pool is not None:
        _long_pool.waitForDone(wait_ms)


def error_text(exc: BaseException) -> str:
    """The one-line message a teacher sees; never a traceback."""
    from aulalocal.i18n import gettext as _

    if isinstance(exc, AulaLocalError):
        return exc.message()
    if isinstance(exc, sqlite3.Error):
        log.error("catalog read failed: %s", exc)  # SQLite's English stays in the log
        return _("The catalog could not be read. Run 'aulalocal doctor'.")
    return _("Something unexpected went wrong ({reason}).").format(reason=type(exc).__name__)


def show_error(parent, exc: BaseException) -> None:
    from PySide6.QtWidgets import QWidget

    from aulalocal.ui.dialogs import message

    widget = parent if isinstance(parent, QWidget) else None
    message(widget, "critical", error_text(exc))
