"""The bundles a drive holds (or another computer offers), as a list model: who sent each, its number, what it would do here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from aulalocal.i18n import gettext as _


def update_name(sequence: int, publisher: str | None) -> str:
    """An update as a teacher reads it: its number and, once its signature is checked, who published it."""
    if publisher:
        return _("Update number {sequence} from {publisher}").format(sequence=sequence, publisher=publisher)
    return _("Update number {sequence}").format(sequence=sequence)


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
                head = update_name(bundle.sequence, bundle.publisher)
            else:  # not checked yet: its file is all there is to name it by
                head = Path(bundle.path).name
            return "{head}\n{state}".format(head=head, state=bundle.message)
        return None

    def set_bundles(self, bundles: list) -> None:
        self.beginResetModel()
        self._bundles = list(bundles)
        self.endResetModel()

    def bundles(self) -> list:
        return list(self._bundles)
