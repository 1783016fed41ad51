"""The bundles a drive holds (or another computer offers), as a list model: who sent each, its number, what it would do here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from aulalocal.i18n import gettext as _


class BundleListModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._bundles: list = []

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._bundles)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        bundle = self._bundles[index.row()]
        if role in (Qt.DisplayRole, Qt.AccessibleTextRole):
            if bundle.catalog:
                head = _("{catalog} number {sequence}, from {publisher}").format(
                    catalog=bundle.catalog, sequence=bundle.sequence, publisher=bundle.publisher or "?"
                )
            else:
                head = Path(bundle.path).name
            return "{head}\n{state}".format(head=head, state=bundle.message)
        return None

    def set_bundles(self, bundles: list) -> None:
        self.beginResetModel()
        self._bundles = list(bundles)
        self.endResetModel()

    def bundles(self) -> list:
        return list(self._bundles)
