"""Playing a reading: which sentence is heard, pause, stop, speed change; sound output or none."""

from __future__ import annotations

import time

import pytest

from aulalocal.errors import SpeechError
from aulalocal.speech.playback import Reading, SpeakerOutput, silent_backends

RATE = 1000  # samples a second: one sentence of 0.01 s is 10 frames


def sentence(value: int, frames: int = 10) -> bytes:
    return value.to_bytes(2, "little", signed=True) * frames


def test_sentences_play_in_order_and_the_position_follows():
    reading = Reading(3, RATE)
    assert reading.waiting() and reading.read(4) == bytes(8)  # nothing made yet: silence
    reading.add(0, sentence(1))
    reading.add(1, sentence(2))
    assert reading.read(4) == sentence(1, 4) and reading.position == 0
    assert reading.read(10) == sentence(1, 6) + sentence(2, 4) and reading.position == 1
    assert reading.read(10) == sentence(2, 6) + bytes(8) and reading.position == 2  # the third is not made yet
    assert reading.waiting() and not reading.finished
    reading.add(2, sentence(3))
    assert reading.read(20) == sentence(3) + bytes(20)
    assert reading.finished and not reading.waiting()


def test_pause_gives_silence_and_resume_goes_on_where_it_was():
    reading = Reading(1, RATE)
    reading.add(0, sentence(5))
    assert reading.read(3) == sentence(5, 3)
    reading.pause()
    assert reading.paused and reading.read(5) == bytes(10) and reading.position == 0
    reading.resume()
    assert reading.read(7) == sentence(5, 7) and reading.finished


def test_stop_ends_the_reading():
    reading = Reading(2, RATE)
    reading.add(0, sentence(1))
    reading.stop()
    assert reading.finished and reading.read(5) == bytes(10)


def test_a_speed_change_makes_the_current_sentence_again():
    reading = Reading(3, RATE)
    for index in range(3):
        reading.add(index, sentence(index + 1))
    reading.read(15)  # in the middle of the second sentence
    reading.restart_from(1)
    assert reading.position == 1 and reading.waiting()
    reading.add(1, sentence(7, 4))
    reading.add(0, sentence(9))  # already heard: dropped
    assert reading.read(4) == sentence(7, 4)


def test_the_silent_device_plays_a_reading_in_real_time():
    reading = Reading(2, 22050)
    reading.add(0, bytes(2 * 2205))  # 0.1 s each
    reading.add(1, bytes(2 * 2205))
    output = SpeakerOutput(reading, silent_backends())
    try:
        assert output.backend == "Null"
        deadline = time.monotonic() + 5
        while not reading.finished and time.monotonic() < deadline:
            time.sleep(0.02)
        assert reading.finished
    finally:
        output.close()


def test_no_sound_output_is_one_plain_message():
    import miniaudio

    # Web Audio exists only in a browser: no desktop has it, as a laptop without sound has nothing.
    with pytest.raises(SpeechError) as error:
        SpeakerOutput(Reading(1, 22050), [miniaudio.Backend.WEBAUDIO])
    assert error.value.message() == (
        "This laptop has no sound output: plug in speakers or headphones, or save the reading for a phone."
    )
