"""Files and handouts (issue 14): Qt's file dialog in Latin American Spanish and Quechua, starting
where a teacher looks; whole, short, safe names; one-page handouts; where the PDF went."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPdfWriter
from PySide6.QtWidgets import QAbstractButton, QComboBox, QFileDialog, QLabel, QMessageBox, QTreeView

from aulalocal import paths
from aulalocal.catalog import userdata
from aulalocal.catalog.queries import Record, get_record
from aulalocal.filenames import suggested_name
from aulalocal.ui import dialogs, filedialogs, handout
from aulalocal.ui.app import _install_qt_translator
from tests.conftest import title

# What Qt's own dialog says in English, and Spain's words where Peru says otherwise.
ENGLISH = re.compile(
    r"\b(look in|file name|files of type|save|open|cancel|choose|name|size|type|kind|date modified|back|forward|"
    r"parent directory|create new folder|new folder|list view|detail view|directory|folder|files?|all files)\b",
    re.IGNORECASE,
)
SPAIN = re.compile(r"\b(ficheros?|directorios?|mi equipo|ordenador)\b", re.IGNORECASE)


def dialog_texts(dialog: QFileDialog) -> list[str]:
    """Every word the dialog shows: labels, buttons and their tips, the file list's columns, the kinds."""
    texts = [w.text() for w in dialog.findChildren(QLabel)]
    for button in dialog.findChildren(QAbstractButton):
        texts += [button.text(), button.toolTip()]
    for combo in dialog.findChildren(QComboBox):
        if combo.objectName() == "fileTypeCombo":
            texts += [combo.itemText(i) for i in range(combo.count())]
    for tree in dialog.findChildren(QTreeView):
        model = tree.model()
        texts += [model.headerData(i, Qt.Horizontal) for i in range(model.columnCount())]
    return [t.replace("&", "") for t in texts if t]


@pytest.fixture
def qt_lang(qapp):
    def install(lang):
        _install_qt_translator(qapp, lang)

    yield install
    _install_qt_translator(qapp, "en")


@pytest.mark.parametrize("lang", ["es", "qu"])
@pytest.mark.parametrize("mode", ["open", "save", "folder"])
def test_the_file_dialog_speaks_the_teachers_language(qtbot, qt_lang, lang, mode, tmp_path):
    qt_lang(lang)
    (tmp_path / "hoja.pdf").write_bytes(b"%PDF-1.4")
    dialog = QFileDialog(None, "", str(tmp_path), "PDF (*.pdf)")
    dialog.setOption(QFileDialog.DontUseNativeDialog, True)
    if mode == "save":
        dialog.setAcceptMode(QFileDialog.AcceptSave)
    elif mode == "folder":
        dialog.setFileMode(QFileDialog.Directory)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    texts = dialog_texts(dialog)
    assert len(texts) >= 10
    english = [t for t in texts if ENGLISH.search(t) and t != "PDF (*.pdf)"]
    assert not english, english
    assert not [t for t in texts if SPAIN.search(t)]
    labels = {w.objectName(): w.text().replace("&", "") for w in dialog.findChildren(QLabel)}
    name = {"es": "Carpeta:", "qu": "Churana:"} if mode == "folder" else {"es": "Nombre del archivo:", "qu": "Willañiqipa sutin:"}
    expected = {"es": ("Buscar en:", name["es"], "Tipo de archivo:"), "qu": ("Kay churanapi:", name["qu"], "Willañiqi laya:")}[lang]
    assert (labels["lookInLabel"], labels["fileNameLabel"], labels["fileTypeLabel"]) == expected


def test_the_dialog_translations_are_built_and_found_where_the_app_looks():
    """``make mo`` builds them (pyside6-lrelease); the package carries translations/ (packaging/aulalocal.spec)."""
    from PySide6.QtCore import QTranslator

    for lang, words in (("es", "&Buscar en:"), ("qu", "&Kay churanapi:")):
        translator = QTranslator()
        assert translator.load(lang, str(paths.translations_dir() / "qt")), f"run `make mo`: translations/qt/{lang}.qm"
        assert translator.translate("QFileDialog", "&Look in:") == words
    spec = (Path(__file__).resolve().parents[2] / "packaging" / "aulalocal.spec").read_text(encoding="utf-8")
    assert 'os.path.join("translations", "qt")' in spec


def test_dialogs_start_on_the_drive_or_in_documents_never_the_program_folder(qapp, asked, tmp_path, monkeypatch):
    seen, _answer = asked
    program = tmp_path / "program"
    program.mkdir()
    monkeypatch.chdir(program)
    documents = tmp_path / "Documentos"
    documents.mkdir()
    monkeypatch.setattr(filedialogs, "documents", lambda: documents)
    drive = tmp_path / "KINGSTON"
    drive.mkdir()
    filedialogs.choose_bundle_file(None, [drive])
    filedialogs.choose_drive(None, [drive])
    filedialogs.ask_pdf_path(None, "hoja.pdf", [drive])
    filedialogs.choose_bundle_file(None, [])  # no drive plugged in
    assert [s["folder"] for s in seen] == [drive, drive, documents, documents]
    assert program not in [s["folder"] for s in seen]
    # The drive is on the side of the dialog too, with Documents.
    sidebar = [Path(u.toLocalFile()) for u in seen[2]["dialog"].sidebarUrls()]
    assert sidebar[:2] == [drive, documents]
    assert Path(seen[2]["selected"][0]).name == "hoja.pdf"


@pytest.mark.parametrize(
    "title, ext, lang, expected",
    [
        ("Código Penal, artículo 183-B: exhibiciones y publicaciones obscenas", "mp3", "qu", "codigo-penal-articulo-183-b-exhibiciones-qu.mp3"),
        ("Huascarán", "pdf", "es", "huascaran-es.pdf"),
        ("Yachay p'unchaykuna: ñawinchay", "pdf", None, "yachay-punchaykuna-nawinchay.pdf"),
        ("../../etc/passwd", "pdf", None, "etc-passwd.pdf"),
        ("CON", "pdf", None, "con-aulalocal.pdf"),
        ("¿?", "pdf", "es", "aulalocal-es.pdf"),
        ("Supercalifragilisticoespialidosoextraordinariamentelargo", "pdf", None,
         "supercalifragilisticoespialidosoextraord.pdf"),
    ],
)
def test_suggested_names_are_whole_short_and_safe(title, ext, lang, expected):
    name = suggested_name(title, ext, lang)
    assert name == expected
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*\.[a-z0-9]+", name) and len(name) <= 52


def _record(body):
    return Record("test-catalog", "program", "hoja", {"title": title("Hoja para las familias"), "summary": {"es": "Resumen breve."}, "body": {"es": body}})


def _pdf_writer(path):
    writer = QPdfWriter(str(path))
    writer.setResolution(300)
    handout._a4(writer)
    return writer


def test_a_record_that_spills_a_few_lines_fits_one_a4_page(state, seeded, tmp_path):
    writer = _pdf_writer(tmp_path / "probe.pdf")
    paragraph = "Las familias acompañan la lectura en casa con diez minutos diarios. " * 3
    # The shortest body that takes two pages at the normal size: its second page has a few lines.
    for count in range(4, 80):
        doc = handout.record_handout(_record("\n\n".join([paragraph] * count)), "es")
        if handout.page_count(doc.clone(), writer) == 2:
            break
    else:
        pytest.fail("no body took two pages")
    del writer
    writer = _pdf_writer(tmp_path / "hoja.pdf")
    assert handout.paint_document(doc, writer, handout.footer_text()) == 1
    del writer
    assert len(re.findall(rb"/Type\s*/Page(?!s)", (tmp_path / "hoja.pdf").read_bytes())) == 1


def test_after_saving_it_says_where_the_pdf_went_with_a_button_to_open_its_folder(state, seeded, asked, tmp_path, monkeypatch):
    seen, answer = asked
    answer.append(tmp_path / "hoja-huascaran-es.pdf")
    shown, opened = [], []

    def exec_(box):
        shown.append((box.text() + "\n" + box.informativeText(), [b.text() for b in box.buttons()]))
        next(b for b in box.buttons() if b.text() == "Open its folder").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(dialogs, "open_folder", lambda folder: opened.append(Path(folder)) or True)
    record = get_record(seeded.catalog, "program", seeded.catalog.execute("SELECT id FROM records WHERE kind='program' LIMIT 1").fetchone()[0])
    path = handout.save_record_pdf(None, record, "es")
    assert path == tmp_path / "hoja-huascaran-es.pdf" and path.read_bytes().startswith(b"%PDF")
    text, buttons = shown[0]
    assert path.name in text and str(tmp_path) in text
    assert "Open its folder" in buttons
    assert opened == [tmp_path]
    # The name it suggested: the record's title, whole words, in the language.
    assert re.fullmatch(r"[a-z0-9-]+-es\.pdf", Path(seen[0]["selected"][0]).name), seen[0]["selected"]


def test_print_my_favorites_on_a_laptop_without_a_printer_asks_where_to_save(state, seeded, asked, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinterInfo

    seen, answer = asked
    answer.append(tmp_path / "favoritos.pdf")
    monkeypatch.setattr(QPrinterInfo, "availablePrinterNames", staticmethod(lambda: []))
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: pytest.fail("Qt's print dialog, with no printer to print on"))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: 0)
    program = seeded.catalog.execute("SELECT catalog, id FROM records WHERE kind='program' LIMIT 1").fetchone()
    userdata.set_favorite(seeded.userdata, program[0], "program", program[1], {"es": "X"}, True)
    assert handout.print_favorites(None, state)
    assert len(seen) == 1 and Path(seen[0]["selected"][0]).name.startswith("my-favorites")
    assert (tmp_path / "favoritos.pdf").read_bytes().startswith(b"%PDF")
    assert not (Path(os.getcwd()) / "print.pdf").exists()
