"""Workbooks written: the empty template, and a catalog (a laptop's, a source's) as one.

``.xlsx`` with drop-down lists (openpyxl), or a folder of CSV files for
scripts and version control. An existing file is not overwritten unless
asked.
"""

from __future__ import annotations

from pathlib import Path

from aulalocal import i18n
from aulalocal.errors import N_, UsageError
from aulalocal.sheets.header import Header
from aulalocal.sheets.write import Plan, plan

Records = dict[str, list[tuple[str, dict]]]


def write_workbook(out: Path, head: Header, records: Records, force: bool = False) -> Plan:
    """Write ``records`` (kind -> [(id, data)]) to ``out``: .xlsx, or a folder of CSV files."""
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ""):
        raise UsageError(
            N_("{path}: AulaLocal writes .xlsx workbooks (LibreOffice opens and saves them as .ods) or, for a name without an extension, a folder of CSV files."),
            path=str(out),
        )
    if suffix == ".xlsx" and out.exists() and not force:
        raise UsageError(N_("{path} already exists; use --force to overwrite it."), path=str(out))
    layout = plan(head, records)
    if suffix == ".xlsx":
        from aulalocal.sheets.xlsx import write_xlsx

        write_xlsx(out, layout)
    else:
        from aulalocal.sheets.csvfiles import write_csv_folder

        if force and out.is_dir():
            for old in out.glob("*.csv"):
                old.unlink()
        write_csv_folder(out, layout, {sheet.role: sheet.role for sheet in layout.sheets})
    return layout


def template(out: Path, catalog: str = "", publisher: str = "", languages: list[str] | None = None, force: bool = False) -> Plan:
    return write_workbook(out, Header(catalog, publisher, languages or list(i18n.LANGUAGES)), {}, force)


def records_by_kind(items) -> Records:
    found: Records = {}
    for kind, id_, data, *_where in items:
        found.setdefault(kind, []).append((id_, data))
    return found


def from_catalog(db, catalog: str) -> tuple[Header, Records]:
    """A laptop's catalog: its header as the last bundle gave it, and every record."""
    from aulalocal.catalog.queries import catalog_header, catalog_records

    found = catalog_header(db, catalog)
    if found is None:
        raise UsageError(N_("There is no catalog '{catalog}' on this laptop (see 'aulalocal catalog status')."), catalog=catalog)
    records = records_by_kind((r.kind, r.id, r.data) for r in catalog_records(db, catalog))
    from aulalocal.sheets.write import languages_of

    # A laptop keeps the texts, not the bundle's list of languages: the app's first, in its order.
    found_langs = languages_of(Header(catalog, "", ["es"]), records)
    order = {lang: i for i, lang in enumerate(i18n.LANGUAGES)}
    langs = sorted(found_langs, key=lambda lang: (order.get(lang, len(order)), found_langs.index(lang)))
    return Header(catalog, found["publisher"] or catalog, langs, found["created"]), records


def from_source(path: Path) -> tuple[Header, Records]:
    """A source folder's catalog, or a workbook's (to write it again, as .xlsx or CSV)."""
    from aulalocal.bundle.source import as_source
    from aulalocal.sheets.read import is_sheet_source, open_source

    source = open_source(path) if is_sheet_source(path) else as_source(path)
    info = source.read_info()
    return Header(info.catalog, info.publisher, list(info.languages), info.created), records_by_kind(source.records())

