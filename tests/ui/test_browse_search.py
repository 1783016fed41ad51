"""Browsing sections, search as you type (debounced, off the UI thread, newest wins), facets."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from aulalocal.catalog.queries import status
from aulalocal.catalog.search import HIGHLIGHT, browse, search
from aulalocal.ui import models
from aulalocal.ui.models import Query, split_highlight
from aulalocal.ui.roles import FallbackRole, KindNameRole, RowRole, SnippetRole, ValueRole
from aulalocal.ui.sections import CATALOG_SECTIONS
from tests.conftest import REPO
from tests.ui.conftest import idle


def kind_counts(db) -> dict[str, int]:
    totals: dict[str, int] = {}
    for cat in status(db)["catalogs"]:
        for kind, n in cat["counts"].items():
            totals[kind] = totals.get(kind, 0) + n
    return totals


def test_each_section_lists_every_record_of_its_kinds(window, qtbot, seeded):
    counts = kind_counts(seeded.catalog)
    for section in CATALOG_SECTIONS:
        window.go_to(section.key)
        idle(qtbot, window)
        expected = sum(counts.get(k, 0) for k in section.kinds)
        assert expected > 0, section.key
        assert window.browse.model.rowCount() == expected, section.key
        assert window.browse.status_label.text().startswith(str(expected))
        # The sidebar follows.
        assert window.sidebar.currentIndex().data(ValueRole) == section.key
    # Reports and laws mixes two kinds: they are said on each row; titles are sorted.
    window.go_to("reports")
    idle(qtbot, window)
    model = window.browse.model
    titles = [model.index(r).data() for r in range(model.rowCount())]
    from aulalocal.ui.collation import sorted_by

    assert titles == sorted_by(titles, str, "es")  # "¿Aumentan…" among the A's
    assert model.show_kind and model.index(0).data(KindNameRole)


def test_home_says_what_the_catalog_holds(window, seeded):
    counts = kind_counts(seeded.catalog)
    button = window.home.section_buttons["programs"].text()
    assert str(counts["program"]) in button
    # babel's Spanish units, from the content's own date
    assert re.search(r"\d+ (segundos?|minutos?|horas?|días?|semanas?|meses|mes|años?)", window.home.updated.text())


def test_what_the_first_screen_does_not_need_waits_for_its_first_paint(qtbot, qapp, state):
    # Start-up time (issue 6): the browse page, babel's dates, the search box's
    # clear button (hidden while the box is empty) and the window icon are made
    # after the window is on screen; a zero timer would run before it is painted.
    from PySide6.QtGui import QIcon

    from aulalocal.ui.mainwindow import MainWindow
    from tests.ui.conftest import close_window

    qapp.setWindowIcon(QIcon())
    win = MainWindow(state, watch_drives=False)
    try:
        qapp.processEvents()
        assert win._browse is None and win.home.updated.text() == "" and not win.is_idle()
        assert not win.search.isClearButtonEnabled() and qapp.windowIcon().isNull()
        win.show()
        qtbot.waitUntil(win.is_idle)
        assert win._browse is not None and win.home.updated.text()
        assert win.search.isClearButtonEnabled()
        assert {size.width() for size in qapp.windowIcon().availableSizes()} == {16, 24, 32, 48, 64, 128, 256}
    finally:
        close_window(qapp, win)


def test_the_window_lets_go_of_the_module_sources_read_while_it_started(qtbot, qapp, state):
    # PySide6 reads every module imported after it through linecache, which
    # keeps them all (5 MB of lines); the window lets them go once started.
    import linecache

    import aulalocal.ui.browse
    from aulalocal.ui.mainwindow import MainWindow
    from tests.ui.conftest import close_window

    source = aulalocal.ui.browse.__file__
    assert linecache.getlines(source) and source in linecache.cache
    win = MainWindow(state, watch_drives=False)  # what its modules' imports left, before its widgets are made
    try:
        assert source not in linecache.cache
        assert linecache.getlines(source) and source in linecache.cache
        win.show()  # what the first paint's work imports
        qtbot.waitUntil(win.is_idle)
        assert source not in linecache.cache
    finally:
        close_window(qapp, win)


def test_the_first_screen_loads_only_what_it_shows(seeded_dir):
    # Start-up time (issue 6), in a fresh process: until the first paint, no
    # result models or catalog search (10 ms of imports), and PySide6 has not
    # loaded the whole of QtWidgets (13 ms; asking a view for its viewport()
    # from Python does that). QApplication.exec stands in: it is entered after
    # show(), before any event is processed.
    code = """
import json, sys
from argparse import Namespace
import PySide6.QtWidgets as QtWidgets
from aulalocal.ui.app import run_app

def report(*_args):
    print(json.dumps({"modules": sorted(sys.modules), "qtwidgets": sorted(vars(QtWidgets))}))
    return 0

QtWidgets.QApplication.exec = report
sys.exit(run_app(Namespace(data_dir=sys.argv[1], lang=None, screenshot=None)))
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", code, str(seeded_dir)], capture_output=True, text=True, env=env, cwd=REPO, timeout=60
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert "aulalocal.ui.mainwindow" in loaded["modules"]
    assert not {"aulalocal.ui.models", "aulalocal.ui.browse", "aulalocal.catalog.search"} & set(loaded["modules"])
    assert not {"aulalocal.speech", "aulalocal.ui.listen", "miniaudio", "espeakng_loader"} & set(loaded["modules"])
    assert not {"aulalocal.sheets", "openpyxl", "odf", "defusedxml"} & set(loaded["modules"])  # publisher tools
    assert "QMainWindow" in loaded["qtwidgets"] and "QTabWidget" not in loaded["qtwidgets"]


def typed(window, qtbot, text: str):
    """Type ``text`` in the search box and wait for its results; the browse page."""
    window.search.setFocus()
    qtbot.keyClicks(window.search, text)
    browse_page = window.browse
    qtbot.waitUntil(lambda: browse_page.loader.last_query is not None and browse_page.loader.last_query.text == text)
    idle(qtbot, window)
    return browse_page


def test_search_as_you_type_ignores_accents_and_highlights(window, qtbot, seeded):
    browse_page = typed(window, qtbot, "educacion")
    assert window.current_section == "all"
    model = browse_page.model
    assert model.rowCount() > 0
    titles = [model.index(r).data() for r in range(model.rowCount())]
    assert any("Educación" in t for t in titles)
    expected = search(seeded.catalog, "educacion", lang="es", limit=models.SEARCH_LIMIT)
    assert titles == [h.title for h in expected]
    snippets = [model.index(r).data(SnippetRole) for r in range(model.rowCount())]
    assert any(HIGHLIGHT[0] in s for s in snippets)
    text, runs = split_highlight(next(s for s in snippets if HIGHLIGHT[0] in s))
    assert runs and all(text[a : a + n].lower().startswith("educ") for a, n in runs)


def test_snippets_are_made_for_the_rows_in_view(window, qtbot, seeded):
    # Most of a search's time was its 200 snippets (issue 20): the first come
    # with the results, the others when they are scrolled into view.
    browse_page = typed(window, qtbot, "de")
    model, view = browse_page.model, browse_page.list_view
    count = model.rowCount()
    assert count > models.FIRST_SNIPPETS + 3 * models.SNIPPET_BLOCK
    rows = model.rows()
    assert all(isinstance(r.snippet, str) for r in rows[: models.FIRST_SNIPPETS])
    assert all(r.snippet is None for r in rows[models.FIRST_SNIPPETS + models.SNIPPET_BLOCK :])
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rows()[-1].snippet is not None)
    idle(qtbot, window)
    rows = model.rows()
    full = search(seeded.catalog, "de", lang="es", limit=models.SEARCH_LIMIT)
    assert [h.title for h in full] == [r.title for r in rows]
    shown = [n for n, r in enumerate(rows) if r.snippet is not None]
    assert all(rows[n].snippet == full[n].snippet for n in shown)
    assert HIGHLIGHT[0] in rows[-1].snippet
    # The rows in the middle, never in view, were never made.
    middle = count // 2
    assert rows[middle].snippet is None and view.indexAt(view.viewport().rect().center()).row() > middle
    # A new search drops the answers still on their way for the old rows.
    generation = model.generation
    model.set_rows(rows[:3], has_snippets=True)
    model.set_snippets(generation, [0], ["stale"])
    assert model.rows()[0].snippet == rows[0].snippet


def test_typing_fast_runs_few_queries_and_shows_the_last(window, qtbot, monkeypatch):
    calls = []
    real = models.fetch_rows

    def counting(db, query, *args):
        calls.append(query.text)
        return real(db, query, *args)

    monkeypatch.setattr(models, "fetch_rows", counting)
    window.go_to("programs")
    idle(qtbot, window)
    calls.clear()
    window.search.setFocus()
    qtbot.keyClicks(window.search, "laptop")  # faster than the 250 ms debounce
    qtbot.waitUntil(lambda: window.browse.loader.last_query.text == "laptop")
    idle(qtbot, window)
    assert calls == ["laptop"]
    assert window.browse.mode == "search"
    assert window.current_section == "programs"  # a search inside a section stays there


def test_newest_query_wins(window, qtbot, seeded):
    window.go_to("programs")
    idle(qtbot, window)
    loader = window.browse.loader
    first = loader.request(Query("search", "es", "escuela"))
    second = loader.request(Query("search", "es", "olpc"))
    idle(qtbot, window)
    assert loader.last_query.text == "olpc"
    titles = [window.browse.model.index(r).data() for r in range(window.browse.model.rowCount())]
    assert titles == [h.title for h in search(seeded.catalog, "olpc", limit=models.SEARCH_LIMIT)]
    # A late answer to an older request never replaces the newer one.
    late = [models.Row("x", "program", "late", "Late result")]
    assert not loader.deliver(first, Query("search", "es", "escuela"), late)
    assert loader.deliver(second, Query("search", "es", "olpc"), late) is True
    assert window.browse.model.rowCount() == 1


def test_facets_filter_results(window, qtbot, seeded):
    window.go_to("programs")
    idle(qtbot, window)
    total = window.browse.model.rowCount()
    combo = window.browse.filter_bar.combos["region"]
    assert combo.isVisibleTo(window) and combo.count() > 1
    assert not window.browse.filter_bar.combos["audience"].isVisibleTo(window)
    value = combo.itemData(1, ValueRole)
    combo.setCurrentIndex(1)
    idle(qtbot, window)
    rows = window.browse.model.rowCount()
    expected = browse(seeded.catalog, kind="program", facets={"region": value})
    assert 0 < rows == len(expected) < total
    assert window.browse.filter_bar.clear_button.isVisibleTo(window)
    window.browse.clear_filters()
    idle(qtbot, window)
    assert window.browse.model.rowCount() == total
    # Safety guides filter by audience and topic; year focus by year.
    window.go_to("safety")
    idle(qtbot, window)
    assert window.browse.filter_bar.combos["audience"].isVisibleTo(window)
    assert window.browse.filter_bar.combos["topic"].isVisibleTo(window)
    assert not window.browse.filter_bar.combos["region"].isVisibleTo(window)
    window.go_to("years")
    idle(qtbot, window)
    years = window.browse.filter_bar.combos["year"]
    assert years.itemText(1).endswith("1")


def test_empty_results_say_what_to_try(window, qtbot):
    window.go_to("programs")
    idle(qtbot, window)
    window.search.setText("zzzqqxx")
    qtbot.waitUntil(lambda: window.browse.loader.last_query.text == "zzzqqxx")
    idle(qtbot, window)
    page = window.browse
    assert page.model.rowCount() == 0
    assert page.results_stack.currentWidget() is page.no_results
    hint = page.no_results.label.text()
    assert "zzzqqxx" in hint and "Español" in hint
    assert page.no_results.search_all_button.isVisibleTo(window)
    page.no_results.search_all_button.click()
    idle(qtbot, window)
    assert window.current_section == "all" and page.section is None


def test_fallback_marker_in_result_list(window, qtbot, seeded, tmp_path):
    from tests.conftest import title, write_source
    from tests.ui.conftest import apply_folder

    apply_folder(seeded.catalog, write_source(tmp_path / "src", {("program", "solo-es"): {"title": title("Solo en castellano")}}))
    window.state.catalogChanged.emit()
    window.state.set_language("qu", save=False)
    window.go_to("programs")
    idle(qtbot, window)
    model = window.browse.model
    row = model.row_of(("test-catalog", "program", "solo-es"))
    assert row >= 0
    assert model.index(row).data(FallbackRole) == models.fallback_marker("es")
    assert model.index(row).data(RowRole).fallback == "es"


def test_ctrl_f_focuses_search_and_escape_clears_it(window, qtbot):
    window.activateWindow()
    window.sidebar.setFocus()
    qtbot.waitUntil(lambda: window.sidebar.hasFocus())
    qtbot.keyClick(window.sidebar, Qt.Key_F, Qt.ControlModifier)
    qtbot.waitUntil(lambda: window.search.hasFocus())
    qtbot.keyClicks(window.search, "olpc")
    assert window.search.text() == "olpc"
    qtbot.keyClick(window.search, Qt.Key_Escape)
    assert window.search.text() == ""
    assert window.search.hasFocus()


def test_keyboard_reaches_sections_and_results(window, qtbot):
    window.activateWindow()
    window.sidebar.setFocus()
    qtbot.waitUntil(lambda: window.sidebar.hasFocus())
    qtbot.keyClick(window.sidebar, Qt.Key_Down)
    idle(qtbot, window)
    assert window.current_section == "programs"
    qtbot.keyClick(window, Qt.Key_4, Qt.ControlModifier)
    idle(qtbot, window)
    assert window.current_section == "years"
    # Every control has an accessible name.
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QListView, QWidget

    controls = (QAbstractButton, QComboBox, QLineEdit, QListView)
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, controls) or type(widget).__name__.startswith("QScrollBar"):
            continue
        if widget.isVisibleTo(window) and widget.focusPolicy() != Qt.NoFocus:
            assert widget.accessibleName() or (isinstance(widget, QAbstractButton) and widget.text()), widget


@pytest.mark.parametrize(
    ("lang", "typed_text", "meant", "said"),
    [
        ("es", "educasion", "educación", "¿Quiso decir “educación”?"),
        ("es", "huaskaran", "Huascarán", "¿Quiso decir “Huascarán”?"),
        ("qu", "educasion", "Educación", "“Educación” nisqatachu maskayta munarqanki?"),
        ("qu", "huaskaran", "Huascarán", "“Huascarán” nisqatachu maskayta munarqanki?"),
        ("en", "educasion", "education", "Did you mean “education”?"),
        ("en", "huaskaran", "Huascarán", "Did you mean “Huascarán”?"),
    ],
)
def test_a_misspelling_gets_a_clickable_suggestion_in_every_language(
    window, qtbot, seeded, real_translations, lang, typed_text, meant, said
):
    window.state.set_language(lang, save=False)
    idle(qtbot, window)
    page = typed(window, qtbot, typed_text)
    button = page.no_results.suggestion_button
    assert page.model.rowCount() == 0
    assert button.isVisibleTo(window) and button.text_shown() == said and button.accessibleName() == said
    button.click()
    qtbot.waitUntil(lambda: page.loader.last_query.text == meant)
    idle(qtbot, window)
    assert window.search.text() == meant
    assert page.model.rowCount() > 0 and page.results_stack.currentWidget() is page.list_view


def test_the_suggestion_wraps_at_the_largest_text_size(window, qtbot, seeded, real_translations):
    window.state.set_language("qu", save=False)
    window.state.set_text_size("xlarge")
    idle(qtbot, window)
    page = typed(window, qtbot, "educasion")
    label = page.no_results.suggestion_button.label
    assert label.text() == "“Educación” nisqatachu maskayta munarqanki?"
    # Wider than its column on one line: it takes two, and the button is tall enough for both.
    assert label.fontMetrics().horizontalAdvance(label.text()) > label.width()
    # Laid out again once the text arrives (off the UI thread, after the results).
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()) > label.fontMetrics().height() * 1.5)
    assert label.geometry().bottom() <= page.no_results.suggestion_button.rect().bottom()
    window.state.set_text_size("normal")


def test_no_suggestion_when_nothing_is_close(window, qtbot, seeded):
    page = typed(window, qtbot, "educasion")
    assert page.no_results.suggestion_button.isVisibleTo(window)
    # Nothing close in the catalog: no suggestion.
    window.search.setText("zzzqqxx")
    qtbot.waitUntil(lambda: page.loader.last_query.text == "zzzqqxx")
    idle(qtbot, window)
    assert page.model.rowCount() == 0 and not page.no_results.suggestion_button.isVisibleTo(window)
