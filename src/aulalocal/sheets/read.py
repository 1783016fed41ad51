"""A workbook (or a folder of CSV files) read into the records a source folder holds.

``open_source`` reads the file with the reader its kind needs and gives a
``SheetSource``, which ``bundle.build`` takes as it takes a source folder: the
same records, then the same validation. Every problem is collected, each
naming its sheet, row and column, and raised together (``SheetProblems``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aulalocal.bundle.source import SourceInfo
from aulalocal.errors import N_, UsageError, message
from aulalocal.sheets import cells, header, names
from aulalocal.sheets.book import Book, Problems, Sheet, column_letter
from aulalocal.sheets.cells import CellProblem
from aulalocal.sheets.layout import ID, NOTE, KindSheet, RowProblems, kind_sheets



@dataclass
class SheetRecord:
    kind: str
    id: str
    data: dict
    sheet: str
    row: int

    @property
    def where(self) -> str:
        return message(N_("{sheet}, row {row}"), sheet=self.sheet, row=self.row)


class SheetSource:
    """A workbook's catalog as ``bundle.build`` reads a source: ``read_info()``, ``records()``, ``media_dir``."""

    def __init__(self, path: Path, head: header.Header, records: list[SheetRecord], media_dir: Path | None) -> None:
        self.path = path
        self.header = head
        self.sheet_records = records
        self.media_dir = media_dir

    def read_info(self) -> SourceInfo:
        # A workbook has no sequence: ``bundle build --sequence`` gives it.
        h = self.header
        return SourceInfo(h.catalog, 0, h.publisher, h.created, list(h.languages))

    def records(self):
        for r in self.sheet_records:
            yield r.kind, r.id, r.data, r.where


def is_sheet_source(path: Path) -> bool:
    """Anything but a source folder (a folder with catalog.json): a workbook, a folder of CSV files, or what ``read_book`` refuses."""
    return not (path.is_dir() and (path / "catalog.json").exists())


def read_book(path: Path) -> Book:
    """The workbook at ``path`` as rows of cells, by the reader its kind needs."""
    suffix = path.suffix.lower()
    if path.is_dir():
        from aulalocal.sheets.csvfiles import read_csv_folder

        if not any(p.suffix.lower() == ".csv" for p in path.iterdir()):
            raise UsageError(N_("{path} holds neither catalog.json (a source folder) nor .csv files (a workbook saved as CSV)."), path=str(path))
        return read_csv_folder(path)
    if suffix == ".xlsx":
        from aulalocal.sheets.xlsx import read_xlsx

        return read_xlsx(path)
    if suffix == ".ods":
        from aulalocal.sheets.ods import read_ods

        return read_ods(path)
    if suffix == ".csv":
        raise UsageError(N_("{path}: give the folder that holds the CSV files (one per sheet), not one file."), path=str(path))
    if not path.exists():
        raise UsageError(N_("{path} does not exist."), path=str(path))
    raise UsageError(N_("{path} is not a workbook AulaLocal reads: .xlsx, .ods, or a folder of .csv files (save .xls files as .xlsx)."), path=str(path))


def open_source(path: Path, keep_going: bool = False) -> SheetSource:
    source, problems = read_source(read_book(path), keep_going)
    if problems and not keep_going:
        raise problems.error()
    return source


def read_source(book: Book, keep_going: bool = False) -> tuple[SheetSource | None, Problems]:
    """The book's header and records, and every problem found.

    ``keep_going``: the records of the rows that could be read even when
    others could not (a translator's to-do list of a workbook still in work).
    """
    problems = Problems(book.path)
    layouts = kind_sheets()
    head_sheet: Sheet | None = None
    by_kind: dict[str, Sheet] = {}
    known = [names.header_name(), *(names.sheet_name(k) for k in layouts)]
    for sheet in book.sheets:
        if names.is_note(sheet.name):
            continue
        role = names.recognize(sheet.name)
        if role is None:
            problems.add(N_("not a sheet AulaLocal knows (the sheets are {names}): rename it, or start its name with # to keep it as notes"), sheet=sheet.name, names=", ".join(known))
            continue
        if role == names.LISTS:
            continue  # the values of the drop-down lists: written for the publisher, not read
        if sheet.hidden:
            problems.add(N_("the sheet is hidden: show it (or delete it); its records would be published without anyone seeing them"), sheet=sheet.name)
        for cells_range in sheet.merged:
            problems.add(N_("merged cells {range}: unmerge them, each cell holds one value"), sheet=sheet.name, range=cells_range)
        earlier = head_sheet if role == names.HEADER else by_kind.get(role)
        if earlier is not None:
            problems.add(N_("a second sheet for the same records as {other}: keep one"), sheet=sheet.name, other=earlier.name)
            continue
        if role == names.HEADER:
            head_sheet = sheet
        else:
            by_kind[role] = sheet
    head = None
    if head_sheet is None:
        problems.add(N_("the workbook has no catalog sheet ({name}, with the catalog id, publisher and languages)"), name=names.header_name())
    else:
        head = _read_header(head_sheet, problems)
    records: list[SheetRecord] = []
    languages = head.languages if head else None
    for name in layouts:
        if name in by_kind:
            records.extend(_read_kind(by_kind[name], layouts[name], languages, problems))
    if head is None:
        return None, problems
    return SheetSource(book.path, head, records, book.media_dir), problems


def _header_names(sheet: Sheet, problems: Problems) -> list[str | None]:
    """Row 1's column names, lowercased; None for an empty or a note ("#") column."""
    found: list[str | None] = []
    seen: dict[str, str] = {}
    twice: set[int] = set()
    for index, cell in enumerate(sheet.rows[0] if sheet.rows else []):
        letter = column_letter(index)
        try:
            name = cells.text(cell, letter)
        except CellProblem as problem:
            problems.add(problem.template, sheet=sheet.name, row=1, column=letter, **problem.params)
            name = None
        if name is not None:
            name = name.lower()
            if name.startswith(NOTE):
                name = None
            elif name in seen:
                problems.add(N_("the column {name} is there twice (columns {first} and {second})"), sheet=sheet.name, row=1, column=name, name=name, first=seen[name], second=letter)
                name = None
                twice.add(index)
            else:
                seen[name] = letter
        found.append(name)
    for index, name in enumerate(found):
        if name is None and index not in twice and not _is_note_column(sheet.rows[0], index):
            for number, row in enumerate(sheet.rows[1:], start=2):
                if index < len(row) and not cells.is_empty(row[index]) and not _is_note_row(row, found):
                    problems.add(N_("the column has values but no name in row 1"), sheet=sheet.name, row=number, column=column_letter(index))
                    break
    return found


def _is_note_column(first_row: list, index: int) -> bool:
    cell = first_row[index] if index < len(first_row) else None
    return isinstance(cell, str) and cell.strip().startswith(NOTE)


def _is_note_row(row: list, header_names: list) -> bool:
    """A row whose id (or, in the catalog sheet, its field) starts with "#"."""
    for name in (ID, header.FIELD):
        if name in header_names:
            index = header_names.index(name)
            cell = row[index] if index < len(row) else None
            return isinstance(cell, str) and cell.strip().startswith(NOTE)
    return False


def _data_rows(sheet: Sheet, header_names: list):
    for number, row in enumerate(sheet.rows[1:], start=2):
        if all(cells.is_empty(cell) for cell in row) or _is_note_row(row, header_names):
            continue
        yield number, {name: row[i] for i, name in enumerate(header_names) if name is not None and i < len(row)}


def _read_header(sheet: Sheet, problems: Problems) -> header.Header | None:
    found = _header_names(sheet, problems)
    if header.FIELD not in found or header.VALUE not in found:
        problems.add(N_("row 1 must name the columns {field} and {value}"), sheet=sheet.name, row=1, field=header.FIELD, value=header.VALUE)
        return None
    values: dict[str, tuple[int, object]] = {}
    for number, row in _data_rows(sheet, found):
        try:
            key = cells.text(row.get(header.FIELD), header.FIELD)
        except CellProblem as problem:
            problems.add(problem.template, sheet=sheet.name, row=number, column=problem.column, **problem.params)
            continue
        key = (key or "").lower()
        if key not in header.KEYS:
            problems.add(N_("'{value}' is not one of {keys}"), sheet=sheet.name, row=number, column=header.FIELD, value=key, keys=", ".join(header.KEYS))
        elif key in values:
            problems.add(N_("'{value}' is given twice (also in row {first})"), sheet=sheet.name, row=number, column=header.FIELD, value=key, first=values[key][0])
        else:
            values[key] = (number, row.get(header.VALUE))
    head, found_problems = header.decode(values)
    for number, problem in found_problems:
        problems.add(problem.template, sheet=sheet.name, row=number or None, column=problem.column if number else None, **problem.params)
    return head


def _read_kind(sheet: Sheet, layout: KindSheet, languages: list[str] | None, problems: Problems) -> list[SheetRecord]:
    found = _header_names(sheet, problems)
    columns = {}
    for name in found:
        if name is None or name == ID:
            continue
        column = layout.column(name)
        if column is None:
            problems.add(N_("not a column of this sheet: check its spelling (a field AulaLocal does not know goes in a column json:NAME)"), sheet=sheet.name, row=1, column=name)
            continue
        lang = column[0].language(column[1])
        if lang is not None and languages is not None and lang not in languages:
            problems.add(N_("the language '{lang}' is not one of the catalog's languages ({languages}) in the catalog sheet"), sheet=sheet.name, row=1, column=name, lang=lang, languages="; ".join(languages))
        columns[name] = column
    rows = list(_data_rows(sheet, found))
    if rows and ID not in found:
        problems.add(N_("row 1 has no column id (each record needs its id)"), sheet=sheet.name, row=1)
        return []
    records = []
    first_row: dict[str, int] = {}
    for number, row in rows:
        typed = row.get(ID)
        id_ = typed.strip() if isinstance(typed, str) else None
        if id_ and id_ in first_row:
            problems.add(N_("the id '{id}' is already used in row {first}"), sheet=sheet.name, row=number, column=ID, id=id_, first=first_row[id_])
            continue
        if id_:
            first_row[id_] = number
        try:
            id_, data = layout.decode(row, columns)
        except RowProblems as found_problems:
            for problem in found_problems.problems:
                problems.add(problem.template, sheet=sheet.name, row=number, column=problem.column, **problem.params)
            continue
        records.append(SheetRecord(layout.kind.name, id_, data, sheet.name, number))
    return records
