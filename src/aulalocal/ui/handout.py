"""Handouts for parents: a record or the favorites list, printed or saved as an A4 PDF.

The document is built with QTextCursor (``recorddoc``), never from HTML; each
page gets a footer with the date in the chosen language.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRect, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication, QWidget

from aulalocal import i18n
from aulalocal.catalog.queries import Record
from aulalocal.errors import AulaLocalError, system_reason
from aulalocal.filenames import suggested_name
from aulalocal.fileio import write_atomically
from aulalocal.i18n import gettext as _
from aulalocal.i18n import localized
from aulalocal.ui.models import kind_name
from aulalocal.ui.recorddoc import DocWriter, write_record

HANDOUT_POINT_SIZE = 11
MARGIN_MM = 18


def _font() -> QFont:
    font = QFont(QApplication.font()) if QApplication.instance() else QFont()
    font.setPointSizeF(HANDOUT_POINT_SIZE)
    return font


def footer_text(lang: str | None = None) -> str:
    """"AulaLocal · 24 de noviembre de 2026 · page {page} of {pages}" (page numbers filled per page)."""
    return _("AulaLocal · {date} · page {page} of {pages}").replace("{date}", i18n.format_date(date.today(), lang))


def record_handout(record: Record, lang: str, related: list | None = None) -> QTextDocument:
    doc = QTextDocument()
    writer = DocWriter(doc, _font())
    write_record(writer, record, lang, related=related)
    return doc


def favorites_handout(state) -> QTextDocument:
    """The teacher's favorites: title, kind, summary and own note of each."""
    from aulalocal.catalog import userdata
    from aulalocal.catalog.queries import get_record

    lang = state.lang
    doc = QTextDocument()
    writer = DocWriter(doc, _font())
    writer.block(bottom=writer.size * 0.6)
    writer.text(_("My favorites"), bold=True, scale=1.6)
    items = userdata.favorites(state.folder.userdata)
    if not items:
        writer.block()
        writer.text(_("No favorites yet."))
    for item in items:
        record = get_record(state.folder.catalog, item.kind, item.id, item.catalog)
        title, used = localized(record.data.get("title") if record else item.title, lang)
        writer.heading(title or item.id, used if used != lang else None, scale=1.2)
        writer.block(bottom=writer.size * 0.3)
        writer.text(kind_name(item.kind), muted=True, scale=0.9)
        if record is None:
            writer.text("  ")
            writer.text(_("(removed from the catalog)"), italic=True, muted=True, scale=0.9)
        else:
            summary, used = localized(record.data.get("summary"), lang)
            if summary:
                writer.paragraphs(summary)
                writer.marker(used if used != lang else None)
        note = userdata.get_note(state.folder.userdata, item.catalog, item.kind, item.id)
        if note.strip():
            writer.block(bottom=writer.size * 0.3)
            writer.text(_("My note:"), bold=True)
            writer.text(" ")
            writer.text(note.strip())
    return doc


# How far a handout may shrink to end on one page instead of spilling a few
# lines onto a second: 11 pt text down to about 9.5 pt, still easy to read.
FIT_SCALES = (1.0, 0.96, 0.92, 0.88)


def _body(device, footer_height: int):
    area = device.pageLayout().paintRectPixels(device.resolution())
    return area.width(), area.height() - footer_height


def page_count(doc: QTextDocument, device, footer_height: int = 0, scale: float = 1.0) -> int:
    """How many pages ``doc`` takes on ``device`` with its text at ``scale``."""
    width, height = _body(device, footer_height)
    doc.documentLayout().setPaintDevice(device)
    doc.setPageSize(QSizeF(width / scale, height / scale))
    return max(1, doc.pageCount())


def fitting_scale(doc: QTextDocument, device, footer_height: int = 0) -> float:
    """1.0, or the least shrinking that keeps a document of more than one page on one page."""
    if page_count(doc, device, footer_height) == 1:
        return 1.0
    return next((s for s in FIT_SCALES[1:] if page_count(doc, device, footer_height, s) == 1), 1.0)


def paint_document(doc: QTextDocument, device, footer: str) -> int:
    """Lay out ``doc`` on the pages of ``device`` (QPdfWriter or QPrinter) with a footer; returns pages.

    A document that would spill a few lines onto a second page is set a
    little smaller, to fit one (``FIT_SCALES``); a longer one keeps its size.
    """
    source = doc  # keeps the original alive while its clone is used
    doc = source.clone(source)
    footer_font = _font()
    footer_font.setPointSizeF(8.5)
    footer_height = int(QFontMetrics(footer_font, device).lineSpacing() * 2.2)
    width, body_height = _body(device, footer_height)
    scale = fitting_scale(doc, device, footer_height)
    pages = page_count(doc, device, footer_height, scale)
    page_height = body_height / scale
    painter = QPainter(device)
    try:
        for page in range(pages):
            if page:
                device.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.translate(0, -page * page_height)
            doc.drawContents(painter, QRectF(0, page * page_height, width / scale, page_height))
            painter.restore()
            painter.setFont(footer_font)
            painter.setPen(Qt.darkGray)
            painter.drawText(
                QRect(0, body_height, width, footer_height),
                Qt.AlignHCenter | Qt.AlignBottom,
                footer.format(page=page + 1, pages=pages),
            )
    finally:
        painter.end()
        del source
    return pages


def _a4(device) -> None:
    device.setPageSize(QPageSize(QPageSize.A4))
    device.setPageMargins(QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Millimeter)


def write_pdf(doc: QTextDocument, path: str | Path, title: str = "") -> Path:
    """Save ``doc`` as an A4 PDF handout.

    Made in memory (a handout is a few pages), then written as every file
    AulaLocal writes (``fileio``): never through a link found at ``path``.
    """
    path = Path(path)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(300)
    writer.setCreator("AulaLocal")
    if title:
        writer.setTitle(title)
    _a4(writer)
    paint_document(doc, writer, footer_text())
    del writer  # the PDF is complete once the writer is gone
    write_atomically(path, [bytes(buffer.data())])
    return path


def print_document(parent: QWidget | None, doc: QTextDocument, title: str = "", lang: str | None = None) -> bool:
    """Print on the laptop's printer; a laptop without one is asked where to save the PDF instead.

    Qt's print dialog without a printer offers only "print to file", into
    the folder the program runs from: the same question as Save as PDF is
    the one a teacher can answer.
    """
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo

    if not QPrinterInfo.availablePrinterNames():
        return save_pdf_dialog(parent, doc, title, lang) is not None
    printer = QPrinter(QPrinter.HighResolution)
    _a4(printer)
    printer.setDocName(title or "AulaLocal")
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print"))
    if dialog.exec() != QPrintDialog.Accepted:
        return False
    paint_document(doc, printer, footer_text())
    return True


def save_pdf_dialog(parent: QWidget | None, doc: QTextDocument, title: str, lang: str | None = None) -> Path | None:
    """Ask where (the title's words suggested, with the handout's language), save, then say where it went."""
    from aulalocal.ui.dialogs import message, saved
    from aulalocal.ui.filedialogs import ask_pdf_path

    name = ask_pdf_path(parent, suggested_name(title, "pdf", lang or i18n.current_language()))
    if not name:
        return None
    try:
        path = write_pdf(doc, name, title)
    except OSError as exc:
        message(parent, "critical", _("The PDF could not be saved: {reason}").format(reason=system_reason(exc)))
        return None
    except AulaLocalError as exc:  # something in the way of the file: said as it is
        message(parent, "critical", exc.message())
        return None
    saved(parent, _("The handout was saved as {name}.").format(name=path.name), path.parent)
    return path


def _record_title(record: Record, lang: str) -> str:
    return localized(record.data.get("title"), lang)[0] or record.id


def print_record(parent, record: Record, lang: str, related: list | None = None) -> bool:
    return print_document(parent, record_handout(record, lang, related), _record_title(record, lang), lang)


def save_record_pdf(parent, record: Record, lang: str, related: list | None = None) -> Path | None:
    return save_pdf_dialog(parent, record_handout(record, lang, related), _record_title(record, lang), lang)


def print_favorites(parent, state) -> bool:
    return print_document(parent, favorites_handout(state), _("My favorites"), state.lang)


def save_favorites_pdf(parent, state) -> Path | None:
    return save_pdf_dialog(parent, favorites_handout(state), _("My favorites"), state.lang)
