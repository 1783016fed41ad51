"""A reading as sound: sentences synthesized with pauses, encoded as MP3 or WAV, saved.

MP3 because every phone plays it (old Android ones and feature phones too),
through ``lameenc`` (LAME, 0.4 MB, no other dependency); WAV (standard ``wave``)
where lameenc is missing. Opus would need ``soundfile``, which needs numpy
(about 70 MB installed): docs/speech.md has the figures.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Callable, Iterable
from pathlib import Path

from aulalocal.errors import N_, Cancelled, StorageError, UsageError, system_reason
from aulalocal.speech.espeak import DEFAULT_RATE, SAMPLE_WIDTH, engine
from aulalocal.speech.reading import Sentence

FORMATS = {".mp3": "mp3", ".wav": "wav"}
MP3_KBPS = 48  # speech at 22,050 Hz mono: 360 kB a minute, clear on a phone's speaker
SENTENCE_PAUSE = 0.35  # seconds of silence after a sentence
PART_PAUSE = 0.8  # after the title and after the summary

Progress = Callable[[str, int, int], None] | None
Cancel = Callable[[], bool] | None


def mp3_available() -> bool:
    try:
        import lameenc  # noqa: F401
    except ImportError:
        return False
    return True


def audio_format(path: str | Path) -> str:
    """"mp3" or "wav", from the file name's extension."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(
            N_("Unknown audio format '{suffix}': the file name must end in .mp3 or .wav."), suffix=suffix or Path(path).name
        )
    if FORMATS[suffix] == "mp3" and not mp3_available():
        raise UsageError(N_("MP3 files cannot be made on this laptop (the MP3 encoder is missing): save as .wav instead."))
    return FORMATS[suffix]


def silence(seconds: float, sample_rate: int) -> bytes:
    return bytes(int(seconds * sample_rate) * SAMPLE_WIDTH)


def pause_after(sentences: list[Sentence], index: int) -> float:
    following = sentences[index + 1] if index + 1 < len(sentences) else None
    if following is None:
        return 0.0
    return PART_PAUSE if following.field != sentences[index].field else SENTENCE_PAUSE


def synthesize(
    sentences: list[Sentence],
    rate: int = DEFAULT_RATE,
    *,
    first: int = 0,
    progress: Progress = None,
    cancel: Cancel = None,
) -> Iterable[tuple[int, bytes]]:
    """(index, samples) of each sentence from ``first`` on, with the pause that follows it."""
    speaker = engine()
    total = len(sentences)
    for index in range(first, total):
        if cancel is not None and cancel():
            raise Cancelled(N_("Cancelled. Nothing was changed."))
        sentence = sentences[index]
        samples = speaker.synthesize(sentence.spoken, sentence.lang, rate, cancel)
        yield index, samples + silence(pause_after(sentences, index), speaker.sample_rate)
        if progress is not None:
            progress("speak", index + 1, total)


class Mp3Encoder:
    """16-bit mono samples to MP3, a piece at a time (each sentence as it is made)."""

    def __init__(self, sample_rate: int) -> None:
        import lameenc

        self._encoder = lameenc.Encoder()
        self._encoder.set_bit_rate(MP3_KBPS)
        self._encoder.set_in_sample_rate(sample_rate)
        self._encoder.set_channels(1)
        # LAME's middle setting (0 best, 9 fastest): 140x real time here, so an
        # old netbook still saves a five-minute reading in seconds.
        self._encoder.set_quality(5)

    def feed(self, samples: bytes) -> bytes:
        return bytes(self._encoder.encode(samples))

    def finish(self) -> bytes:
        return bytes(self._encoder.flush())


class WavEncoder:
    """16-bit mono samples to a WAV file (the standard ``wave`` module)."""

    def __init__(self, sample_rate: int) -> None:
        self._buffer = io.BytesIO()
        self._wave = wave.open(self._buffer, "wb")
        self._wave.setnchannels(1)
        self._wave.setsampwidth(SAMPLE_WIDTH)
        self._wave.setframerate(sample_rate)

    def feed(self, samples: bytes) -> bytes:
        self._wave.writeframes(samples)
        return b""

    def finish(self) -> bytes:
        self._wave.close()  # writes the sizes into the header
        return self._buffer.getvalue()


ENCODERS = {"mp3": Mp3Encoder, "wav": WavEncoder}


def reading_audio(
    sentences: list[Sentence],
    fmt: str = "mp3",
    rate: int = DEFAULT_RATE,
    progress: Progress = None,
    cancel: Cancel = None,
) -> bytes:
    """The whole reading as the bytes of an MP3 or WAV file (for a file, or the classroom site)."""
    if not sentences:
        raise UsageError(N_("This record has no text to read aloud."))
    encoder = ENCODERS[fmt](engine().sample_rate)
    parts = [encoder.feed(audio) for _index, audio in synthesize(sentences, rate, progress=progress, cancel=cancel)]
    parts.append(encoder.finish())
    return b"".join(parts)


def save_reading(
    path: str | Path,
    sentences: list[Sentence],
    rate: int = DEFAULT_RATE,
    progress: Progress = None,
    cancel: Cancel = None,
) -> Path:
    """Write the reading to ``path`` (format from its extension), whole or not at all."""
    from aulalocal.fileio import write_atomically

    path = Path(path)
    data = reading_audio(sentences, audio_format(path), rate, progress, cancel)
    if progress is not None:
        progress("save", 0, 1)
    try:
        write_atomically(path, [data])
    except OSError as exc:
        raise StorageError(
            N_("The audio file could not be saved as {path} ({reason}). Choose another folder or free some space."),
            path=str(path),
            reason=system_reason(exc),
        ) from exc
    if progress is not None:
        progress("save", 1, 1)
    return path

