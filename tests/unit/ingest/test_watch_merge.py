"""``watch`` brings the merged events up to date after each poll that stored something new, as ``ingest`` does:
a real DuckDB store, feeds served over local HTTP, and a stand-in extractor giving the store tests' fictional
attack report for each page (no spaCy), so what merges is known."""
from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

from click.testing import CliRunner

from warwire.config import Settings
from warwire.ingest import Fetcher, InProcessEngine, watch
from warwire.store import Filters, Store

_spec = importlib.util.spec_from_file_location("warwire_store_test_fixtures",
                                               Path(__file__).resolve().parents[1] / "store" / "conftest.py")
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

DAM = ("urn:a", "/a.html", "Attack", "Mon, 08 Jan 2024 09:00:00 GMT")
LATER = ("urn:b", "/b.html", "Attack, toll rises", "Tue, 09 Jan 2024 07:00:00 GMT")
ELSEWHERE = ("urn:c", "/c.html", "Delmar", "Thu, 21 Mar 2024 07:00:00 GMT")


class AttackExtractor:
    """Stands in for warwire.pipeline.Extractor: each page is one report of the attack in Varnok, except
    /c.html, an attack in Delmar two months later (another real event)."""

    settings = Settings()

    def extract_many(self, articles, batch_size=1):
        for article in articles:
            far = {"town": "Delmar", "lat": 36.9, "lon": 42.0, "day": dt.date(2024, 3, 20)}
            yield _fixtures.attack(article.id, url=article.url, extra=f" ({article.url})",
                                   **(far if article.url.endswith("/c.html") else {}))


def _pages(site) -> None:
    for path in ("/a.html", "/b.html", "/c.html"):
        site.add(path, f"<html><body><article><p>Page {path} of the fictional wire.</p></article></body></html>")


def test_watch_merges_after_each_poll_that_stored_something(site, tmp_path):
    _pages(site)
    feed = site.rss("/world.rss", [DAM])
    path = tmp_path / "w.duckdb"
    seen = []

    def check(n, counts):   # the store is closed between polls: read what the poll left, then grow the feed
        with Store.open(path, read_only=True) as store:
            seen.append((counts.added, store.unmerged(), store.count_merged(),
                         [len(r.reports) for r in store.merged_events(Filters(actor="Red Hand Brigade"))]))
        site.rss("/world.rss", [LATER, DAM] if n == 1 else [ELSEWHERE, LATER, DAM])

    merges = []
    with Fetcher() as fetcher, InProcessEngine(Settings(), extractor=AttackExtractor()) as engine:
        watch([feed], lambda: Store.open(path), engine, every=0.01, fetcher=fetcher, on_cycle=check,
              on_merged=lambda n, stats: merges.append((n, stats.full, stats.added)), cycles=4)
    assert seen == [(1, 0, 1, [1]),          # the first report: one merged event
                    (1, 0, 1, [2]),          # the second report joins it (incremental remerge)
                    (1, 0, 2, [1, 2]),       # another event, newest first
                    (0, 0, 2, [1, 2])]       # nothing new
    assert [n for n, _, _ in merges] == [1, 2, 3] and not any(full for _, full, _ in merges)


def test_watch_without_merge_leaves_the_new_reports_unmerged(site, tmp_path):
    _pages(site)
    feed = site.rss("/world.rss", [DAM, ELSEWHERE])
    path = tmp_path / "w.duckdb"
    with Fetcher() as fetcher, InProcessEngine(Settings(), extractor=AttackExtractor()) as engine:
        watch([feed], lambda: Store.open(path), engine, every=0.01, fetcher=fetcher, merge=False, cycles=1)
    with Store.open(path, read_only=True) as store:
        assert (store.unmerged(), store.count_merged()) == (2, 0)


def test_cli_watch_prints_the_merge_after_a_poll(site, tmp_path, monkeypatch):
    from warwire import ingest
    from warwire.cli import main

    _pages(site)
    feed = site.rss("/world.rss", [DAM, LATER])
    monkeypatch.setattr(ingest, "make_engine",
                        lambda settings, workers: InProcessEngine(settings, extractor=AttackExtractor()))
    db = str(tmp_path / "w.duckdb")
    out = CliRunner().invoke(main, ["watch", feed, "--once", "--db", db])
    assert out.exit_code == 0, out.output
    assert "poll 1: 2 articles: 2 added" in out.stdout
    assert "poll 1: merged events updated: 1 in the store (2 reports merged, 0 replaced by 1)" in out.stdout
    with Store.open(db, read_only=True) as store:
        assert store.unmerged() == 0 and store.count_merged() == 1
