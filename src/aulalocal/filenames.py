"""The file names AulaLocal suggests when a teacher saves a handout or a reading.

A name is the title's first whole words, never a word cut in half, short
enough to read on a phone and in a file list, and safe on every system the
file may travel to: a FAT drive, Windows, a phone over Bluetooth.
"""

from __future__ import annotations

import re
import unicodedata

NAME_LIMIT = 40  # characters before the language and the extension
# Names Windows refuses for a file, whatever its extension.
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def suggested_name(title: str, extension: str, lang: str | None = None, limit: int = NAME_LIMIT) -> str:
    """``codigo-penal-articulo-183-b-qu.mp3``: lowercase ASCII letters, digits and hyphens only.

    Accents and ñ become their plain letters, the Quechua apostrophe goes
    (``p'unchay`` is ``punchay``): nothing a drive or a phone refuses or
    shows as ``%C3%B3``; no leading dot, never a device name such as ``con``.
    """
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+(?:['`][a-z0-9]+)*", plain)
    words = [w.replace("'", "").replace("`", "") for w in words]
    stem = ""
    for word in words:
        longer = f"{stem}-{word}" if stem else word
        if len(longer) > limit:
            break
        stem = longer
    if not stem:
        stem = words[0][:limit] if words else "aulalocal"
    if stem in _WINDOWS_DEVICES:
        stem = f"{stem}-aulalocal"
    if lang:
        stem = f"{stem}-{lang}"
    return f"{stem}.{extension}"
