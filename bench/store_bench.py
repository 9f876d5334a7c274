"""Store benchmark: filtered queries on a store of 1 million events (not a test; takes about a minute):

    .venv/bin/python bench/store_bench.py [--events 1000000] [--repeat 7] [--keep FILE]

It synthesises a store in a temporary DuckDB file through the real schema (warwire.store.schema): 250,000
fictional articles of 4 events each, 3 actors per article (a group from a pool of 2,000, the police of
the country, and for one article in five a unit that a stored relation makes member_of the group), one
place per article spread over 30 countries, dates over ten years in ingestion order as a real stream.
Rows are generated in SQL (``INSERT ... SELECT FROM range(n)``) because a million add_result calls
would measure the writer, not the queries; the writer is timed apart on 1,000 articles.

For each typical filter it prints the median wall time of ``Store.count(filters)`` and of
``Store.events(filters, limit=100)`` (the first page of full EventRows, the Python side included),
measured through the same Store API the CLI uses, after one warm-up call. The goal (issue 4): under
100 ms per filtered query on 1M events.
"""
from __future__ import annotations

import argparse
import os
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from warwire.store import Filters, Near, Store  # noqa: E402
from warwire.types import (AcledCode, Actor, ActorKind, Article, Event, EventType, Modality, Place,  # noqa: E402
                           Precision, Quantity, Result, Span, TimeSpan)

EVENTS_PER_ARTICLE = 4
GROUPS = 2000
UNITS = 5000
# (iso3, lat, lon) centres; places are jittered around them by up to ~2 degrees
COUNTRIES = [("IRQ", 33.3, 44.4), ("SYR", 35.0, 38.5), ("YEM", 15.4, 44.2), ("MLI", 16.3, -1.5),
             ("SOM", 2.0, 45.3), ("NGA", 9.1, 7.5), ("SDN", 15.5, 32.5), ("AFG", 34.5, 69.2), ("UKR", 48.4, 31.2),
             ("COD", -1.7, 29.2), ("BFA", 12.4, -1.5), ("NER", 13.5, 2.1), ("LBY", 32.9, 13.2), ("PAK", 33.7, 73.1),
             ("MMR", 19.8, 96.1), ("ETH", 9.0, 38.7), ("CMR", 6.0, 12.4), ("MOZ", -12.9, 40.5), ("LBN", 33.9, 35.5),
             ("PSE", 31.5, 34.5), ("ISR", 31.8, 35.2), ("COL", 4.6, -74.1), ("MEX", 19.4, -99.1), ("HTI", 18.5, -72.3),
             ("PHL", 7.1, 125.6), ("IND", 28.6, 77.2), ("TUR", 39.9, 32.9), ("IRN", 35.7, 51.4), ("SSD", 4.9, 31.6),
             ("CAF", 4.4, 18.6)]
TYPES = ["ASSAULT"] * 6 + ["COERCE"] * 2 + ["PROTEST"] * 2 + ["ACCUSE", "THREATEN", "MOBILIZE", "CONSULT", "AGREE",
                                                              "SUPPORT", "REQUEST", "REJECT", "SANCTION", "AID",
                                                              "COOPERATE", "CONCEDE", "RETREAT"]
ACLED = {"ASSAULT": ("Explosions/Remote violence", "Air/drone strike"), "COERCE": ("Strategic developments", "Arrests"),
         "PROTEST": ("Protests", "Peaceful protest")}
MODALITIES = ["asserted"] * 6 + ["claimed", "alleged", "threatened", "planned", "denied", "negated"]


def _sql_list(values) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def synthesise(store: Store, n_events: int) -> None:
    con = store._con
    n = n_events // EVENTS_PER_ARTICLE
    con.execute("CREATE TEMP TABLE c AS SELECT * FROM (VALUES " +
                ", ".join(f"({i}, '{iso}', {lat}, {lon})" for i, (iso, lat, lon) in enumerate(COUNTRIES)) +
                ") t(idx, iso3, lat, lon)")
    # one row per article with everything its children derive from
    con.execute(f"""CREATE TEMP TABLE art AS SELECT i + 1 AS id, c.iso3, c.lat + ((hash(i, 1) % 4000) / 1000.0 - 2)
        AS lat, c.lon + ((hash(i, 2) % 4000) / 1000.0 - 2) AS lon, hash(i, 3) % {GROUPS} AS grp,
        hash(i, 4) % {UNITS} AS unit, i % 5 = 0 AS has_unit,
        DATE '2015-01-01' + CAST(i * 3650 // {n} AS INTEGER) AS published
        FROM range({n}) r(i) JOIN c ON c.idx = hash(i, 0) % {len(COUNTRIES)}""")
    con.execute("""INSERT INTO articles SELECT id, 'bench-' || id, 'https://news.example/' || id,
        'https://news.example/' || id, md5(id::VARCHAR), 'Report ' || id, published, 'en',
        'Fictional report number ' || id, 'ok', NULL, NULL, 1, true, now()::TIMESTAMP, NULL FROM art""")
    # actor keys: 3 per article (A1 the group, A2 the police, A3 the unit)
    con.execute("""INSERT INTO actors
        SELECT id, 'A1', 3 * id, 0, 'Group ' || grp, 'Group ' || grp || ' Front', 'group_' || grp, 'militia', iso3,
               'Group ' || grp || ' Front', 'bench' FROM art
        UNION ALL SELECT id, 'A2', 3 * id + 1, 1, 'police', 'Police Forces of ' || iso3, lower(iso3) || '_police',
               'police', iso3, 'Police Forces of ' || iso3, 'bench' FROM art
        UNION ALL SELECT id, 'A3', 3 * id + 2, 2, 'Unit ' || unit, NULL, NULL, 'militia', iso3, NULL, 'bench' FROM art
               WHERE has_unit""")
    con.execute("""INSERT INTO actor_names
        SELECT 3 * id, 'group ' || grp FROM art UNION ALL SELECT 3 * id, 'group ' || grp || ' front' FROM art
        UNION ALL SELECT 3 * id, 'group_' || grp FROM art UNION ALL SELECT 3 * id + 1, 'police' FROM art
        UNION ALL SELECT 3 * id + 1, lower('police forces of ' || iso3) FROM art
        UNION ALL SELECT 3 * id + 2, 'unit ' || unit FROM art WHERE has_unit""")
    con.execute("""INSERT INTO relations SELECT id, 0, 'member_of', 'A3', 'A1', 3 * id + 2, 3 * id, 0.9, 0, 10,
        'is a unit of', 'bench' FROM art WHERE has_unit""")
    con.execute("""INSERT INTO places SELECT id, 'P1', 0, 'Town ' || (hash(id, 5) % 20000), iso3, NULL, 'town',
        lat, lon, NULL, 'bench' FROM art""")
    types, mods = _sql_list(TYPES), _sql_list(MODALITIES)
    acled_t = "CASE t " + " ".join(f"WHEN '{k}' THEN '{v[0]}'" for k, v in ACLED.items()) + " END"
    acled_s = "CASE t " + " ".join(f"WHEN '{k}' THEN '{v[1]}'" for k, v in ACLED.items()) + " END"
    con.execute(f"""INSERT INTO events SELECT pk, id, 'E' || (j + 1), j, true, t, NULL, [], {acled_t}, {acled_s},
        m, NULL, NULL, NULL, [CASE WHEN has_unit AND j = 0 THEN 'A3' ELSE 'A1' END], ['A2'], 'P1', iso3, lat, lon,
        d, d, 'day', 'on Sunday', f, f, NULL, NULL, NULL, 0.8, 0, 40, 'Fictional evidence sentence', 4, 12,
        'attacked', 'bench'
        FROM (SELECT a.*, j, (a.id - 1) * {EVENTS_PER_ARTICLE} + j + 1 AS pk,
                     {types}[CAST(1 + hash(a.id, j, 6) % {len(TYPES)} AS BIGINT)] AS t,
                     {mods}[CAST(1 + hash(a.id, j, 7) % {len(MODALITIES)} AS BIGINT)] AS m,
                     a.published - CAST(hash(a.id, j, 8) % 7 AS INTEGER) AS d,
                     CASE WHEN hash(a.id, j, 9) % 100 < 60 THEN NULL
                          WHEN hash(a.id, j, 9) % 1000 = 999 THEN 50 + hash(a.id, j, 10) % 200
                          ELSE hash(a.id, j, 10) % 20 END AS f
              FROM art a, range({EVENTS_PER_ARTICLE}) r(j)) x ORDER BY pk""")
    con.execute("""INSERT INTO event_actors
        SELECT pk, 3 * article_id + CASE sources[1] WHEN 'A3' THEN 2 ELSE 0 END, sources[1], 'source', 0 FROM events
        UNION ALL SELECT pk, 3 * article_id + 1, targets[1], 'target', 0 FROM events ORDER BY 1""")
    # rows came from range(), not the sequences: move each sequence past its table's ids so the store
    # takes further writes (DuckDB has no setval)
    for seq, table, col in (("article_ids", "articles", "id"), ("actor_keys", "actors", "key"),
                            ("event_ids", "events", "pk")):
        start = con.execute(f"SELECT max({col}) + 1 FROM {table}").fetchone()[0]
        con.execute(f"DROP SEQUENCE {seq}")
        con.execute(f"CREATE SEQUENCE {seq} START {start}")
    con.execute("CHECKPOINT")


QUERIES = [
    ("type ASSAULT + country IRQ", Filters(event_types=("ASSAULT",), countries=("IRQ",))),
    ("date range (one month)", Filters(since=dt.date(2020, 3, 1), until=dt.date(2020, 3, 31))),
    ("near Baghdad, 50 km", Filters(near=Near(33.3, 44.4, 50))),
    ("actor (name, with members)", Filters(actor="Group 17 Front")),
    ("actor, no members", Filters(actor="group 17", members=False)),
    ("actor + type + since", Filters(actor="Group 17", event_types=("ASSAULT",), since=dt.date(2022, 1, 1))),
    ("min fatalities 100", Filters(min_fatalities=100)),
    ("ACLED sub-type + modality", Filters(acled_types=("Air/drone strike",), modalities=("asserted",))),
    ("country + date + fatalities", Filters(countries=("SYR",), since=dt.date(2019, 1, 1), until=dt.date(2019, 12, 31),
                                            min_fatalities=5)),
    ("everything at once", Filters(actor="Group 17", event_types=("ASSAULT",), countries=("IRQ", "SYR"),
                                   near=Near(34.0, 41.0, 800), since=dt.date(2016, 1, 1), until=dt.date(2024, 12, 31),
                                   modalities=("asserted", "claimed"))),
    ("no filter (all current)", Filters()),
]


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU milliseconds of ``fn()`` (CPU of the whole process: DuckDB's threads included)."""
    out = fn()  # warm-up
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu), out


def fictional_result(i: int) -> Result:
    text = f"The Group {i % 50} Front attacked a police post in Town {i} on Sunday, killing {i % 9} officers."
    group = Actor("A1", f"Group {i % 50} Front", None, f"group_{i % 50}", ActorKind.MILITIA, "IRQ", None,
                  (Span(4, 4 + len(f"Group {i % 50} Front"), f"Group {i % 50} Front"),))
    start = text.index("police")
    police = Actor("A2", "police", "Police Forces of Iraq", "irq_police", ActorKind.POLICE, "IRQ", None,
                   (Span(start, start + 6, "police"),))
    start = text.index(f"Town {i}")
    place = Place("P1", f"Town {i}", "IRQ", None, "town", 33.3, 44.4, None,
                  (Span(start, start + len(f"Town {i}"), f"Town {i}"),))
    day = dt.date(2024, 1, 7)
    event = Event("E1", EventType.ASSAULT, None, (), AcledCode("Battles", "Armed clash"), Modality.ASSERTED, None,
                  ("A1",), ("A2",), "P1", TimeSpan(day, day, Precision.DAY, "on Sunday"), Quantity(i % 9, i % 9),
                  None, None, 0.8, Span(0, len(text), text), Span(text.index("attacked"), text.index("attacked") + 8,
                                                                   "attacked"))
    return Result(Article(f"w{i}", text, day, None, f"https://news.example/w{i}"), (group, police), (place,), (),
                  (event,))


def bench_writer(tmp: Path, n: int = 1000, batch: int = 8) -> tuple[float, float]:
    """Articles per second written one per add_result call, and in add_results batches (fresh stores)."""
    results = [fictional_result(i) for i in range(2 * n)]
    with Store.open(tmp / "writer-1.duckdb") as store:
        t0 = time.perf_counter()
        for r in results[:n]:
            store.add_result(r)
        single = n / (time.perf_counter() - t0)
    with Store.open(tmp / "writer-n.duckdb") as store:
        t0 = time.perf_counter()
        for i in range(n, 2 * n, batch):
            store.add_results(results[i:i + batch])
        batched = n / (time.perf_counter() - t0)
    return single, batched


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--keep", default=None, help="Write the store here and keep it (default: a temp file).")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        with Store.open(path) as store:
            synthesise(store, args.events)
        build = time.perf_counter() - t0
        t0 = time.perf_counter()
        store = Store.open(path, read_only=True)
        opened = (time.perf_counter() - t0) * 1000
        counts = store.counts()
        size = path.stat().st_size / 2**20
        print(f"store: {counts['events']:,} events, {counts['articles']:,} articles, {counts['actors']:,} actors; "
              f"built in {build:.1f}s, {size:.0f} MiB; opened read-only in {opened:.0f} ms")
        print(f"{'query':30} {'matches':>9} | {'count ms':>8} {'cpu':>5} | {'page ms':>7} {'cpu':>5}   (median of "
              f"{args.repeat}; page = the first 100 full rows, newest first)")
        worst = 0.0
        with store:
            for name, f in QUERIES:
                w_count, c_count, n = timed(lambda: store.count(f), args.repeat)
                w_page, c_page, _ = timed(lambda: store.events(f, limit=100), args.repeat)
                if f != Filters():
                    worst = max(worst, w_count, w_page)
                print(f"{name:30} {n:>9,} | {w_count:>8.1f} {c_count:>5.0f} | {w_page:>7.1f} {c_page:>5.0f}")
        print(f"slowest filtered query: {worst:.1f} ms wall (goal: under 100 ms); load average during the run "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        single, batched = bench_writer(Path(tmp))
        print(f"writer: {single:.0f} articles/s with add_result (one transaction each), {batched:.0f} articles/s "
              f"with add_results in batches of 8")


if __name__ == "__main__":
    main()
