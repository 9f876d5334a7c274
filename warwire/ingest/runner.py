"""Ingesting sources into the store, on every core, so that a run killed at any moment and started again
stores each article exactly once.

    counts = ingest(["news/", "https://example.org/world.rss"], settings, store, workers=2)
    print(counts.summary())

How exactly-once holds: only this (parent) process writes, one transaction per finished batch
(``Store.add_results``: all of the batch or none of it), and the store recognises an article by its content
hash. Before extracting, the
parent skips articles the store already holds, so a restarted run goes straight to what is missing; an
article extracted but not yet written when the run died is simply extracted again.

The batches are written by a thread of the parent (``_Writer``) while the next one is parsed: DuckDB works
without holding the GIL, so with one worker the parse does not wait for the store.
"""
from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from itertools import count

from ..config import Settings
from ..errors import ExtractionError
from ..types import ErrorInfo, Result
from .engines import Batch, Done, default_workers, make_engine
from .fetch import Fetcher
from .sources import Located, discover

log = logging.getLogger(__name__)

# Articles per task sent to a worker, and per store transaction: enough for nlp.pipe to batch (16 parses
# about 3% faster than 8, no faster than 32) and to make the cost of a task and of a commit negligible, few
# enough that two workers share a few dozen articles evenly, that progress moves, and that a killed run
# has little to redo.
TASK_SIZE = 16


@dataclass
class IngestCounts:
    """What a run did with each article it found."""

    added: int = 0
    duplicate: int = 0          # already stored (found before extracting, or by the store)
    version: int = 0            # a changed article at a known URL, stored as a new version
    rejected: Counter = field(default_factory=Counter)   # error code -> how many
    words: int = 0              # words of the articles extracted in this run

    @property
    def total(self) -> int:
        return self.added + self.duplicate + self.version + sum(self.rejected.values())

    @property
    def stored_new(self) -> bool:
        """Whether new articles or new versions were stored: what can change the merged events."""
        return self.added + self.version > 0

    def count(self, outcome: str) -> None:
        if outcome == "added":
            self.added += 1
        elif outcome == "duplicate":
            self.duplicate += 1
        elif outcome == "version":
            self.version += 1
        else:
            raise ValueError(f"Store.add_result returned {outcome!r} for an article; "
                             f"expected added, duplicate or version")

    def merge(self, other: "IngestCounts") -> None:
        self.added += other.added
        self.duplicate += other.duplicate
        self.version += other.version
        self.rejected.update(other.rejected)
        self.words += other.words

    def summary(self) -> str:
        rejected = sum(self.rejected.values())
        reasons = ", ".join(f"{n} {code}" for code, n in sorted(self.rejected.items(), key=lambda kv: (-kv[1], kv[0])))
        noun = "article" if self.total == 1 else "articles"
        return (f"{self.total} {noun}: {self.added} added, {self.duplicate} duplicates, {self.version} new versions, "
                f"{rejected} rejected" + (f" ({reasons})" if reasons else ""))


Progress = Callable[[IngestCounts], None]


def ingest(sources: Iterable[str], settings: Settings, store, *, workers: int | None = None,
           engine: str = "local", scheduler: str | None = None, published: dt.date | None = None,
           fetcher: Fetcher | None = None, on_progress: Progress | None = None) -> IngestCounts:
    """Find every article under ``sources``, extract the new ones and store each exactly once."""
    workers = workers or default_workers()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        with make_engine(settings, workers, engine, scheduler) as runner, recorded_run(store, settings) as run:
            return ingest_located(discover(sources, fetcher, published), store, runner, on_progress, run=run)
    finally:
        if own_fetcher:
            fetcher.close()


def recorded_run(store, settings: Settings):
    """The store's record of this run (settings hash, component versions, counts)."""
    from ..pipeline import COMPONENTS

    return store.run(settings, COMPONENTS)


def ingest_located(found: Iterable[Located], store, engine, on_progress: Progress | None = None,
                   on_stored: Callable[[Located, str], None] | None = None, run=None) -> IngestCounts:
    """Store what ``found`` yields using an open engine; ``on_stored(located, outcome)`` after each write.

    ``run`` is the store's record of the run (``Store.run``), tallied by ``add_result``.
    """
    counts = IngestCounts()
    writer = _Writer(store, run)
    write = partial(_store, store, counts=counts, run=run, writer=writer)
    waiting: dict[int, Located] = {}

    def done(loc: Located, outcome: str) -> None:
        log.info("%s: %s", outcome, loc.url or loc.article.id)
        if on_stored is not None:
            on_stored(loc, outcome)
        if on_progress is not None:
            on_progress(counts)

    def batches() -> Iterator[Batch]:
        batch: Batch = []
        keys = count()
        for group in _groups(found, TASK_SIZE):
            # no yield between the lookup and the last article of its group: what the writer stores meanwhile
            # is still in ``waiting``, so a copy of it is caught as in flight
            known = _stored(store, group)
            for loc in group:
                key = next(keys)
                outcome = _before_extraction(loc, known, waiting, counts, write, run, writer.tally)
                if outcome is not None:
                    done(loc, outcome)
                    continue
                waiting[key] = loc
                batch.append((key, loc.article))
            if len(batch) >= TASK_SIZE:
                yield batch[:TASK_SIZE]
                batch = batch[TASK_SIZE:]
        if batch:
            yield batch

    def stored(finished: Done, statuses: list) -> None:
        # the articles of a batch leave ``waiting`` only once written: until then a copy of one is in flight
        located = [waiting.pop(key) for key, _ in finished]
        outcomes = _counted([result for _, result in finished], statuses, counts)
        for (_, result), loc, outcome in zip(finished, located, outcomes):
            if result.error is None:
                counts.words += len(loc.article.text.split())
            done(loc, outcome)

    with writer:
        for finished in engine.run(batches()):
            failed, finished = _split_failed(finished)
            if failed:   # reported and counted, not stored: a run after the fix extracts them again
                if run is not None:
                    with writer.tally:
                        run.counts["rejected"] += len(failed)
                stored(failed, ["rejected"] * len(failed))
            if not finished:
                continue
            # one transaction per finished batch: a killed run loses the whole batch or none of it, and a
            # restart extracts it again, so every article is still stored exactly once
            writer.put(finished, [(result, waiting[key].url) for key, result in finished])
            for item in writer.written():
                stored(*item)
        for item in writer.finish():
            stored(*item)
    return counts


class _Writer:
    """Writes finished batches, in order, one transaction each, on a thread of its own with its own
    connection to the store (``Store.for_thread``), while the caller goes on to the next batch; at most one
    batch waits for it. The caller learns the statuses from ``written()`` and ``finish()`` and counts them
    itself. A store that cannot give a second connection (a test double) is written in the caller's thread.
    While it runs, DuckDB works on one thread (``Store.single_threaded``): the parse needs the cores.

    The caller's own writes (rejected inputs) first wait until the writer is idle (``idle``); its tally of
    duplicates on the run's record takes ``tally``, the lock the writer holds while it writes."""

    def __init__(self, store, run):
        self.store, self.run = store, run
        self.tally = threading.Lock()
        self._todo: queue.Queue = queue.Queue(maxsize=1)
        self._done: queue.Queue = queue.Queue()
        self._handed = self._taken = self._written = 0
        self._cond = threading.Condition()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._own = None
        self._stack = ExitStack()

    def __enter__(self) -> "_Writer":
        if hasattr(self.store, "for_thread"):
            self._own = self._stack.enter_context(self.store.for_thread())
            self._stack.enter_context(self._own.single_threaded())
            self._thread = threading.Thread(target=self._work, name="warwire-store-writer", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._thread is not None:
            self._todo.put(None)   # after the batch being written, if any: a transaction is never cut short
            self._thread.join()
            self._stack.close()   # DuckDB's threads set back, then the connection closed

    def _work(self) -> None:
        while (item := self._todo.get()) is not None:
            finished, items = item
            try:
                with self.tally:
                    statuses = self._own.add_results(items, run=self.run)
            except BaseException as exc:  # noqa: BLE001 - handed over to the caller's thread, which raises it
                self._error, statuses = exc, None
            self._done.put((finished, statuses))
            with self._cond:
                self._written += 1
                self._cond.notify_all()

    def put(self, finished: Done, items: list) -> None:
        if self._error is not None:
            raise self._error
        self._handed += 1
        if self._thread is None:
            self._done.put((finished, self.store.add_results(items, run=self.run)))
            self._written += 1
        else:
            self._todo.put((finished, items))

    def _take(self, block: bool) -> tuple[Done, list]:
        finished, statuses = self._done.get(block=block)
        self._taken += 1
        if statuses is None:
            raise self._error
        return finished, statuses

    def written(self) -> Iterator[tuple[Done, list]]:
        """The batches written since the last call."""
        while self._taken < self._handed:
            try:
                yield self._take(block=False)
            except queue.Empty:
                return

    def finish(self) -> Iterator[tuple[Done, list]]:
        """Every batch not yet reported, once written."""
        while self._taken < self._handed:
            yield self._take(block=True)

    def idle(self) -> None:
        """Wait until every batch handed over is written."""
        with self._cond:
            self._cond.wait_for(lambda: self._written >= self._handed)


def _split_failed(finished: Done) -> tuple[Done, Done]:
    """The articles an extraction stage failed on (a bug, not the input), and the others. Storing the first
    would make every later run skip them as already stored."""
    failed, rest = [], []
    for item in finished:
        error = item[1].error
        (failed if error is not None and error.code == ExtractionError.code else rest).append(item)
    return failed, rest


def _groups(found: Iterable[Located], size: int) -> Iterator[list[Located]]:
    group = []
    for loc in found:
        group.append(loc)
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group


def _stored(store, group: list[Located]) -> set[int]:
    """The ids (``id(loc)``) of the articles in ``group`` the store already holds: one lookup for the group
    instead of one per article (each statement costs DuckDB about a millisecond)."""
    good = [loc for loc in group if loc.error is None]
    return {id(loc) for loc, known in zip(good, store.has_articles([(loc.article, loc.url) for loc in good]))
            if known}


def _before_extraction(loc: Located, known: set[int], waiting: dict[int, Located], counts: IngestCounts,
                       write, run, tally: threading.Lock) -> str | None:
    """Store a rejected input at once, skip a known article; None when the article needs extracting.
    ``known`` holds the ids of the located articles the store held before their group was read."""
    if loc.error is not None:
        return write(Result(loc.article, error=ErrorInfo(loc.error.code, loc.error.message)), loc.url)
    if id(loc) in known or _in_flight(loc, waiting):
        counts.duplicate += 1
        if run is not None:   # the run's record tallies what was skipped as well as what was written
            with tally:   # the writer's thread adds to the same record
                run.counts["duplicate"] += 1
        return "duplicate"
    return None


def _in_flight(loc: Located, waiting: dict[int, Located]) -> bool:
    # The same article twice in one run: the second copy is not extracted and counts as a duplicate.
    # Linear, but ``waiting`` holds only the few batches in flight.
    return any(w.url == loc.url and w.article.text == loc.article.text for w in waiting.values())


def _counted(results: list[Result], outcomes: list, counts: IngestCounts) -> list[str]:
    """Count what ``Store.add_results`` did with each result; the outcomes as ``done`` reports them."""
    out = []
    for result, outcome in zip(results, outcomes):
        if result.error is not None:
            counts.rejected[result.error.code] += 1
            out.append("rejected")
            continue
        counts.count(outcome)
        out.append(outcome)
    return out


def _store(store, result: Result, url: str | None, *, counts: IngestCounts, run, writer: _Writer) -> str:
    writer.idle()   # the writer's batches first, and never two writers at once
    outcome = store.add_result(result, url=url, run=run)
    if result.error is not None:
        counts.rejected[result.error.code] += 1
        return "rejected"
    counts.count(outcome)
    return outcome
