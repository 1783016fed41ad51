"""Language choice, content fallback, dates and numbers."""

from datetime import datetime, timedelta, timezone

import pytest

from aulalocal import i18n


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
