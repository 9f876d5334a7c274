"""The event store: one DuckDB file holding articles, what was extracted from them, merged events and runs.

    with Store.open("events.duckdb") as store:
        with store.run(settings, COMPONENTS) as run:
            status = store.add_result(result, url="https://example.org/a", run=run)   # "added" ...
        rows = store.events(Filters(event_types=("ASSAULT",), countries=("IRQ",)))
        result = store.result(rows[0].article_id)

Each article is written in one transaction with everything extracted from it, so a process killed at
any moment leaves every article either whole or absent, and re-adding an article already stored
changes nothing. Only one process may have the file open for writing (DuckDB's lock); readers open it
with ``read_only=True``.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import duckdb

from ..config import Settings
from ..errors import InputError, StoreError, StoreLockedError
from ..types import Article, ErrorInfo, Result, Span
from . import records as rec
from . import write
from .query import (EventRow, Filters, assemble_rows, count_events, row_from, select_events, select_pks,
                    where)
from .merged_query import (MergedRow, count_merged, merged_row_from, select_merged, select_merged_by_key,
                           select_merged_keys)
from .schema import LATEST, current_version, migrate
from .write import AddStatus

log = logging.getLogger(__name__)

FETCH_BATCH = 2000
DETAIL_CHUNK = 2000   # event rows fetched by key per query
BULK = 20_000         # more matches than this: one streamed join instead of chunks


class Run:
    """One ingest run as recorded in ``runs``: its id and the tally of what ``add_result`` did."""

    def __init__(self, run_id: int):
        self.id = run_id
        self.counts: Counter[str] = Counter()


class Store:
    """A warwire store on one DuckDB file. Build with :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str, read_only: bool = False):
        self._con = con
        self.path = path
        self.read_only = read_only

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> "Store":
        """Open (creating and migrating if needed) the store at ``path``; ``":memory:"`` for a throwaway one."""
        path = str(path)
        if read_only and path != ":memory:" and not Path(path).exists():
            raise StoreError(f"No store at {path}. Ingest some articles first (warwire ingest SOURCE --db {path}) "
                             f"or pass --db with an existing store.")
        parent = Path(path).parent
        if path != ":memory:" and not parent.is_dir():
            raise StoreError(f"Cannot create {path}: directory {parent} does not exist. Create it or pass --db.")
        try:
            con = duckdb.connect(path, read_only=read_only)
        except duckdb.Error as exc:
            raise _open_error(path, exc) from exc
        con.execute("SET enable_progress_bar = false")  # DuckDB's own bar would write into our output
        store = cls(con, path, read_only)
        try:
            store._prepare()
        except BaseException:
            con.close()
            raise
        return store

    def _prepare(self) -> None:
        if not self.read_only:
            migrate(self._con, self.path)
            return
        have = current_version(self._con)
        if have != LATEST:
            raise StoreError(f"{self.path} has schema version {have}, this warwire expects {LATEST}. Open it once "
                             f"for writing (e.g. warwire ingest --db {self.path}) to migrate it.")

    def close(self) -> None:
        self._con.close()

    def for_thread(self) -> "Store":
        """This store on a connection of its own to the same database (a DuckDB cursor), for use by another
        thread: one DuckDB connection must not be used by two threads at once. Close it when done."""
        return Store(self._con.cursor(), self.path, self.read_only)

    @contextmanager
    def single_threaded(self):
        """DuckDB's worker threads (a setting of the whole database) limited to one while the block runs, then
        set back. Batch inserts gain nothing from a second thread, and during an ingest every core is busy
        parsing: on 2 cores, with DuckDB's second thread an ingest took 2-3% longer (README, Speed)."""
        before = int(self._con.execute("SELECT current_setting('threads')").fetchone()[0])
        self._con.execute("SET threads = 1")
        try:
            yield self
        finally:
            self._con.execute(f"SET threads = {before}")

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _transaction(self):
        self._con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")

    # ------------------------------------------------------------------ runs

    @contextmanager
    def run(self, settings: Settings | None = None, components: Mapping[str, str] | None = None):
        """Record one run: its settings hash and component versions at the start, its counts at the end.

        A run whose process died keeps ``finished`` NULL, which is how an interrupted run shows.
        """
        from .. import __version__

        comps = {"warwire": __version__, **(components or {})}
        digest = settings.digest() if settings is not None else None
        run_id = self._con.execute("SELECT nextval('run_ids')").fetchone()[0]
        self._con.execute("INSERT INTO runs (id, started, settings_hash, components) VALUES (?, ?, ?, ?)",
                          [run_id, _now(), digest, json.dumps(comps, sort_keys=True)])
        run = Run(run_id)
        try:
            yield run
        finally:
            self._con.execute("UPDATE runs SET finished = ?, counts = ? WHERE id = ?",
                              [_now(), json.dumps(dict(sorted(run.counts.items()))), run_id])

    def runs(self) -> list[dict]:
        return self._dicts("SELECT * FROM runs ORDER BY id")

    # ------------------------------------------------------------------ writing

    def has_article(self, article: Article, url: str | None = None) -> bool:
        """Whether this text at this URL (``url`` or ``article.url``) is stored: extracting it again is waste."""
        return self.has_articles([(article, url)])[0]

    def has_articles(self, items: Sequence[tuple[Article, str | None]]) -> list[bool]:
        """:meth:`has_article` for each ``(article, url)``, in one query: a statement costs DuckDB about
        as much as looking up sixteen hashes in it."""
        if not items:
            return []
        keys = [((url if url is not None else article.url) or "", rec.content_hash(article.text))
                for article, url in items]
        hashes = sorted({h for _, h in keys})
        # by the hash alone (a conjunction with the URL would make DuckDB scan more)
        found = set(self._con.execute(f"SELECT url_key, content_hash FROM articles WHERE content_hash IN "
                                      f"({', '.join('?' * len(hashes))})", hashes).fetchall())
        return [key in found for key in keys]

    def add_result(self, result: Result, url: str | None = None, *, run: Run | None = None) -> AddStatus:
        """Store one article and everything extracted from it, in one transaction.

        ``url`` (when given) overrides ``result.article.url``: it is where the article was found. The same
        text at the same URL is a DUPLICATE and changes nothing; a changed text at a URL already stored is
        a new VERSION and the older versions' events leave queries. A Result with an error is stored as a
        rejected article with its reason (REJECTED). Raises StoreError if the database refuses the write.
        """
        return self.add_results([(result, url)], run=run)[0]

    def add_results(self, items: Iterable[Result | tuple[Result, str | None]], *,
                    run: Run | None = None) -> list[AddStatus]:
        """Like :meth:`add_result` for several articles (``Result`` or ``(Result, url)``) in ONE transaction:
        all of them are stored or none. Much faster per article than one call each (one commit, one INSERT
        per table), so a writer should pass the batches it receives."""
        results = [_located(item) for item in items]
        if not results:
            return []
        try:
            with self._transaction():
                statuses = write.add_batch(self._con, results, run.id if run else None)
        except duckdb.Error as exc:
            ids = ", ".join(repr(r.article.id) for r in results[:3]) + (" ..." if len(results) > 3 else "")
            raise StoreError(f"Cannot store article(s) {ids} in {self.path}: {str(exc).rstrip('.')}. Nothing of "
                             f"them was written; check the disk and run again.") from exc
        if run is not None:
            run.counts.update(str(s) for s in statuses)
        return statuses

    def add_rejection(self, article: Article, error: ErrorInfo | InputError, url: str | None = None, *,
                      run: Run | None = None) -> AddStatus:
        """Store an input that could not be processed, with its error code and message."""
        info = error if isinstance(error, ErrorInfo) else ErrorInfo(error.code, error.message)
        return self.add_result(Result(article, error=info), url, run=run)

    # ------------------------------------------------------------------ feed entries (warwire watch)

    def seen_entry(self, feed: str, entry: str) -> bool:
        return self._con.execute("SELECT count(*) FROM feed_entries WHERE feed = ? AND entry = ?",
                                 [feed, entry]).fetchone()[0] > 0

    def mark_entry(self, feed: str, entry: str) -> None:
        self._con.execute("INSERT INTO feed_entries VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [feed, entry, _now()])

    # ------------------------------------------------------------------ reading articles

    def article_ids(self, *, source_id: str | None = None, url: str | None = None,
                    current_only: bool = True) -> list[int]:
        """Store ids of articles by their input id and/or URL, oldest first."""
        cond, params = ["TRUE"], []
        for column, value in (("source_id", source_id), ("url", url)):
            if value is not None:
                cond.append(f"{column} = ?")
                params.append(value)
        if current_only:
            cond.append("current")
        return [r[0] for r in self._con.execute(
            f"SELECT id FROM articles WHERE {' AND '.join(cond)} ORDER BY id", params).fetchall()]

    def result(self, article_id: int) -> Result:
        """The stored article ``article_id`` as the Result it was stored from (``.to_dict()`` for JSON)."""
        found = self._results([article_id])
        if not found:
            raise StoreError(f"No article with id {article_id} in {self.path}; list ids with warwire query.")
        return found[0][1]

    def results(self, filters: Filters | None = None) -> Iterator[Result]:
        """Stored articles as Results, oldest first. Without filters: every current article (rejected ones
        as error Results). With filters: the articles with a matching event, holding only those events."""
        for _, result in self.stored_results(filters):
            yield result

    def stored_results(self, filters: Filters | None = None) -> Iterator[tuple[int, Result]]:
        """Like :meth:`results`, each Result with its store article id."""
        if filters is None:
            ids = [r[0] for r in self._con.execute("SELECT id FROM articles WHERE current ORDER BY id").fetchall()]
            keep = None
        else:
            cond, params = where(filters)
            pairs = self._con.execute(f"SELECT e.article_id, e.pk FROM events e WHERE {cond} ORDER BY e.pk",
                                      params).fetchall()
            ids = sorted({a for a, _ in pairs})
            keep = {p for _, p in pairs}
        for i in range(0, len(ids), 200):
            yield from self._results(ids[i:i + 200], keep)

    def _results(self, ids: list[int], keep_events: set[int] | None = None) -> list[tuple[int, Result]]:
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        by = {name: self._grouped(f"SELECT * FROM {name} WHERE article_id IN ({marks}) ORDER BY article_id, {order}",
                                  ids)
              for name, order in (("actors", "seq"), ("places", "seq"), ("relations", "seq"), ("events", "seq"),
                                  ("mentions", "owner, owner_id, seq"))}
        out = []
        for art in self._dicts(f"SELECT * FROM articles WHERE id IN ({marks}) ORDER BY id", ids):
            out.append((art["id"], _assemble(art, {k: v.get(art["id"], []) for k, v in by.items()}, keep_events)))
        return out

    # ------------------------------------------------------------------ reading events

    def events(self, filters: Filters | None = None, *, order: str = "recent",
               limit: int | None = None) -> list[EventRow]:
        """Events matching ``filters`` (all current events if None); order "recent" (by date, newest first)
        or "stored" (in the order they were stored)."""
        return list(self.iter_events(filters, order=order, limit=limit))

    def iter_events(self, filters: Filters | None = None, *, order: str = "recent",
                    limit: int | None = None) -> Iterator[EventRow]:
        """Like :meth:`events`, streamed. The matching keys come first (a scan of the filtered columns
        only), then the rows in chunks; past ``BULK`` matches one streamed join is cheaper."""
        f = filters or Filters()
        sql, params = select_pks(f, order, limit)
        pks = [r[0] for r in self._con.execute(sql, params).fetchall()]
        if len(pks) > BULK:
            sql, params = select_events(f, order, limit)
            yield from self._stream(sql, params)
            return
        for i in range(0, len(pks), DETAIL_CHUNK):
            yield from self._details(pks[i:i + DETAIL_CHUNK])

    def _details(self, pks: list[int]) -> list[EventRow]:
        """The rows of events ``pks``, in that order. Five narrow queries, each filtering its table by key
        inside the scan, cost far less for a few scattered events than joining whole tables."""
        events = self._dicts("SELECT * FROM events WHERE pk = ANY(?::BIGINT[])", [pks])
        links = self._con.execute("SELECT event_pk, actor_key, role FROM event_actors "
                                  "WHERE event_pk = ANY(?::BIGINT[]) ORDER BY event_pk, role, position",
                                  [pks]).fetchall()
        keys = sorted({k for _, k, _ in links if k is not None})
        actors = {r.pop("key"): r for r in self._dicts(
            "SELECT key, id, name, canonical, kb_id, kind, country, acled_name FROM actors "
            "WHERE key = ANY(?::BIGINT[])", [keys])}
        article_ids = sorted({e["article_id"] for e in events})
        articles = {r["id"]: r for r in self._dicts(
            "SELECT id, source_id, url, title, published, ingested_at FROM articles WHERE id = ANY(?::BIGINT[])",
            [article_ids])}
        places = {(r["article_id"], r["id"]): r for r in self._dicts(
            "SELECT article_id, id, name, country, admin1, feature, lat, lon, geonames_id, producer FROM places "
            "WHERE article_id = ANY(?::BIGINT[])", [article_ids])}
        return assemble_rows(pks, events, links, actors, articles, places)

    def _stream(self, sql: str, params: list, convert=row_from) -> Iterator:
        """The rows of a query, each made a record by ``convert``, fetched in batches."""
        cur = self._con.cursor()  # its own cursor: the caller may query the store while iterating
        try:
            cur.execute(sql, params)
            names = [d[0] for d in cur.description]
            while batch := cur.fetchmany(FETCH_BATCH):
                for values in batch:
                    yield convert(dict(zip(names, values)))
        finally:
            cur.close()

    def count(self, filters: Filters | None = None) -> int:
        sql, params = count_events(filters or Filters())
        return self._con.execute(sql, params).fetchone()[0]

    def copy_events(self, filters: Filters | None, path: str | Path, fmt: str = "parquet") -> int:
        """Write the matching events (the same columns a query returns) with DuckDB's COPY; returns the count."""
        if fmt not in ("parquet", "csv"):
            raise ValueError(f"copy_events writes parquet or csv, not {fmt!r}")
        sql, params = select_events(filters or Filters(), "stored")
        self._con.execute(f"COPY ({sql}) TO '{_sql_path(path)}' (FORMAT {fmt})", params)
        return self.count(filters)

    # ------------------------------------------------------------------ reading merged events

    def merged_events(self, filters: Filters | None = None, *, order: str = "recent",
                      limit: int | None = None) -> list[MergedRow]:
        """Merged events (one per real event, see store/merged_query.py for what each filter means on
        them); order "recent" (newest first) or "stored" (by date, then id)."""
        return list(self.iter_merged(filters, order=order, limit=limit))

    def iter_merged(self, filters: Filters | None = None, *, order: str = "recent",
                    limit: int | None = None) -> Iterator[MergedRow]:
        """Like :meth:`merged_events`, streamed. A page (``limit`` up to ``BULK``) is read in two steps, as
        :meth:`iter_events` does: the keys of the matching merged events (a scan of the filtered columns
        only), then those rows and their reports; anything larger is one streamed query."""
        f = filters or Filters()
        if limit is not None and limit <= BULK:
            keys = [r[0] for r in self._con.execute(*select_merged_keys(f, order, limit)).fetchall()]
            if keys:
                yield from self._stream(*select_merged_by_key(keys, order), convert=merged_row_from)
            return
        yield from self._stream(*select_merged(f, order, limit), convert=merged_row_from)

    def count_merged(self, filters: Filters | None = None) -> int:
        sql, params = count_merged(filters or Filters())
        return self._con.execute(sql, params).fetchone()[0]

    def copy_merged(self, filters: Filters | None, path: str | Path, fmt: str = "parquet") -> int:
        """Write the matching merged events, their reports as a list of structs, with DuckDB's COPY."""
        if fmt not in ("parquet", "csv"):
            raise ValueError(f"copy_merged writes parquet or csv, not {fmt!r}")
        sql, params = select_merged(filters or Filters(), "stored")
        self._con.execute(f"COPY ({sql}) TO '{_sql_path(path)}' (FORMAT {fmt})", params)
        return self.count_merged(filters)

    def unmerged(self) -> int:
        """Current events no merged event holds yet: what the next remerge will merge (0 when up to date)."""
        return self._con.execute("SELECT count(*) FROM events WHERE current AND pk NOT IN "
                                 "(SELECT event_pk FROM merged_event_reports)").fetchone()[0]

    def remerge(self, *, full: bool = False, **kwargs):
        """Bring the merged events up to date: merge the events stored since the last remerge, or with
        ``full`` every current event again. Returns a ``RemergeStats`` (see store/merged.py)."""
        from .merged import remerge

        return remerge(self, full=full, **kwargs)

    def counts(self) -> dict[str, int]:
        """Rows per table, and how many articles were rejected."""
        tables = ("articles", "actors", "places", "relations", "events", "merged_events", "runs")
        out = {t: self._con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        out["rejected"] = self._con.execute("SELECT count(*) FROM articles WHERE status = 'rejected'").fetchone()[0]
        return out

    # ------------------------------------------------------------------ helpers

    def _dicts(self, sql: str, params: Sequence = ()) -> list[dict]:
        cur = self._con.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def _grouped(self, sql: str, params: Sequence) -> dict[int, list[dict]]:
        out: dict[int, list[dict]] = {}
        for row in self._dicts(sql, params):
            out.setdefault(row["article_id"], []).append(row)
        return out


def _assemble(art: dict, rows: dict[str, list[dict]], keep_events: set[int] | None) -> Result:
    article = rec.article_from(art)
    error = rec.error_from(art)
    if error is not None:
        return Result(article, error=error)
    spans: dict[tuple[str, str], list] = {}
    for m in rows["mentions"]:
        spans.setdefault((m["owner"], m["owner_id"]), []).append(Span(m["start_char"], m["end_char"], m["text"]))
    actors = tuple(rec.actor_from(r, tuple(spans.get(("actor", r["id"]), ()))) for r in rows["actors"])
    places = tuple(rec.place_from(r, tuple(spans.get(("place", r["id"]), ()))) for r in rows["places"])
    relations = tuple(rec.relation_from(r) for r in rows["relations"])
    events = tuple(rec.event_from(r) for r in rows["events"] if keep_events is None or r["pk"] in keep_events)
    return Result(article, actors, places, relations, events)


def _located(item: Result | tuple[Result, str | None]) -> Result:
    result, url = item if isinstance(item, tuple) else (item, None)
    if url is not None and url != result.article.url:
        result = replace(result, article=replace(result.article, url=url))
    return result


def _open_error(path: str, exc: duckdb.Error) -> StoreError:
    msg = str(exc)
    if "lock" in msg.lower():
        pid = re.search(r"PID (\d+)", msg)
        who = f" (process {pid.group(1)})" if pid else ""
        return StoreLockedError(f"Cannot open {path}: locked by another process{who}. Stop it or pass --db.")
    if "not a valid DuckDB database" in msg:
        return StoreError(f"Cannot open {path}: it is not a DuckDB database file. Pass --db with a warwire store "
                          f"or a new file name.")
    return StoreError(f"Cannot open {path}: {msg.rstrip('.')}. Check the path and its permissions, or pass --db.")


def _sql_path(path: str | Path) -> str:
    return str(path).replace("'", "''")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
