"""The table of record kinds: a made-up kind works everywhere, or the table says why not."""

import json

import pytest

from aulalocal import kinds
from aulalocal.bundle.apply import apply_operations
from aulalocal.bundle.records import parse_operation
from aulalocal.bundle.source import SourceInfo
from aulalocal.catalog.queries import get_record, related
from aulalocal.catalog.search import facet_values, search
from aulalocal.catalog.text import RECORD_BITS, rowid_range, search_rowid, search_rows
from aulalocal.cli import main
from aulalocal.errors import BundleError
from aulalocal.kinds import Facet, Field, Ids, Kind, KindTableError, Localized, Section, Strings, Text
from aulalocal.ui.sections import SECTIONS, sections_of
from tests.conftest import title

RADIO = Kind(
    "radio_show",
    code=6,
    label="Radio show",
    section=Section("radio", "School radio"),
    fields=(
        Field("station", Text(), search=True, label="Station"),
        Field("days", Strings(allowed=("mon", "tue", "wed", "thu", "fri")), label="Days"),
        Field("script", Localized(), search=True, label="Script"),
        Field("organization_ids", Ids("organization")),
    ),
    facets=(Facet("day", "days", "Day", "Every day"),),
)

SHOW = {
    "title": title("La hora del cuento", "Willakuy pacha"),
    "summary": title("Cuentos leídos por la radio de la escuela."),
    "station": "Radio Quillabamba",
    "days": ["mon", "fri"],
    "script": title("Buenos días, niños: hoy leemos el zorzal."),
    "organization_ids": ["ugel-cusco"],
}
ORGANIZATION = {"title": title("UGEL Cusco"), "kind": "government"}


def line(kind: str, id_: str, data: dict) -> bytes:
    return json.dumps({"op": "upsert", "kind": kind, "id": id_, "data": data}, ensure_ascii=False).encode()


@pytest.fixture
def radio():
    with kinds.use(kinds.STANDARD.with_kind(RADIO)) as table:
        yield table


def apply_radio(db) -> None:
    lines = [(line("radio_show", "hora-del-cuento", SHOW), "r:1"), (line("organization", "ugel-cusco", ORGANIZATION), "r:2")]
    header = SourceInfo("radio-test", 1, "Radio publisher", "2026-11-20T10:00:00Z", ["es", "qu"])
    apply_operations(db, header, lambda: lines, key_id=None, file_sha256="0" * 64)


def test_the_six_kinds_keep_their_search_codes():
    # Every catalog database in the field has these in its search_text rowids.
    assert kinds.STANDARD.codes == {
        "program": 0, "safety_guide": 1, "year_focus": 2, "organization": 3, "resource": 4, "legal_reference": 5,
    }
    assert list(kinds.STANDARD) == ["program", "safety_guide", "year_focus", "organization", "resource", "legal_reference"]
    assert search_rowid(9, "qu", "legal_reference") == ((1 * 8 + 5) << RECORD_BITS) | 9
    assert search_rowid(9, "es", "a_newer_kind") == (7 << RECORD_BITS) | 9


def test_a_kind_this_version_does_not_know_is_read_with_the_common_fields():
    data = {"title": title("T"), "summary": title("resumen"), "station": "Radio Quillabamba"}
    ((_record, _lang, _title, body), *_others) = search_rows(1, "radio_show", data)
    assert body == "resumen"


def test_a_made_up_kind_is_unknown_until_its_table_is_in_use():
    with pytest.raises(BundleError, match="unknown record kind 'radio_show'"):
        parse_operation(line("radio_show", "a", SHOW), "r:1")


def test_a_made_up_kind_validates_its_own_fields(radio):
    op = parse_operation(line("radio_show", "hora-del-cuento", SHOW), "r:1")
    assert (op.kind, op.data["station"]) == ("radio_show", "Radio Quillabamba")
    for bad, field in (({"days": ["sun"]}, "'days'"), ({"script": {"qu": "x"}}, "'script'"), ({"station": 5}, "'station'")):
        with pytest.raises(BundleError, match=field):
            parse_operation(line("radio_show", "a", SHOW | bad), "r:1")
    without_title = {k: v for k, v in SHOW.items() if k != "title"}
    with pytest.raises(BundleError, match="'title': required field missing"):
        parse_operation(line("radio_show", "a", without_title), "r:1")


def test_a_made_up_kind_is_indexed_and_searched_by_its_own_code(radio, empty_folder):
    db = empty_folder.catalog
    apply_radio(db)
    rowids = [r for (r,) in db.execute(
        "SELECT s.rowid FROM search_text s JOIN records r ON r.rowid = s.record WHERE r.kind = 'radio_show'"
    )]
    assert len(rowids) == 3 and {(r >> RECORD_BITS) & 7 for r in rowids} == {6}
    low, high = rowid_range("es", "radio_show")
    assert sum(low <= r <= high for r in rowids) == 1
    # Its searched fields: a plain one (station) and a localized one (script).
    assert [h.id for h in search(db, "quillabamba", kind="radio_show")] == ["hora-del-cuento"]
    assert [h.id for h in search(db, "zorzal", kind="radio_show")] == ["hora-del-cuento"]
    assert search(db, "quillabamba", kind="organization") == []
    assert facet_values(db, "radio_show") == {"day": ["fri", "mon"]}
    assert [h.id for h in search(db, "cuento", kind="radio_show", facets={"day": "mon"})] == ["hora-del-cuento"]
    assert search(db, "cuento", kind="radio_show", facets={"day": "tue"}) == []
    # Its relation both ways.
    show = get_record(db, "radio_show", "hora-del-cuento")
    assert [(r.field, r.kind, r.id, r.title) for r in related(db, show, "es")] == [
        ("organization_ids", "organization", "ugel-cusco", "UGEL Cusco")
    ]
    organization = get_record(db, "organization", "ugel-cusco")
    assert [(r.field, r.kind, r.id) for r in related(db, organization, "es")] == [
        ("named_by", "radio_show", "hora-del-cuento")
    ]


def test_a_made_up_kind_is_shown_by_the_command_line(radio, seeded, seeded_dir, capsys):
    apply_radio(seeded.catalog)
    assert main(["--data-dir", str(seeded_dir), "show", "radio_show", "hora-del-cuento"]) == 0
    out = capsys.readouterr().out
    assert "== Radio show\n  La hora del cuento\n" in out
    assert "== Script\n  Buenos días, niños: hoy leemos el zorzal.\n" in out
    assert "== Details\n  Station: Radio Quillabamba\n  Days: mon, fri\n" in out
    assert "organization/ugel-cusco  UGEL Cusco" in out
    assert main(["--data-dir", str(seeded_dir), "search", "quillabamba", "--kind", "radio_show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"kind": "radio_show", "id": "hora-del-cuento", "catalog": "radio-test", "title": "La hora del cuento"}
    ]


def test_the_command_line_takes_only_the_kinds_of_its_table(seeded_dir, capsys):
    assert main(["--data-dir", str(seeded_dir), "show", "radio_show", "hora-del-cuento"]) == 2
    assert "invalid choice: 'radio_show'" in capsys.readouterr().err


def test_a_made_up_kind_gets_a_section_of_its_own(radio, qapp):
    from aulalocal.ui.sidebar import SectionModel

    sections = sections_of(radio)
    assert sections[: len(SECTIONS) - 2] == SECTIONS[:-2]  # home and the six kinds' sections as before
    (section,) = [s for s in sections if s.key == "radio"]
    assert (section.label, section.kinds, section.facets, section.icon) == ("School radio", ("radio_show",), ("day",), "SP_FileIcon")
    assert radio.facet_labels["day"] == ("Day", "Every day")
    model = SectionModel(sections)
    assert "School radio" in [model.index(n).data() for n in range(model.rowCount())]


def test_a_section_may_not_take_the_place_of_one_of_the_apps_own_pages():
    with pytest.raises(KindTableError, match="section 'notes' is one of the app's own pages"):
        sections_of(kinds.STANDARD.with_kind(_radio(section=Section("notes", "Radio notes"))))


def _radio(**changes) -> Kind:
    parts = {
        "code": RADIO.code, "label": RADIO.label, "section": RADIO.section, "fields": RADIO.fields, "facets": RADIO.facets,
    }
    return Kind(changes.pop("name", RADIO.name), **(parts | changes))


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        (_radio(code=7), "search code 7 is not one of 0-6 (7 stands for kinds this version does not know)"),
        (_radio(code=3), "search code 3 is already kind 'organization''s"),
        (_radio(name="program"), "kind 'program' is in the table twice"),
        (_radio(name="Radio Show"), "kind name 'Radio Show' is not lower-case"),
        (_radio(facets=(Facet("day", "weekdays", "Day", "Every day"),)), "facet 'day' names field 'weekdays', which the kind does not have"),
        (_radio(fields=(*RADIO.fields, Field("podcast_ids", Ids("podcast")))), "field 'podcast_ids' names records of an unknown kind 'podcast'"),
        (_radio(fields=(Field("title", Text()),)), "field 'title' is common to every kind already"),
        (_radio(section=Section("reports", "Radio")), "section 'reports' is labelled differently for kind 'resource'"),
        (
            _radio(fields=(*RADIO.fields, kinds.standard.COUNTRIES), facets=(Facet("country", "countries", "Country", "All countries"),)),
            "facet 'country' is labelled differently for kind 'program'",
        ),
    ],
)
def test_the_table_refuses_a_kind_that_does_not_fit(kind, reason):
    with pytest.raises(KindTableError) as refused:
        kinds.STANDARD.with_kind(kind)
    assert str(refused.value).startswith(f"kind '{kind.name}'") or str(refused.value).startswith("kind name")
    assert reason in str(refused.value)


def test_the_table_refuses_an_eighth_kind_no_code_left():
    full = kinds.STANDARD.with_kind(RADIO)
    with pytest.raises(KindTableError, match=r"kind 'podcast': no search code left \(codes 0-6 are taken; 7 stands for"):
        full.with_kind(_radio(name="podcast", code=6))
