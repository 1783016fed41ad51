"""What every command prints and opens: lines made safe to show, record text, progress, the data folder.

Everything printed passes through ``print_lines``, which makes control
characters visible (``aulalocal.safetext``); values go into lines through
``fill``, which keeps each on one line, and record text through
``print_text`` (``safetext.wrap``), which indents every row so that no text
from a bundle can pass for a line of the program's own.
"""

from __future__ import annotations

import shutil
import sys

from aulalocal import i18n
from aulalocal.safetext import paragraphs, wrap


def print_lines(text: str = "") -> None:
    """One or more lines on stdout, every control character but LF and tab visible."""
    TerminalProgress.clear()
    print(paragraphs(text))


def print_text(text: str, indent: str = "  ") -> None:
    """Record text, wrapped to the terminal with every row indented (``safetext.wrap``)."""
    print_lines("\n".join(wrap(text, shutil.get_terminal_size().columns, indent)))


def open_folder(args):
    """The data folder; from here on, messages follow the teacher's language setting."""
    from aulalocal.catalog.db import MigrationTask
    from aulalocal.i18n import gettext as _
    from aulalocal.startup import open_data_folder

    printer = progress_printer(args)
    # The first start after an update may rebuild the search indexes: say how far.
    migration = None
    if printer:
        migration = MigrationTask(progress=lambda done, total: printer(_("preparing the catalog"), done, total))
    folder = open_data_folder(args.data_dir, migration=migration)
    TerminalProgress.clear()
    set_language(args, folder)
    return folder


def set_language(args, folder=None) -> None:
    setting = args.lang
    if setting is None and folder is not None:
        from aulalocal.catalog.userdata import get_setting

        setting = get_setting(folder.userdata, "language")
    i18n.set_language(i18n.choose_language(setting))


class TerminalProgress:
    """Progress on stderr for a person at a terminal, on one row that is
    cleared before anything else is printed, so that an ``error:`` line or a
    result starts at the margin; silent in scripts."""

    shown = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if total:
            sys.stderr.write(f"\r{phase}: {100 * done // total:3d}%")
            sys.stderr.flush()
            TerminalProgress.shown = True

    @staticmethod
    def clear() -> None:
        if TerminalProgress.shown:
            sys.stderr.write("\r\x1b[K")  # to the margin; erase the row
            sys.stderr.flush()
            TerminalProgress.shown = False


def progress_printer(args):
    return TerminalProgress() if sys.stderr.isatty() else None
