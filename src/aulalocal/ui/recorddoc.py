"""A record (or the favorites list) as a QTextDocument, for the detail view and handouts.

Built only with QTextCursor.insertText and char/block formats: record text is
plain text and is never parsed as HTML or rich text (``<b>`` stays ``<b>``).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument

from aulalocal.catalog.queries import Record
from aulalocal.i18n import gettext as _
from aulalocal.recordtext import record_sections
from aulalocal.ui.models import fallback_marker, kind_name

LINKS_HEADING = "Links (no internet needed to read this; open only when connected)"
LINE_SEPARATOR = "\u2028"


class DocWriter:
    """Appends headed, plain-text paragraphs to a document."""

    def __init__(self, doc: QTextDocument, font: QFont, muted: QColor | None = None, text: QColor | None = None) -> None:
        self.doc = doc
        self.font = font
        self.size = font.pointSizeF() if font.pointSizeF() > 0 else 11.0
        self.muted = muted or QColor("#555555")
        self.color = text
        self.cursor = QTextCursor(doc)
        self._first = True
        self.section_ends: list[int] = []  # where each headed section's text ends, in document positions
        doc.setDefaultFont(font)

    def block(self, top: float = 0, bottom: float = 0, indent: int = 0) -> None:
        fmt = QTextBlockFormat()
        fmt.setTopMargin(top)
        fmt.setBottomMargin(bottom)
        fmt.setIndent(indent)
        if self._first:
            self.cursor.setBlockFormat(fmt)
            self._first = False
        else:
            self.cursor.insertBlock(fmt)

    def text(self, value: str, *, bold: bool = False, scale: float = 1.0, italic: bool = False, muted: bool = False) -> None:
        fmt = QTextCharFormat()
        fmt.setFontFamilies(self.font.families())
        fmt.setFontPointSize(self.size * scale)
        fmt.setFontWeight(QFont.Bold if bold else QFont.Normal)
        fmt.setFontItalic(italic)
        if muted:
            fmt.setForeground(self.muted)
        elif self.color is not None:
            fmt.setForeground(self.color)
        # Plain text only; single newlines stay inside the paragraph.
        self.cursor.insertText(value.replace("\r", "").replace("\n", LINE_SEPARATOR), fmt)

    def marker(self, lang: str | None) -> None:
        if lang:
            self.text("  ")
            self.text(fallback_marker(lang), italic=True, muted=True, scale=0.85)

    def heading(self, value: str, fallback: str | None = None, scale: float = 1.15) -> None:
        self.block(top=self.size * 1.1, bottom=self.size * 0.3)
        self.text(value, bold=True, scale=scale)
        self.marker(fallback)

    def paragraphs(self, value: str) -> None:
        for paragraph in value.replace("\r\n", "\n").split("\n\n"):
            if paragraph.strip():
                self.block(bottom=self.size * 0.5)
                self.text(paragraph.strip("\n"))


def write_record(
    writer: DocWriter,
    record: Record,
    lang: str,
    *,
    related: list | None = None,
    with_title: bool = True,
    with_links_section: bool = True,
    summary_heading: bool = True,
) -> None:
    sections = record_sections(record, lang)
    _empty, title, title_fallback = sections[0]
    if with_title:
        writer.block(bottom=writer.size * 0.2)
        writer.text(title, bold=True, scale=1.6)
        writer.marker(title_fallback)
        writer.block(bottom=writer.size * 0.4)
        writer.text(kind_name(record.kind), muted=True, scale=0.9)
    links_heading = _(LINKS_HEADING)
    for number, (heading, body, fallback) in enumerate(sections[1:]):
        if heading == links_heading and not with_links_section:
            continue
        headed = number > 0 or summary_heading  # else the summary leads, right under the title
        if headed:
            writer.heading(heading, fallback)
        writer.paragraphs(body)
        if not headed:
            writer.marker(fallback)
        writer.section_ends.append(writer.cursor.position())
    if related:
        available = [r for r in related if r.title is not None]
        if available:
            writer.heading(_("Related"))
            for item in available:
                writer.block(bottom=writer.size * 0.2)
                writer.text("• ")
                writer.text(_("{kind}: {title}").format(kind=kind_name(item.kind), title=item.title))
