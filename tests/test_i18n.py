"""Language choice, content fallback, dates and numbers."""

import re
from datetime import date, datetime, timedelta, timezone

import pytest

from aulalocal import i18n, quechua_dates


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"LANGUAGE": "qu:es"}, "qu"),
        ({"LANGUAGE": "", "LANG": "es_PE.UTF-8"}, "es"),
        ({"LANGUAGE": "", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANGUAGE": "", "LANG": "C.UTF-8"}, "es"),
        ({"LANGUAGE": "", "LANG": "fr_FR.UTF-8"}, "es"),
    ],
)
def test_language_setting_then_system_then_spanish(monkeypatch, env, expected):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.choose_language(None) == expected
    assert i18n.choose_language("qu") == "qu"


def test_localized_text_falls_back_to_spanish_then_english():
    assert i18n.localized({"es": "Hola", "qu": "Napaykullayki"}, "qu") == ("Napaykullayki", "qu")
    assert i18n.localized({"es": "Hola"}, "qu") == ("Hola", "es")
    assert i18n.localized({"es": "", "en": "Hello"}, "qu") == ("Hello", "en")
    assert i18n.localized(None, "es") == ("", None)


def test_dates_and_numbers_through_babel(real_translations):
    now = datetime(2026, 11, 24, tzinfo=timezone.utc)
    assert i18n.format_ago(now - timedelta(days=12), now, "es") == "hace 12 días"
    assert "12" in i18n.format_ago(now - timedelta(days=12), now, "qu")
    assert i18n.format_ago(now - timedelta(days=12), now, "en") == "12 days ago"
    assert i18n.format_number(1234567.5, "es") == "1,234,567.5"
    assert i18n.format_date(now, "es") == "24 de noviembre de 2026"


# CLDR's Quechua is Spanish here; none of these may reach a Quechua reader.
SPANISH_DATE_WORDS = re.compile(
    r"\b(segundos?|minutos?|horas?|d[ií]as?|semanas?|mes(es)?|años?|hace|punchaw|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|se?tiembre|octubre|noviembre|diciembre|"
    r"lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo)\b",
    re.IGNORECASE,
)
QUECHUA_DURATION = re.compile(r"\d[\d,]* (wata|killa|simana|p'unchaw|ura|minutu|sikundu)")


def durations():
    """Every unit the app can print, each at many values, up to 30 years."""
    steps = [timedelta(seconds=n) for n in range(0, 120)]
    steps += [timedelta(minutes=n) for n in range(1, 120)]
    steps += [timedelta(hours=n) for n in range(1, 72)]
    steps += [timedelta(days=n, hours=h) for n in range(1, 800) for h in (0, 13)]
    steps += [timedelta(days=365 * n) for n in range(1, 31)]
    return steps


def test_quechua_dates_use_mediawiki_months_every_day_of_a_year():
    day = date(2026, 1, 1)
    while day.year == 2026:
        text = i18n.format_date(day, "qu")
        assert not SPANISH_DATE_WORDS.search(text), text
        assert text == f"{day.day} {quechua_dates.MONTHS[day.month - 1]} 2026"
        day += timedelta(days=1)
    assert i18n.format_date(date(2026, 12, 2), "qu") == "2 disimri 2026"
    assert i18n.format_date(datetime(2026, 5, 24, 23, 0, tzinfo=timezone.utc), "qu") == "24 mayukilla 2026"


def test_quechua_durations_and_ago_hold_no_spanish_word(real_translations):
    now = datetime(2026, 11, 24, tzinfo=timezone.utc)
    units = set()
    for delta in durations():
        duration = i18n.format_duration(delta, "qu")
        ago = i18n.format_ago(now - delta, now, "qu")
        for text in (duration, ago):
            assert not SPANISH_DATE_WORDS.search(text), text
        assert QUECHUA_DURATION.fullmatch(duration), duration
        assert ago == f"{duration} ñaqha"
        units.add(duration.split()[-1])
    # Weeks never show: days count up to six weeks, then months.
    assert units == set(quechua_dates.UNITS.values()) - {"simana"}
    assert i18n.format_ago(now - timedelta(days=12), now, "qu") == "12 p'unchaw ñaqha"
    assert i18n.format_ago(now - timedelta(minutes=5), now, "qu") == "5 minutu ñaqha"


def test_quechua_date_messages_of_the_app_hold_no_spanish_word(real_translations):
    """The messages that carry a date or a duration, filled as the app fills them."""
    now = datetime(2026, 11, 24, tzinfo=timezone.utc)
    i18n.set_language("qu")
    for delta in durations()[::7]:
        when = now - delta
        lines = [
            i18n.gettext("Last updated {ago} ({date}).").format(ago=i18n.format_ago(when, now), date=i18n.format_date(when)),
            i18n.gettext("Content date: {date}").format(date=i18n.format_date(when)),
            i18n.gettext("AulaLocal · {date} · page {page} of {pages}").format(date=i18n.format_date(when), page=1, pages=2),
        ]
        for line in lines:
            assert not SPANISH_DATE_WORDS.search(line), line


def test_spanish_and_english_durations_keep_babel_words(real_translations):
    now = datetime(2026, 11, 24, tzinfo=timezone.utc)
    assert i18n.format_ago(now - timedelta(days=44), now, "es") == "hace 44 días"
    assert i18n.format_ago(now - timedelta(days=60), now, "es") == "hace 2 meses"
    assert i18n.format_ago(now - timedelta(hours=3), now, "en") == "3 hours ago"
    assert i18n.format_ago(now - timedelta(days=365 * 2), now, "en") == "2 years ago"
    assert i18n.format_duration(timedelta(seconds=1), "es") == "1 segundo"


def test_babel_locales_are_made_without_babels_global_tables():
    from babel import Locale

    for lang, code in i18n.BABEL_LOCALES.items():
        assert i18n.babel_locale(lang) == Locale.parse(code)
