"""``aulalocal``: opens the app, or runs a subcommand over the core.

Errors are one translated line on stderr starting with ``error: `` and the
exit status of spec section 7; a traceback never reaches the user (it goes to
``aulalocal.log`` in the data folder).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from aulalocal import __version__, i18n
from aulalocal.errors import N_, AulaLocalError, UsageError
from aulalocal.i18n import gettext as _

KIND_CHOICES = ("program", "safety_guide", "year_focus", "organization", "resource", "legal_reference")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        raise UsageError(N_("{message} (see 'aulalocal --help')"), message=message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="aulalocal", description=_("Offline catalog for rural schools."))
    p.add_argument("--version", action="version", version=f"aulalocal {__version__}")
    p.add_argument("--data-dir", metavar="DIR", help=_("data folder (default: the platform's)"))
    p.add_argument("--lang", choices=i18n.LANGUAGES, help=_("language of the window and messages"))
    p.add_argument("--screenshot", metavar="PATH", help=_("save a picture of the window and exit"))
    p.add_argument("--size", default="1024x600", help=_("window size for --screenshot, e.g. 1024x600"))
    p.add_argument("--view", default="home", help=_("view for --screenshot: home, programs, safety, years, detail:KIND:ID, update"))
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    catalog = sub.add_parser("catalog", help=_("the catalogs on this laptop"))
    catalog_sub = catalog.add_subparsers(dest="catalog_command", required=True, parser_class=_Parser)
    status = catalog_sub.add_parser("status", help=_("what the catalog holds"))
    status.add_argument("--json", action="store_true", help=_("print JSON"))

    search = sub.add_parser("search", help=_("search the catalog"))
    search.add_argument("query")
    search.add_argument("--lang", dest="content_lang", choices=i18n.LANGUAGES)
    search.add_argument("--kind", choices=KIND_CHOICES)
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--json", action="store_true", help=_("print JSON"))

    show = sub.add_parser("show", help=_("show one record"))
    show.add_argument("kind", choices=KIND_CHOICES)
    show.add_argument("id")
    show.add_argument("--lang", dest="content_lang", choices=i18n.LANGUAGES)
    show.add_argument("--json", action="store_true", help=_("print JSON"))

    sub.add_parser("doctor", help=_("check both databases"))
    return p


def _open(args):
    from aulalocal.datafolder import open_data_folder

    return open_data_folder(args.data_dir)


def _language(args, folder=None) -> None:
    setting = args.lang
    if setting is None and folder is not None:
        from aulalocal.catalog.userdata import get_setting

        setting = get_setting(folder.userdata, "language")
    i18n.set_language(i18n.choose_language(setting))


def cmd_catalog_status(args) -> int:
    from aulalocal.catalog.queries import status

    folder = _open(args)
    data = status(folder.catalog)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for cat in data["catalogs"]:
        print(_("{catalog}: sequence {sequence}, from {publisher}").format(**cat))
        for kind, n in sorted(cat["counts"].items()):
            print(f"  {kind}: {i18n.format_number(n)}")
    return 0


def cmd_search(args) -> int:
    from aulalocal.catalog.search import HIGHLIGHT, search

    folder = _open(args)
    _language(args, folder)
    lang = args.content_lang or i18n.current_language()
    hits = search(folder.catalog, args.query, lang=lang, kind=args.kind, limit=args.limit)
    if args.json:
        print(json.dumps([h.as_json() for h in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print(_("Nothing found. Try a shorter word, or another language with --lang."))
    for hit in hits:
        snippet = hit.snippet.replace(HIGHLIGHT[0], "[").replace(HIGHLIGHT[1], "]")
        print(f"{hit.kind}/{hit.id}  {hit.title}\n    {snippet}")
    return 0


def cmd_show(args) -> int:
    from aulalocal.catalog.queries import get_record, related
    from aulalocal.recordtext import record_sections

    folder = _open(args)
    _language(args, folder)
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
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for heading, text, fallback in record_sections(record, lang):
        marker = f" [{fallback}]" if fallback else ""
        print(f"== {heading}{marker}\n{text}\n" if heading else f"{text}\n")
    if links:
        print("== " + _("Related"))
        for r in links:
            print(f"  {r.kind}/{r.id}  {r.title if r.title is not None else _('(not available)')}")
    return 0


def cmd_doctor(args) -> int:
    from aulalocal.doctor import check

    ok = True
    for line, good in check(args.data_dir):
        print(line)
        ok = ok and good
    return 0 if ok else 1


COMMANDS = {
    ("catalog", "status"): cmd_catalog_status,
    ("search", None): cmd_search,
    ("show", None): cmd_show,
    ("doctor", None): cmd_doctor,
}


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    _language(args)
    if args.command is None:
        from aulalocal.launcher import launch

        return launch(args)
    sub = getattr(args, f"{args.command}_command", None)
    return COMMANDS[(args.command, sub)](args)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        i18n.set_language(i18n.choose_language(None))
        return run(argv)
    except AulaLocalError as exc:
        print(f"error: {exc.message()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: " + _("Interrupted."), file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 1
    except Exception as exc:  # the last line of defence: no traceback for the user
        log = _log_crash(argv)
        print(
            "error: "
            + _("Something unexpected went wrong ({reason}). Details were saved in {log}.").format(
                reason=type(exc).__name__, log=log
            ),
            file=sys.stderr,
        )
        return 1


def _log_crash(argv: list[str]) -> str:
    from aulalocal.paths import data_dir

    try:
        folder = data_dir(None)
        if "--data-dir" in argv and argv.index("--data-dir") + 1 < len(argv):
            folder = Path(argv[argv.index("--data-dir") + 1])
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / "aulalocal.log"
        with log.open("a", encoding="utf-8") as fh:
            fh.write(traceback.format_exc() + "\n")
        return str(log)
    except OSError:
        return "(no log)"
