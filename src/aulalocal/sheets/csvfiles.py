"""A folder of CSV files, one per sheet (``catalog.csv``, ``program.csv``... or the sheets' names).

Read: UTF-8 text (a byte-order mark is fine, anything not UTF-8 is refused
with its line), separated by "," or by ";" (what Excel writes in Spanish
locales) or tabs, told apart by the first row. CSV has no formulas: a cell
starting with "=" is text. Written: UTF-8 with a byte-order mark (so Excel
shows accents right), "," separated.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from aulalocal.errors import N_, Phrase, UsageError
from aulalocal.sheets.book import MAX_COLUMNS, MAX_FILE, MAX_ROWS, MiB, Book, Sheet, one_problem, too_large
from aulalocal.sheets.cells import MAX_CELL_CHARS
from aulalocal.sheets.write import Plan

_DELIMITERS = (",", ";", "\t")
_BOM = b"\xef\xbb\xbf"


def read_csv_folder(folder: Path) -> Book:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    return Book(folder, [read_csv(path) for path in files], media_dir=folder / "media")


def read_csv(path: Path) -> Sheet:
    name = path.stem
    size = path.stat().st_size
    if size > MAX_FILE:
        raise one_problem(path, N_("the file is larger than {limit} MB"), limit=MAX_FILE // MiB)
    raw = path.read_bytes()
    if raw.startswith(_BOM):
        raw = raw[len(_BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise one_problem(
            path,
            N_("line {line} is not UTF-8 text; save the file as \"CSV UTF-8\" in the spreadsheet program"),
            sheet=name, line=line,
        ) from None
    rows: list[list[object]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    with _field_limit(MAX_CELL_CHARS * 4 + 16):
        try:
            for row in reader:
                if len(row) > MAX_COLUMNS:
                    raise too_large(path, name, reader.line_num, len(row))
                if len(rows) >= MAX_ROWS + 2:
                    if any(cell.strip() for cell in row):
                        raise too_large(path, name, reader.line_num, len(row))
                    continue  # empty rows after the last record: nothing to read
                rows.append([cell if cell != "" else None for cell in row])
        except csv.Error as exc:
            raise one_problem(path, N_("line {line} is not valid CSV: {reason}"), sheet=name, line=reader.line_num, reason=csv_reason(exc)) from None
    while rows and all(cell is None for cell in rows[-1]):
        rows.pop()
    return Sheet(name, rows)


# The csv module's reasons are English; these say the same in the publisher's words.
_CSV_REASONS = (
    ("expected after", N_("a cell in quotes goes on after its closing quote")),
    ("unexpected end of data", N_("a cell's opening quote is never closed")),
    ("field larger than field limit", N_("a cell is too long")),
)


def csv_reason(exc: csv.Error) -> Phrase:
    text = str(exc)
    for clue, reason in _CSV_REASONS:
        if clue in text:
            return Phrase(reason)
    return Phrase(N_("the spreadsheet program did not save it as CSV"))


def _delimiter(text: str) -> str:
    """The separator that splits the first row into the most columns."""
    first = next(csv.reader(io.StringIO(text.split("\n", 1)[0], newline=""), delimiter=","), [])
    best, count = ",", len(first)
    for delimiter in _DELIMITERS[1:]:
        fields = next(csv.reader(io.StringIO(text.split("\n", 1)[0], newline=""), delimiter=delimiter), [])
        if len(fields) > count:
            best, count = delimiter, len(fields)
    return best


@contextmanager
def _field_limit(limit: int):
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, limit))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def write_csv_folder(folder: Path, plan: Plan, file_names: dict[str, str]) -> list[Path]:
    """One CSV file per sheet of ``plan`` into ``folder`` (made; it must not hold files already)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(N_("{path} already exists and is not an empty folder."), path=str(folder))
    part = folder.with_name(folder.name + ".part")
    shutil.rmtree(part, ignore_errors=True)
    part.mkdir(parents=True)
    written = []
    try:
        for sheet in plan.sheets:
            name = file_names[sheet.role] + ".csv"
            with (part / name).open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow([c.name for c in sheet.columns])
                for row in sheet.rows:
                    writer.writerow(["" if v is None else v for v in row])
            written.append(folder / name)
        if folder.exists():
            folder.rmdir()
        os.replace(part, folder)
    finally:
        shutil.rmtree(part, ignore_errors=True)
    return written
