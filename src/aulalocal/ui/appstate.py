"""The small app-wide object every view listens to: catalog changed, language, appearance.

Views never refresh each other: the operation that changed the catalog or
the teacher's data announces it here (``worker``, Anki's "operation did
change"), language and appearance are announced by their setters, and every
view updates itself.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from aulalocal import i18n
from aulalocal.appearance import DEFAULT_TEXT_SIZE, TEXT_SIZES
from aulalocal.catalog import userdata
from aulalocal.datafolder import DataFolder
from aulalocal.ui import theme


class AppState(QObject):
    catalogChanged = Signal()  # records were added, changed or removed
    userdataChanged = Signal()  # favorites or notes
    languageChanged = Signal(str)
    appearanceChanged = Signal()  # text size or contrast

    def __init__(
        self,
        folder: DataFolder,
        parent: QObject | None = None,
        *,
        text_size: str | None = None,
        high_contrast: bool | None = None,
    ) -> None:
        """``text_size`` and ``high_contrast`` (``--text-size``, ``--high-contrast``)
        show this session another look without saving it: the teacher's
        settings stay as they are until the teacher changes them."""
        super().__init__(parent)
        self.folder = folder
        self._busy = 0
        self._session_text_size = text_size if text_size in TEXT_SIZES else None
        self._session_high_contrast = high_contrast

    # -- where things are ---------------------------------------------------
    @property
    def catalog_path(self) -> Path:
        return self.folder.path / "catalog.db"

    # -- language -----------------------------------------------------------
    @property
    def lang(self) -> str:
        return i18n.current_language()

    def set_language(self, lang: str, save: bool = True) -> None:
        if lang not in i18n.LANGUAGES:
            return
        changed = lang != i18n.current_language()
        i18n.set_language(lang)
        if save:
            userdata.set_setting(self.folder.userdata, "language", lang)
        if changed:
            self.languageChanged.emit(lang)

    # -- appearance ---------------------------------------------------------
    @property
    def text_size(self) -> str:
        if self._session_text_size is not None:
            return self._session_text_size
        value = userdata.get_setting(self.folder.userdata, "text_size", DEFAULT_TEXT_SIZE)
        return value if value in TEXT_SIZES else DEFAULT_TEXT_SIZE

    @property
    def high_contrast(self) -> bool:
        if self._session_high_contrast is not None:
            return self._session_high_contrast
        return userdata.get_setting(self.folder.userdata, "high_contrast", "0") == "1"

    def set_text_size(self, size: str) -> None:
        if size in TEXT_SIZES:
            userdata.set_setting(self.folder.userdata, "text_size", size)
            self._session_text_size = None
            self.apply_appearance()

    def set_high_contrast(self, on: bool) -> None:
        userdata.set_setting(self.folder.userdata, "high_contrast", "1" if on else "0")
        self._session_high_contrast = None
        self.apply_appearance()

    def apply_appearance(self) -> None:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:
            theme.apply_theme(app, self.text_size, self.high_contrast)
        self.appearanceChanged.emit()

    # -- the window's dividers ---------------------------------------------
    def divider(self, name: str) -> float | None:
        """Where the teacher left the divider ``name``: the first pane's share of the room (None: not moved)."""
        try:
            share = float(userdata.get_setting(self.folder.userdata, f"divider.{name}", "") or "nan")
        except ValueError:
            return None
        return share if 0.0 < share < 1.0 else None

    def set_divider(self, name: str, share: float | None) -> None:
        value = "" if share is None else f"{min(max(share, 0.01), 0.99):.4f}"
        userdata.set_setting(self.folder.userdata, f"divider.{name}", value)

    # -- background work bookkeeping ---------------------------------------
    def work_started(self) -> None:
        self._busy += 1

    def work_finished(self) -> None:
        self._busy = max(0, self._busy - 1)

    @property
    def busy(self) -> bool:
        """Background work running (``--screenshot`` and the tests wait for none)."""
        return self._busy > 0
