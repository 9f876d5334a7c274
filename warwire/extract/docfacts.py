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

import numpy as np
from spacy.attrs import DEP, ENT_TYPE, HEAD, LEMMA, LOWER, ORTH, POS, SPACY
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.tokens import Doc, Span, Token

_FACTS: "weakref.WeakKeyDictionary[Doc, DocFacts]" = weakref.WeakKeyDictionary()
# The Doc asked about last (weakly) and its facts: a faster path than the dictionary for repeated asks.
# One tuple, replaced whole, so a thread reading it never sees one Doc with another's facts.
_LAST: tuple = (lambda: None, None)


class DocFacts:
    """What one Doc says, by token index: sentence bounds, words, lower-cased lemmas and lower-cased words,
    dependency labels, coarse parts of speech, heads and children; and its text."""

    __slots__ = ("text", "sent_start", "sent_end", "word", "space", "lemma", "lower", "lower_id", "dep", "pos", "head",
                 "child_ix", "kids", "memo")

    def __init__(self, doc: Doc):
        n = len(doc)
        self.sent_start: list[int] = [0] * n
        self.sent_end: list[int] = [n] * n
        for sent in doc.sents:
            start, end = sent.start, sent.end
            self.sent_start[start:end] = [start] * (end - start)
            self.sent_end[start:end] = [end] * (end - start)
        # from the token arrays and the string store, as Doc.text, Token.lemma_ and Token.lower_ read
        # them, without building a Token per word; each distinct hash is looked up once, and the columns
        # are mapped in C (map over a dict's __getitem__) rather than in a comprehension
        strings = doc.vocab.strings
        array = doc.to_array([ORTH, SPACY, LEMMA, LOWER, DEP, POS, HEAD]) if n else None
        orth, spacy, lemmas, lowers, deps, pos = array[:, :6].T.tolist() if n else ([], [], [], [], [], [])
        word = {h: strings[h] for h in {*orth, *lowers}}
        lemma = {h: strings[h].lower() for h in set(lemmas)}
        dep = {h: strings[h] for h in set(deps)}
        self.word: list[str] = list(map(word.__getitem__, orth))  # as Token.text gives them
        self.space: list[int] = spacy  # 1: a space follows the word (Token.whitespace_ is " "), else 0
        self.text: str = "".join([w + " " if sp else w for w, sp in zip(self.word, spacy)])
        self.lemma: list[str] = list(map(lemma.__getitem__, lemmas))
        self.lower: list[str] = list(map(word.__getitem__, lowers))
        self.lower_id: list[int] = lowers  # the hash of each lower-cased word, as Token.lower gives it
        self.dep: list[str] = list(map(dep.__getitem__, deps))
        self.pos: list[str] = list(map(POS_NAMES.__getitem__, pos))  # as Token.pos_ names them
        # HEAD is an offset stored unsigned: read it back signed
        self.head: list[int] = (array[:, 6].astype("int64") + np.arange(n)).tolist() if n else []
        # a token's children in text order, as Token.children gives them (it scans the token's edges,
        # which always hold every child, for the tokens whose head it is), without a Token per child
        self.child_ix: list[list[int]] = [[] for _ in range(n)]
        for i, h in enumerate(self.head):
            if h != i:
                self.child_ix[h].append(i)
        self.kids: dict[int, tuple[Kid, ...]] = {}
        # per-document results a stage memoises under its own keys; never spaCy objects (they hold the Doc)
        self.memo: dict = {}

    def ent_types(self, doc: Doc) -> list[str]:
        """Each token's ``ent_type_`` ("" outside an entity), read once per Doc."""
        found = self.memo.get("ent_types")
        if found is None:
            strings = doc.vocab.strings
            hashes = doc.to_array([ENT_TYPE]).tolist() if len(doc) else []
            label = {h: strings[h] for h in set(hashes)}
            found = self.memo["ent_types"] = list(map(label.__getitem__, hashes))
        return found

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


_new_tuple = tuple.__new__


def kids(tok: Token) -> tuple[Kid, ...]:
    """``tok.children`` (in the same order) as ``Kid`` tuples, read from the Doc once per token: the
    rules test a trigger's children a dozen times, and each ``tok.children`` builds a Token per child."""
    f = facts(tok.doc)
    found = f.kids.get(tok.i)
    if found is None:
        dep, lower = f.dep, f.lower
        # tuple.__new__ builds the same Kid as Kid(...) without the Python-level __new__ a NamedTuple adds
        found = f.kids[tok.i] = tuple([_new_tuple(Kid, (c, dep[c], lower[c])) for c in f.child_ix[tok.i]])
    return found


def children(tok: Token) -> list[Token]:
    """``list(tok.children)``: the Tokens are built only for the children, not for every word between
    the token's edges that spaCy scans (the root of a long sentence scans the whole sentence)."""
    doc = tok.doc
    return [doc[c] for c in facts(doc).child_ix[tok.i]]


def subtree(tok: Token) -> list[Token]:
    """``list(tok.subtree)``, in the order spaCy gives it (left children's subtrees, the token, right
    children's subtrees), from the cached children."""
    doc = tok.doc
    return [doc[i] for i in subtree_ix(facts(doc), tok.i)]


def subtree_ix(f: DocFacts, i: int) -> list[int]:
    """The indices of ``subtree`` of token ``i``."""
    out: list[int] = []
    child_ix = f.child_ix

    def walk(t: int) -> None:
        for c in child_ix[t]:
            if c < t:
                walk(c)
        out.append(t)
        for c in child_ix[t]:
            if c > t:
                walk(c)

    walk(i)
    return out


def ancestors_ix(f: DocFacts, i: int) -> list[int]:
    """The indices of ``Token.ancestors`` of token ``i``: its head, the head's head, ... up to the root."""
    out: list[int] = []
    head = f.head
    while head[i] != i:
        i = head[i]
        out.append(i)
    return out


def conjuncts(tok: Token) -> tuple[Token, ...]:
    """``tok.conjuncts``: climb the "conj" links to the first conjunct, then gather every right child
    reached by "conj" from it, in spaCy's order; the token itself left out."""
    doc = tok.doc
    return tuple([doc[i] for i in conjuncts_ix(facts(doc), tok.i)])


def conjuncts_ix(f: DocFacts, i: int) -> list[int]:
    """The indices of ``conjuncts`` of token ``i``."""
    start = i
    while f.head[start] != start and f.dep[start] == "conj":
        start = f.head[start]
    queue, output = [start], [start]
    for word in queue:
        for c in f.child_ix[word]:
            if c > word and f.dep[c] == "conj":
                output.append(c)
                queue.append(c)
    return [c for c in output if c != i]


def negated_prefix(f: DocFacts, i: int) -> bool:
    """"non-violent", "non-lethal": whether token ``i`` follows a hyphenated "non" that turns it into its opposite."""
    return i >= 2 and f.lower[i - 1] in ("-", "–") and f.lower[i - 2] == "non"


def glued_hyphen_after(f: DocFacts, end: int) -> bool:
    """Whether a hyphen at token ``end`` is glued to the word before it: "Iran-backed", "Gaza-based",
    "gang-raped" (the words before it are the first half of a compound, not a name of their own)."""
    return end < len(f.word) and f.word[end] in ("-", "–") and not f.space[end - 1]


def span_text(span: Span) -> str:
    """``span.text``, sliced from the Doc's text read once: ``Span.text`` builds a Token for every word."""
    return facts(span.doc).text[span.start_char:span.end_char]


def sentence(tok: Token) -> Span:
    """``tok.sent`` (which scans the whole Doc for sentence annotation first) from the cached bounds."""
    doc = tok.doc
    f = facts(doc)
    return doc[f.sent_start[tok.i]:f.sent_end[tok.i]]


def sent_start(tok: Token) -> int:
    """``tok.sent.start`` without building the sentence."""
    return facts(tok.doc).sent_start[tok.i]


def sent_end(tok: Token) -> int:
    """``tok.sent.end`` without building the sentence."""
    return facts(tok.doc).sent_end[tok.i]


def children_with(tok: Token, deps: Container[str]) -> list[Token]:
    """``[c for c in tok.children if c.dep_ in deps]``, a Token built only for those children."""
    doc = tok.doc
    f = facts(doc)
    dep = f.dep
    return [doc[c] for c in f.child_ix[tok.i] if dep[c] in deps]


def has_child(tok: Token, deps: Container[str]) -> bool:
    """``any(c.dep_ in deps for c in tok.children)`` without building the children."""
    f = facts(tok.doc)
    dep = f.dep
    return any(dep[c] in deps for c in f.child_ix[tok.i])
