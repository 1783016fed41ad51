"""The real window sharing its catalog in class, in a process of its own: what the web benchmark serves and measures.

    python -m bench.window DATA_DIR

The main window (offscreen, 1024x600) opens ``DATA_DIR`` and runs its
events a few seconds; its memory then is the baseline. Sharing starts as
the app starts it (``ui.sharepanel.ShareController``), on 127.0.0.1, any
port, announced by name on loopback only. A few seconds later the process
prints one JSON line: its pid, the site's port and name, its RSS and USS at
the baseline and idle while sharing. From then on a 5 ms timer measures
how late the window's events run (the largest gap between two ticks, and
how many gaps were over 50 ms: a window that would feel stuck).

Standard input, one command a line, each answered by one JSON line:

- ``gaps``: the gaps since the previous ``gaps`` (then counted afresh);
- ``look``: one look for other laptops as the window makes while it shares
  (``ui.peerwatcher``, browsing on 127.0.0.1 only), and its USS before and after.

When standard input closes: the last gaps, then sharing stops
(``ShareController.shutdown``, as when the window closes) and the process ends.

Nothing of the benchmark is imported here before the baseline but this
file: the window's memory is the app's.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

SETTLE_S = 2.0  # the window's own start-up work (first pages, fonts) before the baseline
SHARING_SETTLE_S = 3.0  # the site's costly start-up questions (warm), before "idle while sharing"
TICK_MS = 5
STUCK_MS = 50  # the "the window stays responsive": no event waits longer
LOOPBACK = "127.0.0.1"


def memory_of(pid: int) -> tuple[float, float]:
    """(RSS, USS) of a live process in MB: USS is its private memory, what ending it would give back."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, value = line.partition(":")
        fields[name] = int(value.split()[0]) * 1024 / 1e6
    return fields["Rss"], fields["Private_Clean"] + fields["Private_Dirty"]


def _loopback_look(folder, typed, **options):
    """``peers.take.look`` browsing on loopback only; imported on the look's worker thread, as the app does."""
    from functools import partial

    from aulalocal.peers.discover import browse
    from aulalocal.peers.take import look

    return look(folder, typed, browse=partial(browse, interfaces=[LOOPBACK]), **options)


def _say(**fields) -> None:
    print(json.dumps(fields), flush=True)


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QObject, QTimer, Signal
    from PySide6.QtWidgets import QApplication

    from aulalocal import cldr, i18n
    from aulalocal.startup import open_data_folder
    from aulalocal.ui.appstate import AppState
    from aulalocal.ui.mainwindow import MainWindow
    from aulalocal.ui.sharepanel import ShareController

    cldr.install()  # as the app's start does (ui.app.run_app): its few CLDR tables, not babel's whole data
    app = QApplication([sys.argv[0]])
    folder = open_data_folder(Path(argv[0]))
    i18n.set_language("es")
    state = AppState(folder)
    state.apply_appearance()
    window = MainWindow(state, watch_drives=False)
    window.resize(1024, 600)
    window.show()

    def run_events(seconds: float, until=lambda: False) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not until():
            app.processEvents()
            time.sleep(0.005)

    run_events(SETTLE_S)
    baseline = memory_of(os.getpid())

    controller = ShareController(state, window, address=LOOPBACK, port=0, announce=True)
    controller.start()
    run_events(120, until=lambda: not controller.busy)
    if not controller.sharing:
        print(f"error: sharing did not start: {controller.error or 'timed out'}", file=sys.stderr)
        return 1
    # What the announcer announced, and binds its zeroconf to (web.announce): never beyond loopback here.
    announcer = getattr(controller, "announcer", None)
    service = getattr(announcer, "info", None)
    announced = service.parsed_addresses() if service is not None else []
    if any(address != LOOPBACK for address in announced):
        print(f"error: the site was announced on {announced}, not only on {LOOPBACK}", file=sys.stderr)
        controller.shutdown()
        return 1
    run_events(SHARING_SETTLE_S)
    idle = memory_of(os.getpid())
    _say(pid=os.getpid(), port=controller.port_used, name=announcer.instance if announced else "", announced_on=announced,
         baseline_rss_mb=baseline[0], baseline_uss_mb=baseline[1], idle_rss_mb=idle[0], idle_uss_mb=idle[1])

    gaps = {"largest": 0, "over": 0, "ticks": 0, "last": time.perf_counter()}

    def tick() -> None:
        now = time.perf_counter()
        gap = (now - gaps["last"]) * 1000
        gaps["last"] = now
        gaps["ticks"] += 1
        gaps["largest"] = max(gaps["largest"], gap)
        gaps["over"] += gap > STUCK_MS

    def report() -> None:
        rss, uss = memory_of(os.getpid())
        _say(max_gap_ms=gaps["largest"], over_50_ms=gaps["over"], ticks=gaps["ticks"], rss_mb=rss, uss_mb=uss)
        gaps.update(largest=0, over=0, ticks=0)

    def look() -> None:
        before = memory_of(os.getpid())[1]
        from aulalocal.ui.peerwatcher import PeerWatcher

        watcher = PeerWatcher(state, window, look=_loopback_look)

        def looked(_result) -> None:
            _say(look_uss_before_mb=before, look_uss_after_mb=memory_of(os.getpid())[1])

        watcher.looked.connect(looked)
        watcher.failed.connect(looked)
        watcher.look(seconds=1.0)

    class Commands(QObject):
        line = Signal(str)  # emitted on the reader thread, handled on the window's

    answers = {"gaps": report, "look": look, "end": app.quit}
    commands = Commands()
    commands.line.connect(lambda text: answers.get(text, lambda: None)())

    def read() -> None:
        for text in sys.stdin:
            if text.strip() != "end":
                commands.line.emit(text.strip())
        commands.line.emit("gaps")
        commands.line.emit("end")  # queued after the last answer

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    threading.Thread(target=read, name="bench-window-commands", daemon=True).start()
    app.exec()
    timer.stop()
    controller.shutdown()
    window.close()
    folder.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))


class SharingWindow:
    """This module run in a child process (the benchmark's side): ``info`` is its first line, ``ask`` a command.

    ``with SharingWindow(data_dir) as window: ...``; ``close`` ends it and
    returns its last gaps.
    """

    def __init__(self, data_dir: Path, timeout_s: float = 180.0) -> None:
        self.data_dir = Path(data_dir)
        self.timeout_s = timeout_s
        self.info: dict = {}
        self._proc = None

    def __enter__(self) -> "SharingWindow":
        import subprocess
        import tempfile

        from bench.stats import program_env

        self._errors = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bench.window", str(self.data_dir)], cwd=Path(__file__).resolve().parent.parent,
            env=program_env({"QT_QPA_PLATFORM": "offscreen"}), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._errors, text=True,
        )
        try:
            self.info = self._answer()
        except BaseException:
            self._end()
            raise
        return self

    @property
    def pid(self) -> int:
        return self.info["pid"]

    @property
    def port(self) -> int:
        return self.info["port"]

    def ask(self, command: str) -> dict:
        self._proc.stdin.write(command + "\n")
        self._proc.stdin.flush()
        return self._answer()

    def close(self) -> dict:
        """Standard input closed: the last gaps, then the window stops sharing and ends."""
        self._proc.stdin.close()
        try:
            return self._answer()
        finally:
            self._end()

    def __exit__(self, *_exc) -> None:
        if self._proc is not None:
            self._end()

    def _answer(self) -> dict:
        timer = threading.Timer(self.timeout_s, self._proc.kill)  # a window that hangs does not hang the benchmark
        timer.start()
        try:
            line = self._proc.stdout.readline()
        finally:
            timer.cancel()
        if not line:
            self._proc.wait(10)
            self._errors.seek(0)
            raise RuntimeError(f"the window ended ({self._proc.returncode}): "
                               + self._errors.read().decode("utf-8", "replace")[-2000:])
        return json.loads(line)

    def _end(self) -> None:
        import subprocess

        proc, self._proc = self._proc, None
        if not proc.stdin.closed:
            proc.stdin.close()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()
        self._errors.close()
