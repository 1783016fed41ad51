"""Issue 18 through the command line: template, build (full and delta), sheet, the translator's to-do list."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

from aulalocal.cli import main
from tests.conftest import REPO, SEEDS, write_source
from tests.sheets.conftest import HEADER_ROWS, make_xlsx, records_of


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def operations(path) -> list[dict]:
    with zipfile.ZipFile(path) as archive:
        return [json.loads(line) for name in sorted(archive.namelist()) if name.startswith("records/") for line in archive.read(name).splitlines()]


def test_template_has_the_header_every_kind_help_notes_and_drop_down_lists(tmp_path, capsys):
    import openpyxl

    path = tmp_path / "catalog.xlsx"
    code, out, _ = run(capsys, "bundle", "template", "--out", path, "--catalog", "minedu-pe", "--publisher", "Minedu")
    assert code == 0 and str(path) in out
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[0] == "Catalog" and workbook.sheetnames[-1] == "Lists" and len(workbook.sheetnames) == 8
    head = {row[0].value: row[1].value for row in workbook["Catalog"].iter_rows(min_row=2)}
    assert head == {"catalog": "minedu-pe", "publisher": "Minedu", "languages": "es; qu; en", "created": None}
    programs = workbook["Programs"]
    header = [c.value for c in programs[1]]
    helps = [c.value for c in programs[2]]
    assert header[:4] == ["id", "title_es", "title_qu", "title_en"]
    assert all(helps), "every column has a help note"
    assert helps[header.index("title_es")] == "Title, in Spanish (required)"
    assert helps[header.index("organization_ids")] == "organization_ids: ids of records of the sheet Organizations; several separated by ;"
    lists = {next(iter(dv.sqref.ranges)).coord.split(":")[0].rstrip("0123456789"): dv.formula1 for dv in programs.data_validations.dataValidation if dv.type == "list"}
    letter = openpyxl.utils.get_column_letter(header.index("levels_1") + 1)
    assert lists[letter].startswith("='Lists'!$")
    values = [c.value for c in workbook["Lists"]["A"][1:] if c.value]
    assert values  # the first vocabulary's codes
    all_values = {c.value for row in workbook["Lists"].iter_rows(min_row=2) for c in row}
    assert {"primary", "rural", "grooming", "government", "report", "PE", "CL", 1, 6} <= all_values
    # The template builds (an empty catalog) and the same file is not overwritten without --force.
    code, _, _ = run(capsys, "bundle", "build", path, "--sequence", "1", "--out", tmp_path / "e.aulabundle")
    assert code == 0 and operations(tmp_path / "e.aulabundle") == []
    code, _, err = run(capsys, "bundle", "template", "--out", path)
    assert code == 2 and "--force" in err


def test_delta_bundle_from_two_workbooks(tmp_path, capsys):
    old = {("program", "uno"): {"title": {"es": "Uno"}}, ("program", "dos"): {"title": {"es": "Dos"}}, ("organization", "minedu"): {"title": {"es": "Minedu"}}}
    new = {("program", "uno"): {"title": {"es": "Uno", "qu": "Huk"}}, ("organization", "minedu"): {"title": {"es": "Minedu"}}, ("program", "tres"): {"title": {"es": "Tres"}}}
    for name, records in (("old", old), ("new", new)):
        run(capsys, "bundle", "sheet", "--source", write_source(tmp_path / name, records, catalog="minedu-pe"), "--out", tmp_path / f"{name}.xlsx")
    code, out, err = run(capsys, "bundle", "build", tmp_path / "new.xlsx", "--sequence", "2", "--base", "1", "--from", tmp_path / "old.xlsx", "--out", tmp_path / "d.aulabundle")
    assert code == 0, err
    ops = {(op["op"], op["kind"], op["id"]) for op in operations(tmp_path / "d.aulabundle")}
    assert ops == {("upsert", "program", "uno"), ("upsert", "program", "tres"), ("delete", "program", "dos")}
    with zipfile.ZipFile(tmp_path / "d.aulabundle") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["base_sequence"] == 1 and manifest["catalog"] == "minedu-pe"


def test_sheet_of_a_laptops_catalog_and_of_a_source_folder(tmp_path, capsys, seeded_dir):
    code, out, _ = run(capsys, "--data-dir", seeded_dir, "bundle", "sheet", "--catalog", "aulalocal-seed", "--out", tmp_path / "laptop.xlsx")
    assert code == 0 and "catalog aulalocal-seed" in out
    code, _, _ = run(capsys, "bundle", "sheet", "--source", SEEDS, "--out", tmp_path / "csv")
    assert code == 0
    from aulalocal.sheets.read import open_source

    assert records_of(open_source(tmp_path / "laptop.xlsx")) == records_of(SEEDS) == records_of(open_source(tmp_path / "csv"))
    code, _, err = run(capsys, "--data-dir", seeded_dir, "bundle", "sheet", "--catalog", "no-such", "--out", tmp_path / "x.xlsx")
    assert code == 2 and err.count("\n") == 1 and not (tmp_path / "x.xlsx").exists()


def test_fields_kept_as_json_are_reported(tmp_path, capsys):
    source = write_source(tmp_path / "s", {("program", "uno"): {"title": {"es": "Uno"}, "audio_hint": "x"}})
    code, out, _ = run(capsys, "bundle", "sheet", "--source", source, "--out", tmp_path / "s.xlsx")
    assert code == 0 and "program uno: the field audio_hint is written as JSON text (column json:audio_hint)" in out


def test_translation_todo_lists_missing_and_unchanged_quechua_cells(tmp_path, capsys):
    rows = [
        ["id", "title_es", "title_qu", "summary_es", "summary_qu", "activities_1_es"],
        ["uno", "Uno", "Huk", "Resumen", None, None],
        ["dos", "Ley 30096", "Ley 30096", None, None, None],
        ["tres", None, "Kimsa", None, None, None],  # cannot be read yet: left out, said on stderr
    ]
    path = make_xlsx(tmp_path / "c.xlsx", {"Catalog": HEADER_ROWS, "Programs": rows})
    code, out, err = run(capsys, "i18n", "coverage", "--sheet", path)
    assert code == 0
    assert out.splitlines() == [
        "Programs, row 2, column summary_qu: Resumen",
        "Programs, row 3, column title_qu (same as Spanish): Ley 30096",
        "2 texts to translate into Quechua.",
    ]
    assert "warning: " in err and "row 4" in err
    code, out, _ = run(capsys, "i18n", "coverage", "--sheet", path, "--json")
    assert json.loads(out)[0] == {"sheet": "Programs", "row": 2, "column": "summary_qu", "es": "Resumen", "same_as_spanish": False}
    code, out, _ = run(capsys, "i18n", "coverage", "--sheet", path, "--lang", "en")
    assert "column title_en: Uno" in out


def test_without_the_publisher_libraries_the_command_says_what_to_install(tmp_path):
    code = (
        "import sys; sys.modules['openpyxl'] = None\n"
        "from aulalocal.cli import main\n"
        f"sys.exit(main(['bundle', 'template', '--out', {str(tmp_path / 't.xlsx')!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env={"LANGUAGE": "en", "PATH": ""}, timeout=60)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "pip install 'aulalocal[publisher]'" in result.stderr and "openpyxl" in result.stderr


def test_the_publisher_tools_are_not_loaded_by_the_cli_until_used():
    code = "import sys, aulalocal.cli, aulalocal.bundle.build; print(sorted(m for m in sys.modules if m.startswith(('openpyxl', 'odf', 'aulalocal.sheets'))))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "[]"
