"""Counts read from hand-built parses (no model load): each Doc copies the parse en_core_web_sm 3.8 gives
the sentence, so the rules are tested on the trees they meet in practice."""
from __future__ import annotations

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from warwire.extract.quantities import Counter
from warwire.kb._files import DATA_DIR, read_yaml
from warwire.types import Quantity

VOCAB = spacy.blank("en").vocab  # English lexical attributes (like_num) without a trained pipeline
COUNTER = Counter(read_yaml(DATA_DIR / "cues" / "quantities.yaml"))


def doc(spec: str) -> Doc:
    """``"three/NUM/CD/nummod/1 soldiers/NOUN/NNS/ROOT/1"``: word/pos/tag/dep/head index per token."""
    rows = [t.rsplit("/", 4) for t in spec.split()]
    return Doc(VOCAB, words=[r[0] for r in rows], pos=[r[1] for r in rows], tags=[r[2] for r in rows],
               deps=[r[3] for r in rows], heads=[int(r[4]) for r in rows])


# sentence (as parsed), index of the noun the event code asks about, expected count
COUNTS = [
    ("three/NUM/CD/nummod/1 soldiers/NOUN/NNS/ROOT/1", 1, Quantity(3, 3)),
    ("At/ADV/RB/advmod/1 least/ADJ/JJS/advmod/2 1,200/NUM/CD/nummod/3 people/NOUN/NNS/ROOT/3", 3,
     Quantity(1200, None)),
    ("More/ADJ/JJR/amod/2 than/ADP/IN/quantmod/2 20/NUM/CD/nsubjpass/4 were/AUX/VBD/auxpass/4 "
     "killed/VERB/VBN/ROOT/4", 2, Quantity(21, None)),
    ("more/ADJ/JJR/amod/2 than/ADP/IN/quantmod/2 20/NUM/CD/nummod/3 soldiers/NOUN/NNS/ROOT/3", 3,
     Quantity(21, None)),
    ("Dozens/NOUN/NNS/nsubjpass/4 of/ADP/IN/prep/0 villagers/NOUN/NNS/pobj/1 were/AUX/VBD/auxpass/4 "
     "killed/VERB/VBN/ROOT/4", 0, Quantity(24, None)),
    ("Dozens/NOUN/NNS/nsubjpass/4 of/ADP/IN/prep/0 villagers/NOUN/NNS/pobj/1 were/AUX/VBD/auxpass/4 "
     "killed/VERB/VBN/ROOT/4", 2, Quantity(24, None)),
    ("1/NUM/CD/quantmod/2 -/SYM/SYM/punct/2 4/NUM/CD/nummod/3 soldiers/NOUN/NNS/ROOT/3", 3, Quantity(1, 4)),
    ("1–4/NUM/CD/nummod/1 soldiers/NOUN/NNS/ROOT/1", 1, Quantity(1, 4)),  # en dash: one token
    ("3/NUM/CD/nummod/3 -/SYM/SYM/punct/2 5/NUM/CD/prep/0 fighters/NOUN/NNS/ROOT/3", 3, Quantity(3, 5)),
    ("Between/ADP/IN/quantmod/1 10/NUM/CD/nummod/4 and/CCONJ/CC/cc/1 15/NUM/CD/conj/1 people/NOUN/NNS/ROOT/4",
     4, Quantity(10, 15)),
    ("Two/NUM/CD/compound/1 hundred/NUM/CD/nummod/2 people/NOUN/NNS/ROOT/2", 2, Quantity(200, 200)),
    ("1.2/NUM/CD/compound/1 million/NUM/CD/nummod/2 people/NOUN/NNS/ROOT/2", 2, Quantity(1_200_000, 1_200_000)),
    ("A/DET/DT/quantmod/1 dozen/NOUN/NN/nummod/2 soldiers/NOUN/NNS/ROOT/2", 2, Quantity(12, 12)),
    ("Up/ADV/RB/quantmod/2 to/PART/TO/quantmod/2 30/NUM/CD/nummod/3 people/NOUN/NNS/ROOT/3", 3, Quantity(1, 30)),
    ("killed/VERB/VBD/ROOT/0 12/NUM/CD/dobj/0", 1, Quantity(12, 12)),
    ("a/DET/DT/det/1 civilian/NOUN/NN/ROOT/1", 1, Quantity(1, 1)),
    ("the/DET/DT/det/1 soldiers/NOUN/NNS/ROOT/1", 1, None),
    ("soldiers/NOUN/NNS/ROOT/0", 0, None),
]


@pytest.mark.parametrize("spec, i, expected", COUNTS, ids=[" ".join(w.split("/")[0] for w in c[0].split())
                                                           for c in COUNTS])
def test_count(spec, i, expected):
    assert COUNTER.count(doc(spec)[i]) == expected


VICTIMS = [
    ("two/NUM/CD/nummod/1 soldiers/NOUN/NNS/ROOT/1 and/CCONJ/CC/cc/1 a/DET/DT/det/4 civilian/NOUN/NN/conj/1",
     1, Quantity(3, 3)),
    ("three/NUM/CD/nummod/1 soldiers/NOUN/NNS/ROOT/1", 1, Quantity(3, 3)),
    ("Ali/PROPN/NNP/ROOT/0 and/CCONJ/CC/cc/0 Omar/PROPN/NNP/conj/0", 0, Quantity(2, 2)),
    ("at/ADV/RB/advmod/1 least/ADJ/JJS/advmod/2 five/NUM/CD/nummod/3 civilians/NOUN/NNS/ROOT/3 and/CCONJ/CC/cc/3 "
     "two/NUM/CD/nummod/6 soldiers/NOUN/NNS/conj/3", 3, Quantity(7, None)),
    ("the/DET/DT/det/1 soldiers/NOUN/NNS/ROOT/1", 1, None),
]


@pytest.mark.parametrize("spec, i, expected", VICTIMS, ids=[" ".join(w.split("/")[0] for w in c[0].split())
                                                            for c in VICTIMS])
def test_victims_add_conjuncts(spec, i, expected):
    assert COUNTER.victims(doc(spec)[i]) == expected


@pytest.mark.parametrize("text, expected", [
    ("3", (3, 3)), ("1,200", (1200, 1200)), ("12,000,000", (12_000_000, 12_000_000)), ("2.5", (2, 2)),
    ("1-4", (1, 4)), ("4 - 1", (1, 4)), ("3—5", (3, 5)), ("three", (3, 3)), ("Dozens", (24, None)), ("", None), ("soldiers", None),
    ("12345678901234567890", None), ("1" * 5000, None), ("1,2,3", None),
])
def test_number(text, expected):
    assert COUNTER.number(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30) | st.from_regex(r"\A[0-9,.\- –]{1,40}\Z"))
def test_number_never_raises(text):
    got = COUNTER.number(text)
    assert got is None or (isinstance(got, tuple) and len(got) == 2)
    if got is not None and None not in got:
        assert got[0] <= got[1]


NUM_WORDS = st.sampled_from(["three", "1,200", "20", "-", "–", "1.2", "million", "hundred", "dozens", "of", "at",
                             "least", "more", "than", "up", "to", "between", "and", "a", "soldiers", "9" * 30])
DEPS = st.sampled_from(["nummod", "quantmod", "compound", "det", "amod", "conj", "pobj", "prep", "dobj", "punct"])
POS = st.sampled_from(["NUM", "NOUN", "PROPN", "DET", "ADP", "ADJ", "SYM"])


@st.composite
def random_parse(draw):
    words = draw(st.lists(NUM_WORDS, min_size=1, max_size=7))
    n = len(words)
    root = draw(st.integers(0, n - 1))
    # a valid tree: every token but the root hangs off the root (the rules must cope with odd shapes)
    heads = [root] * n
    deps = [draw(DEPS) if i != root else "ROOT" for i in range(n)]
    return Doc(VOCAB, words=words, heads=heads, deps=deps, pos=[draw(POS) for _ in words]), root


@settings(max_examples=200, deadline=None)
@given(random_parse())
def test_count_never_raises(parsed):
    d, root = parsed
    for tok in d:
        for q in (COUNTER.count(tok), COUNTER.victims(tok)):
            assert q is None or isinstance(q, Quantity)
