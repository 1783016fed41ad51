"""A catalog laid out as sheets, ready for a writer (``xlsx``, ``csvfiles``).

The same plan makes the empty template and a workbook of a whole catalog:
the catalog sheet, one sheet per kind (column names, help notes, one row per
record, sorted by id), and the lists of the drop-down values with what each
means. Reading the written workbook gives back exactly the records it was
made from: a field the columns cannot hold exactly goes in a ``json:``
column (``layout.KindSheet.encode``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aulalocal import kinds
from aulalocal.errors import N_, AulaLocalError
from aulalocal.sheets import header as head_sheet
from aulalocal.sheets import names
from aulalocal.sheets.cells import MAX_CELL_CHARS
from aulalocal.sheets.columns import ChoicesLayout, LocalizedLayout, LocalizedListLayout, LocalizedPartsLayout, SingleLayout
from aulalocal.sheets.layout import ID, KindSheet, kind_sheets
from aulalocal.sheets.vocabulary import language_name, meaning

# How wide a column is shown (characters), by what it holds.
WIDE, NARROW, ID_WIDTH, TEXT_WIDTH = 48, 12, 26, 24


@dataclass
class Column:
    name: str
    help: str = ""
    width: int = TEXT_WIDTH
    number: bool = False  # whole numbers; every other column is formatted as text
    vocabulary: str | None = None  # the key of its drop-down list in ``Plan.vocabularies``


@dataclass
class SheetPlan:
    name: str
    role: str  # names.HEADER, names.LISTS or a kind's name
    columns: list[Column]
    rows: list[list[object]]  # the rows under the column names (the help row first, for kinds)


@dataclass
class Plan:
    sheets: list[SheetPlan]
    vocabularies: dict[str, tuple[list[object], list[str]]] = field(default_factory=dict)  # key -> (values, meanings)
    as_json: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, id, field) kept as JSON


def languages_of(head: head_sheet.Header, records: dict[str, list[tuple[str, dict]]]) -> list[str]:
    """The header's languages, then any other that a text of the records has."""
    found = list(head.languages)
    table = kinds.active()
    for kind, items in records.items():
        checks = table.kind(kind).checks
        for _id, data in items:
            for name, value in data.items():
                for text in checks[name].texts(value) if name in checks else ():
                    found.extend(lang for lang in text if lang not in found)
    return found


def plan(head: head_sheet.Header, records: dict[str, list[tuple[str, dict]]]) -> Plan:
    """``records``: kind -> [(id, data)]; an empty dict makes the template."""
    langs = languages_of(head, records)
    head = head_sheet.Header(head.catalog, head.publisher, langs, head.created)
    result = Plan([])
    rows = head_sheet.rows(head)
    result.sheets.append(
        SheetPlan(
            names.header_name(), names.HEADER,
            [Column(rows[0][0], width=14), Column(rows[0][1], width=40), Column(rows[0][2], width=110)],
            [row for row in rows[1:]],
        )
    )
    for name, sheet in kind_sheets().items():
        items = sorted(records.get(name, []))
        result.sheets.append(_kind_plan(sheet, items, langs, language_name, result))
    result.sheets.append(_lists_plan(result))
    return result


def _kind_plan(sheet: KindSheet, items: list[tuple[str, dict]], langs: list[str], language_name, result: Plan) -> SheetPlan:
    names_ = sheet.columns(langs, [data for _id, data in items])
    columns = []
    for name in names_:
        column = Column(name, sheet.help(name, language_name))
        found = sheet.column(name)
        if name == ID:
            column.width = ID_WIDTH
        elif found is not None:
            layout, _slot = found
            if isinstance(layout, (ChoicesLayout, SingleLayout)) and getattr(layout, "vocabulary", ()):
                column.vocabulary = _vocabulary_key(result, sheet, layout)
                column.width = NARROW if isinstance(layout, ChoicesLayout) else 16
            elif isinstance(layout, SingleLayout) and isinstance(layout.field.type, kinds.Integer):
                column.width, column.number = NARROW, True
            elif isinstance(layout, (LocalizedLayout, LocalizedListLayout, LocalizedPartsLayout)):
                column.width = WIDE if layout.name in ("body", "summary") else TEXT_WIDTH + 8
        columns.append(column)
    rows: list[list[object]] = [[c.help for c in columns]]
    index = {c.name: i for i, c in enumerate(columns)}
    for id_, data in items:
        encoded, as_json = sheet.encode(data)
        row: list[object] = [None] * len(columns)
        row[index[ID]] = id_
        for column, value in encoded.items():
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise AulaLocalError(
                    N_("{kind} {id}: the field {field} is longer than a spreadsheet cell holds ({limit} characters)."),
                    kind=sheet.kind.name, id=id_, field=column, limit=MAX_CELL_CHARS,
                )
            row[index[column]] = value
        result.as_json.extend((sheet.kind.name, id_, name) for name in as_json)
        rows.append(row)
    return SheetPlan(names.sheet_name(sheet.kind.name), sheet.kind.name, columns, rows)


def _vocabulary_key(result: Plan, sheet: KindSheet, layout) -> str:
    values = list(layout.vocabulary)
    for key, (existing, _meanings) in result.vocabularies.items():
        if existing == values:
            return key
    key = layout.name if layout.name not in result.vocabularies else f"{layout.name} ({names.sheet_name(sheet.kind.name)})"
    result.vocabularies[key] = (values, [meaning(layout.field, v) for v in values])
    return key


def _lists_plan(result: Plan) -> SheetPlan:
    from aulalocal.i18n import gettext as _

    columns: list[Column] = []
    height = max((len(v) for v, _m in result.vocabularies.values()), default=0)
    rows: list[list[object]] = [[] for _ in range(height)]
    for key, (values, meanings) in result.vocabularies.items():
        columns += [Column(key, width=14), Column("# " + _("meaning"), width=28)]
        for i in range(height):
            rows[i] += [values[i], meanings[i]] if i < len(values) else [None, None]
    return SheetPlan(names.lists_name(), names.LISTS, columns, rows)
