"""Getting articles in: files, directories, article URLs and RSS/Atom feeds, extracted on every core (or on a
Dask cluster) and stored exactly once.

    from warwire.ingest import ingest
    counts = ingest(["news/", "https://example.org/world.rss"], settings, store, workers=2)

Modules: ``fetch`` (HTTP with limits), ``feeds`` (RSS/Atom), ``sources`` (what a SOURCE is), ``engines``
(in-process and process-pool extraction), ``cluster`` (Dask; imported only for ``engine="dask"``),
``runner`` (the ingest loop and its counts), ``watch`` (polling feeds).
"""
from .engines import InProcessEngine, PoolEngine, default_workers, make_engine
from .feeds import Feed, FeedEntry, entry_article, load_feed, parse_feed
from .fetch import USER_AGENT, Fetcher, Page
from .runner import IngestCounts, ingest, ingest_located
from .sources import Located, check_sources, discover
from .watch import parse_interval, poll_once, watch

__all__ = ["ingest", "ingest_located", "IngestCounts", "discover", "check_sources", "Located", "Fetcher", "Page",
           "USER_AGENT", "Feed", "FeedEntry", "load_feed", "parse_feed", "entry_article", "make_engine",
           "InProcessEngine", "PoolEngine", "default_workers", "watch", "poll_once", "parse_interval"]
