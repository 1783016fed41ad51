"""The sections of the sidebar: what each shows and how it is filtered. No widgets here."""

from __future__ import annotations

from dataclasses import dataclass

from aulalocal.errors import N_


@dataclass(frozen=True)
class Section:
    key: str
    label: str  # English msgid, translated when shown
    kinds: tuple[str, ...] = ()
    facets: tuple[str, ...] = ()
    icon: str = "SP_FileIcon"  # a QStyle standard pixmap name
    shortcut: str = ""


SECTIONS: tuple[Section, ...] = (
    Section("home", N_("Home"), icon="SP_DirHomeIcon"),
    Section("programs", N_("Programs and good practices"), ("program",), ("region", "level", "setting"), "SP_FileDialogContentsView"),
    Section("safety", N_("Digital safety"), ("safety_guide",), ("audience", "topic"), "SP_MessageBoxWarning"),
    Section("years", N_("Year focus"), ("year_focus",), ("year",), "SP_FileDialogListView"),
    Section("organizations", N_("Organizations"), ("organization",), (), "SP_DirIcon"),
    Section("reports", N_("Reports and laws"), ("resource", "legal_reference"), (), "SP_FileDialogDetailedView"),
    Section("favorites", N_("Favorites"), icon="SP_DialogYesButton"),
    Section("notes", N_("Notes"), icon="SP_FileDialogInfoView"),
)
BY_KEY = {s.key: s for s in SECTIONS}
# Sections that list catalog records (not the home page or the teacher's own items).
CATALOG_SECTIONS = tuple(s for s in SECTIONS if s.kinds)


def section_for_kind(kind: str) -> Section:
    for section in CATALOG_SECTIONS:
        if kind in section.kinds:
            return section
    return BY_KEY["home"]


# Labels of the facet filters: "All regions" as the first entry of each.
FACET_LABELS = {
    "region": (N_("Region"), N_("All regions")),
    "level": (N_("Level"), N_("All levels")),
    "setting": (N_("Setting"), N_("Rural and urban")),
    "audience": (N_("For"), N_("Everyone")),
    "topic": (N_("Topic"), N_("All topics")),
    "year": (N_("Year"), N_("All years")),
}
