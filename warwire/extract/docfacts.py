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

from spacy.tokens import Doc, Token

_FACTS: "weakref.WeakKeyDictionary[Doc, DocFacts]" = weakref.WeakKeyDictionary()


class DocFacts:
    """What one Doc says, by token index: sentence bounds, lower-cased lemmas and lower-cased words; and
    its text."""

    __slots__ = ("text", "sent_start", "sent_end", "lemma", "lower", "memo")

    def __init__(self, doc: Doc):
        self.text: str = doc.text
        n = len(doc)
        self.sent_start: list[int] = [0] * n
        self.sent_end: list[int] = [n] * n
        for sent in doc.sents:
            start, end = sent.start, sent.end
            self.sent_start[start:end] = [start] * (end - start)
            self.sent_end[start:end] = [end] * (end - start)
        self.lemma: list[str] = []
        self.lower: list[str] = []
        for t in doc:
            self.lemma.append(t.lemma_.lower())
            self.lower.append(t.lower_)
        # per-document results a stage memoises under its own keys; never spaCy objects (they hold the Doc)
        self.memo: dict = {}

    def where(self, words: Container[str], attr: str = "lower") -> list[int]:
        """Positions of the tokens whose lower-cased word (``attr="lemma"``: lemma) is one of ``words``:
        a rule that looks at a few words only need not build a Token for every other."""
        seq = self.lemma if attr == "lemma" else self.lower
        return [i for i, w in enumerate(seq) if w in words]

    def sentence_lemmas(self, start: int) -> frozenset[str]:
        """The lower-cased lemmas of the sentence starting at token ``start``."""
        key = ("sentence_lemmas", start)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = frozenset(self.lemma[start:self.sent_end[start]])
        return found


def facts(doc: Doc) -> DocFacts:
    found = _FACTS.get(doc)
    if found is None:
        found = _FACTS[doc] = DocFacts(doc)
    return found


def sent_start(tok: Token) -> int:
    """``tok.sent.start`` without building the sentence."""
    return facts(tok.doc).sent_start[tok.i]


def sent_end(tok: Token) -> int:
    """``tok.sent.end`` without building the sentence."""
    return facts(tok.doc).sent_end[tok.i]
