"""OpenDocument spreadsheets (.ods, LibreOffice), read with odfpy into a ``Book``.

odfpy's own ``load`` prints a part it cannot parse and goes on with what it
got; here its parser is run on the checked archive's parts with defusedxml
and any error stops the reading. Repeated rows and cells (LibreOffice writes
the empty rest of a sheet as one row repeated a million times) are counted,
not laid out, unless a value follows them; a repeated value counts against
the sheet's limits.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

from aulalocal.errors import N_
from aulalocal.sheets import require
from aulalocal.sheets.book import MAX_COLUMNS, MAX_ROWS, Book, Sheet, column_letter, one_problem, open_zip, too_large, unreadable
from aulalocal.sheets.cells import MAX_CELL_CHARS, ErrorValue, Formula

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_PARTS = ("styles.xml", "content.xml")


class _TooLong(Exception):
    pass


def read_ods(path: Path) -> Book:
    require("odf")
    require("defusedxml")
    with open_zip(path) as archive:
        try:
            mimetype = archive.read("mimetype")
        except KeyError:
            mimetype = b""
        if mimetype.strip() != MIMETYPE:
            raise one_problem(path, N_("the file is not an OpenDocument spreadsheet; save it again as .ods"))
        try:
            document = _load(archive)
        except Exception as exc:  # noqa: BLE001 - a hostile file may break the parser in any way
            raise unreadable(path, exc) from None
    from odf.namespaces import OFFICENS, TABLENS

    hidden = _hidden_table_styles(document)
    sheets = [
        _sheet(path, table, hidden)
        for body in document.body.childNodes if getattr(body, "qname", None) == (OFFICENS, "spreadsheet")
        for table in body.childNodes if getattr(table, "qname", None) == (TABLENS, "table")
    ]
    return Book(path, sheets, media_dir=path.parent / "media")


def _load(archive):
    from xml.sax import handler
    from xml.sax.xmlreader import InputSource

    from defusedxml.sax import make_parser
    from odf.load import LoadParser
    from odf.opendocument import OpenDocument

    document = OpenDocument(MIMETYPE.decode(), add_generator=False)
    names = set(archive.namelist())
    if "content.xml" not in names:
        raise KeyError("content.xml")
    for part in _PARTS:
        if part not in names:
            continue
        parser = make_parser()
        parser.setFeature(handler.feature_namespaces, 1)
        parser.setFeature(handler.feature_external_ges, 0)
        parser.setContentHandler(LoadParser(document))
        parser.setErrorHandler(handler.ErrorHandler())  # raises on any error
        source = InputSource()
        source.setByteStream(io.BytesIO(archive.read(part)))
        document._parsing = part
        parser.parse(source)
        del document._parsing
    return document


def _hidden_table_styles(document) -> set[str]:
    from odf.namespaces import STYLENS, TABLENS

    hidden = set()
    for styles in (document.automaticstyles, document.styles):
        for style in styles.childNodes:
            if getattr(style, "qname", None) != (STYLENS, "style") or style.getAttrNS(STYLENS, "family") != "table":
                continue
            for props in style.childNodes:
                if getattr(props, "qname", None) == (STYLENS, "table-properties") and props.getAttrNS(TABLENS, "display") == "false":
                    hidden.add(style.getAttrNS(STYLENS, "name"))
    return hidden


def _rows(element):
    """The table's rows in order, also those inside header-rows and row groups."""
    from odf.namespaces import TABLENS

    for child in element.childNodes:
        qname = getattr(child, "qname", None)
        if qname == (TABLENS, "table-row"):
            yield child
        elif qname in ((TABLENS, "table-header-rows"), (TABLENS, "table-row-group"), (TABLENS, "table-rows")):
            yield from _rows(child)


def _repeat(element, attribute: str) -> int:
    from odf.namespaces import TABLENS

    raw = element.getAttrNS(TABLENS, attribute)
    try:
        return max(1, int(raw)) if raw else 1
    except ValueError:
        return 1


def _sheet(path: Path, table, hidden_styles: set[str]) -> Sheet:
    from odf.namespaces import TABLENS

    name = table.getAttrNS(TABLENS, "name") or ""
    rows: list[list[object]] = []
    merged: list[str] = []
    pending_rows = 0  # empty rows not laid out yet: only if a value follows
    for row_element in _rows(table):
        times = _repeat(row_element, "number-rows-repeated")
        cells, spans = _cells(path, name, row_element, len(rows) + pending_rows + 1)
        if not cells:
            pending_rows += times
            continue
        if len(rows) + pending_rows + times > MAX_ROWS + 2:
            raise too_large(path, name, len(rows) + pending_rows + times, len(cells))
        rows.extend([] for _ in range(pending_rows))
        pending_rows = 0
        first = len(rows) + 1
        for _ in range(times):
            rows.append(list(cells))
        for column, across, down in spans:
            merged.append(f"{column_letter(column)}{first}:{column_letter(column + across - 1)}{first + down - 1}")
    style = table.getAttrNS(TABLENS, "style-name")
    return Sheet(name, rows, hidden=style in hidden_styles, merged=merged)


def _cells(path: Path, sheet: str, row_element, row_number: int):
    """The row's values (trailing empty cells dropped) and its merged cells as (column, across, down)."""
    from odf.namespaces import TABLENS

    values: list[object] = []
    spans = []
    pending = 0
    for cell in row_element.childNodes:
        qname = getattr(cell, "qname", None)
        if qname not in ((TABLENS, "table-cell"), (TABLENS, "covered-table-cell")):
            continue
        times = _repeat(cell, "number-columns-repeated")
        value = _value(path, sheet, row_number, len(values) + pending, cell) if qname[1] == "table-cell" else None
        across, down = _repeat(cell, "number-columns-spanned"), _repeat(cell, "number-rows-spanned")
        if value is None and across == down == 1:
            pending += times
            continue
        if len(values) + pending + times > MAX_COLUMNS:
            raise too_large(path, sheet, row_number, len(values) + pending + times)
        values.extend([None] * pending)
        pending = 0
        for _ in range(times):
            if across > 1 or down > 1:
                spans.append((len(values), across, down))
            values.append(value)
    return values, spans


def _value(path: Path, sheet: str, row: int, column: int, cell):
    from odf.namespaces import OFFICENS, TABLENS

    formula = cell.getAttrNS(TABLENS, "formula")
    if formula:
        return Formula(formula.split(":", 1)[1] if formula.startswith("of:") else formula)
    kind = cell.getAttrNS(OFFICENS, "value-type")
    try:
        if kind in ("float", "percentage", "currency"):
            number = float(cell.getAttrNS(OFFICENS, "value"))
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
        if kind == "date":
            raw = cell.getAttrNS(OFFICENS, "date-value")
            return datetime.fromisoformat(raw) if "T" in raw else date.fromisoformat(raw)
        if kind == "time":
            return timedelta(0)  # a time of day: refused where it is read (cells.text)
        if kind == "boolean":
            return cell.getAttrNS(OFFICENS, "boolean-value") == "true"
    except (TypeError, ValueError):
        return ErrorValue(str(cell.getAttrNS(OFFICENS, "value") or kind))
    try:
        text = _text(cell)
    except _TooLong:
        raise one_problem(path, N_("the cell holds more than {limit} characters"), sheet=sheet, row=row, column=column_letter(column), limit=MAX_CELL_CHARS) from None
    if kind == "string" and not text:
        text = cell.getAttrNS(OFFICENS, "string-value") or ""
    return text or None


def _text(cell) -> str:
    """A text cell's paragraphs, one per line; spaces, tabs and line breaks as written; notes left out."""
    from odf.namespaces import OFFICENS, TEXTNS

    parts: list[str] = []
    size = 0

    def add(text: str) -> None:
        nonlocal size
        size += len(text)
        if size > MAX_CELL_CHARS:
            raise _TooLong
        parts.append(text)

    def walk(node) -> None:
        for child in node.childNodes:
            qname = getattr(child, "qname", None)
            if qname is None:
                add(getattr(child, "data", ""))
            elif qname == (TEXTNS, "s"):
                raw = child.getAttrNS(TEXTNS, "c")
                count = int(raw) if raw and raw.isdigit() else 1
                add(" " * min(count, MAX_CELL_CHARS + 1))
            elif qname == (TEXTNS, "tab"):
                add("\t")
            elif qname == (TEXTNS, "line-break"):
                add("\n")
            elif qname in ((OFFICENS, "annotation"), (TEXTNS, "note")):
                continue
            else:
                walk(child)

    paragraphs = []
    for child in cell.childNodes:
        if getattr(child, "qname", None) in ((TEXTNS, "p"), (TEXTNS, "h")):
            parts = []
            walk(child)
            paragraphs.append("".join(parts))
    return "\n".join(paragraphs)
