"""The glossary's Quechua rules, read from ``translations/glossary-qu.md``, and every Quechua text they apply to.

The tests (``tests/test_quechua.py``) check the rules; run this module to
rewrite the texts with them after a merge brings new or changed Quechua text::

    .venv/bin/python -m tests.quechua_rules          # rewrite, print what changed
    .venv/bin/python -m tests.quechua_rules --check  # print only, change nothing

It rewrites the ``qu`` strings of ``seeds/*/*.json`` and the ``msgstr`` of
``translations/qu/LC_MESSAGES/aulalocal.po``. It is kept out of the package:
it edits the sources, never a teacher's catalog.
"""

from __future__ import annotations

import io
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from aulalocal import kinds

REPO = Path(__file__).resolve().parent.parent
GLOSSARY = REPO / "translations" / "glossary-qu.md"
SEEDS = REPO / "seeds"
PO = {lang: REPO / "translations" / lang / "LC_MESSAGES" / "aulalocal.po" for lang in ("es", "qu", "en")}
# Qt's file dialog in Quechua and Spanish (app._install_qt_translator): checked, not rewritten.
QT_PO = {lang: REPO / "translations" / "qt" / f"{lang}.po" for lang in ("es", "qu")}

SPELLING_TABLE = "One spelling and one word"
REQUIRED_TABLE = "Where the Spanish says it, the Quechua says it"


@dataclass
class Text:
    """One Quechua text and its Spanish and English counterparts."""

    where: str  # "program/huascaran: body", "po: Close"
    es: str
    qu: str
    en: str
    proper_name: bool = False  # listed in the record's proper_names


def _cells(row: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", row.strip().strip("|"))
    return [cell.strip().replace("\\|", "|") for cell in cells]


def _code(cell: str) -> str:
    """The text inside the cell's backticks (a regex may hold spaces at its ends)."""
    found = re.fullmatch(r"`(.*)`", cell)
    if not found:
        raise ValueError(f"{GLOSSARY.name}: expected `code` in cell {cell!r}")
    return found.group(1)


def table(title: str) -> list[list[str]]:
    """The rows (cells) of the markdown table under the heading ``### <title>``."""
    lines = GLOSSARY.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("###") and title in line)
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("|") and not re.fullmatch(r"\|[\s|:-]+\|", line.strip()):
            rows.append(_cells(line))
    return rows[1:]  # the header row


PLACEHOLDER = re.compile(r"(\{[a-z_]*\})")


@dataclass
class Rule:
    variant: re.Pattern
    write: str | None  # None: fixed by hand, the context decides
    why: str

    def apply(self, text: str) -> str:
        if self.write is None:
            return text

        def replace(found: re.Match) -> str:
            new = found.expand(self.write)
            # "Wichqana" -> "Wichq'ana": keep a capital the variant had.
            return new[:1].upper() + new[1:] if found.group(0)[:1].isupper() else new

        # A {placeholder} is a name the code fills in ("{enter}"), not a word of the text.
        parts = PLACEHOLDER.split(text)
        return "".join(part if i % 2 else self.variant.sub(replace, part) for i, part in enumerate(parts))


def spelling_rules() -> list[Rule]:
    """Forbidden variants and what to write instead, in the glossary's order."""
    return [
        Rule(re.compile(_code(variant), re.IGNORECASE), _code(write) if write.startswith("`") else None, why)
        for variant, write, why in table(SPELLING_TABLE)
    ]


def required_words() -> list[tuple[re.Pattern, re.Pattern, str]]:
    """(Spanish pattern, Quechua pattern, note): the Spanish term asks for the Quechua word."""
    return [(re.compile(_code(es)), re.compile(_code(qu), re.IGNORECASE), note) for es, qu, note in table(REQUIRED_TABLE)]


def localized_fields(path: Path, data: dict) -> list[tuple[str, dict]]:
    """Every localized text of the record file ``seeds/<kind>/<id>.json``."""
    return kinds.active().kind(path.parent.name).localized_texts(data)


def seed_files() -> list[Path]:
    return sorted(p for p in SEEDS.glob("*/*.json"))


def seed_texts() -> list[Text]:
    texts = []
    for path in seed_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        names = data.get("proper_names") or []
        for field, value in localized_fields(path, data):
            if value.get("qu"):
                where = f"{path.parent.name}/{path.stem}: {field}"
                texts.append(Text(where, value["es"], value["qu"], value.get("en", ""), field in names))
    return texts


def _catalog(lang: str):
    from babel.messages.pofile import read_po

    from aulalocal.i18n import BABEL_LOCALES

    with PO[lang].open("rb") as fh:
        return read_po(fh, locale=BABEL_LOCALES[lang])


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def po_texts() -> list[Text]:
    es = _catalog("es")
    texts = []
    for message in _catalog("qu"):
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        spanish = es.get(message.id)
        es_text = _forms(spanish)[-1] if spanish else ""
        for form in _forms(message):
            if form:
                texts.append(Text(f"po: {msgid}", es_text, form, msgid))
    return texts


def qt_texts() -> list[Text]:
    from babel.messages.pofile import read_po

    catalogs = {}
    for lang, path in QT_PO.items():
        with path.open("rb") as fh:
            catalogs[lang] = read_po(fh)
    texts = []
    for message in catalogs["qu"]:
        if message.id and message.string:
            spanish = catalogs["es"].get(message.id, message.context)
            texts.append(Text(f"po: Qt {message.id}", spanish.string if spanish else "", message.string, message.id))
    return texts


def all_texts() -> list[Text]:
    return seed_texts() + po_texts() + qt_texts()


def rewrite(write: bool = True) -> list[tuple[str, str, str]]:
    """Apply every spelling rule to every Quechua text; (where, before, after) of each change."""
    rules = spelling_rules()
    changes = []

    def fix(where: str, text: str) -> str:
        new = text
        for rule in rules:
            new = rule.apply(new)
        if new != text:
            changes.append((where, text, new))
        return new

    for path in seed_files():
        raw = path.read_text(encoding="utf-8")
        data = json.loads(raw)
        for field, value in localized_fields(path, data):
            if value.get("qu"):
                value["qu"] = fix(f"{path.parent.name}/{path.stem}: {field}", value["qu"])
        new = json.dumps(data, ensure_ascii=False, indent=2) + ("\n" if raw.endswith("\n") else "")
        if write and new != raw:
            path.write_text(new, encoding="utf-8")

    from babel.messages.pofile import write_po

    catalog = _catalog("qu")
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        if isinstance(message.string, (list, tuple)):
            message.string = tuple(fix(f"po: {msgid}", s) for s in message.string)
        elif message.string:
            message.string = fix(f"po: {msgid}", message.string)
    buf = io.BytesIO()
    write_po(buf, catalog)
    if write and buf.getvalue() != PO["qu"].read_bytes():
        PO["qu"].write_bytes(buf.getvalue())
    return changes


def _words_changed(before: str, after: str) -> str:
    import difflib

    old, new = before.split(), after.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op != "equal":
            parts.append(f"{' '.join(old[i1:i2])} -> {' '.join(new[j1:j2])}")
    return "; ".join(parts)


def main(argv: list[str]) -> int:
    changes = rewrite(write="--check" not in argv)
    for where, before, after in changes:
        print(f"{where}: {_words_changed(before, after)}")
    print(f"{len(changes)} texts {'to change' if '--check' in argv else 'changed'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
