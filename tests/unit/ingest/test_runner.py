"""The ingest loop with the real spaCy pipeline: rejections with reasons, re-ingest changes nothing, feeds over
HTTP, watch takes only new entries, and every engine stores each article exactly once."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from warwire.config import Settings
from warwire.ingest import Fetcher, discover, ingest_located, poll_once

def run(sources, store, engine, fetcher=None, published=None):
    return ingest_located(discover([str(s) for s in sources], fetcher, published), store, engine)


@pytest.mark.slow
def test_directory_good_stored_bad_rejected_with_reasons(corpus, memory_store, engine):
    counts = run([corpus.root], memory_store, engine)
    assert (counts.added, counts.duplicate, counts.version) == (corpus.good, 0, 0)
    assert counts.rejected == Counter(corpus.rejected)
    stored = {r.article.id: r for r in memory_store.results()}
    assert {"ambush.txt", "shelling.txt", "arrest.txt", "dam.html", "j-strike", "j-talks"} <= set(stored)
    assert stored["j-strike"].article.published == dt.date(2024, 5, 2)
    assert any(e.type == "ASSAULT" for e in stored["ambush.txt"].events)
    errors = {r.error.code: r.error.message for r in memory_store.results() if r.error}
    assert "NUL bytes" in errors["binary"] and "not valid UTF-8" in errors["encoding"]
    assert "line 2 is not valid JSON" in errors["bad_record"]
    assert counts.summary() == (f"{corpus.good + 4} articles: {corpus.good} added, 0 duplicates, 0 new versions, "
                                f"4 rejected (1 bad_record, 1 binary, 1 empty, 1 encoding)")


@pytest.mark.slow
def test_reingest_changes_nothing_and_extracts_nothing(corpus, memory_store, engine, monkeypatch):
    run([corpus.root], memory_store, engine)
    rows = dict(memory_store.rows)
    extracted = []
    monkeypatch.setattr(engine._extractor, "extract_many",
                        lambda items, batch_size=None: extracted.append(items) or iter(()))
    again = run([corpus.root], memory_store, engine)
    assert (again.added, again.duplicate, again.version) == (0, corpus.good, 0)
    assert memory_store.rows == rows and extracted == []


@pytest.mark.slow
def test_a_store_written_by_the_writer_thread_holds_what_one_written_in_line_holds(corpus, tmp_path, engine,
                                                                                   monkeypatch):
    """Batches go to DuckDB on the writer's thread (its own connection) while the next one is parsed, and
    rejected inputs are written by the caller once the writer is idle: the store, the counts and the run's
    record are those of the same run written all in the caller's thread."""
    import threading

    from warwire.store import Store

    def ingest_into(path):
        with Store.open(path) as store:
            store._con.execute("SET threads = 2")
            with store.run() as record:
                counts = ingest_located(discover([str(corpus.root)], None, None), store, engine, run=record)
            again = run([corpus.root], store, engine)
            after.append(store._con.execute("SELECT current_setting('threads')").fetchone()[0])
            return counts, record.counts, {r.article.id: r.to_dict() for r in store.results()}, again

    threads, duckdb_threads, after = [], set(), []
    add_results = Store.add_results

    def add_results_noted(self, items, run=None):
        threads.append(threading.current_thread().name)
        if threads[-1] == "warwire-store-writer":
            duckdb_threads.add(self._con.execute("SELECT current_setting('threads')").fetchone()[0])
        return add_results(self, items, run=run)

    monkeypatch.setattr(Store, "add_results", add_results_noted)
    counts, tally, stored, again = ingest_into(tmp_path / "threaded.duckdb")
    assert "warwire-store-writer" in threads and "MainThread" in threads   # batches there, rejections here
    # the writer keeps DuckDB to one thread of its own while the run parses, and sets it back after
    assert duckdb_threads == {1} and after == [2]
    monkeypatch.delattr(Store, "for_thread")   # no second connection: everything in the caller's thread
    threads.clear()
    assert ingest_into(tmp_path / "in_line.duckdb") == (counts, tally, stored, again)
    assert set(threads) == {"MainThread"}
    assert (counts.added, counts.version, tally["added"]) == (corpus.good, 0, corpus.good)
    assert (again.added, again.duplicate) == (0, corpus.good)


@pytest.mark.slow
def test_changed_file_is_a_new_version_and_copies_are_duplicates(tmp_path, corpus, memory_store, engine):
    (tmp_path / "one").mkdir()
    story = tmp_path / "one" / "ambush.txt"
    story.write_text(corpus.stories["ambush.txt"])
    run([story.parent], memory_store, engine)
    story.write_text(corpus.stories["ambush.txt"].replace("five drivers", "six drivers"))
    assert run([story.parent], memory_store, engine).version == 1
    twice = run([story, story], memory_store, engine)          # the same new text twice in one run
    assert (twice.added, twice.duplicate) == (0, 2)


@pytest.mark.slow
def test_feed_url_entries_fetched_and_dated_by_the_feed(site, memory_store, engine):
    site.page("/dam.html", "dam_strike.html")
    site.page("/clash.html", "border_clash.html")
    feed = site.rss("/world.rss", [("urn:dam", "/dam.html", "Dam", "Tue, 05 Mar 2024 09:00:00 GMT"),
                                   ("urn:clash", "/clash.html", "Clash", "Sun, 03 Mar 2024 12:00:00 GMT"),
                                   ("urn:gone", "/gone.html", "Gone", "Sat, 02 Mar 2024 12:00:00 GMT")])
    with Fetcher() as fetcher:
        counts = run([feed], memory_store, engine, fetcher)
    assert (counts.added, counts.rejected) == (2, Counter({"http_status": 1}))
    by_url = {url: r for (url, _), r in memory_store.rows.items()}
    dam = by_url[site.base + "/dam.html"]
    assert dam.article.published == dt.date(2024, 3, 5)
    assert dam.article.title == "Drone strike hits dam near Varosh, officials say"
    assert any(e.type == "ASSAULT" and e.date and e.date.start == dt.date(2024, 3, 5) for e in dam.events)


@pytest.mark.slow
def test_watch_ingests_only_new_entries(site, memory_store, engine):
    site.page("/dam.html", "dam_strike.html")
    site.page("/port.html", "port_protest.html")
    first = [("urn:dam", "/dam.html", "Dam", "Tue, 05 Mar 2024 09:00:00 GMT")]
    feed = site.rss("/world.rss", first)
    with Fetcher() as fetcher:
        one = poll_once([feed], memory_store, engine, fetcher)
        site.rss("/world.rss", [("urn:port", "/port.html", "Port", "Wed, 06 Mar 2024 07:00:00 GMT"), *first])
        two = poll_once([feed], memory_store, engine, fetcher)
        three = poll_once([feed], memory_store, engine, fetcher)
    assert (one.added, two.added, three.total) == (1, 1, 0)
    assert site.hits("/dam.html") == 1 and site.hits("/port.html") == 1 and site.hits("/world.rss") == 3
    assert memory_store.entries == {(feed, "urn:dam"), (feed, "urn:port")}


@pytest.mark.slow
def test_watch_retries_an_entry_whose_page_failed(site, memory_store, engine):
    feed = site.rss("/world.rss", [("urn:dam", "/dam.html", "Dam", "Tue, 05 Mar 2024 09:00:00 GMT")])
    with Fetcher() as fetcher:
        assert poll_once([feed], memory_store, engine, fetcher).rejected == Counter({"http_status": 1})
        site.page("/dam.html", "dam_strike.html")
        assert poll_once([feed], memory_store, engine, fetcher).total == 1
    assert (feed, "urn:dam") in memory_store.entries


def _snapshot(store) -> dict:
    return {r.article.id: [(e.type, e.evidence.start) for e in r.events] for r in store.results() if not r.error}


@pytest.mark.slow
def test_process_pool_stores_each_article_once_with_the_same_results(corpus, memory_store, make_store, engine):
    from warwire.ingest import PoolEngine

    run([corpus.root], memory_store, engine)
    pooled = make_store()
    with PoolEngine(Settings(), workers=2) as pool:
        counts = run([corpus.root], pooled, pool)
    assert (counts.added, counts.duplicate) == (corpus.good, 0)
    assert pooled.writes == corpus.good + sum(corpus.rejected.values())
    assert _snapshot(pooled) == _snapshot(memory_store)


@pytest.mark.slow
def test_dask_local_cluster_engine(corpus, memory_store, make_store, engine):
    from warwire.ingest.cluster import DaskEngine

    run([corpus.root], memory_store, engine)
    on_dask = make_store()
    with DaskEngine(Settings(), workers=1, processes=False) as dask:
        counts = run([corpus.root], on_dask, dask)
    assert (counts.added, counts.rejected) == (corpus.good, Counter(corpus.rejected))
    assert _snapshot(on_dask) == _snapshot(memory_store)


def test_pool_ends_its_workers_at_once_on_ctrl_c():
    """Ctrl-C must not wait for the workers' batches (nothing they hold is stored yet)."""
    import time

    from warwire.ingest import PoolEngine

    pool = PoolEngine(Settings(), workers=2)
    with pytest.raises(KeyboardInterrupt):
        with pool:
            pool._pool.submit(time.sleep, 120)   # a worker busy for two minutes
            workers = list(pool._pool._processes.values())
            started = time.monotonic()
            raise KeyboardInterrupt
    from multiprocessing.connection import wait

    # Wait on the processes' sentinels, not join(): the pool's own thread may reap a worker first, and
    # then join() reports exit code None for a process that is gone.
    ended = wait([p.sentinel for p in workers], timeout=30)
    assert len(ended) == len(workers)                                # every worker is gone ...
    assert time.monotonic() - started < 30                           # ... long before its batch could end
    assert all(p.exitcode in (-15, None) for p in workers)           # by SIGTERM (None: reaped by the pool)


@pytest.mark.slow
def test_watch_loop_polls_until_told_to_stop(site, memory_store, engine):
    from contextlib import nullcontext

    from warwire.ingest import watch

    site.page("/dam.html", "dam_strike.html")
    site.page("/port.html", "port_protest.html")
    first = [("urn:dam", "/dam.html", "Dam", "Tue, 05 Mar 2024 09:00:00 GMT")]
    feed = site.rss("/world.rss", first)
    added = []

    def grow(n, counts):   # after the first poll the feed gains an entry
        added.append(counts.added)
        site.rss("/world.rss", [("urn:port", "/port.html", "Port", "Wed, 06 Mar 2024 07:00:00 GMT"), *first])

    with Fetcher() as fetcher:
        total = watch([feed], lambda: nullcontext(memory_store), engine, every=0.01, fetcher=fetcher,
                      on_cycle=grow, cycles=3)
    assert added == [1, 1, 0] and total.added == 2
    assert memory_store.remerges == 2       # after the polls that stored something


@pytest.mark.parametrize("engine_name", ["local", "dask"])
def test_a_worker_that_cannot_load_the_pipeline_says_why(tmp_path, memory_store, engine_name):
    from warwire.errors import PipelineMissingError
    from warwire.ingest import make_engine

    (tmp_path / "a.txt").write_text("Soldiers clashed with rebels near Kidal in Mali on Wednesday.")
    settings = Settings(model="no_such_pipeline_installed")
    with pytest.raises(PipelineMissingError, match="is not installed"):
        with make_engine(settings, workers=2, engine=engine_name) as broken:
            run([tmp_path], memory_store, broken)


@pytest.mark.slow
def test_an_article_a_stage_fails_on_is_reported_not_stored_and_extracted_again_later(corpus, tmp_path, engine,
                                                                                       monkeypatch):
    """A bug that makes one stage raise on one article costs that article, not the run: it gets an
    extraction_failed record, the others are stored, and a later run (the bug fixed) extracts and stores it."""
    from warwire.store import Store

    events = engine._extractor.events
    extract = events.extract

    def broken(doc, article, actors, places):
        if article.id == "ambush.txt":
            raise KeyError("a parse no rule expected")
        return extract(doc, article, actors, places)

    monkeypatch.setattr(events, "extract", broken)
    with Store.open(tmp_path / "events.duckdb") as store:
        with store.run() as record:
            first = ingest_located(discover([str(corpus.root)], None, None), store, engine, run=record)
        assert first.added == corpus.good - 1 and first.rejected["extraction_failed"] == 1
        assert record.counts["rejected"] == sum(corpus.rejected.values()) + 1
        assert "ambush.txt" not in {r.article.id for r in store.results()}
        monkeypatch.setattr(events, "extract", extract)
        again = run([corpus.root], store, engine)
        assert (again.added, again.duplicate) == (1, corpus.good - 1)
        ambush = [r for r in store.results() if r.article.id == "ambush.txt"]
        assert len(ambush) == 1 and ambush[0].error is None and ambush[0].events


@pytest.mark.slow
def test_extract_many_goes_on_after_a_stage_fails_on_one_article(extractor, monkeypatch):
    from warwire.types import Article

    places = extractor.places.find
    monkeypatch.setattr(extractor.places, "find", lambda doc, *a: (_ for _ in ()).throw(ValueError("boom"))
                        if "Dorvan" in doc.text else places(doc, *a))
    texts = ["Rebels attacked an army post near Kidal on Monday, killing two soldiers.",
             "Police in Dorvan arrested four men after a market fire.",
             "Protesters marched through Bamako on Friday demanding fuel subsidies."]
    results = list(extractor.extract_many([Article(str(i), t) for i, t in enumerate(texts)]))
    assert [r.error.code if r.error else None for r in results] == [None, "extraction_failed", None]
    assert "ValueError: boom" in results[1].error.message and "bug in warwire" in results[1].error.message
    assert results[0].events and results[2].events
