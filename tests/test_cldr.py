"""The classroom site's CLDR tables (aulalocal.cldr): babel formats from them as from its whole data."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

from tests.conftest import REPO

# Every month's date in words, numbers large and small, every country name,
# durations (the window's "3 days ago") in each locale; and whether babel loaded any locale, or its global tables, whole.
_FORMATS = r"""
import json, sys
from datetime import date, timedelta
from pathlib import Path
from babel import core, localedata
from babel.dates import format_date
from babel.numbers import format_decimal
from aulalocal import cldr, i18n

used = cldr.install(Path(sys.argv[1])) if len(sys.argv) > 1 else False
out = {}
for lang in i18n.LANGUAGES:
    locale = i18n.babel_locale(lang)
    out[lang] = [format_date(date(2026, month, 3), format="long", locale=locale) for month in range(1, 13)]
    out[lang] += [i18n.format_number(n, lang) for n in (0, 7, 1234, 50000, 1234567.25, -3.5)]
    out[lang] += sorted(locale.territories.items())
    out[lang].append(i18n.format_date(date(2026, 11, 24), lang))
    out[lang] += [i18n.format_duration(timedelta(**{unit: n}), lang) for unit in ('minutes', 'hours', 'days') for n in (1, 3)]
print(json.dumps({"used": used, "installed": cldr.installed(), "global": core._global_data is not None,
                  "loaded": sorted(localedata._cache), "out": out}))
"""


def _formats(*args) -> dict:
    out = subprocess.run([sys.executable, "-c", _FORMATS, *map(str, args)], capture_output=True, text=True,
                         check=True, timeout=60, cwd=REPO)
    return json.loads(out.stdout)


def _write(path, **kwargs) -> None:
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from aulalocal import cldr;"
                    f" cldr.write(Path(sys.argv[1]), **{kwargs!r})", str(path)], check=True, timeout=60, cwd=REPO)


def test_dates_numbers_and_country_names_from_the_file_are_babels_without_its_whole_data(tmp_path):
    path = tmp_path / "cldr.pickle"
    _write(path)
    whole, small = _formats(), _formats(path)
    assert small["used"] and small["installed"]
    assert small["out"] == whole["out"]
    assert "julio" in small["out"]["es"][6] and "July" in small["out"]["en"][6]
    # Nor the parents (root, es, es_419), nor the global tables: 6.5 MB not loaded.
    assert small["loaded"] == ["en", "es_PE", "qu_PE"] and not small["global"]
    assert "root" in whole["loaded"]


def test_a_table_the_file_lacks_loads_the_locale_whole_and_formats_right(tmp_path):
    path = tmp_path / "months-only.pickle"
    _write(path, tables=("months", "date_formats"))
    whole, small = _formats(), _formats(path)
    assert small["used"] and not small["installed"]  # numbers asked for what the file lacks
    assert small["out"] == whole["out"]


def test_a_file_of_another_babel_version_or_a_damaged_one_is_not_used(tmp_path):
    path = tmp_path / "cldr.pickle"
    _write(path)
    data = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps({**data, "babel": "0.1"}))
    other = _formats(path)
    assert not other["used"] and "root" in other["loaded"]
    path.write_bytes(b"\x80\x05not a pickle")
    assert not _formats(path)["used"]
    assert not _formats(tmp_path / "missing.pickle")["used"]


def test_the_build_writes_the_file_the_site_reads():
    from aulalocal import cldr

    data = pickle.loads(cldr.tables_file().read_bytes())  # make mo wrote it
    assert data["tables"] == cldr.TABLES and set(data["locales"]) == {"es_PE", "qu_PE", "en"}


def test_a_babel_whose_cache_is_made_otherwise_keeps_its_whole_data(tmp_path, monkeypatch):
    from babel import localedata

    from aulalocal import cldr

    path = tmp_path / "cldr.pickle"
    _write(path)
    monkeypatch.delattr(localedata, "_cache_lock")
    assert cldr.install(path) is False
