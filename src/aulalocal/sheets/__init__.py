"""Publishers write the catalog in a spreadsheet: template, workbook to bundle, catalog back to a workbook.

``aulalocal bundle template``, ``bundle build WORKBOOK``, ``bundle sheet`` and
``i18n coverage --sheet`` (docs/publishing.md). The sheets' columns derive
from ``kinds`` (``columns``, ``layout``); the readers of .xlsx (openpyxl),
.ods (odfpy) and CSV folders (``csv``) give plain rows (``book``), read into
the records a source folder holds (``read``) and checked by the bundle's own
validation. These are publisher tools: nothing here is imported when the app
starts, and the libraries come with the ``publisher`` extra.
"""

from __future__ import annotations

import importlib

from aulalocal.errors import N_, AulaLocalError

EXTRA = "publisher"
# module -> the package that brings it (pip names).
_PACKAGES = {"openpyxl": "openpyxl", "odf": "odfpy", "defusedxml": "defusedxml"}


class MissingLibrary(AulaLocalError):
    """A publisher tool whose library is not installed: says which extra brings it."""


def require(module: str):
    """Import ``module`` (openpyxl, odf, defusedxml), or say plainly what to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingLibrary(
            N_("Spreadsheets need the Python package {package}, which is not installed. Install AulaLocal's publisher tools: pip install 'aulalocal[{extra}]'"),
            package=_PACKAGES.get(module.partition(".")[0], module), extra=EXTRA,
        ) from None
