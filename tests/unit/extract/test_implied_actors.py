"""Actors an event implies without naming them ("a shop was looted": somebody looted it) carry the generic
actor's name, not the trigger word their one mention sits on."""
from __future__ import annotations

import datetime as dt

import pytest

from warwire.types import Article

pytestmark = pytest.mark.slow


def test_implied_actor_is_named_by_its_kind_not_by_the_trigger(extractor):
    text = "Looting: On 3 May 2026, a shop was looted in Goma."
    result = extractor.extract(Article(id="t", text=text, published=dt.date(2026, 5, 6)))
    looters = [a for a in result.actors if a.acled_name and a.acled_name.startswith("Unidentified Armed Group")]
    assert looters, [a.name for a in result.actors]
    for actor in looters:
        assert actor.name == actor.canonical           # "Unidentified Armed Group (...)", not "Looting"
        assert all(m.text.lower().startswith("loot") for m in actor.mentions)  # the evidence is still the trigger


def test_named_generic_actor_keeps_the_words_of_the_text(extractor):
    text = "On 3 May 2026, gunmen looted a shop in Goma."
    result = extractor.extract(Article(id="t", text=text, published=dt.date(2026, 5, 6)))
    assert any(a.name == "gunmen" for a in result.actors), [a.name for a in result.actors]
