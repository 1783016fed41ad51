"""A record as readable sections in one language, for the detail view, ``show`` and handouts."""

from __future__ import annotations

from aulalocal.catalog.queries import Record
from aulalocal.errors import N_
from aulalocal.i18n import gettext as _
from aulalocal.i18n import localized

# (field, heading) of the localized fields, in reading order.
LOCALIZED_SECTIONS = (
    ("summary", N_("Summary")),
    ("focus", N_("Focus")),
    ("body", N_("Description")),
    ("evidence", N_("Evidence")),
    ("penalty", N_("Penalty")),
)
PRACTICE_SECTIONS = (
    ("equity", N_("Equity")),
    ("systematisation", N_("Systematisation")),
    ("replicability", N_("Replicability")),
)
FACT_FIELDS = (
    ("instrument", N_("Instrument")),
    ("article", N_("Article")),
    ("year", N_("Year")),
    ("year_start", N_("Since")),
    ("year_end", N_("Until")),
    ("countries", N_("Countries")),
    ("regions", N_("Regions")),
    ("settings", N_("Rural or urban")),
    ("levels", N_("Levels")),
    ("audience", N_("For")),
    ("topics", N_("Topics")),
    ("authors", N_("Authors")),
    ("publisher", N_("Publisher")),
)
# Enumerated values shown in the user's language.
VALUE_NAMES = {
    "rural": N_("rural"),
    "urban": N_("urban"),
    "peri-urban": N_("peri-urban"),
    "early": N_("early childhood"),
    "primary": N_("primary"),
    "secondary": N_("secondary"),
    "adult": N_("adults"),
    "teacher": N_("teachers"),
    "parent": N_("parents"),
    "student": N_("students"),
    "safe-use": N_("safe use"),
    "privacy": N_("privacy"),
    "grooming": N_("grooming"),
    "cyberbullying": N_("cyberbullying"),
    "sexual-exploitation": N_("sexual exploitation"),
    "reporting": N_("reporting"),
}
KIND_NAMES = {
    "program": N_("Program or practice"),
    "safety_guide": N_("Digital safety guide"),
    "year_focus": N_("Year focus"),
    "organization": N_("Organization"),
    "resource": N_("Report"),
    "legal_reference": N_("Law"),
}


def value_name(value) -> str:
    text = VALUE_NAMES.get(str(value))
    return _(text) if text else str(value)


def title(record: Record, lang: str) -> tuple[str, str | None]:
    """The title and, when it fell back to another language, that language."""
    text, used = localized(record.data.get("title"), lang)
    return text, used if used != lang else None


def record_sections(record: Record, lang: str) -> list[tuple[str, str, str | None]]:
    """(heading, text, fallback language or None); the first section is the title."""
    data = record.data
    heading, fallback = title(record, lang)
    sections = [("", heading, fallback)]

    def add(label: str, value) -> None:
        text, used = localized(value, lang)
        if text:
            sections.append((_(label), text, used if used != lang else None))

    for field, label in LOCALIZED_SECTIONS:
        add(label, data.get(field))
    for field, label in PRACTICE_SECTIONS:
        add(label, (data.get("practice") or {}).get(field))
    activities = [localized(a, lang) for a in data.get("activities") or []]
    if activities:
        fell_back = next((used for _t, used in activities if used != lang), None)
        sections.append((_("Classroom activities"), "\n".join(f"• {t}" for t, _u in activities), fell_back))
    facts = []
    for field, label in FACT_FIELDS:
        value = data.get(field)
        if value in (None, [], ""):
            continue
        if record.kind in ("organization", "resource") and field == "kind":
            continue
        shown = ", ".join(value_name(v) for v in value) if isinstance(value, list) else value_name(value)
        facts.append(f"{_(label)}: {shown}")
    if facts:
        sections.append((_("Details"), "\n".join(facts), None))
    links = data.get("links") or []
    if links:
        lines = [f"{localized(link.get('label'), lang)[0]}: {link.get('url')}" for link in links]
        sections.append((_("Links (no internet needed to read this; open only when connected)"), "\n".join(lines), None))
    return sections
