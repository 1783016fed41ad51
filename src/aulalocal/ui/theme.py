"""Look of the app: Fusion style, a light or high-contrast palette, text size, ``resources/style.qss``, the window icon.

The style sheet only uses ``palette(...)`` colors, so switching the palette is
all high contrast needs; it never sets a font size, so the application font
(the text size setting) reaches every widget.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from aulalocal import paths
from aulalocal.appearance import DEFAULT_TEXT_SIZE, TEXT_SIZES

_LIGHT = {
    QPalette.Window: "#f3f1ea",
    QPalette.WindowText: "#1b1b1b",
    QPalette.Base: "#ffffff",
    QPalette.AlternateBase: "#f7f5ef",
    QPalette.Text: "#1b1b1b",
    QPalette.Button: "#e9e6dc",
    QPalette.ButtonText: "#1b1b1b",
    QPalette.Highlight: "#1d5fa3",
    QPalette.HighlightedText: "#ffffff",
    QPalette.Link: "#1d5fa3",
    QPalette.ToolTipBase: "#ffffdc",
    QPalette.ToolTipText: "#1b1b1b",
    QPalette.PlaceholderText: "#5d5d5d",
    QPalette.Mid: "#8a877d",
    QPalette.Midlight: "#d6d2c4",
    QPalette.Dark: "#6b685f",
    QPalette.BrightText: "#8b1a1a",
}
_LIGHT_DISABLED = "#7a776f"

_HIGH_CONTRAST = {
    QPalette.Window: "#000000",
    QPalette.WindowText: "#ffffff",
    QPalette.Base: "#000000",
    QPalette.AlternateBase: "#1a1a1a",
    QPalette.Text: "#ffffff",
    QPalette.Button: "#000000",
    QPalette.ButtonText: "#ffffff",
    QPalette.Highlight: "#ffd400",
    QPalette.HighlightedText: "#000000",
    QPalette.Link: "#7fd8ff",
    QPalette.ToolTipBase: "#000000",
    QPalette.ToolTipText: "#ffffff",
    QPalette.PlaceholderText: "#bdbdbd",
    QPalette.Mid: "#ffffff",
    QPalette.Midlight: "#ffffff",
    QPalette.Dark: "#ffffff",
    QPalette.BrightText: "#ffd400",
}
_HIGH_CONTRAST_DISABLED = "#b0b0b0"

_style_sheet: str | None = None


def style_sheet() -> str:
    global _style_sheet
    if _style_sheet is None:
        try:
            _style_sheet = (paths.resources_dir() / "style.qss").read_text(encoding="utf-8")
        except OSError:
            _style_sheet = ""  # a missing style sheet leaves Qt's look, never a crash
    return _style_sheet


def point_size(text_size: str) -> int:
    return TEXT_SIZES.get(text_size, TEXT_SIZES[DEFAULT_TEXT_SIZE])[1]


def palette(high_contrast: bool) -> QPalette:
    colors = _HIGH_CONTRAST if high_contrast else _LIGHT
    pal = QPalette()
    for role, color in colors.items():
        pal.setColor(QPalette.All, role, QColor(color))
    disabled = QColor(_HIGH_CONTRAST_DISABLED if high_contrast else _LIGHT_DISABLED)
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        pal.setColor(QPalette.Disabled, role, disabled)
    return pal


def apply_theme(app: QApplication, text_size: str, high_contrast: bool) -> None:
    """Font, palette and style sheet for the whole application."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSize(point_size(text_size))
    app.setFont(font)
    app.setPalette(palette(high_contrast))
    # Setting the sheet again re-resolves its palette(...) colors.
    app.setStyleSheet(style_sheet())


def set_window_icon(app: QApplication) -> None:
    """The app's icon in every size it ships in: the desktop picks one for the title and task bars."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        path = paths.resources_dir() / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "aulalocal.png"
        if path.is_file():
            icon.addFile(str(path))
    app.setWindowIcon(icon)


def outlined_when_selected(icon: QIcon) -> QIcon:
    """``icon`` as it is, and in a selected row drawn over a dark outline of its own shape, untinted.

    Qt tints a selected row's icon with the selection's color: on high
    contrast's yellow selection, the yellow warning sign of Digital safety
    vanished.
    """
    out = QIcon()
    # A sidebar's sizes (16 px, 32 on a dense screen); an icon theme's may be scalable, with no sizes listed.
    sizes = [size for size in icon.availableSizes() if size.width() <= 64] or [QSize(16, 16), QSize(32, 32)]
    for size in sizes:
        pixmap = icon.pixmap(size)
        shape = QPixmap(pixmap.size())
        shape.fill(Qt.transparent)
        painter = QPainter(shape)
        painter.drawPixmap(0, 0, pixmap)
        painter.setCompositionMode(QPainter.CompositionMode_SourceIn)
        painter.fillRect(shape.rect(), QColor("#000000"))
        painter.end()
        outlined = QPixmap(pixmap.size())
        outlined.fill(Qt.transparent)
        painter = QPainter(outlined)
        width = max(1, size.width() // 16)
        for dx in (-width, 0, width):
            for dy in (-width, 0, width):
                if dx or dy:
                    painter.drawPixmap(QPoint(dx, dy), shape)
        painter.drawPixmap(0, 0, pixmap)
        painter.end()
        out.addPixmap(pixmap, QIcon.Normal)
        out.addPixmap(outlined, QIcon.Selected)
    return out


def scaled_font(base: QFont, factor: float, bold: bool = False) -> QFont:
    """A heading font relative to the application font."""
    font = QFont(base)
    font.setPointSizeF(max(6.0, base.pointSizeF() * factor))
    font.setBold(bold)
    return font
