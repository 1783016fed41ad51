"""Listen in the detail view: the button's states, the highlight, speed, no sound, saving for a phone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aulalocal.catalog import userdata
from aulalocal.errors import SpeechError
from aulalocal.speech.espeak import DEFAULT_RATE, RATE_SETTING
from aulalocal.speech.playback import SpeakerOutput, silent_backends
from aulalocal.ui import listen
from tests.conftest import title
from tests.ui.conftest import idle
from tests.ui.test_detail_userdata import add_records, open_key

RECORDS = {
    ("program", "radio"): {
        "title": title("Radio escolar", "Yachay wasi radio"),
        "summary": {"es": "Primera frase del resumen. Segunda frase, con 14 niños."},
        "body": {"es": "El cuerpo dice algo.\n\nOtro párrafo <b>x</b>."},
    },
    ("program", "otro"): {"title": title("Otro programa")},
}
KEY = ("test-catalog", "program", "radio")


class FakeOutput:
    """A sound output the test plays by hand: ``play(seconds)`` takes samples as a device would."""

    def __init__(self, reading) -> None:
        self.reading = reading
        self.closed = False

    def play(self, seconds: float) -> bytes:
        return self.reading.read(int(seconds * self.reading.sample_rate))

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def outputs(monkeypatch):
    made: list[FakeOutput] = []

    def fake(reading):
        made.append(FakeOutput(reading))
        return made[-1]

    monkeypatch.setattr(listen, "open_output", fake)
    return made


@pytest.fixture
def detail(window, qtbot, seeded, tmp_path):
    add_records(seeded, tmp_path, RECORDS)
    return open_key(window, qtbot, KEY)


def heard(qtbot, bar, output, index: int) -> None:
    """Play until sentence ``index`` is being read and the highlight is on it."""
    qtbot.waitUntil(lambda: not bar._reading.waiting(), timeout=5000)
    while bar._reading.position < index:
        qtbot.waitUntil(lambda: not bar._reading.waiting(), timeout=5000)
        output.play(0.2)
    qtbot.waitUntil(lambda: bar.sentence == index, timeout=2000)


def test_listen_pause_go_on_stop_and_the_highlight_follows(detail, qtbot, outputs):
    bar = detail.listen
    assert bar.playing_state == "stopped" and bar.button.text() == "▶ Listen" and bar.isHidden()
    qtbot.mouseClick(bar.button, Qt.LeftButton)
    assert bar.playing_state == "playing" and bar.button.text() == "❚❚ Pause"
    assert bar.controls.isVisible() and bar.stop_button.isVisible()
    output = outputs[-1]
    assert [s.text for s in bar.sentences] == [
        "Radio escolar", "Primera frase del resumen.", "Segunda frase, con 14 niños.", "El cuerpo dice algo.", "Otro párrafo <b>x</b>.",
    ]
    # The title is read first: selected in the title label.
    heard(qtbot, bar, output, 0)
    assert detail.title_label.selectedText() == "Radio escolar" and not detail.text.extraSelections()
    # Then the summary's sentences, one after the other, in the record text.
    heard(qtbot, bar, output, 1)
    assert not detail.title_label.hasSelectedText()
    (selection,) = detail.text.extraSelections()
    assert selection.cursor.selectedText() == "Primera frase del resumen."
    assert "Sentence 2 of 5" in bar.status.text()
    heard(qtbot, bar, output, 2)
    assert detail.text.extraSelections()[0].cursor.selectedText() == "Segunda frase, con 14 niños."
    # Pause: silence, the highlight stays; the same button goes on.
    qtbot.mouseClick(bar.button, Qt.LeftButton)
    assert bar.playing_state == "paused" and bar.button.text() == "▶ Go on"
    assert output.play(0.5) == bytes(2 * int(0.5 * output.reading.sample_rate)) and bar.sentence == 2
    bar.toggle()
    assert bar.playing_state == "playing"
    # The highlight is plain text: the document never changed.
    heard(qtbot, bar, output, 4)
    assert detail.text.extraSelections()[0].cursor.selectedText() == "Otro párrafo <b>x</b>."
    assert "<b>x</b>" in detail.plain_text()
    qtbot.mouseClick(bar.stop_button, Qt.LeftButton)
    assert bar.playing_state == "stopped" and output.closed
    assert not detail.text.extraSelections() and bar.isHidden() and bar.button.text() == "▶ Listen"


def test_the_end_of_the_reading_stops_by_itself(detail, qtbot, outputs):
    bar = detail.listen
    bar.toggle()
    output = outputs[-1]
    while not output.reading.finished:
        qtbot.waitUntil(lambda: not output.reading.waiting() or output.reading.finished, timeout=5000)
        output.play(0.5)
    qtbot.waitUntil(lambda: bar.playing_state == "stopped", timeout=2000)
    assert output.closed and not detail.text.extraSelections()


def test_ctrl_l_listens_and_pauses(window, detail, qtbot, outputs):
    qtbot.keyClick(window, Qt.Key_L, Qt.ControlModifier)
    assert detail.listen.playing_state == "playing"
    qtbot.keyClick(window, Qt.Key_L, Qt.ControlModifier)
    assert detail.listen.playing_state == "paused"


def test_another_record_stops_the_reading(window, detail, qtbot, outputs):
    detail.listen.toggle()
    window.browse.open_record(("test-catalog", "program", "otro"))
    qtbot.waitUntil(lambda: detail.current_key[2] == "otro" and not detail.pending)
    assert detail.listen.playing_state == "stopped" and outputs[-1].closed


def test_speed_is_remembered_and_applies_from_the_sentence_being_read(detail, qtbot, seeded, outputs):
    bar = detail.listen
    assert bar.rate == DEFAULT_RATE
    qtbot.mouseClick(bar.button, Qt.LeftButton)
    output = outputs[-1]
    heard(qtbot, bar, output, 1)
    qtbot.mouseClick(bar.faster_button, Qt.LeftButton)
    assert userdata.get_setting(seeded.userdata, RATE_SETTING) == str(DEFAULT_RATE + listen.RATE_STEP)
    assert bar.speed.text() == "170 words a minute"
    # The sentence being read is made again at the new speed, and reading goes on from it.
    assert bar._reading.position == 1
    qtbot.waitUntil(lambda: not bar._reading.waiting(), timeout=5000)
    heard(qtbot, bar, output, 2)
    bar.stop()
    for _ in range(3):
        bar.change_rate(-listen.RATE_STEP)
    assert userdata.get_setting(seeded.userdata, RATE_SETTING) == str(DEFAULT_RATE - 2 * listen.RATE_STEP)


def test_a_laptop_without_sound_output_is_told_in_one_line(detail, qtbot, monkeypatch):
    import miniaudio

    monkeypatch.setattr(listen, "open_output", lambda reading: SpeakerOutput(reading, [miniaudio.Backend.WEBAUDIO]))
    bar = detail.listen
    bar.toggle()
    assert bar.playing_state == "stopped" and bar.message.isVisible()
    assert bar.message.text() == "This laptop has no sound output: plug in speakers or headphones, or save the reading for a phone."
    # Saving still works without sound: the menu entry stays.
    assert bar.save_action.isEnabled()


def test_a_missing_voice_is_a_message_not_a_crash(detail, qtbot, outputs, monkeypatch):
    from aulalocal.speech import audio

    def broken():
        raise SpeechError("The {language} voice is missing from this installation ({reason}). Reinstall AulaLocal.", language="Runasimi", reason="test")

    monkeypatch.setattr(audio, "engine", broken)
    bar = detail.listen
    bar.toggle()
    qtbot.waitUntil(lambda: bar.message.isVisible(), timeout=5000)
    assert bar.playing_state == "stopped" and "Runasimi voice is missing" in bar.message.text()


def test_the_silent_device_plays_and_the_highlight_moves_in_real_time(detail, qtbot, monkeypatch):
    monkeypatch.setattr(listen, "open_output", lambda reading: SpeakerOutput(reading, silent_backends()))
    bar = detail.listen
    bar.change_rate(200)  # as fast as it goes: the reading takes a few seconds of real time
    seen = set()
    bar.toggle()
    qtbot.waitUntil(lambda: seen.add(bar.sentence) or bar.sentence >= 2, timeout=30000)
    assert {0, 1, 2} <= seen and bar.playing_state == "playing"
    bar.stop()


def test_save_for_a_parent_s_phone(detail, qtbot, asked, tmp_path):
    import miniaudio

    seen, answer = asked
    answer.append(tmp_path / "para-mama")
    bar = detail.listen
    bar.save_action.trigger()
    assert seen[0]["selected"][0].endswith("radio-escolar-es.mp3") and "*.mp3" in seen[0]["dialog"].selectedNameFilter()
    assert bar.saving.isVisible() and bar.progress.maximum() == 5
    qtbot.waitUntil(lambda: bar._save is None, timeout=20000)
    saved = tmp_path / "para-mama.mp3"
    assert bar.message.text().startswith(f"Saved as {saved}.")
    assert miniaudio.mp3_get_info(saved.read_bytes()).duration > 3
    assert not bar.saving.isVisible()


def test_cancel_saving_leaves_no_file(detail, qtbot, tmp_path):
    bar = detail.listen
    from aulalocal.speech.reading import record_reading

    bar.start_save(str(tmp_path / "x.mp3"), record_reading(detail.record, "es"))
    qtbot.mouseClick(bar.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bar._save is None, timeout=20000)
    assert bar.message.text() == "Cancelled. Nothing was changed."
    assert list(tmp_path.glob("x.mp3*")) == []


def test_nothing_of_listen_is_loaded_before_it_is_used(window, qtbot):
    import subprocess
    import sys

    from tests.conftest import REPO

    # In a fresh process: opening a record's page imports the widget, not the speech engine.
    code = "import sys, aulalocal.ui.detail; print(sorted(m for m in sys.modules if 'speech' in m or m in ('miniaudio', 'lameenc', 'espeakng_loader')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    idle(qtbot, window)
