"""Issue 18: a workbook holds a catalog exactly, every field, language and relation, both ways."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timezone

import pytest

from aulalocal.bundle.build import build_bundle
from aulalocal.bundle.importer import import_bundle
from aulalocal.bundle import trust
from aulalocal.startup import open_data_folder
from aulalocal.sheets.export import from_catalog, from_source, write_workbook
from aulalocal.sheets.read import open_source
from tests.bundle.conftest import new_publisher
from tests.conftest import SEEDS, title, write_source
from tests.sheets.conftest import HEADER_ROWS, make_ods, records_of

CREATED = datetime(2026, 11, 20, tzinfo=timezone.utc)


def bundle_operations(path) -> list[dict]:
    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("records/"))
        return [json.loads(line) for name in names for line in archive.read(name).splitlines()]


def test_the_shipped_catalog_makes_the_same_bundle_from_a_workbook(seeds_workbook, tmp_path):
    from_folder = build_bundle(SEEDS, tmp_path / "folder.aulabundle", "aulalocal-seed", 3, created=CREATED)
    from_sheet = build_bundle(open_source(seeds_workbook), tmp_path / "sheet.aulabundle", None, 3, created=CREATED)
    assert from_sheet == from_folder | {"files": from_sheet["files"]}  # manifest: all but the records' bytes
    folder_ops = bundle_operations(tmp_path / "folder.aulabundle")
    sheet_ops = bundle_operations(tmp_path / "sheet.aulabundle")
    assert len(folder_ops) == len(list(SEEDS.glob("*/*.json"))) > 100
    def by_record(ops):
        return sorted(ops, key=lambda op: (op["kind"], op["id"]))

    assert by_record(sheet_ops) == by_record(folder_ops)  # record for record


def test_every_field_and_language_of_the_seeds_is_in_its_column(seeds_workbook):
    import openpyxl

    workbook = openpyxl.load_workbook(seeds_workbook)
    assert workbook.sheetnames == ["Catalog", "Programs", "Digital safety", "Year focuses", "Organizations", "Reports", "Laws", "Lists"]
    programs = workbook["Programs"]
    header = [c.value for c in programs[1]]
    for column in ("id", "title_es", "title_qu", "title_en", "practice_equity_qu", "links_1_url", "links_1_label_qu",
                   "levels_1", "countries_1", "organization_ids", "year_start", "regions", "tags", "evidence_qu"):
        assert column in header
    # The seeds fit the columns exactly; only fields the table does not know (proper_names) go in json: columns.
    from aulalocal import kinds

    known = set(kinds.STANDARD["program"].checks)
    assert [c for c in header if c.startswith("json:")] == [f"json:{f}" for f in sorted({f for p in SEEDS.glob("program/*.json") for f in json.loads(p.read_text(encoding="utf-8"))} - known)]
    row = {header[i]: c.value for i, c in enumerate(next(r for r in programs.iter_rows(min_row=3) if r[0].value == "olpc-peru"))}
    seed = json.loads((SEEDS / "program" / "olpc-peru.json").read_text(encoding="utf-8"))
    assert row["title_qu"] == seed["title"]["qu"]
    assert row["organization_ids"] == "; ".join(seed["organization_ids"])
    assert [row[f"levels_{n}"] for n in range(1, len(seed["levels"]) + 1)] == seed["levels"]
    assert isinstance(row["year_start"], int)
    assert programs["A2"].value.startswith("#")  # the help row is a note, not a record
    focus = workbook["Year focuses"]
    header = [c.value for c in focus[1]]
    assert "activities_5_qu" in header and "program_ids" in header


def test_a_laptops_catalog_back_to_a_workbook_and_a_bundle_keeps_everything(seeds_workbook, tmp_path):
    """sheet -> bundle -> catalog -> sheet: the same records."""
    publisher = new_publisher()
    folder = open_data_folder(tmp_path / "data", load_seed=False)
    trust.add_key(folder.keys_dir, publisher.public)
    out = tmp_path / "minedu-1.aulabundle"
    build_bundle(open_source(seeds_workbook), out, "minedu-pe", 1)
    publisher.sign(out)
    import_bundle(folder, out)
    head, records = from_catalog(folder.catalog, "minedu-pe")
    folder.close()
    again = tmp_path / "again.xlsx"
    write_workbook(again, head, records)
    back = open_source(again)
    assert records_of(back) == records_of(SEEDS)
    assert back.header.catalog == "minedu-pe" and back.header.publisher == "AulaLocal"
    assert back.header.languages == ["es", "qu", "en"]


def test_a_csv_folder_and_an_xlsx_hold_the_same(tmp_path):
    head, records = from_source(SEEDS)
    write_workbook(tmp_path / "csv", head, records)
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(
        ["catalog.csv", "lists.csv", "program.csv", "safety_guide.csv", "year_focus.csv", "organization.csv", "resource.csv", "legal_reference.csv"]
    )
    assert (tmp_path / "csv" / "program.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert records_of(open_source(tmp_path / "csv")) == records_of(SEEDS)


UNUSUAL = {
    # A field this version does not know, a link with an extra key, a list value with a ";",
    # text that looks like a formula, text with spaces around it, an empty list: all kept exactly.
    ("program", "raro"): {
        "title": {"es": "=HYPERLINK(\"http://x\")", "qu": " con espacios ", "ay": "aymara"},
        "audio_hint": {"es": "léase despacio", "n": 3},
        "links": [{"label": {"es": "Sitio"}, "url": "https://example.org", "rel": "home"}],
        "regions": ["Cusco; Puno", "Lima"],
        "tags": [],
        "year_start": 2008,
    },
    ("year_focus", "anio-9"): {"title": title("Año"), "year": 3, "focus": title("Leer"), "activities": [title("Uno", "Huk"), title("Dos")]},
}


def test_fields_the_columns_cannot_hold_exactly_go_in_json_columns_and_come_back(tmp_path):
    source = write_source(tmp_path / "src", UNUSUAL)
    head, records = from_source(source)
    layout = write_workbook(tmp_path / "unusual.xlsx", head, records)
    assert sorted(layout.as_json) == [("program", "raro", "audio_hint"), ("program", "raro", "links"), ("program", "raro", "regions"),
                                      ("program", "raro", "tags"), ("program", "raro", "title")]
    back = open_source(tmp_path / "unusual.xlsx")
    assert records_of(back) == UNUSUAL
    assert back.header.languages == ["es", "qu", "en", "ay"]


def test_text_starting_with_equals_is_written_as_text_never_as_a_formula(tmp_path):
    import openpyxl

    source = write_source(tmp_path / "src", {("organization", "igual"): {"title": {"es": "=1+1", "qu": "=SUM(A1:A9)"}}})
    write_workbook(tmp_path / "eq.xlsx", *from_source(source))
    ws = openpyxl.load_workbook(tmp_path / "eq.xlsx")["Organizations"]
    cells = [c for c in ws[3] if isinstance(c.value, str) and c.value.startswith("=") or c.value == "igual"]
    assert all(c.data_type == "s" for c in cells)
    # A title that fits the columns goes there, as text (no json: column needed).
    assert records_of(open_source(tmp_path / "eq.xlsx")) == {("organization", "igual"): {"title": {"es": "=1+1", "qu": "=SUM(A1:A9)"}}}


def test_an_ods_workbook_reads_as_the_xlsx_does(tmp_path):
    rows = [
        ["id", "title_es", "title_qu", "year_start", "levels_1", "levels_2", "summary_es"],
        ["# help", "Título", "Suti", None, None, None, None],
        ["huascaran", "Huascarán", "Huascarán programa", 1996, "primary", "secondary", "Primera línea\n\nSegundo párrafo"],
    ]
    path = make_ods(tmp_path / "c.ods", {"Catalog": HEADER_ROWS, "program": rows})
    assert records_of(open_source(path)) == {
        ("program", "huascaran"): {
            "title": {"es": "Huascarán", "qu": "Huascarán programa"},
            "summary": {"es": "Primera línea\n\nSegundo párrafo"},
            "year_start": 1996,
            "levels": ["primary", "secondary"],
        }
    }


@pytest.mark.parametrize("name", ["Programas", "programs", "PROGRAMAKUNA", "program", "Programs"])
def test_sheet_names_are_recognized_in_any_language(tmp_path, name, real_translations):
    from tests.sheets.conftest import make_xlsx

    path = make_xlsx(tmp_path / "n.xlsx", {"Catálogo": HEADER_ROWS, name: [["id", "title_es"], ["uno", "Uno"]]})
    assert records_of(open_source(path)) == {("program", "uno"): {"title": {"es": "Uno"}}}
