"""All background work, as Anki's ``aqt/operations`` does it: three kinds of operation.

    CatalogOp(state, import_bundle, path, owner=dialog, trust_unknown_key=...)
        .progress(dialog.on_progress)    # (phase, done, total), on the UI thread
        .success(dialog.on_done)         # the function's result, on the UI thread
        .failure(dialog.on_error)        # the exception, on the UI thread
        .run()
    QueryOp(state, get_record, kind, id_, owner=view).success(view.show).run()
    Op(synthesize, sentences, owner=bar, state=state).run()

- ``CatalogOp``: ``fn(folder, *args, progress=, cancel=, **kwargs)`` with the data
  folder opened for the worker thread (a sqlite connection is never shared with
  the UI thread), on the pool of long work. Afterwards it announces what the
  result says changed (its ``changes``: an applied bundle changed the catalog),
  and every view that shows it refreshes itself; a result without changes (an
  export, a drive scan) announces nothing.
- ``QueryOp``: ``fn(db, *args)`` over the worker thread's read-only connection
  to the catalog, on the query pool, so a search never waits behind an import.
- ``Op``: ``fn(*args, progress=, cancel=, **kwargs)``, long work that needs no
  data folder (reading aloud, the rebuild before the window opens).

A core function raises ``aulalocal.errors.Cancelled`` once ``cancel()`` is true;
``Op.ask`` puts a question to the teacher on the UI thread mid-operation. A
failure goes to ``.failure``, or else to a message through ``error_text``, the
one translation of errors. Callbacks are dropped when their owner widget was
deleted meanwhile; what changed is announced all the same.

``edit_userdata`` is the one change not made off the UI thread: the teacher's
own edit (a favorite, a note), announced the same way.
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

from aulalocal.catalog.changes import NOTHING, Changes
from aulalocal.catalog.db import read_db
from aulalocal.errors import N_, AulaLocalError, Cancelled

log = logging.getLogger("aulalocal.ui")

_RUNNING: set["_Background"] = set()
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


def _announce(state, result) -> None:
    """The one place "catalog changed" and "userdata changed" are said: from what the core returned."""
    changes = result if isinstance(result, Changes) else getattr(result, "changes", NOTHING)
    if changes.catalog:
        state.catalogChanged.emit()
    if changes.userdata:
        state.userdataChanged.emit()


def edit_userdata(state, fn: Callable, *args):
    """``fn(userdata_db, *args)``, the teacher's own edit (a favorite, a note), then what it changed announced.

    On the UI thread, unlike every other change: it is one row, and it is done
    when this returns, so a note typed just before another record opens or the
    window closes is saved.
    """
    result = fn(state.folder.userdata, *args)
    _announce(state, result)
    return result


class _Question:
    def __init__(self, func: Callable, args: tuple) -> None:
        self.func, self.args = func, args
        self.event = threading.Event()
        self.result = None
        self.error: BaseException | None = None


class _Runnable(QRunnable):
    def __init__(self, op: "_Background") -> None:
        super().__init__()
        self.op = op

    def run(self) -> None:
        self.op._execute()


class _Background(QObject):
    """What every operation shares: run on a pool, report back on the UI thread, owner and bookkeeping."""

    _succeeded = Signal(object)
    _failed = Signal(object)

    def __init__(self, fn: Callable, args: tuple, kwargs: dict, owner: QObject | None, state) -> None:
        super().__init__()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._owner = owner
        self._state = state
        self._cancel = threading.Event()
        self._on_success: Callable | None = None
        self._on_failure: Callable | None = None
        self._runnable: _Runnable | None = None
        self.done = False
        self._succeeded.connect(self._deliver_success)
        self._failed.connect(self._deliver_failure)

    # -- building -----------------------------------------------------------
    def success(self, callback: Callable):
        self._on_success = callback
        return self

    def failure(self, callback: Callable):
        self._on_failure = callback
        return self

    def run(self, pool: QThreadPool | None = None):
        """Start on the kind's own pool, or on ``pool`` (work that must not wait behind an import)."""
        _RUNNING.add(self)
        if self._state is not None:
            self._state.work_started()
        self._runnable = _Runnable(self)
        self._runnable.setAutoDelete(False)
        (pool or self._pool()).start(self._runnable)
        return self

    def _pool(self) -> QThreadPool:
        return long_pool()

    # -- from any thread ----------------------------------------------------
    def cancel(self) -> None:
        self._cancel.set()

    # -- on the worker thread -----------------------------------------------
    def _call(self):
        raise NotImplementedError

    def _execute(self) -> None:
        try:
            result = self._call()
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

    @Slot(object)
    def _deliver_success(self, result) -> None:
        try:
            if self._on_success is not None and self._owner_alive():
                self._on_success(result)
        finally:
            try:
                self._succeeded_with(result)
            finally:
                self._finish()

    def _succeeded_with(self, result) -> None:
        """After the success callback, also when it failed or its owner is gone."""

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

    def _finish(self) -> None:
        self.done = True
        _RUNNING.discard(self)
        if self._state is not None:
            self._state.work_finished()


class Op(_Background):
    """Long work off the UI thread: ``fn(*args, progress=, cancel=, **kwargs)``, with questions to the teacher."""

    _progressed = Signal(str, int, int)
    _asked = Signal(object)

    def __init__(self, fn: Callable, *args, owner: QObject | None = None, state=None, **kwargs) -> None:
        super().__init__(fn, args, kwargs, owner, state)
        self._on_progress: Callable | None = None
        self._last_report = 0.0
        self._last_phase = ""
        self._progressed.connect(self._deliver_progress)
        self._asked.connect(self._answer)

    def progress(self, callback: Callable):
        self._on_progress = callback
        return self

    # -- on the worker thread -----------------------------------------------
    def _call(self):
        return self._fn(*self._args, progress=self._report, cancel=self._cancel.is_set, **self._kwargs)

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

    # -- back on the UI thread ---------------------------------------------
    @Slot(str, int, int)
    def _deliver_progress(self, phase: str, done: int, total: int) -> None:
        if self._on_progress is not None and self._owner_alive() and not self.done:
            self._on_progress(phase, done, total)

    @Slot(object)
    def _answer(self, question: _Question) -> None:
        try:
            question.result = question.func(*question.args)
        except BaseException as exc:
            question.error = exc
        finally:
            question.event.set()


class CatalogOp(Op):
    """``fn(folder, *args, progress=, cancel=, **kwargs)`` over this worker thread's own data folder; announces its changes."""

    def __init__(self, state, fn: Callable, *args, owner: QObject | None = None, **kwargs) -> None:
        super().__init__(fn, *args, owner=owner, state=state, **kwargs)
        self._folder = state.folder

    def _call(self):
        with thread_folder(self._folder) as own:
            return self._fn(own, *self._args, progress=self._report, cancel=self._cancel.is_set, **self._kwargs)

    def _succeeded_with(self, result) -> None:
        _announce(self._state, result)


class QueryOp(_Background):
    """A read: ``fn(db, *args)`` over this worker thread's read-only catalog connection, on the query pool."""

    def __init__(self, state, fn: Callable, *args, owner: QObject | None = None) -> None:
        super().__init__(fn, args, {}, owner, state)
        self._path = state.catalog_path

    def _pool(self) -> QThreadPool:
        return QThreadPool.globalInstance()

    def _call(self):
        return self._fn(read_db(self._path), *self._args)


def running() -> set[_Background]:
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
