"""Where extraction runs: in this process, in a pool of worker processes, or on a Dask cluster (cluster.py).

An engine is a context manager whose ``run(batches)`` takes an iterator of batches, each a list of
``(key, Article)``, and yields lists of ``(key, Result)`` as batches finish, in any order. Each worker
loads the Extractor once and keeps it for every batch; the engine pulls batches lazily and keeps only a
few in flight, so a large directory or feed never sits in memory at once and a killed run loses little.

Process pool versus ``nlp.pipe(n_process=N)``: with ``n_process`` only the spaCy parse runs in the
children and the parent does all the extraction that follows it on one core (about a third of the
work), while the pool runs parse *and* extraction in every worker. bench/benchmark.py measures both.
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from ..config import Settings
from ..errors import WarwireError
from ..types import Article, Result

log = logging.getLogger(__name__)

Batch = list[tuple[int, Article]]
Done = list[tuple[int, Result]]
# Batches queued per worker beyond the one it is working on: enough that no worker waits for the
# parent, few enough that a killed run redoes little work.
QUEUED_PER_WORKER = 1


def freeze_loaded() -> None:
    """Exempt what is loaded so far (the pipeline, actor base and gazetteer: some 700,000 objects) from the
    garbage collector's full passes: each pass walks them all (a quarter of a second) and finds nothing to
    free, since they live as long as the extractor."""
    gc.collect()
    gc.freeze()


def extract_batch(extractor, batch: Batch) -> Done:
    results = extractor.extract_many([article for _, article in batch], batch_size=len(batch) or 1)
    return [(key, result) for (key, _), result in zip(batch, results)]


class InProcessEngine:
    """Extraction in this process: no start-up cost, one core. Used for ``workers=1``."""

    workers = 1

    def __init__(self, settings: Settings, extractor=None):
        self.settings = settings
        self._extractor = extractor

    def __enter__(self) -> "InProcessEngine":
        if self._extractor is None:
            from ..pipeline import Extractor

            self._extractor = Extractor(self.settings)
        freeze_loaded()
        return self

    def __exit__(self, *exc) -> None:
        gc.unfreeze()   # this process goes on: what the extractor held may be freed again

    def run(self, batches: Iterable[Batch]) -> Iterator[Done]:
        for batch in batches:
            yield extract_batch(self._extractor, batch)


# One Extractor per worker process, built by the pool's initializer and used by every batch that worker
# runs: loading the pipeline takes seconds, so it must not happen per batch. Nothing else reads it. When
# loading fails it holds the error instead, for the first batch to raise, so the parent learns why.
_WORKER_EXTRACTOR = None


def _init_worker(settings: Settings, parent_pid: int) -> None:
    global _WORKER_EXTRACTOR
    # Ctrl-C reaches the whole process group; the parent decides how to stop, the workers do not.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent_pid)
    from ..pipeline import Extractor

    try:
        _WORKER_EXTRACTOR = Extractor(settings)
    except WarwireError as exc:
        _WORKER_EXTRACTOR = exc
    freeze_loaded()


def _exit_with_parent(parent_pid: int) -> None:
    """A worker whose parent was killed (kill -9) would wait on its queue for ever; end it instead."""
    def check() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)
            threading.Event().wait(1.0)

    threading.Thread(target=check, name="warwire-parent-watch", daemon=True).start()


def _pool_extract(batch: Batch) -> Done:
    if isinstance(_WORKER_EXTRACTOR, WarwireError):
        raise _WORKER_EXTRACTOR
    return extract_batch(_WORKER_EXTRACTOR, batch)


class PoolEngine:
    """A pool of ``workers`` spawned processes (spawn: safe with threads, same on every platform)."""

    def __init__(self, settings: Settings, workers: int):
        self.settings = settings
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "PoolEngine":
        self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_init_worker, initargs=(self.settings, os.getpid()))
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self._pool.shutdown(wait=True)
        else:
            self._stop_now()
        self._pool = None

    def _stop_now(self) -> None:
        """On Ctrl-C or an error, end the workers at once instead of waiting for their batches: whatever
        they were extracting was not stored and will be extracted again by the next run."""
        terminate = getattr(self._pool, "terminate_workers", None)   # Python 3.14+
        if terminate is not None:
            terminate()
        else:   # the same before 3.14; shutdown() forgets the processes, so end them first
            for process in list((self._pool._processes or {}).values()):
                process.terminate()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def run(self, batches: Iterable[Batch]) -> Iterator[Done]:
        limit = self.workers * (1 + QUEUED_PER_WORKER)
        pending: set[Future] = set()
        source = iter(batches)
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < limit:
                batch = next(source, None)
                if batch is None:
                    exhausted = True
                else:
                    pending.add(self._pool.submit(_pool_extract, batch))
            if not pending:
                break
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()


def make_engine(settings: Settings, workers: int, engine: str = "local", scheduler: str | None = None):
    """The engine for ``--engine``/``--workers``: in-process for one local worker, else a pool or Dask."""
    if engine == "dask":
        from .cluster import DaskEngine  # distributed is imported only here

        return DaskEngine(settings, workers=workers, scheduler=scheduler)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}")
    return InProcessEngine(settings) if workers <= 1 else PoolEngine(settings, workers)


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1
