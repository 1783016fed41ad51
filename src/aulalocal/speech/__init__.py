"""Records read aloud in Quechua, Spanish or English, with eSpeak NG. No Qt.

- ``reading``: what is read (title, summary, body; a text that falls back to
  Spanish is read with the Spanish voice), split into sentences;
- ``normalize`` and ``numerals``: numbers, years, "183-B", percentages,
  abbreviations and ordinals said as a listener expects, per language;
- ``espeak``: the synthesizer, through ctypes;
- ``audio``: sentences to sound with pauses, MP3 or WAV, saved atomically;
- ``playback``: sentence-by-sentence playing with pause and stop.

The desktop window (``ui/listen.py``), ``aulalocal say`` and the classroom
site all go through ``record_audio`` or the functions it calls.
"""

from __future__ import annotations


def record_audio(record, lang: str, fmt: str = "mp3", rate: int | None = None, progress=None, cancel=None) -> bytes:
    """The bytes of an MP3 (or WAV) file of ``record`` read in ``lang``."""
    from aulalocal.speech.audio import reading_audio
    from aulalocal.speech.espeak import DEFAULT_RATE
    from aulalocal.speech.reading import record_reading

    return reading_audio(record_reading(record, lang), fmt, rate or DEFAULT_RATE, progress, cancel)
