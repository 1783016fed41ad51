"""Playing a reading sentence by sentence, with pause and stop; which sentence is heard.

``Reading`` holds the sentences' samples as they are synthesized and hands
them out as an output asks (with silence while paused or while the next
sentence is still being made); it knows nothing of sound devices, so tests
drive it by hand. ``SpeakerOutput`` plays it through miniaudio (1.7 MB, no
other dependency: it finds ALSA or PulseAudio on Linux and WASAPI on Windows
when it starts). A laptop with no sound output gets one plain ``SpeechError``.
"""

from __future__ import annotations

import threading

from aulalocal.errors import N_, SpeechError
from aulalocal.speech.espeak import SAMPLE_WIDTH

NO_OUTPUT = N_("This laptop has no sound output: plug in speakers or headphones, or save the reading for a phone.")
BUFFER_MS = 100  # how far the sound is ahead of the highlight


class Reading:
    """The samples of ``count`` sentences and where the listener is. Thread-safe."""

    def __init__(self, count: int, sample_rate: int) -> None:
        self.count = count
        self.sample_rate = sample_rate
        self._lock = threading.Lock()
        self._audio: dict[int, bytes] = {}
        self._index = 0  # the sentence being heard
        self._offset = 0  # bytes of it already handed out
        self._paused = False
        self._stopped = False

    # -- from the synthesis ---------------------------------------------------
    def add(self, index: int, samples: bytes) -> None:
        with self._lock:
            if index >= self._index:
                self._audio[index] = samples

    def restart_from(self, index: int) -> None:
        """Forget the audio of sentence ``index`` and after (the speed changed): it is made again."""
        with self._lock:
            for key in [k for k in self._audio if k >= index]:
                del self._audio[key]
            if self._index >= index:
                self._index, self._offset = index, 0

    # -- from the listener ----------------------------------------------------
    def pause(self) -> None:
        with self._lock:
            self._paused = True

    def resume(self) -> None:
        with self._lock:
            self._paused = False

    def stop(self) -> None:
        with self._lock:
            self._stopped = True

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def position(self) -> int:
        """The sentence being heard (``count`` once all were)."""
        return self._index

    @property
    def finished(self) -> bool:
        return self._stopped or self._index >= self.count

    def waiting(self) -> bool:
        """True while the sentence due next is still being synthesized."""
        with self._lock:
            return not self.finished and self._index not in self._audio

    # -- from the sound output (its own thread) -------------------------------
    def read(self, frames: int) -> bytes:
        """The next ``frames`` samples; silence while paused, waiting or done."""
        wanted = frames * SAMPLE_WIDTH
        out = bytearray()
        with self._lock:
            while len(out) < wanted and not self._paused and not self.finished:
                audio = self._audio.get(self._index)
                if audio is None:
                    break
                piece = audio[self._offset : self._offset + wanted - len(out)]
                out += piece
                self._offset += len(piece)
                if self._offset >= len(audio):
                    del self._audio[self._index]
                    self._index, self._offset = self._index + 1, 0
        return bytes(out) + bytes(wanted - len(out))


class SpeakerOutput:
    """``reading`` played on the laptop's sound output until ``close()``."""

    def __init__(self, reading: Reading, backends: list | None = None) -> None:
        try:
            import miniaudio
        except ImportError as exc:
            raise SpeechError(NO_OUTPUT) from exc
        if backends is None:
            # miniaudio would fall back to its silent "null" device: a real one or none.
            backends = [b for b in miniaudio.Backend if b not in (miniaudio.Backend.NULL, miniaudio.Backend.CUSTOM)]
        self.reading = reading
        self._device = None
        try:
            self._device = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=1,
                sample_rate=reading.sample_rate,
                buffersize_msec=BUFFER_MS,
                backends=backends,
                app_name="AulaLocal",
            )
            feed = self._feed()
            next(feed)
            self._device.start(feed)
        except miniaudio.MiniaudioError as exc:
            self.close()
            raise SpeechError(NO_OUTPUT) from exc
        self.backend = self._device.backend

    def _feed(self):
        frames = yield b""
        while True:
            frames = yield self.reading.read(frames)

    def close(self) -> None:
        if self._device is not None:
            self._device.close()
            self._device = None


def silent_backends() -> list:
    """miniaudio's null device: plays in real time, to nothing (tests, screenshots)."""
    import miniaudio

    return [miniaudio.Backend.NULL]
