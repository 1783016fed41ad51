"""Every text of a window that does not fit its widget, said in a line each.

A text fits when its width (the font's ``horizontalAdvance``, with the room
the style gives padding, borders, icons and arrows, asked of the style as
Qt itself asks it for a size hint) is no more than the room the widget has:
its own width, less what its parents cut off. A word-wrapped label fits
when its longest unbreakable word does and it is tall enough for its lines.
A window fits when it is no larger than the laptop's screen (1024x600).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QFontMetrics, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenuBar,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QStyleOptionGroupBox,
    QStyleOptionToolButton,
    QTabBar,
    QToolButton,
    QWidget,
)

SCREEN = QSize(1024, 600)


def name_of(widget: QWidget) -> str:
    """``QPushButton#primary in UpdateDialog#updateDialog``: the class, its name, and the nearest named parent."""
    def one(w: QWidget) -> str:
        return type(w).__name__ + (f"#{w.objectName()}" if w.objectName() else "")

    parent = widget.parentWidget()
    while parent is not None and not parent.objectName() and not parent.isWindow():
        parent = parent.parentWidget()
    return one(widget) + (f" in {one(parent)}" if parent is not None else "")


def shown_width(metrics: QFontMetrics, text: str, mnemonic: bool = True) -> int:
    """The widest line of ``text`` as drawn: ``&`` of a shortcut letter not drawn."""
    if mnemonic:
        return metrics.size(Qt.TextShowMnemonic, text).width()
    return max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)


def visible_width(widget: QWidget) -> int:
    """How much of the widget's width its parents (up to its window) leave visible."""
    top = widget.window()
    left = widget.mapTo(top, QPoint(0, 0)).x()
    right = left + widget.width()
    parent = None if widget.isWindow() else widget.parentWidget()
    while parent is not None:
        x = parent.mapTo(top, QPoint(0, 0)).x() if parent is not top else 0
        left, right = max(left, x), min(right, x + parent.width())
        parent = None if parent is top else parent.parentWidget()
    return max(0, right - left)


def _button_needs(button: QPushButton) -> QSize:
    """QPushButton::sizeHint, from the text shown: text, icon, menu arrow, then the style's box."""
    option = QStyleOptionButton()
    button.initStyleOption(option)
    metrics = button.fontMetrics()
    width = shown_width(metrics, button.text())
    height = metrics.size(Qt.TextShowMnemonic, button.text() or " ").height()
    if not button.icon().isNull():
        width += option.iconSize.width() + 4
    if button.menu() is not None:
        width += button.style().pixelMetric(QStyle.PM_MenuButtonIndicator, option, button)
    return button.style().sizeFromContents(QStyle.CT_PushButton, option, QSize(width, height), button)


def _tool_button_needs(button: QToolButton) -> QSize:
    """QToolButton::sizeHint, from the text shown (a space each side of it, as Qt adds)."""
    option = QStyleOptionToolButton()
    button.initStyleOption(option)  # a button without an icon shows its text, whatever its style says
    if option.toolButtonStyle == Qt.ToolButtonIconOnly:
        return QSize(0, 0)
    metrics = button.fontMetrics()
    text = metrics.size(Qt.TextShowMnemonic, button.text())
    text_width = text.width() + 2 * metrics.horizontalAdvance(" ")
    icon = option.iconSize
    if option.toolButtonStyle == Qt.ToolButtonTextBesideIcon:
        width, height = icon.width() + 4 + text_width, max(icon.height(), text.height())
    elif option.toolButtonStyle == Qt.ToolButtonTextUnderIcon:
        width, height = max(icon.width(), text_width), icon.height() + text.height() + 4
    else:
        width, height = text_width, text.height()
    option.rect.setSize(QSize(width, height))
    if button.popupMode() == QToolButton.MenuButtonPopup:
        width += button.style().pixelMetric(QStyle.PM_MenuButtonIndicator, option, button)
    return button.style().sizeFromContents(QStyle.CT_ToolButton, option, QSize(width, height), button)


def _check_needs(button: QAbstractButton) -> QSize:
    """QCheckBox's (QRadioButton's) sizeHint: its text and icon beside the box."""
    option = QStyleOptionButton()
    button.initStyleOption(option)
    metrics = button.fontMetrics()
    size = metrics.size(Qt.TextShowMnemonic, button.text())
    if not button.icon().isNull():
        size = QSize(size.width() + option.iconSize.width() + 4, max(size.height(), option.iconSize.height()))
    kind = QStyle.CT_CheckBox if isinstance(button, QCheckBox) else QStyle.CT_RadioButton
    return button.style().sizeFromContents(kind, option, size, button)


def _label_room(label: QLabel) -> int:
    room = label.contentsRect().width() - 2 * label.margin()
    indent = label.indent()
    if indent < 0 and label.frameWidth() > 0:
        indent = label.fontMetrics().horizontalAdvance("x") // 2
    if indent > 0 and label.alignment() & (Qt.AlignLeft | Qt.AlignRight):
        room -= indent
    return room


def longest_word(label: QLabel) -> int:
    """The widest piece of a wrapped label's text that cannot be broken onto two lines."""
    widest = 0
    for paragraph in label.text().split("\n"):
        layout = QTextLayout(paragraph, label.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(0)
            widest = max(widest, round(line.naturalTextWidth() + 0.49))
        layout.endLayout()
    return widest


def _clears(button: QToolButton) -> bool:
    action = button.defaultAction()
    return action is not None and action.objectName() == "_q_qlineeditclearaction"


def _rich(label: QLabel) -> bool:
    from PySide6.QtGui import Qt as GuiQt

    return label.textFormat() == Qt.RichText or (
        label.textFormat() == Qt.AutoText and GuiQt.mightBeRichText(label.text())
    )


class Finder:
    """Walks one window; ``problems`` holds a line for each text that does not fit."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[str] = []

    def say(self, widget: QWidget, text: str, why: str) -> None:
        self.problems.append(f"{self.where}: {name_of(widget)} “{text}”: {why}")

    def fits(self, widget: QWidget, text: str, needs: int, room: int | None = None) -> None:
        has = min(widget.width(), visible_width(widget)) if room is None else room
        if needs > has:
            cut = "" if widget.width() <= visible_width(widget) else f" (its parents show {visible_width(widget)} of {widget.width()} px)"
            self.say(widget, text, f"needs {needs} px, has {has}{cut}")

    def window(self, top: QWidget) -> None:
        if top.width() > SCREEN.width() or top.height() > SCREEN.height():
            self.say(top, top.windowTitle(), f"the window is {top.width()}x{top.height()}, larger than the screen ({SCREEN.width()}x{SCREEN.height()})")
        for widget in [top, *top.findChildren(QWidget)]:
            if widget.isVisible() and widget.window() is top:
                self.widget(widget)

    def widget(self, widget: QWidget) -> None:
        if isinstance(widget, QLabel):
            self.label(widget)
        elif isinstance(widget, QPushButton):
            if widget.text():
                self.button(widget, _button_needs(widget))
        elif isinstance(widget, QToolButton):
            if widget.text():  # an icon-only button without an icon shows its text
                self.button(widget, _tool_button_needs(widget))
        elif isinstance(widget, (QCheckBox, QRadioButton)):
            if widget.text():
                self.button(widget, _check_needs(widget))
        elif isinstance(widget, QComboBox):
            self.combo(widget)
        elif isinstance(widget, QTabBar):
            self.tabs(widget)
        elif isinstance(widget, QGroupBox):
            self.group(widget)
        elif isinstance(widget, QLineEdit):
            self.placeholder(widget)
        elif isinstance(widget, QMenuBar):
            self.menus(widget)

    def button(self, button: QAbstractButton, needs: QSize) -> None:
        """Its text and the style's box around it, across and down (a large font in a squeezed row)."""
        self.fits(button, button.text(), needs.width())
        if needs.height() > button.height():
            self.say(button, button.text(), f"needs {needs.height()} px of height, has {button.height()}")

    def label(self, label: QLabel) -> None:
        text = label.text()
        if not text or _rich(label):
            if text and not label.wordWrap() and label.sizeHint().width() > label.width():
                self.fits(label, text, label.sizeHint().width())  # rich text: Qt's own measure
            return
        room = min(_label_room(label), visible_width(label) - (label.width() - _label_room(label)))
        if label.wordWrap():
            self.fits(label, text, longest_word(label), room)
            needed = label.heightForWidth(label.width())
            if needed > label.height():
                self.say(label, text, f"its lines need {needed} px of height, it has {label.height()}")
        else:
            self.fits(label, text, shown_width(label.fontMetrics(), text, label.buddy() is not None), room)

    def combo(self, combo: QComboBox) -> None:
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(QStyle.CC_ComboBox, option, QStyle.SC_ComboBoxEditField, combo)
        needs = combo.fontMetrics().horizontalAdvance(combo.currentText())
        if not combo.itemIcon(combo.currentIndex()).isNull():
            needs += combo.iconSize().width() + 4
        room = field.width() - (combo.width() - min(combo.width(), visible_width(combo)))
        if combo.currentText():
            self.fits(combo, combo.currentText(), needs, room)
        self.popup(combo)

    def popup(self, combo: QComboBox) -> None:
        """Every entry of the drop-down list, opened as the teacher opens it.

        Qt widens the list to its widest entry as the combo box would draw it
        (QComboBoxPrivate::computeWidthHint), up to the screen's width, and
        elides what is wider still."""
        if combo.count() == 0:
            return
        combo.showPopup()
        QApplication.processEvents()
        try:
            frame = combo.view().window()
            option = QStyleOptionComboBox()
            combo.initStyleOption(option)
            metrics = combo.fontMetrics()
            for row in range(combo.count()):
                text = combo.itemText(row)
                width = metrics.horizontalAdvance(text)
                if not combo.itemIcon(row).isNull():
                    width += combo.iconSize().width() + 4
                needs = combo.style().sizeFromContents(QStyle.CT_ComboBox, option, QSize(width, 0), combo).width()
                if needs > frame.width() or frame.width() > SCREEN.width():
                    self.say(combo, text, f"in its drop-down list needs {needs} px, the list has {frame.width()} (the screen {SCREEN.width()})")
        finally:
            combo.hidePopup()
            QApplication.processEvents()

    def tabs(self, bar: QTabBar) -> None:
        for n in range(bar.count()):
            if not bar.isTabVisible(n):
                continue
            rect = bar.tabRect(n)
            needs = bar.tabSizeHint(n).width()
            if rect.right() >= bar.width() or rect.left() < 0:
                self.say(bar, bar.tabText(n), f"the tab lies outside its bar ({rect.left()}-{rect.right()} of {bar.width()} px)")
            elif needs > rect.width():
                self.say(bar, bar.tabText(n), f"needs {needs} px, its tab has {rect.width()}")

    def group(self, box: QGroupBox) -> None:
        if not box.title():
            return
        option = QStyleOptionGroupBox()
        box.initStyleOption(option)
        label = box.style().subControlRect(QStyle.CC_GroupBox, option, QStyle.SC_GroupBoxLabel, box)
        needs = shown_width(box.fontMetrics(), box.title())
        self.fits(box, box.title(), needs, min(label.width(), box.width() - label.left()))

    def placeholder(self, edit: QLineEdit) -> None:
        """The hint a line edit shows while empty, elided by Qt when the room is short."""
        text = edit.placeholderText()
        if not text or edit.text():
            return
        option = QStyleOptionFrame()
        edit.initStyleOption(option)
        style = edit.style()
        room = style.subElementRect(QStyle.SE_LineEditContents, option, edit).width()
        margins = edit.textMargins()
        room -= margins.left() + margins.right() + 2 * 2  # QLineEdit's own horizontal margin each side
        side = style.pixelMetric(QStyle.PM_LineEditIconSize, None, edit) + 6 + style.pixelMetric(QStyle.PM_LineEditIconMargin, None, edit)
        # Its icons beside the text take room; the clear button shows only over a text, never over the hint.
        icons = [b for b in edit.findChildren(QToolButton) if b.isVisibleTo(edit) and not _clears(b)]
        room -= side * len(icons)
        room -= edit.width() - min(edit.width(), visible_width(edit))
        self.fits(edit, text, edit.fontMetrics().horizontalAdvance(text), room)

    def menus(self, bar: QMenuBar) -> None:
        for action in bar.actions():
            if not action.isVisible():
                continue
            rect = bar.actionGeometry(action)
            if rect.isEmpty() or rect.right() >= bar.width():
                self.say(bar, action.text(), "the menu's title is past the menu bar's end (behind »)")
            menu = action.menu()
            if menu is not None and menu.sizeHint().width() > SCREEN.width():
                self.say(menu, action.text(), f"the menu is {menu.sizeHint().width()} px wide, wider than the screen")


def clipped(top: QWidget, where: str) -> list[str]:
    """Every text of ``top``'s visible widgets that does not fit, as ``where: widget “text”: why``."""
    QApplication.processEvents()
    finder = Finder(where)
    finder.window(top)
    return finder.problems
