"""The sections of the sidebar: what each shows and how it is filtered. No widgets here.

The catalog's sections come from the kind table (``aulalocal.kinds``); this
module adds the app's own pages and an icon for each.
"""

from __future__ import annotations

from dataclasses import dataclass

from aulalocal import kinds
from aulalocal.errors import N_


@dataclass(frozen=True)
class Section:
    key: str
    label: str  # English msgid, translated when shown
    kinds: tuple[str, ...] = ()
    facets: tuple[str, ...] = ()
    icon: str = "SP_FileIcon"  # a QStyle standard pixmap name
    shortcut: str = ""


# QStyle standard pixmaps of the catalog sections; a new one gets the plain file icon.
ICONS = {
    "programs": "SP_FileDialogContentsView",
    "safety": "SP_MessageBoxWarning",
    "years": "SP_FileDialogListView",
    "organizations": "SP_DirIcon",
    "reports": "SP_FileDialogDetailedView",
}


HOME = Section("home", N_("Home"), icon="SP_DirHomeIcon")
OWN = (
    Section("favorites", N_("Favorites"), icon="SP_DialogYesButton"),
    Section("notes", N_("Notes"), icon="SP_FileDialogInfoView"),
)


def sections_of(table: kinds.Table) -> tuple[Section, ...]:
    """Home, one section per section of the kind table, then the teacher's favorites and notes."""
    listed = tuple(
        Section(s.key, s.label, table.kinds_in(s), table.filters_in(s), ICONS.get(s.key, "SP_FileIcon"))
        for s in table.sections
    )
    for section in listed:
        if section.key in {HOME.key, *(s.key for s in OWN)}:
            raise kinds.KindTableError(f"section '{section.key}' is one of the app's own pages")
    return (HOME, *listed, *OWN)


SECTIONS: tuple[Section, ...] = sections_of(kinds.active())
BY_KEY = {s.key: s for s in SECTIONS}
# Sections that list catalog records (not the home page or the teacher's own items).
CATALOG_SECTIONS = tuple(s for s in SECTIONS if s.kinds)


def section_for_kind(kind: str) -> Section:
    for section in CATALOG_SECTIONS:
        if kind in section.kinds:
            return section
    return BY_KEY["home"]


# Labels of the facet filters: "All regions" as the first entry of each.
FACET_LABELS = kinds.active().facet_labels
