"""Extraction on a Dask cluster: ``warwire ingest --engine dask [--scheduler tcp://HOST:8786]``.

Each Dask worker loads the Extractor once, through a worker plugin registered when the run starts (and
run again on any worker that joins later), and keeps it for later runs with the same settings; tasks
are batches of articles and send back Results. The
client (the ``warwire ingest`` process) keeps a few batches per worker thread in flight and writes every
Result to the store itself, so the store needs no network access and exactly-once holds as locally.

Every worker needs warwire (same version) installed, and any extra actor/place/cue files named in
the settings at the same path. Without ``--scheduler`` a LocalCluster of ``workers`` processes is
started and shut down with the run. This module is the only one that imports ``distributed``.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import replace

from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker

from ..config import Settings
from ..errors import WarwireError
from .engines import QUEUED_PER_WORKER, Batch, Done, extract_batch

log = logging.getLogger(__name__)

PLUGIN_NAME = "warwire-extractor"


# The Extractor of this worker process, kept across runs with the same settings: loading it takes
# seconds and hundreds of MB, and a long-lived cluster serves many `warwire ingest` runs. One at a time.
_LOADED: dict[str, object] = {}
_LOADING = threading.Lock()


def _extractor_for(settings: Settings):
    key = replace(settings, db="").digest()   # the store path does not change what is extracted
    with _LOADING:
        if key not in _LOADED:
            from ..pipeline import Extractor

            _LOADED.clear()
            _LOADED[key] = Extractor(settings)
        return _LOADED[key]


class ExtractorPlugin(WorkerPlugin):
    """Loads the Extractor when attached to a worker (off its event loop); tasks on that worker use it."""

    name = PLUGIN_NAME

    def __init__(self, settings: Settings):
        self.settings = settings
        self.extractor = None

    async def setup(self, worker) -> None:
        loop = asyncio.get_running_loop()
        self.extractor = await loop.run_in_executor(None, _extractor_for, self.settings)
        log.info("worker %s has the warwire pipeline", worker.address)


def _extract_on_worker(batch: Batch) -> Done:
    return extract_batch(get_worker().plugins[PLUGIN_NAME].extractor, batch)


class DaskEngine:
    """Run batches on a Dask cluster: ``scheduler`` an address, ``client`` an open Client, else a local cluster."""

    def __init__(self, settings: Settings, *, workers: int = 1, scheduler: str | None = None,
                 client: Client | None = None, processes: bool = True):
        self.settings = settings
        self.workers = workers
        self.scheduler = scheduler
        self.processes = processes
        self._client = client
        self._owned: list = []

    def __enter__(self) -> "DaskEngine":
        if self._client is None:
            self._client = self._connect()
            self._owned.append(self._client)
        self._client.register_plugin(ExtractorPlugin(self.settings), name=PLUGIN_NAME)
        return self

    def _connect(self) -> Client:
        if self.scheduler:
            try:
                return Client(self.scheduler, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise WarwireError(f"Cannot reach the Dask scheduler at {self.scheduler}: {exc}. Start it with "
                                   f"`dask scheduler` and check the address (tcp://HOST:8786).") from None
        # one thread per worker: the parse is CPU-bound and holds the GIL. The status page binds a free
        # loopback port, so a local run opens nothing to the network and never clashes with another.
        where = {"host": "127.0.0.1"} if self.processes else {}   # in-process workers talk inproc://
        cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=self.processes,
                               dashboard_address="127.0.0.1:0", **where)
        self._owned.append(cluster)
        return Client(cluster)

    def __exit__(self, *exc) -> None:
        for obj in reversed(self._owned):
            obj.close()
        self._owned.clear()

    def slots(self) -> int:
        """Worker threads on the cluster now (at least 1)."""
        workers = self._client.scheduler_info().get("workers", {})
        return max(1, sum(w.get("nthreads", 1) for w in workers.values()))

    def run(self, batches: Iterable[Batch]) -> Iterator[Done]:
        source = iter(batches)
        queue = as_completed()
        for _ in range(self.slots() * (1 + QUEUED_PER_WORKER)):
            batch = next(source, None)
            if batch is None:
                break
            queue.add(self._client.submit(_extract_on_worker, batch, pure=False))
        for future in queue:
            done = future.result()
            future.release()
            batch = next(source, None)
            if batch is not None:
                queue.add(self._client.submit(_extract_on_worker, batch, pure=False))
            yield done
