"""Reading inputs into Articles: text files, HTML files, stdin, JSONL batches.

Each bad input becomes an ``InputError`` paired with a stub Article (so the batch goes on and the
output keeps input order); nothing here raises for bad data.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

from .errors import (BadDateError, BinaryInputError, EmptyInputError, EncodingError, HtmlError, InputError,
                     MalformedRecordError, NotEnglishError)
from .types import Article

Item = Article | tuple[Article, InputError]

# The most frequent English function words. Running English prose has roughly a third of its words
# in this list; other languages in Latin script have almost none of them (calibrated on our own samples
# of English, French, Spanish, German and Indonesian prose: English >= 0.25, the others <= 0.06).
ENGLISH_WORDS = frozenset("""the of and to in a is that for it as was with be by on not he i this are or his
from at which but have an they you were her she there been one all we their has would when if so no will
more who its said after also two than into had other out about up over can against them were these some
could what new years over only between people since over first did under while""".split())
# Function words of the other languages news in Latin script most often comes in (fr, es, pt, de, it, nl,
# id/ms, tr): telegraphic English (notes, headlines) has few English function words, but it has none of these.
FOREIGN_WORDS = frozenset("""le la les des du et est une un dans pour sur par qui que avec pas au aux ces
el los las del y por con para una su al lo como pero sus fue son ha se
o os da do das dos em um uma não com na no ao
der die das und ist nicht mit den dem sich auf für von zu ein eine im auch
il della di che non per gli sono nel alla anche
het een van en niet zijn met voor op te
yang dan di ini itu dengan untuk dari dalam tidak akan pada
ve bir bu da ile için olarak""".split())
ENGLISH_MIN_RATIO = 0.12
ENGLISH_MIN_WORDS = 12
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# Unicode's control characters (category Cc is exactly U+0000-U+001F and U+007F-U+009F) except the
# whitespace ones text may hold; and the characters past Latin Extended-B. Regexes, not a Python test per
# character: checking every article's text that way cost about 2% of a one-worker ingest.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_NON_LATIN = re.compile(r"[^\x00-\u024f]")


def parse_date(value, field: str = "published") -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise BadDateError(f"{field} {value!r} is not a date; use YYYY-MM-DD.") from None


def check_text(text: str) -> str:
    """Reject what cannot be an English article: empty, binary, not English."""
    if "\x00" in text:
        raise BinaryInputError("Input contains NUL bytes: it looks binary, not text.")
    if not text.strip():
        raise EmptyInputError("Input text is empty.")
    controls = len(_CONTROLS.findall(text))
    if controls > max(3, len(text) // 100):
        raise BinaryInputError(f"Input has {controls} control characters: it looks binary, not text.")
    if not text.isascii():   # ASCII letters are all Latin: only other text can be mostly non-Latin
        letters = sum(map(str.isalpha, text))
        non_latin = sum(map(str.isalpha, _NON_LATIN.findall(text)))
        if letters and (letters - non_latin) / letters < 0.5:
            raise NotEnglishError("Input is mostly in a non-Latin script; warwire reads English only.")
    words = re.findall(r"[^\W\d_']+", text.lower())
    if len(words) >= ENGLISH_MIN_WORDS:
        english = sum(w in ENGLISH_WORDS for w in words)
        foreign = sum(w in FOREIGN_WORDS for w in words)
        if english / len(words) < ENGLISH_MIN_RATIO and foreign > max(2 * english, 0.08 * len(words)):
            raise NotEnglishError("Input does not look like English (it has the common words of another "
                                  "language and few English ones); warwire reads English only.")
    return text


def decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise BinaryInputError(f"{name} contains NUL bytes: it looks binary, not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(f"{name} is not valid UTF-8 (byte {exc.start}); convert it, e.g. "
                            f"`iconv -f WINDOWS-1252 -t UTF-8`.") from None


def html_to_article(html: str, art_id: str, published: dt.date | None, url: str | None = None) -> Article:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except (ValueError, TypeError, AttributeError) as exc:
        raise HtmlError(f"Cannot extract the article from HTML: {exc}.") from exc
    if doc is None:
        raise HtmlError("No article text found in the HTML (is it a page of links or a script-only page?).")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = data.get("text") or ""
    title = data.get("title")
    if published is None and data.get("date"):
        try:
            published = parse_date(data["date"])
        except BadDateError:
            published = None
    return Article(art_id, check_text(text), published, title, url or data.get("url"))


def read_file(path: Path, published: dt.date | None) -> Item:
    stub = Article(path.name, "", published)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return stub, InputError(f"Cannot read {path}: {exc.strerror}.")
    try:
        text = decode(data, str(path))
        if path.suffix.lower() in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
            return html_to_article(text, path.name, published)
        return Article(path.name, check_text(text), published)
    except InputError as exc:
        return stub, exc


def read_text(text: str, art_id: str, published: dt.date | None) -> Item:
    try:
        if text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
            return html_to_article(text, art_id, published)
        return Article(art_id, check_text(text), published)
    except InputError as exc:
        return Article(art_id, "", published), exc


def read_jsonl(path: Path, default_published: dt.date | None = None) -> Iterator[Item]:
    """One item per non-blank line, in order; a bad line is an error item with its line number as id."""
    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield Article(path.name, ""), InputError(f"Cannot read {path}: {exc.strerror}.")
        return
    with fh:
        for n, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            yield _jsonl_line(raw, n, default_published)


def _jsonl_line(raw: bytes, n: int, default_published: dt.date | None) -> Item:
    stub = Article(f"line-{n}", "")
    try:
        line = decode(raw, f"line {n}")
        rec = json.loads(line)
    except InputError as exc:
        return stub, exc
    except json.JSONDecodeError as exc:
        return stub, MalformedRecordError(f"line {n} is not valid JSON: {exc.msg} at column {exc.colno}.")
    if not isinstance(rec, dict):
        return stub, MalformedRecordError(f"line {n} is a JSON {type(rec).__name__}, not an object.")
    art_id = str(rec.get("id") if rec.get("id") is not None else f"line-{n}")
    stub = Article(art_id, "")
    text = rec.get("text")
    try:
        published = parse_date(rec.get("published")) or default_published
        stub = Article(art_id, "", published, rec.get("title"), rec.get("url"))
        if text is None:
            raise MalformedRecordError(f"line {n} (id {art_id}) has no 'text' field.")
        if not isinstance(text, str):
            raise MalformedRecordError(f"line {n} (id {art_id}): 'text' must be a string, "
                                       f"got {type(text).__name__}.")
        item = read_text(text, art_id, published)
        if isinstance(item, tuple):
            return stub, item[1]
        if item.title is None and item.url is None:
            item = Article(item.id, item.text, item.published, rec.get("title"), rec.get("url"))
        return item
    except InputError as exc:
        return stub, exc
