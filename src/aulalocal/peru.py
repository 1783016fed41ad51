"""Peru's regions (departamentos, and the Constitutional Province of Callao) as they are written, with their
accents: a region written without them in a record ("Apurimac") is shown as Peru writes it ("Apurímac")."""

from __future__ import annotations

import unicodedata

REGIONS = (
    "Amazonas", "Áncash", "Apurímac", "Arequipa", "Ayacucho", "Cajamarca", "Callao", "Cusco", "Huancavelica",
    "Huánuco", "Ica", "Junín", "La Libertad", "Lambayeque", "Lima", "Loreto", "Madre de Dios", "Moquegua",
    "Pasco", "Piura", "Puno", "San Martín", "Tacna", "Tumbes", "Ucayali",
)


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


_BY_PLAIN = {_plain(name): name for name in REGIONS}


def region(value: str) -> str | None:
    """Peru's name of the region ``value`` ("Apurimac": "Apurímac"); None for a place that is not one."""
    return _BY_PLAIN.get(_plain(str(value)))
