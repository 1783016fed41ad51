"""Python's argparse in the user's language: "usage:", "options", its errors.

argparse says these through its module functions ``argparse._`` and
``argparse.ngettext`` (Python's default gettext domain, which no one fills).
``install()`` points them at the app's own catalog, where the messages listed
below are translated like every other (``make i18n`` extracts them from here).
A message argparse says that is not listed stays English;
``tests/test_cli_i18n.py`` extracts argparse's messages from the running
Python and fails on any a user could see that is missing here.
"""

from __future__ import annotations

import argparse

from aulalocal import i18n
from aulalocal.errors import N_

MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("subcommands"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)

# Its plural messages, each said through i18n.ngettext (so that babel
# extracts both forms), by the singular argparse passes.
PLURALS = {
    "expected %s argument": lambda n: i18n.ngettext("expected %s argument", "expected %s arguments", n),
}


def _gettext(message: str | None) -> str | None:
    # argparse also asks for None (a subparsers group without a description).
    return i18n.gettext(message) if message else message


def _ngettext(singular: str, plural: str, n: int) -> str:
    say = PLURALS.get(singular)
    if say is not None:
        return say(n)
    return singular if n == 1 else plural


def install() -> None:
    """From now on argparse speaks the current language (``i18n.set_language``)."""
    argparse._ = _gettext
    argparse.ngettext = _ngettext
