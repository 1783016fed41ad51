"""What a record kind is, and the table of kinds that refuses an inconsistent kind.

Everything else derives from the table: validation (``bundle.records``),
search text, search codes and facets (``catalog.text``), relations
(``catalog.queries``), the detail view's text (``recordtext``), the CLI's
``--kind`` choices and the UI's sections.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from aulalocal.kinds.fields import (
    BODY, COMMON_FIELDS, LINKS, MEDIA, SUMMARY, TAGS, TITLE, UPDATED, Field, FieldType, Ids,
)

# A kind's code fills 3 bits of a search_text rowid (catalog.text); 7 stands
# for a kind this version does not know (a newer app's data). Codes are
# stored in every database: a shipped kind's code never changes.
OTHER_CODE = 7
CODES = range(OTHER_CODE)
_NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_COMMON_NAMES = frozenset(f.name for f in COMMON_FIELDS)


class KindTableError(ValueError):
    """A kind that does not fit the table (a developer's mistake, said plainly)."""


class Section:
    """Where a kind is listed in the app: one section may hold several kinds."""

    __slots__ = ("key", "label")

    def __init__(self, key: str, label: str) -> None:
        self.key = key
        self.label = label  # msgid

    def __repr__(self) -> str:
        return f"Section({self.key!r})"


class Facet:
    """A value of a record indexed to filter by. Only a labelled facet is offered as a filter."""

    __slots__ = ("name", "field", "label", "everything")

    def __init__(self, name: str, field: str, label: str = "", everything: str = "") -> None:
        self.name = name
        self.field = field
        self.label = label  # the filter's name (msgid)
        self.everything = everything  # the filter's first entry, no filtering ("All regions")


class Kind:
    """A record kind: its fields (besides the common ones), facets, search code, name and section.

    ``code`` is its 3 bits in the search rowid (``catalog.text``), ``label``
    its display name (a msgid), ``plural`` the name of many of them (a
    publisher's sheet of them; the label when not given). The rest is
    derived here, once.
    """

    def __init__(
        self, name: str, *, code: int, label: str, section: Section,
        fields: tuple[Field, ...] = (), facets: tuple[Facet, ...] = (), plural: str = "",
    ) -> None:
        self.name = name
        self.code = code
        self.label = label
        self.plural = plural or label
        self.section = section
        self.fields = fields
        self.facets = facets
        lead = tuple(f for f in fields if f.lead)
        rest = tuple(f for f in fields if not f.lead)
        # Every field, common ones included, in the order a reader meets them.
        self.reading_order = (TITLE, SUMMARY, *lead, BODY, TAGS, *rest, LINKS, MEDIA, UPDATED)
        self.checks: dict[str, FieldType] = {f.name: f.type for f in self.reading_order}
        self.required = (TITLE.name, *(f.name for f in fields if f.required))
        self.searched = tuple((f.name, f.type) for f in self.reading_order if f.search)
        # Field -> kind of the records it names.
        self.relations = {f.name: f.type.kind for f in fields if isinstance(f.type, Ids)}
        self.filters = tuple(f for f in facets if f.label)

    def localized_texts(self, data: dict) -> list[tuple[str, dict]]:
        """(path, text) of every localized text of a record of this kind, in reading order.

        Paths: ``title``, ``body``, ``practice.equity``, ``activities[2]``,
        ``links[0].label``; a record's ``proper_names`` names texts the same way.
        """
        return [pair for f in self.reading_order for pair in f.type.texts_at(data.get(f.name), f.name)]

    def __repr__(self) -> str:
        return f"Kind({self.name!r})"


# Unknown kinds (a newer app's data) are read with the fields every kind has.
_UNKNOWN = Kind("", code=OTHER_CODE, label="", section=Section("", ""))


class Table(Mapping[str, Kind]):
    """The record kinds, by name, in order; refuses a kind that does not fit."""

    def __init__(self, kinds: Iterable[Kind]) -> None:
        self._kinds: dict[str, Kind] = {}
        for kind in kinds:
            self._check(kind)
            self._kinds[kind.name] = kind
        for kind in self._kinds.values():
            for field, target in kind.relations.items():
                if target not in self._kinds:
                    raise KindTableError(
                        f"kind '{kind.name}': field '{field}' names records of an unknown kind '{target}'"
                    )
        self.codes = {kind.name: kind.code for kind in self._kinds.values()}
        self.facet_labels = self._facet_labels()
        self.sections = self._sections()

    def _check(self, kind: Kind) -> None:
        name = kind.name
        if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
            raise KindTableError(f"kind name {name!r} is not lower-case letters, digits and '_'")
        if name in self._kinds:
            raise KindTableError(f"kind '{name}' is in the table twice")
        if len(self._kinds) >= len(CODES):
            raise KindTableError(
                f"kind '{name}': no search code left (codes {CODES[0]}-{CODES[-1]} are taken;"
                f" {OTHER_CODE} stands for kinds this version does not know)"
            )
        if kind.code not in CODES:
            raise KindTableError(
                f"kind '{name}': search code {kind.code!r} is not one of {CODES[0]}-{CODES[-1]}"
                f" ({OTHER_CODE} stands for kinds this version does not know)"
            )
        for other in self._kinds.values():
            if other.code == kind.code:
                raise KindTableError(f"kind '{name}': search code {kind.code} is already kind '{other.name}''s")
            if other.section.key == kind.section.key and other.section.label != kind.section.label:
                raise KindTableError(
                    f"kind '{name}': section '{kind.section.key}' is labelled differently for kind '{other.name}'"
                )
        names = [f.name for f in kind.fields]
        for field in names:
            if field in _COMMON_NAMES:
                raise KindTableError(f"kind '{name}': field '{field}' is common to every kind already")
            if names.count(field) > 1:
                raise KindTableError(f"kind '{name}': field '{field}' is defined twice")
        facets = [f.name for f in kind.facets]
        for facet in kind.facets:
            if facet.field not in kind.checks:
                raise KindTableError(
                    f"kind '{name}': facet '{facet.name}' names field '{facet.field}', which the kind does not have"
                )
            if facets.count(facet.name) > 1:
                raise KindTableError(f"kind '{name}': facet '{facet.name}' is defined twice")
            if bool(facet.label) != bool(facet.everything):
                raise KindTableError(f"kind '{name}': facet '{facet.name}' needs both labels or none")

    def _facet_labels(self) -> dict[str, tuple[str, str]]:
        labels: dict[str, tuple[str, str]] = {}
        seen: dict[str, tuple[str, Facet]] = {}
        for kind in self._kinds.values():
            for facet in kind.facets:
                if facet.name in seen:
                    first, earlier = seen[facet.name]
                    if (earlier.label, earlier.everything) != (facet.label, facet.everything):
                        raise KindTableError(
                            f"kind '{kind.name}': facet '{facet.name}' is labelled differently for kind '{first}'"
                        )
                else:
                    seen[facet.name] = (kind.name, facet)
                if facet.label:
                    labels[facet.name] = (facet.label, facet.everything)
        return labels

    def _sections(self) -> tuple[Section, ...]:
        return tuple({kind.section.key: kind.section for kind in self._kinds.values()}.values())

    def __getitem__(self, name: str) -> Kind:
        return self._kinds[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    # Asked for every record: the dict's own methods, not Mapping's in Python.
    def __contains__(self, name: object) -> bool:
        return name in self._kinds

    def get(self, name: str, default: Kind | None = None) -> Kind | None:
        return self._kinds.get(name, default)

    def with_kind(self, kind: Kind) -> Table:
        """A new table: this one and ``kind``."""
        return Table([*self._kinds.values(), kind])

    def kind(self, name: str) -> Kind:
        """The kind, or one with only the common fields for a kind this version does not know."""
        return self._kinds.get(name, _UNKNOWN)

    def code(self, name: str) -> int:
        return self.codes.get(name, OTHER_CODE)

    def named_by(self, target: str) -> dict[str, tuple[str, ...]]:
        """Field -> the kinds whose records name ``target`` records in it."""
        fields: dict[str, tuple[str, ...]] = {}
        for kind in self._kinds.values():
            for field, named in kind.relations.items():
                if named == target:
                    fields[field] = (*fields.get(field, ()), kind.name)
        return fields

    def kinds_in(self, section: Section) -> tuple[str, ...]:
        return tuple(k.name for k in self._kinds.values() if k.section.key == section.key)

    def filters_in(self, section: Section) -> tuple[str, ...]:
        """The facets a section offers as filters: its kinds' labelled ones, in order."""
        names = (f.name for k in self._kinds.values() if k.section.key == section.key for f in k.filters)
        return tuple(dict.fromkeys(names))
