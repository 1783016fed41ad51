"""A record as readable sections in one language, for the detail view, ``show`` and handouts."""

from __future__ import annotations

from aulalocal import i18n, kinds
from aulalocal.catalog.queries import Record
from aulalocal.errors import N_
from aulalocal.i18n import gettext as _
from aulalocal.i18n import localized

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


def kind_name(kind: str) -> str:
    """The kind's display name in the user's language (its id for a kind this version does not know)."""
    known = kinds.active().get(kind)
    return _(known.label) if known else kind


def value_name(value) -> str:
    text = VALUE_NAMES.get(str(value))
    return _(text) if text else str(value)


def country_name(code: str, lang: str | None = None) -> str:
    """A country code's name in the language ("PE": "Perú"), from CLDR; the code when CLDR has no name."""
    return i18n.babel_locale(lang).territories.get(str(code).upper(), str(code))


def field_value_name(type_: kinds.FieldType, value, lang: str | None = None) -> str:
    """A plain field's value as a reader sees it: a name for a code."""
    if isinstance(type_, kinds.Countries):
        return country_name(value, lang)
    return value_name(value)


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

    facts = []
    links = None
    for field in kinds.active().kind(record.kind).reading_order:
        value = data.get(field.name)
        type_ = field.type
        if isinstance(type_, kinds.LocalizedParts):
            for part, label in type_.parts.items():
                add(label, (value or {}).get(part))
        elif not field.label or value in (None, [], ""):
            continue
        elif isinstance(type_, kinds.Localized):
            add(field.label, value)
        elif isinstance(type_, kinds.LocalizedList):
            items = [localized(item, lang) for item in value]
            fell_back = next((used for _t, used in items if used != lang), None)
            sections.append((_(field.label), "\n".join(f"• {t}" for t, _u in items), fell_back))
        elif isinstance(type_, kinds.Links):
            lines = [f"{localized(link.get('label'), lang)[0]}: {link.get('url')}" for link in value]
            links = (_(field.label), "\n".join(lines), None)
        else:
            values = value if isinstance(value, list) else [value]
            shown = ", ".join(field_value_name(type_, v, lang) for v in values)
            facts.append(f"{_(field.label)}: {shown}")
    if facts:
        sections.append((_("Details"), "\n".join(facts), None))
    if links:
        sections.append(links)
    return sections
