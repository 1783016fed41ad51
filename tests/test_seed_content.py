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
    ("organization", "movistar", "The telecommunications provider Movistar", ["Aula 365", "3,000"]),
    ("organization", "internet-world-stats", "Internet World Stats", ["GSMA Intellligence"]),
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


# ---------------------------------------------------------------------------------------------
# The catalog against its sources: what the documents say, and no more (issue 15).
# ---------------------------------------------------------------------------------------------

def records() -> list[tuple[str, str, dict]]:
    return [(kind, id_, json.loads(path.read_text(encoding="utf-8"))) for kind, id_, path in source.record_files(SEEDS)]


def texts(value) -> list[dict]:
    """Every localized text of a record (title, summary, body, practice, activities...)."""
    if isinstance(value, dict) and isinstance(value.get("es"), str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return []


def clauses(text: str) -> list[str]:
    return [c for c in re.split(r"(?<=[.;:])\s+|\n+", text) if c.strip()]


def doc_sentences() -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", DOCS) if s.strip()]


def test_reporting_guide_gives_the_one_channel_the_documents_name():
    in_docs("allows people to report illegal activities")
    in_docs("submit reports anonymously")
    # INHOPE and Interpol are named, but never as a place to report
    for sentence in doc_sentences():
        if re.search(r"INHOPE|Interpol", sentence, re.IGNORECASE):
            assert not re.search(r"report|hotline", sentence, re.IGNORECASE), sentence
    guide = record("safety_guide", "como-denunciar")
    assert not {"inhope", "interpol"} & set(guide["organization_ids"])
    assert "seguros-en-internet" in guide["organization_ids"]
    assert "only reporting channel" in guide["summary"]["en"]
    assert "not as channels" in guide["body"]["en"]
    for lang in LANGS:
        assert "Seguros en Internet" in guide["summary"][lang]
    channel_words = re.compile(r"hotline|l[íi]neas? de denuncia|willanakuna", re.IGNORECASE)
    for kind, id_, data in records():
        for text in texts(data):
            for lang in LANGS:
                for clause in clauses(text[lang]):
                    if "INHOPE" in clause or re.search(r"\bInterpol\b", clause, re.IGNORECASE):
                        assert not channel_words.search(clause), f"{kind}/{id_} ({lang}) presents {clause!r} as a channel"


def test_article_183_b_and_law_30096_are_each_what_the_text_says():
    in_docs("penalized grooming")
    paragraphs = DOCS.split("\n")
    if DOCS:
        [article] = [p for p in paragraphs if "Article 183-B" in p]
        [law] = [p for p in paragraphs if "Law 30096" in p]
        assert "grooming" not in article and "30096" not in article and "183-B" not in law
    for kind, id_, data in records():
        for text in texts(data):
            for lang in LANGS:
                for clause in clauses(text[lang]):
                    assert not ("183-B" in clause and "30096" in clause), f"{kind}/{id_} ({lang}) ties them: {clause!r}"
    article = record("legal_reference", "cp-183-b")
    for lang in LANGS:
        assert "grooming" not in (article["title"][lang] + article["summary"][lang]).lower()
    assert "does not say whether this article is the one that law introduced" in article["body"]["en"]
    guide = record("safety_guide", "grooming-183-b")
    assert "do not say that Article 183-B comes from that law" in guide["summary"]["en"]


AUTHOR_2011 = "Inter American Children’s Instirute"  # sic, as the document writes it
INN_NAME = "Instituto Interamericano del Niño, la Niña y Adolescente"


def test_2011_report_keeps_its_author_as_written_and_its_inn_link_is_called_an_inference():
    in_docs(AUTHOR_2011)
    report = record("resource", "iin-explotacion-sexual-internet-2011")
    assert report["publisher"].startswith(AUTHOR_2011)
    assert "is an inference" in report["body"]["en"] and "does not link" in report["body"]["en"]
    for kind, id_, data in records():
        flat = json.dumps(data, ensure_ascii=False)
        assert "Children's Institute" not in flat and "Children’s Institute" not in flat, f"{kind}/{id_} corrects the name"
        if "Instirute" in flat:
            assert "inn" not in data.get("organization_ids", []), f"{kind}/{id_} links the 2011 report to the INN"


def test_inn_is_named_as_the_document_names_it_everywhere():
    in_docs(INN_NAME + " (INN)")
    inn = record("organization", "inn")
    assert {inn["title"][lang] for lang in LANGS} == {INN_NAME + " (INN)"}
    for kind, id_, data in records():
        for text in texts(data):
            for lang in LANGS:
                assert not re.search(r"Instituto Interamericano del Niño(?!, la Niña y Adolescente\b)", text[lang]), f"{kind}/{id_}"
        body = data.get("body", {})
        for lang in LANGS:
            if re.search(r"\bINN\b", body.get(lang, "")):
                assert INN_NAME in body[lang], f"{kind}/{id_} ({lang}) names the INN otherwise"


def test_oui_titles_say_what_the_document_says():
    in_docs("Inter-American Organization (OUI)")
    oui = record("organization", "oui")
    assert oui["title"] == {"es": "Organización Interamericana (OUI)", "qu": "Organización Interamericana (OUI)",
                            "en": "Inter-American Organization (OUI)"}
    for kind, id_, data in records():
        assert "Universitaria" not in json.dumps(data, ensure_ascii=False), f"{kind}/{id_} names the OUI otherwise"


def test_both_statistics_sources_are_in_the_catalog():
    in_docs("Statistics provided by, Internet World Stats and GSMA Intellligence")
    for heading in ("Population 0‑14", "Internet Users", "Facebook Users", "Mobile Subscribers"):
        in_docs(heading)
    stats = english(record("organization", "internet-world-stats"))
    for fact in ("Internet World Stats", "GSMA Intellligence", "0-14", "Internet users", "Facebook users",
                 "mobile subscribers", "does not carry their figures"):
        assert fact in stats, fact
    assert "Internet World Stats" in record("organization", "gsma")["body"]["en"]


MAPPING_FRAMING = [
    "doesn’t always mean talking about the future",
    "inequality, unstable connections, schools with limited resources, and teachers doing a lot with very little",
    "rarely make the headlines",
    "the lack of technical resources is more than compensated for by creativity",
    "unfulfilled tech promises",
]


def test_second_mapping_records_keep_its_own_framing_unflattering_parts_included():
    for quote in MAPPING_FRAMING:
        in_docs(quote)
    for kind, id_ in (("program", "segundo-mapeo-buenas-practicas"), ("resource", "segundo-mapeo-informe")):
        body = record(kind, id_)["body"]
        for quote in MAPPING_FRAMING:
            assert quote in body["en"], f"{kind}/{id_} lacks {quote!r}"
        assert "desigualdad, conexiones inestables" in body["es"] and "promesas tecnológicas incumplidas" in body["es"]
    # the documents say who launched the mapping, not who published the report
    assert "launched the Second Mapping" in DOCS or not DOCS
    assert "publisher" not in record("resource", "segundo-mapeo-informe")


def test_one_spanish_name_per_practice_in_spanish_and_quechua():
    practices = {record(kind, id_)["title"]["en"]: record(kind, id_)["title"]["es"] for kind, id_, _p, _f in ITEMS[:10]}
    for english_name in practices:
        in_docs(english_name)
    assert practices["Digital Citizenship and Rights for Older Adults"] == "Ciudadanía Digital y Derechos para Personas Mayores"
    for kind, id_, data in records():
        for text in texts(data):
            for english_name, spanish_name in practices.items():
                if english_name in text["en"]:
                    for lang in ("es", "qu"):
                        assert spanish_name in text[lang], f"{kind}/{id_} ({lang}) names {english_name!r} otherwise"
        assert "Adultos Mayores" not in json.dumps(data, ensure_ascii=False), f"{kind}/{id_}"


CEE_RECORDS = [("program", "construyendo-escuelas-exitosas"), ("program", "cee-modelo-tres-niveles"),
               ("program", "cee-talleres-formacion")] + [("year_focus", f"cee-anio-{n}") for n in range(1, 6)]


def test_cee_records_say_the_year_one_way():
    for year in YEAR_FOCUS:
        in_docs(f"Year {year}:")
    for kind, id_ in CEE_RECORDS:
        for text in texts(record(kind, id_)):
            assert not re.search(r"grado|\d\.(?:er|º|°)", text["es"]), f"{kind}/{id_}: {text['es'][:80]!r}"
            assert not re.search(r"\bgrade\b", text["en"], re.IGNORECASE), f"{kind}/{id_}"
            for year in YEAR_FOCUS:
                if f"Year {year}" in text["en"]:
                    assert re.search(rf"\b[Aa]ño {year}\b", text["es"]), f"{kind}/{id_} es for Year {year}"
                    assert f"{year} kaq wata" in text["qu"], f"{kind}/{id_} qu for Year {year}"
    for year in YEAR_FOCUS:
        assert record("year_focus", f"cee-anio-{year}")["title"]["es"].startswith(f"Año {year}:")


def test_document_wording_in_spanish_records_is_said_to_be_the_original():
    for kind, id_, data in records():
        for text in texts(data):
            assert "Nombre en el documento:" not in text["es"], f"{kind}/{id_}"
    for article in ARTICLES:
        data = record("legal_reference", f"cp-{article.lower()}")
        name = re.match(r"Name in the document: “(.+)” \(Penal Code, Article ", data["body"]["en"]).group(1)
        in_docs(f"Article {article}, Penal Code")
        in_docs(name)
        assert data["body"]["es"].startswith(f"Nombre original en el documento, en inglés: «{name}»"), article
        assert data["title"]["en"].endswith(name), article


# An organization's `kind` (and its `countries`) is supported when a phrase of the documents about that
# organization says it: the phrase must be in the documents and hold a word of the kind (or country).
KIND_WORDS = {
    "government": ("ministry", "congress"),
    "ngo": ("ngo", "nonprofit"),
    "international": ("international", "organization of american states", "organisation of american states",
                      "united nations"),
    "network": ("network",),
    "university": ("university",),
    "company": ("provider", "company"),
}
ORG_KIND_EVIDENCE = {
    "acnudh": ("international", "United nations Human Rights Office of the High Comissioner"),
    "congreso-peru": ("government", "the National Congress of Peru"),
    "foro-generaciones-interactivas": ("ngo", "The Interactive Generations Forum\n\nA nonprofit organization"),
    "inn": ("international", "A specialized body of the Organization of American States (OAS)"),
    "interpol": ("international", "INTERPOL is the world’s largest international police organization"),
    "minedu": ("government", "Peruvian Ministry of Education (MINEDU)"),
    "ministerio-mujer-desarrollo-social": ("government", "In January 2009 the Ministry of Women and Social Development"),
    "movistar": ("company", "The telecommunications provider Movistar"),
    "oas": ("international", "the Organisation of American States (OAS)"),
    "olpc": ("ngo", "One Laptop per Child (OLPC)\n\nA nonprofit organization"),
    "paz-y-esperanza": ("ngo", "A number of NGOs operate in Peru and Microsoft has donated software to some of them "
                               "for the benefit of targeted groups with specific needs. The international human rights "
                               "organization, Paz y Esperanza"),
    "perueduca": ("government", "Peru Educational Portal\n\nLaunched by The Ministry of Educationl"),
    "poeta": ("ngo", "The NGO, Partnership in Opportunities for Employment through Technology in The Americas (POETA)"),
    "red-peruana-contra-pornografia-infantil": ("network", "Peruvian Network against Child Pornography"),
    "rednatic": ("network", "The Network for the Rights of Children and Adolescents"),
    "relpe": ("network", "Latin American Network of Educational Portals"),
    "riate": ("network", "Latin American Network of ICT and Education"),
    "secretaria-educacion-jalisco": ("government", "the Jalisco Ministry of Education"),
    "unam": ("university", "National Autonomous University of Mexico (UNAM)"),
    "universidad-de-navarra": ("university", "the University of Navarra"),
}
COUNTRY_WORDS = {"PE": ("peru", "peruvian", "peruano"), "MX": ("mexico",)}
ORG_COUNTRY_EVIDENCE = {
    "biblioteca-nacional-peru": (["PE"], "the National Library of Peru"),
    "congreso-peru": (["PE"], "the National Congress of Peru"),
    "ipae": (["PE"], "Instituto Peruano de Acción Empresarial (IPAE)"),
    "minedu": (["PE"], "Peruvian Ministry of Education (MINEDU)"),
    "ministerio-mujer-desarrollo-social": (["PE"], "Internet safety is of concern to Peruvians, with online news "
                                                   "sources running pieces on the subject, aimed largely at parents for "
                                                   "whom computers may be foreign territory. In January 2009 the Ministry "
                                                   "of Women and Social Development"),
    "perueduca": (["PE"], "Peru Educational Portal"),
    "red-peruana-contra-pornografia-infantil": (["PE"], "Peruvian Network against Child Pornography"),
    "secretaria-educacion-jalisco": (["MX"], "STEAM Zone – Mexico\nA programme run by the Jalisco Ministry of Education"),
    "seguros-en-internet": (["PE"], "Seguros en Internet\n\nIs part of the Peruvian Network against Child Pornography"),
    "unam": (["MX"], "National Autonomous University of Mexico (UNAM)"),
}


def test_organization_kind_and_countries_only_where_the_documents_support_them():
    for org, (kind, phrase) in ORG_KIND_EVIDENCE.items():
        in_docs(phrase)
        assert any(word in phrase.lower() for word in KIND_WORDS[kind]), f"{org}: {phrase!r} does not say {kind}"
    for org, (countries, phrase) in ORG_COUNTRY_EVIDENCE.items():
        in_docs(phrase)
        for country in countries:
            assert any(word in phrase.lower() for word in COUNTRY_WORDS[country]), f"{org}: {phrase!r} is not {country}"
    for kind, id_, data in records():
        if kind != "organization":
            continue
        assert data.get("kind") == ORG_KIND_EVIDENCE.get(id_, (None,))[0], f"organization/{id_}: kind {data.get('kind')}"
        assert data.get("countries") == ORG_COUNTRY_EVIDENCE.get(id_, (None,))[0], f"organization/{id_}: countries"


def test_movistar_and_telefonica_are_kept_as_the_documents_keep_them():
    if DOCS:
        assert not [p for p in DOCS.split("\n") if "Movistar" in p and "Telef" in p]
    assert "Movistar" not in json.dumps(record("organization", "telefonica")["title"], ensure_ascii=False)
    assert record("program", "aula-365")["organization_ids"] == ["movistar"]
    assert "movistar" in record("safety_guide", "aula-365")["organization_ids"]


def test_europol_is_read_from_the_documents_spelling_and_says_so():
    in_docs("EUROPL’s HQ")
    assert "EUROPOL" not in DOCS
    for kind, id_ in (("organization", "europol"), ("program", "inhope-2015")):
        assert "EUROPL’s HQ" in record(kind, id_)["body"]["en"], f"{kind}/{id_}"
