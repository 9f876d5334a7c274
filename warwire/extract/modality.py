"""Did it happen? Reads an event trigger's governing verbs, auxiliaries, negation and conditionals.

``frame(trigger)`` walks up the dependency tree from the trigger and returns a ``Frame``: the
modality, the verb that set it (whose subject may be the event's source or the speaker), and whether
the trigger is only the content of a threat or a plan (then the event is re-typed, not emitted as is).
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from ..kb.cues import Lexicon
from ..types import Modality
from .docfacts import children_with, facts, kids, subtree

# Dependencies through which a governing verb's meaning reaches the trigger.
GOVERNING = frozenset({"xcomp", "ccomp", "dobj", "pobj", "prep", "advcl", "acl", "pcomp", "conj", "attr", "oprd",
                       "nsubj", "nsubjpass", "npadvmod", "agent", "dative", "csubj", "acomp"})
PAST = frozenset({"VBD", "VBN"})
PRESENT = frozenset({"VB", "VBP", "VBZ", "MD"})
MAX_UP = 6


@dataclass(frozen=True, slots=True)
class Frame:
    modality: Modality
    governor: Token | None = None   # the verb that set the modality
    retype: str | None = None       # "THREATEN" or "MOBILIZE" when the trigger is a promised/prepared act
    carrier: Token | None = None    # a light verb carrying a noun trigger ("launched attacks")
    accused: Token | None = None    # "blamed X for ...": X is the alleged perpetrator


class ModalityReader:
    def __init__(self, lex: Lexicon):
        f = lex.frame
        self.threaten, self.plan, self.claim = f("threaten"), f("plan"), f("claim")
        self.allege, self.deny, self.speech = f("allege"), f("deny"), f("speech")
        self.future_aux, self.light = f("future_aux"), f("light_verbs")
        self.mobilize = f("mobilize_when_planned")
        self.hyp_marks, self.hyp_verbs = f("hypothetical_marks"), f("hypothetical_verbs")
        self.allege_adv = f("allege_adverbs")
        self.coercive = f("threat_when_promised")
        self.condition_marks = f("condition_marks")
        self.conditional_threats = self.coercive | f("threat_when_conditional")
        self.allege_needs, self.allege_compl = f("allege_needs_complement"), f("allege_complements")
        self.reporting = self.speech | self.claim | self.allege | self.deny

    def negated(self, tok: Token) -> bool:
        """Whether ``tok`` is negated; read once per token (the triggers of a sentence climb through the
        same governing verbs)."""
        memo = facts(tok.doc).memo
        key = (self, "negated", tok.i)
        found = memo.get(key)
        if found is None:
            found = memo[key] = self._negated(tok)
        return found

    def _negated(self, tok: Token) -> bool:
        own = kids(tok)
        if any(c.dep == "neg" for c in own):
            return True
        for c in own:  # "nobody was killed", "no one was hurt"
            if c.dep in ("nsubj", "nsubjpass") and (c.lower in ("nobody", "none", "noone") or c.lower == "one" and
                                                    any(x.lower == "no" for x in kids(tok.doc[c.i]))):
                return True
        if tok.pos_ in ("NOUN", "PROPN") and any(c.lower in ("no", "without") and c.dep in ("det", "prep")
                                                  for c in own):
            return True
        return tok.dep_ == "pobj" and tok.head.lower_ == "without"

    def future(self, tok: Token) -> bool:
        return any(c.dep == "aux" and c.lower in self.future_aux for c in kids(tok)) or \
            (tok.lower_ == "going" and any(c.dep == "xcomp" for c in kids(tok)))

    def frame(self, trig: Token, etype: str) -> Frame:
        carrier = None
        future = self.future(trig)
        tok = trig
        if self.negated(trig):
            return Frame(Modality.NEGATED)
        own = kids(trig)
        if any(c.dep == "mark" and c.lower in self.hyp_marks for c in own):
            return Frame(Modality.HYPOTHETICAL)
        if any(c.dep == "advmod" and c.lower in self.allege_adv for c in own):
            return Frame(Modality.ALLEGED)
        may = any(c.dep == "aux" and c.lower in ("could", "might", "may") for c in own)
        if (future or may) and etype.lower() in self.conditional_threats and any(c.dep == "advcl" and any(
                m.dep == "mark" and m.lower in self.condition_marks for m in kids(trig.doc[c.i])) for c in own):
            return Frame(Modality.THREATENED, trig, "THREATEN")  # "will withdraw its troops unless ..."
        if may:
            return Frame(Modality.HYPOTHETICAL)
        if trig.lemma_.lower() in self.plan and trig.lemma_.lower() != "set":
            return Frame(Modality.PLANNED, trig)  # "is preparing for strikes" (but "set fire" happened)
        f = facts(trig.doc)  # the words read by token index on the way up
        for _ in range(MAX_UP):
            dep, h = f.dep[tok.i], f.head[tok.i]
            if dep not in GOVERNING or h == tok.i:
                break
            head = tok.head
            if dep == "conj" and tok.tag_ in PAST and head.tag_ in PRESENT:
                break  # "officials fear ... and pushed X": a new, reported clause
            head_pos = f.pos[h]
            if head_pos == "ADP":  # "for the killing", "on strikes": step through the preposition
                tok = head
                continue
            lemma = f.lemma[h]
            if dep == "ccomp" and tok.i < h and lemma not in self.reporting:
                break  # "they staged a sit-in; they also demanded ...": a clause before a demand is no demand
            if head_pos in ("VERB", "AUX", "NOUN") or head_pos == "ADJ" and lemma in self.plan:
                if self.negated(head) and head_pos != "NOUN":
                    return Frame(Modality.NEGATED, head)
                if any(c.dep == "mark" and c.lower in self.hyp_marks for c in kids(head)):
                    return Frame(Modality.HYPOTHETICAL, head)
                # "engaged in a firefight": the noun under the light verb's "in" is carried all the same
                if lemma in self.light and (dep in ("dobj", "xcomp", "pobj") or dep == "prep" and f.lower[tok.i] == "in") \
                        and carrier is None:
                    carrier = head
                    future = future or self.future(head)
                    tok = head
                    continue
                if lemma in self.threaten and dep in ("xcomp", "dobj", "ccomp", "pobj", "advcl"):
                    return Frame(Modality.THREATENED, head, "THREATEN", carrier)
                if lemma in self.claim and dep in ("dobj", "xcomp", "ccomp", "prep"):
                    return Frame(Modality.CLAIMED, head, None, carrier)
                if lemma in self.allege and dep in ("pobj", "ccomp", "xcomp", "dobj", "prep") and \
                        (lemma not in self.allege_needs or any(c.lemma_.lower() in self.allege_compl
                                                               for c in subtree(head))):
                    accused = next((c for c in children_with(head, ("dobj",))), None)
                    if head.pos_ == "NOUN" and head.dep_ in ("dobj", "pobj") and \
                            head.head.lemma_.lower() in self.deny:
                        return Frame(Modality.DENIED, head.head, None, carrier)  # "rejected accusations of X"
                    return Frame(Modality.ALLEGED, head, None, carrier, accused)
                if lemma in self.deny and dep in ("dobj", "xcomp", "ccomp", "pcomp"):
                    return Frame(Modality.DENIED, head, None, carrier)
                if lemma in self.plan and dep in ("xcomp", "dobj", "pobj", "ccomp", "prep") and lemma != "set" \
                        or lemma == "set" and dep == "xcomp":
                    retype = "MOBILIZE" if etype == "ASSAULT" and lemma in self.mobilize else \
                        "THREATEN" if etype.lower() in self.coercive - {"assault"} else None
                    return Frame(Modality.PLANNED, head, retype, carrier)
                if lemma in self.hyp_verbs and head_pos == "VERB" and dep in ("ccomp", "xcomp", "dobj"):
                    return Frame(Modality.HYPOTHETICAL, head, None, carrier)
                if lemma in self.speech and dep in ("ccomp", "xcomp", "dobj"):
                    if future:
                        retype = "THREATEN" if etype.lower() in self.coercive else None
                        mod = Modality.THREATENED if retype else Modality.PLANNED
                        return Frame(mod, head, retype, carrier)
                    return Frame(Modality.ASSERTED, head, None, carrier)
                future = future or self.future(head)
            tok = head
        if future:
            return Frame(Modality.PLANNED, None, None, carrier)
        return Frame(Modality.ASSERTED, None, None, carrier)
