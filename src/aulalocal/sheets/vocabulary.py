"""The fixed values a field takes (its drop-down list), and what each one means in the publisher's language."""

from __future__ import annotations

from functools import cache

from aulalocal.errors import N_
from aulalocal.kinds import Field
from aulalocal.kinds.fields import COUNTRY_RE

# CLDR territory codes of two letters that are not ISO 3166-1 countries (groupings, reserved codes).
_NOT_COUNTRIES = frozenset(("AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "TA", "UN", "QO", "XA", "XB", "XK", "ZZ"))


@cache
def country_codes() -> tuple[str, ...]:
    """ISO 3166-1 alpha-2 codes, from babel's CLDR data."""
    from babel import Locale

    return tuple(
        sorted(code for code in Locale.parse("en").territories if COUNTRY_RE.fullmatch(code) and code not in _NOT_COUNTRIES)
    )


def meaning(field: Field, value: object) -> str:
    """What ``value`` means, in the current language ("" when the code says it all)."""
    from aulalocal.i18n import babel_locale

    if getattr(field.type, "pattern", None) is COUNTRY_RE:
        return babel_locale().territories.get(str(value), "")
    from aulalocal.recordtext import VALUE_NAMES, value_name

    return value_name(value) if str(value) in VALUE_NAMES else ""


# The app's languages named in the publisher's language (babel's names are lowercase in Spanish).
LANGUAGE_NAMES = {"es": N_("Spanish"), "qu": N_("Quechua"), "en": N_("English")}


def language_name(code: str) -> str:
    from aulalocal.i18n import babel_locale, gettext

    if code in LANGUAGE_NAMES:
        return gettext(LANGUAGE_NAMES[code])
    return babel_locale().languages.get(code, code)
