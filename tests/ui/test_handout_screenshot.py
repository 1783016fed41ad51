"""Handouts (PDF via QPdfWriter) and ``aulalocal --screenshot``; the data-folder error dialog."""

from __future__ import annotations

import os
import subprocess
import sys
from argparse import Namespace

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from aulalocal.catalog import userdata
from aulalocal.catalog.queries import get_record
from aulalocal.ui import handout
from tests.conftest import REPO, title, write_source
from tests.test_fileio import IN_THE_WAY, leftovers, plant, unchanged, victim  # noqa: F401 (a fixture)
from tests.ui.conftest import apply_folder


def test_record_handout_pdf(state, seeded, tmp_path):
    records = {("program", "feria"): {"title": title("Feria <b>x</b>"), "summary": {"es": "Resumen con <b>x</b>"}}}
    apply_folder(seeded.catalog, write_source(tmp_path / "src", records))
    record = get_record(seeded.catalog, "program", "feria")
    doc = handout.record_handout(record, "es")
    text = doc.toPlainText()
    assert "Feria <b>x</b>" in text and "Resumen con <b>x</b>" in text
    out = handout.write_pdf(doc, tmp_path / "feria.pdf", "Feria")
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000
    assert b"%%EOF" in data[-1024:]


@pytest.mark.parametrize("planted", IN_THE_WAY)
def test_a_handout_is_never_written_through_what_has_its_name(state, seeded, tmp_path, victim, planted):
    from aulalocal.fileio import InTheWay

    target = tmp_path / "feria.pdf"
    plant(planted, target, victim)
    doc = handout.record_handout(get_record(seeded.catalog, "program", seeded.catalog.execute(
        "SELECT id FROM records WHERE kind='program' LIMIT 1").fetchone()[0]), "es")
    with pytest.raises(InTheWay):
        handout.write_pdf(doc, target, "Feria")
    unchanged(victim)
    assert leftovers(tmp_path) == []


def test_long_record_handout_has_several_pages_with_footer(state, seeded, tmp_path):
    long_body = "\n\n".join(f"Párrafo {n}: " + "texto para las familias " * 40 for n in range(40))
    records = {("program", "largo"): {"title": title("Largo"), "body": {"es": long_body}}}
    apply_folder(seeded.catalog, write_source(tmp_path / "src", records))
    from PySide6.QtGui import QPdfWriter

    writer = QPdfWriter(str(tmp_path / "largo.pdf"))
    writer.setResolution(300)
    handout._a4(writer)
    pages = handout.paint_document(
        handout.record_handout(get_record(seeded.catalog, "program", "largo"), "es"), writer, handout.footer_text()
    )
    del writer
    assert pages > 2
    assert (tmp_path / "largo.pdf").read_bytes().startswith(b"%PDF")
    assert "2026" in handout.footer_text() or "20" in handout.footer_text()


def test_favorites_handout_lists_favorites_and_removed_ones(state, seeded, tmp_path):
    program = seeded.catalog.execute("SELECT catalog, id, data FROM records WHERE kind='program' LIMIT 1").fetchone()
    userdata.set_favorite(seeded.userdata, program[0], "program", program[1], {"es": "X"}, True)
    userdata.set_favorite(seeded.userdata, "gone", "program", "ya-no", {"es": "Programa retirado"}, True)
    userdata.save_note(seeded.userdata, "gone", "program", "ya-no", {"es": "Programa retirado"}, "Mi nota")
    doc = handout.favorites_handout(state)
    text = doc.toPlainText()
    assert "Programa retirado" in text and "(removed from the catalog)" in text and "Mi nota" in text
    out = handout.write_pdf(doc, tmp_path / "fav.pdf")
    assert out.read_bytes().startswith(b"%PDF")


def run_cli(*args, data_dir):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AULALOCAL_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "aulalocal", "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )


@pytest.mark.parametrize("view", ["programs", "update", "trust"])
def test_screenshot_writes_a_png_of_the_window(seeded_dir, tmp_path, view):
    out = tmp_path / f"{view}.png"
    result = run_cli("--screenshot", str(out), "--view", view, data_dir=seeded_dir)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 600)
    # Not a blank picture: the window's contents have many colors.
    colors = {image.pixel(x, y) for x in range(0, 1024, 16) for y in range(0, 600, 16)}
    assert len(colors) > 5


def test_screenshot_of_a_record_in_quechua_and_other_size(seeded_dir, tmp_path):
    import sqlite3

    conn = sqlite3.connect(seeded_dir / "catalog.db")
    (id_,) = conn.execute("SELECT id FROM records WHERE kind='program' ORDER BY id LIMIT 1").fetchone()
    conn.close()
    out = tmp_path / "detail.png"
    result = run_cli("--screenshot", str(out), "--lang", "qu", "--size", "800x600", "--view", f"detail:program:{id_}", data_dir=seeded_dir)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (800, 600)


def settings_of(data_dir) -> dict:
    import sqlite3

    conn = sqlite3.connect(data_dir / "userdata.db")
    try:
        return dict(conn.execute("SELECT key, value FROM settings"))
    finally:
        conn.close()


def test_screenshot_in_high_contrast_and_largest_text_keeps_the_teachers_settings(seeded_dir, tmp_path):
    from aulalocal.startup import open_data_folder

    folder = open_data_folder(seeded_dir)
    for key, value in (("language", "es"), ("text_size", "small"), ("high_contrast", "0")):
        userdata.set_setting(folder.userdata, key, value)
    folder.close()
    before = settings_of(seeded_dir)
    out = tmp_path / "contrast.png"
    result = run_cli(
        "--screenshot", str(out), "--lang", "qu", "--text-size", "xlarge", "--high-contrast", "--view", "programs",
        data_dir=seeded_dir,
    )
    assert result.returncode == 0, result.stderr
    assert settings_of(seeded_dir) == before
    # High contrast is white on black: most of the picture is black.
    image = QImage(str(out))
    pixels = [image.pixelColor(x, y) for x in range(0, image.width(), 8) for y in range(0, image.height(), 8)]
    assert sum(p.lightness() < 40 for p in pixels) > 0.6 * len(pixels)


@pytest.mark.parametrize("text_size", ["small", "normal", "large", "xlarge"])
def test_screenshot_shows_each_text_size_without_saving_it(qapp, seeded_dir, tmp_path, text_size):
    from PySide6.QtGui import QPalette

    from aulalocal.appearance import DEFAULT_TEXT_SIZE, TEXT_SIZES
    from aulalocal.ui import theme
    from aulalocal.ui.app import run_app

    before = settings_of(seeded_dir)
    args = Namespace(
        data_dir=str(seeded_dir), lang="qu", screenshot=str(tmp_path / "shot.png"), size="1024x600",
        view="home", text_size=text_size, high_contrast=True,
    )
    try:
        assert run_app(args) == 0
        assert qapp.font().pointSize() == TEXT_SIZES[text_size][1]
        assert qapp.palette().color(QPalette.Window).name() == "#000000"
    finally:
        theme.apply_theme(qapp, DEFAULT_TEXT_SIZE, False)
    assert settings_of(seeded_dir) == before
    assert QImage(str(tmp_path / "shot.png")).width() == 1024


def test_a_look_for_this_run_gives_way_to_the_teachers_choice(state):
    from aulalocal.ui.appstate import AppState

    shown = AppState(state.folder, text_size="xlarge", high_contrast=True)
    assert (shown.text_size, shown.high_contrast) == ("xlarge", True)
    assert userdata.get_setting(state.folder.userdata, "text_size") is None
    shown.set_text_size("large")  # the teacher chose in Settings: saved, and shown from now on
    shown.set_high_contrast(False)
    assert (shown.text_size, shown.high_contrast) == ("large", False)
    assert userdata.get_setting(state.folder.userdata, "text_size") == "large"
    assert AppState(state.folder, text_size="huge").text_size == "large"  # an unknown size is ignored


def test_screenshot_of_an_unknown_view_fails_cleanly(seeded_dir, tmp_path):
    result = run_cli("--screenshot", str(tmp_path / "x.png"), "--view", "nowhere", data_dir=seeded_dir)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_data_folder_error_shows_one_line_and_exits_1(qapp, tmp_path):
    from aulalocal.ui.app import run_app

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    seen = []

    def close_box():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.buttons()[0].click()
        else:
            QTimer.singleShot(20, close_box)

    QTimer.singleShot(20, close_box)
    code = run_app(Namespace(data_dir=str(blocker / "data"), lang=None, screenshot=None, size="1024x600", view="home"))
    assert code == 1
    assert seen and "Traceback" not in seen[0] and "data" in seen[0]
