"""Custom item data roles shared by the models, the sidebar and the delegate.

A module of their own: the sidebar needs one before the first paint, the
result models (and the catalog search they import) are needed only after it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

TitleRole = Qt.UserRole + 1
KindRole = Qt.UserRole + 2
KindNameRole = Qt.UserRole + 3
SnippetRole = Qt.UserRole + 4
FallbackRole = Qt.UserRole + 5  # "(in Spanish)" when the title fell back, else ""
RemovedRole = Qt.UserRole + 6
KeyRole = Qt.UserRole + 7  # (catalog, kind, id)
RowRole = Qt.UserRole + 8
HasSnippetsRole = Qt.UserRole + 9  # the whole list shows snippet lines
ValueRole = Qt.UserRole + 10  # a section key, a facet value, a link address
HasMetaRole = Qt.UserRole + 11  # the whole list shows a line of kind and markers
