"""Synthetic catalogs for the benchmarks, deterministic from a seed number.

Records of every kind, in the proportions of the seed catalog, with es, qu and
en texts whose lengths are drawn from the seed catalog's own (per kind, field
and language), made of the seed catalog's words at their frequencies: Spanish
accents, Quechua apostrophes (some typed as U+2019) and the common words that
hit most records come with them.

    python -m bench.generate --records 10000 --out /tmp/cat [--seed 1] [--bundles]

writes ``/tmp/cat/v1`` and ``/tmp/cat/v2`` (source folders, seeds/ layout) and,
with ``--bundles``, ``full-1.aulabundle``, ``full-2.aulabundle`` and
``delta-2.aulabundle`` signed by a key made for the run (its public key is
written beside them; the secret key is never written anywhere).
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import re
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from aulalocal import paths

LANGS = ("es", "qu", "en")
CATALOG = "bench-catalog"
_WORD = re.compile(r"[^\W_]+(?:['\u2019\u02bc][^\W_]+)*")
# Proportions of the seed catalog (148 records).
KIND_SHARE = {
    "program": 42,
    "organization": 43,
    "legal_reference": 25,
    "resource": 20,
    "safety_guide": 13,
    "year_focus": 5,
}
LOCALIZED_FIELDS = ("title", "summary", "body", "evidence", "penalty", "focus")
PRACTICE_KEYS = ("equity", "systematisation", "replicability")


@dataclass
class SeedModel:
    """What the generator learns from the seed catalog."""

    words: dict[str, list[str]]  # per language, every distinct word
    cum: dict[str, list[int]]  # cumulative frequencies, for weighted draws
    title_words: dict[str, list[str]]
    title_cum: dict[str, list[int]]
    # (kind, field) -> list of {lang: length}, one entry per seed record having the field
    lengths: dict[tuple[str, str], list[dict[str, int]]]
    presence: dict[str, Counter]  # kind -> field -> how many seed records have it
    counts: Counter  # records per kind
    tags: list[str]
    regions: list[str]
    countries: list[str]
    instruments: list[str]
    authors: list[str]
    publishers: list[str]


def _localized_lengths(value) -> dict[str, int] | None:
    if isinstance(value, dict) and isinstance(value.get("es"), str):
        return {lang: len(text) for lang, text in value.items() if isinstance(text, str)}
    return None


def learn(seeds: Path | None = None) -> SeedModel:
    """Word frequencies and text lengths of the seed catalog."""
    seeds = seeds or paths.seeds_dir()
    freq = {lang: Counter() for lang in LANGS}
    title_freq = {lang: Counter() for lang in LANGS}
    lengths: dict[tuple[str, str], list[dict[str, int]]] = defaultdict(list)
    presence: dict[str, Counter] = defaultdict(Counter)
    counts: Counter = Counter()
    tags, regions, countries, instruments, authors, publishers = (set() for _ in range(6))

    def words_of(value, target):
        for lang, text in value.items():
            if lang in target and isinstance(text, str):
                target[lang].update(_WORD.findall(text))

    for path in sorted(seeds.glob("*/*.json")):
        kind = path.parent.name
        data = json.loads(path.read_text(encoding="utf-8"))
        counts[kind] += 1
        for field, value in data.items():
            presence[kind][field] += 1
            if field == "title":
                words_of(value, title_freq)
            if field in LOCALIZED_FIELDS and (lens := _localized_lengths(value)):
                lengths[(kind, field)].append(lens)
                words_of(value, freq)
            elif field == "activities":
                for item in value:
                    lengths[(kind, "activity")].append(_localized_lengths(item))
                    words_of(item, freq)
                lengths[(kind, "n_activities")].append({"n": len(value)})
            elif field == "practice":
                for key, item in value.items():
                    lengths[(kind, f"practice.{key}")].append(_localized_lengths(item))
                    words_of(item, freq)
            elif field == "tags":
                tags.update(value)
                lengths[(kind, "n_tags")].append({"n": len(value)})
        regions.update(data.get("regions", []))
        countries.update(data.get("countries", []))
        authors.update(data.get("authors", []))
        if isinstance(data.get("instrument"), str):
            instruments.add(data["instrument"])
        if isinstance(data.get("publisher"), str):
            publishers.add(data["publisher"])

    def table(counter):
        # Most frequent first, ties by the word: the same order on every machine.
        items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        return [w for w, _ in items], list(accumulate(n for _, n in items))

    words, cum, title_words, title_cum = {}, {}, {}, {}
    for lang in LANGS:
        words[lang], cum[lang] = table(freq[lang])
        title_words[lang], title_cum[lang] = table(title_freq[lang] + freq[lang])
    return SeedModel(
        words, cum, title_words, title_cum, dict(lengths), dict(presence), counts,
        sorted(tags), sorted(regions) or ["Cusco"], sorted(countries) or ["PE"],
        sorted(instruments), sorted(authors), sorted(publishers),
    )


class Writer:
    """Text of a given length from the seed words, at their frequencies."""

    def __init__(self, model: SeedModel, rng: random.Random) -> None:
        self.model = model
        self.rng = rng

    def _draw(self, words, cum, k):
        total = cum[-1]
        rnd = self.rng.random
        return [words[bisect.bisect_right(cum, rnd() * total)] for _ in range(k)]

    def text(self, lang: str, length: int, title: bool = False) -> str:
        words, cum = (
            (self.model.title_words[lang], self.model.title_cum[lang])
            if title
            else (self.model.words[lang], self.model.cum[lang])
        )
        out: list[str] = []
        size = 0
        sentence = 0
        rng = self.rng
        while size < length:
            batch = self._draw(words, cum, max(4, (length - size) // 6 + 1))
            for word in batch:
                if lang == "qu" and "'" in word and rng.random() < 0.1:
                    word = word.replace("'", "\u2019")  # a typed variant, as some publishers write
                if sentence == 0 and not title:
                    word = word[:1].upper() + word[1:]
                elif title and not out:
                    word = word[:1].upper() + word[1:]
                sentence += 1
                piece = word
                if not title and sentence >= 8 and rng.random() < 0.12:
                    piece += "."
                    sentence = 0
                    if size > 200 and rng.random() < 0.15:
                        piece += "\n\n"  # paragraphs, as the spec writes them
                        out.append(piece)
                        size += len(piece)
                        if size >= length:
                            break
                        continue
                elif not title and rng.random() < 0.04:
                    piece += ","
                out.append(piece + " ")
                size += len(piece) + 1
                if size >= length:
                    break
        text = "".join(out).strip()
        if not title and not text.endswith("."):
            text = text.rstrip(",") + "."
        return text

    def localized(self, kind: str, field: str, title: bool = False) -> dict[str, str]:
        samples = self.model.lengths.get((kind, field)) or self.model.lengths[("program", "summary")]
        lens = self.rng.choice(samples)
        result = {}
        for lang in LANGS:
            n = lens.get(lang) or lens.get("es")
            result[lang] = self.text(lang, n, title=title) or "texto"
        return result


def _share(kind: str, model: SeedModel, field: str) -> float:
    return model.presence.get(kind, Counter())[field] / max(1, model.counts[kind])


def _pick(rng, values, low, high):
    return sorted(rng.sample(values, min(len(values), rng.randint(low, high))))


def make_record(kind: str, index: int, model: SeedModel, w: Writer, ids: dict[str, list[str]]) -> dict:
    rng = w.rng
    data: dict = {"title": w.localized(kind, "title", title=True)}
    for field in ("summary", "body"):
        if rng.random() < _share(kind, model, field):
            data[field] = w.localized(kind, field)
    n_tags = rng.choice(model.lengths.get((kind, "n_tags"), [{"n": 3}]))["n"]
    data["tags"] = _pick(rng, model.tags, n_tags, n_tags)
    data["updated"] = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
    has = lambda field: rng.random() < _share(kind, model, field)  # noqa: E731
    if kind == "program":
        data["countries"] = _pick(rng, model.countries, 1, 2)
        if has("regions"):
            data["regions"] = _pick(rng, model.regions, 1, 3)
        if has("settings"):
            data["settings"] = _pick(rng, ["rural", "urban", "peri-urban"], 1, 2)
        if has("levels"):
            data["levels"] = _pick(rng, ["early", "primary", "secondary", "adult", "teacher"], 1, 3)
        if has("year_start"):
            data["year_start"] = rng.randint(1995, 2025)
        if has("organization_ids") and ids["organization"]:
            data["organization_ids"] = _pick(rng, ids["organization"], 1, 2)
        if has("practice"):
            data["practice"] = {k: w.localized(kind, f"practice.{k}") for k in PRACTICE_KEYS}
    elif kind == "safety_guide":
        data["audience"] = _pick(rng, ["teacher", "parent", "student"], 1, 3)
        data["topics"] = _pick(
            rng, ["safe-use", "privacy", "grooming", "cyberbullying", "sexual-exploitation", "reporting"], 1, 3
        )
        if ids["legal_reference"]:
            data["legal_reference_ids"] = _pick(rng, ids["legal_reference"], 1, 3)
        if ids["organization"]:
            data["organization_ids"] = _pick(rng, ids["organization"], 1, 2)
    elif kind == "year_focus":
        data["year"] = index % 6 + 1
        data["focus"] = w.localized(kind, "focus", title=True)
        n = rng.choice(model.lengths.get((kind, "n_activities"), [{"n": 4}]))["n"]
        data["activities"] = [w.localized(kind, "activity") for _ in range(n)]
        if ids["program"]:
            data["program_ids"] = _pick(rng, ids["program"], 1, 3)
    elif kind == "organization":
        data["kind"] = rng.choice(["government", "ngo", "international", "company", "network", "university", "school"])
        if has("countries"):
            data["countries"] = _pick(rng, model.countries, 1, 2)
    elif kind == "resource":
        data["kind"] = rng.choice(["report", "paper", "study", "chapter", "law", "other"])
        if has("year"):
            data["year"] = rng.randint(1990, 2025)
        if has("authors") and model.authors:
            data["authors"] = _pick(rng, model.authors, 1, 3)
        if has("publisher") and model.publishers:
            data["publisher"] = rng.choice(model.publishers)
    elif kind == "legal_reference":
        data["instrument"] = rng.choice(model.instruments) if model.instruments else "Código Penal"
        if has("article"):
            data["article"] = f"{rng.randint(1, 400)}" + rng.choice(["", "", "-A", "-B"])
        if has("penalty"):
            data["penalty"] = w.localized(kind, "penalty")
    return data


def kind_counts(total: int) -> dict[str, int]:
    """Records per kind for ``total`` records, in the seed catalog's proportions."""
    whole = sum(KIND_SHARE.values())
    counts = {k: max(1, total * n // whole) for k, n in KIND_SHARE.items()}
    counts["organization"] += total - sum(counts.values())
    return counts


def generate_records(total: int, seed: int = 1, model: SeedModel | None = None) -> dict[tuple[str, str], dict]:
    """``total`` records, the same for the same (total, seed) on every machine."""
    model = model or learn()
    rng = random.Random(f"aulalocal-bench-{seed}-{total}")
    w = Writer(model, rng)
    counts = kind_counts(total)
    ids = {kind: [f"{kind.replace('_', '-')}-{i:06d}" for i in range(n)] for kind, n in counts.items()}
    records = {}
    for kind in ("organization", "legal_reference", "program", "safety_guide", "year_focus", "resource"):
        for i, id_ in enumerate(ids[kind]):
            records[(kind, id_)] = make_record(kind, i, model, w, ids)
    return records


def next_version(records: dict, seed: int = 1, model: SeedModel | None = None,
                 changed: float = 0.05, removed: float = 0.01, added: float = 0.01) -> dict:
    """The catalog's next sequence: some records changed, some removed, some added."""
    model = model or learn()
    rng = random.Random(f"aulalocal-bench-next-{seed}-{len(records)}")
    w = Writer(model, rng)
    keys = sorted(records)
    out = dict(records)
    for key in rng.sample(keys, int(len(keys) * removed)):
        del out[key]
    for key in rng.sample(sorted(out), int(len(keys) * changed)):
        data = dict(out[key])
        data["summary"] = w.localized(key[0], "summary")
        data["updated"] = "2026-11-30"
        out[key] = data
    ids = {kind: [i for k, i in keys if k == kind] for kind in KIND_SHARE}
    for n in range(int(len(keys) * added)):
        kind = rng.choice(sorted(KIND_SHARE))
        out[(kind, f"{kind.replace('_', '-')}-new-{n:06d}")] = make_record(kind, n, model, w, ids)
    return out


def write_source(folder: Path, records: dict, sequence: int = 1, catalog: str = CATALOG) -> Path:
    """A source folder in the seeds/ layout."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "catalog.json").write_text(json.dumps({
        "catalog": catalog, "sequence": sequence, "publisher": "Bench publisher",
        "created": "2026-11-24T00:00:00Z", "languages": list(LANGS),
    }))
    for kind in KIND_SHARE:
        (folder / kind).mkdir()
    for (kind, id_), data in records.items():
        (folder / kind / f"{id_}.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return folder


@dataclass
class BenchCatalog:
    records: int
    v1: Path
    v2: Path
    full1: Path
    full2: Path
    delta2: Path
    public_key: object  # minisign.PublicKey


def sign(bundle: Path, secret) -> Path:
    from aulalocal.bundle import minisign

    sig = bundle.with_name(bundle.name + ".minisig")
    sig.write_bytes(minisign.sign_file(bundle, secret, f"file:{bundle.name}\thashed"))
    return sig


def make_catalog(out: Path, total: int, seed: int = 1, keypair=None, model: SeedModel | None = None) -> BenchCatalog:
    """Source folders v1 and v2 and their signed full and delta bundles under ``out``."""
    from datetime import datetime, timezone

    from aulalocal.bundle import minisign
    from aulalocal.bundle.build import build_bundle

    model = model or learn()
    out.mkdir(parents=True, exist_ok=True)
    public, secret = keypair or minisign.generate_keypair("bench key (made for this run)")
    first = generate_records(total, seed, model)
    v1 = write_source(out / "v1", first, sequence=1)
    v2 = write_source(out / "v2", next_version(first, seed, model), sequence=2)
    del first
    created = datetime(2026, 11, 24, tzinfo=timezone.utc)
    full1, full2, delta2 = out / "full-1.aulabundle", out / "full-2.aulabundle", out / "delta-2.aulabundle"
    build_bundle(v1, full1, CATALOG, 1, created=created)
    build_bundle(v2, full2, CATALOG, 2, created=created)
    build_bundle(v2, delta2, CATALOG, 2, base=1, base_source=v1, created=created)
    for bundle in (full1, full2, delta2):
        sign(bundle, secret)
    (out / "bench.pub").write_text(public.to_text())
    return BenchCatalog(total, v1, v2, full1, full2, delta2, public)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--bundles", action="store_true", help="also build and sign full and delta bundles")
    args = parser.parse_args()
    if args.bundles:
        cat = make_catalog(args.out, args.records, args.seed)
        print(f"{cat.v1}, {cat.v2}, {cat.full1}, {cat.full2}, {cat.delta2} (key {cat.public_key.key_id_hex})")
    else:
        model = learn()
        records = generate_records(args.records, args.seed, model)
        write_source(args.out / "v1", records, 1)
        write_source(args.out / "v2", next_version(records, args.seed, model), 2)
        print(f"{args.out / 'v1'}, {args.out / 'v2'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
