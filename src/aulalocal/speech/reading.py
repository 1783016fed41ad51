"""What "Listen" reads: a record's title, summary and body, sentence by sentence.

Each text is read in the language shown; a text that falls back to Spanish (or
English) is read with that language's voice. A sentence keeps where it stands
in its field, so a view can highlight it in the text it shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aulalocal.catalog.queries import Record
from aulalocal.i18n import localized
from aulalocal.speech.normalize import normalize

READ_FIELDS = ("title", "summary", "body")
# Words a period follows without ending the sentence (case matters: "No." but not "no.").
ABBREVIATIONS = {
    "Art", "art", "Av", "Dr", "Dra", "EE", "Ing", "Lic", "Mr", "Mrs", "N", "No", "Nro", "Prof",
    "Sr", "Sra", "St", "UU", "aprox", "ej", "núm", "p", "pág", "vs",
}
# A sentence ends at . ! ? … or ; (with closing quotes or brackets), before a space.
END = re.compile(r"[.!?…;]+[\"'»”’)\]]*(?=\s)")


@dataclass(frozen=True)
class Sentence:
    field: str  # "title", "summary" or "body"
    lang: str  # the language it is written in, and read with
    start: int  # where it stands in the field's text
    end: int
    text: str  # as written
    spoken: str  # as said (normalize)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``; every line break ends one too."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for end in END.finditer(line.group(0)):
            stop = line.start() + end.end()
            if _ends_sentence(text, line.start() + end.start(), stop):
                spans.append((start, stop))
                start = stop
        spans.append((start, line.end()))
    return [trimmed for span in spans if (trimmed := _trim(text, *span))]


def _ends_sentence(text: str, period: int, stop: int) -> bool:
    if text[period] == ";":
        return True
    if text[period] == ".":
        word = re.search(r"([^\W\d]+)\.?$", text[:period + 1][-12:])
        before = word.group(1) if word else ""
        if before in ABBREVIATIONS or (len(before) == 1 and before.isupper()):
            return False  # "Sr. Pérez", "Luis H. Gutierrez", "EE. UU."
    following = text[stop:].lstrip()
    return not following or not following[0].islower()


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if re.search(r"\w", text[start:end]) else None


def record_reading(record: Record, lang: str) -> list[Sentence]:
    """The sentences Listen reads, in order, each with the language to read it in."""
    sentences = []
    for field in READ_FIELDS:
        text, used = localized(record.data.get(field), lang)
        if not text:
            continue
        for start, end in split_sentences(text):
            sentences.append(Sentence(field, used, start, end, text[start:end], normalize(text[start:end], used)))
    return sentences
