"""RSS and Atom feeds: read a feed (a file or a URL) into entries, and each entry into an Article.

    feed = load_feed("https://example.org/world.rss", fetcher)
    for entry in feed.entries:
        item = entry_article(entry, fetcher)      # the linked page's main text, or an (Article, error) pair

An entry's page is fetched and its main text extracted with trafilatura (``warwire.sources.html_to_article``);
the entry's own date is the article's publication date, since feeds date entries more reliably than
pages date themselves. An entry with no link is read from the content the feed carries.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

import feedparser

from ..errors import FeedError, InputError
from ..sources import Item, html_to_article, read_text
from ..types import Article
from .fetch import FEED_TYPES, HTML_TYPES, TEXT_TYPES, Fetcher, Page

log = logging.getLogger(__name__)

FEED_SUFFIXES = (".xml", ".rss", ".atom")
# The root elements of RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom, looked for near the start of a body.
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_SNIFF_BYTES = 2048


@dataclass(frozen=True, slots=True)
class FeedEntry:
    key: str                 # the entry's id, else its link: what ``watch`` remembers as seen
    link: str | None
    title: str | None
    published: dt.date | None
    content: str | None      # HTML or text carried by the feed itself (used when there is no link)


@dataclass(frozen=True, slots=True)
class Feed:
    source: str              # the path or URL it was read from
    title: str | None
    entries: tuple[FeedEntry, ...]


def looks_like_feed(body: bytes, media_type: str = "") -> bool:
    """True for a body whose root element is rss, feed or rdf:RDF (whatever the server called it)."""
    if media_type in ("application/rss+xml", "application/atom+xml"):
        return True
    return bool(_FEED_ROOT.search(body[:_SNIFF_BYTES]))


def parse_feed(data: bytes, source: str, base_url: str | None = None) -> Feed:
    """Parse RSS/Atom bytes. Raises FeedError for what is not a feed or holds no readable entry."""
    headers = {"content-location": base_url} if base_url else None
    parsed = feedparser.parse(data, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise FeedError(f"{source} is not an RSS or Atom feed" + (f" ({reason})" if reason else "") + ".")
    entries = []
    for n, raw in enumerate(parsed.entries, start=1):
        entry = _entry(raw)
        if entry is None:
            log.warning("%s: entry %d has no id, link or content; skipped", source, n)
            continue
        entries.append(entry)
    title = parsed.feed.get("title") or None
    return Feed(source, title, tuple(entries))


def _entry(raw) -> FeedEntry | None:
    link = raw.get("link") or None
    if link and not link.lower().startswith(("http://", "https://")):
        link = None   # feedparser copies a URN id into ``link`` when an entry has none
    content = None
    if raw.get("content"):
        content = raw["content"][0].get("value") or None
    content = content or raw.get("summary") or None
    key = raw.get("id") or link
    if key is None:
        return None
    stamp = raw.get("published_parsed") or raw.get("updated_parsed")
    published = dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None
    return FeedEntry(key, link, raw.get("title") or None, published, content)


def is_feed_path(path: Path) -> bool:
    return path.suffix.lower() in FEED_SUFFIXES


def load_feed(source: str, fetcher: Fetcher) -> Feed:
    """Read a feed from a file path or an http(s) URL. Raises an InputError subclass saying why not."""
    if source.lower().startswith(("http://", "https://")):
        page = fetcher.get(source, accept=FEED_TYPES | HTML_TYPES | TEXT_TYPES)
        return feed_from_page(page)
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise FeedError(f"Cannot read feed {source}: {exc.strerror}.") from None
    return parse_feed(data, source)


def feed_from_page(page: Page) -> Feed:
    return parse_feed(page.body, page.url, base_url=page.final_url)


def entry_article(entry: FeedEntry, fetcher: Fetcher, published: dt.date | None = None) -> Item:
    """The entry as an Article (its page's main text), or (stub Article, InputError) when that fails."""
    date = entry.published or published
    stub = Article(entry.link or entry.key, "", date, entry.title, entry.link)
    try:
        if entry.link:
            page = fetcher.get(entry.link, accept=HTML_TYPES | TEXT_TYPES)
            article = page_article(page, date, art_id=entry.link, url=entry.link)
        elif entry.content:
            article = _as_article(read_text(fragment_text(entry.content), entry.key, date))
        else:
            raise FeedError(f"Feed entry {entry.key} has neither a link nor content.")
    except InputError as exc:
        return stub, exc
    if article.title is None and entry.title:
        article = replace(article, title=entry.title)
    return article


def page_article(page: Page, published: dt.date | None, *, art_id: str | None = None,
                 url: str | None = None) -> Article:
    """A fetched page as an Article: HTML through trafilatura, plain text as it is. Raises InputError."""
    art_id = art_id or page.url
    url = url or page.url
    text = page.text()
    if page.media_type in TEXT_TYPES:
        return replace(_as_article(read_text(text, art_id, published)), url=url)
    return html_to_article(text, art_id, published, url=url)


_BLOCKS = ("p", "br", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr")


def fragment_text(content: str) -> str:
    """The text of an HTML fragment carried in a feed (too short for trafilatura), paragraphs kept apart."""
    if "<" not in content:
        return content
    import lxml.html

    root = lxml.html.fragment_fromstring(content, create_parent="div")
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    return re.sub(r"\n{3,}", "\n\n", root.text_content()).strip()


def _as_article(item: Item) -> Article:
    if isinstance(item, tuple):
        raise item[1]
    return item


__all__ = ["Feed", "FeedEntry", "looks_like_feed", "parse_feed", "load_feed", "feed_from_page", "entry_article",
           "page_article", "is_feed_path", "FEED_SUFFIXES"]
