"""Issue 18: hostile and careless workbooks get a clear one-line error naming the cell, and nothing is written."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import pytest

from aulalocal.cli import main
from aulalocal.sheets.book import MAX_ROWS, SheetProblems
from aulalocal.sheets.read import open_source
from tests.sheets.conftest import HEADER_ROWS, make_ods, make_xlsx, records_of, write_csv

PROGRAM_HEADER = ["id", "title_es", "title_qu", "year_start", "updated", "levels_1", "organization_ids", "article"]


def problems_of(path) -> list[str]:
    with pytest.raises(SheetProblems) as info:
        open_source(path)
    return [problem.message() for problem in info.value.problems]


def build(capsys, source, tmp_path):
    out = tmp_path / "out.aulabundle"
    code = main(["bundle", "build", str(source), "--sequence", "1", "--out", str(out)])
    err = capsys.readouterr().err
    return code, err, out


def test_all_problems_at_once_each_naming_sheet_row_and_column_and_nothing_written(tmp_path, capsys):
    rows = [
        ["id", "title_es", "title_qu", "year_start", "levels_1", "organization_ids"],
        ["uno", "Uno", "Huk", "mil", "primary", "minedu"],
        ["Dos", "Dos", None, 2001, "university", "minedu"],
        ["tres", None, "Kimsa", 2002, None, "Bad_Id"],
        ["uno", "Otra vez", None, None, None, None],
    ]
    path = make_xlsx(tmp_path / "c.xlsx", {"Catalog": HEADER_ROWS, "Programs": rows})
    code, err, out = build(capsys, path, tmp_path)
    lines = err.splitlines()
    assert code == 4 and not out.exists() and not list(tmp_path.glob("*.part"))
    assert all(line.startswith("error: ") for line in lines)
    assert "Programs, row 2, column year_start: 'mil' is not a whole number" in err
    assert "Programs, row 3, column id: 'Dos' is not a record id" in err
    assert "Programs, row 3, column levels_1: 'university' is not one of the values of the list" in err
    assert "Programs, row 4, column title_es: Spanish text ('es') is missing" in err
    assert "Programs, row 4, column organization_ids: 'Bad_Id' is not a record id" in err
    assert "Programs, row 5, column id: the id 'uno' is already used in row 2" in err
    assert lines[-1].endswith("6 problems found; nothing was written.")


def test_past_fifty_problems_the_rest_is_counted(tmp_path, capsys):
    rows = [["id", "title_es"]] + [[f"r{n}", None] for n in range(70)]
    path = make_xlsx(tmp_path / "c.xlsx", {"Catalog": HEADER_ROWS, "Programs": rows})
    code, err, _out = build(capsys, path, tmp_path)
    lines = err.splitlines()
    assert code == 4 and len(lines) == 52
    assert lines[-2] == "error: ... and 20 more problems."


def test_the_messages_are_in_the_publishers_language(tmp_path, capsys, real_translations, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "es")
    rows = [["id", "title_es", "title_qu"], ["uno", None, "Huk"], ["dos", "Dos", None]]
    path = make_xlsx(tmp_path / "c.xlsx", {"Catálogo": HEADER_ROWS, "Programas": rows})
    code, err, out = build(capsys, path, tmp_path)
    assert code == 4 and not out.exists()
    assert err.count("\n") == 1 and "c.xlsx: Programas, fila 2, columna title_es: falta el texto en español ('es')" in err
    monkeypatch.setenv("LANGUAGE", "qu")
    code, err, out = build(capsys, path, tmp_path)
    assert code == 4 and "c.xlsx: Programas, 2 siq'i, title_es tunu: " in err


def _bomb(path, name="xl/worksheets/sheet1.xml", size=4 * 1024 * 1024):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, b" " * size)
    return path


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(tmp_path, capsys):
    path = _bomb(tmp_path / "bomb.xlsx")
    code, err, out = build(capsys, path, tmp_path)
    assert code == 4 and err.count("\n") == 1 and "compressed more than 200 to 1" in err and not out.exists()
    assert "compressed more than 200 to 1" in problems_of(_bomb(tmp_path / "bomb.ods", "content.xml"))[0]


def test_an_entity_bomb_is_refused_by_the_xml_parser(tmp_path):
    laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><workbook>&lol2;</workbook>'
    path = make_xlsx(tmp_path / "c.xlsx", {"Catalog": HEADER_ROWS})
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/workbook.xml"] = laughs.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    (message,) = problems_of(path)
    assert "the workbook cannot be read" in message and "save it again" in message


def test_a_file_that_is_no_workbook_is_one_line(tmp_path, capsys):
    (tmp_path / "c.xlsx").write_bytes(b"not a zip at all")
    code, err, _out = build(capsys, tmp_path / "c.xlsx", tmp_path)
    assert code == 4 and err.count("\n") == 1 and "not a workbook" in err
    (tmp_path / "c.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    code, err, _out = build(capsys, tmp_path / "c.xls", tmp_path)
    assert code == 2 and "save .xls files as .xlsx" in err


def test_formulas_are_refused_never_calculated_and_text_with_equals_is_text(tmp_path):
    import openpyxl

    path = make_xlsx(tmp_path / "c.xlsx", {"Catalog": HEADER_ROWS, "Programs": [["id", "title_es", "title_qu"], ["uno", "=1+1", "x"]]})
    (message,) = problems_of(path)
    assert message == "Programs, row 2, column title_es: the cell holds a formula (=1+1); formulas are not calculated: type the value itself"
    workbook = openpyxl.load_workbook(path)
    cell = workbook["Programs"]["B2"]
    cell.value, cell.data_type = "=1+1", "s"  # typed as text ('=1+1 in Excel)
    workbook.save(path)
    assert records_of(open_source(path)) == {("program", "uno"): {"title": {"es": "=1+1", "qu": "x"}}}
    ods = make_ods(tmp_path / "c.ods", {"Catalog": HEADER_ROWS, "program": [["id", "title_es"], ["uno", "=SUM(A1:A2)"]]})
    assert problems_of(ods) == ["program, row 2, column title_es: the cell holds a formula (=SUM(A1:A2)); formulas are not calculated: type the value itself"]
    csv_folder = tmp_path / "csv"
    write_csv(csv_folder, "catalog", HEADER_ROWS)
    write_csv(csv_folder, "program", [["id", "title_es"], ["uno", "=1+1"]])
    assert records_of(open_source(csv_folder)) == {("program", "uno"): {"title": {"es": "=1+1"}}}  # CSV has no formulas


def test_a_huge_sheet_is_refused_with_its_size(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Catalog"
    for row in HEADER_ROWS:
        workbook.active.append(row)
    ws = workbook.create_sheet("Programs")
    ws.append(["id", "title_es"])
    ws.cell(MAX_ROWS + 10, 1).value = "lejos"
    workbook.save(tmp_path / "c.xlsx")
    (message,) = problems_of(tmp_path / "c.xlsx")
    assert message.startswith(f"Programs: the sheet is too large ({MAX_ROWS + 10} rows, 2 columns;")
    ws.cell(MAX_ROWS + 10, 1).value = None
    ws.cell(3, 300).value = "ancho"
    workbook.save(tmp_path / "c.xlsx")
    assert "300 columns" in problems_of(tmp_path / "c.xlsx")[0]
    # openpyxl cuts a longer text itself; CSV and .ods files can hold any length.
    folder = tmp_path / "csv"
    write_csv(folder, "catalog", HEADER_ROWS)
    write_csv(folder, "program", [["id", "title_es"], ["uno", "x" * 40_000]])
    assert problems_of(folder) == ["program, row 2, column title_es: the cell holds more than 32767 characters"]
    ods = make_ods(tmp_path / "long.ods", {"Catalog": HEADER_ROWS, "program": [["id", "title_es"], ["uno", "x" * 40_000]]})
    assert problems_of(ods) == ["program, row 2, column B: the cell holds more than 32767 characters"]


def test_an_ods_whose_empty_rest_is_repeated_a_million_times_is_read_quickly(tmp_path):
    from odf.opendocument import load
    from odf.table import TableCell, TableRow

    path = make_ods(tmp_path / "c.ods", {"Catalog": HEADER_ROWS, "program": [["id", "title_es"], ["uno", "Uno"]]})
    document = load(str(path))
    table = document.spreadsheet.childNodes[-1]
    row = TableRow(numberrowsrepeated=1_048_000)
    row.addElement(TableCell(numbercolumnsrepeated=16_000))
    table.addElement(row)
    document.save(str(path))
    assert records_of(open_source(path)) == {("program", "uno"): {"title": {"es": "Uno"}}}
    row = TableRow(numberrowsrepeated=1_000_000)
    cell = TableCell(valuetype="string")
    from odf.text import P

    cell.addElement(P(text="otra"))
    row.addElement(cell)
    table.addElement(row)
    document.save(str(path))
    assert "the sheet is too large" in problems_of(path)[0]


def test_merged_cells_are_refused(tmp_path):
    rows = [["id", "title_es", "title_qu"], ["uno", "Uno", None], ["dos", "Dos", None]]
    path = make_xlsx(tmp_path / "c.xlsx", {"Catalog": HEADER_ROWS, "Programs": rows}, merged={"Programs": ["B2:C2"]})
    assert problems_of(path) == ["Programs: merged cells B2:C2: unmerge them, each cell holds one value"]


def test_hidden_sheets_are_refused_and_notes_sheets_are_not_read(tmp_path):
    path = make_xlsx(tmp_path / "c.xlsx", {"Catalog": HEADER_ROWS, "Programs": [["id", "title_es"], ["uno", "Uno"]], "#mis notas": [["x"]]}, hidden=("Programs",))
    assert problems_of(path) == ["Programs: the sheet is hidden: show it (or delete it); its records would be published without anyone seeing them"]
    path = make_xlsx(tmp_path / "d.xlsx", {"Catalog": HEADER_ROWS, "Borrador": [["id"]]})
    assert problems_of(path)[0].startswith("Borrador: not a sheet AulaLocal knows")


def test_dates_as_date_cells_and_as_text_numbers_as_text_and_text_as_numbers(tmp_path):
    rows = [
        PROGRAM_HEADER,
        ["uno", 2012, "Huk", 2008.0, datetime(2024, 5, 1), "primary", None, None],
        ["dos", "Dos", "Iskay", "2009", "2024-05-02", None, "minedu; ipae", None],
        ["tres", "Tres", None, None, date(2024, 5, 3), None, None, None],
    ]
    path = make_xlsx(tmp_path / "c.xlsx", {"Catalog": HEADER_ROWS, "Programs": [r[:7] for r in rows]})
    assert records_of(open_source(path)) == {
        ("program", "uno"): {"title": {"es": "2012", "qu": "Huk"}, "year_start": 2008, "updated": "2024-05-01", "levels": ["primary"]},
        ("program", "dos"): {"title": {"es": "Dos", "qu": "Iskay"}, "year_start": 2009, "updated": "2024-05-02", "organization_ids": ["minedu", "ipae"]},
        ("program", "tres"): {"title": {"es": "Tres"}, "updated": "2024-05-03"},
    }
    bad = [PROGRAM_HEADER[:5], ["uno", "Uno", None, 2008.5, "01/05/2024"], [12, "Doce", None, None, datetime(2024, 5, 1, 10, 30)]]
    path = make_xlsx(tmp_path / "bad.xlsx", {"Catalog": HEADER_ROWS, "Programs": bad})
    assert problems_of(path) == [
        "Programs, row 2, column year_start: '2008.5' is not a whole number",
        "Programs, row 2, column updated: not a date (YYYY-MM-DD)",
        "Programs, row 3, column id: the id was typed as a number (12); format the column as text and type it again",
        "Programs, row 3, column updated: a date with a time of day (2024-05-01 10:30:00); write the date only",
    ]


def test_csv_with_a_bom_semicolons_and_empty_trailing_rows(tmp_path):
    folder = tmp_path / "csv"
    write_csv(folder, "catalog", HEADER_ROWS, delimiter=";", encoding="utf-8-sig")
    write_csv(folder, "Programs", [["id", "title_es", "regions"], ["uno", "Uno; con punto y coma", "Cusco\nPuno"], [], ["", ""]], delimiter=";", encoding="utf-8-sig")
    with (folder / "Programs.csv").open("a", encoding="utf-8") as fh:
        fh.write(";;\r\n;;\r\n\r\n")
    assert records_of(open_source(folder)) == {("program", "uno"): {"title": {"es": "Uno; con punto y coma"}, "regions": ["Cusco", "Puno"]}}


def test_csv_that_is_not_utf8_names_its_line(tmp_path, capsys):
    folder = tmp_path / "csv"
    write_csv(folder, "catalog", HEADER_ROWS)
    write_csv(folder, "program", [["id", "title_es"], ["uno", "Uno"], ["dos", "Educación"]], encoding="cp1252")
    code, err, out = build(capsys, folder, tmp_path)
    assert code == 4 and not out.exists() and err.count("\n") == 1
    assert "program: line 3 is not UTF-8 text; save the file as \"CSV UTF-8\"" in err


@pytest.mark.parametrize("cell, english", [('"Uno" y dos', "expected after"), ('"Uno sin cerrar', "end of data")])
def test_broken_csv_quotes_are_said_in_the_publishers_language(tmp_path, capsys, real_translations, monkeypatch, cell, english):
    monkeypatch.setenv("LANGUAGE", "es")
    folder = tmp_path / "csv"
    write_csv(folder, "catalog", HEADER_ROWS)
    (folder / "program.csv").write_text(f"id,title_es\nuno,{cell}\n", encoding="utf-8")
    code, err, out = build(capsys, folder, tmp_path)
    assert code == 4 and not out.exists() and err.count("\n") == 1
    assert "program: la línea " in err and english not in err and "CSV" in err


def test_unknown_and_duplicate_columns_and_languages_not_in_the_header(tmp_path):
    rows = [["id", "tittle_es", "title_ay", "title_es", "TITLE_ES", "# notas"], ["uno", "x", "y", "Uno", "z", "lo que sea"]]
    path = make_xlsx(tmp_path / "c.xlsx", {"Catalog": HEADER_ROWS, "Programs": rows})
    assert problems_of(path) == [
        "Programs, row 1, column title_es: the column title_es is there twice (columns D and E)",
        "Programs, row 1, column tittle_es: not a column of this sheet: check its spelling (a field AulaLocal does not know goes in a column json:NAME)",
        "Programs, row 1, column title_ay: the language 'ay' is not one of the catalog's languages (es; qu; en) in the catalog sheet",
    ]


def test_the_catalog_sheet_is_checked(tmp_path):
    head = [["field", "value"], ["catalog", "Mal Id"], ["languages", "qu"], ["color", "azul"]]
    path = make_xlsx(tmp_path / "c.xlsx", {"Catalog": head})
    assert problems_of(path) == [
        "Catalog, row 4, column field: 'color' is not one of catalog, publisher, languages, created",
        "Catalog: 'publisher' is required in the catalog sheet",
        "Catalog, row 2, column value: 'Mal Id' is not a valid catalog id (lowercase letters, digits and dashes, 3 to 64)",
        "Catalog, row 3, column value: Spanish (es) must be one of the languages",
    ]


def test_the_catalog_sheet_follows_the_rules_of_every_catalog_header(tmp_path):
    # bundle.header's rules, said cell by cell: a name on two lines, a tag BCP 47 does not allow.
    head = [["field", "value"], ["catalog", "minedu-pe"], ["publisher", "Ministerio\nde prueba"], ["languages", "es; qu-a"]]
    path = make_xlsx(tmp_path / "c.xlsx", {"Catalog": head})
    assert problems_of(path) == [
        "Catalog, row 3, column value: the publisher's name must be one line of printable text",
        "Catalog, row 4, column value: 'qu-a' is not a language tag (such as es, qu, en)",
    ]


def test_build_reads_back_what_it_wrote_and_keeps_nothing_a_laptop_would_refuse(tmp_path, capsys):
    # Two spellings of one language pass the sheet; the manifest's reader refuses them.
    head = [["field", "value"], ["catalog", "minedu-pe"], ["publisher", "Ministerio de prueba"], ["languages", "es; ES"]]
    path = make_xlsx(tmp_path / "c.xlsx", {"Catalog": head, "Programs": [["id", "title_es"], ["uno", "Uno"]]})
    code, err, out = build(capsys, path, tmp_path)
    assert code == 4 and err == "error: manifest.json lists a language twice.\n"
    assert not out.exists() and not list(tmp_path.glob("*.part")) and not list(tmp_path.glob(".*"))
