"""HTTP fetching: limits and errors, against the local server (and httpx.MockTransport where a server
cannot misbehave in the needed way)."""
from __future__ import annotations

import socket

import httpx
import pytest

from warwire import __version__
from warwire.errors import (ContentTypeError, FetchError, HttpStatusError, InputError, RedirectError,
                            ResponseTooLargeError)
from warwire.ingest.fetch import USER_AGENT, Fetcher


def test_user_agent_names_warwire_and_its_version(site):
    url = site.page("/a.html", "dam_strike.html")
    with Fetcher() as fetcher:
        page = fetcher.get(url)
    assert USER_AGENT == f"warwire/{__version__} (+https://github.com/warwire)"
    assert site.requests[0][1]["User-Agent"] == USER_AGENT
    assert page.media_type == "text/html"
    assert "Varosh" in page.text()


@pytest.mark.parametrize("hops, ok", [(5, True), (6, False)])
def test_at_most_five_redirects(site, hops, ok):
    site.page("/end.html", "dam_strike.html")
    for n in range(hops):
        site.redirect(f"/r{n}", f"/r{n + 1}" if n + 1 < hops else "/end.html")
    with Fetcher() as fetcher:
        if ok:
            assert fetcher.get(site.base + "/r0").final_url == site.base + "/end.html"
        else:
            with pytest.raises(RedirectError, match="more than 5 redirects"):
                fetcher.get(site.base + "/r0")


@pytest.mark.parametrize("status, content_type, body, error, message", [
    (404, "text/html", b"gone", HttpStatusError, "answered 404"),
    (503, "text/html", b"busy", HttpStatusError, "answered 503"),
    (200, "image/png", b"\x89PNG....", ContentTypeError, "'image/png' is not a web page"),
    (200, "application/pdf", b"%PDF-1.4", ContentTypeError, "application/pdf"),
    (200, "text/html", b"x" * 2000, ResponseTooLargeError, "over 1,000 bytes"),
])
def test_bad_responses_are_input_errors_that_say_why(site, status, content_type, body, error, message):
    url = site.add("/x", body, content_type, status=status)
    with Fetcher(max_bytes=1000) as fetcher, pytest.raises(error, match=message) as info:
        fetcher.get(url)
    assert isinstance(info.value, InputError)
    assert info.value.code in {"http_status", "content_type", "too_large"}


def test_size_limit_holds_without_content_length():
    def stream(request):
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=iter([b"a" * 600] * 5))

    with Fetcher(max_bytes=1000, transport=httpx.MockTransport(stream)) as fetcher:
        with pytest.raises(ResponseTooLargeError):
            fetcher.get("http://news.invalid/big")


def test_timeout_is_a_fetch_error(site):
    url = site.add("/slow", b"late", delay=1.0)
    with Fetcher(timeout=0.2) as fetcher, pytest.raises(FetchError, match="timed out"):
        fetcher.get(url)


def test_refused_connection_is_a_fetch_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with Fetcher(timeout=2) as fetcher, pytest.raises(FetchError, match="cannot fetch"):
        fetcher.get(f"http://127.0.0.1:{port}/nothing")


@pytest.mark.parametrize("url", ["ftp://example.org/a.txt", "file:///etc/passwd", "example.org/a.html"])
def test_only_http_urls(url):
    with Fetcher() as fetcher, pytest.raises(FetchError, match="only http"):
        fetcher.get(url)


def test_declared_charset_is_used(site):
    url = site.add("/latin.txt", "Café talks in Bamako".encode("latin-1"), "text/plain; charset=ISO-8859-1")
    with Fetcher() as fetcher:
        assert fetcher.get(url).text() == "Café talks in Bamako"


def test_meta_charset_is_used_when_the_server_declares_none(site):
    page = '<html><head><meta charset="windows-1252"></head><body><p>Caf\u00e9 talks \u2013 Bamako</p></body></html>'
    url = site.add("/cp1252.html", page.encode("cp1252"), "text/html")
    with Fetcher() as fetcher:
        assert "Café talks – Bamako" in fetcher.get(url).text()


def test_injected_client_is_used_and_left_open():
    seen = []
    client = httpx.Client(transport=httpx.MockTransport(
        lambda req: seen.append(req.url) or httpx.Response(200, text="ok", headers={"Content-Type": "text/plain"})))
    with Fetcher(client=client) as fetcher:
        assert fetcher.get("http://news.invalid/a").body == b"ok"
    assert not client.is_closed and len(seen) == 1
    client.close()
