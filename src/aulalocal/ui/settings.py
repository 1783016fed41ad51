"""Settings: language, text size and contrast, applied at once and saved in userdata.db."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from aulalocal import i18n
from aulalocal.appearance import TEXT_SIZES
from aulalocal.i18n import gettext as _
from aulalocal.ui.textfit import fit_text


class SettingsDialog(QDialog):
    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("settings")
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)
        self.language = QComboBox()
        for code in i18n.LANGUAGES:  # the three languages, each named in itself
            self.language.addItem(i18n.LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(self.language.findData(state.lang))
        self.language.currentIndexChanged.connect(self._language)
        self.text_size = QComboBox()
        for key in TEXT_SIZES:
            self.text_size.addItem("", key)
        self.text_size.setCurrentIndex(self.text_size.findData(state.text_size))
        self.text_size.currentIndexChanged.connect(self._text_size)
        self.contrast = QCheckBox()
        self.contrast.setChecked(state.high_contrast)
        self.contrast.toggled.connect(state.set_high_contrast)
        self.language_label = QLabel()
        self.language_label.setBuddy(self.language)
        self.size_label = QLabel()
        self.size_label.setBuddy(self.text_size)
        form.addRow(self.language_label, self.language)
        form.addRow(self.size_label, self.text_size)
        form.addRow("", self.contrast)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox()
        self.close_button = self.buttons.addButton("", QDialogButtonBox.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        layout.addWidget(self.buttons)
        state.languageChanged.connect(self.retranslate)
        self.retranslate()

    def _language(self, index: int) -> None:
        self.state.set_language(self.language.itemData(index))

    def _text_size(self, index: int) -> None:
        self.state.set_text_size(self.text_size.itemData(index))
        self.adjustSize()

    def retranslate(self, *_args) -> None:
        self.setWindowTitle(_("Settings"))
        self.intro.setText(_("Changes apply at once and are kept on this laptop."))
        self.language_label.setText(_("&Language:"))
        self.size_label.setText(_("&Text size:"))
        for n, key in enumerate(TEXT_SIZES):
            self.text_size.setItemText(n, _(TEXT_SIZES[key][0]))
        self.contrast.setText(_("&High contrast (white on black)"))
        self.language.setAccessibleName(_("Language"))
        self.text_size.setAccessibleName(_("Text size"))
        self.contrast.setAccessibleName(_("High contrast"))
        self.close_button.setText(_("Close"))
        fit_text(self, [self.intro])

    def showEvent(self, event) -> None:
        fit_text(self, [self.intro])
        super().showEvent(event)
