"""Following feeds: poll each feed every interval and ingest only the entries not seen before.

    with make_engine(settings, workers) as engine:
        watch(feeds, lambda: Store.open(path), engine, every=900, fetcher=fetcher)

The entries already ingested are remembered in the store (``Store.seen_entry`` / ``Store.mark_entry``,
keyed by feed and entry id), so a restarted watch does not fetch them again. An entry is marked only
after its article is stored; one whose page could not be fetched (a timeout, a 503) is not marked and
is tried again at the next poll. The extraction engine stays loaded between polls. After a poll that stored
new articles (or new versions), the merged events are brought up to date by an incremental remerge before
the store is closed, as ``warwire ingest`` does after its run, so queries between polls see merged events
with every report stored so far.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable, Sequence
from typing import ContextManager

from ..errors import FetchError
from .fetch import Fetcher
from .runner import IngestCounts, Progress, ingest_located, recorded_run
from .sources import Located, discover

log = logging.getLogger(__name__)

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """'15m' -> 900.0; accepts s, m, h, d suffixes (no suffix: seconds). Raises ValueError."""
    match = _INTERVAL.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not an interval; use e.g. 30s, 15m, 2h or 1d.")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]


def poll_once(feeds: Sequence[str], store, engine, fetcher: Fetcher, published: dt.date | None = None,
              on_progress: Progress | None = None) -> IngestCounts:
    """Ingest the entries of ``feeds`` that the store has not seen; mark each one once it is stored."""
    def stored(loc: Located, outcome: str) -> None:
        if loc.entry is not None and not isinstance(loc.error, FetchError):
            store.mark_entry(loc.source, loc.entry)

    found = discover(feeds, fetcher, published, seen=store.seen_entry)
    with recorded_run(store, engine.settings) as run:
        return ingest_located(found, store, engine, on_progress, on_stored=stored, run=run)


def watch(feeds: Sequence[str], open_store: Callable[[], ContextManager], engine, *, every: float,
          fetcher: Fetcher, on_cycle: Callable[[int, IngestCounts], None] | None = None,
          on_merged: Callable[[int, object], None] | None = None, merge: bool = True,
          stop: threading.Event | None = None, cycles: int | None = None) -> IngestCounts:
    """Poll until ``stop`` is set or ``cycles`` polls have run; returns the counts of all polls.

    The store is opened (``open_store()``) only while a poll writes, so other processes can query it
    between polls. With ``merge``, a poll that stored new articles ends with ``store.remerge()`` (incremental)
    and ``on_merged(n, stats)`` gets its ``RemergeStats``. Ctrl-C (KeyboardInterrupt) propagates: every
    article stored so far is complete, and a remerge cut short leaves the merged events as they were (one
    transaction), for the next poll or ``warwire remerge`` to bring up to date.
    """
    stop = stop or threading.Event()
    total = IngestCounts()
    n = 0
    while not stop.is_set():
        merged = None
        with open_store() as store:
            counts = poll_once(feeds, store, engine, fetcher)
            if merge and counts.stored_new:
                merged = store.remerge()
        total.merge(counts)
        n += 1
        if on_cycle is not None:
            on_cycle(n, counts)
        if merged is not None and on_merged is not None:
            on_merged(n, merged)
        if cycles is not None and n >= cycles:
            break
        stop.wait(every)
    return total
