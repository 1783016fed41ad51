"""The drive banner in a teacher's words (issue 14): no placeholders, no catalog ids, and after an
update it says what happened and goes, never offering to apply again what was just applied."""

from __future__ import annotations

import re
import shutil

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from aulalocal.bundle import trust
from aulalocal.bundle.apply import ApplyResult
from aulalocal.bundle.scan import DriveBundle, scan_drive
from tests.bundle.conftest import make_bundle, new_publisher
from tests.ui.conftest import wait_for_workers

PUBLISHER = "UGEL Cusco (prueba)"


@pytest.fixture(scope="module")
def publisher():
    return new_publisher(PUBLISHER)


def new(sequence=2, publisher=PUBLISHER, catalog="ugel-cusco-test"):
    return DriveBundle(f"/media/usb/{catalog}-{sequence}.aulabundle", "new", catalog, sequence, None, publisher, "ABCD", "New update.")


def untrusted():
    return DriveBundle("/media/usb/r1.aulabundle", "untrusted", key_id="1234ABCD1234ABCD", message="Signed by a key this laptop does not trust.")


def looks_clean(text: str) -> None:
    assert text
    assert "?" not in text.replace("¿", "")
    assert "ugel-cusco-test" not in text  # a catalog id is no name
    assert not re.search(r"\)\s*\(", text)  # "(prueba) (número 2)"
    assert "{" not in text


@pytest.mark.parametrize("lang", ["en", "es", "qu"])
def test_the_banner_names_the_publisher_and_never_shows_placeholders(window, real_translations, lang):
    window.state.set_language(lang, save=False)
    banner = window.banner
    banner.show_drive("/media/usb", [new()])
    text = banner.label.text()
    looks_clean(text)
    assert PUBLISHER in text and "2" in text and banner.update_button.isVisible()
    # Not verified yet (a key this laptop does not know): no name read off the drive, it says so.
    banner.show_drive("/media/usb", [untrusted()])
    unchecked = banner.label.text()
    looks_clean(unchecked)
    assert banner.update_button.isVisible()
    assert unchecked != text
    banner.show_drive("/media/usb", [new(), untrusted(), new(3)])
    looks_clean(banner.label.text())
    assert PUBLISHER in banner.label.text()


def test_the_unchecked_bundle_says_it_has_not_been_checked(window):
    window.banner.show_drive("/media/usb", [untrusted()])
    assert "not been checked yet" in window.banner.label.text()
    assert "publisher this laptop does not know" in window.banner.label.text()


def test_after_an_update_the_banner_says_what_happened_then_goes(window, qtbot):
    banner = window.banner
    banner.show_drive("/media/usb", [new()])
    banner.done_timer.setInterval(300)
    banner.updated([ApplyResult("ugel-cusco-test", 2, publisher=PUBLISHER)])  # as the signed manifest names it
    assert banner.isVisible() and not banner.update_button.isVisible()
    assert "updated" in banner.label.text() and PUBLISHER in banner.label.text()
    # The drive looked at again: what was just applied is "applied" now; the banner keeps its words.
    applied = DriveBundle("/media/usb/ugel-cusco-test-2.aulabundle", "applied", "ugel-cusco-test", 2, None, PUBLISHER, "ABCD", "Already applied.")
    banner.show_drive("/media/usb", [applied])
    assert "updated" in banner.label.text() and not banner.update_button.isVisible()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=3000)
    assert banner.bundles == []


def test_updating_from_the_banner_never_offers_the_same_update_again(window, qtbot, state, publisher, tmp_path):
    trust.add_key(state.folder.keys_dir, publisher.public)
    drive = tmp_path / "usb"
    (drive / "AulaLocal").mkdir(parents=True)
    made = make_bundle(tmp_path, publisher, catalog="ugel-cusco-test", sequence=1)
    for path in (made, made.with_name(made.name + ".minisig")):
        shutil.move(path, drive / "AulaLocal" / path.name)
    bundles = scan_drive(state.folder, drive)
    assert [b.state for b in bundles] == ["new"]
    window.banner.show_drive(str(drive), bundles)
    looks_clean(window.banner.label.text())

    def close_when_done():
        dialog = QApplication.activeModalWidget()
        if dialog is not None and getattr(dialog, "finished_ok", None) is not None:
            dialog.accept()
        else:
            QTimer.singleShot(50, close_when_done)

    QTimer.singleShot(50, close_when_done)
    window.banner.update_button.click()
    wait_for_workers(QApplication.instance())
    assert window.banner.isVisible()
    assert not window.banner.update_button.isVisible()
    assert "The catalog was updated" in window.banner.label.text()
    assert bundles[0].publisher in window.banner.label.text()  # the signed manifest's name
