"""Ingest speed and memory, measured in one run on one corpus (not a test; takes a few minutes):

    .venv/bin/python bench/benchmark.py [--articles 400] [--workers 2] [--rounds 5] [--slice 32] [--corpus FILE]

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
  machine skews less (though a busy shared CPU still slows them: cache and memory bandwidth are shared).

The one-process rows (bare parse, extraction alone, end to end with one worker) share one loaded pipeline
and run finely interleaved: the corpus is cut into slices of ``--slice`` articles, and every round
(``--rounds``) runs each slice through the three rows one after the other, in an order that rotates from
step to step. A shared machine speeds up and slows down by 10-20% over tens of seconds; measuring one row
after another, or even whole-corpus rows in turn, compares different machines. Each row's figure is its
words over its seconds summed over all steps, so every row samples the same drift; the ratios are those
totals' ratios, printed with the quartiles of the steps' own ratios.

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


def one_process(settings: Settings, slices: list[tuple[list, Path]], warm: Path, rounds: int, dbs) -> dict[str, dict]:
    """The bare parse, the extraction alone and end-to-end ingest with one (in-process) worker, on one loaded
    pipeline, finely interleaved: every round runs each slice of the corpus through the three rows one after
    the other, in an order that rotates, so the rows sample the same states of a machine whose speed drifts.
    ``slices``: each slice's articles and the JSONL file holding them. Per row its words and seconds in every
    (round, slice) step; the parent's peak memory and the engine's start-up time for end to end."""
    from warwire.ingest.engines import InProcessEngine
    from warwire.pipeline import Extractor
    from warwire.store import Store

    articles = [a for part, _ in slices for a in part]
    words = words_of(a.text for a in articles)
    events = 0   # extracted per pass (the same in every round)
    with PeakRss() as rss, Fetcher() as fetcher:
        started = time.perf_counter()
        extractor = Extractor(settings)
        with InProcessEngine(settings, extractor) as engine:   # freezes what is loaded, as ingest does
            with Store.open(str(next(dbs))) as store:
                ingest_located(discover([str(warm)], fetcher), store, engine)
            startup = time.perf_counter() - started

            def parse(part, path, store) -> int:
                for _ in extractor.nlp.pipe([a.text for a in part], batch_size=settings.batch_size):
                    pass
                return words_of(a.text for a in part)

            def extract(part, path, store) -> int:
                nonlocal events
                events += sum(len(result.events) for result in extractor.extract_many(part))
                return words_of(a.text for a in part)

            def ingest(part, path, store) -> int:
                return ingest_located(discover([str(path)], fetcher), store, engine).words

            runs = {"bare1": parse, "only": extract, "one": ingest}
            out: dict[str, list[dict]] = {name: [] for name in runs}
            names = list(runs)
            step = 0
            for _ in range(rounds):
                with Store.open(str(next(dbs))) as store:   # a fresh store per round: its articles are new to it
                    for part, path in slices:
                        for name in names[step % len(names):] + names[:step % len(names)]:
                            with timed() as t:
                                n = runs[name](part, path, store)
                            out[name].append({"words": n, **t})
                        step += 1
    result = {name: {"steps": rows, **totals(rows)} for name, rows in out.items()}
    result["one"].update(startup=startup, parent_mb=rss.parent_mb(),
                         aps=len(articles) * result["one"]["wps"] / words)
    result["only"]["events_per_kword"] = 1000 * events / (rounds * words)
    return result


def totals(steps: list[dict]) -> dict:
    """Words/s and words per CPU-second over all the steps of a row."""
    words = sum(x["words"] for x in steps)
    return {"wps": words / sum(x["s"] for x in steps), "wpcpu": words / sum(x["cpu"] for x in steps)}


def paired(r: dict[str, dict], row: str, base: str, key: str = "wps") -> tuple[float, float, float]:
    """``row``'s figure over ``base``'s over all steps, and the quartiles of the same ratio step by step."""
    ratios = sorted(rate(a, key) / rate(b, key) for a, b in zip(r[row]["steps"], r[base]["steps"]))
    q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    return r[row][key] / r[base][key], q[0], q[2]


def rate(step: dict, key: str) -> float:
    return step["words"] / (step["s"] if key == "wps" else step["cpu"])


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


def measure_all(articles, n: int, repeat: int, rounds: int, slice_size: int, pool: bool = True) -> dict[str, dict]:
    """Every measure on the same articles: the one-process rows interleaved slice by slice over ``rounds``
    rounds, the others each the fastest of ``repeat`` runs."""
    settings = Settings()
    texts = [a.text for a in articles]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus, warm = tmp / "corpus.jsonl", tmp / "warm.jsonl"
        write_jsonl(corpus, articles)
        slices = [(articles[i:i + slice_size], tmp / f"slice{i // slice_size}.jsonl")
                  for i in range(0, len(articles), slice_size)]
        for part, path in slices:
            write_jsonl(path, part)
        write_jsonl(warm, fictional_articles(24, seed=99))
        dbs = (tmp / f"run{i}.duckdb" for i in range(10**6))   # a fresh store for every run
        def best(run) -> dict:
            return max((run() for _ in range(repeat)), key=lambda r: r["wps"])

        # the pool first, while this process holds no pipeline (its parent memory is its own), then the
        # one-process rows, before the other rows load more pipelines into this process
        out = {"many": best(lambda: end_to_end(settings, corpus, warm, n, next(dbs)))} if pool else {}
        out.update(one_process(settings, slices, warm, rounds, dbs))
        if not pool:
            return out
        out["bare_n"] = best(lambda: bare_parse(settings, texts, n))
        out["bare_procs"] = best(lambda: bare_parse_processes(settings, texts, n))
        out["alt"] = best(lambda: pipe_then_extract(settings, articles, n, next(dbs)))
        return out


def print_table(r: dict[str, dict], n: int, rounds: int) -> None:
    one, many = r["one"], r.get("many")
    slices = len(one["steps"]) // rounds
    per_worker = ", ".join(f"{mb:,.0f}" for mb in many["workers_mb"]) if many else ""
    rows = [("bare spaCy nlp.pipe, 1 process", "bare1", f"{rounds} rounds of {slices} slices"),
            (f"bare spaCy nlp.pipe, n_process={n}", "bare_n", ""),
            (f"bare spaCy nlp.pipe in {n} independent processes", "bare_procs", "the pool's ceiling"),
            ("extraction alone (Extractor.extract_many), 1 process", "only", "no reading, no store"),
            ("end-to-end ingest, 1 worker (in-process)", "one",
             f"{one['aps']:.1f} articles/s; peak RSS {one['parent_mb']:,.0f} MB; start-up {one['startup']:.1f}s"),
            (f"end-to-end ingest, {n} worker processes", "many",
             f"{many['aps']:.1f} articles/s; peak RSS per worker {per_worker} MB, parent "
             f"{many['parent_mb']:,.0f} MB; start-up {many['startup']:.1f}s" if many else ""),
            (f"alternative: nlp.pipe(n_process={n}), extract+store in parent", "alt", "not used")]
    print(f"\n{'measure':<58} {'words/s':>9} {'words/CPU-s':>12}  notes")
    for label, key, note in rows:
        if key not in r:
            continue
        print(f"{label:<58} {r[key]['wps']:>9,.0f} {r[key]['wpcpu']:>12,.0f}  {note}")
    print(f"\nevents extracted per 1,000 words of the corpus: {r['only']['events_per_kword']:.1f}")
    print(f"ratios of rows interleaved slice by slice: over all {rounds * slices} steps [quartiles of the steps' "
          f"own ratios]")
    for label, (row, base, key) in [("end-to-end / bare parse, 1 worker vs 1 process", ("one", "bare1", "wps")),
                                    ("end-to-end / bare parse per CPU-second, 1 worker", ("one", "bare1", "wpcpu")),
                                    ("extraction alone / bare parse, 1 process", ("only", "bare1", "wps")),
                                    ("end-to-end / extraction alone, 1 process", ("one", "only", "wps"))]:
        mid, low, high = paired(r, row, base, key)
        print(f"{label:<62} {mid:.2f} [{low:.2f}-{high:.2f}]")
    if not many:
        return
    print("\nratios of rows measured apart (the fastest of --repeat runs; the one-worker row over all its steps)")
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
    parser.add_argument("--no-pool", action="store_true", help="only the one-process rows (a quicker A/B)")
    parser.add_argument("--slice", type=int, default=32, help="articles per interleaved step of a round")
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
    measured = measure_all(articles, args.workers, args.repeat, args.rounds, args.slice, not args.no_pool)
    print_table(measured, args.workers, args.rounds)
    print(f"load average after: {os.getloadavg()[0]:.2f}. Wall-clock figures need an otherwise idle machine; "
          f"words/CPU-s less so.")


if __name__ == "__main__":
    main()
