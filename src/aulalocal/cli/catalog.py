"""Commands over the catalog on this laptop: catalog status, search, show, say, doctor, i18n coverage."""

from __future__ import annotations

import sys

from aulalocal import i18n
from aulalocal.cli import output
from aulalocal.cli.output import open_folder, print_lines, print_text
from aulalocal.errors import N_, AulaLocalError
from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext
from aulalocal.safetext import fill, one_line, paragraphs, to_json


def cmd_catalog_status(args) -> int:
    from aulalocal.catalog.queries import status

    folder = open_folder(args)
    data = status(folder.catalog)
    if args.json:
        print_lines(to_json(data, indent=2))
        return 0
    for cat in data["catalogs"]:
        print_lines(fill(_("{catalog}: sequence {sequence}, from {publisher}"), **cat))
        created = i18n.parse_timestamp(cat["created"])
        if created:
            print_lines(fill("  " + _("Content date: {date}"), date=i18n.format_date(created)))
        for kind, n in sorted(cat["counts"].items()):
            print_lines(fill("  {kind}: {count}", kind=kind, count=i18n.format_number(n)))
    return 0


def cmd_search(args) -> int:
    from aulalocal.catalog.search import HIGHLIGHT, search, suggest

    folder = open_folder(args)
    lang = args.content_lang or i18n.current_language()
    hits = search(folder.catalog, args.query, lang=lang, kind=args.kind, limit=args.limit)
    better = None if hits else suggest(folder.catalog, args.query, lang=lang, kind=args.kind)
    if better:
        # On stderr, so that stdout (the JSON) stays what a program reads.
        output.TerminalProgress.clear()
        print(paragraphs(fill(_("Did you mean “{text}”?"), text=better)), file=sys.stderr)
    if args.json:
        print_lines(to_json([h.as_json() for h in hits], indent=2))
        return 0
    if not hits:
        print_lines(_("Nothing found. Try a shorter word, or another language with --lang."))
    for hit in hits:
        print_lines(fill("{kind}/{id}  {title}", kind=hit.kind, id=hit.id, title=hit.title))
        # A snippet is a piece of running text: its line breaks are spaces.
        snippet = " ".join(hit.snippet.replace(HIGHLIGHT[0], "[").replace(HIGHLIGHT[1], "]").split())
        print_text(snippet, indent="    ")
    return 0


def cmd_show(args) -> int:
    from aulalocal.catalog.queries import get_record, related
    from aulalocal.recordtext import kind_name, record_sections

    folder = open_folder(args)
    lang = args.content_lang or i18n.current_language()
    record = get_record(folder.catalog, args.kind, args.id)
    if record is None:
        raise AulaLocalError(N_("No {kind} with id '{id}' in the catalog."), kind=args.kind, id=args.id)
    links = related(folder.catalog, record, lang)
    if args.json:
        out = {
            "catalog": record.catalog,
            "kind": record.kind,
            "id": record.id,
            "data": record.data,
            "related": [
                {"field": r.field, "kind": r.kind, "id": r.id, "title": r.title} for r in links
            ],
        }
        print_lines(to_json(out, indent=2))
        return 0
    # Headings are the program's and start at the margin; all record text,
    # the title too (under the kind's name), is indented below them.
    for index, (heading, text, fallback) in enumerate(record_sections(record, lang)):
        if index == 0:  # the title: one line, as in the window and in search
            heading, text = kind_name(record.kind), one_line(text)
        print_lines(fill("== {heading} [{fallback}]" if fallback else "== {heading}", heading=heading, fallback=fallback))
        print_text(text)
        print_lines()
    if links:
        print_lines("== " + _("Related"))
        for r in links:
            title = r.title if r.title is not None else _("(not available)")
            print_text(fill("{kind}/{id}  {title}", kind=r.kind, id=r.id, title=title))
    return 0


def cmd_say(args) -> int:
    from aulalocal.catalog.queries import get_record
    from aulalocal.speech.audio import audio_format, save_reading
    from aulalocal.speech.espeak import saved_rate
    from aulalocal.speech.reading import record_reading

    folder = open_folder(args)
    lang = args.content_lang or i18n.current_language()
    audio_format(args.out)  # a wrong extension fails before any work
    record = get_record(folder.catalog, args.kind, args.id)
    if record is None:
        raise AulaLocalError(N_("No {kind} with id '{id}' in the catalog."), kind=args.kind, id=args.id)
    rate = args.rate or saved_rate(folder.userdata)
    path = save_reading(args.out, record_reading(record, lang), rate, progress=output.progress_printer(args))
    print_lines(_("Saved: {path}").format(path=path))
    return 0


def cmd_doctor(args) -> int:
    from aulalocal.doctor import check, repair

    ok = True
    for line, good in (repair if args.repair else check)(args.data_dir):
        print_lines(one_line(line))
        ok = ok and good
    return 0 if ok else 1


def cmd_i18n_coverage(args) -> int:
    if args.sheet is not None:
        from aulalocal.sheets.coverage import print_todo

        return print_todo(args.sheet, args.content_lang, args.json, print_lines)
    from aulalocal.translation_coverage import coverage

    folder = open_folder(args)
    result = coverage(folder.catalog)
    if args.json:
        print_lines(to_json(result.as_json(), indent=2))
    else:
        for lang, ui in result.ui.items():
            text = ngettext("{lang}: {count} message, {percent:.1f}% translated", "{lang}: {count} messages, {percent:.1f}% translated", ui["total"])
            print_lines(fill(text, lang=lang, percent=ui["percent"], count=i18n.format_number(ui["total"])))
            for kind, fields in sorted(result.content[lang].items()):
                shares = ", ".join(f"{one_line(field)} {share:.0f}%" for field, share in fields.items())
                print_lines(fill("  {kind}: {shares}", kind=kind, shares=shares))
        for problem in result.failures():
            print_lines(fill(_("below the threshold: {problem}"), problem=problem))
    return 1 if result.failures() else 0
