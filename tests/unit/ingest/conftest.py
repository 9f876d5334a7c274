"""Fixtures for the ingest tests: a local HTTP server on 127.0.0.1 serving fixture pages and feeds (never
the internet), an in-memory store with the real store's contract, and an engine over the session's
shared Extractor (tests/conftest.py).
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml"


STORIES = {
    "ambush.txt": "Gunmen ambushed a supply convoy near the town of Menaka in Mali on Thursday, killing five drivers "
                  "and burning three trucks, the army said. No group claimed the attack.",
    "shelling.txt": "Artillery shells hit a market in the city of Taiz in Yemen on Sunday, wounding eleven "
                    "civilians, medics said. Local officials blamed the Houthi movement for the shelling.",
    "arrest.txt": "Police in Bogota arrested a commander of the National Liberation Army on Monday, the attorney "
                  "general's office said, accusing him of organising the kidnapping of two engineers last year.",
}
JSONL_GOOD = [{"id": "j-strike", "published": "2024-05-02", "text": "Soldiers clashed with rebels near the town of "
               "Kidal in Mali on Wednesday, and the army said that four rebels were killed in the fighting."},
              {"id": "j-talks", "text": "Negotiators from the government of Sudan and the Rapid Support Forces met "
               "in Jeddah on Tuesday to discuss a ceasefire, the mediators said in a statement."}]


def write_corpus(root: Path) -> Path:
    """Good files in a nested folder, and one bad input of each kind warwire must reject with a reason."""
    (root / "2024" / "may").mkdir(parents=True)
    for name, text in STORIES.items():
        (root / "2024" / "may" / name).write_text(text + "\n\n(Fictional article written for the warwire tests.)")
    (root / "2024" / "dam.html").write_bytes((DATA / "dam_strike.html").read_bytes())
    lines = [json.dumps(JSONL_GOOD[0]), "{not json at all", json.dumps(JSONL_GOOD[1])]
    (root / "batch.jsonl").write_text("\n".join(lines) + "\n")
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / "empty.txt").write_text("   \n")
    (root / "latin1.txt").write_bytes("Des soldats ont été tués à Gao.".encode("latin-1"))
    (root / "README.md").write_text("Not an article: skipped, not rejected.")
    return root


GOOD = len(STORIES) + 1 + len(JSONL_GOOD)
REJECTED = {"binary": 1, "empty": 1, "encoding": 1, "bad_record": 1}


@dataclass
class Route:
    body: bytes
    content_type: str = HTML
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


class Site:
    """What the server answers: path -> Route. Tests add and change routes while it runs."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict]] = []
        self.base = ""

    def add(self, path: str, body: bytes | str, content_type: str = HTML, **kw) -> str:
        self.routes[path] = Route(body.encode() if isinstance(body, str) else body, content_type, **kw)
        return self.base + path

    def page(self, path: str, fixture: str) -> str:
        return self.add(path, (DATA / fixture).read_bytes())

    def redirect(self, path: str, to: str) -> str:
        return self.add(path, b"", status=302, headers={"Location": to})

    def rss(self, path: str, entries: list[tuple[str, str, str, str]]) -> str:
        """entries: (guid, page path, title, RFC 822 date)."""
        items = "\n".join(f"<item><title>{title}</title><link>{self.base}{page}</link><guid>{guid}</guid>"
                          f"<pubDate>{date}</pubDate></item>" for guid, page, title, date in entries)
        text = (DATA / "feed.rss").read_text().replace("{base}", self.base).replace("{items}", items)
        return self.add(path, text, RSS)

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append((self.path, dict(self.headers)))
            route = site.routes.get(self.path)
            if route is None:
                route = Route(b"not found", "text/plain", 404)
            if route.delay:
                time.sleep(route.delay)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for k, v in route.headers.items():
                self.send_header(k, v)
            self.end_headers()
            try:
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass   # the client hung up on purpose (a size limit or a timeout under test)

        def log_message(self, *args) -> None:
            pass

    return Handler


@pytest.fixture
def site():
    s = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(s))
    server.daemon_threads = True
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield s
    server.shutdown()
    server.server_close()


class MemoryStore:
    """The contract the ingest runner relies on, kept in memory: same article = same (URL, text hash);
    new text at a known URL = a new version; one call, one whole article."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], object] = {}
        self.urls: set[str] = set()
        self.entries: set[tuple[str, str]] = set()
        self.writes = 0
        self.runs: list = []
        self.remerges = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    @staticmethod
    def _key(article, url):
        return (url or article.url or "", hashlib.sha256(article.text.encode()).hexdigest())

    def has_article(self, article, url=None) -> bool:
        return self._key(article, url) in self.rows

    def has_articles(self, items) -> list[bool]:
        return [self.has_article(article, url) for article, url in items]

    @contextmanager
    def run(self, settings=None, components=None):
        self.runs.append(components)
        yield None

    def add_result(self, result, url=None, run=None) -> str:
        self.writes += 1
        key = self._key(result.article, url)
        if key in self.rows:
            return "duplicate"
        outcome = "version" if key[0] and key[0] in self.urls else "added"
        self.rows[key] = result
        if key[0]:
            self.urls.add(key[0])
        return outcome

    def add_results(self, items, run=None) -> list[str]:
        """All or nothing, as the real store's one transaction."""
        return [self.add_result(result, url, run=run) for result, url in items]

    def seen_entry(self, feed: str, key: str) -> bool:
        return (feed, key) in self.entries

    def mark_entry(self, feed: str, key: str) -> None:
        self.entries.add((feed, key))

    def results(self) -> list:
        return list(self.rows.values())

    def remerge(self, full: bool = False):
        """Counted only: merging is the real store's (tests/unit/ingest/test_watch_merge.py)."""
        self.remerges += 1


@pytest.fixture
def memory_store() -> MemoryStore:
    return MemoryStore()


@dataclass(frozen=True)
class Corpus:
    root: Path
    good: int                 # articles that must be stored
    rejected: dict            # error code -> how many inputs must be rejected with it
    stories: dict             # file name -> text of the plain-text stories


@pytest.fixture
def corpus(tmp_path) -> Corpus:
    """A folder of good article files and one bad input of each kind."""
    return Corpus(write_corpus(tmp_path / "in"), GOOD, dict(REJECTED), dict(STORIES))


@pytest.fixture
def make_store():
    return MemoryStore


@pytest.fixture
def engine(extractor):
    from warwire.ingest import InProcessEngine

    with InProcessEngine(extractor.settings, extractor=extractor) as eng:
        yield eng
