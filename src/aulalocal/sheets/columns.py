"""How each field of a record kind is laid out in a sheet's columns, both ways.

Derived from the field's type in ``kinds`` (one table of kinds):

    Localized       title_es, title_qu, title_en        one column per language
    LocalizedList   activities_1_es, activities_2_es    numbered items, per language
    LocalizedParts  practice_equity_es                  one per part and language
    Links           links_1_url, links_1_label_es
    Strings with a vocabulary (levels, countries)
                    levels_1, levels_2                  numbered, one value each (a drop-down list)
    other Strings and Ids (tags, regions, organization_ids)
                    tags                                one cell, values separated by ";" or line breaks
    Text, Integer, Date                                 one cell

A field a sheet cannot hold exactly (a field this version does not know, a
value with a ";" inside a list, extra keys in a link) goes in a ``json:NAME``
column instead, as the JSON text of its value: nothing is lost on the way
from a catalog to a sheet and back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aulalocal import kinds
from aulalocal.errors import N_
from aulalocal.kinds import Field, Invalid
from aulalocal.kinds.fields import COUNTRY_RE, Date, check_localized
from aulalocal.sheets import cells
from aulalocal.sheets.cells import CellProblem

LANG = r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*"
JSON_PREFIX = "json:"
LIST_SEPARATOR = "; "
_SPLIT = re.compile(r"[;\n]")
# Numbered columns go up to this (a bound on what a hostile header can ask for).
MAX_ITEMS = 999
_N = r"([1-9][0-9]{0,2})"

# Field names shown in help notes where the table gives none (it labels what the detail view shows).
COMMON_LABELS = {
    "title": N_("Title"),
    "tags": N_("Tags"),
    "media": N_("Media files (SHA-256)"),
    "updated": N_("Last updated"),
    "practice": N_("Good practice"),
}


class Layout:
    """One field's columns: which names it reads, how cells make its value and back."""

    # Numbered layouts: how many items a new template offers.
    template_items = 1

    def __init__(self, field: Field) -> None:
        self.field = field
        self.name = field.name
        self._patterns = [re.compile(p.replace("{name}", re.escape(self.name))) for p in self.patterns]

    patterns: tuple[str, ...] = ()

    def slot(self, column: str) -> tuple | None:
        """What a column of this field holds ((lang,), (n, lang)...), or None when it is not one of its."""
        for pattern in self._patterns:
            match = pattern.fullmatch(column)
            if match:
                return self._slot(match.groups())
        return None

    def _slot(self, groups: tuple[str, ...]) -> tuple:
        return groups

    def language(self, slot: tuple) -> str | None:
        """The language of the text a column of this slot holds; None for a column of no language."""
        return None

    def items(self, value) -> int:
        """How many numbered items ``value`` needs (1 for a field without numbered columns)."""
        return 1

    def columns(self, langs: Iterable[str], items: int) -> list[str]:
        raise NotImplementedError

    def decode(self, cells_: dict[tuple, tuple[str, object]]):
        """The field's value from its cells (slot -> (column, cell value)); None when they are empty."""
        raise NotImplementedError

    def encode(self, value) -> dict[str, object]:
        """Column -> cell value; ``decode`` of them gives ``value`` back, or the writer uses a json: column."""
        raise NotImplementedError

    def help(self, column: str, what: str, language_name) -> str:
        raise NotImplementedError


def _localized(by_lang: dict[str, tuple[str, object]], es_column: str):
    value = {}
    for lang, (column, cell) in by_lang.items():
        text = cells.text(cell, column)
        if text is not None:
            value[lang] = text
    if not value:
        return None
    try:
        check_localized(value, es_column)
    except Invalid as problem:
        raise CellProblem(es_column, problem.template) from None
    return value


def _by_lang_columns(prefix: str, langs: Iterable[str]) -> list[str]:
    return [f"{prefix}_{lang}" for lang in langs]


def _help_lang(template_required: str, template: str, required: bool, lang: str, language_name, **params) -> str:
    from aulalocal.i18n import gettext as _

    chosen = template_required if required and lang == "es" else template
    return _(chosen).format(language=language_name(lang), **params)


class LocalizedLayout(Layout):
    patterns = (r"{name}_(" + LANG + ")",)

    def language(self, slot):
        return slot[0]

    def columns(self, langs, items):
        return _by_lang_columns(self.name, langs)

    def decode(self, cells_):
        return _localized({slot[0]: cell for slot, cell in cells_.items()}, f"{self.name}_es")

    def encode(self, value):
        return {f"{self.name}_{lang}": text for lang, text in value.items()}

    def help(self, column, what, language_name):
        lang = self.slot(column)[0]
        return _help_lang(N_("{what}, in {language} (required)"), N_("{what}, in {language}"), self.field.required, lang, language_name, what=what)


class LocalizedListLayout(Layout):
    patterns = (r"{name}_" + _N + "_(" + LANG + ")",)
    template_items = 5

    def _slot(self, groups):
        return (int(groups[0]), groups[1])

    def language(self, slot):
        return slot[1]

    def items(self, value):
        return len(value)

    def columns(self, langs, items):
        langs = list(langs)
        return [c for n in range(1, items + 1) for c in _by_lang_columns(f"{self.name}_{n}", langs)]

    def decode(self, cells_):
        groups: dict[int, dict] = {}
        for (n, lang), cell in cells_.items():
            groups.setdefault(n, {})[lang] = cell
        value = [_localized(groups[n], f"{self.name}_{n}_es") for n in sorted(groups)]
        value = [item for item in value if item is not None]
        return value or None

    def encode(self, value):
        return {f"{self.name}_{n}_{lang}": text for n, item in enumerate(value, 1) for lang, text in item.items()}

    def help(self, column, what, language_name):
        n, lang = self.slot(column)
        return _help_lang(N_("{what} {n}, in {language}"), N_("{what} {n}, in {language}"), False, lang, language_name, what=what, n=n)


class LocalizedPartsLayout(Layout):
    def __init__(self, field):
        self.parts = tuple(field.type.parts)
        self.patterns = (r"{name}_(" + "|".join(re.escape(p) for p in self.parts) + ")_(" + LANG + ")",)
        super().__init__(field)

    def language(self, slot):
        return slot[1]

    def columns(self, langs, items):
        langs = list(langs)
        return [c for part in self.parts for c in _by_lang_columns(f"{self.name}_{part}", langs)]

    def decode(self, cells_):
        groups: dict[str, dict] = {}
        for (part, lang), cell in cells_.items():
            groups.setdefault(part, {})[lang] = cell
        value = {}
        for part in self.parts:
            if part in groups:
                text = _localized(groups[part], f"{self.name}_{part}_es")
                if text is not None:
                    value[part] = text
        return value or None

    def encode(self, value):
        return {f"{self.name}_{part}_{lang}": text for part, item in value.items() for lang, text in item.items()}

    def help(self, column, what, language_name):
        from aulalocal.i18n import gettext as _

        part, lang = self.slot(column)
        heading = _(self.field.type.parts[part])
        return _help_lang(N_("{what}: {part}, in {language}"), N_("{what}: {part}, in {language}"), False, lang, language_name, what=what, part=heading)


class LinksLayout(Layout):
    patterns = (r"{name}_" + _N + "_(url)", r"{name}_" + _N + "_(label)_(" + LANG + ")")
    template_items = 2

    def _slot(self, groups):
        return (int(groups[0]), *groups[1:])

    def language(self, slot):
        return slot[2] if len(slot) == 3 else None

    def items(self, value):
        return len(value)

    def columns(self, langs, items):
        langs = list(langs)
        return [
            c
            for n in range(1, items + 1)
            for c in (f"{self.name}_{n}_url", *_by_lang_columns(f"{self.name}_{n}_label", langs))
        ]

    def decode(self, cells_):
        groups: dict[int, dict] = {}
        for slot, cell in cells_.items():
            groups.setdefault(slot[0], {})[slot[1:]] = cell
        links = []
        for n in sorted(groups):
            group = groups[n]
            labels = {key[1]: cell for key, cell in group.items() if key[0] == "label"}
            label = _localized(labels, f"{self.name}_{n}_label_es") if labels else None
            url_column, url_cell = group.get(("url",), (f"{self.name}_{n}_url", None))
            url = cells.text(url_cell, url_column)
            if url is None and label is None:
                continue
            if url is None:
                raise CellProblem(url_column, N_("the link has a text but no web address"))
            if label is None:
                raise CellProblem(f"{self.name}_{n}_label_es", N_("the link needs its text in Spanish"))
            links.append({"label": label, "url": url})
        return links or None

    def encode(self, value):
        out: dict[str, object] = {}
        for n, link in enumerate(value, 1):
            out[f"{self.name}_{n}_url"] = link["url"]
            for lang, text in link["label"].items():
                out[f"{self.name}_{n}_label_{lang}"] = text
        return out

    def help(self, column, what, language_name):
        from aulalocal.i18n import gettext as _

        slot = self.slot(column)
        if slot[1] == "url":
            return _("Link {n}: its web address (https://...)").format(n=slot[0])
        return _help_lang(N_("Link {n}: its text, in {language}"), N_("Link {n}: its text, in {language}"), False, slot[2], language_name, n=slot[0])


def _vocabulary(field: Field) -> tuple[str, ...]:
    allowed = getattr(field.type, "allowed", ())
    if allowed:
        return tuple(allowed)
    if getattr(field.type, "pattern", None) is COUNTRY_RE:
        from aulalocal.sheets.vocabulary import country_codes

        return country_codes()
    return ()


def _check_item(field: Field, item: str, column: str) -> None:
    """One value of a list, with the field's own validator."""
    try:
        field.type.check([item], field.name)
    except Invalid:
        raise CellProblem(column, _not_allowed(field), value=item) from None


def _not_allowed(field: Field) -> str:
    kind = field.type
    if getattr(kind, "allowed", ()):
        return N_("'{value}' is not one of the values of the list")
    if getattr(kind, "pattern", None) is COUNTRY_RE:
        return N_("'{value}' is not a country code (two capital letters, such as PE)")
    if isinstance(kind, kinds.Ids) or getattr(kind, "pattern", None) is kinds.ID_RE:
        return N_("'{value}' is not a record id (lowercase letters, digits and dashes)")
    if field.name == "media":
        return N_("'{value}' is not the SHA-256 of a media file")
    return N_("'{value}' is not allowed here")


class ChoicesLayout(Layout):
    """A list of values from a vocabulary: one per numbered column, each with a drop-down list."""

    patterns = (r"{name}_" + _N,)

    def __init__(self, field):
        super().__init__(field)
        self.vocabulary = _vocabulary(field)
        self.template_items = len(self.vocabulary) if len(self.vocabulary) <= 8 else 3

    def _slot(self, groups):
        return (int(groups[0]),)

    def items(self, value):
        return len(value)

    def columns(self, langs, items):
        return [f"{self.name}_{n}" for n in range(1, items + 1)]

    def decode(self, cells_):
        value = []
        for (n,), (column, cell) in sorted(cells_.items()):
            item = cells.text(cell, column)
            if item is not None:
                _check_item(self.field, item, column)
                value.append(item)
        return value or None

    def encode(self, value):
        return {f"{self.name}_{n}": item for n, item in enumerate(value, 1)}

    def help(self, column, what, language_name):
        from aulalocal.i18n import gettext as _

        return _("{what} {n}: choose from the list").format(what=what, n=self.slot(column)[0])


class JoinedLayout(Layout):
    """A list of free values (tags, regions, ids) in one cell, separated by ";" or line breaks."""

    patterns = (r"{name}",)

    def columns(self, langs, items):
        return [self.name]

    def decode(self, cells_):
        ((column, cell),) = cells_.values()
        if isinstance(self.field.type, kinds.Ids):
            joined = cells.identifier(cell, column)
        else:
            joined = cells.text(cell, column)
        if joined is None:
            return None
        value = [item.strip() for item in _SPLIT.split(joined) if item.strip()]
        for item in value:
            _check_item(self.field, item, column)
        return value or None

    def encode(self, value):
        return {self.name: LIST_SEPARATOR.join(value)}

    def help(self, column, what, language_name):
        from aulalocal.i18n import gettext as _

        if isinstance(self.field.type, kinds.Ids):
            from aulalocal.sheets.names import sheet_name

            return _("{what}: ids of records of the sheet {sheet}; several separated by ;").format(
                what=what, sheet=sheet_name(self.field.type.kind)
            )
        return _("{what}; several separated by ;").format(what=what)


class SingleLayout(Layout):
    """Text, a whole number or a date in one cell."""

    patterns = (r"{name}",)

    def __init__(self, field):
        super().__init__(field)
        self.vocabulary = tuple(getattr(field.type, "allowed", ()))
        low, high = getattr(field.type, "low", None), getattr(field.type, "high", None)
        if isinstance(field.type, kinds.Integer) and low is not None and high is not None and high - low < 20:
            self.vocabulary = tuple(range(low, high + 1))

    def columns(self, langs, items):
        return [self.name]

    def decode(self, cells_):
        ((column, cell),) = cells_.values()
        kind = self.field.type
        if isinstance(kind, kinds.Integer):
            value = cells.integer(cell, column)
        elif isinstance(kind, Date):
            value = cells.day(cell, column)
        else:
            value = cells.text(cell, column)
        if value is None:
            return None
        try:
            kind.check(value, self.name)
        except Invalid as problem:
            if isinstance(kind, kinds.Integer) and problem.template == kinds.NOT_ALLOWED:
                raise CellProblem(column, N_("{value} is not between {low} and {high}"), value=value, low=kind.low if kind.low is not None else "", high=kind.high if kind.high is not None else "") from None
            if problem.template == kinds.NOT_ALLOWED:
                raise CellProblem(column, _not_allowed(self.field), value=value) from None
            raise CellProblem(column, problem.template) from None
        return value

    def encode(self, value):
        return {self.name: value}

    def help(self, column, what, language_name):
        from aulalocal.i18n import gettext as _

        kind = self.field.type
        if self.vocabulary:
            return _("{what}: choose from the list").format(what=what)
        if isinstance(kind, kinds.Integer):
            return _("{what}: a whole number").format(what=what)
        if isinstance(kind, Date):
            return _("{what}: a date, YYYY-MM-DD").format(what=what)
        return what


class JsonLayout(Layout):
    """A field as the JSON text of its value: ``json:NAME``."""

    def __init__(self, field: Field | None, name: str) -> None:
        self.field = field
        self.name = name
        self._patterns = [re.compile(re.escape(JSON_PREFIX + name))]

    def _slot(self, groups):
        return ("json",)

    def columns(self, langs, items):
        return [JSON_PREFIX + self.name]

    def decode(self, cells_):
        from aulalocal.bundle.strictjson import loads
        from aulalocal.errors import BundleError

        ((column, cell),) = cells_.values()
        raw = cells.text(cell, column)
        if raw is None:
            return None
        try:
            value = loads(raw.encode("utf-8"), column)
        except BundleError as problem:
            raise CellProblem(column, "{problem}", problem=problem) from None
        if self.field is not None:
            try:
                self.field.type.check(value, self.name)
            except Invalid as problem:
                raise CellProblem(column, problem.template) from None
        return value

    def encode(self, value):
        import json

        return {JSON_PREFIX + self.name: json.dumps(value, ensure_ascii=False)}

    def help(self, column, what, language_name):
        from aulalocal.i18n import gettext as _

        return _("{what}, kept as it is (JSON text)").format(what=what)


def layout_of(field: Field) -> Layout:
    kind = field.type
    if isinstance(kind, kinds.Localized):
        return LocalizedLayout(field)
    if isinstance(kind, kinds.LocalizedList):
        return LocalizedListLayout(field)
    if isinstance(kind, kinds.LocalizedParts):
        return LocalizedPartsLayout(field)
    if isinstance(kind, kinds.Links):
        return LinksLayout(field)
    if isinstance(kind, kinds.Strings):
        return ChoicesLayout(field) if _vocabulary(field) else JoinedLayout(field)
    if isinstance(kind, (kinds.Text, kinds.Integer, Date)):
        return SingleLayout(field)
    return JsonLayout(field, field.name)  # a field type this module does not know yet
