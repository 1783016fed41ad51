"""Share in class: the panel that turns the classroom web site on and off and says how students open it.

The site itself is ``aulalocal.web``, served by waitress' threads in the
window's process; this file only starts and stops it off the UI thread
(``worker.Op``), announces it by name (``web.announce``), shows its address
for every network the laptop is on, as large text and as a QR code, and how
many devices opened it lately. Off until the teacher turns it on;
the main window stops it when it closes.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListView,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext
from aulalocal.ui import worker
from aulalocal.ui.home import plain_label
from aulalocal.ui.memory import forget_module_sources
from aulalocal.ui.theme import scaled_font

QR_PIXELS = 200


def qr_pixmap(matrix: list[list[bool]], size: int = QR_PIXELS) -> QPixmap:
    """A QR code's modules as a black-on-white picture with its quiet zone (4 modules), about ``size`` pixels."""
    border = 4
    count = len(matrix) + 2 * border
    image = QImage(count, count, QImage.Format_RGB32)
    image.fill(QColor("white"))
    black = QColor("black").rgb()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.setPixel(x + border, y + border, black)
    scale = max(1, size // count)
    return QPixmap.fromImage(image.scaled(count * scale, count * scale, Qt.IgnoreAspectRatio, Qt.FastTransformation))


STATUS_INTERVAL_MS = 3000  # how often the panel asks the site for its devices and the laptop's networks


def _snapshot(server) -> dict:
    """What the panel shows of the site: its networks with QR codes made, devices lately (on a worker thread)."""
    from aulalocal.web.network import qr_matrix, url

    rows, addresses = [], []
    for network in server.addresses():
        addresses.append(network.address)
        address = url(network.address, server.port)
        rows.append((network.name, address, qr_matrix(address)))
    return {"networks": rows, "addresses": addresses, "visitors": server.app.visitors.count()}


def _announced(announcer, port: int, addresses: list[str]) -> str:
    """On the controller's thread: (re-)announce the site on ``addresses``; the name devices see, "" when none."""
    announcer.stop()  # a goodbye first: announced twice, the site would take its own name "(2)"
    return announcer.instance if announcer.start(port, addresses) else ""


class ShareController(QObject):
    """Starts and stops the site (``web.server``) and its announcement off the UI thread; ``changed`` after each step.

    The site is served from the window's process, by waitress' threads: it
    shares the interpreter, the catalog code and the translations the window
    has loaded already, so sharing adds what the site alone needs
    (docs/benchmarks-web.md). A page takes a few milliseconds of Python,
    and the window waits for Python's lock at most a switch interval or a
    few: measured with a class browsing flat out, the window's events wait
    under 50 ms in the tests, at most 25 ms in the benchmark's last run
    (once, in an earlier run, 59 ms: docs/benchmarks-web.md). The site reads the
    catalog through read-only connections of its own, one a request thread.
    It is announced by name (``web.announce``) and announced again when the
    laptop's addresses change, and says goodbye when sharing stops.

    Starting, announcing and stopping run one after another on a thread of
    the controller's own, in the order asked: registering a name takes about
    a second, and a goodbye must not overtake the announcement before it.
    """

    changed = Signal()

    def __init__(self, state, parent: QObject | None = None, *, address: str | None = None,
                 port: int | None = None, announce: bool = True, zeroconf=None) -> None:
        from aulalocal.web.network import ANY_ADDRESS
        from aulalocal.web.server import DEFAULT_PORT

        super().__init__(parent)
        self.state = state
        self.address = ANY_ADDRESS if address is None else address
        self.port = DEFAULT_PORT if port is None else port
        self.announce = announce
        self._zeroconf = zeroconf  # tests: a stand-in for zeroconf.Zeroconf (web.announce.Announcer's factory)
        self.server = None  # web.server.ClassroomServer while sharing
        self.announcer = None  # web.announce.Announcer while sharing with the announcement on
        self.name = ""  # the name devices see ("AulaLocal – PC1", or "AulaLocal – PC1 (2)"); "" when not announced
        self._announcing_on: list[str] = []  # the addresses last asked to be announced on
        self.snapshot: dict = {"networks": [], "addresses": [], "visitors": 0}
        self.error = ""
        self.busy = False
        self._closing = False
        self._asking = False  # a snapshot is being made
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._timer = QTimer(self)
        self._timer.setInterval(STATUS_INTERVAL_MS)
        self._timer.timeout.connect(self.refresh)

    @property
    def sharing(self) -> bool:
        return self.server is not None

    @property
    def port_used(self) -> int | None:
        return self.server.port if self.server is not None else None

    @property
    def fell_back(self) -> bool:
        """The port asked for was busy, and the site took another."""
        return self.server is not None and self.server.fell_back

    def start(self) -> None:
        if self.busy or self.server is not None:
            return
        self.busy, self.error = True, ""
        self.changed.emit()
        announcer = self._new_announcer() if self.announce else None
        folder, lang = self.state.folder.path, self.state.lang

        def run():
            from aulalocal.web.server import serve_folder

            server = serve_folder(folder, self.address, self.port, announce=False, default_lang=lang)
            try:
                snapshot = _snapshot(server)
                name = _announced(announcer, server.port, snapshot["addresses"]) if announcer is not None else ""
                return server, snapshot, announcer, name
            except Exception:
                if announcer is not None:
                    announcer.stop()
                server.stop()
                raise

        self._op(run).success(self._started).failure(self._failed).run(self._pool)

    def stop(self) -> None:
        server, announcer = self.server, self.announcer
        if self.busy or server is None:
            return
        self.busy = True
        self._timer.stop()
        self.changed.emit()

        def run():
            if announcer is not None:
                announcer.stop()  # the goodbye, while the site still answers
            server.stop()

        self._op(run).success(self._stopped).failure(self._failed).run(self._pool)

    def shutdown(self, timeout: float = 3.0) -> None:
        """At the app's end: stop now, waiting at most ``timeout`` (devices get a closed connection)."""
        self._closing = True
        self._timer.stop()
        self._pool.waitForDone(int(timeout * 1000))  # a start or an announcement under way
        self._stop_now(timeout)

    def refresh(self) -> None:
        """Ask the site again for its devices lately and the laptop's networks (every few seconds while sharing)."""
        server = self.server
        if server is None or self.busy or self._asking:
            return
        if not server.running:  # not asked to: it failed
            self.stop()
            self.error = _("The classroom site stopped unexpectedly. Start it again.")
            self.changed.emit()
            return
        self._asking = True
        self._op(_snapshot, server).success(lambda snapshot: self._refreshed(server, snapshot)).failure(
            lambda _exc: self._refreshed(server, None)).run(self._pool)

    def _stop_now(self, timeout: float) -> None:
        (server, self.server), (announcer, self.announcer) = (self.server, None), (self.announcer, None)
        self.name = ""
        gc.unfreeze()
        if announcer is not None:
            announcer.stop()
        if server is not None:
            server.stop(timeout)

    def _new_announcer(self):
        from aulalocal.web.announce import Announcer

        return Announcer() if self._zeroconf is None else Announcer(factory=self._zeroconf)

    def _op(self, fn, *args) -> worker.Op:
        """Starting or stopping the site: nothing to report on the way, nothing to cancel."""
        return worker.Op(lambda progress, cancel: fn(*args), owner=self, state=self.state)

    def _started(self, result) -> None:
        self.server, self.snapshot, self.announcer, self.name = result
        self._announcing_on = list(self.snapshot["addresses"])
        self.busy = False
        if self._closing:  # the app closed while the site was starting
            self._stop_now(1.0)
            return
        # Python's full collections look at every object of the process, and
        # the window's are many: one takes 100-200 ms holding Python's lock,
        # and the site's threads, making pages, set one off now and then. The
        # objects alive now (the window's, the site's own) are left out of
        # them until sharing stops; what becomes garbage is freed as always,
        # but a cycle among them waits for the stop to be collected.
        forget_module_sources()
        gc.freeze()
        self._timer.start()
        self.changed.emit()

    def _stopped(self, _result) -> None:
        gc.unfreeze()
        self.server, self.announcer, self.busy, self.name = None, None, False, ""
        self.snapshot = {"networks": [], "addresses": [], "visitors": 0}
        self.changed.emit()

    def _refreshed(self, server, snapshot: dict | None) -> None:
        self._asking = False
        if server is not self.server or snapshot is None:
            return
        self.snapshot = snapshot
        if self.announcer is not None and not self.busy and snapshot["addresses"] != self._announcing_on:
            # The laptop joined or left a network (its hotspot turned on, the Wi-Fi changed).
            self._announcing_on = list(snapshot["addresses"])
            announcer = self.announcer
            self._op(_announced, announcer, server.port, self._announcing_on).success(
                lambda name: self._renamed(announcer, name)).failure(lambda _exc: self._renamed(announcer, "")).run(self._pool)
        self.changed.emit()

    def _renamed(self, announcer, name: str) -> None:
        if announcer is self.announcer:
            self.name = name
            self.changed.emit()

    def _failed(self, exc) -> None:
        self.busy = False
        self.error = worker.error_text(exc)
        self.changed.emit()


class NetworkModel(QAbstractListModel):
    """One row per network the laptop is on: the site's address there and its QR code."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, QPixmap]] = []
        self.font = None

    def set_networks(self, networks: list[tuple[str, str, list]]) -> None:
        if [(n, u) for n, u, _p in self._rows] == [(n, u) for n, u, _m in networks]:
            return
        self.beginResetModel()
        self._rows = [(name, address, qr_pixmap(matrix)) for name, address, matrix in networks]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        name, address, pixmap = self._rows[index.row()]
        if role == Qt.DisplayRole:
            return address.removeprefix("http://").rstrip("/") + (f"\n{name}" if name else "")
        if role == Qt.DecorationRole:
            return pixmap
        if role == Qt.FontRole:
            return self.font
        if role in (Qt.ToolTipRole, Qt.AccessibleTextRole):
            return address
        return None

    def addresses(self) -> list[str]:
        return [address for _n, address, _p in self._rows]


class SharePanel(QDialog):
    """The switch, the addresses and their QR codes, the devices count; closing it keeps the site on."""

    def __init__(self, state, parent: QWidget | None = None, controller: ShareController | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("sharePanel")
        self.controller = controller or ShareController(state, self)
        outer = QVBoxLayout(self)
        columns = QHBoxLayout()
        outer.addLayout(columns, 1)
        # Left: what it is, the switch, what is going on (scrolled rather than cut
        # where the screen is too short for its words); right: the addresses and their codes.
        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 0, 0)
        self.words = QScrollArea()
        self.words.setWidgetResizable(True)
        self.words.setFrameShape(QScrollArea.NoFrame)
        self.words.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.words.setWidget(left)
        columns.addWidget(self.words, 1)
        self.intro = plain_label()
        layout.addWidget(self.intro)
        self.switch = QPushButton()
        self.switch.setObjectName("primary")
        self.switch.clicked.connect(self._toggle)
        layout.addWidget(self.switch, 0, Qt.AlignLeft)
        # What the teacher watches while the class connects comes first: at
        # the largest text, the words below it scroll.
        self.status = plain_label()
        layout.addWidget(self.status)
        self.visitors = plain_label()
        layout.addWidget(self.visitors)
        self.how = plain_label()
        layout.addWidget(self.how)
        self.name = plain_label()
        layout.addWidget(self.name)
        layout.addStretch(1)
        self.model = NetworkModel(self)
        self.networks = QListView()
        self.networks.setObjectName("shareAddresses")
        self.networks.setModel(self.model)
        self.networks.setViewMode(QListView.IconMode)
        self.networks.setFlow(QListView.LeftToRight)
        self.networks.setWrapping(True)
        self.networks.setResizeMode(QListView.Adjust)
        self.networks.setMovement(QListView.Static)
        self.networks.setSelectionMode(QListView.NoSelection)
        self.networks.setFocusPolicy(Qt.NoFocus)
        self.networks.setIconSize(QSize(QR_PIXELS, QR_PIXELS))
        self.networks.setWordWrap(True)
        columns.addWidget(self.networks)
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton("", QDialogButtonBox.AcceptRole)
        buttons.accepted.connect(self.accept)
        outer.addWidget(buttons)
        self.controller.changed.connect(self._show_state)
        state.languageChanged.connect(self.retranslate)
        state.appearanceChanged.connect(self._apply_fonts)
        self._apply_fonts()
        self.retranslate()

    def _toggle(self) -> None:
        if self.controller.sharing:
            self.controller.stop()
        else:
            self.controller.start()

    def _apply_fonts(self) -> None:
        self.model.font = scaled_font(self.font(), 1.9, bold=True)
        self.switch.setFont(scaled_font(self.font(), 1.2, bold=True))
        # Each cell: the code, and under it the longest address in the large font and the network's name.
        metrics = QFontMetrics(self.model.font)
        cell = QSize(max(QR_PIXELS, metrics.horizontalAdvance("192.168.100.200:8080")) + 24, QR_PIXELS + 3 * metrics.height() + 16)
        self.networks.setGridSize(cell)
        # One address shows whole; more scroll.
        frame = 2 * self.networks.frameWidth() + 4
        self.networks.setMinimumSize(cell.width() + frame, cell.height() + frame)
        # The words as wide as the screen leaves beside the code: fewer lines to scroll.
        words = QFontMetrics(self.font()).horizontalAdvance("M") * 28
        room = self.screen().availableGeometry().width() - self.networks.minimumWidth() - 64  # margins, frame
        needed = self.words.widget().minimumSizeHint().width()  # the longest word, the switch
        self.words.setMinimumWidth(max(needed, min(words, room)) + self.words.verticalScrollBar().sizeHint().width())

    def _show_state(self) -> None:
        c = self.controller
        snapshot = c.snapshot
        self.model.set_networks(snapshot["networks"] if c.sharing else [])
        self.switch.setEnabled(not c.busy)
        self.switch.setText(_("Stop sharing") if c.sharing else _("Start sharing"))
        self.switch.setAccessibleName(
            _("Stop sharing the catalog with the class") if c.sharing else _("Start sharing the catalog with the class")
        )
        if c.busy:
            status = _("Stopping…") if c.sharing else _("Starting…")
        elif c.error:
            status = c.error
        elif c.sharing:
            status = _("The catalog is shared on this laptop's network.")
            if c.fell_back:
                status += " " + _("Port {port} was busy, so it uses port {used}.").format(port=c.port, used=c.port_used)
        else:
            status = _("Sharing is off. Nothing leaves this laptop.")
        self.status.setText(status)
        on = c.sharing and not c.busy
        if on and not snapshot["networks"]:
            self.how.setText(_("This laptop is on no network yet: turn on its Wi-Fi hotspot or join the school's Wi-Fi, then wait a moment."))
        else:
            self.how.setText(_("How students open it: join the same Wi-Fi, then scan the code with the camera or type the address in the browser."))
        self.how.setVisible(on)
        self.networks.setVisible(on and bool(snapshot["networks"]))
        name = c.name
        self.name.setText(_("Devices that find sites by name also see it as “{name}”.").format(name=name))
        self.name.setVisible(on and bool(name))
        from aulalocal.web.site import VISITOR_WINDOW_S

        count = snapshot["visitors"]
        self.visitors.setText(
            ngettext("{count} device opened it in the last {minutes} minutes.",
                     "{count} devices opened it in the last {minutes} minutes.", count).format(
                count=count, minutes=VISITOR_WINDOW_S // 60)
        )
        self.visitors.setVisible(on)

    def retranslate(self, *_args) -> None:
        self.setWindowTitle(_("Share in class"))
        self.intro.setText(_(
            "Show the catalog on the students' and parents' phones, tablets and XO laptops, "
            "through this laptop's Wi-Fi or network. No internet is needed; they can only read."
        ))
        self.close_button.setText(_("Close"))
        self.close_button.setAccessibleName(_("Close this panel (sharing goes on)"))
        self._show_state()
