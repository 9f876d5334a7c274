"""HTTP fetching with the limits a crawler of news sites needs: timeouts, a response size cap, at most
five redirects, a user agent that says who we are, and a content-type check.

    with Fetcher() as fetcher:
        page = fetcher.get("https://example.org/story")   # -> Page, or raises a FetchError

Every failure is a ``FetchError`` (an ``InputError``), so a bad URL becomes a recorded rejection and
the run goes on. Tests pass ``transport=httpx.MockTransport(...)`` or point at a local server.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import httpx

from .. import __version__
from ..errors import (ContentTypeError, FetchError, HttpStatusError, RedirectError, ResponseTooLargeError)
from ..sources import decode

log = logging.getLogger(__name__)

USER_AGENT = f"warwire/{__version__} (+https://github.com/warwire)"
# A news article page is rarely over 2 MB of HTML; 10 MB leaves room for heavy pages and long feeds
# while keeping one bad URL (a video, a dump) from filling memory.
MAX_BYTES = 10_000_000
MAX_REDIRECTS = 5
# connect/read/write/pool seconds: slow news sites answer within a few seconds; past 20 s we give up.
TIMEOUT = httpx.Timeout(20.0, connect=10.0)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
                        "application/rdf+xml", "application/feed+json"})
ACCEPTED_TYPES = HTML_TYPES | TEXT_TYPES | FEED_TYPES
ACCEPT_HEADER = ("text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                 "application/xml;q=0.9,text/plain;q=0.8")


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched response: the URL asked for, the URL it ended at, its media type and body."""

    url: str
    final_url: str
    content_type: str
    body: bytes

    def text(self) -> str:
        """The body as text: UTF-8 or the charset the server declared. Raises EncodingError/BinaryInputError."""
        return decode_body(self.body, self.charset(), self.final_url)

    def charset(self) -> str | None:
        return self._params().get("charset")

    @property
    def media_type(self) -> str:
        return self.content_type.split(";", 1)[0].strip().lower()

    def _params(self) -> dict[str, str]:
        out = {}
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.partition("=")
            out[key.strip().lower()] = value.strip().strip('"').lower()
        return out


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def decode_body(body: bytes, charset: str | None, name: str) -> str:
    """Decode with the charset the server declared, else the page's <meta charset>, else UTF-8."""
    if charset is None:
        match = _META_CHARSET.search(body[:4096])
        charset = match.group(1).decode("ascii").lower() if match else None
    if charset and charset.replace("-", "").replace("_", "") not in ("utf8", "usascii", "ascii"):
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            log.debug("%s: declared charset %s does not decode it; trying UTF-8", name, charset)
    return decode(body, name)


class Fetcher:
    """One HTTP client with warwire's limits. Pass ``client=`` or ``transport=`` to swap the network out."""

    def __init__(self, *, timeout: httpx.Timeout | float = TIMEOUT, max_bytes: int = MAX_BYTES,
                 max_redirects: int = MAX_REDIRECTS, user_agent: str = USER_AGENT,
                 transport: httpx.BaseTransport | None = None, client: httpx.Client | None = None):
        self.max_bytes = max_bytes
        self._owns_client = client is None
        self.client = client or httpx.Client(
            timeout=timeout, follow_redirects=True, max_redirects=max_redirects, transport=transport,
            headers={"User-Agent": user_agent, "Accept": ACCEPT_HEADER})

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def get(self, url: str, accept: frozenset[str] = ACCEPTED_TYPES) -> Page:
        """GET ``url``; raise a FetchError subclass saying what went wrong and what to try."""
        if not url.lower().startswith(("http://", "https://")):
            raise FetchError(f"{url}: only http:// and https:// URLs can be fetched.")
        try:
            with self.client.stream("GET", url) as response:
                return self._read(url, response, accept)
        except httpx.TooManyRedirects:
            raise RedirectError(f"{url}: more than {self.client.max_redirects} redirects; "
                                f"open it in a browser to find its final address.") from None
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url}: timed out ({type(exc).__name__}); the site is slow or down, "
                             f"try again later.") from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"{url}: not a valid URL ({exc}).") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: cannot fetch ({type(exc).__name__}: {exc}); check the address "
                             f"and the network.") from None

    def _read(self, url: str, response: httpx.Response, accept: frozenset[str]) -> Page:
        final = str(response.url)
        if response.status_code >= 400:
            raise HttpStatusError(f"{url}: the server answered {response.status_code} "
                                  f"{response.reason_phrase or ''}".rstrip() + ".")
        ctype = response.headers.get("content-type", "")
        media = ctype.split(";", 1)[0].strip().lower()
        if media and media not in accept:
            raise ContentTypeError(f"{url}: content type {media!r} is not a web page, text or feed "
                                   f"(accepted: {', '.join(sorted(accept))}).")
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large(url, int(declared))
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise self._too_large(url, size)
            chunks.append(chunk)
        log.debug("fetched %s (%s, %d bytes)", final, media or "no content type", size)
        return Page(url, final, ctype, b"".join(chunks))

    def _too_large(self, url: str, size: int) -> ResponseTooLargeError:
        return ResponseTooLargeError(f"{url}: the response is over {self.max_bytes:,} bytes "
                                     f"(at least {size:,}); it is not a news article.")
