"""``aulalocal``: opens the app, or runs a subcommand over the core.

Errors are one translated line on stderr starting with ``error: `` and the
exit status of spec section 7; a traceback never reaches the user (it goes to
``aulalocal.log`` in the data folder).

Everything printed passes through ``_print``, which makes control characters
visible (``aulalocal.safetext``); values go into lines through ``fill``, which
keeps each on one line, and record text through ``wrap``, which indents every
row so that no text from a bundle can pass for a line of the program's own.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import traceback
from pathlib import Path

from aulalocal import __version__, argparse_i18n, i18n, kinds
from aulalocal.appearance import TEXT_SIZES
from aulalocal.errors import N_, AulaLocalError, UsageError, message
from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext
from aulalocal.safetext import fill, one_line, paragraphs, to_json, wrap


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        # The help of the command that was mistyped: 'aulalocal bundle build --help'.
        raise UsageError(N_("{message} (see '{command} --help')"), message=message, command=self.prog)


def _window_parser(add_help: bool = True) -> argparse.ArgumentParser:
    """The options of the window (no subcommand)."""
    p = _Parser(prog="aulalocal", description=_("Offline catalog for rural schools."), add_help=add_help)
    p.add_argument("--version", action="version", version=f"aulalocal {__version__}", help=_("print the version and exit"))
    p.add_argument("--data-dir", metavar=_("DIR"), help=_("data folder (default: the platform's)"))
    p.add_argument("--lang", choices=i18n.LANGUAGES, help=_("language of the window and messages"))
    p.add_argument("--screenshot", metavar=_("FILE"), help=_("save a picture of the window and exit"))
    p.add_argument("--size", default="1024x600", metavar=_("WIDTHxHEIGHT"), help=_("window size for --screenshot, e.g. 1024x600"))
    p.add_argument("--view", default="home", metavar=_("VIEW"), help=_("view for --screenshot: home, programs, safety, years, organizations, reports, favorites, notes, detail:KIND:ID, update, trust, share"))
    p.add_argument("--text-size", choices=tuple(TEXT_SIZES), help=_("text size of the window this time, for --screenshot too; the saved setting stays"))
    p.add_argument("--high-contrast", action=argparse.BooleanOptionalAction, help=_("white on black (or not) this time, for --screenshot too; the saved setting stays"))
    return p


def _parser() -> argparse.ArgumentParser:
    p = _window_parser()
    kind_choices = tuple(kinds.active())
    kind_help = _("the record's kind: {kinds}").format(kinds=", ".join(kind_choices))
    command = _("COMMAND")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar=command, help=_("without one, the window opens"))

    def commands(parser, name):
        return parser.add_subparsers(dest=name, required=True, parser_class=_Parser, metavar=command, help=_("what to do"))

    catalog = sub.add_parser("catalog", help=_("the catalogs on this laptop"))
    status = commands(catalog, "catalog_command").add_parser("status", help=_("what the catalog holds"))
    status.add_argument("--json", action="store_true", help=_("print JSON"))

    search = sub.add_parser("search", help=_("search the catalog"))
    search.add_argument("query", metavar=_("WORDS"), help=_("what to look for; accents and capital letters do not matter"))
    search.add_argument("--lang", dest="content_lang", choices=i18n.LANGUAGES, help=_("language of the texts to search (default: the messages')"))
    search.add_argument("--kind", choices=kind_choices, help=_("only records of this kind"))
    search.add_argument("--limit", type=int, default=50, metavar="N", help=_("at most N results (default: 50)"))
    search.add_argument("--json", action="store_true", help=_("print JSON"))

    show = sub.add_parser("show", help=_("show one record"))
    show.add_argument("kind", choices=kind_choices, metavar=_("KIND"), help=kind_help)
    show.add_argument("id", metavar="ID", help=_("the record's id, as 'aulalocal search' prints it"))
    show.add_argument("--lang", dest="content_lang", choices=i18n.LANGUAGES, help=_("language to show the record in (default: the messages')"))
    show.add_argument("--json", action="store_true", help=_("print JSON"))

    say = sub.add_parser("say", help=_("save a record read aloud as an audio file"))
    say.add_argument("kind", choices=kind_choices, metavar=_("KIND"), help=kind_help)
    say.add_argument("id", metavar="ID", help=_("the record's id, as 'aulalocal search' prints it"))
    say.add_argument("--lang", dest="content_lang", choices=i18n.LANGUAGES, help=_("language to read in"))
    say.add_argument("--out", required=True, type=Path, metavar=_("FILE"), help=_("the audio file: .mp3 or .wav"))
    say.add_argument("--rate", type=int, metavar="N", help=_("words a minute, 80 to 260 (default: the speed chosen in the app)"))

    doctor = sub.add_parser("doctor", help=_("check both databases"))
    doctor.add_argument("--repair", action="store_true", help=_("rebuild a damaged catalog from the shipped one and the kept updates"))

    bundle = sub.add_parser("bundle", help=_("update bundles: check, apply, make, pass on"))
    bundle_sub = commands(bundle, "bundle_command")
    for name, text in (("verify", _("check a bundle, change nothing")), ("apply", _("check a bundle, then apply it"))):
        cmd = bundle_sub.add_parser(name, help=text)
        cmd.add_argument("path", type=Path, metavar=_("FILE"), help=_("the .aulabundle file, with its .minisig beside it"))
        cmd.add_argument("--json", action="store_true", help=_("print JSON"))
    keygen = bundle_sub.add_parser("keygen", help=_("make a publisher key pair (minisign format)"))
    keygen.add_argument("--out", required=True, metavar=_("NAME"), help=_("writes NAME.pub and NAME.key"))
    keygen.add_argument("--comment", metavar=_("TEXT"), help=_("the public key's comment, e.g. the publisher's name"))
    keygen.add_argument("--no-passphrase", action="store_true", help=_("leave the secret key unencrypted"))
    keygen.add_argument("--force", action="store_true", help=_("overwrite existing files"))
    build = bundle_sub.add_parser("build", help=_("make a bundle from a workbook (.xlsx, .ods, a folder of CSV files) or a source folder"))
    build.add_argument("source", type=Path, metavar=_("SOURCE"), help=_("the workbook (.xlsx, .ods), a folder of CSV files, or a source folder of JSON files"))
    build.add_argument("--catalog", metavar="ID", help=_("the catalog id (default: the source's own)"))
    build.add_argument("--sequence", required=True, type=int, metavar="N", help=_("the bundle's number, one more than the last one"))
    build.add_argument("--base", type=int, metavar="N", help=_("make a delta bundle over this sequence"))
    build.add_argument("--from", dest="base_source", type=Path, metavar=_("OLD_SOURCE"), help=_("the workbook or source folder of the base sequence"))
    build.add_argument("--out", required=True, type=Path, metavar=_("FILE"), help=_("the bundle to write (.aulabundle)"))
    template = bundle_sub.add_parser("template", help=_("write an empty workbook to fill in: one sheet per kind of record"))
    template.add_argument("--out", required=True, type=Path, metavar=_("FILE"), help=_("the workbook to write (.xlsx)"))
    template.add_argument("--catalog", default="", metavar="ID", help=_("the catalog id to fill in"))
    template.add_argument("--publisher", default="", metavar=_("NAME"), help=_("the publisher's name to fill in"))
    template.add_argument("--languages", default="es,qu,en", metavar=_("LANGUAGES"), help=_("the languages of the texts (default: es,qu,en)"))
    template.add_argument("--force", action="store_true", help=_("overwrite existing files"))
    sheet = bundle_sub.add_parser("sheet", help=_("write a catalog as a workbook: this laptop's (--catalog) or a source's (--source)"))
    origin = sheet.add_mutually_exclusive_group(required=True)
    origin.add_argument("--catalog", metavar="ID", help=_("a catalog on this laptop"))
    origin.add_argument("--source", type=Path, metavar=_("SOURCE"), help=_("a source folder or a workbook"))
    sheet.add_argument("--out", required=True, type=Path, metavar=_("FILE"), help=_("an .xlsx file, or a folder for CSV files"))
    sheet.add_argument("--force", action="store_true", help=_("overwrite existing files"))
    sign = bundle_sub.add_parser("sign", help=_("sign a bundle (writes FILE.minisig)"))
    sign.add_argument("path", type=Path, metavar=_("FILE"), help=_("the bundle to sign"))
    sign.add_argument("--key", required=True, type=Path, metavar=_("FILE"), help=_("the secret key file (NAME.key from 'bundle keygen')"))
    sign.add_argument("--comment", metavar=_("TEXT"), help=_("trusted comment (default: time and file name)"))
    export = bundle_sub.add_parser("export", help=_("copy the applied bundles to a drive for another school"))
    export.add_argument("dest", type=Path, metavar=_("DIR"), help=_("the drive or folder to copy to (they go into its AulaLocal folder)"))
    scan = bundle_sub.add_parser("scan", help=_("list the bundles on a drive and what they would do here"))
    scan.add_argument("root", type=Path, metavar=_("DRIVE"), help=_("the drive's folder"))
    scan.add_argument("--json", action="store_true", help=_("print JSON"))

    serve = sub.add_parser("serve", help=_("share the catalog in class: a web site for students' and parents' devices"))
    serve.add_argument("--port", type=int, help=_("port to serve on (default 8080); when it is busy, the next free one; 0: any free port"))
    serve.add_argument("--address", default="0.0.0.0", help=_("network address to serve on (default: every network of this laptop)"))
    serve.add_argument("--no-announce", action="store_true", help=_("do not announce the site by name on the network (mDNS)"))
    serve.add_argument("--json", action="store_true", help=_("for the app: JSON lines on standard output; stops when standard input closes"))

    i18n_cmd = sub.add_parser("i18n", help=_("translations"))
    cov = commands(i18n_cmd, "i18n_command").add_parser("coverage", help=_("how much each language covers; fails under the thresholds"))
    cov.add_argument("--json", action="store_true", help=_("print JSON"))
    cov.add_argument("--sheet", type=Path, metavar=_("WORKBOOK"), help=_("list the workbook's texts still to translate instead"))
    cov.add_argument("--lang", dest="content_lang", default="qu", choices=[lang for lang in i18n.LANGUAGES if lang != "es"], help=_("the language to translate into, with --sheet (default: qu)"))

    trust = sub.add_parser("trust", help=_("publisher keys this laptop trusts"))
    trust_sub = commands(trust, "trust_command")
    add = trust_sub.add_parser("add", help=_("trust a key (.pub file or its base64 line)"))
    add.add_argument("key", metavar=_("PUBKEY"), help=_("the publisher's .pub file, or the base64 line in it"))
    trust_sub.add_parser("list", help=_("list trusted keys"))
    remove = trust_sub.add_parser("remove", help=_("stop trusting a key"))
    remove.add_argument("key_id", metavar=_("KEYID"), help=_("the key's id, as 'aulalocal trust list' prints it"))
    return p


def _print(text: str = "") -> None:
    """One or more lines on stdout, every control character but LF and tab visible."""
    _Progress.clear()
    print(paragraphs(text))


def _print_text(text: str, indent: str = "  ") -> None:
    """Record text, wrapped to the terminal with every row indented (``safetext.wrap``)."""
    _print("\n".join(wrap(text, shutil.get_terminal_size().columns, indent)))


def _open(args):
    """The data folder; from here on, messages follow the teacher's language setting."""
    from aulalocal.startup import open_data_folder

    folder = open_data_folder(args.data_dir)
    _language(args, folder)
    return folder


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
        _print(to_json(data, indent=2))
        return 0
    for cat in data["catalogs"]:
        _print(fill(_("{catalog}: sequence {sequence}, from {publisher}"), **cat))
        created = i18n.parse_timestamp(cat["created"])
        if created:
            _print(fill("  " + _("Content date: {date}"), date=i18n.format_date(created)))
        for kind, n in sorted(cat["counts"].items()):
            _print(fill("  {kind}: {count}", kind=kind, count=i18n.format_number(n)))
    return 0


def cmd_search(args) -> int:
    from aulalocal.catalog.search import HIGHLIGHT, search

    folder = _open(args)
    lang = args.content_lang or i18n.current_language()
    hits = search(folder.catalog, args.query, lang=lang, kind=args.kind, limit=args.limit)
    if args.json:
        _print(to_json([h.as_json() for h in hits], indent=2))
        return 0
    if not hits:
        _print(_("Nothing found. Try a shorter word, or another language with --lang."))
    for hit in hits:
        _print(fill("{kind}/{id}  {title}", kind=hit.kind, id=hit.id, title=hit.title))
        # A snippet is a piece of running text: its line breaks are spaces.
        snippet = " ".join(hit.snippet.replace(HIGHLIGHT[0], "[").replace(HIGHLIGHT[1], "]").split())
        _print_text(snippet, indent="    ")
    return 0


def cmd_show(args) -> int:
    from aulalocal.catalog.queries import get_record, related
    from aulalocal.recordtext import kind_name, record_sections

    folder = _open(args)
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
        _print(to_json(out, indent=2))
        return 0
    # Headings are the program's and start at the margin; all record text,
    # the title too (under the kind's name), is indented below them.
    for index, (heading, text, fallback) in enumerate(record_sections(record, lang)):
        if index == 0:  # the title: one line, as in the window and in search
            heading, text = kind_name(record.kind), one_line(text)
        _print(fill("== {heading} [{fallback}]" if fallback else "== {heading}", heading=heading, fallback=fallback))
        _print_text(text)
        _print()
    if links:
        _print("== " + _("Related"))
        for r in links:
            title = r.title if r.title is not None else _("(not available)")
            _print_text(fill("{kind}/{id}  {title}", kind=r.kind, id=r.id, title=title))
    return 0


def cmd_say(args) -> int:
    from aulalocal.catalog.queries import get_record
    from aulalocal.speech.audio import audio_format, save_reading
    from aulalocal.speech.espeak import saved_rate
    from aulalocal.speech.reading import record_reading

    folder = _open(args)
    lang = args.content_lang or i18n.current_language()
    audio_format(args.out)  # a wrong extension fails before any work
    record = get_record(folder.catalog, args.kind, args.id)
    if record is None:
        raise AulaLocalError(N_("No {kind} with id '{id}' in the catalog."), kind=args.kind, id=args.id)
    rate = args.rate or saved_rate(folder.userdata)
    path = save_reading(args.out, record_reading(record, lang), rate, progress=_progress_printer(args))
    _print(_("Saved: {path}").format(path=path))
    return 0


def cmd_doctor(args) -> int:
    from aulalocal.doctor import check, repair

    ok = True
    for line, good in (repair if args.repair else check)(args.data_dir):
        _print(one_line(line))
        ok = ok and good
    return 0 if ok else 1


class _Progress:
    """Progress on stderr for a person at a terminal, on one row that is
    cleared before anything else is printed, so that an ``error:`` line or a
    result starts at the margin; silent in scripts."""

    shown = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if total:
            sys.stderr.write(f"\r{phase}: {100 * done // total:3d}%")
            sys.stderr.flush()
            _Progress.shown = True

    @staticmethod
    def clear() -> None:
        if _Progress.shown:
            sys.stderr.write("\r\x1b[K")  # to the margin; erase the row
            sys.stderr.flush()
            _Progress.shown = False


def _progress_printer(args):
    return _Progress() if sys.stderr.isatty() else None


def cmd_bundle_verify(args) -> int:
    from aulalocal.bundle.importer import check_bundle

    folder = _open(args)
    summary = check_bundle(folder, args.path, progress=_progress_printer(args)).as_json()
    count = summary["records"]
    if args.json:
        _print(to_json(summary))
    else:
        text = ngettext(
            "OK: catalog {catalog}, sequence {sequence}, {count} record, signed by {key_id} ({publisher}).",
            "OK: catalog {catalog}, sequence {sequence}, {count} records, signed by {key_id} ({publisher}).",
            count,
        )
        _print(fill(text, count=i18n.format_number(count), **summary))
    return 0


def cmd_bundle_apply(args) -> int:
    from aulalocal.bundle.importer import import_bundle

    folder = _open(args)
    result = import_bundle(folder, args.path, progress=_progress_printer(args))
    if args.json:
        _print(to_json(result.as_json()))
    elif result.up_to_date:
        _print(fill(_("Already up to date: catalog {catalog} is at sequence {sequence}."), catalog=result.catalog, sequence=result.sequence))
    else:
        added, changed, removed = (sum(counts.values()) for counts in (result.added, result.changed, result.removed))
        _print(
            fill(
                _("Applied catalog {catalog} sequence {sequence}: {added}, {changed}, {removed}."),
                catalog=result.catalog,
                sequence=result.sequence,
                # The words of the update dialog's summary (ui/updatedialog.py).
                added=fill(ngettext("{count} new", "{count} new", added), count=i18n.format_number(added)),
                changed=fill(ngettext("{count} changed", "{count} changed", changed), count=i18n.format_number(changed)),
                removed=fill(ngettext("{count} removed", "{count} removed", removed), count=i18n.format_number(removed)),
            )
        )
    return 0


def _read_passphrase(prompt: str, confirm: bool) -> str:
    """From the terminal without echo, or one line of standard input (as minisign)."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Passphrase (once more): ")) != first:
        raise UsageError(N_("The two passphrases differ."))
    return first


def cmd_bundle_keygen(args) -> int:
    import os

    from aulalocal.bundle.minisign import check_key_comment, generate_keypair
    from aulalocal.fileio import write_atomically

    if args.comment is not None:
        check_key_comment(args.comment, UsageError)  # before a passphrase is asked for nothing
    pub_path, key_path = Path(args.out + ".pub"), Path(args.out + ".key")
    for path in (pub_path, key_path):
        if os.path.lexists(path) and not args.force:
            raise UsageError(N_("{path} already exists; use --force to overwrite it."), path=str(path))
    passphrase = None if args.no_passphrase else _read_passphrase(_("Passphrase for the new secret key: "), confirm=True)
    public, secret = generate_keypair(args.comment)
    # The secret key readable by its owner only (0600), like minisign's.
    write_atomically(key_path, [secret.to_text(passphrase).encode("utf-8")], mode=0o600)
    write_atomically(pub_path, [public.to_text().encode("utf-8")])
    _print(fill(_("Key {key_id}: public key {pub}, secret key {key}. Keep the secret key off school laptops and out of any repository."), key_id=public.key_id_hex, pub=pub_path, key=key_path))
    _print(fill(_("Its fingerprint, to read to schools when they add the key: {fingerprint}"), fingerprint=public.fingerprint))
    return 0


def _source(path: Path):
    """A workbook or a folder of CSV files read (every problem at once), else the source folder itself."""
    from aulalocal.sheets.read import is_sheet_source, open_source

    return open_source(path) if path is not None and is_sheet_source(path) else path


def cmd_bundle_build(args) -> int:
    from aulalocal.bundle.build import build_bundle

    manifest = build_bundle(_source(args.source), args.out, args.catalog, args.sequence, args.base, _source(args.base_source))
    count = len(manifest["files"])
    text = ngettext(
        "Built {path}: catalog {catalog}, sequence {sequence}, {count} file. Sign it next.",
        "Built {path}: catalog {catalog}, sequence {sequence}, {count} files. Sign it next.",
        count,
    )
    _print(fill(text, path=args.out, catalog=manifest["catalog"], sequence=manifest["sequence"], count=i18n.format_number(count)))
    return 0


def cmd_bundle_template(args) -> int:
    from aulalocal.sheets.export import template

    languages = [lang.strip() for lang in args.languages.replace(";", ",").split(",") if lang.strip()]
    template(args.out, args.catalog, args.publisher, languages, args.force)
    _print(fill(_("Wrote {path}: fill in one sheet per kind of record, then 'aulalocal bundle build {path} --sequence N --out FILE.aulabundle'."), path=args.out))
    return 0


def cmd_bundle_sheet(args) -> int:
    from aulalocal.sheets.export import from_catalog, from_source, write_workbook

    if args.catalog:
        folder = _open(args)
        head, records = from_catalog(folder.catalog, args.catalog)
    else:
        head, records = from_source(args.source)
    layout = write_workbook(args.out, head, records, args.force)
    count = sum(len(v) for v in records.values())
    text = ngettext("Wrote {path}: {count} record of catalog {catalog}.", "Wrote {path}: {count} records of catalog {catalog}.", count)
    _print(fill(text, path=args.out, count=i18n.format_number(count), catalog=head.catalog))
    for kind, id_, field in layout.as_json:
        _print(fill(_("{kind} {id}: the field {field} is written as JSON text (column json:{field}); the sheet's columns cannot hold it exactly."), kind=kind, id=id_, field=field))
    return 0


def cmd_bundle_sign(args) -> int:
    import time

    from aulalocal.bundle import minisign

    try:
        text = args.key.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(N_("Cannot read the secret key {path}."), path=str(args.key)) from exc
    passphrase = _read_passphrase(_("Passphrase: "), confirm=False) if minisign.needs_passphrase(text) else None
    secret = minisign.load_secret_key(text, passphrase)
    # A trusted comment is one line (minisign's format): a file name may not be.
    comment = args.comment or f"timestamp:{int(time.time())}\tfile:{one_line(args.path.name)}\thashed"
    signature = minisign.sign_file(args.path, secret, comment)
    target = args.path.with_name(args.path.name + ".minisig")
    from aulalocal.fileio import write_atomically

    write_atomically(target, [signature])
    _print(fill(_("Signed: {path}"), path=target))
    return 0


def cmd_bundle_export(args) -> int:
    from aulalocal.bundle.export import export_bundles, export_size

    folder = _open(args)
    size = export_size(folder)
    _print(fill(_("Copying {size} MB of updates to {path}."), size=i18n.format_number(round(size / 1e6, 1)), path=args.dest / "AulaLocal"))
    written = export_bundles(folder, args.dest, progress=_progress_printer(args))
    # The words the window's export dialog says (ui/exportdialog.py).
    copied = ngettext("Copied {count} file to {path}.", "Copied {count} files to {path}.", len(written))
    _print(fill(copied, count=i18n.format_number(len(written)), path=args.dest / "AulaLocal"))
    return 0


# What a bundle on a drive is for this laptop (bundle/scan.py's states), in words.
_SCAN_STATES = {
    "new": N_("new"),
    "applied": N_("applied"),
    "older": N_("older"),
    "needs-sequence": N_("needs an earlier update"),
    "unsigned": N_("unsigned"),
    "untrusted": N_("unknown publisher"),
    "invalid": N_("invalid"),
}


def cmd_bundle_scan(args) -> int:
    from aulalocal.bundle.scan import scan_drive

    folder = _open(args)
    found = scan_drive(folder, args.root)
    if args.json:
        _print(to_json([{"path": str(b.path), "state": b.state, "catalog": b.catalog, "sequence": b.sequence, "publisher": b.publisher, "key_id": b.key_id, "fingerprint": b.fingerprint, "message": b.message} for b in found], indent=2))
        return 0
    if not found:
        _print(_("No update bundles on this drive."))
    for b in found:
        line = fill("{name}: {state} — {message}", name=b.path.name, state=_(_SCAN_STATES.get(b.state, b.state)), message=b.message)
        # The key on the bundle's own line: one line per bundle, whatever its name holds.
        _print(f"{line} ({_key_line(b.key_id, b.fingerprint)})" if b.key_id else line)
    return 0


def _key_line(key_id: str, fingerprint: str | None) -> str:
    if fingerprint is None:
        return fill(_("key {key_id}, fingerprint unknown (no key file for it beside the bundle)"), key_id=key_id)
    return fill(_("key {key_id}, fingerprint {fingerprint}"), key_id=key_id, fingerprint=fingerprint)


def cmd_serve(args) -> int:
    import signal
    import threading

    from aulalocal.web.server import DEFAULT_PORT, serve_folder

    if args.port is not None and not 0 <= args.port <= 65535:
        raise UsageError(N_("--port takes a number from 0 to 65535."))
    folder = _open(args)
    folder.close()  # the site reads the catalog through its own read-only connections
    port = DEFAULT_PORT if args.port is None else args.port
    server = serve_folder(
        folder.path, args.address, port, announce=not args.no_announce,
        default_lang=i18n.current_language(),
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_a: stop.set())
    try:
        if args.json:
            _serve_json(server, port, stop)
        else:
            _serve_text(server, port, stop)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    if not args.json:
        _print(_("Stopped sharing."))
    return 0


def _serve_text(server, port: int, stop) -> None:
    from aulalocal.web.network import url

    if server.fell_back:
        _print(fill(_("Port {port} was busy, so it uses port {used}."), port=port, used=server.port))
    _print(_("Sharing the catalog in class. On a phone, tablet or XO in the same network, open:"))
    addresses = server.addresses()
    for network in addresses:
        _print(fill("  {url}  ({name})" if network.name else "  {url}", url=url(network.address, server.port), name=network.name))
    if not addresses:
        _print(_("  (this laptop is on no network yet: turn on its Wi-Fi hotspot or join the school's network)"))
    if server.announced:
        _print(fill(_("Devices that find sites by name also see it as “{name}”."), name=server.announcer.instance))
    _print(_("Press Ctrl+C to stop."))
    while not stop.wait(0.5):
        pass


def _serve_json(server, port: int, stop) -> None:
    """For the app (``web.process``): a line when serving, then one every few seconds; stop when stdin closes."""
    import threading

    from aulalocal.web.process import STATUS_INTERVAL_S

    def status() -> dict:
        networks = [{"name": n.name, "address": n.address} for n in server.addresses()]
        return {"networks": networks, "visitors": server.app.visitors.count()}

    def send(obj: dict) -> None:
        sys.stdout.write(to_json(obj) + "\n")
        sys.stdout.flush()

    def watch_stdin() -> None:
        sys.stdin.buffer.read()  # until the app closes the pipe, or ends
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    name = server.announcer.instance if server.announced else ""
    send({"port": server.port, "requested_port": port, "fell_back": server.fell_back, "name": name, **status()})
    while not stop.wait(STATUS_INTERVAL_S):
        send(status())


def cmd_i18n_coverage(args) -> int:
    if args.sheet is not None:
        from aulalocal.sheets.coverage import print_todo

        return print_todo(args.sheet, args.content_lang, args.json, _print)
    from aulalocal.translation_coverage import coverage

    folder = _open(args)
    result = coverage(folder.catalog)
    if args.json:
        _print(to_json(result.as_json(), indent=2))
    else:
        for lang, ui in result.ui.items():
            text = ngettext("{lang}: {count} message, {percent:.1f}% translated", "{lang}: {count} messages, {percent:.1f}% translated", ui["total"])
            _print(fill(text, lang=lang, percent=ui["percent"], count=i18n.format_number(ui["total"])))
            for kind, fields in sorted(result.content[lang].items()):
                shares = ", ".join(f"{one_line(field)} {share:.0f}%" for field, share in fields.items())
                _print(fill("  {kind}: {shares}", kind=kind, shares=shares))
        for problem in result.failures():
            _print(fill(_("below the threshold: {problem}"), problem=problem))
    return 1 if result.failures() else 0


def cmd_trust_add(args) -> int:
    from aulalocal.bundle import trust

    folder = _open(args)
    key = trust.load_key_argument(args.key)
    trust.add_key(folder.keys_dir, key)
    _print(fill(_("Trusted key {key_id} ({comment})."), key_id=key.key_id_hex, comment=key.comment))
    _print("    " + fill(_("fingerprint {fingerprint}"), fingerprint=key.fingerprint))
    return 0


# Where a trusted key comes from (bundle/trust.py), in words.
_KEY_SOURCES = {"shipped": N_("ships with AulaLocal"), "added": N_("added on this laptop")}


def cmd_trust_list(args) -> int:
    from aulalocal.bundle import trust

    folder = _open(args)
    store = trust.trust_store(folder.keys_dir)
    if not store.keys:
        _print(_("This laptop trusts no publisher key yet. Add one with 'aulalocal trust add PUBKEY'."))
    for trusted in store.keys:
        source = _(_KEY_SOURCES.get(trusted.source, trusted.source))
        _print(fill("{key_id}  {comment}  [{source}]", key_id=trusted.key_id, comment=trusted.key.comment, source=source))
        _print("    " + fill(_("fingerprint {fingerprint}"), fingerprint=trusted.fingerprint))
    for finding in store.findings:
        print("warning: " + finding.message(), file=sys.stderr)  # message() is one line
    return 0


def cmd_trust_remove(args) -> int:
    from aulalocal.bundle import trust

    folder = _open(args)
    trust.remove_key(folder.keys_dir, args.key_id)
    _print(fill(_("Key {key_id} is no longer trusted."), key_id=args.key_id.upper()))
    return 0


COMMANDS = {
    ("catalog", "status"): cmd_catalog_status,
    ("search", None): cmd_search,
    ("show", None): cmd_show,
    ("say", None): cmd_say,
    ("doctor", None): cmd_doctor,
    ("bundle", "verify"): cmd_bundle_verify,
    ("bundle", "apply"): cmd_bundle_apply,
    ("bundle", "keygen"): cmd_bundle_keygen,
    ("bundle", "build"): cmd_bundle_build,
    ("bundle", "template"): cmd_bundle_template,
    ("bundle", "sheet"): cmd_bundle_sheet,
    ("bundle", "sign"): cmd_bundle_sign,
    ("bundle", "export"): cmd_bundle_export,
    ("bundle", "scan"): cmd_bundle_scan,
    ("serve", None): cmd_serve,
    ("i18n", "coverage"): cmd_i18n_coverage,
    ("trust", "add"): cmd_trust_add,
    ("trust", "list"): cmd_trust_list,
    ("trust", "remove"): cmd_trust_remove,
}


def _window_args(argv: list[str]) -> argparse.Namespace | None:
    """The window's options when ``argv`` holds nothing else, else None.

    Either way the language ``--lang`` asks for is set first, so that help
    and usage errors are in it: their texts are translated as the parsers
    are built. Opening the window is timed to the millisecond
    (docs/benchmarks.md): the twenty subcommand parsers are built only when
    a command or ``--help`` is given.
    """
    parser = _window_parser(add_help=False)
    parser.add_argument("-h", "--help", action="store_true", help=argparse.SUPPRESS)  # noted, not shown yet
    parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = argparse.Namespace()
    try:
        _args, unknown = parser.parse_known_args(argv, namespace=args)
    except UsageError:
        unknown = argv  # the full parser says what is wrong, in the language read so far
    if getattr(args, "lang", None) in i18n.LANGUAGES:
        i18n.set_language(args.lang)
    if unknown or args.rest or args.help:
        return None
    del args.rest, args.help
    args.command = None
    return args


def run(argv: list[str]) -> int:
    args = _window_args(argv) or _parser().parse_args(argv)
    _language(args)
    if args.command is None:
        from aulalocal.launcher import launch

        return launch(args)
    sub = getattr(args, f"{args.command}_command", None)
    return COMMANDS[(args.command, sub)](args)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    argparse_i18n.install()
    try:
        try:
            i18n.set_language(i18n.choose_language(None))
            return run(argv)
        finally:
            _Progress.clear()
    except AulaLocalError as exc:
        # message() keeps every parameter on one line (aulalocal.errors); a
        # workbook's problems come one per line before it (sheets.book).
        for line in getattr(exc, "details", list)():
            print(f"error: {line}", file=sys.stderr)
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
            + message(
                N_("Something unexpected went wrong ({reason}). Details were saved in {log}."),
                reason=type(exc).__name__,
                log=log,
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
        from aulalocal.fileio import append_text

        append_text(log, traceback.format_exc() + "\n")
        return str(log)
    except (OSError, AulaLocalError):
        return "(no log)"
