"""``aulalocal``: opens the app, or runs a subcommand over the core.

Errors are one translated line on stderr starting with ``error: `` and the
exit status of spec section 7; a traceback never reaches the user (it goes to
``aulalocal.log`` in the data folder).

The parsers are in ``parser``, what every command prints in ``output``, and
the commands by group in ``catalog``, ``bundles``, ``peers``, ``trust`` and
``serve``,
each imported only when one of its commands runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from pathlib import Path

from aulalocal import argparse_i18n, i18n
from aulalocal.cli import output
from aulalocal.cli.parser import _parser, _window_parser
from aulalocal.errors import N_, AulaLocalError, UsageError, message
from aulalocal.i18n import gettext as _

__all__ = ["main", "run"]

# (command, subcommand) -> (module of aulalocal.cli, function)
COMMANDS = {
    ("catalog", "status"): ("catalog", "cmd_catalog_status"),
    ("search", None): ("catalog", "cmd_search"),
    ("show", None): ("catalog", "cmd_show"),
    ("say", None): ("catalog", "cmd_say"),
    ("doctor", None): ("catalog", "cmd_doctor"),
    ("i18n", "coverage"): ("catalog", "cmd_i18n_coverage"),
    ("bundle", "verify"): ("bundles", "cmd_bundle_verify"),
    ("bundle", "apply"): ("bundles", "cmd_bundle_apply"),
    ("bundle", "keygen"): ("bundles", "cmd_bundle_keygen"),
    ("bundle", "build"): ("bundles", "cmd_bundle_build"),
    ("bundle", "template"): ("bundles", "cmd_bundle_template"),
    ("bundle", "sheet"): ("bundles", "cmd_bundle_sheet"),
    ("bundle", "sign"): ("bundles", "cmd_bundle_sign"),
    ("bundle", "export"): ("bundles", "cmd_bundle_export"),
    ("bundle", "scan"): ("bundles", "cmd_bundle_scan"),
    ("bundle", "fetch"): ("peers", "cmd_bundle_fetch"),
    ("peers", None): ("peers", "cmd_peers"),
    ("serve", None): ("serve", "cmd_serve"),
    ("trust", "add"): ("trust", "cmd_trust_add"),
    ("trust", "list"): ("trust", "cmd_trust_list"),
    ("trust", "remove"): ("trust", "cmd_trust_remove"),
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
    output.set_language(args)
    if args.command is None:
        from aulalocal.launcher import launch

        return launch(args)
    sub = getattr(args, f"{args.command}_command", None)
    module, function = COMMANDS[(args.command, sub)]
    return getattr(importlib.import_module(f"aulalocal.cli.{module}"), function)(args)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    argparse_i18n.install()
    try:
        try:
            i18n.set_language(i18n.choose_language(None))
            return run(argv)
        finally:
            output.TerminalProgress.clear()
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
