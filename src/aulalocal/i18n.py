"""Languages: UI messages (gettext), localized content fallback, dates and numbers.

Message ids are English. Catalogs live in ``translations/<lang>/LC_MESSAGES/``;
``make i18n`` compiles the ``.mo`` files. A source checkout without them still
works: the ``.po`` file is compiled in memory with babel.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
import locale
import os
import threading
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

from aulalocal.paths import translations_dir

DOMAIN = "aulalocal"
LANGUAGES = ("es", "qu", "en")
DEFAULT_LANGUAGE = "es"
# Content falls back to Spanish, then English (spec section 5).
CONTENT_FALLBACK = ("es", "en")
# babel/CLDR locales used for dates and numbers.
BABEL_LOCALES = {"es": "es_PE", "qu": "qu_PE", "en": "en"}
LANGUAGE_NAMES = {"es": "Español", "qu": "Runasimi", "en": "English"}

_current = DEFAULT_LANGUAGE
# A thread may speak another language than the window: the classroom web
# site answers each device in its own (``speaking``).
_thread = threading.local()
_translations: dict[str, _gettext.NullTranslations] = {}


def _load(lang: str) -> _gettext.NullTranslations:
    if lang in _translations:
        return _translations[lang]
    folder = translations_dir() / lang / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    po = folder / f"{DOMAIN}.po"
    trans: _gettext.NullTranslations
    try:
        if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
            with mo.open("rb") as fh:
                trans = _gettext.GNUTranslations(fh)
        elif po.is_file():
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po

            with po.open("rb") as fh:
                catalog = read_po(fh, locale=BABEL_LOCALES[lang])
            buf = io.BytesIO()
            write_mo(buf, catalog)
            buf.seek(0)
            trans = _gettext.GNUTranslations(buf)
        else:
            trans = _gettext.NullTranslations()
    except (OSError, ValueError):
        # A damaged translation file must not stop the app: show English.
        trans = _gettext.NullTranslations()
    _translations[lang] = trans
    return trans


def system_language() -> str | None:
    """The first of our languages that the system locale asks for, if any.

    The C/POSIX locale asks for nothing (Python maps it to en_US, which would
    turn a Spanish school's laptop English).
    """
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if not value:
            continue
        for part in value.split(":"):
            code = part.split("_")[0].split(".")[0].lower()
            if code in LANGUAGES:
                return code
        return None
    if os.name == "nt":
        try:
            import ctypes

            code = locale.windows_locale.get(ctypes.windll.kernel32.GetUserDefaultUILanguage(), "")
        except (AttributeError, OSError):
            code = ""
        code = code.split("_")[0].lower()
        return code if code in LANGUAGES else None
    return None


def choose_language(setting: str | None = None) -> str:
    """The setting, then the system locale, then Spanish."""
    if setting in LANGUAGES:
        return setting
    return system_language() or DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _current = lang


def current_language() -> str:
    return getattr(_thread, "lang", None) or _current


@contextmanager
def speaking(lang: str):
    """Messages, content fallback, dates and numbers in ``lang`` on this thread only, for the block."""
    if lang not in LANGUAGES:
        raise ValueError(lang)
    before = getattr(_thread, "lang", None)
    _thread.lang = lang
    try:
        yield
    finally:
        _thread.lang = before


def gettext(message: str) -> str:
    return _load(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _load(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` as meant in ``context`` (a key's name "Home" is not the Home page)."""
    return _load(current_language()).pgettext(context, message)


def gettext_in(lang: str, message: str) -> str:
    """``message`` in ``lang``, whatever the current language (a sheet's name is recognized in all)."""
    return _load(lang).gettext(message)


_ = gettext


def localized(text: dict | None, lang: str | None = None) -> tuple[str, str | None]:
    """The text of a localized object in ``lang``, else its fallback.

    Returns ``(text, used_language)``; ``used_language`` differs from ``lang``
    when the text fell back, so views can say so; it is None when empty.
    """
    if not text:
        return "", None
    lang = lang or current_language()
    for code in (lang, *CONTENT_FALLBACK):
        value = text.get(code)
        if value:
            return value, code
    return "", None


def babel_locale(lang: str | None = None):
    return _babel_locale(BABEL_LOCALES[lang or current_language()])


@functools.lru_cache(maxsize=None)
def _babel_locale(code: str):
    # Made once per language: a page of the classroom site formats several numbers and dates.
    # Not Locale.parse: it reads babel's global tables (2.4 MB, kept) to resolve
    # aliases, and these codes are CLDR's own.
    from babel import Locale

    language, _sep, territory = code.partition("_")
    return Locale(language, territory or None)


def format_date(value: date | datetime, lang: str | None = None) -> str:
    """A date in words: "24 de noviembre de 2026", "24 nuwimri 2026", "November 24, 2026"."""
    lang = lang or current_language()
    if lang == "qu":
        # CLDR's Quechua months are the Spanish words.
        from aulalocal import quechua_dates

        return quechua_dates.format_date(value)
    from babel.dates import format_date as _format_date

    return _format_date(value, format="long", locale=babel_locale(lang))


def parse_timestamp(value: str | None) -> datetime | None:
    """A stored ``2026-11-24T10:00:00Z`` time, or None when missing or unreadable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def format_number(value: float, lang: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale(lang))


def _duration_unit(delta: timedelta) -> tuple[int, str]:
    """The number and the unit that say how long ``delta`` is: (12, "day").

    The largest unit the duration reaches, as babel chooses it, except that
    days count up to six weeks ("hace 12 días", not "hace 2 semanas").
    """
    from babel.dates import TIMEDELTA_UNITS

    seconds = abs(delta.total_seconds())
    days = int(seconds // 86400)
    threshold = days if 1 <= days < 45 else 1.0
    for unit, per_unit in TIMEDELTA_UNITS:
        value = seconds / per_unit
        if value >= threshold:
            return int(round(value)), unit
    return (max(1, int(round(seconds))) if seconds else 0), "second"


def format_duration(delta: timedelta, lang: str | None = None) -> str:
    """"12 días", "12 p'unchaw", "12 days": a duration in words of the language."""
    lang = lang or current_language()
    value, unit = _duration_unit(delta)
    if lang == "qu":
        # CLDR's Quechua units are Spanish words ("segundo", "punchaw").
        from aulalocal import quechua_dates

        return quechua_dates.format_duration(format_number(value, lang), unit)
    from babel.units import format_unit

    return format_unit(value, f"duration-{unit}", length="long", locale=babel_locale(lang))


def format_ago(when: datetime, now: datetime | None = None, lang: str | None = None) -> str:
    """"hace 12 días": how long ago, in words of the language.

    The word order around the duration comes from our catalogs, since CLDR's
    Quechua lacks relative phrases for some units (it would print "-1 y").
    """
    now = now or datetime.now(timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    lang = lang or current_language()
    duration = format_duration(now - when, lang)
    return _load(lang).gettext("{duration} ago").format(duration=duration)
