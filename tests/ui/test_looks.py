"""Looks: the home page's dates, the filters' words and order, the lists' order."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from aulalocal import i18n
from tests.ui.conftest import idle


def test_home_says_the_contents_own_date_and_keeps_ago_current(window, qtbot):
    home = window.home
    idle(qtbot, window)
    qtbot.waitUntil(lambda: bool(home.updated.text()))
    made = datetime.now(timezone.utc) - timedelta(days=40)
    for catalog in home.catalogs:
        catalog["created"] = made.strftime("%Y-%m-%dT%H:%M:%SZ")
        catalog["applied_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert 0 < home._clock.interval() <= 60_000 and home._clock.isActive()
    home._clock.timeout.emit()  # a minute later
    text = home.updated.text()
    assert i18n.format_date(made) in text, text
    assert i18n.format_ago(made) in text, text
