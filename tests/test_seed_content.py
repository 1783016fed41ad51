"""The shipped catalog names every item of the source documents, faithfully.

Where the documents are present (``../shared/seeds/``), each expectation is
first checked against them, so this list cannot drift from what they say.
"""

from __future__ import annotations

import json
import re

import pytest

from aulalocal.bundle import source
from aulalocal.bundle.records import parse_operation
from tests.conftest import SEEDS, SOURCE_DOCUMENTS

LANGS = ("es", "qu", "en")


def documents() -> str:
    if not SOURCE_DOCUMENTS.is_dir():
        return ""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SOURCE_DOCUMENTS.glob("*.txt")))


DOCS = documents()


def record(kind: str, id_: str) -> dict:
    path = SEEDS / kind / f"{id_}.json"
    assert path.is_file(), f"missing seed record {kind}/{id_}"
    return json.loads(path.read_text(encoding="utf-8"))


def english(data: dict) -> str:
    """Every English text of a record, and its plain fields, as one string."""
    parts = []

    def walk(value):
        if isinstance(value, dict):
            if "en" in value and isinstance(value["en"], str):
                parts.append(value["en"])
            else:
                for v in value.values():
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, (str, int)):
            parts.append(str(value))

    walk(data)
    return "\n".join(parts)


def in_docs(needle: str) -> None:
    if DOCS:
        assert needle in DOCS, f"the documents do not say {needle!r}: fix the expectation"


# (kind, id, phrase the documents use, facts the record must carry)
ITEMS = [
    # The ten practices of the Second Mapping
    ("program", "steam-sin-barreras", "STEAM Without Barriers", ["Sabanalarga", "200"]),
    ("program", "semilla-digital", "Digital Seed", ["Cauca", "30"]),
    ("program", "aprendemos-juntos-educa-sm-tv", "We Learn Together with EDUCA SM TV", ["1,500"]),
    ("program", "ciudadania-digital-adultos-mayores", "Digital Citizenship and Rights for Older Adults", ["UNAM"]),
    ("program", "ingenieria-un-futuro", "Engineering a Future", ["Mexico City"]),
    ("program", "docentes-liderazgo-digital", "Teachers with Digital Leadership", ["Bolivia", "Paraguay"]),
    ("program", "zona-steam", "STEAM Zone", ["Jalisco"]),
    ("program", "laboratorios-arte-tecnologia", "Art and Technology Labs", ["Seguimos Educando"]),
    ("program", "exploradores-clima-tierra", "Climate and Earth Explorers", ["Cusco"]),
    ("program", "aventura-lectura-digital", "Digital Reading Adventure", ["reading comprehension"]),
    ("program", "segundo-mapeo-buenas-practicas", "179 initiatives from 17 countries", ["179", "17", "54%", "13%"]),
    # Peru country profile
    ("program", "huascaran", "Huascarán Program", ["2002", "five and ten computers"]),
    ("program", "olpc-peru", "One Laptop Per Child", ["40,000", "550", "100,000"]),
    ("program", "quechua-lip-microsoft", "Language Interface Pack (LIP) in Quechua", ["2006", "three million", "800"]),
    ("program", "pen-2021", "National Education Project 2021", ["Internet Kiosks"]),
    ("program", "curriculo-nacional-2008", "National Curriculum for Basic Education", ["2008"]),
    ("program", "plan-gobierno-electronico-2009", "e-Government Master Plan", ["2009"]),
    ("program", "plan-nacional-tic-educacion-2010-2020", "National Plan for ICT in Education", ["2010", "2020"]),
    ("program", "perueduca", "PerúEduca", ["PerúEduca"]),
    ("program", "poeta", "POETA", ["disabilities"]),
    ("program", "casa-buen-trato-hovde", "Casa del Buen Trato Hovde", ["80"]),
    ("program", "maestros-siglo-xxi", "Masters of the XXI Century", ["35,000", "Intel"]),
    ("program", "aula-365", "Aula 365", ["3,000", "Movistar"]),
    ("program", "bibliotecas-para-el-desarrollo", "Libraries for Development", ["Pucallpa", "Trujillo", "Yauya", "36%"]),
    ("program", "unesco-desarrollo-docente", "Teaching Development Enhancement Project", ["UNESCO"]),
    ("program", "campana-conducta-segura-2009", "safe behavior online", ["Lima", "Callao"]),
    ("program", "inhope-2015", "INHOPE’s Annual General Assembly", ["2015", "Hague"]),
    ("program", "proteccion-infantil-en-linea-2015", "Child Online Protection in Latin America", ["GSMA", "UNICEF"]),
    ("program", "construyendo-escuelas-exitosas", "Construyendo Escuelas Exitosas", ["25 million"]),
    # Eradicating the Gaps
    ("program", "refuerzo-escolar", "after-school educational support", []),
    ("program", "formacion-docente-necesidades", "train teachers", []),
    ("program", "tecnologia-aprendizaje-personalizado", "personalized learning", []),
    ("program", "participacion-comunidad", "mayors", []),
    # Organizations
    ("organization", "inn", "Instituto Interamericano del Niño", []),
    ("organization", "interpol", "INTERPOL", ["190"]),
    ("organization", "relpe", "RELPE", ["2004"]),
    ("organization", "riate", "RIATE", ["21"]),
    ("organization", "olpc", "One Laptop per Child (OLPC)", []),
    ("organization", "perueduca", "Peru Educational Portal", ["2012"]),
    ("organization", "red-peruana-contra-pornografia-infantil", "Peruvian Network against Child Pornography", []),
    ("organization", "seguros-en-internet", "Seguros en Internet", ["anonymous"]),
    ("organization", "foro-generaciones-interactivas", "The Interactive Generations Forum", ["2008"]),
    ("organization", "rednatic", "RedNATIC", []),
    ("organization", "ipae", "Instituto Peruano de Acción Empresarial", []),
    ("organization", "oas", "Organisation of American States", []),
    ("organization", "profuturo", "ProFuturo", []),
    ("organization", "minedu", "MINEDU", []),
    ("organization", "fundacion-plan", "Fundación PLAN", []),
    ("organization", "unam", "UNAM", []),
    ("organization", "intel", "Intel", []),
    ("organization", "microsoft", "Microsoft", []),
    ("organization", "telefonica", "Telefonica", []),
    ("organization", "unesco", "UNESCO", []),
    ("organization", "idb", "Inter-American Development Bank", []),
    # Reports
    ("resource", "idb-olpc-evaluation-2012", "Technology and Child Development", ["2012", "0.12", "1.18", "26%"]),
]

ARTICLES = ["154", "170", "173", "173-A", "174", "175", "176", "176-A", "177", "178", "179",
            "179-A", "180", "181", "181-A", "182", "182-A", "183", "183-A", "183-B"]

REPORT_TITLES = [
    ("Committee on the Rights of the Child considers the report of Peru", 2016),
    ("Protecting Children from Cybercrime", 2015),
    ("A Global Landscape of Hotlines", 2015),
    ("Information and Communications Technology and Child Sexual Exploitation", 2015),
    ("Más Tecnología, Más Cambio?", 2015),
    ("Sexual Exploitation of Children in Latin America", 2014),
    ("Designing Collaborative Teacher Training Curriculum", 2014),
    ("into a Digital City", 2012),
    ("Technology and Child Development", 2012),
    ("Why governments Should do their Homework", 2011),
    ("Commercial Sexual Exploitation of Children and the Internet", 2011),
    ("2009 Findings on the worst Forms of Child Labor", 2010),
    ("Does ICT Increase Years of Education?", 2010),
    ("Los desafíos de las TIC para el cambio educativo", 2009),
    ("Digital Divide among Low Income People", 2008),
    ("Digital Poverty: Concept and measurement", 2007),
    ("2005 Findings on the worst Forms of Child Labor", 2006),
]

YEAR_FOCUS = {1: "Reading and writing", 2: "Critical thinking and logic", 3: "Communication",
              4: "Socialization", 5: "Learning skills and personal development"}

CEE_REGIONS = ["Piura", "Cajamarca", "Ancash", "La Libertad", "Huánuco", "Lima", "Pasco", "Junín",
               "Huancavelica", "Ayacucho", "Ica", "Arequipa", "Puno", "Apurimac", "Cusco"]


@pytest.mark.parametrize("kind, id_, phrase, facts", ITEMS, ids=[i[1] + "-" + i[0] for i in ITEMS])
def test_item_of_the_documents_is_in_the_catalog(kind, id_, phrase, facts):
    in_docs(phrase)
    text = english(record(kind, id_)).lower()
    for fact in facts:
        in_docs(fact)
        assert fact.lower() in text, f"{kind}/{id_} does not carry {fact!r}"


def test_ten_practices_carry_their_practice_texts():
    practices = [i for i in ITEMS[:10]]
    for kind, id_, _phrase, _facts in practices:
        practice = record(kind, id_)["practice"]
        assert set(practice) == {"equity", "systematisation", "replicability"}


def test_olpc_evaluation_findings_are_kept_unflattering():
    evidence = record("program", "olpc-peru")["evidence"]["en"]
    for fact in ["0.12", "1.18", "little solid evidence", "math", "attendance", "200", "26%"]:
        in_docs(fact)
        assert fact in evidence


def test_every_penal_code_article_with_its_penalty():
    for article in ARTICLES:
        in_docs(f"Article {article}, Penal Code")
        data = record("legal_reference", f"cp-{article.lower()}")
        assert data["article"] == article
        assert data["instrument"] == "Código Penal"
        if article != "178":  # support for offspring, no prison term
            assert re.search(r"years|life imprisonment", data["penalty"]["en"], re.IGNORECASE), article
    assert "four and eight years" in record("legal_reference", "cp-183-b")["penalty"]["en"]
    assert "three to six years" in record("legal_reference", "cp-183-b")["penalty"]["en"]


def test_laws_and_ages():
    in_docs("Law 30096")
    in_docs("Law 30171")
    assert "2013" in english(record("legal_reference", "ley-30096"))
    assert "2014" in english(record("legal_reference", "ley-30171"))
    consent = english(record("legal_reference", "edad-consentimiento-sexual"))
    assert "2007" in consent and "fourteen" in consent.lower()
    assert "eighteen" in english(record("legal_reference", "mayoria-de-edad")).lower()


def test_every_report_of_the_profile_with_its_year():
    resources = [json.loads(p.read_text(encoding="utf-8")) for p in (SEEDS / "resource").glob("*.json")]
    for title, year in REPORT_TITLES:
        in_docs(title)
        matches = [r for r in resources if title.lower() in english(r).lower() or title in r["title"]["es"]]
        assert matches, f"no resource for {title!r}"
        assert any(r.get("year") == year for r in matches), f"{title!r} should be dated {year}"


def test_year_focuses_one_to_five_with_activities_and_programs():
    for year, focus in YEAR_FOCUS.items():
        in_docs(f"Year {year}: {focus}")
        data = record("year_focus", f"cee-anio-{year}")
        assert data["year"] == year
        assert focus.lower() in data["focus"]["en"].lower()
        assert len(data["activities"]) >= 2
        assert "construyendo-escuelas-exitosas" in data["program_ids"]


def test_construyendo_escuelas_exitosas_regions_and_settings():
    data = record("program", "construyendo-escuelas-exitosas")
    for region in CEE_REGIONS:
        in_docs(region)
    assert data["regions"] == CEE_REGIONS
    assert set(data["settings"]) == {"rural", "urban", "peri-urban"}
    assert data["levels"] == ["primary"]
    assert "ipae" in data["organization_ids"]


def test_safety_guides_cover_every_audience_and_topic_and_link_laws():
    guides = [json.loads(p.read_text(encoding="utf-8")) for p in (SEEDS / "safety_guide").glob("*.json")]
    assert len(guides) >= 10
    assert {a for g in guides for a in g["audience"]} == {"teacher", "parent", "student"}
    topics = {t for g in guides for t in g["topics"]}
    assert {"safe-use", "privacy", "grooming", "sexual-exploitation", "reporting"} <= topics
    assert all(g.get("legal_reference_ids") or g.get("organization_ids") for g in guides)
    assert any("cp-183-b" in g.get("legal_reference_ids", []) for g in guides)
    assert any("seguros-en-internet" in g.get("organization_ids", []) for g in guides)


def test_every_seed_record_is_valid_trilingual_and_its_links_resolve():
    ids = {(kind, id_) for kind, id_, _ in source.record_files(SEEDS)}
    relations = {"organization_ids": "organization", "legal_reference_ids": "legal_reference", "program_ids": "program"}
    for (line, where), (kind, id_, path) in zip(source.upsert_lines(SEEDS), source.record_files(SEEDS)):
        parse_operation(line, where, allow_delete=False)
        data = json.loads(path.read_text(encoding="utf-8"))

        def localized(value, field):
            if isinstance(value, dict) and "es" in value:
                assert all(value.get(lang, "").strip() for lang in LANGS), f"{where}: {field} lacks a language"
            elif isinstance(value, dict):
                for k, v in value.items():
                    localized(v, f"{field}.{k}")
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    localized(v, f"{field}[{i}]")

        for field in ("title", "summary", "body", "practice", "evidence", "focus", "activities", "penalty", "links"):
            if field in data:
                localized(data[field], field)
        for field, target in relations.items():
            for ref in data.get(field, []):
                assert (target, ref) in ids, f"{where}: {field} names missing {target}/{ref}"
        assert "<" not in json.dumps(data, ensure_ascii=False), f"{where}: markup in plain text"
