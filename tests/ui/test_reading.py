"""The reading pane gets the room: a divider that moves and is remembered, the note one line until used,
reading mode, lists that open at their top, no record of another list left on the right, key names alike."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from aulalocal.appearance import TEXT_SIZES
from tests.ui.conftest import close_window, idle


def _open_first(window, qtbot, view="programs"):
    assert window.show_view(view)
    idle(qtbot, window)
    browse = window.browse
    assert browse.detail.current_key is not None
    return browse


def _longest_records(catalog, lang: str, count: int) -> list[tuple[str, str, str]]:
    """The shipped records whose title and summary in ``lang`` are longest: the hardest to fit."""
    lengths = []
    for catalog_id, kind, id_, data in catalog.execute("SELECT catalog, kind, id, data FROM records"):
        texts = json.loads(data)
        title, summary = texts.get("title", {}), texts.get("summary", {})
        lengths.append((len(title.get(lang) or title.get("es", "")) + len(summary.get(lang) or summary.get("es", "")),
                        (catalog_id, kind, id_)))
    return [key for _length, key in sorted(lengths, reverse=True)[:count]]


def _wait_for_record(qtbot, window, key) -> None:
    detail = window.browse.detail
    qtbot.waitUntil(lambda: detail.current_key == key and not detail.pending)
    idle(qtbot, window)
    qtbot.wait(20)


@pytest.mark.parametrize("size", list(TEXT_SIZES))
def test_a_records_summary_is_read_without_scrolling_at_every_text_size(window, qtbot, real_translations, size):
    """The longest titles and summaries of the shipped catalog, in Spanish and Quechua, at 1024x600,
    each opened in its section (its filters shown) as a list, search or link opens it, and in reading mode.
    Quechua's longest fit beside the lists at the largest size because the summary leads without a heading
    and the record's kind sits beside its buttons."""
    window.state.set_text_size(size)
    cut = []
    for lang in ("es", "qu"):
        window.state.set_language(lang, save=False)
        for key in _longest_records(window.state.folder.catalog, lang, 5):
            assert window.show_view(f"detail:{key[1]}:{key[2]}")
            _wait_for_record(qtbot, window, key)
            detail = window.browse.detail
            where = (size, lang, key)
            text = detail.text
            summary = detail.record.data["summary"].get(lang) or detail.record.data["summary"]["es"]
            cursor = text.document().find(" ".join(summary.split()[-3:]))
            assert not cursor.isNull(), where
            assert text.verticalScrollBar().value() == 0, where
            if text.cursorRect(cursor).bottom() > text.viewport().height():
                cut.append((where, "beside the lists", text.cursorRect(cursor).bottom() - text.viewport().height()))
            window.set_reading_mode(True)
            qtbot.wait(20)
            if text.cursorRect(cursor).bottom() > text.viewport().height():
                cut.append((where, "reading mode", text.cursorRect(cursor).bottom() - text.viewport().height()))
            window.set_reading_mode(False)
            # The lists under the text keep their tab bar and a line.
            assert detail.tabs.height() >= detail.tabs.tabBar().height() + detail.fontMetrics().lineSpacing(), where
    assert not cut, cut  # each: where, and how many pixels of the summary are below the text's bottom
    # A short summary leaves the lists under it what they need, and the text the bigger part.
    window.state.set_language("es", save=False)
    key = _longest_records(window.state.folder.catalog, "es", 1000)[-1]
    assert window.show_view(f"detail:{key[1]}:{key[2]}")
    _wait_for_record(qtbot, window, key)
    detail = window.browse.detail
    sizes = detail.splitter.sizes()
    assert sizes[0] > sizes[1], sizes
    assert sizes[1] >= detail.lists_height() - 1, (sizes, detail.lists_height())


@pytest.mark.parametrize("size", list(TEXT_SIZES))
def test_a_records_buttons_take_two_rows_at_most(window, qtbot, real_translations, size):
    """Back, the star, Print or PDF, reading mode and Listen, in Spanish and Quechua, at every text size."""
    window.state.set_text_size(size)
    first = ("aulalocal-seed", "safety_guide", "pornografia-infantil-183-a")  # eight related records
    assert window.show_view(f"detail:{first[1]}:{first[2]}")
    _wait_for_record(qtbot, window, first)
    detail = window.browse.detail
    for lang in ("es", "qu"):
        window.state.set_language(lang, save=False)
        detail.show_record(first)
        _wait_for_record(qtbot, window, first)
        detail._open_related(detail.related_model.index(0, 0))
        qtbot.waitUntil(lambda: detail.current_key != first and not detail.pending)
        idle(qtbot, window)
        buttons = [b for b in (detail.back_button, detail.favorite_button, detail.handout_button,
                               detail.reading_button, detail.listen.button) if b.isVisible()]
        assert len(buttons) == 5, (size, lang)
        tops = sorted(b.y() for b in buttons)
        rows = 1 + sum(1 for above, below in zip(tops, tops[1:]) if below - above > buttons[0].height() // 2)
        assert rows <= 2, (size, lang, [(b.text(), b.geometry().getRect()) for b in buttons])


def test_the_note_box_is_one_line_until_used(window, qtbot):
    browse = _open_first(window, qtbot)
    detail = browse.detail
    detail.tabs.setCurrentWidget(detail.note)
    idle(qtbot, window)
    editor = detail.note.editor
    line = editor.fontMetrics().lineSpacing()
    assert not detail.note.used
    margins = editor.contentsMargins().top() + editor.contentsMargins().bottom()
    one_line = editor.height()
    assert one_line - margins < 2 * line
    assert not editor.verticalScrollBar().isVisible()  # a line has no room for its arrows
    closed = detail.splitter.sizes()[1]
    editor.setFocus()
    qtbot.waitUntil(lambda: detail.note.used)
    assert editor.height() >= one_line + 2 * line
    editor.setPlainText("\n".join(f"línea {n}" for n in range(12)))
    qtbot.waitUntil(editor.verticalScrollBar().isVisible)  # a long note scrolls in the open box
    qtbot.waitUntil(lambda: detail.splitter.sizes()[1] > closed)


def _new_window(qtbot, state):
    from aulalocal.ui.mainwindow import MainWindow

    win = MainWindow(state, watch_drives=False)
    win.resize(1024, 600)
    win.show()
    qtbot.waitExposed(win)
    idle(qtbot, win)
    return win


def test_the_dividers_move_and_are_remembered_across_text_sizes_and_windows(qtbot, qapp, state):
    window = _new_window(qtbot, state)
    browse = _open_first(window, qtbot)
    reading = browse.detail.splitter
    room = sum(reading.sizes())
    reading.moveSplitter(room // 2, 1)  # as a drag does
    assert abs(reading.sizes()[0] - room // 2) < 4
    reading.save()
    assert state.divider("reading") == pytest.approx(0.5, abs=0.02)
    state.set_text_size("xlarge")
    idle(qtbot, window)
    qtbot.wait(50)
    share = reading.sizes()[0] / sum(reading.sizes())
    assert share == pytest.approx(0.5, abs=0.03)  # put back after the text-size change
    state.set_text_size("normal")
    close_window(qapp, window)

    again = _new_window(qtbot, state)
    assert again.show_view("programs")
    idle(qtbot, again)
    sizes = again.browse.detail.splitter.sizes()
    assert sizes[0] / sum(sizes) == pytest.approx(0.5, abs=0.03)
    close_window(qapp, again)


def test_reading_mode_by_key_and_button_hides_the_lists_and_escape_brings_them_back(window, qtbot):
    browse = _open_first(window, qtbot)
    qtbot.keyClick(window, Qt.Key_F11)
    assert window.reading_mode
    assert not window.sidebar.isVisible() and not browse.results_column.isVisible()
    assert not window.search.isVisible()
    assert browse.detail.text.isVisible()
    qtbot.keyClick(browse.detail.text, Qt.Key_Escape)
    assert not window.reading_mode
    assert window.sidebar.isVisible() and browse.results_column.isVisible()
    browse.detail.reading_button.click()
    assert window.reading_mode and not browse.results_column.isVisible()
    browse.detail.reading_button.click()
    assert not window.reading_mode and browse.results_column.isVisible()


def test_a_new_list_opens_at_its_top_with_the_record_read_selected_not_scrolled_to(window, qtbot):
    browse = _open_first(window, qtbot)
    view = browse.list_view
    last = browse.model.rowCount() - 1
    view.setCurrentIndex(browse.model.index(last))
    view.scrollTo(browse.model.index(last))
    idle(qtbot, window)
    key = browse.detail.current_key
    window.search.setText("educacion")
    idle(qtbot, window)
    assert browse.model.rowCount() > 0
    assert view.verticalScrollBar().value() == 0  # the best results in view
    row = browse.model.row_of(key)
    if row >= 0:
        assert browse.detail.current_key == key
        assert view.currentIndex().row() == row
    else:
        assert view.currentIndex().row() == 0 and browse.model.row_of(browse.detail.current_key) == 0


def test_another_section_never_leaves_a_record_of_the_one_before(window, qtbot):
    browse = _open_first(window, qtbot, "programs")
    assert browse.detail.current_key[1] == "program"
    assert window.show_view("safety")
    idle(qtbot, window)
    key = browse.detail.current_key
    assert key is not None and key[1] == "safety_guide"
    assert browse.model.row_of(key) == 0
    assert browse.list_view.currentIndex().row() == 0
    # An empty list (no notes yet): an empty pane that says what to do, not the guide.
    assert window.show_view("notes")
    idle(qtbot, window)
    assert browse.model.rowCount() == 0
    assert browse.detail.current_key is None
    assert browse.detail.stack.currentWidget() is browse.detail.empty_label
    assert "empty" in browse.detail.empty_label.text()


def test_menus_help_and_tooltips_write_the_keys_alike(window, qtbot, real_translations):
    from aulalocal.ui import keys

    window.state.set_language("qu", save=False)
    window.state.set_language("es", save=False)
    assert keys.text("Shift+Tab") == "Mayús+Tab"
    assert keys.text("Return") == "Intro"
    menus = window.menus
    assert menus.search_action.shortcut().toString(menus.search_action.shortcut().SequenceFormat.NativeText) == "Ctrl+F"
    assert "(Ctrl+F)" in window.search.placeholderText()
    browse = _open_first(window, qtbot)
    assert "Ctrl+D" in browse.detail.favorite_button.toolTip()
    assert "F11" in browse.detail.reading_button.toolTip()
    for action in window.menuBar().actions():
        for item in action.menu().actions():
            shown = item.shortcut().toString(item.shortcut().SequenceFormat.NativeText)
            assert "Shift" not in shown and "Control" not in shown and "Mayúsculas" not in shown, shown


def test_details_name_countries_not_codes(window, qtbot):
    from aulalocal import recordtext

    browse = _open_first(window, qtbot, "organizations")
    for row in range(browse.model.rowCount()):
        browse.list_view.setCurrentIndex(browse.model.index(row))
        idle(qtbot, window)
        if "PE" in (browse.detail.record.data.get("countries") or []):
            break
    else:
        pytest.fail("no organization in Peru")
    text = browse.detail.text.toPlainText()
    assert "Perú" in text
    assert "Países: PE" not in text and ": PE" not in text
    assert recordtext.country_name("PE", "qu") and recordtext.country_name("MX", "es") == "México"
