"""Workbooks made in the tests: with openpyxl (.xlsx), odfpy (.ods) and csv, from plain rows."""

from __future__ import annotations

import csv
import gettext
from pathlib import Path

import pytest

from aulalocal import i18n
from aulalocal.bundle.source import as_source
from aulalocal.sheets.export import from_source, write_workbook
from tests.conftest import SEEDS

HEADER_ROWS = [["field", "value"], ["catalog", "minedu-pe"], ["publisher", "Ministerio de prueba"], ["languages", "es; qu; en"]]


def records_of(source) -> dict:
    return {(kind, id_): data for kind, id_, data, _where in as_source(source).records()}


def make_xlsx(path: Path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = (), merged: dict[str, list[str]] | None = None) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        ws = workbook.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
        for cells in (merged or {}).get(name, []):
            ws.merge_cells(cells)
    workbook.save(path)
    return path


def make_ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An .ods from rows: str cells as text, int/float as numbers, "=..." strings as formulas."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row:
                if value is None:
                    tr.addElement(TableCell())
                elif isinstance(value, str) and value.startswith("="):
                    tr.addElement(TableCell(formula="of:" + value, valuetype="float", value="0"))
                elif isinstance(value, (int, float)):
                    cell = TableCell(valuetype="float", value=str(value))
                    cell.addElement(P(text=str(value)))
                    tr.addElement(cell)
                else:
                    cell = TableCell(valuetype="string")
                    for line in str(value).split("\n"):
                        cell.addElement(P(text=line))
                    tr.addElement(cell)
            table.addElement(tr)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def write_csv(folder: Path, name: str, rows: list[list], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


@pytest.fixture(scope="session")
def seeds_workbook(tmp_path_factory) -> Path:
    """The whole shipped catalog as a workbook, written once (with the messages as tests see them: English)."""
    path = tmp_path_factory.mktemp("seeds-sheet") / "seeds.xlsx"
    saved = dict(i18n._translations)
    i18n._translations.update({lang: gettext.NullTranslations() for lang in i18n.LANGUAGES})
    try:
        write_workbook(path, *from_source(SEEDS))
    finally:
        i18n._translations.clear()
        i18n._translations.update(saved)
    return path

