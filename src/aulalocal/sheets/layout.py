"""A kind's sheet: its columns, derived from ``kinds``, and a row made into a record and back.

Row 1 holds the column names (``id``, ``title_es``...), which is what is read;
row 2 a help note per column (written in the publisher's language; its
``id`` cell starts with "#", so it is not read). A row whose ``id`` starts
with "#" is a note, and a column whose name starts with "#" too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from aulalocal import kinds
from aulalocal.bundle.records import validate_data
from aulalocal.errors import N_
from aulalocal.kinds import ID_RE, Invalid, Kind
from aulalocal.sheets import cells
from aulalocal.sheets.cells import MAX_CELL_CHARS, CellProblem
from aulalocal.sheets.columns import COMMON_LABELS, JSON_PREFIX, JsonLayout, Layout, layout_of

ID = "id"
NOTE = "#"
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
# Characters XML 1.0 (and so a workbook) cannot hold; such text goes to a json: column, escaped.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class RowProblems(Exception):
    def __init__(self, problems: list[CellProblem]) -> None:
        super().__init__(len(problems))
        self.problems = problems


class KindSheet:
    """The columns of one kind and the conversion of its rows."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.layouts: list[Layout] = [layout_of(field) for field in kind.reading_order]
        self._by_field = {layout.name: layout for layout in self.layouts}

    def what(self, layout: Layout) -> str:
        """A field's name for a person, in the current language."""
        from aulalocal.i18n import gettext as _

        field = layout.field
        label = (field.label if field is not None else "") or COMMON_LABELS.get(layout.name, "")
        return _(label) if label else layout.name

    def column(self, header: str) -> tuple[Layout, tuple] | None:
        """The field layout and slot a column name holds, None for a name this kind does not have."""
        if header.startswith(JSON_PREFIX):
            name = header[len(JSON_PREFIX):]
            if not _FIELD_NAME.fullmatch(name):
                return None
            layout = self._by_field.get(name)
            return JsonLayout(layout.field if layout else None, name), ("json",)
        for layout in self.layouts:
            slot = layout.slot(header)
            if slot is not None:
                return layout, slot
        return None

    # Reading

    def decode(self, row: dict[str, object], columns: dict[str, tuple[Layout, tuple]]) -> tuple[str, dict]:
        """(id, data) of a row (column name -> cell); raises ``RowProblems`` with every problem of the row."""
        problems: list[CellProblem] = []
        id_ = None
        try:
            id_ = cells.identifier(row.get(ID), ID)
            if id_ is None:
                raise CellProblem(ID, N_("the id is missing (every record needs one)"))
            if not ID_RE.fullmatch(id_):
                raise CellProblem(ID, N_("'{value}' is not a record id (lowercase letters, digits and dashes)"), value=id_)
        except CellProblem as problem:
            problems.append(problem)
        groups: dict[tuple[str, bool], tuple[Layout, dict]] = {}
        for header, (layout, slot) in columns.items():
            key = (layout.name, isinstance(layout, JsonLayout))
            groups.setdefault(key, (layout, {}))[1][slot] = (header, row.get(header))
        data: dict = {}
        json_names = {name for name, is_json in groups if is_json}
        order = [(layout.name, False) for layout in self.layouts] + [(name, True) for name in sorted(json_names)]
        for key in order:
            if key not in groups:
                continue
            layout, slots = groups[key]
            try:
                value = layout.decode(slots)
            except CellProblem as problem:
                problems.append(problem)
                continue
            if value is None:
                continue
            if layout.name in data:
                problems.append(CellProblem(JSON_PREFIX + layout.name, N_("the field is filled in its columns and in json:{name}: keep one"), name=layout.name))
                continue
            data[layout.name] = value
        for name in self.kind.required:
            if name not in data and not any(p.column.startswith(name) for p in problems):
                problems.append(CellProblem(self.first_column(name), N_("required field missing")))
        if problems:
            raise RowProblems(problems)
        try:
            validate_data(self.kind, data)  # the bundle's own check, over the whole record
        except Invalid as problem:
            raise RowProblems([CellProblem(self.first_column(problem.field.split(".")[0].split("[")[0]), problem.template)]) from None
        return id_, data

    def first_column(self, field: str) -> str:
        layout = self._by_field.get(field)
        if layout is None:
            return JSON_PREFIX + field
        columns = layout.columns(["es"], 1)
        return columns[0]

    # Writing

    def encode(self, data: dict) -> tuple[dict[str, object], list[str]]:
        """Column -> cell value of a record, and the fields that went to json: columns."""
        out: dict[str, object] = {}
        as_json = []
        for name, value in data.items():
            layout = self._by_field.get(name)
            encoded = _exact(layout, value) if layout is not None and not isinstance(layout, JsonLayout) else None
            if encoded is None:
                encoded = _as_json(name, value)
                as_json.append(name)
            out.update(encoded)
        return out, as_json

    def columns(self, langs: list[str], records: Iterable[dict]) -> list[str]:
        """Every column, in reading order: numbered ones as many as the records need (at least the template's)."""
        records = list(records)
        needed: dict[str, int] = {}
        extra: list[str] = []
        for data in records:
            encoded, _as = self.encode(data)
            for column in encoded:
                if column.startswith(JSON_PREFIX) and column not in extra:
                    extra.append(column)
            for name, value in data.items():
                layout = self._by_field.get(name)
                if layout is not None and name not in _as:
                    needed[name] = max(needed.get(name, 0), layout.items(value))
        columns = [ID]
        for layout in self.layouts:
            columns.extend(layout.columns(langs, max(layout.template_items, needed.get(layout.name, 0))))
        # json: columns of known fields first, in reading order, then those of unknown fields.
        known = [JSON_PREFIX + layout.name for layout in self.layouts]
        columns.extend(c for c in known if c in extra)
        columns.extend(sorted(c for c in extra if c not in known))
        return columns

    def help(self, column: str, language_name) -> str:
        from aulalocal.i18n import gettext as _

        if column == ID:
            return NOTE + " " + _("Id of the record: lowercase letters, digits and dashes (olpc-peru). Never change it: laptops know the record by it.")
        found = self.column(column)
        if found is None:
            return ""
        layout, _slot = found
        return layout.help(column, self.what(layout), language_name)


def _exact(layout: Layout, value) -> dict[str, object] | None:
    """The cells of ``value``, if reading them back gives exactly ``value``; else None."""
    try:
        encoded = layout.encode(value)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None  # a value of a shape the layout does not have (a newer publisher's)
    for cell in encoded.values():
        if isinstance(cell, str) and (_NOT_IN_XML.search(cell) or len(cell) > MAX_CELL_CHARS):
            return None
    slots = {}
    for column, cell in encoded.items():
        slot = layout.slot(column)
        if slot is None:
            return None
        slots[slot] = (column, cell)
    try:
        back = layout.decode(slots)
    except CellProblem:
        return None
    return encoded if back == value and _same_types(back, value) else None


def _same_types(a, b) -> bool:
    """``==`` says 1 == 1.0 == True; a round trip must keep the JSON type too."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return all(_same_types(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return all(_same_types(x, y) for x, y in zip(a, b))
    return True


def _as_json(name: str, value) -> dict[str, object]:
    text = json.dumps(value, ensure_ascii=False)
    if _NOT_IN_XML.search(text):
        text = json.dumps(value)  # escaped as \uXXXX
    return {JSON_PREFIX + name: text}


def kind_sheets() -> dict[str, KindSheet]:
    return {name: KindSheet(kind) for name, kind in kinds.active().items()}
