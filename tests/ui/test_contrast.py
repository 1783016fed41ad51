"""High contrast: every control's text stands out from its own background, and dialogs have an edge.

Each visible control is drawn (``QWidget.grab``) and the pixels inside its
text area compared: the background is the commonest colour there, the text
the colour farthest from it; their WCAG contrast ratio must reach 4.5 (3 for
a disabled control). The star is looked at both ways, in and out of the
favorites: checked, it was white on white.
"""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QLabel,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QWidget,
)

from aulalocal.ui.roles import ValueRole
from tests.ui.conftest import idle


def luminance(color: QColor) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())


def ratio(a: QColor, b: QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_contrast(widget: QWidget, area: QRect) -> float:
    """The contrast between the commonest colour of ``area`` of the drawn widget and the colour farthest from it."""
    image = widget.grab().toImage()
    area = area.intersected(image.rect())
    colors = Counter(
        image.pixel(x, y) for y in range(area.top(), area.bottom() + 1) for x in range(area.left(), area.right() + 1)
    )
    if not colors:
        return 21.0
    background = QColor(colors.most_common(1)[0][0])
    return max(ratio(background, QColor(rgb)) for rgb in colors)


def text_area(widget: QWidget) -> QRect | None:
    """Where the widget draws its text, inside its border and padding; None for a widget without text."""
    if isinstance(widget, QPushButton):
        if not widget.text():
            return None
        option = QStyleOptionButton()
        widget.initStyleOption(option)
        return widget.style().subElementRect(QStyle.SE_PushButtonContents, option, widget)
    if isinstance(widget, QCheckBox):
        return widget.contentsRect() if widget.text() else None
    if isinstance(widget, QLabel):
        return widget.contentsRect() if widget.text().strip() and not isinstance(widget.parent(), QAbstractButton) else None
    if isinstance(widget, QComboBox):
        return widget.rect().adjusted(4, 4, -24, -4) if widget.currentText() else None
    return None


def low_contrast(root: QWidget) -> list[tuple[str, str, float]]:
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) or widget.width() < 4 or widget.height() < 4:
            continue
        if isinstance(widget, QTabBar):
            for n in range(widget.count()):
                if widget.isTabVisible(n):
                    needed = 4.5 if widget.isTabEnabled(n) else 3.0
                    value = text_contrast(widget, widget.tabRect(n).adjusted(3, 3, -3, -3))
                    if value < needed:
                        found.append(("tab", widget.tabText(n), round(value, 2)))
            continue
        area = text_area(widget)
        if area is None or area.width() < 4 or area.height() < 4:
            continue
        needed = 4.5 if widget.isEnabled() else 3.0
        value = text_contrast(widget, area)
        if value < needed:
            text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
            found.append((type(widget).__name__, text, round(value, 2)))
    return found


@pytest.mark.parametrize("high_contrast", [True, False])
def test_every_control_is_legible_in_both_palettes(window, qtbot, seeded, high_contrast):
    window.state.set_high_contrast(high_contrast)
    key = seeded.catalog.execute("SELECT catalog, kind, id FROM records WHERE kind = 'program' LIMIT 1").fetchone()
    window.open_record(key[1], key[2], key[0])
    idle(qtbot, window)
    star = window.browse.detail.favorite_button
    for starred in (False, True):
        if star.isChecked() != starred:
            star.click()
            idle(qtbot, window)
        assert star.isChecked() == starred
        assert low_contrast(window) == [], ("starred" if starred else "not starred")
    window.go_to("home")
    idle(qtbot, window)
    assert low_contrast(window) == []
    window.state.set_high_contrast(False)


def test_dialogs_have_a_visible_edge_in_high_contrast(window, qtbot):
    from aulalocal.ui.settings import SettingsDialog

    window.state.set_high_contrast(True)
    dialog = SettingsDialog(window.state, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    image = dialog.grab().toImage()
    inside = QColor(image.pixel(image.width() // 2, image.height() - 6))  # below the buttons: the dialog's own background
    for x, y in ((0, image.height() // 2), (image.width() - 1, image.height() // 2), (image.width() // 2, 0)):
        assert ratio(QColor(image.pixel(x, y)), inside) >= 4.5, (x, y)
    assert not low_contrast(dialog)
    dialog.close()
    window.state.set_high_contrast(False)


@pytest.mark.parametrize("high_contrast", [True, False])
def test_a_selected_sections_icon_stands_out_from_the_selection(window, qtbot, high_contrast):
    """Qt tints a selected row's icon with the selection's colour: the yellow warning sign vanished on high contrast's yellow."""
    window.state.set_high_contrast(high_contrast)
    for key in ("safety", "programs", "favorites"):
        window.go_to(key)
        idle(qtbot, window)
        sidebar = window.sidebar
        index = sidebar.selectionModel().currentIndex()
        assert index.data(ValueRole) == key
        row = sidebar.visualRect(index)
        icon = sidebar.iconSize()
        # the icon's square, at the row's left, centred on its height
        area = QRect(row.left(), row.center().y() - icon.height() // 2, icon.width() + 8, icon.height())
        image = sidebar.viewport().grab().toImage()
        selection = QColor(sidebar.palette().color(QPalette.Highlight))
        strong = sum(
            ratio(QColor(image.pixel(x, y)), selection) >= 3.0
            for y in range(area.top(), area.bottom() + 1) for x in range(area.left(), area.right() + 1)
        )
        assert strong >= icon.width() * icon.height() // 8, (key, strong)
    window.state.set_high_contrast(False)


def test_an_icon_that_lists_no_sizes_still_gets_its_outline(qapp):
    """An icon theme's scalable icon lists no sizes: the sidebar's still has one, outlined when selected."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPixmap

    from aulalocal.ui.theme import outlined_when_selected

    class Scalable(QIconEngine):
        def paint(self, painter: QPainter, rect, _mode, _state) -> None:
            painter.fillRect(rect.adjusted(3, 3, -3, -3), QColor("#ffd400"))

        def pixmap(self, size, mode, state):
            pixmap = QPixmap(size)
            pixmap.fill(Qt.transparent)
            painter = QPainter(pixmap)
            self.paint(painter, pixmap.rect(), mode, state)
            painter.end()
            return pixmap

        def clone(self):
            return Scalable()

    engine = Scalable()
    scalable = QIcon(engine)
    assert scalable.availableSizes() == []
    icon = outlined_when_selected(scalable)
    selected = icon.pixmap(16, 16, QIcon.Selected).toImage()
    assert QColor(selected.pixel(8, 8)) == QColor("#ffd400")  # the icon itself, untinted
    outline = QColor.fromRgba(selected.pixel(2, 8))
    assert outline.alpha() == 255 and outline.lightness() == 0  # its outline
    assert QColor.fromRgba(icon.pixmap(16, 16).toImage().pixel(2, 8)).alpha() == 0  # not when unselected
