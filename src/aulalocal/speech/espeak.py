"""eSpeak NG, called through ctypes: the library and voice data that ``espeakng-loader`` ships.

No maintained binding on PyPI calls the library itself: ``espeakng`` and
``py-espeak-ng`` run an ``espeak-ng`` program a school laptop may not have, and
``python-espeak-ng`` compiles against system headers. The few calls needed are
espeak-ng's own API (``espeak_ng.h``), in synchronous mode: the audio comes
back through a callback as 16-bit mono samples, and nothing is played by the
library (the wheel's library is built without sound output anyway).

eSpeak keeps its state in globals, so the process has one ``Engine`` and every
call holds ``_LOCK``.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable

from aulalocal.errors import N_, Cancelled, SpeechError
from aulalocal.i18n import LANGUAGE_NAMES

VOICES = {"es": "es-419", "qu": "qu", "en": "en-us"}  # Latin American Spanish and English
SAMPLE_WIDTH = 2  # bytes: 16-bit signed, mono
SAMPLE_RATE = 22050  # eSpeak NG's, for every voice: a sound output can open before the engine loads
MIN_RATE, DEFAULT_RATE, MAX_RATE = 80, 150, 260  # words per minute (eSpeak's own default is 175)
RATE_SETTING = "speech_rate"  # in userdata.db: the speed the teacher chose last

_ENS_OK = 0
_OUTPUT_SYNCHRONOUS = 0x0001
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_RATE = 1
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

_LOCK = threading.RLock()
_engine: Engine | None = None


def _path_bytes(path: str) -> bytes:
    # espeak-ng opens its files with fopen(char *): the ANSI code page on Windows.
    try:
        return path.encode("mbcs") if os.name == "nt" else os.fsencode(path)
    except UnicodeEncodeError as exc:
        raise SpeechError(
            N_("The speech data cannot be opened from the folder {path}. Install AulaLocal in a folder whose name has only plain letters."),
            path=path,
        ) from exc


class Engine:
    """eSpeak NG loaded from ``library`` with its data folder ``data``."""

    def __init__(self, library: str, data: str) -> None:
        try:
            lib = ctypes.CDLL(library)
        except OSError as exc:
            raise SpeechError(
                N_("Reading aloud is not available: the speech library could not be loaded. Reinstall AulaLocal.")
            ) from exc
        lib.espeak_ng_InitializePath.argtypes = [ctypes.c_char_p]
        lib.espeak_ng_Initialize.argtypes = [ctypes.c_void_p]
        lib.espeak_ng_InitializeOutput.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p]
        lib.espeak_ng_GetStatusCodeMessage.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t]
        lib.espeak_ng_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_ng_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        lib.espeak_ng_Synthesize.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        self._lib = lib
        self._voice: str | None = None
        self._audio = bytearray()
        self._cancel: Callable[[], bool] | None = None
        # Kept on the instance: eSpeak calls it for as long as the library lives.
        self._callback = _CALLBACK(self._on_audio)
        with _LOCK:
            lib.espeak_ng_InitializePath(_path_bytes(data))
            context = ctypes.c_void_p()
            status = lib.espeak_ng_Initialize(ctypes.byref(context))
            if status != _ENS_OK:
                raise SpeechError(
                    N_("The speech data is missing or damaged ({reason}). Reinstall AulaLocal."),
                    reason=self._status_text(status),
                )
            lib.espeak_ng_InitializeOutput(_OUTPUT_SYNCHRONOUS, 0, None)
            lib.espeak_SetSynthCallback(self._callback)
            self.sample_rate = lib.espeak_ng_GetSampleRate()
        if self.sample_rate != SAMPLE_RATE:
            raise SpeechError(
                N_("The speech data is missing or damaged ({reason}). Reinstall AulaLocal."),
                reason=f"{self.sample_rate} Hz",
            )

    def _status_text(self, status: int) -> str:
        buffer = ctypes.create_string_buffer(512)
        self._lib.espeak_ng_GetStatusCodeMessage(status, buffer, len(buffer))
        return buffer.value.decode("utf-8", "replace") or hex(status & 0xFFFFFFFF)

    def _on_audio(self, samples, count: int, _events) -> int:
        if count > 0:
            self._audio += ctypes.string_at(samples, count * SAMPLE_WIDTH)
        # Returning 1 stops the synthesis: Stop and Cancel are heard at once.
        return 1 if self._cancel is not None and self._cancel() else 0

    def use_voice(self, lang: str) -> None:
        """Load ``lang``'s voice (raises SpeechError when it is missing)."""
        with _LOCK:
            name = VOICES[lang]
            if self._voice == name:
                return
            status = self._lib.espeak_ng_SetVoiceByName(name.encode("ascii"))
            if status != _ENS_OK:
                self._voice = None
                raise SpeechError(
                    N_("The {language} voice is missing from this installation ({reason}). Reinstall AulaLocal."),
                    language=LANGUAGE_NAMES[lang],
                    reason=self._status_text(status),
                )
            self._voice = name

    def synthesize(self, text: str, lang: str, rate: int = DEFAULT_RATE, cancel: Callable[[], bool] | None = None) -> bytes:
        """``text`` said in ``lang`` at ``rate`` words a minute: 16-bit mono samples at ``sample_rate``."""
        with _LOCK:
            self.use_voice(lang)
            self._lib.espeak_ng_SetParameter(_RATE, clamp_rate(rate), 0)
            data = text.encode("utf-8") + b"\0"
            self._audio, self._cancel = bytearray(), cancel
            try:
                status = self._lib.espeak_ng_Synthesize(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            finally:
                audio, self._audio, self._cancel = self._audio, bytearray(), None
            if cancel is not None and cancel():
                raise Cancelled(N_("Cancelled. Nothing was changed."))
            if status != _ENS_OK:
                raise SpeechError(N_("The text could not be read aloud ({reason})."), reason=self._status_text(status))
            return bytes(audio)


def clamp_rate(rate: int) -> int:
    return max(MIN_RATE, min(MAX_RATE, int(rate)))


def saved_rate(userdata_db) -> int:
    """The speed chosen last (in the window), or the default."""
    from aulalocal.catalog.userdata import get_setting

    try:
        return clamp_rate(int(get_setting(userdata_db, RATE_SETTING) or DEFAULT_RATE))
    except ValueError:
        return DEFAULT_RATE


def engine() -> Engine:
    """The process's eSpeak, with the library and data of ``espeakng-loader``."""
    global _engine
    with _LOCK:
        if _engine is None:
            try:
                import espeakng_loader

                library, data = espeakng_loader.get_library_path(), espeakng_loader.get_data_path()
            except (ImportError, RuntimeError) as exc:
                raise SpeechError(
                    N_("Reading aloud is not available: the speech files are missing. Reinstall AulaLocal.")
                ) from exc
            _engine = Engine(library, data)
        return _engine
