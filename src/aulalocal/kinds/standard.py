"""The six record kinds of bundle format 1 (spec sections 4 and 5).

A new kind goes here: its fields, facets and section, and a search code no
kind has used (see ``kinds.table``). The codes below are stored in every
catalog database: they never change.
"""

from __future__ import annotations

from aulalocal.errors import N_
from aulalocal.kinds.fields import (
    Countries, Field, Ids, Integer, Localized, LocalizedList, LocalizedParts, Strings, Text,
)
from aulalocal.kinds.table import Facet, Kind, Section

COUNTRIES = Field("countries", Countries(), search=True, label=N_("Countries"))
ORGANIZATIONS = Field("organization_ids", Ids("organization"))
REPORTS = Section("reports", N_("Reports and laws"))

PROGRAM = Kind(
    "program",
    code=0,
    label=N_("Program or practice"),
    plural=N_("Programs"),
    section=Section("programs", N_("Programs and good practices")),
    fields=(
        ORGANIZATIONS,
        Field("year_start", Integer(), search=True, label=N_("Since")),
        Field("year_end", Integer(), search=True, label=N_("Until")),
        COUNTRIES,
        Field("regions", Strings(), search=True, label=N_("Regions")),
        Field("settings", Strings(allowed=("rural", "urban", "peri-urban")), label=N_("Rural or urban")),
        Field(
            "levels",
            Strings(allowed=("early", "primary", "secondary", "adult", "teacher")),
            label=N_("Levels"),
        ),
        Field("evidence", Localized(), search=True, label=N_("Evidence")),
        Field(
            "practice",
            LocalizedParts(
                {
                    "equity": N_("Equity"),
                    "systematisation": N_("Systematisation"),
                    "replicability": N_("Replicability"),
                }
            ),
            search=True,
        ),
    ),
    facets=(
        Facet("region", "regions", N_("Region"), N_("All regions")),
        Facet("level", "levels", N_("Level"), N_("All levels")),
        Facet("setting", "settings", N_("Setting"), N_("All settings")),
        Facet("country", "countries"),
    ),
)

SAFETY_GUIDE = Kind(
    "safety_guide",
    code=1,
    label=N_("Digital safety guide"),
    plural=N_("Digital safety"),
    section=Section("safety", N_("Digital safety")),
    fields=(
        Field("audience", Strings(allowed=("teacher", "parent", "student")), label=N_("For")),
        Field(
            "topics",
            Strings(
                allowed=(
                    "safe-use", "privacy", "grooming", "cyberbullying", "sexual-exploitation", "reporting",
                )
            ),
            label=N_("Topics"),
        ),
        ORGANIZATIONS,
        Field("legal_reference_ids", Ids("legal_reference")),
    ),
    facets=(
        Facet("audience", "audience", N_("For"), N_("All audiences")),
        Facet("topic", "topics", N_("Topic"), N_("All topics")),
    ),
)

YEAR_FOCUS = Kind(
    "year_focus",
    code=2,
    label=N_("Year focus"),
    plural=N_("Year focuses"),
    section=Section("years", N_("Year focus")),
    fields=(
        Field("year", Integer(1, 6), required=True, search=True, label=N_("Year")),
        Field("focus", Localized(), required=True, search=True, label=N_("Focus"), lead=True),
        Field("activities", LocalizedList(), search=True, label=N_("Classroom activities")),
        Field("program_ids", Ids("program")),
    ),
    facets=(Facet("year", "year", N_("Year"), N_("All years")),),
)

ORGANIZATION = Kind(
    "organization",
    code=3,
    label=N_("Organization"),
    plural=N_("Organizations"),
    section=Section("organizations", N_("Organizations")),
    fields=(
        Field(
            "kind",
            Text(allowed=("government", "ngo", "international", "company", "network", "university", "school")),
        ),
        COUNTRIES,
    ),
    facets=(Facet("country", "countries"),),
)

RESOURCE = Kind(
    "resource",
    code=4,
    label=N_("Report"),
    plural=N_("Reports"),
    section=REPORTS,
    fields=(
        Field("year", Integer(), search=True, label=N_("Year")),
        Field("authors", Strings(), search=True, label=N_("Authors")),
        Field("publisher", Text(), search=True, label=N_("Publisher")),
        Field("kind", Text(allowed=("report", "paper", "study", "chapter", "law", "other"))),
    ),
)

LEGAL_REFERENCE = Kind(
    "legal_reference",
    code=5,
    label=N_("Law"),
    plural=N_("Laws"),
    section=REPORTS,
    fields=(
        Field("instrument", Text(), search=True, label=N_("Instrument")),
        Field("article", Text(), search=True, label=N_("Article")),
        Field("penalty", Localized(), search=True, label=N_("Penalty")),
    ),
)

KINDS = (PROGRAM, SAFETY_GUIDE, YEAR_FOCUS, ORGANIZATION, RESOURCE, LEGAL_REFERENCE)
