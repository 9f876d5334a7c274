"""Merged-event benchmark (not a test): incremental remerge against a full rebuild, and filtered queries
over merged events.

    .venv/bin/python bench/merge_bench.py [--events 50000] [--batch 20] [--query-events 1000000] [--repeat 7]
                                          [--keep FILE]

1. Remerge: a synthetic store of ``--events`` events (bench/store_bench.py's generator), merged in full once;
   then ``--batch`` fictional articles are added (attacks in Iraq on a date the store covers, so they meet
   stored candidates) and the store is brought up to date by an incremental remerge, then by a full
   rebuild; both end with the same merged events (checked).
2. Queries: a store of ``--query-events`` events (0 to skip) whose merged tables are synthesised in SQL (the
   events of articles 2k-1 and 2k paired into one merged event: half as many merged events as events),
   timed with the filters of store_bench.py through ``Store.count_merged`` and ``Store.merged_events``.
   ``--keep FILE`` writes that store to FILE and keeps it; when FILE exists already it is reused (not rebuilt),
   so two versions of the code are timed on the same store. ``--events 0`` skips part 1.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_bench import QUERIES, fictional_result, synthesise, timed  # noqa: E402

from warwire.resolve.merge import PRODUCER  # noqa: E402
from warwire.store import Filters, Store  # noqa: E402
from warwire.store.schema import FILL_MERGED_ACTORS  # noqa: E402


def bench_remerge(path: Path, n_events: int, batch: int) -> None:
    with Store.open(path) as store:
        synthesise(store, n_events)
        t0 = time.perf_counter()
        first = store.remerge(full=True)
        initial = time.perf_counter() - t0
        store.add_results([fictional_result(i) for i in range(batch)])
        t0 = time.perf_counter()
        inc = store.remerge()
        incremental = time.perf_counter() - t0
        after_incremental = _ids(store)
        t0 = time.perf_counter()
        full = store.remerge(full=True)
        rebuild = time.perf_counter() - t0
        same = after_incremental == _ids(store)
    print(f"remerge on {n_events:,} events: first full merge {initial:.2f}s -> {first.total:,} merged events")
    print(f"  + {batch} articles: incremental {incremental * 1000:.0f} ms ({inc.reports} reports merged, "
          f"{inc.removed} merged events replaced by {inc.added}); full rebuild {rebuild:.2f}s "
          f"({full.reports:,} reports); speed-up {rebuild / incremental:.0f}x; same merged events: {same}")


def _ids(store: Store) -> list[tuple]:
    return store._con.execute("SELECT m.id, list(r.event_pk ORDER BY r.event_pk) FROM merged_events m "
                              "JOIN merged_event_reports r ON r.merged_id = m.id GROUP BY m.id ORDER BY m.id").fetchall()


def synthesise_merged(store: Store) -> None:
    """Merged tables for a synthetic store: each pair of articles (2k-1, 2k) tells the same events."""
    con = store._con
    mid = "'M' || ((e.article_id + 1) // 2) || '-' || e.seq"
    con.execute(f"""INSERT INTO merged_events SELECT {mid}, {mid}, e.type, e.mode, e.acled_event_type,
        e.acled_sub_event_type, e.modality, false, e.date_start, e.date_end, e.date_precision, 'Town', e.country,
        NULL, 'town', e.lat, e.lon, NULL,
        '[{{"name": "Group", "canonical": null, "kb_id": null, "country": null, "kind": "militia"}}]',
        '[]', 2, 2, 2, e.fatalities_min, e.fatalities_min, e.fatalities_max, '[]', e.pk, e.article_id,
        e.date_start, '[]', 0.8, '{PRODUCER}', NULL, nextval('merged_keys')
        FROM events e WHERE e.article_id % 2 = 1 ORDER BY e.date_start""")
    con.execute(f"INSERT INTO merged_event_reports SELECT {mid}, e.pk, e.article_id, m.key FROM events e "
                f"JOIN merged_events m ON m.id = {mid}")
    con.execute(FILL_MERGED_ACTORS.format(keys="TRUE"))
    con.execute("CHECKPOINT")


def bench_queries(path: Path, n_events: int, repeat: int) -> None:
    t0 = time.perf_counter()
    reused = path.exists()
    if not reused:
        with Store.open(path) as store:
            synthesise(store, n_events)
            synthesise_merged(store)
    build = "reused" if reused else f"built in {time.perf_counter() - t0:.0f}s"
    with Store.open(path, read_only=True) as store:
        print(f"queries on {store.count_merged():,} merged events of {store.counts()['events']:,} events ({build})")
        print(f"{'query':30} {'matches':>9} | {'count ms':>8} | {'page ms':>7}   (median of {repeat}; page = the "
              f"first 100 MergedRows, newest first)")
        worst = 0.0
        for name, f in QUERIES:
            w_count, _, n = timed(lambda: store.count_merged(f), repeat)
            w_page, _, _ = timed(lambda: store.merged_events(f, limit=100), repeat)
            if f != Filters():
                worst = max(worst, w_count, w_page)
            print(f"{name:30} {n:>9,} | {w_count:>8.1f} | {w_page:>7.1f}")
    print(f"slowest filtered merged query: {worst:.1f} ms wall (goal: under 100 ms); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=50_000)
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--query-events", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--keep", default=None, help="The query store: reused if it exists, else built there and kept.")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.events:
            bench_remerge(Path(tmp) / "remerge.duckdb", args.events, args.batch)
        if args.query_events:
            path = Path(args.keep) if args.keep else Path(tmp) / "query.duckdb"
            bench_queries(path, args.query_events, args.repeat)


if __name__ == "__main__":
    main()
