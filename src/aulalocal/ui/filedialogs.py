"""Every question for a file or a folder the window asks: where to read an update, where to write.

Each question starts where a teacher looks: on the plugged-in drive for an
update or for copying updates, in Documents for a handout or a recording
(the home folder where there is no Documents folder), never in the folder
the program runs from. Qt's own dialog, the one a Linux laptop without a
desktop's dialog shows, lists the drives, Documents and the home folder on
its side; its words come from translations/qt/ (``app._install_qt_translator``).

The callers suggest the file's name (``aulalocal.filenames``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QSize, QStandardPaths, QUrl
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from aulalocal.i18n import gettext as _

TITLE_BAR = 40  # what the desktop adds above a window, left of the screen's height


def documents() -> Path:
    """The teacher's Documents folder, or the home folder where there is none."""
    location = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    if location and Path(location).is_dir():
        return Path(location)
    return Path.home()


def drive_folder() -> Path | None:
    """Where this system mounts USB drives (``/media/ana``), when no drive is plugged in yet."""
    if sys.platform.startswith("linux"):
        user = os.environ.get("USER") or Path.home().name
        for folder in (Path("/media") / user, Path("/run/media") / user, Path("/media")):
            if folder.is_dir():
                return folder
    return None


def places(drives: Iterable[Path]) -> list[QUrl]:
    """The side of Qt's own dialog: the drives, then Documents and the home folder."""
    places: list[Path] = []
    for place in [*drives, documents(), Path.home()]:
        if place not in places and Path(place).is_dir():
            places.append(Path(place))
    return [QUrl.fromLocalFile(str(p)) for p in places]


def fit_to_screen(dialog: QFileDialog) -> None:
    """Room for the words at the text size (the file type, the columns, the buttons), within the screen.

    Qt's dialog opens at the size it holds at the normal text size: at the
    largest one, the file type's name and the columns were cut."""
    metrics = dialog.fontMetrics()
    wanted = QSize(metrics.averageCharWidth() * 96, metrics.lineSpacing() * 24).expandedTo(dialog.sizeHint())
    screen = dialog.screen().availableGeometry().size() - QSize(0, TITLE_BAR)
    dialog.resize(wanted.boundedTo(screen))


def _ask(dialog: QFileDialog, drives: Iterable[Path]) -> str | None:
    dialog.setSidebarUrls(places(drives))
    fit_to_screen(dialog)
    if dialog.exec() != QDialog.Accepted:
        return None
    chosen = dialog.selectedFiles()
    return chosen[0] if chosen else None


def _first_drive(drives: Iterable[Path]) -> Path | None:
    return next((Path(d) for d in drives if Path(d).is_dir()), None)


def _plugged_in(drives: Iterable[Path] | None) -> list[Path]:
    """The drives given, or those plugged in now."""
    if drives is not None:
        return [Path(d) for d in drives]
    from aulalocal.ui.drivewatcher import plugged_in

    return plugged_in(Path.home())


def choose_bundle_file(parent: QWidget | None, drives: Iterable[Path] | None = None) -> Path | None:
    """An update file, looked for on the plugged-in drive (else in Documents)."""
    drives = _plugged_in(drives)
    start = _first_drive(drives) or documents()
    dialog = QFileDialog(parent, _("Open bundle file"), str(start), _("AulaLocal updates (*.aulabundle)"))
    dialog.setFileMode(QFileDialog.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptOpen)
    name = _ask(dialog, drives)
    return Path(name) if name else None


def choose_drive(parent: QWidget | None, drives: Iterable[Path] | None = None) -> Path | None:
    """The drive (or a folder on it) to copy updates to, starting on the plugged-in one."""
    drives = _plugged_in(drives)
    start = _first_drive(drives) or drive_folder() or documents()
    dialog = QFileDialog(parent, _("Choose the USB drive"), str(start))
    dialog.setFileMode(QFileDialog.Directory)
    dialog.setOption(QFileDialog.ShowDirsOnly, True)
    dialog.setAcceptMode(QFileDialog.AcceptOpen)
    folder = _ask(dialog, drives)
    return Path(folder) if folder else None


def save_dialog(parent: QWidget | None, caption: str, name: str, filters: str, extension: str) -> QFileDialog:
    """The question of a save, not asked yet: in Documents, ``name`` suggested."""
    dialog = QFileDialog(parent, caption, str(documents()), filters)
    dialog.setAcceptMode(QFileDialog.AcceptSave)
    dialog.setFileMode(QFileDialog.AnyFile)
    dialog.setDefaultSuffix(extension)  # so Qt asks before replacing "hoja.pdf" typed as "hoja"
    dialog.selectFile(name)
    return dialog


def _save_path(parent: QWidget | None, caption: str, name: str, filters: str, extension: str, drives: Iterable[Path] | None) -> str | None:
    path = _ask(save_dialog(parent, caption, name, filters, extension), _plugged_in(drives))
    if not path:
        return None
    if not path.lower().endswith("." + extension):
        path += "." + extension
        if Path(path).exists() and not _replace(parent, Path(path)):
            return None
    return path


def _replace(parent: QWidget | None, path: Path) -> bool:
    from aulalocal.ui.dialogs import confirm

    return confirm(
        parent, _("{name} already exists in {folder}. Replace it?").format(name=path.name, folder=str(path.parent)),
        _("Replace"), _("Cancel"),
    )


def ask_pdf_path(parent: QWidget | None, name: str, drives: Iterable[Path] | None = None) -> str | None:
    """Where to save a handout, ``name`` suggested, in the teacher's documents."""
    return _save_path(parent, _("Save as PDF"), name, _("PDF files (*.pdf)"), "pdf", drives)


def ask_audio_path(parent: QWidget | None, name: str, fmt: str, drives: Iterable[Path] | None = None) -> str | None:
    """Where to save a reading for a parent's phone (``fmt``: "mp3" or "wav")."""
    filters = _("MP3 audio, for phones (*.mp3)") if fmt == "mp3" else _("WAV audio (*.wav)")
    return _save_path(parent, _("Save for a parent's phone"), name, filters, fmt, drives)
