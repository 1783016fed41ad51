"""The few CLDR tables a process formats with, from a small file the build writes, not babel's whole data.

Babel loads a locale's CLDR data whole, with its parents (``es_PE`` is
``root``, ``es``, ``es_419`` and ``es_PE`` merged) and its global tables:
6.5 MB of Python objects for es-PE, qu-PE and en, kept for the life of the
process and never given back once loaded, even if most of it is dropped
after. The app formats with seven of its tables (dates in words, numbers,
country names, "3 days ago"): 0.1 MB. ``make mo`` (and the package's build)
writes those tables, as babel's own loader merged them, to
``translations/cldr.pickle``; the window and ``aulalocal serve`` hand them
to babel before they format anything (``install``), and babel formats as
always: the classroom site's pages in three languages load no locale whole.

A table the file lacks is not an error: the first time one is asked, babel
loads that locale whole (logged), so a page that starts formatting
something new is right, only larger, until the file's ``TABLES`` say
so. A file from another babel version is not used.
"""

from __future__ import annotations

import logging
import pickle
import sys
import threading
from pathlib import Path

from aulalocal.i18n import BABEL_LOCALES
from aulalocal.paths import translations_dir

# What the window and the classroom site format: dates in words, numbers, country names, durations.
TABLES = ("date_formats", "months", "decimal_formats", "number_symbols", "territories", "unit_patterns", "plural_form")
FORMAT = 1
log = logging.getLogger("aulalocal.cldr")
_lock = threading.Lock()


def tables_file() -> Path:
    return translations_dir() / "cldr.pickle"


def write(path: Path, tables: tuple[str, ...] = TABLES) -> None:
    """The ``tables`` of every locale the app speaks, as babel loads them, pickled to ``path``."""
    import babel
    from babel import localedata

    locales = {code: {table: localedata.load(code)[table] for table in tables} for code in BABEL_LOCALES.values()}
    data = {"format": FORMAT, "babel": babel.__version__, "tables": tables, "locales": locales}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    tmp.replace(path)


class _Tables(dict):
    """A locale's tables from the file; one it lacks makes babel load the locale whole, once."""

    def __init__(self, code: str, tables: dict) -> None:
        super().__init__(tables)
        self.code = code
        self.whole = False

    def __missing__(self, key):
        from babel import localedata

        with _lock:
            if not self.whole:
                log.info("CLDR table %r of %s is not in %s: loading the locale whole", key, self.code, tables_file().name)
                with localedata._cache_lock:
                    if localedata._cache.get(self.code) is self:
                        del localedata._cache[self.code]
                try:
                    whole = localedata.load(self.code)
                finally:
                    with localedata._cache_lock:
                        localedata._cache[self.code] = self
                for name, value in whole.items():
                    self.setdefault(name, value)
                self.whole = True
        if key in self:
            return dict.__getitem__(self, key)
        raise KeyError(key)


def install(path: Path | None = None) -> bool:
    """Give babel the file's tables for the app's locales, before anything is formatted; False when not used.

    Not used (babel loads its whole data, as anywhere else) when the file is
    missing, unreadable or from another babel version, or when a locale's
    data is loaded already.
    """
    import babel
    from babel import localedata

    path = tables_file() if path is None else path
    if not (hasattr(localedata, "_cache") and hasattr(localedata, "_cache_lock")):
        return False  # a babel whose cache is made otherwise: its whole data, as anywhere else
    try:
        data = pickle.loads(path.read_bytes())  # written by the build, like babel's own pickled data
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return False
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("babel") != babel.__version__:
        return False
    locales = data["locales"]
    with localedata._cache_lock:
        if set(BABEL_LOCALES.values()) - set(locales) or any(code in localedata._cache for code in locales):
            return False
        for code, tables in locales.items():
            localedata._cache[code] = _Tables(code, tables)
    return True


def installed() -> bool:
    """Whether babel formats from the file's tables (and has loaded no locale whole)."""
    from babel import localedata

    return all(isinstance(localedata._cache.get(code), _Tables) and not localedata._cache[code].whole
               for code in BABEL_LOCALES.values())


if __name__ == "__main__":  # make mo, the package's build: python -m aulalocal.cldr [PATH]
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else tables_file())
