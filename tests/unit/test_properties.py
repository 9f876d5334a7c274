"""Properties of the whole extractor (real pipeline, loaded once per session):

* any unicode input gives valid JSON (a result or an error record), never an exception;
* every character span slices the text it claims: ``text[start:end] == span.text``.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warwire.sources import read_text
from warwire.types import Article, Result

pytestmark = pytest.mark.slow

PROPS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])

# Words that wake up every stage (actors, aliases, metonymy, places, triggers, numbers, dates), mixed with
# punctuation, odd spacing and non-ASCII characters that shift character offsets against token offsets.
WORDS = ["The", "the", "Iran-backed", "Iranian", "militia", "group", "Kataib", "Hezbollah", "Kata'ib", "Hizballah",
         "KH", "Hamas", "Houthis", "al-Shabaab", "Brigade", "US", "forces", "Israeli", "troops", "Washington",
         "Tehran", "said", "killed", "three", "1,200", "at", "least", "more", "than", "20", "dozens", "of",
         "soldiers", "civilians", "protesters", "police", "arrested", "dispersed", "drone", "strike", "attack",
         "shelled", "threatened", "vowed", "to", "retaliate", "in", "near", "Baghdad", "Jordan", "Gaza", "Strip",
         "Tower", "22", "Samarra", "Basra", "Erbil", "on", "Friday", "last", "week", "October", "7", "2020",
         "yesterday", "commander", "leader", "Abu", "Karrar", "and", "a", ",", ".", "\"", "'", "(", ")", "-", "—",
         "\n", "\n\n", "  ", "\t", "é", "ğ", "’", "“", "”", "\u200b", "\u00a0", "\U0001F600", "ال", "Zürich",
         "Saïda", "Ḥalab"]
ENGLISHY = st.lists(st.sampled_from(WORDS), min_size=0, max_size=60).map(" ".join)
ANY_TEXT = st.text(max_size=400)
PUBLISHED = st.none() | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


def _spans(result: Result):
    for actor in result.actors:
        yield from actor.mentions
    for place in result.places:
        yield from place.mentions
    for rel in result.relations:
        yield rel.evidence
    for event in result.events:
        yield event.evidence
        yield event.trigger


def _check(result: Result, text: str) -> None:
    obj = result.to_dict()
    assert json.loads(json.dumps(obj, allow_nan=False)) == obj  # strict JSON: no NaN, no non-str keys
    if result.error is not None:
        assert set(obj) == {"article", "error"} and obj["error"]["code"] and obj["error"]["message"]
        return
    for span in _spans(result):
        assert 0 <= span.start <= span.end <= len(text)
        assert text[span.start:span.end] == span.text, span
    actor_ids = {a.id for a in result.actors}
    place_ids = {p.id for p in result.places}
    for rel in result.relations:
        assert {rel.subject, rel.object} <= actor_ids
    for event in result.events:
        assert set(event.sources) <= actor_ids and set(event.targets) <= actor_ids
        assert event.place is None or event.place in place_ids


@PROPS
@given(text=ANY_TEXT | ENGLISHY, published=PUBLISHED)
def test_any_input_gives_json_or_an_error_record(extractor, text, published):
    """As the CLI does it: read (and maybe reject) the input, then extract."""
    item = read_text(text, "p1", published)
    (result,) = extractor.extract_many([item])
    if isinstance(item, tuple):
        assert result.error is not None and result.error.code == item[1].code
    _check(result, result.article.text)


@PROPS
@given(text=ENGLISHY, published=PUBLISHED)
def test_extraction_offsets_slice_the_text(extractor, text, published):
    """Straight to the extractor, past the input checks, so every stage sees odd but English-like text."""
    result = extractor.extract(Article("p2", text, published))
    _check(result, text)


@PROPS
@given(text=ENGLISHY)
def test_extraction_is_deterministic(extractor, text):
    article = Article("p3", text, dt.date(2024, 3, 14))
    assert extractor.extract(article).to_dict() == extractor.extract(article).to_dict()


def test_sample_article_spans(extractor):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "samples" / "sample_article.txt").read_text(encoding="utf-8")
    result = extractor.extract(Article("sample", text, dt.date(2024, 3, 14)))
    _check(result, text)
    assert result.actors and result.events
