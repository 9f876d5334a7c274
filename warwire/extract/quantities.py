"""Counts from numerals and number words: "three", "at least 1,200", "dozens", "more than 20",
"1-4", "two soldiers and a civilian". Never raises: an unreadable count is None.
"""
from __future__ import annotations

import re

from spacy.tokens import Token

from ..types import Quantity
from .docfacts import children, children_with, conjuncts, facts

# A count has at most 9 digits: longer digit strings are ids, phone numbers or junk, not people.
_NUM = re.compile(r"^\d{1,3}(?:,\d{3}){1,2}$|^\d{1,9}(?:\.\d{1,3})?$")
_RANGE = re.compile(r"^(\d{1,9})\s*[-–—]\s*(\d{1,9})$")
_DASHES = ("-", "–", "—")


class Counter:
    """Reads counts with the number words of ``quantities.yaml``."""

    def __init__(self, table: dict):
        self.words = {str(k).lower(): (v["min"], v["max"]) for k, v in (table.get("words") or {}).items()}
        self.mult = {str(k).lower(): int(v) for k, v in (table.get("multipliers") or {}).items()}
        self.more_than = [tuple(p.split()) for p in table.get("more_than") or ()]
        self.at_least = [tuple(p.split()) for p in table.get("at_least") or ()]
        self.up_to = [tuple(p.split()) for p in table.get("up_to") or ()]

    def number(self, text: str) -> tuple[int | None, int | None] | None:
        t = text.lower().strip()
        m = _RANGE.match(t)
        if m:
            a, b = int(m[1]), int(m[2])
            return (min(a, b), max(a, b))
        v = self._decimal(t)
        if v is not None:
            return (int(v), int(v))
        return self.words.get(t)

    @staticmethod
    def _decimal(t: str) -> float | None:
        """"1,200" -> 1200.0, "1.2" -> 1.2 (kept fractional so "1.2 million" scales right)."""
        return float(t.replace(",", "")) if _NUM.match(t) else None

    def count(self, noun: Token) -> Quantity | None:
        """The count of a noun phrase headed by ``noun`` ("at least 12 people", "dozens of villagers")."""
        doc = noun.doc
        f = facts(doc)  # the children read by token index: a Token only for a number's test
        dep, lower = f.dep, f.lower
        nums = [doc[c] for c in f.child_ix[noun.i]
                if dep[c] in ("nummod", "quantmod") and self._numeric(doc[c]) or
                (dep[c] in ("det", "amod") and lower[c] in self.words and lower[c] not in ("some",))]
        if not nums and (noun.lower_ in self.words or noun.like_num) and noun.pos_ in ("NUM", "NOUN", "PRON"):
            nums = [noun]  # "dozens were killed", "three died", "more than 20 were killed"
        if not nums and noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lower_ in self.words:
            nums = [noun.head.head]  # "dozens of villagers"
        if not nums:
            return None
        tok = nums[0]
        value = self._value(tok)
        if value is None:
            return None
        lo, hi = value
        lo, hi = self._modifiers(tok, lo, hi)
        return Quantity(lo, hi)

    def _numeric(self, tok: Token) -> bool:
        """A number token, not a quantity modifier ("than" in "more than 20" is a quantmod too)."""
        return tok.like_num or tok.lower_ in self.words or tok.lower_ in self.mult or bool(_RANGE.match(tok.text))

    def _value(self, tok: Token) -> tuple[int | None, int | None] | None:
        """The number ``tok`` stands for, with the tokens that spell it out: "1,200", "two hundred",
        "1.2 million", and ranges "1-4", "3 - 5", "between 10 and 15"."""
        rng = self._range(tok)
        if rng is not None:
            return rng
        # "two hundred", "1.2 million": the multiplier heads the number before it
        parts = [c for c in children_with(tok, ("compound", "nummod", "quantmod")) if c.i < tok.i
                 and (c.like_num or c.lower_ in self.words)]
        if tok.lower_ in self.mult and parts:
            base = self._decimal(parts[0].lower_)
            if base is None:
                base = (self.words.get(parts[0].lower_) or (None,))[0]
            if base is not None:
                v = int(base * self.mult[tok.lower_])
                return v, v
        value = self.number(tok.text)
        if value is None:
            return None
        # "1.2 million" parsed with the multiplier after the number
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        exact = self._decimal(tok.lower_)
        if nxt is not None and nxt.lower_ in self.mult and exact is not None:
            v = int(exact * self.mult[nxt.lower_])
            return v, v
        return value

    def _range(self, tok: Token) -> tuple[int, int] | None:
        doc = tok.doc
        if tok.i + 2 < len(doc) and doc[tok.i + 1].text in _DASHES:  # "3 - 5" read from its first number
            got = self.number(f"{tok.text}-{doc[tok.i + 2].text}")
        elif tok.i >= 2 and doc[tok.i - 1].text in _DASHES:  # "1-4" read from its last number
            got = self.number(f"{doc[tok.i - 2].text}-{tok.text}")
        else:
            conj = [c for c in children_with(tok, ("conj",)) if c.like_num]
            between = any(c.lower_ == "between" for c in children(tok)) or (
                tok.i > 0 and doc[tok.i - 1].lower_ == "between")
            got = self.number(f"{tok.text}-{conj[0].text}") if conj and between else None
        return got if got is not None and got[0] is not None else None

    def _modifiers(self, tok: Token, lo, hi):
        before = tuple(facts(tok.doc).lower[max(tok.i - 4, 0):tok.i])
        for phrase in self.more_than:
            if before[-len(phrase):] == phrase:
                return (lo + 1 if lo is not None else None), None
        for phrase in self.at_least:
            if before[-len(phrase):] == phrase:
                return lo, None
        for phrase in self.up_to:
            if before[-len(phrase):] == phrase:
                return (1 if phrase in (("up", "to"), ("as", "many", "as"), ("at", "most")) else lo), hi
        return lo, hi

    def victims(self, noun: Token) -> Quantity | None:
        """The count of a victim phrase, adding conjuncts: "two soldiers and a civilian" is 3; named
        people ("Soleimani and al-Muhandis") count one each."""
        total_lo, total_hi, any_count = 0, 0, False
        for n in [noun, *[c for c in conjuncts(noun) if c.i > noun.i]]:
            q = self.count(n)
            if q is None and n.pos_ == "PROPN":
                q = Quantity(1, 1)
            if q is None and n.tag_ in ("NN", "NNP") and any(w in ("a", "an", "one") for w in _child_words(n)):
                q = Quantity(1, 1)
            if q is None:
                continue
            any_count = True
            total_lo += q.min or 0
            total_hi = None if total_hi is None or q.max is None else total_hi + q.max
        if not any_count:
            return None
        return Quantity(total_lo, total_hi)


def _child_words(tok: Token) -> list[str]:
    """The lower-cased words of ``tok``'s children, in order, without a Token for each."""
    f = facts(tok.doc)
    return [f.lower[c] for c in f.child_ix[tok.i]]
