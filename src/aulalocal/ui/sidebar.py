"""The sidebar's model: one row per section, named in the current language."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt

from aulalocal.i18n import gettext as _
from aulalocal.ui.roles import ValueRole
from aulalocal.ui.sections import SECTIONS, Section

# Plain ints, looked up once: the view asks for a dozen roles of every row at
# each layout pass, a few hundred calls before the first paint, and PySide6
# takes 4 µs to find a name like Qt.DisplayRole.
_TEXT_ROLES = frozenset(
    r.value for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole)
)
_ICON_ROLE = Qt.ItemDataRole.DecorationRole.value


class SectionModel(QAbstractListModel):
    def __init__(self, sections: tuple[Section, ...] = SECTIONS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sections = sections
        self._icons: dict[str, object] = {}

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.sections)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        section = self.sections[index.row()]
        if role in _TEXT_ROLES:
            return _(section.label)
        if role == _ICON_ROLE:
            return self._icon(section.icon)
        if role == ValueRole:
            return section.key
        return None

    def _icon(self, name: str):
        if name not in self._icons:
            from PySide6.QtWidgets import QApplication, QStyle

            from aulalocal.ui.theme import outlined_when_selected

            standard = QApplication.style().standardIcon(getattr(QStyle.StandardPixmap, name))
            self._icons[name] = outlined_when_selected(standard)
        return self._icons[name]

    def row_of(self, key: str) -> int:
        for n, section in enumerate(self.sections):
            if section.key == key:
                return n
        return -1

    def retranslate(self) -> None:
        self.dataChanged.emit(self.index(0), self.index(len(self.sections) - 1))
