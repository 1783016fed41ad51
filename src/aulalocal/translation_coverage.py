"""``aulalocal i18n coverage``: how much of the app and of the catalog each language covers."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlite3

from aulalocal import kinds
from aulalocal.catalog.records import every_record
from aulalocal.errors import N_, StorageError
from aulalocal.i18n import BABEL_LOCALES, DOMAIN, LANGUAGES
from aulalocal.paths import translations_dir

# Minimum shares (percent) below which the command fails.
UI_THRESHOLD = {"es": 100.0, "qu": 100.0, "en": 100.0}
# Every localized field of the catalog counts; a record's body may lag a little.
CONTENT_THRESHOLD = {"qu": 100.0}
CONTENT_THRESHOLD_BODY = {"qu": 95.0}


@dataclass
class Coverage:
    ui: dict[str, dict]  # lang -> {"translated": n, "total": n, "percent": p, "missing": [...]}
    content: dict[str, dict[str, dict[str, float]]]  # lang -> kind -> field -> percent

    def failures(self) -> list[str]:
        problems = []
        for lang, minimum in UI_THRESHOLD.items():
            if self.ui[lang]["percent"] < minimum:
                problems.append(f"ui {lang}: {self.ui[lang]['percent']:.1f}% < {minimum}%")
        for lang, minimum in CONTENT_THRESHOLD.items():
            for kind, shares in self.content.get(lang, {}).items():
                for field, share in shares.items():
                    floor = CONTENT_THRESHOLD_BODY[lang] if field == "body" else minimum
                    if share < floor:
                        problems.append(f"content {lang} {kind}.{field}: {share:.1f}% < {floor}%")
        return problems

    def as_json(self) -> dict:
        return {"ui": self.ui, "content": self.content, "failures": self.failures()}


def ui_coverage(lang: str) -> dict:
    from babel.messages.pofile import read_po

    po = translations_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=BABEL_LOCALES[lang])
    except FileNotFoundError:
        # Packaged builds ship compiled catalogs only.
        raise StorageError(
            N_("The translation sources are not part of this installation; run this from a source checkout.")
        ) from None
    total, missing = 0, []
    for message in catalog:
        if not message.id:
            continue
        total += 1
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    done = total - len(missing)
    return {"translated": done, "total": total, "percent": 100.0 * done / total if total else 100.0, "missing": missing}


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def translated(text: dict, lang: str, proper_name: bool = False) -> bool:
    """Whether ``text`` has its own ``lang`` version.

    A text copied from another language ("Digital Seed" as the Quechua text)
    is not translated, unless it is a proper name, which stays the same in
    every language.
    """
    value = text.get(lang)
    if not isinstance(value, str) or not value.strip():
        return False
    if proper_name or lang == "es":
        return True
    others = [v for code, v in text.items() if code != lang and isinstance(v, str)]
    return not any(_same(value, other) for other in others)


def content_coverage(db: sqlite3.Connection) -> dict[str, dict[str, dict[str, float]]]:
    """lang -> kind -> field -> percent of the record texts that have their own ``lang`` text.

    Every localized field counts (title, summary, body, practice texts,
    evidence, focus, each activity, penalty, link labels); list items count
    under one field (``activities``, ``links.label``). A record's
    ``proper_names`` field lists the paths (``title``, ``links[0].label``)
    whose text is a name, the same in every language.
    """
    counts: dict[str, dict[str, dict[str, int]]] = {}
    totals: dict[str, dict[str, int]] = {}
    for kind, record in every_record(db):
        names = record.get("proper_names")
        names = set(names) if isinstance(names, list) else set()
        for path, text in kinds.active().kind(kind).localized_texts(record):
            if not text.get("es"):
                continue  # a field the record does not have is not missing
            field = re.sub(r"\[\d+\]", "", path)
            totals.setdefault(kind, {}).setdefault(field, 0)
            totals[kind][field] += 1
            for lang in LANGUAGES:
                if translated(text, lang, proper_name=path in names):
                    counts.setdefault(lang, {}).setdefault(kind, {}).setdefault(field, 0)
                    counts[lang][kind][field] += 1
    return {
        lang: {
            kind: {
                field: 100.0 * counts.get(lang, {}).get(kind, {}).get(field, 0) / total
                for field, total in fields.items()
            }
            for kind, fields in totals.items()
        }
        for lang in LANGUAGES
    }


def coverage(db: sqlite3.Connection) -> Coverage:
    return Coverage({lang: ui_coverage(lang) for lang in LANGUAGES}, content_coverage(db))
