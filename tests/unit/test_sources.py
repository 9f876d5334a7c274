"""Reading inputs: every bad input becomes an error with a code and a message; good inputs pass.

All article text here is written for these tests (fictional).
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

from warwire.errors import InputError
from warwire.sources import read_file, read_jsonl, read_text
from warwire.types import Article

ENGLISH = ("Gunmen attacked a police checkpoint near the town of Example on Tuesday, killing two officers, "
           "officials said. The attackers fled before reinforcements arrived.")
FRENCH = ("Des hommes armés ont attaqué un poste de police près de la ville mardi, tuant deux agents, selon "
          "les autorités locales. Les assaillants ont pris la fuite avant l'arrivée des renforts.")
SPANISH = ("Hombres armados atacaron un puesto de control policial cerca de la ciudad el martes y mataron a dos "
           "agentes, según las autoridades locales. Los atacantes huyeron antes de que llegaran refuerzos.")
RUSSIAN = "Вооружённые люди напали на полицейский пост у города во вторник и убили двух сотрудников."
ARABIC = "هاجم مسلحون نقطة تفتيش للشرطة قرب المدينة يوم الثلاثاء وقتلوا اثنين من عناصرها."

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Checkpoint attack | The Test Gazette</title></head>
<body>
  <nav><a href="/">Home</a> <a href="/world">World</a></nav>
  <article>
    <h1>Gunmen attack police checkpoint</h1>
    <p>Gunmen attacked a police checkpoint near the town of Example on Tuesday, killing two officers,
    officials said. The attackers fled before reinforcements arrived.</p>
    <p>A spokesman for the provincial police said an investigation had been opened and that roads
    into the town had been closed for the night while officers searched nearby farms.</p>
  </article>
  <footer>Copyright The Test Gazette</footer>
</body></html>
"""


def _error(item) -> InputError:
    assert isinstance(item, tuple), f"expected an error, got {item!r}"
    article, err = item
    assert isinstance(article, Article)
    assert isinstance(err, InputError)
    assert err.message, "every error needs a message"
    return err


@pytest.mark.parametrize("text, code", [
    ("", "empty"),
    ("   \n\t  \r\n", "empty"),
    ("Gunmen attacked\x00 a checkpoint on Tuesday.", "binary"),
    ("Gunmen\x01\x02 attacked\x03\x04 a\x05\x06 checkpoint\x07\x08 on Tuesday.", "binary"),
    (RUSSIAN, "not_english"),
    (ARABIC, "not_english"),
    (FRENCH, "not_english"),
    (SPANISH, "not_english"),
], ids=["empty", "whitespace", "nul", "control-chars", "cyrillic", "arabic", "french", "spanish"])
def test_bad_text_has_code_and_message(text, code):
    assert _error(read_text(text, "t1", None)).code == code


@pytest.mark.parametrize("data, code", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("Gunmen attacked a checkpoint in Sa\u00efda on Tuesday.".encode("latin-1"), "encoding"),
    (b"Gunmen attacked \xff\xfe a checkpoint.", "encoding"),
], ids=["empty-file", "png", "latin-1", "bad-bytes"])
def test_bad_file_has_code_and_message(tmp_path, data, code):
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    assert _error(read_file(path, None)).code == code


def test_missing_file_is_an_error_record(tmp_path):
    err = _error(read_file(tmp_path / "nope.txt", None))
    assert "nope.txt" in err.message


@pytest.mark.parametrize("text", [
    ENGLISH,
    "Soldiers killed.",  # too short to judge the language: accepted
    "\ufeff" + ENGLISH,
    ENGLISH + " Officials named the village as Sa\u00efda and the commander as \u00c7elik.",
])
def test_good_text_passes_unchanged(text):
    item = read_text(text, "t1", dt.date(2024, 3, 14))
    assert isinstance(item, Article)
    assert item.text == text
    assert item.published == dt.date(2024, 3, 14)


def test_utf8_bom_file_is_read(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ENGLISH.encode())
    item = read_file(path, None)
    assert isinstance(item, Article) and item.text == ENGLISH and item.id == "bom.txt"


def test_html_file_gives_title_and_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    item = read_file(path, dt.date(2024, 3, 14))
    assert isinstance(item, Article)
    # trafilatura prefers the page's headline to its <title>; either is the article's title
    assert item.title in ("Gunmen attack police checkpoint", "Checkpoint attack | The Test Gazette")
    assert "killing two officers" in item.text
    assert "investigation had been opened" in item.text
    assert "Copyright" not in item.text and "Home" not in item.text


def test_html_detected_without_suffix(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    item = read_file(path, None)
    assert isinstance(item, Article) and "<p>" not in item.text


@pytest.mark.parametrize("html", [
    "<html>",
    "<html><body><div><p>unclosed <b>tags <i>everywhere",
    "<!DOCTYPE html><html><head><title>Only a title</title></head><body></body></html>",
    "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 10,
    "<html><script>document.write('x')</script></html>",
    "<html><body><p>" + ENGLISH + "</p><p>" + "</html>" * 3,
    "<html \x00 garbage <<<>>> &#xffffff; &bogus; </",
])
def test_malformed_html_does_not_crash(html):
    item = read_text(html, "h1", None)
    if isinstance(item, tuple):
        assert _error(item).code in ("bad_html", "empty", "binary", "not_english")
    else:
        assert isinstance(item.text, str)


def _jsonl(tmp_path, lines: list[str]):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return list(read_jsonl(path))


@pytest.mark.parametrize("line, code", [
    ('{"id": "a1", "text": "unterminated', "bad_record"),
    ("not json at all", "bad_record"),
    ('["a list", "not an object"]', "bad_record"),
    ('"a string"', "bad_record"),
    ("42", "bad_record"),
    ('{"id": "a1"}', "bad_record"),
    ('{"id": "a1", "text": null}', "bad_record"),
    ('{"id": "a1", "text": 42}', "bad_record"),
    ('{"id": "a1", "text": ["Gunmen attacked."]}', "bad_record"),
    (json.dumps({"id": "a1", "text": ENGLISH, "published": "Tuesday"}), "bad_date"),
    (json.dumps({"id": "a1", "text": ENGLISH, "published": "2024-02-30"}), "bad_date"),
    (json.dumps({"id": "a1", "text": ""}), "empty"),
    (json.dumps({"id": "a1", "text": FRENCH}), "not_english"),
    (json.dumps({"id": "a1", "text": "abc\x00def"}), "binary"),
], ids=["truncated", "not-json", "list", "string", "number", "no-text", "null-text", "int-text", "list-text",
        "bad-date-word", "bad-date-day", "empty-text", "french", "nul"])
def test_bad_jsonl_line_has_code_and_message(tmp_path, line, code):
    (item,) = _jsonl(tmp_path, [line])
    assert _error(item).code == code


def test_bad_utf8_jsonl_line(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b'{"id": "a1", "text": "Gunmen \xff attacked."}\n')
    (item,) = read_jsonl(path)
    assert _error(item).code == "encoding"


def test_jsonl_keeps_order_ids_and_fields(tmp_path):
    good = {"id": "g1", "text": ENGLISH, "published": "2024-03-14", "title": "Attack", "url": "https://example.org/1"}
    items = _jsonl(tmp_path, [json.dumps(good), "oops", json.dumps({"id": 7, "text": ENGLISH}),
                              json.dumps({"id": "b2", "text": 1, "published": "2024-03-01"})])
    assert len(items) == 4
    first = items[0]
    assert isinstance(first, Article)
    assert (first.id, first.text, first.published, first.title, first.url) == (
        "g1", ENGLISH, dt.date(2024, 3, 14), "Attack", "https://example.org/1")
    assert _error(items[1]).code == "bad_record" and items[1][0].id == "line-2"
    assert isinstance(items[2], Article) and items[2].id == "7" and items[2].published is None
    assert items[3][0].id == "b2" and _error(items[3]).code == "bad_record"


def test_jsonl_default_published_fills_missing_dates(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text(json.dumps({"id": "a", "text": ENGLISH}) + "\n", encoding="utf-8")
    (item,) = read_jsonl(path, dt.date(2024, 1, 5))
    assert item.published == dt.date(2024, 1, 5)


def test_jsonl_html_text_is_extracted(tmp_path):
    (item,) = _jsonl(tmp_path, [json.dumps({"id": "h", "text": PAGE})])
    assert isinstance(item, Article) and "killing two officers" in item.text and item.title
