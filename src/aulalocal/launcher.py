"""Opening the desktop app from ``aulalocal`` with no subcommand."""

from __future__ import annotations

import os
import sys

from aulalocal import i18n
from aulalocal.i18n import gettext as _
from aulalocal.i18n import ngettext


def _has_screen() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def launch(args) -> int:
    if not getattr(args, "screenshot", None) and not _has_screen():
        # A terminal without a desktop (an SSH session, a server): Qt would
        # abort; say what holds instead and how to use it from here.
        from aulalocal.catalog.queries import status
        from aulalocal.startup import open_data_folder
        from aulalocal.safetext import fill

        folder = open_data_folder(args.data_dir)
        for cat in status(folder.catalog)["catalogs"]:
            total = sum(cat["counts"].values())
            text = ngettext("Catalog {catalog}: sequence {sequence}, {count} record", "Catalog {catalog}: sequence {sequence}, {count} records", total)
            print(fill(text, count=i18n.format_number(total), **cat))
        folder.close()
        print(_("No screen here, so the window cannot open. Start AulaLocal from the laptop's desktop, or use the commands in 'aulalocal --help'."))
        return 0
    from aulalocal.ui.app import run_app

    return run_app(args)
