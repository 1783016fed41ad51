"""USB updates in the window: the update dialog (success, each failure, cancel, trust), export, drive watcher.

Bundles are real: built and signed in the test with keys made in the test
(``tests/bundle/conftest.py``), applied by the real importer.
"""

from __future__ import annotations

import zipfile

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from aulalocal.bundle import trust
from aulalocal.bundle.export import key_file_name
from aulalocal.bundle.scan import DriveBundle
from aulalocal.catalog.queries import get_record, status
from aulalocal.errors import BundleError, Cancelled, SequenceError, SignatureError
from aulalocal.ui.drivewatcher import DriveWatcher
from aulalocal.ui.exportdialog import ExportDialog
from aulalocal.ui.updatedialog import UpdateDialog
from tests.bundle.conftest import SAMPLE, make_bundle, new_publisher
from tests.bundle.test_trust import fingerprint
from tests.conftest import title
from tests.ui.conftest import wait_for_workers


@pytest.fixture(scope="module")
def publisher():
    return new_publisher("Ministerio de prueba")


@pytest.fixture
def trusting(state, publisher):
    trust.add_key(state.folder.keys_dir, publisher.public)
    return state


def snapshot(db):
    return (
        db.execute("SELECT catalog, kind, id, data FROM records ORDER BY 1, 2, 3").fetchall(),
        db.execute("SELECT * FROM catalogs ORDER BY catalog").fetchall(),
    )


def run_dialog(qtbot, state, **kw) -> UpdateDialog:
    dialog = UpdateDialog(state, None, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.finished_ok is not None, timeout=15000)
    wait_for_workers(QApplication.instance())
    return dialog


def test_update_from_a_file_shows_a_summary_and_announces_the_change(qtbot, trusting, publisher, tmp_path):
    bundle = make_bundle(tmp_path, publisher)
    with qtbot.waitSignal(trusting.catalogChanged, timeout=15000):
        dialog = UpdateDialog(trusting, None, path=bundle)
        qtbot.addWidget(dialog)
        dialog.show()
    qtbot.waitUntil(lambda: dialog.finished_ok is not None)
    assert dialog.finished_ok is True
    assert dialog.stack.currentIndex() == 2
    assert dialog.result_title.text() == "The catalog was updated."
    text = dialog.result_text.text()
    assert "Programs and good practices: 1 new, 0 changed, 0 removed" in text
    assert "Organizations: 1 new" in text and "Reports and laws: 1 new" in text
    assert get_record(trusting.folder.catalog, "program", "huascaran") is not None
    # The same file again: already up to date, nothing announced.
    again = run_dialog(qtbot, trusting, path=bundle)
    assert again.finished_ok and "already" in again.result_title.text()


def test_progress_bar_moves(qtbot, trusting, publisher, tmp_path):
    records = {("program", f"p{i}"): {"title": title(f"Programa {i}")} for i in range(1500)}
    bundle = make_bundle(tmp_path, publisher, records)
    seen = []
    dialog = UpdateDialog(trusting, None)
    qtbot.addWidget(dialog)
    real = dialog.progress_page.update_progress
    dialog.progress_page.update_progress = lambda *a: (seen.append(a), real(*a))
    dialog.start([bundle])
    assert dialog.stack.currentIndex() == 1 and dialog.cancel_button.isVisibleTo(dialog)
    qtbot.waitUntil(lambda: dialog.finished_ok is not None, timeout=30000)
    assert dialog.finished_ok
    assert {phase for phase, _d, _t in seen} >= {"apply"}
    assert dialog.progress_page.bar.maximum() == 1000 and dialog.progress_page.bar.value() == 1000


@pytest.mark.parametrize("kind", ["unsigned", "untrusted", "damaged", "older"])
def test_each_failure_says_why_and_what_to_do_and_changes_nothing(qtbot, trusting, publisher, tmp_path, kind):
    if kind == "older":
        run_dialog(qtbot, trusting, path=make_bundle(tmp_path, publisher, sequence=5))
    before = snapshot(trusting.folder.catalog)
    if kind == "unsigned":
        bundle, error = make_bundle(tmp_path, None), SignatureError
    elif kind == "untrusted":
        bundle, error = make_bundle(tmp_path, new_publisher("Desconocido")), SignatureError
    elif kind == "damaged":
        bundle = make_bundle(tmp_path, None)
        with zipfile.ZipFile(bundle, "a") as zf:
            zf.writestr("extra.txt", "not allowed in a bundle")
        publisher.sign(bundle)
        error = BundleError
    else:
        bundle, error = make_bundle(tmp_path, publisher, sequence=2), SequenceError
    dialog = run_dialog(qtbot, trusting, path=bundle)
    assert dialog.finished_ok is False
    assert isinstance(dialog.error, error)
    assert dialog.result_title.text() == "The update was not applied. Nothing was changed."
    text = dialog.result_text.text()
    assert dialog.error.message() in text
    assert "What to do:" in text and "Traceback" not in text
    assert snapshot(trusting.folder.catalog) == before


def test_cancel_changes_nothing(qtbot, trusting, publisher, tmp_path):
    before = snapshot(trusting.folder.catalog)
    stranger = new_publisher("Red de escuelas")
    bundle = make_bundle(tmp_path, stranger)
    (bundle.parent / "red.pub").write_text(stranger.public.to_text())

    def cancel_while_asked(key):
        dialog.cancel()  # the teacher presses Cancel while the question is open
        return True

    dialog = UpdateDialog(trusting, None, confirm_trust=cancel_while_asked)
    qtbot.addWidget(dialog)
    dialog.start([bundle])
    qtbot.waitUntil(lambda: dialog.finished_ok is not None, timeout=15000)
    assert isinstance(dialog.error, Cancelled)
    assert dialog.result_title.text() == "Cancelled. Nothing was changed."
    assert snapshot(trusting.folder.catalog) == before


def test_cancel_button_during_a_large_apply(qtbot, trusting, publisher, tmp_path):
    records = {("program", f"p{i}"): {"title": title(f"Programa {i}")} for i in range(3000)}
    bundle = make_bundle(tmp_path, publisher, records)
    before = snapshot(trusting.folder.catalog)
    dialog = UpdateDialog(trusting, None)
    qtbot.addWidget(dialog)
    dialog.progress_page.update_progress = lambda *a: dialog.cancel_button.click()
    dialog.start([bundle])
    qtbot.waitUntil(lambda: dialog.finished_ok is not None, timeout=30000)
    assert isinstance(dialog.error, Cancelled)
    assert dialog.result_title.text() == "Cancelled. Nothing was changed."
    assert snapshot(trusting.folder.catalog) == before


def test_unknown_key_asks_with_key_id_and_publisher_and_is_remembered(qtbot, state, tmp_path):
    stranger = new_publisher("Red Rural de Escuelas")
    bundle = make_bundle(tmp_path, stranger, catalog="red-rural")
    (bundle.parent / "red-rural.pub").write_text(stranger.public.to_text())
    shown = []

    def answer():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        shown.append((box.windowTitle(), box.text(), box.informativeText()))
        matching = [b for b in box.buttons() if b.text() == "Trust this publisher and update"]
        (matching[0] if matching else box.escapeButton()).click()  # never leave the box open

    QTimer.singleShot(20, answer)
    dialog = run_dialog(qtbot, state, path=bundle)
    assert dialog.finished_ok is True
    title_, text, details = shown[0]
    assert stranger.public.key_id_hex in details and "Red Rural de Escuelas" in details
    assert stranger.public.fingerprint in details and fingerprint(stranger.public) in details
    assert "does not know" in text
    assert trust.find_key(state.folder.keys_dir, stranger.public.key_id_hex) is not None
    assert {c["catalog"] for c in status(state.folder.catalog)["catalogs"]} >= {"red-rural"}


def test_refusing_an_unknown_key_applies_nothing(qtbot, state, tmp_path):
    stranger = new_publisher("Otro")
    bundle = make_bundle(tmp_path, stranger, catalog="otro-catalogo")
    (bundle.parent / "otro.pub").write_text(stranger.public.to_text())
    asked = []
    dialog = run_dialog(qtbot, state, path=bundle, confirm_trust=lambda key: asked.append((key.key_id_hex, key.comment)) or False)
    assert asked == [(stranger.public.key_id_hex, "Otro")]
    assert dialog.finished_ok is False and isinstance(dialog.error, SignatureError)
    assert trust.find_key(state.folder.keys_dir, stranger.public.key_id_hex) is None


def test_drive_bundles_are_applied_in_order(qtbot, trusting, publisher, tmp_path):
    drive = tmp_path / "drive"
    (drive / "AulaLocal").mkdir(parents=True)
    full = make_bundle(drive / "AulaLocal", publisher, sequence=1)
    v2 = dict(SAMPLE)
    v2[("program", "nuevo")] = {"title": title("Programa nuevo")}
    delta = make_bundle(drive / "AulaLocal", publisher, v2, sequence=2, base=1)
    bundles = [
        DriveBundle(delta, "needs-sequence", "minedu-pe", 2, 1, "P", publisher.public.key_id_hex),
        DriveBundle(full, "new", "minedu-pe", 1, None, "P", publisher.public.key_id_hex),
    ]
    # From the banner: the applicable bundles start at once.
    dialog = run_dialog(qtbot, trusting, bundles=[b for b in bundles if b.state == "new"])
    assert dialog.finished_ok
    assert get_record(trusting.folder.catalog, "program", "huascaran") is not None


def test_export_copies_applied_bundles_and_checks_free_space(qtbot, trusting, publisher, tmp_path):
    run_dialog(qtbot, trusting, path=make_bundle(tmp_path, publisher))
    dest = tmp_path / "usb"
    dest.mkdir()
    dialog = ExportDialog(trusting, None, drives=lambda: [])
    qtbot.addWidget(dialog)
    dialog.start(dest)
    qtbot.waitUntil(lambda: dialog.finished_ok is not None, timeout=15000)
    assert dialog.finished_ok, dialog.result.text()
    names = sorted(p.name for p in (dest / "AulaLocal").iterdir())
    assert any(n.endswith(".aulabundle") for n in names) and any(n.endswith(".minisig") for n in names)
    assert not any(n.endswith(".part") for n in names)
    assert "Copied 3 files" in dialog.result.text()
    assert key_file_name(publisher.public) in names  # the key beside the bundles
    # Too little room on the drive: said before copying anything.
    small = ExportDialog(trusting, None, free_fn=lambda _dest: 10, drives=lambda: [])
    qtbot.addWidget(small)
    other = tmp_path / "small-usb"
    other.mkdir()
    small.start(other)
    assert small.finished_ok is False and "free" in small.result.text()
    assert not (other / "AulaLocal").exists()


def test_export_with_nothing_to_copy(qtbot, state, tmp_path):
    dialog = ExportDialog(state, None, drives=lambda: [])
    qtbot.addWidget(dialog)
    dialog.start(tmp_path)
    assert dialog.finished_ok is False and "no updates to copy" in dialog.result.text()


def test_drive_watcher_finds_bundles_on_a_new_volume_and_notices_removal(qtbot, trusting, publisher, tmp_path):
    drive = tmp_path / "drive"
    (drive / "aulalocal").mkdir(parents=True)
    make_bundle(drive / "aulalocal", publisher)
    mounted = [str(tmp_path / "empty-drive")]
    (tmp_path / "empty-drive").mkdir()
    watcher = DriveWatcher(trusting, volumes=lambda: list(mounted))
    watcher.poll()
    wait_for_workers(QApplication.instance())
    assert watcher.found == {}  # a drive without bundles says nothing
    mounted.append(str(drive))
    with qtbot.waitSignal(watcher.bundlesFound, timeout=15000) as found:
        watcher.poll()
    root, bundles = found.args
    assert root == str(drive)
    assert [b.state for b in bundles] == ["new"] and bundles[0].publisher == "Test publisher"
    # Polling again does not rescan a known drive.
    scans = []
    watcher.scan = lambda *a, **k: scans.append(a) or []
    watcher.poll()
    assert scans == []
    mounted.remove(str(drive))
    with qtbot.waitSignal(watcher.driveRemoved) as removed:
        watcher.poll()
    assert removed.args == [str(drive)]


def test_banner_shows_what_a_drive_carries(window, qtbot, publisher):
    bundles = [DriveBundle("/media/usb/a.aulabundle", "new", "minedu-pe", 3, None, "Ministerio", "ABCD", "New update.")]
    window.banner.show_drive("/media/usb", bundles)
    assert window.banner.isVisible()
    text = window.banner.label.text()
    assert "minedu-pe" not in text and "Ministerio" in text and "3" in text
    assert window.banner.update_button.isVisible()
    window.banner.show_drive("/media/usb", [DriveBundle("/media/usb/a.aulabundle", "applied", "minedu-pe", 3, None, "M", "A", "Already applied.")])
    assert "already has" in window.banner.label.text() and not window.banner.update_button.isVisible()
    window.banner.drive_removed("/media/usb")
    assert not window.banner.isVisible()


def test_export_offers_the_plugged_in_drive_first(qtbot, trusting, publisher, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    run_dialog(qtbot, trusting, path=make_bundle(tmp_path, publisher))
    drive = tmp_path / "KINGSTON"
    drive.mkdir()
    dialog = ExportDialog(trusting, None, drives=lambda: [drive])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.drive_button.isVisible() and "KINGSTON" in dialog.drive_button.text()
    assert dialog.drive_button.objectName() == "primary" and dialog.choose_button.objectName() != "primary"
    # "Another drive or folder…" starts on the plugged-in drive too.
    opened = []
    monkeypatch.setattr(QFileDialog, "exec", lambda self: opened.append(self.directory().absolutePath()) or 0)
    dialog.choose_button.click()
    assert opened == [str(drive)]
    dialog.drive_button.click()
    qtbot.waitUntil(lambda: dialog.finished_ok is not None, timeout=15000)
    assert dialog.finished_ok, dialog.result.text()
    assert (drive / "AulaLocal" / key_file_name(publisher.public)).is_file()
    # No drive plugged in: one button, to choose one.
    alone = ExportDialog(trusting, None, drives=lambda: [])
    qtbot.addWidget(alone)
    alone.show()
    assert not alone.drive_button.isVisible() and alone.choose_button.objectName() == "primary"


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_export_dialog_buttons_are_never_squeezed_at_the_largest_text(qtbot, qapp, state, real_translations, lang, tmp_path):
    from aulalocal.ui import theme

    state.set_language(lang, save=False)
    theme.apply_theme(qapp, "xlarge", False)
    dialog = ExportDialog(state, None, drives=lambda: [tmp_path / "KINGSTON"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for button in (dialog.drive_button, dialog.choose_button, dialog.close_button):
        assert button.width() >= button.sizeHint().width(), button.text()
    assert dialog.intro.height() >= dialog.intro.heightForWidth(dialog.intro.width())
