"""Search latency over the fixed list of 200 queries (bench/queries.tsv).

Measured on a data folder's catalog, each query once per round after a
warm-up round; each round gives a p50 and a p95 over the 200 queries:

- ``ui``: what the window runs as one types (``ui.models.fetch_rows``: search
  in every section, 200 results, the first 20 with their snippets), beside
  Kiwix ``/suggest`` (10 suggestions, what Kiwix shows as one types);
- ``snippets``: the snippets of the next 20 results, as the window asks for
  them when they scroll into view (``ui.models.fetch_snippets``);
- ``search25``: ``search(limit=25)``, the full ranked list, first page (beside
  Kiwix ``/search``, 25 results a page);
- ``search50``: ``search()`` as ``aulalocal search`` calls it (50 results,
  every one with its snippet);
- ``raw``: the limit: a raw FTS5 query of the same terms on the same database,
  every match ranked with the same bm25 weights, top 50.

``ranking`` compares the order the window shows with a reference ranking
made here, independently of ``catalog/search.py`` (its own reading of the
query, plain SQL joins instead of rowid ranges, every match scored and sorted
in Python): the last word whole, then as a prefix; in each, title matches
first by the language's title index's bm25, then the other matches by its
full-text index's ``bm25(…, 10, 1)``.

``python -m bench.searchbench --data DIR [--zim FILE] --rounds N`` prints the
figures as JSON, so the main run can start it pinned to one core.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import unicodedata
from pathlib import Path

from bench.stats import percentile

QUERIES = Path(__file__).with_name("queries.tsv")


def load_queries() -> list[tuple[str, str, str]]:
    rows = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        category, lang, text = line.split("\t")
        rows.append((category, lang, text))
    return rows


def _series(db) -> dict:
    from aulalocal.catalog import search as s

    def raw(text: str, lang: str):
        query = s.fts_query(text)
        if query is not None:
            db.execute(
                f"SELECT rowid FROM search_text_fts_{lang} WHERE search_text_fts_{lang} MATCH ?"
                f" ORDER BY bm25(search_text_fts_{lang}, 10.0, 1.0) LIMIT 50",
                [query],
            ).fetchall()

    series = {
        "search25": lambda text, lang: s.search(db, text, lang=lang, limit=25),
        "search50": lambda text, lang: s.search(db, text, lang=lang),
        "raw": raw,
    }
    try:
        from aulalocal.ui import models
    except Exception:  # noqa: BLE001 - no Qt here: the UI figures are left out
        return series

    def ui(text: str, lang: str):
        models.fetch_rows(db, models.Query(mode="search", lang=lang, text=text), Path("/nonexistent"))

    # The keys of the rows after the first snippets, found before the timing.
    later: dict[tuple[str, str], list] = {}
    for _cat, lang, text in load_queries():
        hits = s.search(db, text, lang=lang, limit=models.SEARCH_LIMIT, snippets=0)
        block = hits[models.FIRST_SNIPPETS : models.FIRST_SNIPPETS + models.SNIPPET_BLOCK]
        later[(lang, text)] = [(h.catalog, h.kind, h.id) for h in block]

    def snippets(text: str, lang: str):
        models.fetch_snippets(db, models.Query(mode="search", lang=lang, text=text), later[(lang, text)])

    series["ui"] = ui
    series["snippets"] = snippets
    return series


def _timed_rounds(fn, queries, rounds: int) -> dict:
    """p50 and p95 (ms) of each round, and every sample of the last round per category."""
    for _cat, lang, text in queries:  # warm-up: caches, statements, regexes
        fn(text, lang)
    p50, p95, worst = [], [], []
    per_category: dict[str, list[float]] = {}
    for _ in range(rounds):
        samples = []
        for cat, lang, text in queries:
            start = time.perf_counter()
            fn(text, lang)
            ms = (time.perf_counter() - start) * 1000
            samples.append(ms)
            per_category.setdefault(cat, []).append(ms)
        p50.append(percentile(samples, 50))
        p95.append(percentile(samples, 95))
        worst.append(max(samples))
    slowest = sorted(zip(samples, (q[2] for q in queries)), reverse=True)[:3]
    return {
        "p50": p50,
        "p95": p95,
        "max": worst,
        "p95_by_category": {c: percentile(v, 95) for c, v in per_category.items()},
        "slowest": [[round(ms, 1), text] for ms, text in slowest],
    }


def measure_aulalocal(data_dir: Path, rounds: int, only: list[str] | None = None, ranking: bool = False) -> dict:
    from aulalocal.catalog.db import open_catalog

    db = open_catalog(Path(data_dir) / "catalog.db")
    queries = load_queries()
    try:
        out = {}
        for name, fn in _series(db).items():
            if only and name not in only:
                continue
            out[name] = _timed_rounds(fn, queries, rounds)
        if ranking:
            out["ranking"] = ranking_agreement(db, queries)
        return out
    finally:
        db.close()


# -- the reference ranking ---------------------------------------------------------

def _is_token_char(ch: str) -> bool:
    # FTS5's unicode61 tokenizer: letters (U+02BC, the Quechua apostrophe
    # once folded, is one), digits and private-use characters make tokens.
    return unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co"


def _reference_forms(chunk: str, tokens: list[str]) -> list[list[str]]:
    """A chunk's tokens, and for a number the other way of writing it (with or without thousands separators)."""
    bare = chunk.strip("".join(ch for ch in chunk if not ch.isalnum()))
    forms = [tokens]
    if len(tokens) > 1 and all(t.isdigit() for t in tokens) and 1 <= len(tokens[0]) <= 3 \
            and all(len(t) == 3 for t in tokens[1:]) and all(sep in ".," for sep in bare if not sep.isdigit()) \
            and len(bare) == sum(map(len, tokens)) + len(tokens) - 1:
        forms.append(["".join(tokens)])
    elif len(tokens) == 1 and tokens[0].isdigit() and len(tokens[0]) >= 4 and tokens[0][0] != "0" and bare == tokens[0]:
        digits = tokens[0]
        groups = []
        while digits:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        forms.append(groups)
    return forms


def reference_match(text: str, prefix: bool = True) -> str | None:
    """The FTS5 query for typed text, read here on its own: each word a phrase, the last one a prefix."""
    from aulalocal.catalog.text import fold_apostrophes  # how the index stores apostrophes

    groups = []
    for chunk in fold_apostrophes(text).split():
        tokens, current = [], ""
        for ch in chunk:
            if _is_token_char(ch):
                current += ch
            elif current:
                tokens.append(current)
                current = ""
        if current:
            tokens.append(current)
        if tokens:
            groups.append(_reference_forms(chunk, tokens))
    if not groups:
        return None
    out = []
    for n, forms in enumerate(groups):
        star = "*" if prefix and n == len(groups) - 1 else ""
        phrases = ['"' + " ".join(form) + '"' + star for form in forms]
        out.append("(" + " OR ".join(phrases) + ")")
    return " AND ".join(out)


def reference_ranking(db, text: str, lang: str) -> list[tuple[tuple[int, float], int]]:
    """Every match of ``text`` in ``lang``, best first, as ((phase, score), record rowid).

    The last word whole first, then as a prefix; in each, the records whose
    title matches (scored by the language's title index's bm25), then the
    other matches (bm25 of its full-text index, titles weighing ten times the
    body). Lower sorts first (FTS5's bm25 is negative, better is lower).
    """
    ranked, seen = [], set()
    for phase, (prefix, table, weights) in enumerate(
        [(False, "title", ""), (False, "text", ", 10.0, 1.0"), (True, "title", ""), (True, "text", ", 10.0, 1.0")]
    ):
        match = reference_match(text, prefix)
        if match is None:
            return []
        index = f"search_{table}_fts_{lang}"
        rows = db.execute(
            f"SELECT s.record, bm25({index}{weights}) FROM {index}"
            f" JOIN search_text s ON s.rowid = {index}.rowid"
            f" WHERE {index} MATCH ? AND s.lang = ?",
            (match, lang),
        ).fetchall()
        for record, score in rows:
            if record not in seen:
                ranked.append(((phase, score), record))
        seen.update(record for record, _score in rows)
    ranked.sort()
    return ranked


def _overlap(shown: list[int], reference: list[tuple[tuple[int, float], int]], k: int) -> float:
    """Share of the reference's first ``k`` found among the first ``k`` shown.

    A shown record counts when it scores as well as the reference's k-th (a
    tie at the edge may go either way).
    """
    if not reference:
        return 1.0 if not shown else 0.0
    top = reference[: k]
    edge = top[-1][0]
    tied = {record for key, record in reference if key <= edge}
    return len(set(shown[:k]) & tied) / len(top)


def ranking_agreement(db, queries) -> dict:
    """Per query category: top-10 and top-25 overlap, #1 agreement, and reference #1s missing from all shown."""
    from aulalocal.catalog import search as s

    limit = 200
    try:
        from aulalocal.ui.models import SEARCH_LIMIT as limit  # as the window searches
    except Exception:  # noqa: BLE001 - no Qt here
        pass
    rowids = {(c, k, i): rowid for c, k, i, rowid in db.execute("SELECT catalog, kind, id, rowid FROM records")}
    per: dict[str, dict[str, list[float]]] = {}
    worst = []
    for category, lang, text in queries:
        shown = [rowids[(h.catalog, h.kind, h.id)] for h in s.search(db, text, lang=lang, limit=limit, snippets=0)]
        reference = reference_ranking(db, text, lang)
        row = per.setdefault(category, {"top10": [], "top25": [], "first": [], "first_missing": []})
        row["top10"].append(_overlap(shown, reference, 10))
        row["top25"].append(_overlap(shown, reference, 25))
        if reference:
            firsts = {record for key, record in reference if key == reference[0][0]}
            row["first"].append(1.0 if shown and shown[0] in firsts else 0.0)
            row["first_missing"].append(0.0 if firsts & set(shown) else 1.0)
        else:
            row["first"].append(1.0 if not shown else 0.0)
        if row["top10"][-1] < 1:
            worst.append([round(row["top10"][-1], 2), lang, text])
    out = {
        category: {
            "queries": len(row["top10"]),
            "top10": statistics.fmean(row["top10"]),
            "top25": statistics.fmean(row["top25"]),
            "first": statistics.fmean(row["first"]),
            "first_missing": int(sum(row["first_missing"])),
        }
        for category, row in per.items()
    }
    out["all"] = {
        "queries": sum(r["queries"] for r in out.values()),
        "top10": statistics.fmean(v for row in per.values() for v in row["top10"]),
        "top25": statistics.fmean(v for row in per.values() for v in row["top25"]),
        "first": statistics.fmean(v for row in per.values() for v in row["first"]),
        "first_missing": sum(r["first_missing"] for r in out.values()),
        "results_shown": limit,
        "below_one": sorted(worst)[:10],
    }
    return out


def measure_kiwix(zim: Path, rounds: int, pin: str | None = None) -> dict:
    from bench import kiwix

    queries = load_queries()
    with kiwix.KiwixServer(zim, pin=pin) as server:
        return {
            "kiwix_suggest": _timed_rounds(lambda text, lang: server.suggest(text, 10), queries, rounds),
            "kiwix_search": _timed_rounds(lambda text, lang: server.search(text, 25), queries, rounds),
        }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.searchbench")
    parser.add_argument("--data", type=Path, required=True, help="an AulaLocal data folder")
    parser.add_argument("--zim", type=Path, help="the same records as a ZIM, for kiwix-serve")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pin", help="CPU list for kiwix-serve (taskset -c)")
    parser.add_argument("--ranking", action="store_true", help="also compare the ranking with the reference")
    args = parser.parse_args()
    result = measure_aulalocal(args.data, args.rounds, ranking=args.ranking)
    if args.zim:
        result.update(measure_kiwix(args.zim, args.rounds, args.pin))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
