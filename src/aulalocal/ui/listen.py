"""Listen: the record shown, read aloud sentence by sentence, and saved for a parent's phone.

``ListenBar`` gives the detail view a Listen button (Ctrl+L: listen, pause,
go on; its arrow: "Save for a parent's phone…") and, below the buttons, a row
shown while it is in use: stop, slower, faster and which sentence is read;
the saving's progress with Cancel; a one-line message (no sound output, a
missing voice, where the file went). The sentence being read is highlighted in
the record's plain text with an extra selection (nothing is inserted into the
document) and in the title label by selecting it.

Synthesis runs on a worker (``worker.Op``) and can be stopped at once; the
speech modules and miniaudio are imported on first use, never at start-up.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QKeySequence, QPalette, QShortcut, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aulalocal.catalog import userdata
from aulalocal.i18n import gettext as _
from aulalocal.ui import keys, worker
from aulalocal.ui.flowlayout import FlowLayout

POLL_MS = 100  # how often the highlight follows the sound
RATE_STEP = 20  # words a minute per press of Slower or Faster
SHORTCUT = "Ctrl+L"


def open_output(reading):
    """The laptop's sound output playing ``reading`` (tests put a silent one here)."""
    from aulalocal.speech.playback import SpeakerOutput

    return SpeakerOutput(reading)


def _synthesize_into(reading, sentences, rate: int, first: int, *, progress=None, cancel=None) -> None:
    """On a worker: each sentence's audio into ``reading`` as soon as it is made."""
    from aulalocal.speech.audio import synthesize

    for index, audio in synthesize(sentences, rate, first=first, progress=progress, cancel=cancel):
        reading.add(index, audio)


class ListenBar(QWidget):
    """Listen controls for the record a detail view shows (``set_record``)."""

    def __init__(self, state, text: QTextEdit, title: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._text = text
        self._title = title
        self._record = None
        self._lang = ""
        self._sentences: list = []
        self._spans: list[tuple[int, int] | None] = []  # each sentence's place in the document (or title)
        self._reading = None
        self._output = None
        self._synth = None
        self._save = None
        self._shown = -1  # the sentence highlighted
        self._rate: int | None = None

        self.button = QToolButton(parent)
        self.button.setObjectName("listenButton")
        self.button.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.button.setPopupMode(QToolButton.MenuButtonPopup)
        self.button.clicked.connect(self.toggle)
        self.menu = QMenu(self.button)
        self.save_action = self.menu.addAction("")
        self.save_action.triggered.connect(self.save_for_phone)
        self.button.setMenu(self.menu)
        self.shortcut = QShortcut(QKeySequence(SHORTCUT), self.button)
        self.shortcut.setContext(Qt.WindowShortcut)
        self.shortcut.activated.connect(self.toggle)

        self.stop_button = QPushButton()
        self.stop_button.clicked.connect(self.stop)
        self.slower_button = QPushButton()
        self.slower_button.clicked.connect(lambda: self.change_rate(-RATE_STEP))
        self.faster_button = QPushButton()
        self.faster_button.clicked.connect(lambda: self.change_rate(RATE_STEP))
        self.speed = QLabel()
        self.speed.setTextFormat(Qt.PlainText)
        self.status = QLabel()
        self.status.setObjectName("meta")
        self.status.setTextFormat(Qt.PlainText)
        # "−  150 words a minute  +": the speed between its two buttons, kept on one line.
        speed_group = QWidget()
        speed_row = QHBoxLayout(speed_group)
        speed_row.setContentsMargins(0, 0, 0, 0)
        speed_row.setSpacing(6)
        for widget in (self.slower_button, self.speed, self.faster_button):
            speed_row.addWidget(widget)
        self.controls = QWidget()
        row = FlowLayout(self.controls, spacing=10)
        for widget in (self.stop_button, speed_group, self.status):
            row.addWidget(widget)

        self.save_label = QLabel()
        self.save_label.setTextFormat(Qt.PlainText)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(self.fontMetrics().height())
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel_save)
        self.saving = QWidget()
        save_row = QHBoxLayout(self.saving)
        save_row.setContentsMargins(0, 0, 0, 0)
        save_row.setSpacing(6)
        save_row.addWidget(self.save_label)
        save_row.addWidget(self.progress, 1)
        save_row.addWidget(self.cancel_button)

        self.message = QLabel()
        self.message.setTextFormat(Qt.PlainText)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.controls)
        layout.addWidget(self.saving)
        layout.addWidget(self.message)

        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._follow)
        state.languageChanged.connect(self.retranslate)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)  # the sound thread must not outlive the window
        self.retranslate()
        self._update()

    # -- public -------------------------------------------------------------
    @property
    def playing_state(self) -> str:
        """"stopped", "playing" or "paused"."""
        if self._reading is None:
            return "stopped"
        return "paused" if self._reading.paused else "playing"

    @property
    def sentence(self) -> int:
        """The sentence being read (its index in ``sentences``), or -1."""
        return self._shown

    @property
    def sentences(self) -> list:
        return self._sentences

    @property
    def rate(self) -> int:
        """The speed in words a minute (read from userdata.db once, then kept here)."""
        if self._rate is None:
            from aulalocal.speech.espeak import saved_rate

            self._rate = saved_rate(self.state.folder.userdata)
        return self._rate

    def set_record(self, record, lang: str) -> None:
        """The record now shown (None: none, or removed); a new one stops the reading."""
        same = (
            record is not None and self._record is not None and lang == self._lang
            and (record.catalog, record.kind, record.id, record.data)
            == (self._record.catalog, self._record.kind, self._record.id, self._record.data)
        )
        if same and self._reading is not None:
            # Shown again (text size, contrast): the same sentences, in a new document.
            self._spans = self._locate(self._sentences)
            self._shown = -1
            self._follow()
            return
        self.stop()
        self._record, self._lang = record, lang
        self.message.clear()
        self._update()

    def toggle(self) -> None:
        """Listen; pause; go on."""
        if self._reading is None:
            self.listen()
        elif self._reading.paused:
            self._reading.resume()
        else:
            self._reading.pause()
        self._update()

    def listen(self) -> None:
        from aulalocal.errors import AulaLocalError
        from aulalocal.speech.playback import Reading
        from aulalocal.speech.reading import record_reading

        if self._record is None or self._reading is not None:
            return
        self.message.clear()
        sentences = record_reading(self._record, self._lang)
        if not sentences:
            return
        try:
            from aulalocal.speech.espeak import SAMPLE_RATE

            reading = Reading(len(sentences), SAMPLE_RATE)
            self._output = open_output(reading)
        except AulaLocalError as exc:
            self._say(exc.message())
            return
        self._reading, self._sentences = reading, sentences
        self._spans = self._locate(sentences)
        self._start_synthesis(0)
        self._timer.start()
        self._update()

    def stop(self) -> None:
        if self._synth is not None:
            self._synth.cancel()
            self._synth = None
        if self._reading is not None:
            self._reading.stop()
        if self._output is not None:
            self._output.close()
            self._output = None
        self._reading = None
        self._timer.stop()
        self._highlight(-1)
        self._update()

    def change_rate(self, step: int) -> None:
        """Slower or faster, remembered; a reading goes on at the new speed from its sentence."""
        from aulalocal.speech.espeak import RATE_SETTING, clamp_rate

        self._rate = clamp_rate(self.rate + step)
        userdata.set_setting(self.state.folder.userdata, RATE_SETTING, str(self._rate))
        if self._reading is not None and not self._reading.finished:
            if self._synth is not None:
                self._synth.cancel()
            current = self._reading.position
            self._reading.restart_from(current)
            self._start_synthesis(current)
        self._update()

    def save_for_phone(self) -> None:
        """Ask where, then write the reading as MP3 (WAV without an encoder) in the background."""
        from aulalocal.recordtext import title
        from aulalocal.filenames import suggested_name
        from aulalocal.speech.audio import mp3_available
        from aulalocal.speech.reading import record_reading
        from aulalocal.ui.filedialogs import ask_audio_path

        if self._record is None or self._save is not None:
            return
        sentences = record_reading(self._record, self._lang)
        if not sentences:
            return
        fmt = "mp3" if mp3_available() else "wav"
        name = suggested_name(title(self._record, self._lang)[0] or self._record.id, fmt, self._lang)
        path = ask_audio_path(self, name, fmt)
        if path:
            self.start_save(path, sentences)

    def start_save(self, path: str, sentences) -> None:
        from aulalocal.speech.audio import save_reading

        self.message.clear()
        self.progress.setRange(0, max(1, len(sentences)))
        self.progress.setValue(0)
        self.cancel_button.setEnabled(True)
        self._save = (
            worker.Op(save_reading, path, sentences, self.rate, owner=self, state=self.state)
            .progress(self._save_progress)
            .success(self._saved)
            .failure(self._save_failed)
            .run()
        )
        self._update()

    def cancel_save(self) -> None:
        if self._save is not None:
            self._save.cancel()
            self.cancel_button.setEnabled(False)

    # -- reading ------------------------------------------------------------
    def _start_synthesis(self, first: int) -> None:
        op = worker.Op(_synthesize_into, self._reading, self._sentences, self.rate, first, owner=self, state=self.state)
        op.failure(lambda exc, op=op: self._synthesis_failed(op, exc))
        op.success(lambda _result, op=op: self._synthesis_done(op))
        self._synth = op.run()

    def _synthesis_done(self, op) -> None:
        if op is self._synth:
            self._synth = None

    def _synthesis_failed(self, op, exc: BaseException) -> None:
        from aulalocal.errors import Cancelled

        if op is not self._synth or isinstance(exc, Cancelled):
            return  # stopped, or replaced by a new speed
        self._synth = None
        self.stop()
        self._say(worker.error_text(exc))

    def _follow(self) -> None:
        """Every POLL_MS while reading: the highlight follows the sound; the end stops."""
        reading = self._reading
        if reading is None:
            return
        if reading.finished:
            self.stop()
            return
        self._highlight(reading.position)
        self._update_status()

    def _locate(self, sentences) -> list[tuple[int, int] | None]:
        """Where each sentence stands: in the title (its span) or in the document (found in order)."""
        doc = self._text.document()
        title_text = self._title.text()
        spans: list[tuple[int, int] | None] = []
        position = 0
        for sentence in sentences:
            if sentence.field == "title":
                found = title_text.find(sentence.text)
                spans.append((found, found + len(sentence.text)) if found >= 0 else None)
                continue
            cursor = doc.find(sentence.text, position, QTextDocument.FindCaseSensitively)
            if cursor.isNull():
                spans.append(None)
                continue
            spans.append((cursor.selectionStart(), cursor.selectionEnd()))
            position = cursor.selectionEnd()
        return spans

    def _highlight(self, index: int) -> None:
        if index == self._shown:
            return
        self._shown = index
        self._title.setSelection(0, 0)
        self._text.setExtraSelections([])
        if not 0 <= index < len(self._spans) or self._spans[index] is None:
            return
        start, end = self._spans[index]
        if self._sentences[index].field == "title":
            self._title.setSelection(start, end - start)
            return
        selection = QTextEdit.ExtraSelection()
        selection.cursor = QTextCursor(self._text.document())
        selection.cursor.setPosition(start)
        selection.cursor.setPosition(end, QTextCursor.KeepAnchor)
        palette = self._text.palette()
        selection.format = QTextCharFormat()
        selection.format.setBackground(palette.color(QPalette.Highlight))
        selection.format.setForeground(palette.color(QPalette.HighlightedText))
        self._text.setExtraSelections([selection])
        # Scroll so the sentence is in view, without touching the teacher's selection.
        rect = self._text.cursorRect(selection.cursor)
        bar = self._text.verticalScrollBar()
        viewport = self._text.viewport().height()
        if rect.top() < 0 or rect.bottom() > viewport:
            bar.setValue(bar.value() + rect.top() - viewport // 4)

    # -- saving -------------------------------------------------------------
    def _save_progress(self, phase: str, done: int, total: int) -> None:
        if phase == "speak":
            self.progress.setValue(done)
        else:
            self.progress.setValue(self.progress.maximum())

    def _saved(self, path) -> None:
        self._save = None
        self._say(_("Saved as {path}. Pass it to a parent's phone by Bluetooth or with a cable.").format(path=str(path)))

    def _save_failed(self, exc: BaseException) -> None:
        self._save = None
        self._say(worker.error_text(exc))

    # -- looks --------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.message.setText(text)
        self._update()

    def _update(self) -> None:
        state = self.playing_state
        self.button.setEnabled(self._record is not None)
        self.save_action.setEnabled(self._record is not None and self._save is None)
        if state == "playing":
            self.button.setText(_("❚❚ Pause"))
            self.button.setToolTip(_("Pause the reading ({key})").format(key=keys.text(SHORTCUT)))
        elif state == "paused":
            self.button.setText(_("▶ Go on"))
            self.button.setToolTip(_("Go on reading ({key})").format(key=keys.text(SHORTCUT)))
        else:
            self.button.setText(_("▶ Listen"))
            self.button.setToolTip(
                _("Read this record aloud ({key}). The arrow: save it for a parent's phone.").format(key=keys.text(SHORTCUT))
            )
        self.button.setAccessibleName(self.button.toolTip())
        self.controls.setVisible(state != "stopped")
        self.saving.setVisible(self._save is not None)
        self.message.setVisible(bool(self.message.text()))
        self.setVisible(self.controls.isVisibleTo(self) or self.saving.isVisibleTo(self) or self.message.isVisibleTo(self))
        self._update_status()

    def _update_status(self) -> None:
        from aulalocal.speech.espeak import MAX_RATE, MIN_RATE

        rate = self.rate
        self.slower_button.setEnabled(rate > MIN_RATE)
        self.faster_button.setEnabled(rate < MAX_RATE)
        if self._reading is None:
            return
        self.speed.setText(_("{rate} words a minute").format(rate=rate))
        if self._reading.waiting() and not self._reading.paused:
            self.status.setText(_("Preparing…"))
        else:
            self.status.setText(
                _("Sentence {number} of {total}").format(
                    number=min(self._reading.position + 1, len(self._sentences)), total=len(self._sentences)
                )
            )

    def retranslate(self, *_args) -> None:
        self.save_action.setText(_("Save for a parent's phone…"))
        self.stop_button.setText(_("■ Stop"))
        self.stop_button.setAccessibleName(_("Stop reading"))
        self.slower_button.setText("−")
        self.slower_button.setToolTip(_("Read more slowly"))
        self.slower_button.setAccessibleName(_("Read more slowly"))
        self.faster_button.setText("+")
        self.faster_button.setToolTip(_("Read faster"))
        self.faster_button.setAccessibleName(_("Read faster"))
        self.save_label.setText(_("Saving for a parent's phone…"))
        self.cancel_button.setText(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel saving; nothing will be saved"))
        self._update()
