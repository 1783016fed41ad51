"""Synthesis: every shipped record read aloud, speed, cancel, MP3 and WAV, a missing voice or data."""

from __future__ import annotations

import array
import io
import json
import os
import shutil
import subprocess
import sys
import wave
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from aulalocal.catalog.queries import Record
from aulalocal.errors import Cancelled, UsageError
from aulalocal.speech import record_audio
from aulalocal.speech.audio import PART_PAUSE, SENTENCE_PAUSE, audio_format, reading_audio, synthesize
from aulalocal.speech.espeak import MAX_RATE, SAMPLE_WIDTH, engine
from aulalocal.speech.reading import record_reading
from tests.conftest import REPO, SEEDS

# The every-record test reads at the fastest speed: the same code, half the time.
RATE = MAX_RATE
WINDOW = 0.02  # seconds


def seed_records() -> list[Record]:
    return [
        Record("aulalocal-seed", path.parent.name, path.stem, json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(SEEDS.glob("*/*.json"))
    ]


def measure(record: Record, lang: str) -> dict:
    """Runs in a worker process: the record's reading as a WAV file, measured with ``wave``."""
    sentences = record_reading(record, lang)
    data = reading_audio(sentences, "wav", RATE)
    with wave.open(io.BytesIO(data)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, SAMPLE_WIDTH)
        rate, frames = wav.getframerate(), wav.readframes(wav.getnframes())
    samples = array.array("h", frames)
    size = int(rate * WINDOW)
    # One window in ten is enough to tell speech from silence, at a tenth of the time.
    peaks = [max(max(w), -min(w)) for w in (samples[i : i + size] for i in range(0, len(samples), size * 10))]
    return {
        "id": f"{record.kind}/{record.id}",
        "lang": lang,
        "langs": sorted({s.lang for s in sentences}),
        "seconds": len(samples) / rate,
        "words": sum(len(s.spoken.split()) for s in sentences),
        "peak": max(peaks),
        "voiced": sum(1 for p in peaks if p > 500) / len(peaks),
    }


def test_every_shipped_record_is_read_aloud_in_spanish_and_quechua():
    records = seed_records()
    assert len(records) > 100
    jobs = [(record, lang) for lang in ("es", "qu") for record in records]
    # Two processes (eSpeak is one per process): the machine's two cores.
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(measure, *zip(*jobs), chunksize=8))
    for result in results:
        expected = result["words"] * 60 / RATE  # seconds at RATE words a minute
        assert result["peak"] > 5000, result  # not silent
        assert result["voiced"] > 0.4, result  # speech all along, not a blip
        # Quechua's long words take up to 2.5 times a Spanish word's time; pauses add a little.
        assert 0.6 * expected < result["seconds"] < 3.0 * expected + 2, result
    quechua = [r for r in results if r["lang"] == "qu"]
    assert all(r["langs"] == ["qu"] for r in quechua), "every shipped record has its Quechua text"


def test_slower_is_longer_and_sentences_are_followed_by_pauses():
    record = Record("c", "program", "p", {"title": {"es": "Radio escolar"}, "summary": {"es": "Una frase. Otra frase."}})
    sentences = record_reading(record, "es")
    slow = [audio for _i, audio in synthesize(sentences, 100)]
    fast = [audio for _i, audio in synthesize(sentences, 220)]
    assert len(slow) == len(fast) == 3
    assert sum(map(len, slow)) > 1.6 * sum(map(len, fast))
    rate = engine().sample_rate

    def silent(audio: bytes, start: float, stop: float = 0.0) -> bool:
        """Whether the samples from ``start`` to ``stop`` seconds before the end are all zero."""
        part = array.array("h", audio[len(audio) - int(start * rate) * SAMPLE_WIDTH : len(audio) - int(stop * rate) * SAMPLE_WIDTH])
        return not any(part)

    assert silent(slow[0], PART_PAUSE - 0.05)  # after the title
    assert silent(slow[1], SENTENCE_PAUSE - 0.05) and not silent(slow[1], PART_PAUSE - 0.05, SENTENCE_PAUSE + 0.05)
    assert not silent(slow[2], 0.1)  # nothing after the last one


def test_cancel_stops_at_once():
    record = Record("c", "program", "p", {"body": {"es": "Una frase larga para leer. " * 40}})
    asked = []

    def cancel():
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(Cancelled):
        list(synthesize(record_reading(record, "es"), cancel=cancel))
    assert len(asked) < 10


def test_mp3_for_a_phone_decodes_to_the_same_length_as_the_wav():
    import miniaudio

    record = Record("c", "legal_reference", "l", json.loads((SEEDS / "legal_reference" / "cp-183-b.json").read_text()))
    mp3 = record_audio(record, "qu")
    wav = record_audio(record, "qu", "wav")
    info = miniaudio.mp3_get_info(mp3)
    with wave.open(io.BytesIO(wav)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert (info.nchannels, info.sample_rate) == (1, engine().sample_rate)
    assert abs(info.duration - seconds) < 0.2
    assert len(mp3) < len(wav) / 6  # small enough to pass by Bluetooth


def test_audio_format_comes_from_the_extension():
    assert audio_format("a/b/Lectura.MP3") == "mp3" and audio_format("x.wav") == "wav"
    with pytest.raises(UsageError, match="must end in .mp3 or .wav"):
        audio_format("x.ogg")
    with pytest.raises(UsageError):
        reading_audio([], "wav")


MISSING = """
import json, sys
import espeakng_loader
from aulalocal.speech.espeak import Engine
from aulalocal.errors import SpeechError
from aulalocal import i18n
i18n.set_language("en")
out = {}
try:
    Engine(espeakng_loader.get_library_path(), sys.argv[1])
except SpeechError as exc:
    out["empty"] = exc.message()
engine = Engine(espeakng_loader.get_library_path(), sys.argv[2])
out["es"] = len(engine.synthesize("Hola, maestra.", "es"))
try:
    engine.synthesize("Allin p'unchaw.", "qu")
except SpeechError as exc:
    out["qu"] = exc.message()
try:
    Engine("/nonexistent/libespeak-ng.so", sys.argv[2])
except SpeechError as exc:
    out["library"] = exc.message()
print(json.dumps(out))
"""


def spanish_only_data(target):
    """A copy of eSpeak's data with the Spanish voice only, as a damaged installation might have."""
    import espeakng_loader

    data = espeakng_loader.get_data_path()
    target.mkdir()
    for name in ("phontab", "phonindex", "phondata", "intonations", "es_dict"):
        shutil.copy(os.path.join(data, name), target / name)
    (target / "lang" / "roa").mkdir(parents=True)
    shutil.copy(os.path.join(data, "lang", "roa", "es-419"), target / "lang" / "roa" / "es-419")
    return target


def test_missing_data_library_or_voice_is_a_clear_message(tmp_path):
    # In a process of its own: eSpeak is initialized once per process.
    empty = tmp_path / "empty"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", MISSING, str(empty), str(spanish_only_data(tmp_path / "es-only"))],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.splitlines()[-1])
    assert out["empty"].startswith("The speech data is missing or damaged") and "Reinstall AulaLocal" in out["empty"]
    assert out["es"] > 10000
    assert out["qu"].startswith("The Runasimi voice is missing from this installation")
    assert out["library"].startswith("Reading aloud is not available: the speech library could not be loaded")
