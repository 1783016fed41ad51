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


def test_lists_sort_as_a_spanish_reader_expects():
    from aulalocal.ui.collation import sorted_by

    titles = ["Computadoras", "¿Qué es el grooming?", "Código Penal, artículo 173-A", "Código Penal, artículo 173",
              "Árbol", "Azul", "Quipu", "Ley 30000", "Ley 29733"]
    assert sorted_by(titles, str, "es") == [
        "Árbol", "Azul", "Código Penal, artículo 173", "Código Penal, artículo 173-A", "Computadoras",
        "Ley 29733", "Ley 30000", "¿Qué es el grooming?", "Quipu",
    ]
    assert sorted_by(titles, str, "qu") == sorted_by(titles, str, "es")


def test_a_sections_list_is_in_collator_order(window, qtbot):
    from aulalocal.ui.collation import sorted_by

    for view in ("reports", "programs", "safety"):
        assert window.show_view(view)
        idle(qtbot, window)
        model = window.browse.model
        titles = [model.rows()[n].title for n in range(model.rowCount())]
        assert titles == sorted_by(titles, str, "es"), view
        assert titles != sorted(titles, key=str.casefold) or view != "reports"


def _combo_texts(combo):
    return [combo.itemText(n) for n in range(combo.count())]


def test_filters_say_what_they_are_cover_every_value_and_put_perus_regions_first(window, qtbot, real_translations):
    from aulalocal import peru

    window.state.set_language("qu", save=False)
    window.state.set_language("es", save=False)
    assert window.show_view("safety")
    idle(qtbot, window)
    bar = window.browse.filter_bar
    assert bar.combos["audience"].itemText(0) == "Todas las audiencias"
    assert bar.combos["topic"].itemText(0) == "Todos los temas"
    assert window.show_view("programs")
    idle(qtbot, window)
    settings = _combo_texts(bar.combos["setting"])
    assert settings[0] == "Todas las zonas"
    assert {"rural", "urbana", "periurbana"} <= set(settings[1:]), settings
    regions = _combo_texts(bar.combos["region"])[1:]
    assert "Apurímac" in regions and "Áncash" in regions and "Apurimac" not in regions
    in_peru = [r for r in regions if peru.region(r)]
    assert regions[: len(in_peru)] == in_peru  # then the places of other countries
    assert len(in_peru) < len(regions) and "Jalisco" in regions[len(in_peru):]
    assert in_peru.index("Áncash") < in_peru.index("Apurímac") < in_peru.index("Arequipa")


def _each_language_and_size(window, qtbot, view: str):
    """``view`` shown in Quechua and Spanish at each text size, laid out; (lang, size) each time, Normal after."""
    from aulalocal.appearance import TEXT_SIZES

    for lang in ("qu", "es"):
        window.state.set_language(lang, save=False)
        for size in TEXT_SIZES:
            window.state.set_text_size(size)
            assert window.show_view(view)
            idle(qtbot, window)
            yield lang, size
    window.state.set_text_size("normal")


def test_home_fits_its_width_at_every_text_size(window, qtbot, real_translations):
    for lang, size in _each_language_and_size(window, qtbot, "home"):
        qtbot.wait(20)
        home = window.home
        assert home.widget().width() <= home.viewport().width(), (lang, size)
        assert not home.horizontalScrollBar().isVisible(), (lang, size)


def test_the_filters_sit_above_their_list_and_nothing_jumps_when_clear_filters_shows(window, qtbot, real_translations):
    for lang, size in _each_language_and_size(window, qtbot, "programs"):
        browse = window.browse
        bar, clear = browse.filter_bar, browse.filter_bar.clear_button
        # The record beside the list has the window's height: the filters are in the list's column.
        assert browse.results_column.isAncestorOf(bar)
        assert browse.detail.mapTo(browse, browse.detail.rect().topLeft()).y() == 0, (lang, size)
        list_top = browse.list_view.mapTo(browse, browse.list_view.rect().topLeft())
        detail_geometry = browse.detail.geometry()
        assert not clear.isVisible()
        bar.combos["setting"].setCurrentIndex(1)
        qtbot.waitUntil(lambda: clear.isVisible())
        idle(qtbot, window)
        assert browse.list_view.mapTo(browse, browse.list_view.rect().topLeft()) == list_top, (lang, size)
        assert browse.detail.geometry() == detail_geometry, (lang, size)
        assert clear.geometry().right() <= browse.results_column.width(), (lang, size)
        clear.click()
        qtbot.waitUntil(lambda: not clear.isVisible())

