"""The filters over a section's list: one drop-down per facet of the section, and Clear filters.

The values each facet takes in the section are read off the UI thread, again
when the catalog changes; the choice already made is kept when it still exists.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from aulalocal.i18n import gettext as _
from aulalocal.ui import worker
from aulalocal.ui.models import FacetModel
from aulalocal.ui.roles import ValueRole
from aulalocal.ui.sections import FACET_LABELS, Section


def _facet_values(db, kinds: tuple[str, ...]) -> dict[str, list[str]]:
    from aulalocal.catalog.search import facet_values

    values: dict[str, list[str]] = {}
    for kind in kinds:
        for facet, vals in facet_values(db, kind).items():
            values.setdefault(facet, [])
            values[facet] += [v for v in vals if v not in values[facet]]
    return values


class FilterBar(QWidget):
    changed = Signal()  # the teacher chose another value

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.section: Section | None = None
        self._applies = False
        self._serial = 0
        self._loaded = 0
        self.setObjectName("filterBar")
        self.setAttribute(Qt.WA_StyledBackground, True)  # a QWidget subclass draws its style sheet border only so
        # One drop-down a line: the list's column is narrow, and each "all" entry says what it filters.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.models: dict[str, FacetModel] = {}
        self.combos: dict[str, QComboBox] = {}
        for facet in FACET_LABELS:  # one combo per known facet, shown per section
            model = FacetModel(facet, self)
            combo = QComboBox()
            combo.setModel(model)
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
            combo.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
            combo.currentIndexChanged.connect(self._chosen)
            layout.addWidget(combo)
            self.models[facet] = model
            self.combos[facet] = combo
        # Under the drop-downs, the column's width, keeping its room while hidden: the list never jumps when it shows.
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(self._clear_clicked)
        policy = self.clear_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.clear_button.setSizePolicy(policy)
        layout.addWidget(self.clear_button)

    # -- what is shown ------------------------------------------------------
    def set_section(self, section: Section | None) -> None:
        """Another section: its facets, every one back to "all", their values read anew."""
        self.section = section
        for facet, combo in self.combos.items():
            combo.blockSignals(True)
            self.models[facet].set_values([])
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.reload()

    def set_applies(self, applies: bool) -> None:
        """Whether the filters apply to what the list shows (not to favorites or notes): shown or not."""
        self._applies = applies
        self._update()

    def active(self) -> dict[str, str]:
        """The value chosen for each of the section's facets that is filtered."""
        out = {}
        if self.section is None:
            return out
        for facet in self.section.facets:
            value = self.combos[facet].currentData(ValueRole)
            if value is not None:
                out[facet] = value
        return out

    def clear(self) -> bool:
        """Every facet back to "all"; True when one was filtered."""
        changed = False
        for combo in self.combos.values():
            if combo.currentIndex() != 0:
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
                changed = True
        return changed

    @property
    def pending(self) -> bool:
        return self._loaded != self._serial

    # -- values ---------------------------------------------------------------
    def reload(self) -> None:
        self._serial += 1
        serial = self._serial
        if self.section is None or not self.section.facets:
            self._loaded = serial
            return
        worker.QueryOp(self.state, _facet_values, self.section.kinds, owner=self).success(
            lambda values: self._arrived(serial, values)
        ).run()

    def _arrived(self, serial: int, values: dict[str, list[str]]) -> None:
        if serial != self._serial:
            return
        self._loaded = serial
        for facet, model in self.models.items():
            combo = self.combos[facet]
            current = combo.currentData(ValueRole)
            combo.blockSignals(True)
            model.set_values(values.get(facet, []))
            row = model.row_of(current)
            combo.setCurrentIndex(row if row >= 0 else 0)
            combo.blockSignals(False)
        self._update()

    def _chosen(self, _index: int) -> None:
        self.changed.emit()

    def _clear_clicked(self) -> None:
        if self.clear():
            self.changed.emit()

    def _update(self) -> None:
        facets = self.section.facets if self.section is not None and self._applies else ()
        self.setVisible(bool(facets))
        for facet, combo in self.combos.items():
            combo.setVisible(facet in facets)
        self.clear_button.setVisible(bool(self.active()))

    def retranslate(self) -> None:
        for facet, combo in self.combos.items():
            self.models[facet].retranslate()
            combo.setAccessibleName(_(FACET_LABELS[facet][0]))
            combo.setToolTip(_(FACET_LABELS[facet][0]))
        self.clear_button.setText(_("Clear filters"))
        self.clear_button.setAccessibleName(_("Clear filters"))
