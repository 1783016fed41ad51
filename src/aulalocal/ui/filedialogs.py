"""Every question for a file or a folder the window asks: where to read an update, where to write.

The callers suggest the file's name; these say where the dialog starts and
add the file's extension when the teacher left it out.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from aulalocal.i18n import gettext as _


def _documents() -> Path:
    from PySide6.QtCore import QStandardPaths

    return Path(QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home()))


def choose_bundle_file(parent: QWidget | None) -> Path | None:
    name, _filter = QFileDialog.getOpenFileName(
        parent, _("Open bundle file"), str(Path.home()), _("AulaLocal updates (*.aulabundle)")
    )
    return Path(name) if name else None


def choose_drive(parent: QWidget | None) -> Path | None:
    """The drive (or a folder on it) to copy updates to."""
    folder = QFileDialog.getExistingDirectory(parent, _("Choose the USB drive"), str(Path.home()))
    return Path(folder) if folder else None


def _save_path(parent: QWidget | None, caption: str, name: str, filters: str, extension: str) -> str | None:
    path, _filter = QFileDialog.getSaveFileName(parent, caption, str(_documents() / name), filters)
    if not path:
        return None
    if not path.lower().endswith("." + extension):
        path += "." + extension
    return path


def ask_pdf_path(parent: QWidget | None, name: str) -> str | None:
    """Where to save a handout, ``name`` suggested, in the teacher's documents."""
    return _save_path(parent, _("Save as PDF"), name, _("PDF files (*.pdf)"), "pdf")


def ask_audio_path(parent: QWidget | None, name: str, fmt: str) -> str | None:
    """Where to save a reading for a parent's phone (``fmt``: "mp3" or "wav")."""
    filters = _("MP3 audio, for phones (*.mp3)") if fmt == "mp3" else _("WAV audio (*.wav)")
    return _save_path(parent, _("Save for a parent's phone"), name, filters, fmt)
