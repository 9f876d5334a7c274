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


@st.composite
def _trees(draw):
    """Words with a random dependency tree (any shape, non-projective too) and random labels."""
    n = draw(st.integers(1, 14))
    order = draw(st.permutations(range(n)))
    heads = [0] * n
    heads[order[0]] = order[0]   # the root
    for k, i in enumerate(order[1:], 1):
        heads[i] = order[draw(st.integers(0, k - 1))]   # hang on a token already in the tree: no cycle
    deps = [draw(st.sampled_from(["conj", "nsubj", "dobj", "prep", "pobj", "amod"])) for _ in range(n)]
    deps = ["ROOT" if heads[i] == i else d for i, d in enumerate(deps)]
    return Doc(VOCAB, words=[f"w{i}" for i in range(n)], heads=heads, deps=deps)


@given(_trees())
def test_tree_helpers_give_what_spacy_gives(doc):
    for tok in doc:
        assert [t.i for t in docfacts.children(tok)] == [t.i for t in tok.children]
        assert [t.i for t in docfacts.subtree(tok)] == [t.i for t in tok.subtree]
        assert [t.i for t in docfacts.conjuncts(tok)] == [t.i for t in tok.conjuncts]
        assert (docfacts.sentence(tok).start, docfacts.sentence(tok).end) == (tok.sent.start, tok.sent.end)
        assert [(k.i, k.dep, k.lower) for k in docfacts.kids(tok)] == [(c.i, c.dep_, c.lower_) for c in tok.children]
        assert [t.i for t in docfacts.children_with(tok, ("conj", "prep"))] == \
            [c.i for c in tok.children if c.dep_ in ("conj", "prep")]
        assert docfacts.has_child(tok, ("nsubj",)) == any(c.dep_ == "nsubj" for c in tok.children)
        assert facts(doc).head[tok.i] == tok.head.i
        assert docfacts.ancestors_ix(facts(doc), tok.i) == [t.i for t in tok.ancestors]
        assert docfacts.conjuncts_ix(facts(doc), tok.i) == [t.i for t in tok.conjuncts]


def test_word_arrays_give_what_the_token_properties_give():
    # the stages read these instead of Token.text, .whitespace_, .pos_, .lower, .ent_type_ and Span.text
    doc = Doc(VOCAB, words=["On", "3", "May", ",", "Hamas", "fighters", "shelled", "\n", "Sderot", "-", "based", "units"],
              spaces=[True, True, False, True, True, True, False, False, False, False, True, False],
              pos=["ADP", "NUM", "PROPN", "PUNCT", "PROPN", "NOUN", "VERB", "SPACE", "PROPN", "PUNCT", "VERB", "NOUN"],
              ents=["O", "B-DATE", "I-DATE", "O", "B-ORG", "O", "O", "O", "B-GPE", "O", "O", "O"],
              sent_starts=[True, *[False] * 11])
    f = facts(doc)
    assert f.word == [t.text for t in doc]
    assert [" " if sp else "" for sp in f.space] == [t.whitespace_ for t in doc]
    assert f.pos == [t.pos_ for t in doc]
    assert f.lower_id == [t.lower for t in doc]
    assert f.ent_types(doc) == [t.ent_type_ for t in doc]
    for start, end in [(0, 3), (1, 3), (4, 7), (6, 9), (8, 12), (0, len(doc))]:
        assert docfacts.span_text(doc[start:end]) == doc[start:end].text
