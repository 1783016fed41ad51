"""Excel workbooks (.xlsx), with openpyxl: read into a ``Book``, and written from a ``write.Plan``.

Reading: the ZIP archive is checked first (``book.open_zip``), openpyxl
parses the XML through defusedxml (no entity expansion, no DTD), formulas
are read as formulas (never their cached values), and the sheet's size is
checked before its cells are laid out. Writing: text always goes in as
text, so a title starting with "=" never becomes a formula.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from aulalocal.errors import N_
from aulalocal.sheets import names, require
from aulalocal.sheets.book import MAX_ROWS, Book, Sheet, check_size, one_problem, open_zip, unreadable
from aulalocal.sheets.cells import ErrorValue, Formula
from aulalocal.sheets.write import Plan

HEADER_FILL, HELP_FILL = "DDE8F3", "F4F4F4"


def read_xlsx(path: Path) -> Book:
    openpyxl = require("openpyxl")
    require("defusedxml")
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # openpyxl was told not to use it (OPENPYXL_DEFUSEDXML=False)
        raise one_problem(path, N_("the workbook cannot be read safely: openpyxl is set not to use defusedxml (OPENPYXL_DEFUSEDXML)"))
    open_zip(path).close()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of parts it drops (extensions, images)
            workbook = openpyxl.load_workbook(path, read_only=False, data_only=False, keep_links=False, keep_vba=False, rich_text=False)
    except Exception as exc:  # noqa: BLE001 - a hostile file may break the library in any way
        raise unreadable(path, exc) from None
    sheets = []
    for ws in workbook.worksheets:
        rows, columns = ws.max_row, ws.max_column
        if ws.calculate_dimension() == "A1:A1" and ws.cell(1, 1).value is None:
            rows = columns = 0
        check_size(path, ws.title, rows, columns)
        values = [[_value(cell) for cell in row] for row in ws.iter_rows(min_row=1, max_row=rows, max_col=columns)] if rows else []
        while values and all(v is None for v in values[-1]):
            values.pop()
        sheets.append(Sheet(ws.title, values, hidden=ws.sheet_state != "visible", merged=[str(r) for r in ws.merged_cells.ranges]))
    workbook.close()
    return Book(path, sheets, media_dir=path.parent / "media")


def _value(cell):
    if cell.data_type == "f":
        formula = cell.value
        return Formula(getattr(formula, "text", None) or str(formula))
    if cell.data_type == "e":
        return ErrorValue(str(cell.value))
    return cell.value


def write_xlsx(path: Path, plan: Plan) -> None:
    openpyxl = require("openpyxl")
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    from aulalocal.i18n import gettext as _

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    lists = next(sheet for sheet in plan.sheets if sheet.role == names.LISTS)
    ranges = {}
    for index, column in enumerate(lists.columns):
        if column.name in plan.vocabularies:
            letter = get_column_letter(index + 1)
            count = len(plan.vocabularies[column.name][0])
            ranges[column.name] = f"{quote_sheetname(lists.name)}!${letter}$2:${letter}${count + 1}"
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    help_fill = PatternFill("solid", fgColor=HELP_FILL)
    help_font = Font(italic=True, color="555555", size=9)
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet in plan.sheets:
        ws = workbook.create_sheet(sheet.name)
        is_kind = sheet.role not in (names.HEADER, names.LISTS)
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            dimension = ws.column_dimensions[letter]
            dimension.width = column.width
            dimension.number_format = "0" if column.number else "@"
            cell = ws.cell(1, index)
            _put(cell, column.name)
            cell.font, cell.fill = bold, header_fill
        for row_number, row in enumerate(sheet.rows, start=2):
            for index, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row_number, index)
                _put(cell, value)
                cell.number_format = "0" if isinstance(value, int) else "@"
                if is_kind:
                    cell.alignment = wrap
                if is_kind and row_number == 2:
                    cell.font, cell.fill = help_font, help_fill
        if is_kind:
            ws.row_dimensions[2].height = 64
            ws.freeze_panes = "B3"
        else:
            ws.freeze_panes = "A2"
        first, last = (3 if is_kind else 2), MAX_ROWS + 2
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            if column.vocabulary in ranges:
                check = DataValidation(
                    type="list", formula1=f"={ranges[column.vocabulary]}", allow_blank=True,
                    showErrorMessage=True, errorTitle=column.name[:32], error=_("Choose a value from the list.")[:255],
                )
            elif column.number:
                check = DataValidation(
                    type="whole", operator="between", formula1="-2147483647", formula2="2147483647", allow_blank=True,
                    showErrorMessage=True, errorTitle=column.name[:32], error=_("Type a whole number.")[:255],
                )
            else:
                continue
            check.add(f"{letter}{first}:{letter}{last}")
            ws.add_data_validation(check)
    part = path.with_name(path.name + ".part")
    try:
        workbook.save(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def _put(cell, value) -> None:
    """A value into a cell; text stays text (openpyxl takes "=..." for a formula otherwise)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith("="):
            cell.quotePrefix = True
