"""Which of a text's events a one-event reader keeps: the act told as news ranks above an act told as its
setting ("despite the air strikes", "after two weeks of fighting")."""
from __future__ import annotations

import datetime as dt

import pytest

from warwire.types import Article

pytestmark = pytest.mark.slow


def _by_trigger(extractor, text):
    result = extractor.extract(Article(id="t", text=text, published=dt.date(2026, 5, 22)))
    return {text[e.trigger.start:e.trigger.end]: e for e in result.events}


@pytest.mark.parametrize("text,news,setting", [
    ("Peace talks between the government and the Eastern Alliance began in Korsa on Thursday despite the air "
     "strikes on rebel-held villages.", "talks", "strikes"),
    ("The two militias agreed to a truce in Dumeli on Friday after two weeks of fighting.", "agreed", "fighting"),
    ("Talks resumed in the capital amid clashes between rival factions.", "Talks", "clashes"),
])
def test_the_setting_of_an_act_ranks_below_it(extractor, text, news, setting):
    events = _by_trigger(extractor, text)
    assert news in events and setting in events, sorted(events)
    assert events[news].confidence > events[setting].confidence, (events[news], events[setting])
