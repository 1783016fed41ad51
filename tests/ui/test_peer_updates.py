"""Updates from another computer in the window: the banner, the update dialog's take, the look, the watch.

The other computer is a real server on 127.0.0.1 (``tests/peers/conftest.py``);
no look browses a network: the looks are given the addresses to read.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from aulalocal.bundle import trust
from aulalocal.catalog.store import get_state
from aulalocal.peers.take import look, read_offer
from aulalocal.ui.drivebanner import DriveBanner
from aulalocal.ui.peerdialog import PeerDialog
from aulalocal.ui.peerwatcher import PeerWatcher
from aulalocal.ui.bundlelist import BundleListModel
from aulalocal.ui.updatedialog import UpdateDialog
from tests.peers.conftest import FAST, giver, giver_template, handler, http_peer, offer_files, publisher  # noqa: F401
from tests.peers.conftest import snapshot, staging_is_empty
from tests.ui.conftest import wait_for_workers


@pytest.fixture
def trusting(state, publisher):
    trust.add_key(state.folder.keys_dir, publisher.public)
    return state


def offer_of(state, address):
    return read_offer(state.folder, address, limits=FAST)


def run_dialog(qtbot, state, offer, **kw) -> UpdateDialog:
    dialog = UpdateDialog(state, None, offer=offer, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.finished_ok is not None, timeout=15000)
    wait_for_workers(QApplication.instance())
    return dialog


def test_the_banner_announces_another_computers_updates(qtbot, trusting, giver):
    banner = DriveBanner()
    qtbot.addWidget(banner)
    offer = offer_of(trusting, giver.address)
    banner.show_peer(offer)
    assert banner.isVisibleTo(None) or not banner.isHidden()
    text = banner.label.text()
    assert "Another computer on the network" in text and "2 updates" in text and str(giver.address) in text
    assert "Ministerio de prueba" in text  # the key's name: what the other computer can say before the download
    with qtbot.waitSignal(banner.peerUpdateRequested) as asked:
        qtbot.mouseClick(banner.update_button, Qt.LeftButton)
    assert asked.args[0] is offer
    banner.dismiss()
    banner.show_peer(offer)  # "Not now" holds for the same offer
    assert banner.isHidden()
    banner.show_drive("/media/usb", offer.updates)  # a drive plugged in takes the banner
    assert "USB drive" in banner.label.text()
    banner.show_peer(offer)
    assert "USB drive" in banner.label.text()


def test_the_same_verdicts_as_a_drive(qtbot, trusting, giver):
    from aulalocal.bundle.importer import import_bundle

    import_bundle(trusting.folder, giver.bundles[0])
    banner = DriveBanner()
    qtbot.addWidget(banner)
    offer = offer_of(trusting, giver.address)
    assert [u.state for u in offer.updates] == ["applied", "new"]
    banner.show_peer(offer)
    text = banner.label.text()
    assert "has update number 2 from Ministerio de prueba." in text and "minedu-pe" not in text  # a name, not an id


def test_a_key_this_laptop_does_not_trust_is_not_named(qtbot, state, giver):
    """Before the download, the other computer's word is all there is: its key's comment names no one."""
    banner = DriveBanner()
    qtbot.addWidget(banner)
    offer = offer_of(state, giver.address)
    assert [u.publisher for u in offer.updates] == [None, None]
    banner.show_peer(offer)
    text = banner.label.text()
    assert "has 2 updates that are new for this laptop" in text and "does not know yet" in text
    assert "Ministerio de prueba" not in text and "minedu-pe" not in text and "?" not in text
    model = BundleListModel()
    model.set_bundles(offer.updates)
    assert [model.index(n).data().split("\n")[0] for n in range(2)] == ["Update number 1", "Update number 2"]


def test_the_update_dialog_takes_them_with_progress_and_announces_the_change(qtbot, trusting, giver):
    offer = offer_of(trusting, giver.address)
    phases = []
    dialog = UpdateDialog(trusting, None, offer=offer)
    real = dialog.progress_page.update_progress
    dialog.progress_page.update_progress = lambda phase, done, total: (phases.append(phase), real(phase, done, total))
    qtbot.addWidget(dialog)
    assert "has these updates" in dialog.choose_label.text() and dialog.bundle_model.rowCount() == 2
    with qtbot.waitSignal(trusting.catalogChanged, timeout=15000):
        dialog.show()
    qtbot.waitUntil(lambda: dialog.finished_ok is not None, timeout=15000)
    wait_for_workers(QApplication.instance())
    assert dialog.finished_ok is True and dialog.result_title.text() == "The catalog was updated."
    assert [dialog.bundle_model.index(n).data().split("\n")[0] for n in range(2)] == [
        "Update number 1 from Ministerio de prueba", "Update number 2 from Ministerio de prueba"]
    result = dialog.result_text.text()
    # After the download, the name the signed manifest gives.
    assert "Update number 1 from Test publisher:" in result and "Update number 2 from Test publisher:" in result
    assert "minedu-pe" not in result
    assert "download" in phases and "apply" in phases and "copy" not in phases  # no drive was read
    assert get_state(trusting.folder.catalog, "minedu-pe").sequence == 2


def test_a_key_learned_from_a_peer_gets_the_first_time_question(qtbot, state, giver):
    before = snapshot(state.folder.path)
    offer = offer_of(state, giver.address)
    assert offer.updates[0].state == "untrusted"
    asked = []
    dialog = run_dialog(qtbot, state, offer, confirm_trust=lambda key: asked.append(key.fingerprint) or False)
    assert asked == [giver.publisher.public.fingerprint]
    assert dialog.finished_ok is False and "not applied" in dialog.result_title.text()
    assert snapshot(state.folder.path) == before and staging_is_empty(state.folder.path)
    dialog = run_dialog(qtbot, state, offer_of(state, giver.address), confirm_trust=lambda key: True)
    assert dialog.finished_ok is True


def test_a_peer_gone_before_the_download_says_what_to_do(qtbot, trusting, giver_template):
    index, files = offer_files(giver_template.path)
    with http_peer(handler(index, files)) as address:
        offer = offer_of(trusting, address)
    before = snapshot(trusting.folder.path)
    dialog = run_dialog(qtbot, trusting, offer)
    assert dialog.finished_ok is False
    assert "connection" in dialog.result_text.text() and "same network" in dialog.result_text.text()
    assert snapshot(trusting.folder.path) == before and staging_is_empty(trusting.folder.path)


def test_cancel_while_downloading(qtbot, trusting, giver_template):
    import time

    index, files = offer_files(giver_template.path)

    def slow(h, data):
        h.send_response(200)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        try:
            for offset in range(0, len(data), 1000):
                h.wfile.write(data[offset:offset + 1000])
                h.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    before = snapshot(trusting.folder.path)
    with http_peer(handler(index, files, slow)) as address:
        offer = offer_of(trusting, address)
        dialog = UpdateDialog(trusting, None, offer=offer)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.running and dialog.progress_page.bar.maximum() == 1000, timeout=10000)
        qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: dialog.finished_ok is not None, timeout=10000)
        wait_for_workers(QApplication.instance())
    assert dialog.result_title.text() == "Cancelled. Nothing was changed."
    assert snapshot(trusting.folder.path) == before and staging_is_empty(trusting.folder.path)


def typed_only(folder, typed, seconds, exclude, cancel):
    """A look that browses no network: only the typed addresses."""
    return look(folder, typed, seconds=0, limits=FAST, cancel=cancel)


def test_the_look_with_a_typed_address_opens_its_updates(qtbot, trusting, giver):
    dialog = PeerDialog(trusting, None, watcher=PeerWatcher(trusting, look=typed_only))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.address.setText("http://not an address")
    qtbot.mouseClick(dialog.look_button, Qt.LeftButton)
    assert "is not the address" in dialog.status.text()
    dialog.address.setText(str(giver.address))
    with qtbot.waitSignal(dialog.offerChosen, timeout=10000) as chosen:
        qtbot.mouseClick(dialog.look_button, Qt.LeftButton)
    assert [u.state for u in chosen.args[0].wanted] == ["new", "new"]


def test_the_look_says_when_nothing_is_found_or_new(qtbot, trusting, giver):
    from aulalocal.bundle.importer import import_bundle

    dialog = PeerDialog(trusting, None, watcher=PeerWatcher(trusting, look=typed_only))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.look_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.watcher.looking and "No other AulaLocal computer" in dialog.status.text(), timeout=10000)
    for bundle in giver.bundles:
        import_bundle(trusting.folder, bundle)
    dialog.address.setText(str(giver.address))
    qtbot.mouseClick(dialog.look_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "nothing new for this laptop" in dialog.status.text(), timeout=10000)
    dialog.address.setText("127.0.0.1:1")
    qtbot.mouseClick(dialog.look_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "127.0.0.1:1:" in dialog.status.text(), timeout=10000)
    wait_for_workers(QApplication.instance())


def test_watching_looks_again_and_again_until_stopped(qtbot, trusting, giver):
    calls = []

    def counted(folder, typed, seconds, exclude, cancel):
        calls.append(tuple(exclude))
        return look(folder, [giver.address], seconds=0, limits=FAST, cancel=cancel)

    watcher = PeerWatcher(trusting, look=counted, interval_ms=100)
    found = []
    watcher.looked.connect(found.append)
    watcher.watch(exclude=["AulaLocal – this laptop"])
    qtbot.waitUntil(lambda: len(found) >= 2, timeout=10000)
    watcher.stop()
    wait_for_workers(QApplication.instance())
    settled = len(calls)
    qtbot.wait(300)
    assert len(calls) == settled and calls[0] == ("AulaLocal – this laptop",)
    assert len(found[0].wanted[0].wanted) == 2


def test_the_window_is_quiet_on_the_network_unless_asked(qtbot, window):
    """No look runs by itself: not at start, not while sharing unannounced (the tests' sharing)."""
    assert window._peers is None
    window._watch_peers()
    assert window._peers is None


def test_the_update_dialog_points_to_another_computer_when_no_drive_is_in(qtbot, window):
    """Update… with no drive: "Another computer…" opens the look; with a drive's or a computer's list it is not offered."""
    from PySide6.QtCore import QTimer

    def press_it():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, UpdateDialog) and dialog.peer_button.isVisible()
        assert "Another computer…" in dialog.choose_label.text()
        dialog.peer_button.click()

    QTimer.singleShot(100, press_it)
    dialog = window.open_update_dialog()
    assert dialog.result() == UpdateDialog.Accepted
    qtbot.waitUntil(lambda: any(isinstance(w, PeerDialog) and w.isVisible() for w in QApplication.topLevelWidgets()), timeout=5000)
    looking = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PeerDialog))
    assert window._peers is not None and not window._peers.looking  # nothing is asked of the network before Look
    looking.close()

    with_drive = UpdateDialog(window.state, None, bundles=[_drive_bundle()])
    qtbot.addWidget(with_drive)
    with_drive.show()
    assert not with_drive.peer_button.isVisible()


def _drive_bundle():
    from pathlib import Path

    from aulalocal.bundle.scan import DriveBundle
    from aulalocal.bundle.verdict import Verdict

    return DriveBundle(Path("/media/usb/x.aulabundle"), Verdict.OLDER, "minedu-pe", 1, message="Older.")


def test_a_computer_found_by_name_is_shown_by_its_laptop_name(trusting, giver):
    offer = look(trusting.folder, [], seconds=1, limits=FAST, browse=lambda seconds, exclude: [
        _found("AulaLocal – PC-Dirección", giver.address)])
    assert offer.offers[0].label == f"PC-Dirección ({giver.address})"
    assert offer_of(trusting, giver.address).label == str(giver.address)  # a typed address: the address


def _found(name, address):
    from aulalocal.peers.discover import FoundPeer

    return FoundPeer(name, address)


@pytest.mark.parametrize("lang", ["es", "qu"])
def test_the_dialogs_hold_their_words_and_buttons_in_spanish_and_quechua(qtbot, state, lang, real_translations):
    """Quechua's longer words: nothing cut off at the bottom, no button squeezed (as the screenshots showed)."""
    from aulalocal import i18n

    before = i18n.current_language()
    state.set_language(lang, save=False)
    try:
        update = UpdateDialog(state, None)
        look_dialog = PeerDialog(state, None, watcher=PeerWatcher(state, look=typed_only))
        for dialog in (update, look_dialog):
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
        qtbot.wait(50)
        look_dialog._looked(_nothing_found())
        qtbot.wait(50)
        assert update.peer_button.text() == {"es": "Otra computadora…", "qu": "Huk antañiqiq…"}[lang]
        for label in (update.choose_label, look_dialog.intro, look_dialog.status):
            assert label.height() >= label.heightForWidth(label.width()), label.text()
        for button in (update.open_button, update.peer_button, update.export_button, update.close_button):
            assert button.isVisible() and button.width() >= button.sizeHint().width(), button.text()
    finally:
        state.set_language(before, save=False)


def _nothing_found():
    from aulalocal.peers.take import Looked

    return Looked()
