"""The detail pane (plain text, related links, fallback markers, links), favorites and notes."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from aulalocal.catalog import userdata
from aulalocal.ui import models
from aulalocal.ui.roles import RemovedRole, RowRole
from tests.conftest import title, write_source
from tests.ui.conftest import apply_folder, idle

RECORDS = {
    ("program", "huerto"): {
        "title": title("Huerto <i>escolar</i>", "Yachay wasi chakra", "School garden"),
        "summary": {"es": "Texto con <b>x</b> & <script>alert(1)</script>", "qu": "Qhichwapi <b>x</b>"},
        "body": {"es": "Solo en castellano: primer párrafo.\n\nSegundo párrafo."},
        "organization_ids": ["ong", "no-existe"],
        "links": [{"label": {"es": "Sitio web"}, "url": "https://example.org/huerto"}],
    },
    ("organization", "ong"): {"title": title("Una ONG andina"), "kind": "ngo"},
    ("program", "otro"): {"title": title("Otro programa", "Huk programa")},
}
KEY = ("test-catalog", "program", "huerto")


def add_records(seeded, tmp_path, records=RECORDS, sequence=1):
    apply_folder(seeded.catalog, write_source(tmp_path / f"src{sequence}", records, sequence=sequence))


def open_key(window, qtbot, key):
    window.go_to("programs")
    idle(qtbot, window)
    window.browse.open_record(key)
    qtbot.waitUntil(lambda: window.browse.detail.current_key == key and not window.browse.detail.pending)
    idle(qtbot, window)
    return window.browse.detail


def test_detail_shows_content_as_plain_text(window, qtbot, seeded, tmp_path):
    add_records(seeded, tmp_path)
    window.state.catalogChanged.emit()
    detail = open_key(window, qtbot, KEY)
    text = detail.plain_text()
    assert "Texto con <b>x</b> & <script>alert(1)</script>" in text
    assert "Segundo párrafo." in text
    assert detail.title_label.text() == "Huerto <i>escolar</i>"
    assert detail.title_label.textFormat() == Qt.PlainText
    # Nothing became markup: no bold "x" fragment, no HTML anchors.
    doc = detail.text.document()
    assert "<b>" not in doc.toHtml().replace("&lt;b&gt;", "")
    # The link is shown as text, with copy and open buttons.
    assert detail.links.model.links() == [("Sitio web", "https://example.org/huerto")]
    detail.links.copy_button.click()
    assert QApplication.clipboard().text() == "https://example.org/huerto"


def test_open_link_warns_first_and_opens_only_on_yes(window, qtbot, seeded, tmp_path, monkeypatch):
    add_records(seeded, tmp_path)
    window.state.catalogChanged.emit()
    detail = open_key(window, qtbot, KEY)
    opened = []
    monkeypatch.setattr("aulalocal.ui.linkspanel.QDesktopServices.openUrl", lambda url: opened.append(url.toString()))
    seen = []

    def answer(button_text):
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text() + box.informativeText())
        matching = [b for b in box.buttons() if b.text() == button_text]
        # Never leave the box open (the test would hang): refuse when the button is missing.
        (matching[0] if matching else box.escapeButton()).click()
        assert matching, f"no button {button_text!r}"

    QTimer.singleShot(50, lambda: answer("Do not open"))
    detail.links.open_button.click()
    assert opened == [] and "internet" in seen[0]
    QTimer.singleShot(50, lambda: answer("Open in the browser"))
    detail.links.open_button.click()
    assert opened == ["https://example.org/huerto"]


def test_related_links_open_the_related_record(window, qtbot, seeded, tmp_path):
    add_records(seeded, tmp_path)
    window.state.catalogChanged.emit()
    detail = open_key(window, qtbot, KEY)
    model = detail.related_model
    assert model.rowCount() == 2
    texts = [model.index(r).data() for r in range(2)]
    assert any("Una ONG andina" in t for t in texts)
    missing = next(r for r in range(2) if model.index(r).data(RemovedRole))
    assert "(not available)" in model.index(missing).data()
    assert model.flags(model.index(missing)) == Qt.NoItemFlags
    # Clicking the unavailable one does nothing; clicking the organization opens it.
    detail.tabs.setCurrentIndex(0)
    view = detail.related_view
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.visualRect(model.index(missing)).center())
    assert detail.current_key == KEY
    available = 1 - missing
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.visualRect(model.index(available)).center())
    qtbot.waitUntil(lambda: detail.current_key == ("test-catalog", "organization", "ong") and not detail.pending)
    assert detail.title_label.text() == "Una ONG andina"
    assert detail.back_button.isVisibleTo(window)
    detail.back_button.click()
    qtbot.waitUntil(lambda: detail.current_key == KEY and not detail.pending)
    assert detail.title_label.text() == "Huerto <i>escolar</i>"


def test_reverse_links_of_real_catalog(window, qtbot, seeded):
    """A record of the shipped catalog with related records shows them, and they open."""
    row = seeded.catalog.execute(
        "SELECT catalog, id FROM records WHERE kind = 'program' AND data LIKE '%organization_ids%' ORDER BY id LIMIT 1"
    ).fetchone()
    detail = open_key(window, qtbot, (row[0], "program", row[1]))
    assert detail.related_model.rowCount() > 0


def test_fallback_marker_when_quechua_is_missing(window, qtbot, seeded, tmp_path):
    add_records(seeded, tmp_path)
    window.state.set_language("qu", save=False)
    window.state.catalogChanged.emit()
    detail = open_key(window, qtbot, KEY)
    marker = models.fallback_marker("es")
    # The title has Quechua text: no marker; the body has only Spanish: marked.
    assert detail.title_label.text() == "Yachay wasi chakra"
    assert marker not in detail.meta_label.text()
    text = detail.plain_text()
    assert "Qhichwapi <b>x</b>" in text
    body_line = next(line for line in text.splitlines() if line.startswith("Description") or marker in line)
    assert marker in body_line
    assert "Solo en castellano" in text
    # A record with a Spanish title only: the title carries the marker too.
    open_key(window, qtbot, ("test-catalog", "organization", "ong"))
    assert marker in detail.meta_label.text()


def test_star_adds_to_favorites_and_the_view_lists_it(window, qtbot, seeded, tmp_path):
    add_records(seeded, tmp_path)
    window.state.catalogChanged.emit()
    detail = open_key(window, qtbot, KEY)
    assert not detail.favorite_button.isChecked()
    qtbot.mouseClick(detail.favorite_button, Qt.LeftButton)
    assert userdata.is_favorite(seeded.userdata, *KEY)
    window.go_to("favorites")
    idle(qtbot, window)
    rows = window.browse.model.rows()
    assert [r.key for r in rows] == [KEY]
    assert rows[0].title == "Huerto <i>escolar</i>"
    # Ctrl+D removes it again.
    window.browse.open_record(KEY)
    qtbot.waitUntil(lambda: not window.browse.detail.pending)
    window.toggle_favorite()
    assert not userdata.is_favorite(seeded.userdata, *KEY)


def test_note_is_saved_as_typed(window, qtbot, seeded, tmp_path):
    add_records(seeded, tmp_path)
    window.state.catalogChanged.emit()
    detail = open_key(window, qtbot, KEY)
    detail.tabs.setCurrentIndex(2)
    detail.note.editor.setFocus()
    qtbot.keyClicks(detail.note.editor, "Usar en 3.º grado")
    # No button, no Enter: the debounce saves it.
    qtbot.waitUntil(lambda: userdata.get_note(seeded.userdata, *KEY) == "Usar en 3.º grado", timeout=3000)
    saved = userdata.notes(seeded.userdata)[0]
    assert saved.title["es"] == "Huerto <i>escolar</i>"
    # Typing then switching record at once saves too (no wait for the timer).
    qtbot.keyClicks(detail.note.editor, " y 4.º")
    detail.show_record(("test-catalog", "program", "otro"))
    assert userdata.get_note(seeded.userdata, *KEY) == "Usar en 3.º grado y 4.º"


def test_notes_on_removed_records_remain_and_are_marked(window, qtbot, seeded, tmp_path):
    add_records(seeded, tmp_path)
    window.state.catalogChanged.emit()
    detail = open_key(window, qtbot, KEY)
    detail.note.editor.setPlainText("Mi nota que no se pierde")
    detail.flush_note()
    qtbot.mouseClick(detail.favorite_button, Qt.LeftButton)
    # A later full bundle without the record removes it from the catalog.
    remaining = {k: v for k, v in RECORDS.items() if k != ("program", "huerto")}
    add_records(seeded, tmp_path, remaining, sequence=2)
    window.state.catalogChanged.emit()
    window.go_to("notes")
    idle(qtbot, window)
    model = window.browse.model
    row = model.row_of(KEY)
    assert row >= 0
    index = model.index(row)
    assert index.data(RemovedRole) is True
    assert index.data(RowRole).snippet == "Mi nota que no se pierde"
    assert "(removed from the catalog)" in index.data(Qt.AccessibleTextRole)
    window.browse.list_view.setCurrentIndex(index)
    window.browse._show_current()
    qtbot.waitUntil(lambda: detail.current_key == KEY and not detail.pending)
    assert detail.removed_label.isVisibleTo(window)
    assert detail.title_label.text() == "Huerto <i>escolar</i>"
    assert detail.note.editor.toPlainText() == "Mi nota que no se pierde"
    window.go_to("favorites")
    idle(qtbot, window)
    assert window.browse.model.index(window.browse.model.row_of(KEY)).data(RemovedRole) is True


def test_a_long_related_title_wraps_and_is_never_cut_behind_a_sideways_scroll_bar(window, qtbot, seeded, tmp_path):
    long_name = "Instituto Interamericano del Niño, la Niña y Adolescente de la Organización de los Estados Americanos " * 2
    records = {**RECORDS, ("organization", "ong"): {"title": title(long_name.strip()), "kind": "ngo"}}
    add_records(seeded, tmp_path, records)
    window.resize(1024, 600)
    window.state.catalogChanged.emit()
    detail = open_key(window, qtbot, KEY)
    detail.tabs.setCurrentIndex(0)
    idle(qtbot, window)
    view = detail.related_view
    model = detail.related_model
    row = next(r for r in range(model.rowCount()) if "Instituto" in model.index(r).data())
    rect = view.visualRect(model.index(row))
    line = view.fontMetrics().lineSpacing()
    assert view.horizontalScrollBarPolicy() == Qt.ScrollBarAlwaysOff and not view.horizontalScrollBar().isVisible()
    assert rect.right() <= view.viewport().width() and rect.height() >= 2 * line  # wrapped, whole
