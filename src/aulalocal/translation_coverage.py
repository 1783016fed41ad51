"""``aulalocal i18n coverage``: how much of the app and of the catalog each language covers."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite3

from aulalocal.errors import N_, StorageError
from aulalocal.i18n import BABEL_LOCALES, DOMAIN, LANGUAGES
from aulalocal.paths import translations_dir

CONTENT_FIELDS = ("title", "summary", "body")
# Minimum shares (percent) below which the command fails.
UI_THRESHOLD = {"es": 100.0, "qu": 100.0, "en": 100.0}
CONTENT_THRESHOLD = {"qu": {"title": 100.0, "summary": 100.0, "body": 95.0}}


@dataclass
class Coverage:
    ui: dict[str, dict]  # lang -> {"translated": n, "total": n, "percent": p, "missing": [...]}
    content: dict[str, dict[str, dict[str, float]]]  # lang -> kind -> field -> percent

    def failures(self) -> list[str]:
        problems = []
        for lang, minimum in UI_THRESHOLD.items():
            if self.ui[lang]["percent"] < minimum:
                problems.append(f"ui {lang}: {self.ui[lang]['percent']:.1f}% < {minimum}%")
        for lang, fields in CONTENT_THRESHOLD.items():
            for kind, shares in self.content.get(lang, {}).items():
                for field, minimum in fields.items():
                    if shares.get(field, 100.0) < minimum:
                        problems.append(f"content {lang} {kind}.{field}: {shares[field]:.1f}% < {minimum}%")
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


def content_coverage(db: sqlite3.Connection) -> dict[str, dict[str, dict[str, float]]]:
    counts: dict[str, dict[str, dict[str, int]]] = {}
    totals: dict[str, dict[str, int]] = {}
    for kind, data in db.execute("SELECT kind, data FROM records"):
        record = json.loads(data)
        for field in CONTENT_FIELDS:
            value = record.get(field)
            if not isinstance(value, dict) or not value.get("es"):
                continue  # a field the record does not have is not missing
            totals.setdefault(kind, {}).setdefault(field, 0)
            totals[kind][field] += 1
            for lang in LANGUAGES:
                if value.get(lang):
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
