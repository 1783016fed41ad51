"""How one record is painted in a result list: title, kind, markers, snippet with matches in bold.

The snippet's highlighted words (between ``search.HIGHLIGHT`` markers) become
bold runs of a plain-text ``QTextLayout``: content is never parsed as HTML.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette, QPen, QTextCharFormat, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from aulalocal.i18n import gettext as _
from aulalocal.ui.models import split_highlight
from aulalocal.ui.roles import (
    FallbackRole,
    HasMetaRole,
    HasSnippetsRole,
    KindNameRole,
    RemovedRole,
    SnippetRole,
    TitleRole,
)

PAD = 8
TITLE_LINES = 2
SNIPPET_LINES = 2


def _title_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setBold(True)
    return font


def _small_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPointSizeF(max(7.0, base.pointSizeF() * 0.9))
    return font


def layout_text(text: str, runs: list[tuple[int, int]], font: QFont, width: int, max_lines: int) -> tuple[QTextLayout, float]:
    """A wrapped layout of at most ``max_lines`` lines, elided with "…"; bold ``runs``."""
    width = max(width, 20)
    bold = QTextCharFormat()
    bold.setFontWeight(QFont.Bold)

    def build(value: str) -> tuple[QTextLayout, float, bool]:
        layout = QTextLayout(value, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        ranges = []
        for start, length in runs:
            if start < len(value):
                fr = QTextLayout.FormatRange()
                fr.start, fr.length, fr.format = start, min(length, len(value) - start), bold
                ranges.append(fr)
        layout.setFormats(ranges)
        layout.beginLayout()
        y = 0.0
        count = 0
        overflow = False
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            if count == max_lines:
                overflow = True
                line.setLineWidth(width)
                line.setPosition(QPointF(0, y))
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0, y))
            y += line.height()
            count += 1
        layout.endLayout()
        return layout, y, overflow

    layout, height, overflow = build(text)
    if not overflow:
        return layout, height
    last = layout.lineAt(max_lines - 1)
    cut = last.textStart() + last.textLength()
    for _attempt in range(40):
        cut = max(0, cut - 2)
        candidate = text[:cut].rstrip() + "…"
        layout, height, overflow = build(candidate)
        if not overflow or cut == 0:
            break
    return layout, height


def _draw_layout(painter, layout: QTextLayout, x: float, y: float, max_lines: int) -> None:
    """Draw the first ``max_lines`` lines (an overflow line, if any, is never drawn)."""
    for n in range(min(layout.lineCount(), max_lines)):
        layout.lineAt(n).draw(painter, QPointF(x, y))


class RecordDelegate(QStyledItemDelegate):
    """Two lines of title, a line of kind and markers, and (in search lists) two lines of snippet."""

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        base = option.font
        title = QFontMetrics(_title_font(base)).lineSpacing()
        small = QFontMetrics(_small_font(base)).lineSpacing()
        height = PAD * 2 + TITLE_LINES * title
        if index.data(HasMetaRole):
            height += small + 2
        if index.data(HasSnippetsRole):
            height += SNIPPET_LINES * QFontMetrics(base).lineSpacing() + 2
        return QSize(max(option.rect.width(), 100), height)

    def paint(self, painter, option: QStyleOptionViewItem, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.CE_ItemViewItem, opt, painter, widget)

        selected = bool(opt.state & QStyle.State_Selected)
        palette = opt.palette
        text_color = palette.color(QPalette.HighlightedText if selected else QPalette.Text)
        meta_color = text_color if selected else palette.color(QPalette.PlaceholderText)
        rect = opt.rect.adjusted(PAD, PAD, -PAD, -PAD)
        width = rect.width()

        painter.save()
        painter.setPen(text_color)
        title_font = _title_font(opt.font)
        title_layout, _h = layout_text(index.data(TitleRole) or "", [], title_font, width, TITLE_LINES)
        y = rect.top()
        _draw_layout(painter, title_layout, rect.left(), y, TITLE_LINES)
        y += TITLE_LINES * QFontMetrics(title_font).lineSpacing() + 2

        small_font = _small_font(opt.font)
        meta = [index.data(KindNameRole) or ""] if index.data(HasMetaRole) else []
        if index.data(FallbackRole):
            meta.append(index.data(FallbackRole))
        removed = bool(index.data(RemovedRole))
        if removed:
            meta.append(_("(removed from the catalog)"))
        painter.setFont(small_font)
        painter.setPen(palette.color(QPalette.BrightText) if removed and not selected else meta_color)
        metrics = QFontMetrics(small_font)
        meta_text = metrics.elidedText(" · ".join(m for m in meta if m), Qt.ElideRight, width)
        painter.drawText(QRect(rect.left(), int(y), width, metrics.lineSpacing()), Qt.AlignLeft | Qt.AlignVCenter, meta_text)
        if index.data(HasMetaRole):
            y += metrics.lineSpacing() + 2

        if index.data(HasSnippetsRole):
            snippet = index.data(SnippetRole) or ""
            if snippet:
                text, runs = split_highlight(snippet)
                painter.setPen(text_color)
                layout, _h = layout_text(text, runs, opt.font, width, SNIPPET_LINES)
                _draw_layout(painter, layout, rect.left(), y, SNIPPET_LINES)

        painter.setPen(palette.color(QPalette.Midlight))
        painter.drawLine(opt.rect.left(), opt.rect.bottom(), opt.rect.right(), opt.rect.bottom())
        if opt.state & QStyle.State_HasFocus:
            pen = QPen(text_color if selected else palette.color(QPalette.Highlight))
            pen.setWidth(2)
            painter.setPen(pen)
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(opt.rect.adjusted(1, 1, -2, -2))
        painter.restore()
