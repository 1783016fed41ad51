"""The command line's parsers: the window's options, and every subcommand with its help."""

from __future__ import annotations

import argparse
from pathlib import Path

from aulalocal import __version__, i18n, kinds
from aulalocal.appearance import TEXT_SIZES
from aulalocal.errors import N_, UsageError
from aulalocal.i18n import gettext as _


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
    p.add_argument("--view", default="home", metavar=_("VIEW"), help=_("view for --screenshot: home, programs, safety, years, organizations, reports, favorites, notes, detail:KIND:ID, reading:KIND:ID (the record in reading mode), update, trust, share, peer, peer-progress, drive, drive-done, export, save-pdf, saved"))
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
    fetch = bundle_sub.add_parser("fetch", help=_("take the updates another computer on the network has and this laptop lacks"))
    fetch.add_argument("address", metavar=_("ADDRESS"), help=_("the other computer's address, as its Share in class panel shows it (192.168.1.20:8080)"))
    fetch.add_argument("--verify-only", action="store_true", help=_("download and check them, change nothing"))
    fetch.add_argument("--trust", metavar=_("FINGERPRINT"), help=_("trust the publisher key it comes with if it has this fingerprint (checked with the publisher)"))
    fetch.add_argument("--json", action="store_true", help=_("print JSON"))
    scan = bundle_sub.add_parser("scan", help=_("list the bundles on a drive and what they would do here"))
    scan.add_argument("root", type=Path, metavar=_("DRIVE"), help=_("the drive's folder"))
    scan.add_argument("--json", action="store_true", help=_("print JSON"))

    peers = sub.add_parser("peers", help=_("list the other AulaLocal computers on the network and the updates they have"))
    peers.add_argument("address", nargs="*", metavar=_("ADDRESS"), help=_("also look at these addresses (192.168.1.20:8080)"))
    peers.add_argument("--seconds", type=float, default=3.0, metavar="N", help=_("look for computers for N seconds (default: 3)"))
    peers.add_argument("--json", action="store_true", help=_("print JSON"))

    serve = sub.add_parser("serve", help=_("share the catalog in class: a web site for students' and parents' devices"))
    serve.add_argument("--port", type=int, help=_("port to serve on (default 8080); when it is busy, the next free one; 0: any free port"))
    serve.add_argument("--address", default="0.0.0.0", help=_("network address to serve on (default: every network of this laptop)"))
    serve.add_argument("--no-announce", action="store_true", help=_("do not announce the site by name on the network (mDNS)"))
    serve.add_argument("--json", action="store_true", help=_("for scripts: JSON lines on standard output; stops when standard input closes"))

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
