"""Language switched at runtime (every visible string), text size, high contrast, fitting 1024x600."""

from __future__ import annotations

import gettext

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTabBar, QWidget

from aulalocal import i18n
from aulalocal.catalog import userdata
from aulalocal.ui import theme
from aulalocal.ui.settings import SettingsDialog
from tests.ui.conftest import idle

MARK = "⟦"


class Marked(gettext.NullTranslations):
    """A stand-in catalog that marks every translated message, so an untranslated string shows."""

    def gettext(self, message):
        return MARK + message

    def ngettext(self, singular, plural, n):
        return MARK + (singular if n == 1 else plural)


@pytest.fixture
def marked_quechua(monkeypatch):
    # The qu .po file may not be filled yet: a marked catalog shows which strings went through _().
    monkeypatch.setitem(i18n._translations, "qu", Marked())


def visible_ui_strings(root: QWidget) -> list[tuple[str, str]]:
    """(widget, text) of every visible label, button and tab that shows interface text, not content."""
    out = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.property("content"):
            continue
        if isinstance(widget, QLabel) and not isinstance(widget.parent(), QAbstractButton):
            text = widget.text()
        elif isinstance(widget, QAbstractButton):
            text = widget.text()
        elif isinstance(widget, QTabBar):
            for n in range(widget.count()):
                out.append((f"tab {n}", widget.tabText(n)))
            continue
        else:
            continue
        if text and text.strip() and not text.strip().isdigit():
            out.append((f"{type(widget).__name__} {widget.objectName()}", text))
    return out


def assert_all_marked(root: QWidget) -> None:
    strings = visible_ui_strings(root)
    assert strings
    unmarked = [(w, t) for w, t in strings if not t.startswith(MARK)]
    assert unmarked == []


def test_language_switch_updates_every_visible_string(window, qtbot, marked_quechua):
    window.go_to("programs")
    idle(qtbot, window)
    before_placeholder = window.search.placeholderText()
    before_sections = [window.sections.index(r).data() for r in range(window.sections.rowCount())]
    before_menus = [a.text() for a in window.menuBar().actions()]

    window.state.set_language("qu")
    idle(qtbot, window)
    assert userdata.get_setting(window.state.folder.userdata, "language") == "qu"
    assert window.search.placeholderText() != before_placeholder
    assert window.search.placeholderText().startswith(MARK)
    sections = [window.sections.index(r).data() for r in range(window.sections.rowCount())]
    assert all(s.startswith(MARK) for s in sections) and sections != before_sections
    menus = [a.text() for a in window.menuBar().actions()]
    assert all(m.startswith(MARK) for m in menus) and menus != before_menus
    assert window.windowTitle().startswith(MARK)
    assert_all_marked(window)
    # The result list's status line and the detail pane follow too.
    assert window.browse.status_label.text().startswith(MARK)
    window.go_to("home")
    assert_all_marked(window)

    # And back: the English message ids (Spanish .po may be empty) without marks.
    window.state.set_language("es")
    idle(qtbot, window)
    assert not window.search.placeholderText().startswith(MARK)


def test_content_language_follows(window, qtbot, seeded):
    window.go_to("programs")
    idle(qtbot, window)
    titles_es = [r.title for r in window.browse.model.rows()]
    window.state.set_language("en")
    idle(qtbot, window)
    titles_en = [r.title for r in window.browse.model.rows()]
    assert len(titles_es) == len(titles_en) and titles_es != titles_en


def test_settings_dialog_switches_language_live(window, qtbot, marked_quechua):
    dialog = SettingsDialog(window.state, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("qu"))
    assert i18n.current_language() == "qu"
    assert dialog.windowTitle().startswith(MARK)
    assert_all_marked(dialog)
    assert window.search.placeholderText().startswith(MARK)
    dialog.close()


def test_text_size_changes_the_application_font(window, qtbot):
    dialog = SettingsDialog(window.state, window)
    qtbot.addWidget(dialog)
    dialog.text_size.setCurrentIndex(dialog.text_size.findData("xlarge"))
    assert QApplication.font().pointSize() == theme.point_size("xlarge")
    assert window.search.font().pointSize() == theme.point_size("xlarge")
    assert userdata.get_setting(window.state.folder.userdata, "text_size") == "xlarge"
    dialog.text_size.setCurrentIndex(dialog.text_size.findData("small"))
    assert window.search.font().pointSize() == theme.point_size("small")
    dialog.close()


def test_high_contrast_switches_the_palette(window, qtbot):
    normal = QApplication.palette().color(QPalette.Window)
    window.state.set_high_contrast(True)
    assert QApplication.palette().color(QPalette.Window).name() == "#000000"
    assert window.palette().color(QPalette.WindowText).name() == "#ffffff"
    assert userdata.get_setting(window.state.folder.userdata, "high_contrast") == "1"
    window.state.set_high_contrast(False)
    assert QApplication.palette().color(QPalette.Window) == normal


@pytest.mark.parametrize("size", ["normal", "xlarge"])
def test_everything_fits_at_1024x600(window, qtbot, seeded, size):
    """No view needs more than 1024x560 (600 less a title bar), even with extra large text."""
    window.state.set_text_size(size)
    program = seeded.catalog.execute("SELECT catalog, id FROM records WHERE kind='program' LIMIT 1").fetchone()
    for view in ("home", "programs", "safety", "years", "reports", "favorites", f"detail:program:{program[1]}"):
        assert window.show_view(view)
        idle(qtbot, window)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 560, (view, size, hint)
    window.state.set_text_size("normal")


def test_the_real_catalogs_show_spanish_and_quechua_in_the_window(window, real_translations):
    """With the shipped translations (not the message ids), the window speaks es and qu."""
    from aulalocal import i18n

    placeholders = {}
    for lang in ("qu", "es"):  # the window starts in Spanish: switch away first
        i18n._translations.pop(lang, None)  # load the real catalog
        window.state.set_language(lang, save=False)
        placeholders[lang] = window.search.placeholderText()
        assert placeholders[lang] == i18n._load(lang).gettext("Search programs, guides, laws… ({key})").format(key="Ctrl+F")
    assert placeholders["es"].startswith("Buscar")
    assert placeholders["qu"].startswith("Maskay")
