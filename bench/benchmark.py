"""Ingest speed and memory, measured in one run on one corpus (not a test; takes a few minutes):

    .venv/bin/python bench/benchmark.py [--articles 400] [--workers 2] [--rounds 5] [--corpus FILE]

It measures, on the same articles (the fictional ones of bench/corpus.py, or the first ones of ``--corpus``)
written to a JSONL file:

* bare spaCy ``nlp.pipe`` words/s of the pipeline warwire loads, in one process, with ``n_process=N``, and
  in N independent processes each parsing its share (the ceiling for N extraction workers);
* end-to-end ingest words/s (read, extract, write to a DuckDB store) with 1 worker and with N workers,
  engines already loaded (their start-up time is printed apart), and the N-worker speed-up;
* the alternative to the worker pool: the parse with ``nlp.pipe(n_process=N)``, the extraction and the
  store writes in the parent process, to show which one uses the cores better here;
* the peak resident memory of each process doing extraction (psutil, sampled every 0.1 s);
* besides wall-clock words/s, words per CPU-second of all processes involved, which other work on the
  machine does not skew.

The one-process rows (bare parse, extraction alone, end to end with one worker) share one loaded pipeline
and run interleaved, round after round (``--rounds``), each round in a rotated order: a shared machine
speeds up and slows down by 10-20% over tens of seconds, so measuring one row after another would compare
different machines. The table gives each row's median and the ratios' medians over the rounds, with
their range.

Words are whitespace-separated tokens of the article text, counted the same way everywhere.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import fictional_articles  # noqa: E402

from warwire.config import Settings  # noqa: E402
from warwire.ingest import Fetcher, discover, ingest_located, make_engine  # noqa: E402
from warwire.ingest.engines import freeze_loaded  # noqa: E402


class PeakRss:
    """Samples the resident memory of this process and its children; keeps the peak per process."""

    def __init__(self, interval: float = 0.1):
        import psutil

        self.me = psutil.Process()
        self.peaks: dict[int, int] = {}
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            for proc in [self.me, *self.me.children(recursive=True)]:
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                self.peaks[proc.pid] = max(self.peaks.get(proc.pid, 0), rss)
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def parent_mb(self) -> float:
        return self.peaks.get(self.me.pid, 0) / 2**20

    def children_mb(self) -> list[float]:
        return sorted((v / 2**20 for pid, v in self.peaks.items() if pid != self.me.pid), reverse=True)


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and all its children, finished or running."""
    import psutil

    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


@contextmanager
def timed():
    """Wall-clock seconds ("s") and CPU seconds of every process involved ("cpu") of the block."""
    box = {}
    start, cpu = time.perf_counter(), cpu_seconds()
    yield box
    box["s"] = time.perf_counter() - start
    box["cpu"] = cpu_seconds() - cpu


def words_of(texts) -> int:
    return sum(len(t.split()) for t in texts)


def bare_parse(settings: Settings, texts: list[str], n_process: int) -> float:
    from warwire.nlp import load_pipeline

    nlp = load_pipeline(settings.model)
    freeze_loaded()   # as the ingest engines do: every row runs with the loaded objects out of the GC's passes
    list(nlp.pipe(texts[:20]))   # warm up
    with timed() as t:
        for _ in nlp.pipe(texts, batch_size=settings.batch_size, n_process=n_process):
            pass
    return rates(words_of(texts), t)


_NLP = None   # the pipeline of one bare-parse worker process


def _load_nlp(model: str) -> None:
    global _NLP
    from warwire.nlp import load_pipeline

    _NLP = load_pipeline(model)
    freeze_loaded()


def _parse(texts: list[str], batch_size: int) -> int:
    for _ in _NLP.pipe(texts, batch_size=batch_size):
        pass
    return len(texts)


def bare_parse_processes(settings: Settings, texts: list[str], n: int) -> dict:
    """The bare parse in ``n`` independent processes (each its own chunks): what the pool could reach if
    extraction and storing cost nothing."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from warwire.ingest.runner import TASK_SIZE

    chunks = [texts[i:i + TASK_SIZE] for i in range(0, len(texts), TASK_SIZE)]   # the pool's tasks
    with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"), initializer=_load_nlp,
                             initargs=(settings.model,)) as pool:
        list(pool.map(_parse, [texts[:TASK_SIZE]] * n * 2, [settings.batch_size] * n * 2))   # load every worker
        with timed() as t:
            list(pool.map(_parse, chunks, [settings.batch_size] * len(chunks)))
    return rates(words_of(texts), t)


def pipe_then_extract(settings: Settings, articles, n_process: int, db: Path) -> dict:
    """The n_process alternative: children parse, the parent runs the extraction stages and the store writes."""
    from warwire.pipeline import Extractor
    from warwire.store import Store

    extractor = Extractor(settings)
    freeze_loaded()
    texts = [a.text for a in articles]
    with Store.open(str(db)) as store, timed() as t:
        docs = extractor.nlp.pipe(texts, batch_size=settings.batch_size, n_process=n_process)
        for doc, article in zip(docs, articles):
            store.add_result(extractor._process(doc, article))   # private, on purpose: the stages after the parse
    return rates(words_of(texts), t)


def one_process(settings: Settings, articles, corpus: Path, warm: Path, rounds: int, dbs) -> dict[str, dict]:
    """The bare parse, the extraction alone and end-to-end ingest with one (in-process) worker, on one loaded
    pipeline, interleaved over ``rounds`` rounds; per row its words/s in every round, and the parent's peak
    memory and the engine's start-up time for end to end."""
    from warwire.ingest.engines import InProcessEngine
    from warwire.pipeline import Extractor
    from warwire.store import Store

    texts = [a.text for a in articles]
    words = words_of(texts)
    events = 0   # extracted per pass (the same in every round)
    with PeakRss() as rss, Fetcher() as fetcher:
        started = time.perf_counter()
        extractor = Extractor(settings)
        with InProcessEngine(settings, extractor) as engine:   # freezes what is loaded, as ingest does
            with Store.open(str(next(dbs))) as store:
                ingest_located(discover([str(warm)], fetcher), store, engine)
            startup = time.perf_counter() - started

            def parse() -> int:
                for _ in extractor.nlp.pipe(texts, batch_size=settings.batch_size):
                    pass
                return words

            def extract() -> int:
                nonlocal events
                events = sum(len(result.events) for result in extractor.extract_many(articles))
                return words

            def ingest() -> int:
                with Store.open(str(next(dbs))) as store:
                    return ingest_located(discover([str(corpus)], fetcher), store, engine).words

            runs = {"bare1": parse, "only": extract, "one": ingest}
            out: dict[str, list[dict]] = {name: [] for name in runs}
            names = list(runs)
            for r in range(rounds):
                for name in names[r % len(names):] + names[:r % len(names)]:
                    with timed() as t:
                        n = runs[name]()
                    out[name].append(rates(n, t))
    result = {name: {"rounds": rows, "wps": statistics.median(x["wps"] for x in rows),
                     "wpcpu": statistics.median(x["wpcpu"] for x in rows)} for name, rows in out.items()}
    result["one"].update(startup=startup, parent_mb=rss.parent_mb(),
                         aps=len(articles) * result["one"]["wps"] / words)
    result["only"]["events_per_kword"] = 1000 * events / words
    return result


def paired(r: dict[str, dict], row: str, base: str, key: str = "wps") -> tuple[float, float, float]:
    """The median, lowest and highest over the rounds of ``row``'s figure over ``base``'s in the same round."""
    ratios = [a[key] / b[key] for a, b in zip(r[row]["rounds"], r[base]["rounds"])]
    return statistics.median(ratios), min(ratios), max(ratios)


def rates(words: int, t: dict) -> dict:
    return {"wps": words / t["s"], "wpcpu": words / t["cpu"]}


def end_to_end(settings: Settings, corpus: Path, warm: Path, workers: int, db: Path) -> dict:
    """Ingest ``corpus`` into a fresh store with an engine already warmed up (workers loaded) on ``warm``."""
    from warwire.store import Store

    with PeakRss() as rss, Fetcher() as fetcher:
        started = time.perf_counter()
        with make_engine(settings, workers) as engine:
            with Store.open(str(db)) as store:
                ingest_located(discover([str(warm)], fetcher), store, engine)
            startup = time.perf_counter() - started
            with Store.open(str(db)) as store, timed() as t:
                counts = ingest_located(discover([str(corpus)], fetcher), store, engine)
    return {**rates(counts.words, t), "aps": counts.total / t["s"], "added": counts.added, "startup": startup,
            "parent_mb": rss.parent_mb(), "workers_mb": rss.children_mb()[:workers]}


def write_jsonl(path: Path, articles) -> None:
    with path.open("w") as fh:
        for a in articles:
            fh.write(json.dumps({"id": a.id, "text": a.text, "title": a.title, "url": a.url,
                                 "published": a.published.isoformat() if a.published else None}) + "\n")


def measure_all(articles, n: int, repeat: int, rounds: int) -> dict[str, dict]:
    """Every measure on the same articles: the one-process rows interleaved over ``rounds`` rounds, the
    others each the fastest of ``repeat`` runs."""
    settings = Settings()
    texts = [a.text for a in articles]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus, warm = tmp / "corpus.jsonl", tmp / "warm.jsonl"
        write_jsonl(corpus, articles)
        write_jsonl(warm, fictional_articles(24, seed=99))
        dbs = (tmp / f"run{i}.duckdb" for i in range(10**6))   # a fresh store for every run
        def best(run) -> dict:
            return max((run() for _ in range(repeat)), key=lambda r: r["wps"])

        # the pool first, while this process holds no pipeline (its parent memory is its own), then the
        # one-process rows, before the other rows load more pipelines into this process
        out = {"many": best(lambda: end_to_end(settings, corpus, warm, n, next(dbs)))}
        out.update(one_process(settings, articles, corpus, warm, rounds, dbs))
        out["bare_n"] = best(lambda: bare_parse(settings, texts, n))
        out["bare_procs"] = best(lambda: bare_parse_processes(settings, texts, n))
        out["alt"] = best(lambda: pipe_then_extract(settings, articles, n, next(dbs)))
        return out


def print_table(r: dict[str, dict], n: int, rounds: int) -> None:
    one, many = r["one"], r["many"]
    per_worker = ", ".join(f"{mb:,.0f}" for mb in many["workers_mb"])
    rows = [("bare spaCy nlp.pipe, 1 process", "bare1", f"median of {rounds} rounds"),
            (f"bare spaCy nlp.pipe, n_process={n}", "bare_n", ""),
            (f"bare spaCy nlp.pipe in {n} independent processes", "bare_procs", "the pool's ceiling"),
            ("extraction alone (Extractor.extract_many), 1 process", "only", "no reading, no store"),
            ("end-to-end ingest, 1 worker (in-process)", "one",
             f"{one['aps']:.1f} articles/s; peak RSS {one['parent_mb']:,.0f} MB; start-up {one['startup']:.1f}s"),
            (f"end-to-end ingest, {n} worker processes", "many",
             f"{many['aps']:.1f} articles/s; peak RSS per worker {per_worker} MB, parent "
             f"{many['parent_mb']:,.0f} MB; start-up {many['startup']:.1f}s"),
            (f"alternative: nlp.pipe(n_process={n}), extract+store in parent", "alt", "not used")]
    print(f"\n{'measure':<58} {'words/s':>9} {'words/CPU-s':>12}  notes")
    for label, key, note in rows:
        print(f"{label:<58} {r[key]['wps']:>9,.0f} {r[key]['wpcpu']:>12,.0f}  {note}")
    print(f"\nevents extracted per 1,000 words of the corpus: {r['only']['events_per_kword']:.1f}")
    print(f"ratios of rows measured in the same round: median over {rounds} rounds [lowest-highest]")
    for label, (row, base, key) in [("end-to-end / bare parse, 1 worker vs 1 process", ("one", "bare1", "wps")),
                                    ("end-to-end / bare parse per CPU-second, 1 worker", ("one", "bare1", "wpcpu")),
                                    ("extraction alone / bare parse, 1 process", ("only", "bare1", "wps")),
                                    ("end-to-end / extraction alone, 1 process", ("one", "only", "wps"))]:
        mid, low, high = paired(r, row, base, key)
        print(f"{label:<62} {mid:.2f} [{low:.2f}-{high:.2f}]")
    print("\nratios of rows measured apart (the fastest of --repeat runs against a median)")
    for label, value, unit in [
            (f"end-to-end / bare parse, {n} workers vs n_process={n}", many["wps"] / r["bare_n"]["wps"], ""),
            (f"end-to-end / bare parse, {n} workers vs {n} processes", many["wps"] / r["bare_procs"]["wps"], ""),
            (f"{n}-worker speed-up over 1 worker, end-to-end", many["wps"] / one["wps"], "x"),
            (f"worker pool vs nlp.pipe(n_process={n}) + extraction in parent", many["wps"] / r["alt"]["wps"], "x")]:
        print(f"{label:<62} {value:.2f}{unit}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--repeat", type=int, default=1, help="run each multi-process measure this often, keep "
                        "the fastest")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the one-process measures")
    parser.add_argument("--corpus", type=Path, help="measure on the first --articles articles of this file or "
                        "directory (what `warwire ingest` reads) instead of the fictional corpus")
    args = parser.parse_args()
    if args.corpus:
        with Fetcher() as fetcher:
            found = [loc.article for loc in discover([str(args.corpus)], fetcher) if loc.error is None]
        articles, what = found[:args.articles], f"articles of {args.corpus}"
    else:
        articles, what = list(fictional_articles(args.articles, seed=7)), "fictional articles (bench/corpus.py)"
    print(f"corpus: {len(articles)} {what}, {words_of(a.text for a in articles):,} words; "
          f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}", flush=True)
    print_table(measure_all(articles, args.workers, args.repeat, args.rounds), args.workers, args.rounds)
    print(f"load average after: {os.getloadavg()[0]:.2f}. Wall-clock figures need an otherwise idle machine; "
          f"words/CPU-s do not.")


if __name__ == "__main__":
    main()
