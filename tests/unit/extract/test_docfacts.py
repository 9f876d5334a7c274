"""Per-document facts give the answers spaCy gives, on hand-built Docs (no model load)."""
from __future__ import annotations

import gc

import spacy
from hypothesis import given
from hypothesis import strategies as st
from spacy.tokens import Doc

from warwire.extract import docfacts
from warwire.extract.docfacts import facts, sent_start

VOCAB = spacy.blank("en").vocab


def _doc(words: list[str], starts: list[bool]) -> Doc:
    return Doc(VOCAB, words=words, sent_starts=[True, *starts[1:]] if words else [],
               lemmas=[w.rstrip("s") for w in words])


def test_text_sentences_and_lemmas_match_spacy():
    doc = _doc(["Gunmen", "killed", "Two", "Herders", ".", "Police", "Said", "so", "."],
               [True, False, False, False, False, True, False, False, False])
    f = facts(doc)
    assert f.text == doc.text
    assert [sent_start(t) for t in doc] == [t.sent.start for t in doc]
    assert f.sent_end == [t.sent.end for t in doc]
    assert f.lemma == [t.lemma_.lower() for t in doc]
    assert f.sentence_lemmas(5) == {t.lemma_.lower() for t in doc[5].sent}


@given(st.lists(st.tuples(st.sampled_from(["a", "B", "cc", "Dd", "."]), st.booleans()), max_size=30))
def test_sentence_bounds_agree_with_spacy_on_any_segmentation(tokens):
    doc = _doc([w for w, _ in tokens], [s for _, s in tokens])
    assert [(sent_start(t), facts(doc).sent_end[t.i]) for t in doc] == [(t.sent.start, t.sent.end) for t in doc]


def test_facts_do_not_keep_the_doc_alive():
    doc = _doc(["One", "two", "."], [True, False, False])
    facts(doc).memo["key"] = 1
    before = len(docfacts._FACTS)
    del doc
    gc.collect()
    assert len(docfacts._FACTS) == before - 1
