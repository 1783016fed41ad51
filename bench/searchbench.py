"""Search latency over the fixed list of 200 queries (bench/queries.tsv).

Measured on a data folder's catalog, each query once per round after a
warm-up round; each round gives a p50 and a p95 over the 200 queries:

- ``titles``: ``search_titles(limit=10)``, the title matches shown first while
  one types (beside Kiwix ``/suggest``, 10 suggestions);
- ``search25``: ``search(limit=25)``, the full ranked list, first page (beside
  Kiwix ``/search``, 25 results a page);
- ``search50``: ``search()`` as ``aulalocal search`` calls it (50 results);
- ``ui``: what the window runs as one types (``ui.models.fetch_rows``: search
  in every section, 200 results, with snippets);
- ``raw``: the limit: a raw FTS5 query of the same terms on the same database,
  every match ranked with the same bm25 weights, top 50.

``python -m bench.searchbench --data DIR [--zim FILE] --rounds N`` prints the
figures as JSON, so the main run can start it pinned to one core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
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
                "SELECT rowid FROM search_text_fts WHERE search_text_fts MATCH ?"
                " ORDER BY bm25(search_text_fts, 10.0, 1.0) LIMIT 50",
                [query],
            ).fetchall()

    series = {
        "search25": lambda text, lang: s.search(db, text, lang=lang, limit=25),
        "search50": lambda text, lang: s.search(db, text, lang=lang),
        "raw": raw,
    }
    if hasattr(s, "search_titles"):
        series["titles"] = lambda text, lang: s.search_titles(db, text, lang=lang, limit=10)
    try:
        from aulalocal.ui import models

        def ui(text: str, lang: str):
            models.fetch_rows(db, models.Query(mode="search", lang=lang, text=text), Path("/nonexistent"))

        series["ui"] = ui
    except Exception:  # noqa: BLE001 - no Qt here: the UI figure is left out
        pass
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


def measure_aulalocal(data_dir: Path, rounds: int, only: list[str] | None = None) -> dict:
    from aulalocal.catalog.db import open_catalog

    db = open_catalog(Path(data_dir) / "catalog.db")
    queries = load_queries()
    try:
        out = {}
        for name, fn in _series(db).items():
            if only and name not in only:
                continue
            out[name] = _timed_rounds(fn, queries, rounds)
        return out
    finally:
        db.close()


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
    args = parser.parse_args()
    result = measure_aulalocal(args.data, args.rounds)
    if args.zim:
        result.update(measure_kiwix(args.zim, args.rounds, args.pin))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
