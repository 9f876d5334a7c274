"""What a SOURCE on the command line means, and the articles found under it.

A SOURCE is

* a file: ``.jsonl`` (one article a line), ``.xml``/``.rss``/``.atom`` (a feed), anything else a text or
  HTML article;
* a directory: searched recursively for ``.txt``, ``.html``/``.htm`` and ``.jsonl`` files (hidden files
  and folders skipped, feeds not followed: a folder of articles should not start a crawl);
* an http(s) URL: an article page, or a feed when its content is one.

``discover`` yields one ``Located`` per article, lazily and in a stable order. A bad input is a
``Located`` whose item is an ``(Article, InputError)`` pair, never an exception.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..sources import Item, read_file, read_jsonl
from ..types import Article
from .feeds import Feed, entry_article, feed_from_page, is_feed_path, load_feed, looks_like_feed, page_article
from .fetch import Fetcher

log = logging.getLogger(__name__)

DIR_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
# Given (feed source, entry key), says whether that entry was ingested before; ``watch`` passes one.
SeenEntry = Callable[[str, str], bool]


@dataclass(frozen=True, slots=True)
class Located:
    """An article (or a rejected input) and where it came from."""

    item: Item
    url: str | None            # the address the store files it under: a web URL or a file:// URI
    source: str                # the SOURCE argument it was found under
    entry: str | None = None   # for a feed entry, its key (id or link)

    @property
    def article(self) -> Article:
        return _article(self.item)

    @property
    def error(self) -> InputError | None:
        return self.item[1] if isinstance(self.item, tuple) else None


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def check_sources(sources: Iterable[str]) -> list[str]:
    """The sources that are neither URLs nor existing paths (the CLI refuses to start with any)."""
    return [s for s in sources if not is_url(s) and not Path(s).exists()]


def discover(sources: Iterable[str], fetcher: Fetcher, published: dt.date | None = None,
             seen: SeenEntry | None = None) -> Iterator[Located]:
    """Every article under each SOURCE, in order. ``published`` is the default date for undated ones."""
    for source in sources:
        if is_url(source):
            yield from _from_url(source, fetcher, published, seen)
        elif Path(source).is_dir():
            for path in walk(Path(source)):
                yield from _from_file(path, source, published)
        elif is_feed_path(Path(source)):
            path = str(Path(source).resolve())   # so ``watch`` knows the feed however its path is written
            try:
                feed = load_feed(path, fetcher)
            except InputError as exc:
                yield _failed(path, exc, published, url=None)
                continue
            yield from _entries(feed, path, fetcher, published, seen)
        else:
            yield from _from_file(Path(source), source, published)


def walk(root: Path) -> Iterator[Path]:
    """Article files under ``root``, sorted, not following symlinked folders, hidden ones skipped."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and name.lower().endswith(DIR_SUFFIXES):
                yield Path(dirpath) / name
            elif not name.startswith("."):
                log.info("%s: not a .txt, .html or .jsonl file; skipped", Path(dirpath) / name)


def _from_file(path: Path, source: str, published: dt.date | None) -> Iterator[Located]:
    uri = path.resolve().as_uri()
    if path.suffix.lower() != ".jsonl":
        yield Located(read_file(path, published), uri, source)
        return
    for item in read_jsonl(path, published):
        art = _article(item)
        yield Located(item, art.url or f"{uri}#{art.id}", source)


def _from_url(url: str, fetcher: Fetcher, published: dt.date | None, seen: SeenEntry | None) -> Iterator[Located]:
    try:
        page = fetcher.get(url)
        feed = feed_from_page(page) if looks_like_feed(page.body, page.media_type) else None
        article = None if feed else page_article(page, published, art_id=url, url=url)
    except InputError as exc:
        yield _failed(url, exc, published, url=url)
        return
    if feed is None:
        yield Located(article, url, url)
    else:
        yield from _entries(feed, url, fetcher, published, seen)


def _entries(feed: Feed, source: str, fetcher: Fetcher, published: dt.date | None,
             seen: SeenEntry | None) -> Iterator[Located]:
    if not feed.entries:
        log.warning("%s: the feed has no entries", source)
    for entry in feed.entries:
        if seen is None or not seen(source, entry.key):
            item = entry_article(entry, fetcher, published)
            yield Located(item, entry.link or _article(item).url, source, entry.key)


def _failed(source: str, exc: InputError, published: dt.date | None, url: str | None) -> Located:
    return Located((Article(source, "", published, None, url), exc), url, source)


def _article(item: Item) -> Article:
    return item[0] if isinstance(item, tuple) else item


__all__ = ["Located", "discover", "walk", "is_url", "check_sources", "DIR_SUFFIXES", "SeenEntry"]
