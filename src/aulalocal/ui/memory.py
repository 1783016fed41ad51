"""What the window's process can give back once a part of the app is loaded."""

from __future__ import annotations

import linecache


def forget_module_sources() -> None:
    """Drop the source lines of the modules imported so far, which Python's ``linecache`` would keep for good.

    PySide6 reads the whole source of every module imported after it, to see
    whether the module uses PySide6 (its ``__feature__`` switches,
    PYSIDE-2029), and reads it through ``linecache``: the window's own modules
    and the classroom site's (zeroconf, asyncio, Jinja2, waitress) leave about
    5 MB of lines each in the process. A traceback reads a file again when it
    needs it. The packaged app has no sources to read, so nothing is kept there.
    """
    linecache.clearcache()
