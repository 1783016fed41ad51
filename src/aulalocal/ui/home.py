"""The home view: what the catalog holds, when it was last updated, what to do next."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from aulalocal import i18n
from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext
from aulalocal.ui import keys
from aulalocal.ui.sections import CATALOG_SECTIONS
from aulalocal.ui.theme import scaled_font


def _number(n: int) -> str:
    # Small numbers are written the same in es, qu and en; babel's locale data
    # (slow to load) is needed only from 1,000 on. Keeps the first paint fast.
    return str(n) if 0 <= n < 1000 else i18n.format_number(n)


def plain_label(name: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.PlainText)
    if name:
        label.setObjectName(name)
    return label


AGO_REFRESH_MS = 60_000


def content_date(catalog: dict):
    """When the publisher made the catalog's last bundle (when it was applied, for an undated one)."""
    return i18n.parse_timestamp(catalog.get("created")) or i18n.parse_timestamp(catalog.get("applied_at"))


class HomeView(QScrollArea):
    openSection = Signal(str)
    updateRequested = Signal()

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.counts: dict[str, int] = {}
        self.catalogs: list[dict] = []
        self.dates_shown = False  # dates need babel (slow to load): not before the first paint
        # "2 hours ago" is said again each minute, so a window left open does not say it for ever.
        self._clock = QTimer(self)
        self._clock.setInterval(AGO_REFRESH_MS)
        self._clock.timeout.connect(self._show_updated)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.NoFrame)
        body = QWidget()
        body.setObjectName("home")
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)

        self.welcome = plain_label("heading")
        self.intro = plain_label()
        self.holds = plain_label("subheading")
        layout.addWidget(self.welcome)
        layout.addWidget(self.intro)
        layout.addWidget(self.holds)

        grid = self.grid = QGridLayout()
        grid.setSpacing(8)
        self._columns = 3
        self.section_buttons: dict[str, QPushButton] = {}
        for n, section in enumerate(CATALOG_SECTIONS):  # a fixed set of six buttons
            button = QPushButton()
            button.setObjectName("sectionButton")
            button.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
            button.clicked.connect(lambda _checked=False, key=section.key: self.openSection.emit(key))
            grid.addWidget(button, n // 3, n % 3)
            self.section_buttons[section.key] = button
        layout.addLayout(grid)

        self.updated = plain_label()
        layout.addWidget(self.updated)

        self.next_heading = plain_label("subheading")
        layout.addWidget(self.next_heading)
        self.tips = [plain_label() for _n in range(4)]
        for tip in self.tips:
            layout.addWidget(tip)
        self.update_button = QPushButton()
        self.update_button.clicked.connect(self.updateRequested.emit)
        self.update_button.setSizePolicy(QSizePolicy.Maximum, QSizePolicy.Preferred)
        layout.addWidget(self.update_button)
        layout.addStretch(1)

        state.catalogChanged.connect(self.refresh)
        state.languageChanged.connect(self.retranslate)
        self._fonts()
        self.refresh()

    def refresh(self) -> None:
        """Counts per section and the last update, from ``queries.status`` (a fast indexed query)."""
        from aulalocal.catalog.queries import status

        self.catalogs = status(self.state.folder.catalog)["catalogs"]
        totals: dict[str, int] = {}
        for cat in self.catalogs:
            for kind, n in cat["counts"].items():
                totals[kind] = totals.get(kind, 0) + n
        self.counts = {s.key: sum(totals.get(k, 0) for k in s.kinds) for s in CATALOG_SECTIONS}
        self.retranslate()

    def retranslate(self, *_args) -> None:
        self.welcome.setText(_("Welcome to AulaLocal"))
        self.intro.setText(
            _("Programs, good practices and digital safety guides for your classroom, on this laptop, without internet.")
        )
        self.holds.setText(_("What the catalog holds"))
        for section in CATALOG_SECTIONS:
            n = self.counts.get(section.key, 0)
            button = self.section_buttons[section.key]
            count = ngettext("{count} record", "{count} records", n).format(count=_number(n))
            button.setText("{section}\n{count}".format(section=_(section.label), count=count))
            button.setAccessibleName(_("{section}: {count}").format(section=_(section.label), count=count))
        self._place_buttons()
        self.updated.setText("")
        if self.dates_shown:
            QTimer.singleShot(0, self, self._show_updated)
        self.next_heading.setText(_("What you can do"))
        self.tips[0].setText(
            _("• Search: type a word in the box at the top ({key}). Accents and capital letters do not matter.").format(
                key=keys.text(QKeySequence.Find)
            )
        )
        self.tips[1].setText(_("• Browse: choose a section on the left, or one of the buttons above."))
        self.tips[2].setText(_("• Keep: press “Add to favorites” on a record, and write your own notes about it."))
        self.tips[3].setText(
            _("• Update: plug in a USB drive with an AulaLocal update. A message appears at the top of the window.")
        )
        self.update_button.setText(_("Update from a drive or file…"))
        self.update_button.setAccessibleName(_("Update the catalog from a drive or a file"))

    def show_dates(self) -> None:
        self.dates_shown = True
        self._show_updated()
        self._clock.start()

    def _show_updated(self) -> None:
        self.updated.setText(self._updated_text())

    def _updated_text(self) -> str:
        if not self.catalogs:
            return _("The catalog is empty. Plug in a USB drive with an AulaLocal update to fill it.")
        # The content's own date (the bundle's "created"), not when this laptop took it in.
        times = [t for t in (content_date(c) for c in self.catalogs) if t]
        publishers = sorted({c.get("publisher") or c["catalog"] for c in self.catalogs})
        sources = _("Content from: {publishers}.").format(publishers=", ".join(publishers))
        if not times:
            return sources
        latest = max(times)
        updated = _("Last updated {ago} ({date}).").format(
            ago=i18n.format_ago(latest), date=i18n.format_date(latest)
        )
        return "{updated} {sources}".format(updated=updated, sources=sources)

    def _fonts(self) -> None:
        self.welcome.setFont(scaled_font(self.font(), 1.5, bold=True))
        for label in (self.holds, self.next_heading):
            label.setFont(scaled_font(self.font(), 1.15, bold=True))

    def _place_buttons(self) -> None:
        """As many columns of section buttons as the page's width holds (three, fewer at a large text size)."""
        widest = max(b.sizeHint().width() for b in self.section_buttons.values()) + self.grid.spacing()
        room = self.width() - 60  # the page's margins and a scroll bar (viewport() would load all of QtWidgets before the first paint)
        columns = max(1, min(3, room // max(widest, 1)))
        if columns == self._columns:
            return
        self._columns = columns
        for n, button in enumerate(self.section_buttons.values()):
            self.grid.removeWidget(button)
            self.grid.addWidget(button, n // columns, n % columns)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_buttons()

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.ApplicationFontChange, QEvent.FontChange):
            if event.type() == QEvent.ApplicationFontChange:
                self._fonts()
            QTimer.singleShot(0, self, self._place_buttons)  # not after the window is gone
        super().changeEvent(event)
