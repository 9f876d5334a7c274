"""Per-document facts that spaCy recomputes on every access, computed once per Doc.

``Doc.text`` joins every token each time it is read; ``Token.sent`` builds two Spans and walks to the
sentence boundaries; iterating a sentence builds a Token per word. The extraction stages ask for these per
trigger, per event and per mention, which made them the largest cost after the parse (profiled on
bench/corpus.py articles). ``facts(doc)`` computes them in one pass and keeps them while the Doc lives.

The facts are keyed weakly by the Doc and hold no spaCy object (only strings and numbers), so they never
keep a Doc alive, and nothing here changes a Doc. They assume the Doc is not retokenised after the first
call, which holds after the parse.
"""
from __future__ import annotations

import weakref
from collections.abc import Container
from typing import NamedTuple

from spacy.attrs import LEMMA, LOWER, ORTH, SPACY
from spacy.tokens import Doc, Token

_FACTS: "weakref.WeakKeyDictionary[Doc, DocFacts]" = weakref.WeakKeyDictionary()
# The Doc asked about last (weakly) and its facts: a faster path than the dictionary for repeated asks.
# One tuple, replaced whole, so a thread reading it never sees one Doc with another's facts.
_LAST: tuple = (lambda: None, None)


class DocFacts:
    """What one Doc says, by token index: sentence bounds, lower-cased lemmas and lower-cased words; and
    its text."""

    __slots__ = ("text", "sent_start", "sent_end", "lemma", "lower", "kids", "memo")

    def __init__(self, doc: Doc):
        n = len(doc)
        self.sent_start: list[int] = [0] * n
        self.sent_end: list[int] = [n] * n
        for sent in doc.sents:
            start, end = sent.start, sent.end
            self.sent_start[start:end] = [start] * (end - start)
            self.sent_end[start:end] = [end] * (end - start)
        # from the token arrays and the string store, as Doc.text, Token.lemma_ and Token.lower_ read
        # them, without building a Token per word (twice as fast)
        strings = doc.vocab.strings
        rows = doc.to_array([ORTH, SPACY, LEMMA, LOWER]).tolist() if n else []
        word = {h: strings[h] for row in rows for h in (row[0], row[3])}
        lemma = {h: strings[h].lower() for h in {row[2] for row in rows}}
        self.text: str = "".join([word[orth] + " " if space else word[orth] for orth, space, _, _ in rows])
        self.lemma: list[str] = [lemma[row[2]] for row in rows]
        self.lower: list[str] = [word[row[3]] for row in rows]
        self.kids: dict[int, tuple[Kid, ...]] = {}
        # per-document results a stage memoises under its own keys; never spaCy objects (they hold the Doc)
        self.memo: dict = {}

    def where(self, words: Container[str], attr: str = "lower") -> list[int]:
        """Positions of the tokens whose lower-cased word (``attr="lemma"``: lemma) is one of ``words``:
        a rule that looks at a few words only need not build a Token for every other."""
        seq = self.lemma if attr == "lemma" else self.lower
        return [i for i, w in enumerate(seq) if w in words]

    def end_after(self, end: int, following: int) -> int:
        """Where the ``following`` sentences after the one ending at token ``end`` end."""
        for _ in range(following):
            if end < len(self.sent_end):
                end = self.sent_end[end]
        return end

    def sentence_lemmas(self, start: int) -> frozenset[str]:
        """The lower-cased lemmas of the sentence starting at token ``start``."""
        key = ("sentence_lemmas", start)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = frozenset(self.lemma[start:self.sent_end[start]])
        return found


def facts(doc: Doc) -> DocFacts:
    global _LAST
    last_doc, last_facts = _LAST
    if last_doc() is doc:   # the rules ask about one Doc at a time, some 500 times per Doc
        return last_facts
    found = _FACTS.get(doc)
    if found is None:
        found = _FACTS[doc] = DocFacts(doc)
    _LAST = (weakref.ref(doc), found)
    return found


class Kid(NamedTuple):
    """A child of a token in the dependency tree: its index, dependency label and lower-cased word."""

    i: int
    dep: str
    lower: str


def kids(tok: Token) -> tuple[Kid, ...]:
    """``tok.children`` (in the same order) as ``Kid`` tuples, read from the Doc once per token: the
    rules test a trigger's children a dozen times, and each ``tok.children`` builds a Token per child."""
    f = facts(tok.doc)
    found = f.kids.get(tok.i)
    if found is None:
        found = f.kids[tok.i] = tuple(Kid(c.i, c.dep_, c.lower_) for c in tok.children)
    return found


def sent_start(tok: Token) -> int:
    """``tok.sent.start`` without building the sentence."""
    return facts(tok.doc).sent_start[tok.i]


def sent_end(tok: Token) -> int:
    """``tok.sent.end`` without building the sentence."""
    return facts(tok.doc).sent_end[tok.i]
