"""Lists in the order a Spanish reader expects: accents and case ignored, numbers as numbers ("173" before
"173-A", "Ley 3000" before "Ley 29733"), a leading "¿" or "¡" ignored. Quechua lists follow Spanish rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from PySide6.QtCore import QCollator, QLocale, Qt

T = TypeVar("T")
LOCALES = {"es": "es_PE", "qu": "es_PE", "en": "en_US"}
LEADING = "¿¡\"“«'‘("  # opening marks a reader skips when looking a title up


def collator(lang: str) -> QCollator:
    """A collator for ``lang``; one per thread (a QCollator is not shared between threads)."""
    found = QCollator(QLocale(LOCALES.get(lang, "es_PE")))
    found.setNumericMode(True)
    found.setCaseSensitivity(Qt.CaseInsensitive)
    return found


def sort_key(lang: str) -> Callable[[str], object]:
    c = collator(lang)
    return lambda text: c.sortKey(text.lstrip(LEADING))


def sorted_by(items: Iterable[T], text: Callable[[T], str], lang: str) -> list[T]:
    key = sort_key(lang)
    return sorted(items, key=lambda item: key(text(item)))
