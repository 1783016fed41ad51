"""A catalog that cannot be used at start: the window offers to rebuild it, never starts as a new laptop."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from aulalocal.bundle import trust
from aulalocal.bundle.importer import import_bundle
from aulalocal.catalog.queries import status
from aulalocal.startup import open_data_folder
from aulalocal.errors import DamagedCatalog
from tests.bundle.conftest import make_bundle, new_publisher


@pytest.fixture
def emptied(tmp_path):
    """A data folder that had an update applied, whose catalog.db is now 0 bytes."""
    publisher = new_publisher("Ministerio de prueba")
    data = tmp_path / "data"
    folder = open_data_folder(data)
    trust.add_key(folder.keys_dir, publisher.public)
    import_bundle(folder, make_bundle(tmp_path, publisher))
    folder.close()
    for name in ("catalog.db-wal", "catalog.db-shm"):
        (data / name).unlink(missing_ok=True)
    (data / "catalog.db").write_bytes(b"")
    return data


def click_later(button_text: str, seen: list, tries: int = 250) -> None:
    """Click ``button_text`` in the next message box, looking for 5 s at most (never into another test)."""

    def answer(left=tries):
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if left:
                QTimer.singleShot(20, lambda: answer(left - 1))
            return
        seen.append(box.text())
        matching = [b for b in box.buttons() if b.text() == button_text]
        (matching[0] if matching else box.escapeButton()).click()

    QTimer.singleShot(20, answer)


def test_the_window_rebuilds_a_damaged_catalog_when_the_teacher_agrees(qtbot, emptied):
    from aulalocal.ui.repairdialog import offer_repair

    seen: list = []
    click_later("Rebuild it now", seen)
    assert offer_repair(emptied) is True
    assert seen == ["The catalog on this laptop is damaged or missing."]
    folder = open_data_folder(emptied)
    assert "minedu-pe" in {c["catalog"] for c in status(folder.catalog)["catalogs"]}
    folder.close()


def test_the_window_never_starts_over_a_damaged_catalog(qtbot, emptied, monkeypatch):
    from aulalocal.ui import app, repairdialog

    asked = []
    offer_repair = repairdialog.offer_repair
    monkeypatch.setattr(repairdialog, "offer_repair", lambda data: asked.append(data) or False)
    args = type("Args", (), {"data_dir": str(emptied), "screenshot": None, "lang": None, "size": None, "view": None})()
    assert app.run_app(args) == 1
    assert asked == [emptied]
    assert (emptied / "catalog.db").stat().st_size == 0
    with pytest.raises(DamagedCatalog):
        open_data_folder(emptied)
    seen: list = []
    click_later("Close", seen)
    assert offer_repair(emptied) is False
    assert seen == ["The catalog on this laptop is damaged or missing."]
    assert (emptied / "catalog.db").stat().st_size == 0
    shutil.rmtree(emptied)
