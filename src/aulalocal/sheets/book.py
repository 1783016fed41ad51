"""A workbook as the readers give it, the limits a hostile one meets, and its problems.

Every reader (``xlsx``, ``ods``, ``csvfiles``) turns its file into a ``Book``
of ``Sheet``s: rows of plain cell values (``sheets.cells``), its hidden
state and its merged ranges. A workbook is a file a publisher got from
anyone, so it is read like a bundle: its ZIP archive is checked before a
library opens it (entry count, sizes and compression ratios, as for bundles;
``zipfile`` itself never gives more bytes than an entry declares), and its
sheets are bounded in rows, columns and characters per cell.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from aulalocal.bundle.limits import Limits
from aulalocal.errors import N_, BundleError, Nn_, UsageError, message

MiB = 1024 * 1024
# A sheet holds at most this many records (plus its two header rows), and columns.
MAX_ROWS = 20_000
MAX_COLUMNS = 250
# Row by column, what a reader lays out in memory for one sheet.
MAX_CELLS = 2_000_000
MAX_FILE = 100 * MiB
MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED = 256 * MiB
# One part of a workbook (a sheet's XML, the shared strings) unpacked.
MAX_PART = 64 * MiB
# The problems listed at once; past them, only how many more there are.
MAX_PROBLEMS = 50


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]  # rows[0] is row 1
    hidden: bool = False
    merged: list[str] = field(default_factory=list)  # "B3:C3"


@dataclass
class Book:
    path: Path
    sheets: list[Sheet]
    media_dir: Path | None = None


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Problem:
    template: str
    params: dict
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def message(self) -> str:
        problem = message(self.template, **self.params)
        if self.sheet is None:
            return problem
        if self.row and self.column:
            return message(N_("{sheet}, row {row}, column {column}: {problem}"), sheet=self.sheet, row=self.row, column=self.column, problem=problem)
        if self.row:
            return message(N_("{sheet}, row {row}: {problem}"), sheet=self.sheet, row=self.row, problem=problem)
        return message(N_("{sheet}: {problem}"), sheet=self.sheet, problem=problem)


class SheetProblems(BundleError):
    """A workbook that cannot be built: every problem found (up to ``MAX_PROBLEMS``), each naming its cell."""

    def __init__(self, path: Path, problems: list[Problem], total: int | None = None) -> None:
        total = len(problems) if total is None else total
        super().__init__(
            Nn_("{path}: {count} problem found; nothing was written.", "{path}: {count} problems found; nothing was written."),
            path=str(path),
            count=total,
        )
        self.problems = problems[:MAX_PROBLEMS]
        self.total = total

    def details(self) -> list[str]:
        """One translated line per problem, then how many more there are (none for one problem: ``message`` says it)."""
        if self.total <= 1:
            return []
        lines = [problem.message() for problem in self.problems]
        if self.total > len(self.problems):
            lines.append(message(Nn_("... and {count} more problem.", "... and {count} more problems."), count=self.total - len(self.problems)))
        return lines

    def __str__(self) -> str:
        return "\n".join([*self.details(), self.message()])

    def message(self) -> str:
        if self.total == 1 and self.problems:
            return message(N_("{path}: {problem}"), path=self.params["path"], problem=self.problems[0].message())
        return super().message()


class Problems:
    """Problems collected while reading; only the first ``MAX_PROBLEMS`` are kept, all are counted."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kept: list[Problem] = []
        self.total = 0

    def add(self, template: str, sheet: str | None = None, row: int | None = None, column: str | None = None, **params) -> None:
        self.total += 1
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(Problem(template, params, sheet, row, column))

    def __bool__(self) -> bool:
        return self.total > 0

    def error(self) -> SheetProblems:
        return SheetProblems(self.path, self.kept, self.total)


def one_problem(path: Path, template: str, sheet: str | None = None, row: int | None = None, column: str | None = None, **params) -> SheetProblems:
    return SheetProblems(path, [Problem(template, params, sheet, row, column)])


def too_large(path: Path, sheet: str, rows: int, columns: int) -> SheetProblems:
    return one_problem(
        path,
        N_("the sheet is too large ({rows} rows, {columns} columns; at most {max_rows} rows and {max_columns} columns): delete the empty rows and columns after the records, or split the catalog"),
        sheet=sheet, rows=rows, columns=columns, max_rows=MAX_ROWS + 2, max_columns=MAX_COLUMNS,
    )


def check_size(path: Path, sheet: str, rows: int, columns: int) -> None:
    if rows > MAX_ROWS + 2 or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise too_large(path, sheet, rows, columns)


def check_file(path: Path) -> int:
    """The file's size, after checking it is a regular file of at most ``MAX_FILE`` bytes."""
    try:
        info = path.stat()
    except OSError:
        raise UsageError(N_("{path} cannot be read."), path=str(path)) from None
    if not path.is_file():
        raise UsageError(N_("{path} is not a file."), path=str(path))
    if info.st_size > MAX_FILE:
        raise one_problem(path, N_("the file is larger than {limit} MB"), limit=MAX_FILE // MiB)
    return info.st_size


def open_zip(path: Path) -> zipfile.ZipFile:
    """The workbook's ZIP archive, refused before any library reads it when it could be a ZIP bomb."""
    check_file(path)
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise one_problem(path, N_("the file is not a workbook (it is not a ZIP archive as .xlsx and .ods files are); save it again from the spreadsheet program")) from None
    limits = Limits()
    total = 0
    if len(infos) > MAX_ENTRIES:
        archive.close()
        raise one_problem(path, N_("the workbook has more than {limit} parts"), limit=MAX_ENTRIES)
    for info in infos:
        total += info.file_size
        problem = None
        if info.flag_bits & 0x1:
            problem = N_("the workbook is protected by a password; save it without one")
        elif info.file_size > MAX_PART or total > MAX_UNCOMPRESSED:
            problem = N_("the workbook unpacks to more than {limit} MB; is it a ZIP bomb?")
        elif info.file_size >= limits.ratio_exempt_below and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            problem = N_("a part of the workbook is compressed more than {ratio} to 1; is it a ZIP bomb?")
        if problem:
            archive.close()
            raise one_problem(path, problem, limit=(MAX_PART if info.file_size > MAX_PART else MAX_UNCOMPRESSED) // MiB, ratio=limits.max_ratio)
    return archive


def unreadable(path: Path, exc: BaseException) -> BundleError:
    """A workbook its library could not read (hostile or damaged): one line, no traceback."""
    return one_problem(path, N_("the workbook cannot be read ({reason}); open it in the spreadsheet program and save it again"), reason=type(exc).__name__)
