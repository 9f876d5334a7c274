"""Feeds (RSS/Atom) and what a SOURCE means, without the spaCy pipeline."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from warwire.errors import FeedError
from warwire.ingest.feeds import entry_article, load_feed, looks_like_feed, parse_feed
from warwire.ingest.fetch import Fetcher
from warwire.ingest.sources import check_sources, discover
from warwire.types import Article

DATA = Path(__file__).parent / "data"

# guids are URLs or URNs in real feeds; feedparser reads a bare "g-dam" relative to the feed's address
ENTRIES = [("g-dam", "/dam.html", "Drone strike hits dam", "Tue, 05 Mar 2024 09:00:00 GMT"),
           ("g-clash", "/clash.html", "Soldiers killed", "Sun, 03 Mar 2024 12:00:00 GMT")]


def test_rss_entries_with_links_dates_and_ids(site):
    url = site.rss("/world.rss", ENTRIES)
    with Fetcher() as fetcher:
        feed = load_feed(url, fetcher)
    assert feed.title == "The Example Ledger: World"
    assert [(e.key, e.link, e.published) for e in feed.entries] == [
        (site.base + "/g-dam", site.base + "/dam.html", dt.date(2024, 3, 5)),
        (site.base + "/g-clash", site.base + "/clash.html", dt.date(2024, 3, 3))]


def test_atom_file_relative_links_and_inline_content():
    feed = parse_feed((DATA / "feed.atom").read_bytes(), "feed.atom", base_url="http://127.0.0.1:1/africa/feed.atom")
    port, note = feed.entries
    assert port.link == "http://127.0.0.1:1/africa/port_protest.html"
    assert port.published == dt.date(2024, 3, 4)   # <updated> when there is no <published>
    assert note.link is None and "abducted six passengers" in note.content


def test_entry_without_link_reads_the_feed_content():
    feed = parse_feed((DATA / "feed.atom").read_bytes(), "feed.atom")
    article = entry_article(feed.entries[1], fetcher=None)
    assert isinstance(article, Article)
    assert article.text.startswith("Gunmen abducted six passengers")
    assert article.published == dt.date(2024, 3, 3)
    assert article.title == "A note carried in the feed itself"


def test_entry_page_text_and_feed_date_win(site):
    site.page("/dam.html", "dam_strike.html")
    feed_url = site.rss("/world.rss", ENTRIES[:1])
    with Fetcher() as fetcher:
        article = entry_article(load_feed(feed_url, fetcher).entries[0], fetcher)
    assert "killing four workers" in article.text
    assert "Home" not in article.text and "Copyright" not in article.text   # boilerplate removed
    assert article.published == dt.date(2024, 3, 5)
    assert article.url == site.base + "/dam.html"


def test_entry_whose_page_is_missing_is_a_rejection(site):
    feed_url = site.rss("/world.rss", ENTRIES[1:])
    with Fetcher() as fetcher:
        stub, error = entry_article(load_feed(feed_url, fetcher).entries[0], fetcher)
    assert error.code == "http_status" and "404" in error.message
    assert stub.url == site.base + "/clash.html"


@pytest.mark.parametrize("body", [b"<html><body><p>Just a page.</p></body></html>", b"plain words", b""])
def test_what_is_not_a_feed_is_a_feed_error(body):
    assert not looks_like_feed(body)
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(body, "x.xml")


def test_directory_discovery_order_and_filters(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.txt").write_text("One article.")
    (tmp_path / "b" / "c.html").write_text("<html><body><p>Two.</p></body></html>")
    (tmp_path / "b" / "d.jsonl").write_text(json.dumps({"id": "j1", "text": "Three."}) + "\n")
    (tmp_path / "notes.md").write_text("not an article file")
    (tmp_path / ".git" / "x.txt").write_text("hidden")
    found = list(discover([str(tmp_path)], fetcher=None))
    assert [loc.url.rsplit("/", 2)[-2:] for loc in found] == [
        [tmp_path.name, "a.txt"], ["b", "c.html"], ["b", "d.jsonl#j1"]]
    assert all(loc.source == str(tmp_path) for loc in found)


def test_url_source_is_an_article_or_a_feed(site):
    site.page("/dam.html", "dam_strike.html")
    site.page("/clash.html", "border_clash.html")
    feed = site.rss("/feed", ENTRIES)   # no .rss suffix: recognised by its content
    with Fetcher() as fetcher:
        single = list(discover([site.base + "/dam.html"], fetcher))
        entries = list(discover([feed], fetcher))
    assert [loc.entry for loc in single] == [None]
    assert [loc.entry for loc in entries] == [site.base + "/g-dam", site.base + "/g-clash"]
    assert all(loc.error is None for loc in single + entries)


def test_missing_sources_are_named(tmp_path):
    assert check_sources([str(tmp_path), "https://x.invalid/a", str(tmp_path / "nope")]) == [str(tmp_path / "nope")]


def test_public_surface_and_lazy_imports():
    """Every name in warwire.ingest.__all__ exists; the CLI and warwire.ingest import neither Dask nor spaCy
    (Dask only for --engine dask, spaCy only in the processes that extract)."""
    import subprocess
    import sys

    import warwire.ingest

    assert all(hasattr(warwire.ingest, name) for name in warwire.ingest.__all__)
    code = ("import sys, warwire.cli, warwire.ingest; "
            "print(sorted(m for m in ('dask', 'distributed', 'spacy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
